"""Step 4, split: leakage-free, deterministic assignment of document groups to train/validation/test.

The unit is the connected group of documents that share a paragraph, a near-duplicate cluster or
a sentence key; a group's documents, paragraphs and sentences all go to one split, so no
normalized key can appear in two splits of any config.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from .ids import content_id
from .unionfind import UnionFind


def document_groups(n_docs: int, doc_tokens: Iterable[tuple[int, str]]) -> list[int]:
    """Group index (the smallest document index in it) of every document.

    `doc_tokens` yields (document, token) pairs; documents sharing any token are joined.
    """
    uf = UnionFind(n_docs)
    owner: dict[str, int] = {}
    for doc, token in doc_tokens:
        first = owner.setdefault(token, doc)
        if first != doc:
            uf.union(first, doc)
    return [uf.find(d) for d in range(n_docs)]


def assign(
    group_ids: Sequence[str], weights: Sequence[int], ratios: dict[str, float], seed: int
) -> list[str]:
    """Split name of every group.

    Groups are visited in a seeded hash order and each goes to the split furthest below its
    target share of the total weight. When at least three groups exist, an empty split then
    takes the lightest group of a split that has more than one, so every split is non-empty.
    """
    names = list(ratios)
    total = sum(weights)
    order = sorted(range(len(group_ids)), key=lambda g: content_id(str(seed), group_ids[g]))
    load = {s: 0 for s in names}
    members: dict[str, list[int]] = {s: [] for s in names}
    out = [""] * len(group_ids)
    for g in order:
        best = max(names, key=lambda s: (ratios[s] * total - load[s], ratios[s]))
        out[g] = best
        load[best] += weights[g]
        members[best].append(g)
    if len(group_ids) >= len(names):
        for empty in [s for s in names if not members[s]]:
            donor = max((s for s in names if len(members[s]) > 1), key=lambda s: (len(members[s]), load[s]))
            g = min(members[donor], key=lambda g: (weights[g], order.index(g)))
            members[donor].remove(g)
            members[empty].append(g)
            out[g] = empty
    return out

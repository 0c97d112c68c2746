"""Step 4, split: leakage-free, deterministic assignment of document groups to train/validation/test.

The unit is the connected group of documents that share a paragraph, a near-duplicate cluster or
a sentence key; a group's documents, paragraphs and sentences all go to one split, so no
normalized key can appear in two splits of any config.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa

from . import paths
from .clean import normalized_keys
from .ids import content_id
from .params import Params
from .records import Records, assemble
from .unionfind import UnionFind

KEY_BATCH = 20_000  # texts keyed at once


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


def key_ids(texts: pa.ChunkedArray) -> Iterator[str]:
    """content_id of every text's normalized key, KEY_BATCH texts in Python at a time."""
    for chunk in texts.chunks:
        for lo in range(0, len(chunk), KEY_BATCH):
            yield from map(content_id, normalized_keys(chunk.slice(lo, KEY_BATCH).to_pylist()))


def group_tokens(records: Records) -> list[tuple[int, str]]:
    """(document, token) pairs that must not cross splits: paragraph ids, clusters, sentence and document keys."""
    pairs: list[tuple[int, str]] = []
    par = records.paragraphs
    cluster_of = dict(zip(par["id"].to_pylist(), par["near_duplicate_cluster"].to_pylist()))
    for d, (pids, key) in enumerate(zip(records.documents["paragraph_ids"].to_pylist(), key_ids(records.documents["text"]))):
        pairs.append((d, key))
        for pid in pids:
            pairs.append((d, pid))
            pairs.append((d, "cluster:" + cluster_of[pid]))
    pairs.extend(zip(records.sentence_doc.tolist(), key_ids(records.sentences["text"])))
    return pairs


def split_documents(records: Records, params: Params) -> tuple[list[str], dict[str, Any]]:
    """Split name of every document, and what the split step reports."""
    n_docs = records.documents.num_rows
    group_of = document_groups(n_docs, group_tokens(records))
    roots = sorted(set(group_of))
    index = {r: i for i, r in enumerate(roots)}
    weights = [0] * len(roots)
    for doc in records.paragraph_doc.tolist():
        weights[index[group_of[doc]]] += 1
    doc_ids = records.documents["id"].to_pylist()
    group_ids = [doc_ids[r] for r in roots]
    split_of_group = assign(group_ids, weights, params.split.ratios, params.split.seed)
    doc_split = [split_of_group[index[group_of[d]]] for d in range(n_docs)]
    total = sum(weights)
    reached = Counter()
    for g, s in enumerate(split_of_group):
        reached[s] += weights[g]
    stats = {
        "groups": len(roots),
        "group_sizes_documents": dict(sorted(Counter(Counter(group_of).values()).items())),
        "target_ratios": params.split.ratios,
        "reached_ratios": {s: round(reached[s] / total, 4) if total else 0.0 for s in paths.SPLITS},
    }
    return doc_split, stats


def split_and_assemble(
    ingested: pa.Table, seg_lines: pa.Table, seg_documents: pa.Table, dedup: pa.Table, params: Params
) -> tuple[Records, list[str], dict[str, Any]]:
    """Records of every config and the split of every document (step 4 before writing)."""
    records = assemble(ingested, seg_lines, seg_documents, dedup)
    doc_split, stats = split_documents(records, params)
    return records, doc_split, stats

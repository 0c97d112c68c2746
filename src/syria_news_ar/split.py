"""Step 4, split: leakage-free, deterministic assignment of document groups to train/validation/test.

The unit is the connected group of documents that share a paragraph, a near-duplicate cluster or
a sentence key; a group's documents, paragraphs and sentences all go to one split, so no
normalized key can appear in two splits of any config.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa

from . import paths
from .clean import arrow_key_digests, span_key_digests
from .ids import content_id
from .params import Params
from .arrow_text import utf8_buffers
from .records import Records, assemble
from .sorting import sorted_unique, stable_order
from .unionfind import UnionFind

KEY_BATCH = 20_000  # document texts joined and keyed at once
# Up to this much paragraph text (UTF-8), the documents' key digests are computed on a second
# thread while this one computes the sentences' (compiled, without the GIL). Above it, one thread
# after the other: at the 1000 MB benchmark two threads took the step's peak from 2,693 to
# 2,803 MiB, where memory binds.
KEY_THREADS_MAX_BYTES = 256 << 20


def shared_token_links(docs: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """Unique (a, b) document pairs to join, a the first document holding a token and b another:
    row k says document docs[k] holds token tokens[k] (a row of integers). Tokens are grouped by
    sorting, so memory is a few arrays, not a dict of every sentence key."""
    if not len(docs):
        return np.zeros((0, 2), dtype=np.int64)
    order, new_run = token_runs(tokens)
    sorted_docs = docs[order]
    del order
    run_first_doc = sorted_docs[new_run][np.cumsum(new_run) - 1]
    linked = run_first_doc != sorted_docs
    n = int(sorted_docs.max()) + 1  # (a, b) as one code: unique codes, not np.unique(axis=0) of rows
    codes = sorted_unique(run_first_doc[linked].astype(np.int64) * n + sorted_docs[linked], owned=True)
    return np.stack([codes // n, codes % n], axis=1)


def token_runs(tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(np.lexsort(tokens.T[::-1]) of (n, 2) uint64 tokens, by the first word then the second;
    whether each place in that order starts a run of equal tokens). A stable sort by the first
    word orders the tokens fully, and its runs are theirs, unless two tokens share a first word
    but not the second (a 64-bit collision of 128-bit digests): then lexsort itself runs and the
    sorted tokens are compared. Only the tied places' second words are read otherwise. 1.3M
    random tokens (300,000 of them repeats): 0.076-0.085 s against 0.295-0.304 s for lexsort."""
    order, tied, run_first = stable_order(tokens[:, 0])
    second = tokens[:, 1]
    if np.any(second[order[tied]] != second[order[run_first]]):
        order = np.lexsort(tokens.T[::-1])
        ordered = tokens[order]
        new_run = np.ones(len(order), dtype=bool)
        new_run[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
        return order, new_run
    new_run = np.ones(len(order), dtype=bool)
    new_run[tied] = tied == run_first
    return order, new_run


def document_groups(n_docs: int, namespaces: Iterable[tuple[np.ndarray, np.ndarray]]) -> list[int]:
    """Group index (the smallest document index in it) of every document: documents sharing a
    token of any namespace are joined. Each namespace is (docs, tokens) as in shared_token_links;
    the same token in two namespaces joins nothing. They are taken one at a time (group_tokens
    makes each when asked), so memory holds one namespace's tokens."""
    uf = UnionFind(n_docs)
    for docs, tokens in namespaces:
        for a, b in shared_token_links(docs, tokens).tolist():
            uf.union(a, b)
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


def document_key_digests(records: Records) -> np.ndarray:
    """The key digests of every document's text (its paragraphs joined), KEY_BATCH documents at a time."""
    return np.concatenate([np.zeros((0, 2), dtype=np.uint64)] + [arrow_key_digests(t) for t in records.text_batches("documents", KEY_BATCH)])


def sentence_key_digests(records: Records) -> np.ndarray:
    """The key digests of every sentence (clean.span_key_digests), cut straight from the
    paragraphs' UTF-8 bytes: no string array of the sentences is made."""
    data, spans = records.sentence_utf8()
    return span_key_digests(data, spans[:, 0], spans[:, 1])


_HEX_VALUE = np.full(256, 0xFF, dtype=np.uint8)  # ASCII code -> value of a lower-case hex digit
_HEX_VALUE[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10)
_HEX_VALUE[np.frombuffer(b"abcdef", dtype=np.uint8)] = np.arange(10, 16)


def id_digests(ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Hex content ids as rows of two uint64 (the digests ids.content_digest gives for the same key).
    Ids of 32 lower-case hex digits, as content_id makes them, are decoded in numpy from the
    string buffer (no Python string per id: 2.3M of them at the 1000 MB benchmark); any other
    id goes through bytes.fromhex, which raises on what is not hex."""
    flat = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    if not flat.null_count and len(flat):
        offsets, data = utf8_buffers(flat)
        if np.all(np.diff(offsets) == 32):
            digits = _HEX_VALUE[data[offsets[0] : offsets[-1]]].reshape(-1, 32)
            if not (digits > 15).any():
                return np.ascontiguousarray((digits[:, 0::2] << 4) | digits[:, 1::2]).view(np.uint64)
    return np.frombuffer(bytes.fromhex("".join(flat.to_pylist())), dtype=np.uint64).reshape(-1, 2)


def group_tokens(records: Records) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(documents, tokens) of each namespace of things that must not cross splits, one at a time;
    a token is a 128-bit digest (two uint64). Keys: a document's normalized text, its paragraphs'
    ids and its sentences' normalized texts (the same key in two configs must not cross splits);
    clusters: its paragraphs' near-duplicate clusters (a cluster id is not a key)."""
    n_docs = records.documents.num_rows
    with ThreadPoolExecutor(max_workers=1) as second:
        two_threads = int(records.text_bytes("paragraphs").sum()) <= KEY_THREADS_MAX_BYTES
        documents = second.submit(document_key_digests, records) if two_threads else None
        sentences = sentence_key_digests(records)
        counts, listed = records.listed_paragraphs(np.arange(n_docs))
        listed_docs = np.repeat(np.arange(n_docs, dtype=np.int64), counts)
        paragraph_digests = id_digests(records.paragraphs["id"])  # each paragraph's once: documents list some twice
        tokens = np.concatenate([
            documents.result() if documents is not None else document_key_digests(records),
            paragraph_digests[listed],
            sentences,
        ])
    del documents, sentences
    yield np.concatenate([np.arange(n_docs, dtype=np.int64), listed_docs, records.sentence_doc.astype(np.int64)]), tokens
    del tokens
    yield listed_docs, paragraph_digests[records.paragraph_cluster[listed]]


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
    """Records of every config and the split of every document (step 4 before writing). The
    inputs are dropped once assembled: a caller that passed its only references (the DVC stage)
    then does not hold them while the documents are split."""
    records = assemble(ingested, seg_lines, seg_documents, dedup)
    del ingested, seg_lines, seg_documents, dedup
    doc_split, stats = split_documents(records, params)
    return records, doc_split, stats

"""Step 3, deduplicate: exact duplicates by normalized key, near duplicates by MinHash LSH.

Exact duplicates share a key hash (the paragraph id) from ingest, so only first occurrences get
here. LSH (bands of MinHash signatures over character n-grams of the key) only proposes
candidates; a pair becomes a near duplicate after an exact check on the two shingle sets
(64-bit shingle hashes): Jaccard >= threshold, or the shorter paragraph (a full paragraph, not a
heading) almost wholly contained in the longer one. State kept per paragraph is small: the band
hashes (bands x 8 bytes) and a flag; keys are recomputed for the few candidates.
"""
from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .clean import arrow_key_shingle_hashes, arrow_key_shingle_hashes_and_words, normalized_keys
from .ingest import STATUS_TEXT
from .memory import release_memory
from .minhash import band_hashes, shingle_hashes, signatures
from .params import DedupParams
from .progress import progress
from .segment import KIND_PARAGRAPH
from .sorting import lex_order, sorted_unique, stable_order
from .texts_at import TextsAt
from .unionfind import UnionFind
from .worker import HEAD_START_SHARE, share_work

if TYPE_CHECKING:
    from .set_pool import SetPool

DEDUP_SCHEMA = pa.schema(
    [("paragraph_id", pa.string()), ("first_line", pa.int64()), ("near_duplicate_cluster", pa.string())]
)
BATCH = 2_000  # paragraphs hashed at once: bounds the shingle buffers
# From this many distinct paragraphs a worker process hashes the second half (~26 us a
# paragraph here: 5.1 s for the 100 MB benchmark's 195k; a worker starts in ~0.5 s).
MINHASH_WORKER_MIN = 30_000
# This process's share of the MinHash signatures when it has the compiled key shingling loaded
# (the build's, since ingest hashed its keys), the worker's numpy form taking longer a paragraph.
# The 100 MB benchmark's MinHash phase on cached inputs (2026-12-05): 1.50-1.62 s at 0.68 (both
# ending together; 1.45-1.58 s at 0.65 and 0.70), against 2.03 s with the numpy form in both and
# 0.55 here, and 1.81 s with the compiled form at 0.55 (this process then waited 0.4 s).
MINHASH_HEAD_SHARE_COMPILED = 0.68
# Candidate pairs confirmed at once (a block needs the shingle sets of at most twice as many rows;
# a set averaged 238 hashes, 1.9 KB, at 100 MB), and the shingle sets kept for later blocks at
# most. Simulated on the 1 GB benchmark's 7.33M pairs over 1.85M rows (one connected graph of
# 1.83M rows): in row order, 1.16M sets are needed at once at the worst moment uncapped, and
# capped at 800k, 1.19x the rows are hashed (300k: 1.88x); in locality_order, 0.73M uncapped,
# and capped at 300k 1.42x, at 200k 1.69x, at 150k 1.88x (at most 245k and 200k sets held at
# once). On that benchmark's cached inputs, confirmation at 150k peaked at 2,642 MiB in 57.7 s
# against 2,687 MiB in 56-67 s at 200k; smaller blocks cost more (25k pairs: +18 s).
CONFIRM_PAIRS = 50_000
CACHED_SETS = 150_000


def shingles(key: str, n: int) -> set[str]:
    """Character n-grams of a normalized key (the key itself when shorter than n)."""
    if len(key) <= n:
        return {key}
    return {key[i : i + n] for i in range(len(key) - n + 1)}


JACCARD, CONTAINMENT = 1, 2  # near_match_kinds' codes (0: no match)
MATCH_NAMES = {JACCARD: "jaccard", CONTAINMENT: "containment"}


def near_match_kinds(inter: np.ndarray, size_a: np.ndarray, size_b: np.ndarray, a_full: np.ndarray, b_full: np.ndarray, params: DedupParams) -> np.ndarray:
    """Per pair: JACCARD or CONTAINMENT when it is a confirmed near duplicate, else 0. Jaccard >=
    threshold first; else the shorter side, when a full paragraph, this contained in the longer."""
    jaccard = inter >= params.jaccard_threshold * (size_a + size_b - inter)
    shorter_full = np.where(size_a <= size_b, a_full, b_full)
    contained = shorter_full & (inter >= params.containment_threshold * np.minimum(size_a, size_b))
    return np.where(jaccard, JACCARD, np.where(contained, CONTAINMENT, 0))


def near_match(a: set[str], b: set[str], a_full: bool, b_full: bool, params: DedupParams) -> str | None:
    """near_match_kinds of one pair of shingle sets, by name ('jaccard', 'containment' or None)."""
    kind = near_match_kinds(np.array([len(a & b)]), np.array([len(a)]), np.array([len(b)]), np.array([a_full]), np.array([b_full]), params)
    return MATCH_NAMES.get(int(kind[0]))


MERGE_BANDS = 8  # bands whose pair codes are made unique together (see candidate_pairs)


def candidate_pairs(bands: np.ndarray) -> np.ndarray:
    """Unique (i, j), i < j, of rows sharing a band hash: consecutive members of each bucket
    (in row order) and each member with the bucket's first. With 32 bands, true near duplicates
    share many buckets, so chain and star links find them without all pairs of big buckets.
    The pairs of MERGE_BANDS bands at a time are made unique before all are merged: near
    duplicates repeat across bands, so the codes held at once are fewer (1000 MB benchmark:
    17.7M codes for 7.3M pairs; peak over the bands 386 MB instead of 596 MB, same time)."""
    n = len(bands)
    codes: list[np.ndarray] = []
    merged: list[np.ndarray] = []
    for b in range(bands.shape[1]):
        order, at, run_first = stable_order(np.ascontiguousarray(bands[:, b]))
        later = at != run_first
        member, first = at[later], run_first[later]  # the places of each bucket after its first
        if len(member):
            codes.append(order[member - 1].astype(np.int64) * n + order[member])  # chain: the member before
            codes.append(order[first].astype(np.int64) * n + order[member])  # star: the bucket's first
        if codes and ((b + 1) % MERGE_BANDS == 0 or b == bands.shape[1] - 1):
            block = np.concatenate(codes)
            codes = []
            merged.append(sorted_unique(block, owned=True))
            del block
    if not merged:
        return np.zeros((0, 2), dtype=np.int64)
    every = np.concatenate(merged) if len(merged) > 1 else merged[0]
    merged.clear()  # `every` is the only copy now: sorted in place
    uniq = sorted_unique(every, owned=True)
    del every
    pairs = np.empty((len(uniq), 2), dtype=np.int64)
    np.floor_divide(uniq, n, out=pairs[:, 0])
    np.remainder(uniq, n, out=pairs[:, 1])
    return pairs


def compiled_keys_loaded() -> bool:
    """Whether this process has the compiled key kernels loaded (utf8_kernels): numba and a loaded
    kernel are ~140-180 MB of RSS in a fresh process, which the MinHash worker would add at
    deduplicate's peak, so only a process that has them already uses them here."""
    return "syria_news_ar.utf8_kernels" in sys.modules


def band_rows(texts: pa.Array | TextsAt, params: DedupParams) -> tuple[np.ndarray, np.ndarray]:
    """(LSH band hashes, word counts) of every text's normalized key, BATCH texts at a time
    (picklable in and out: a worker can do a share): the keys' shingles hashed in compiled code
    where this process has it loaded (compiled_keys_loaded), else from the keys as Python strings
    in numpy (the same hashes and counts, tested)."""
    n = len(texts)
    bands = np.zeros((n, params.lsh_bands), dtype=np.uint64)
    n_words = np.zeros(n, dtype=np.int64)
    compiled = compiled_keys_loaded()
    for lo in progress(range(0, n, BATCH), desc="minhash", unit=" batches", total=-(-n // BATCH)):
        if compiled:
            hashes, offsets, words = arrow_key_shingle_hashes_and_words(texts.slice(lo, BATCH), params.shingle_size)
            offsets = offsets.astype(np.uint64)  # as shingle_hashes gives them to rensa
        else:
            keys = normalized_keys(texts.slice(lo, BATCH).to_pylist())
            words = [k.count(" ") + 1 for k in keys]
            hashes, offsets = shingle_hashes(keys, params.shingle_size)
        n_words[lo : lo + len(offsets) - 1] = words
        sig = signatures(hashes, offsets, params.num_perm, params.seed)
        bands[lo : lo + len(offsets) - 1] = band_hashes(sig, params.lsh_bands, params.lsh_rows)
    return bands, n_words


def add_shingle_sets(pool: SetPool, texts: pa.Array | TextsAt, rows: np.ndarray, shingle_size: int) -> None:
    """Hash the shingles of the texts at `rows`, BATCH texts at a time, into the pool (compiled,
    from the texts' UTF-8: this process has numba loaded for the pool anyway; band_rows' numpy
    form gives the same hashes, tested)."""
    for lo in range(0, len(rows), BATCH):
        part = rows[lo : lo + BATCH]
        hashes, offsets = arrow_key_shingle_hashes(texts.take(part), shingle_size)
        pool.add(part, hashes, offsets)


def locality_order(pairs: np.ndarray, n_rows: int) -> np.ndarray:
    """The pairs reordered so that each row's pairs come close together: rows numbered by reverse
    Cuthill-McKee over the candidate graph (which keeps linked rows near each other), pairs
    sorted by their lower, then higher number. Confirmation then needs fewer shingle sets at
    once (see CACHED_SETS); the pairs found and the clusters do not depend on the order."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    if len(pairs) == 0:
        return pairs
    i, j = pairs[:, 0], pairs[:, 1]
    graph = coo_matrix((np.ones(2 * len(pairs), dtype=np.int8), (np.concatenate([i, j]), np.concatenate([j, i]))), shape=(n_rows, n_rows)).tocsr()
    number = np.empty(n_rows, dtype=np.int64)
    number[reverse_cuthill_mckee(graph, symmetric_mode=True)] = np.arange(n_rows)
    del graph
    a, b = number[i], number[j]
    return pairs[lex_order(np.maximum(a, b), np.minimum(a, b))]


class NextUse:
    """When each row is next needed by the candidate pairs, in pair order (vectorised lookups),
    and the last pair that needs it (`last`)."""

    def __init__(self, pairs: np.ndarray, n_rows: int) -> None:
        self.n = len(pairs)
        # (row, pair) of each row of each pair, as one sorted key: a pair holds two different
        # rows, so the keys are distinct (sorted as such, not lexsorted: 14.6M at the 1000 MB benchmark)
        self.keys = pairs.ravel().astype(np.int64) * (self.n + 1) + np.arange(2 * self.n, dtype=np.int64) // 2
        self.keys.sort()
        rows, at = self.keys // (self.n + 1), self.keys % (self.n + 1)
        self.last = np.full(n_rows, -1, dtype=np.int64)
        ends = np.flatnonzero(np.diff(rows, append=-1))  # each row's last place in that order
        self.last[rows[ends]] = at[ends]

    def after(self, rows: np.ndarray, pair: int) -> np.ndarray:
        """Index of the first pair after `pair` that holds each row; len(pairs) when none does."""
        found = np.searchsorted(self.keys, rows.astype(np.int64) * (self.n + 1) + pair, side="right")
        out = np.full(len(rows), self.n, dtype=np.int64)
        inside = found < len(self.keys)
        key = self.keys[found[inside]]
        same = key // (self.n + 1) == rows[inside]
        out[np.flatnonzero(inside)[same]] = key[same] % (self.n + 1)
        return out


def confirmed_pairs(texts: pa.Array | TextsAt, pairs: np.ndarray, full: np.ndarray, params: DedupParams) -> Iterator[tuple[int, int, str]]:
    """(i, j, how) of each candidate pair (in the given order) that is a near duplicate.

    Pairs are checked CONFIRM_PAIRS at a time, each block's intersections in one compiled call
    (set_pool). A row's shingle set is computed when a block first needs it and kept while later
    pairs need it: dropped after its last pair, and beyond CACHED_SETS sets the ones needed
    furthest ahead go first (recomputed if needed again). So memory holds a bounded number of
    sets, not those of every candidate row (gigabytes at 1 GB of text, where most rows are
    candidates), and at 100 MB none is computed twice."""
    from .set_pool import SetPool  # here: the MinHash worker imports this module, and numba costs 63 MB and 0.25 s

    uses = NextUse(pairs, len(texts))
    pool = SetPool(len(texts))
    for lo in range(0, len(pairs), CONFIRM_PAIRS):
        block = pairs[lo : lo + CONFIRM_PAIRS]
        end = lo + len(block) - 1
        needed = sorted_unique(block.ravel())
        add_shingle_sets(pool, texts, needed[~pool.held(needed)], params.shingle_size)
        i, j = block[:, 0], block[:, 1]
        kinds = near_match_kinds(pool.common_counts(i, j), pool.sizes(i), pool.sizes(j), full[i], full[j], params)
        for k in np.flatnonzero(kinds).tolist():
            yield int(i[k]), int(j[k]), MATCH_NAMES[int(kinds[k])]
        pool.drop(needed[uses.last[needed] <= end])
        if len(pool) > CACHED_SETS:
            held = pool.rows()
            pool.drop(held[stable_order(uses.after(held, end))[0][CACHED_SETS:]])


@dataclass
class DedupResult:
    table: pa.Table  # one row per distinct paragraph, in order of first occurrence
    stats: dict[str, object]


def deduplicate(ingested: pa.Table, segmented: pa.Table, params: DedupParams, after_signatures: Callable[[], None] | None = None) -> DedupResult:
    """Near-duplicate clusters of the first occurrences; `after_signatures` is called once the
    MinHash signatures are done, when this process goes on alone (the build starts its GX worker
    there for a mid-sized source: gx_worker.SuiteWorker.signatures_done)."""
    # only the columns used: a filter of the whole table copied every first line's sentence
    # offsets too, held through the step (~130 MB at the 1000 MB benchmark, at its peak)
    first = segmented.select(["line_number", "kind"]).filter(segmented["first_occurrence"])
    lines = first["line_number"].to_numpy()
    # the ingest table has one row per line, in order: line n is row n - 1
    texts = TextsAt.of(ingested["text"], lines - 1)
    full = pc.equal(first["kind"], KIND_PARAGRAPH).to_numpy(zero_copy_only=False)
    n = len(lines)
    head_share = MINHASH_HEAD_SHARE_COMPILED if compiled_keys_loaded() else 0.5 + HEAD_START_SHARE
    bands, n_words = share_work(band_rows, texts, MINHASH_WORKER_MIN, params, head_share=head_share)
    release_memory()  # what the signatures freed: not held through the candidates and confirmation
    if after_signatures is not None:
        after_signatures()
    full &= n_words >= params.containment_min_words
    pairs = candidate_pairs(bands)
    del bands
    release_memory()
    pairs = locality_order(pairs, n)
    uf = UnionFind(n)
    matches: Counter[str] = Counter()
    for i, j, how in confirmed_pairs(texts, pairs, full, params):
        matches[how] += 1
        uf.union(i, j)
    del texts
    roots = uf.roots()  # each paragraph's cluster: its earliest member
    ids = ingested["key_hash"].take(pa.array(lines - 1))
    table = pa.table({"paragraph_id": ids, "first_line": lines, "near_duplicate_cluster": ids.take(pa.array(roots))}, schema=DEDUP_SCHEMA)
    members = np.bincount(roots, minlength=n)
    sizes = Counter(members[members > 0].tolist())
    n_text = pc.sum(pc.equal(ingested["status"], STATUS_TEXT)).as_py() or 0
    stats = {
        "text_lines": n_text,
        "distinct_paragraphs": n,
        "exact_duplicate_lines": n_text - n,
        "lsh_candidate_pairs": len(pairs),
        "near_duplicate_pairs": dict(sorted(matches.items())),
        "near_duplicate_clusters": sum(c for size, c in sizes.items() if size > 1),
        "paragraphs_in_near_duplicate_clusters": sum(size * c for size, c in sizes.items() if size > 1),
        "near_duplicate_cluster_sizes": {str(k): v for k, v in sorted(sizes.items()) if k > 1},
    }
    return DedupResult(table, stats)

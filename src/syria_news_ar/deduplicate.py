"""Step 3, deduplicate: exact duplicates by normalized key, near duplicates by MinHash LSH.

LSH only proposes candidates; a pair becomes a near duplicate after an exact check on the
shingle sets: Jaccard >= threshold, or the shorter paragraph (a full paragraph, not a heading)
almost wholly contained in the longer one.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyarrow as pa
from datasketch import MinHash, MinHashLSH

from .clean import normalized_key
from .ingest import STATUS_TEXT
from .params import DedupParams
from .progress import progress
from .segment import KIND_PARAGRAPH
from .unionfind import UnionFind

DEDUP_SCHEMA = pa.schema(
    [("paragraph_id", pa.string()), ("first_line", pa.int64()), ("near_duplicate_cluster", pa.string())]
)


def shingles(key: str, n: int) -> set[str]:
    """Character n-grams of a normalized key (the key itself when shorter than n)."""
    if len(key) <= n:
        return {key}
    return {key[i : i + n] for i in range(len(key) - n + 1)}


def near_match(a: set[str], b: set[str], a_full: bool, b_full: bool, params: DedupParams) -> str | None:
    """'jaccard' or 'containment' when the pair is a confirmed near duplicate, else None."""
    inter = len(a & b)
    if inter >= params.jaccard_threshold * (len(a) + len(b) - inter):
        return "jaccard"
    shorter_full = a_full if len(a) <= len(b) else b_full
    if shorter_full and inter >= params.containment_threshold * min(len(a), len(b)):
        return "containment"
    return None


@dataclass
class DedupResult:
    table: pa.Table  # one row per distinct paragraph, in order of first occurrence
    stats: dict[str, object]


def deduplicate(ingested: pa.Table, segmented: pa.Table, params: DedupParams) -> DedupResult:
    first = segmented.filter(segmented["first_occurrence"])
    lines = first["line_number"].to_pylist()
    kinds = first["kind"].to_pylist()
    text_by_line = dict(
        zip(ingested["line_number"].to_pylist(), ingested["text"].to_pylist())
    )  # text rows only are looked up
    key_by_line = dict(zip(ingested["line_number"].to_pylist(), ingested["key_hash"].to_pylist()))
    n = len(lines)
    lsh = MinHashLSH(num_perm=params.num_perm, params=(params.lsh_bands, params.lsh_rows))
    sets: list[set[str]] = []
    full: list[bool] = []
    uf = UnionFind(n)
    matches: Counter[str] = Counter()
    candidates = 0
    for i, line in enumerate(progress(lines, desc="near-duplicates", unit=" paragraphs")):
        key = normalized_key(text_by_line[line])
        s = shingles(key, params.shingle_size)
        sets.append(s)
        full.append(kinds[i] == KIND_PARAGRAPH and key.count(" ") + 1 >= params.containment_min_words)
        mh = MinHash(num_perm=params.num_perm, seed=params.seed)
        mh.update_batch([g.encode("utf-8") for g in s])
        for j in sorted(lsh.query(mh)):
            candidates += 1
            how = near_match(sets[j], s, full[j], full[i], params)
            if how:
                matches[how] += 1
                uf.union(j, i)
        lsh.insert(i, mh)
    ids = [key_by_line[line] for line in lines]
    cluster = [ids[uf.find(i)] for i in range(n)]
    sizes = Counter(Counter(cluster).values())
    table = pa.table({"paragraph_id": ids, "first_line": lines, "near_duplicate_cluster": cluster}, schema=DEDUP_SCHEMA)
    n_text = ingested["status"].to_pylist().count(STATUS_TEXT)
    stats = {
        "text_lines": n_text,
        "distinct_paragraphs": n,
        "exact_duplicate_lines": n_text - n,
        "lsh_candidate_pairs": candidates,
        "near_duplicate_pairs": dict(sorted(matches.items())),
        "near_duplicate_clusters": sum(c for size, c in sizes.items() if size > 1),
        "paragraphs_in_near_duplicate_clusters": sum(size * c for size, c in sizes.items() if size > 1),
        "near_duplicate_cluster_sizes": {str(k): v for k, v in sorted(sizes.items()) if k > 1},
    }
    return DedupResult(table, stats)

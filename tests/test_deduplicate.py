import dataclasses

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from syria_news_ar import deduplicate as dedup_mod
from syria_news_ar.deduplicate import CONTAINMENT, JACCARD, NextUse, candidate_pairs, deduplicate, locality_order, near_match, near_match_kinds, shingles
from syria_news_ar.ingest import ingest
from syria_news_ar.segment import segment

from conftest import SEED

LEAD = "خاض مقاتلو الإدارة يوم الاثنين معارك عنيفة على محاور القتال بريف حماة الشمالي مع تعزيز النظام لقواته شمال المدينة"
LONG = "وعلى وقع التصعيد والمعارك الدائرة في البلاد وانهيار القوات كان دعا المسؤول " + LEAD


def test_shingles() -> None:
    assert shingles("abcdef", 5) == {"abcde", "bcdef"}
    assert shingles("abc", 5) == {"abc"}


def test_near_match_rules(params) -> None:
    p = params.deduplicate
    a, b = shingles(LEAD, 5), shingles(LEAD.replace("مقاتلو الإدارة", "الفصائل"), 5)
    assert near_match(a, b, True, True, p) == "jaccard"
    long = shingles(LONG, 5)
    assert near_match(a, long, True, True, p) == "containment"
    # the same containment with a heading (not a full paragraph) as the shorter side is no match
    assert near_match(a, long, False, True, p) is None
    assert near_match(a, shingles("نص مختلف تماما عن الخبر الأول ولا يشترك معه في شيء يذكر", 5), True, True, p) is None


def test_deduplicate_small_source(write_source, params) -> None:
    src = write_source(
        "\n".join(
            [
                LEAD + ".",
                "قالت الأمم المتحدة إنها تتابع بقلق تطورات الوضع الإنساني في الشمال السوري.",
                LEAD + ".",  # exact duplicate
                LEAD.replace("مقاتلو الإدارة", "الفصائل") + ".",  # near duplicate (Jaccard)
                LONG + ".",  # contains line 1 wholly
                "عنوان قصير",
            ]
        )
    )
    ing = ingest(src, params.ingest).table
    seg = segment(ing, params.segment)
    result = deduplicate(ing, seg.lines, params.deduplicate)
    rows = result.table.to_pylist()
    assert [r["first_line"] for r in rows] == [1, 2, 4, 5, 6]
    keys = dict(zip(ing["line_number"].to_pylist(), ing["key_hash"].to_pylist()))
    assert [r["paragraph_id"] for r in rows] == [keys[n] for n in (1, 2, 4, 5, 6)]
    assert [r["near_duplicate_cluster"] for r in rows] == [keys[1], keys[2], keys[1], keys[1], keys[6]]
    assert result.stats["exact_duplicate_lines"] == 1
    assert result.stats["near_duplicate_clusters"] == 1
    assert result.stats["near_duplicate_cluster_sizes"] == {"3": 1}


def test_seed_examples_from_the_spec_are_near_duplicates(params) -> None:
    """SPEC 6 names lines 22/78 and 162/196."""
    ing = ingest(SEED, params.ingest).table
    seg = segment(ing, params.segment)
    rows = deduplicate(ing, seg.lines, params.deduplicate).table.to_pylist()
    cluster_of_line = {r["first_line"]: r["near_duplicate_cluster"] for r in rows}
    assert cluster_of_line[22] == cluster_of_line[78]
    assert cluster_of_line[162] == cluster_of_line[196]
    assert cluster_of_line[1] != cluster_of_line[10]


def test_raising_the_threshold_splits_clusters(params) -> None:
    ing = ingest(SEED, params.ingest).table
    seg = segment(ing, params.segment)
    strict = dataclasses.replace(params.deduplicate, jaccard_threshold=1.0, containment_threshold=1.0)
    default = deduplicate(ing, seg.lines, params.deduplicate).stats
    stats = deduplicate(ing, seg.lines, strict).stats
    # only exact containments ("وكانت قالت ..." holding "قالت ...") survive thresholds of 1.0
    assert set(stats["near_duplicate_pairs"]) == {"containment"}
    assert stats["near_duplicate_clusters"] < default["near_duplicate_clusters"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=5, max_size=5), max_size=12), st.sampled_from([1, 2, 3, 8]))
def test_candidate_pairs_link_every_bucket_whatever_bands_are_merged_together(rows: list[list[int]], merge: int) -> None:
    """Each bucket's members are linked (chain and star from its first, in row order), once per
    pair and sorted; merging the bands' codes MERGE_BANDS at a time changes nothing."""
    bands = np.array(rows, dtype=np.uint64).reshape(len(rows), 5)
    expected: set[tuple[int, int]] = set()
    for b in range(bands.shape[1]):
        buckets: dict[int, list[int]] = {}
        for r in range(len(rows)):
            buckets.setdefault(int(bands[r, b]), []).append(r)
        for members in buckets.values():
            expected |= {(members[0], m) for m in members[1:]} | set(zip(members, members[1:]))
    old = dedup_mod.MERGE_BANDS
    dedup_mod.MERGE_BANDS = merge
    try:
        got = candidate_pairs(bands)
    finally:
        dedup_mod.MERGE_BANDS = old
    assert got.shape == (len(expected), 2)
    assert [tuple(p) for p in got.tolist()] == sorted(expected)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 400), st.integers(1, 400), st.integers(1, 400), st.booleans(), st.booleans())
@example(14, 17, 17, False, False)  # Jaccard exactly 0.7 (14 of 20)
@example(13, 17, 17, True, True)  # just under it, and under 0.9 containment
@example(9, 10, 100, True, False)  # the shorter side exactly 0.9 contained
@example(9, 100, 10, True, False)  # the same, the shorter side a heading
@example(8, 10, 100, True, True)  # just under 0.9
def test_near_match_kinds_follow_the_rules_at_their_edges(inter: int, size_a: int, size_b: int, a_full: bool, b_full: bool) -> None:
    """SPEC 6's rules with the params' thresholds (0.7, 0.9), as plain Python arithmetic."""
    from syria_news_ar.params import load

    p = load().deduplicate
    inter = min(inter, size_a, size_b)
    if inter >= p.jaccard_threshold * (size_a + size_b - inter):
        want = JACCARD
    elif (a_full if size_a <= size_b else b_full) and inter >= p.containment_threshold * min(size_a, size_b):
        want = CONTAINMENT
    else:
        want = 0
    got = near_match_kinds(np.array([inter]), np.array([size_a]), np.array([size_b]), np.array([a_full]), np.array([b_full]), p)
    assert got.tolist() == [want]


def test_next_use_finds_the_next_pair_holding_each_row() -> None:
    pairs = np.array([[0, 3], [1, 3], [0, 2], [2, 5]])
    uses = NextUse(pairs, 7)
    assert uses.last.tolist() == [2, 1, 3, 1, -1, 3, -1]  # rows 4 and 6 are in no pair
    assert uses.after(np.array([0, 1, 2, 3, 4, 5]), 0).tolist() == [2, 1, 2, 1, 4, 3]
    assert uses.after(np.array([0, 2, 3, 5]), 2).tolist() == [4, 3, 4, 3]
    assert uses.after(np.array([2, 5]), 3).tolist() == [4, 4]


def test_next_use_of_no_pairs() -> None:
    uses = NextUse(np.zeros((0, 2), dtype=np.int64), 3)
    assert uses.last.tolist() == [-1, -1, -1]
    assert uses.after(np.array([0, 2]), 0).tolist() == [0, 0]


def most_rows_in_use(pairs: np.ndarray, n_rows: int) -> int:
    """The most rows whose first pair has come and last pair has not yet gone, at any pair."""
    first = np.full(n_rows, len(pairs)); last = np.full(n_rows, -1)
    at = np.repeat(np.arange(len(pairs)), 2)
    np.minimum.at(first, pairs.ravel(), at); np.maximum.at(last, pairs.ravel(), at)
    live = np.zeros(len(pairs) + 1, dtype=np.int64)
    np.add.at(live, first[last >= 0], 1); np.add.at(live, last[last >= 0] + 1, -1)
    return int(np.cumsum(live).max())


def test_locality_order_keeps_the_pairs_and_brings_linked_rows_together() -> None:
    # two groups of linked rows, interleaved in row order (evens and odds), in candidate_pairs' order
    groups = [range(0, 20, 2), range(1, 20, 2)]
    pairs = np.array(sorted((a, b) for g in groups for a in g for b in g if a < b))
    ordered = locality_order(pairs, 20)
    assert sorted(map(tuple, ordered.tolist())) == sorted(map(tuple, pairs.tolist()))
    assert most_rows_in_use(pairs, 20) == 19
    assert most_rows_in_use(ordered, 20) == 10  # one group at a time
    assert locality_order(np.zeros((0, 2), dtype=np.int64), 3).shape == (0, 2)


def test_band_rows_compiled_and_numpy_forms_agree(params) -> None:
    """band_rows' two forms (compiled where this process has the kernels loaded, numpy from the
    keys as Python strings elsewhere) give the same band hashes and word counts, across batches."""
    import pyarrow as pa
    import pytest

    texts = pa.array([line for line in SEED.read_text(encoding="utf-8").split("\n")][:300] + ["", "x", "، ،", "حلب، إدلب!"], pa.string())
    forms = {}
    for compiled in (True, False):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(dedup_mod, "compiled_keys_loaded", lambda: compiled)
            patch.setattr(dedup_mod, "BATCH", 64)
            forms[compiled] = dedup_mod.band_rows(texts, params.deduplicate)
    assert (forms[True][0] == forms[False][0]).all() and forms[True][1].tolist() == forms[False][1].tolist()
    assert forms[True][1][-4:].tolist() == [1, 1, 1, 2]  # an empty key is one word

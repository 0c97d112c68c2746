import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar import set_pool
from syria_news_ar.set_pool import FREE_SHARE, SetPool

# values over the whole uint64 range: a merge that compared them as signed would miss matches
VALUES = st.sampled_from([0, 1, 2, 5, 2**31, 2**32 + 1, 2**63 - 1, 2**63, 2**63 + 7, 2**64 - 2, 2**64 - 1])


def flat(sets: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([v for s in sets for v in s], dtype=np.uint64), np.cumsum([0] + [len(s) for s in sets])


def held_sets(pool: SetPool, rows: list[int]) -> list[list[int]]:
    return [pool.buf[pool.start[r] : pool.stop[r]].tolist() for r in rows]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(VALUES, max_size=12), min_size=1, max_size=6), st.data(), st.booleans())
def test_common_counts_are_the_intersection_sizes(sets: list[list[int]], data: st.DataObject, split: bool) -> None:
    """Also with every call's rows split across the threads (MIN_SPLIT 1): the same sets and counts."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(set_pool, "MIN_SPLIT", 1 if split else 1 << 30)
        patch.setattr(set_pool, "THREADS", 2)
        pool = SetPool(len(sets) + 2, capacity=1)
        rows = np.arange(2, len(sets) + 2)  # rows 0 and 1 are not held
        pool.add(rows, *flat(sets))
        assert held_sets(pool, rows.tolist()) == [sorted(set(s)) for s in sets]
        assert pool.sizes(rows).tolist() == [len(set(s)) for s in sets]
        pairs = data.draw(st.lists(st.tuples(st.integers(0, len(sets) - 1), st.integers(0, len(sets) - 1)), max_size=10))
        left = np.array([2 + i for i, _ in pairs], dtype=np.int64)
        right = np.array([2 + j for _, j in pairs], dtype=np.int64)
        assert pool.common_counts(left, right).tolist() == [len(set(sets[i]) & set(sets[j])) for i, j in pairs]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.lists(st.integers(0, 2**64 - 1), max_size=20)), min_size=1, max_size=40))
def test_adds_and_drops_keep_every_held_set(steps: list[tuple[bool, list[int]]]) -> None:
    """Sets added one by one into a tiny buffer (compacted and grown on the way), some dropped
    again: the held ones read back exactly, and the buffer stays bounded by what is held."""
    pool = SetPool(len(steps), capacity=4)
    for row, (drop, values) in enumerate(steps):
        pool.add(np.array([row]), *flat([values]))
        if drop:
            pool.drop(np.array([row]))
    kept = [row for row, (drop, _) in enumerate(steps) if not drop]
    assert pool.rows().tolist() == kept and len(pool) == len(kept)
    assert held_sets(pool, kept) == [sorted(set(steps[row][1])) for row in kept]
    # a row is dropped right after its add, so no more than the kept sets plus one are ever held
    biggest = max(len(set(v)) for _, v in steps)
    assert len(pool.buf) <= max(4, int((int(pool.sizes(pool.rows()).sum()) + biggest) / (1 - FREE_SHARE)) + 1)


def test_no_pairs_and_empty_sets() -> None:
    pool = SetPool(2)
    pool.add(np.array([0, 1]), np.array([9, 3, 9], dtype=np.uint64), np.array([0, 0, 3]))  # row 0 empty, row 1 {3, 9}
    assert pool.common_counts(np.array([0, 1, 1]), np.array([1, 0, 1])).tolist() == [0, 0, 2]
    assert pool.common_counts(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).tolist() == []

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar.deduplicate import sorted_unique
from syria_news_ar.intersections import common_counts

# values over the whole uint64 range: a merge that compared them as signed would miss matches
VALUES = st.sampled_from([0, 1, 2, 5, 2**31, 2**32 + 1, 2**63 - 1, 2**63, 2**63 + 7, 2**64 - 2, 2**64 - 1])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(VALUES, max_size=12), min_size=1, max_size=6), st.data())
def test_common_counts_are_the_intersection_sizes(sets: list[list[int]], data: st.DataObject) -> None:
    parts = [sorted_unique(np.array(s, dtype=np.uint64)) for s in sets]
    offsets = np.cumsum([0] + [len(p) for p in parts])
    flat = np.concatenate(parts)
    pairs = data.draw(st.lists(st.tuples(st.integers(0, len(sets) - 1), st.integers(0, len(sets) - 1)), max_size=10))
    left = np.array([i for i, _ in pairs], dtype=np.int64)
    right = np.array([j for _, j in pairs], dtype=np.int64)
    assert common_counts(flat, offsets, left, right).tolist() == [len(set(sets[i]) & set(sets[j])) for i, j in pairs]


def test_common_counts_of_an_empty_set_and_no_pairs() -> None:
    flat = np.array([3, 9], dtype=np.uint64)
    offsets = np.array([0, 0, 2])  # set 0 is empty, set 1 is {3, 9}
    assert common_counts(flat, offsets, np.array([0, 1, 1]), np.array([1, 0, 1])).tolist() == [0, 0, 2]
    assert common_counts(flat, offsets, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).tolist() == []

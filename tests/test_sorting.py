import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar.sorting import lex_order, sorted_unique, stable_order


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(st.integers(0, 3), max_size=600), st.lists(st.integers(0, 2**64 - 1), max_size=600)))
def test_stable_order_is_numpys_stable_argsort_with_its_runs(a: list[int]) -> None:
    """The same permutation, ties (many, in long runs, or none) in index order; the places of
    repeated values, each with its run's first place."""
    values = np.array(a, dtype=np.uint64)
    order, at, run_first = stable_order(values)
    assert order.tolist() == np.argsort(values, kind="stable").tolist()
    ordered = values[order].tolist()
    repeated = [p for p, v in enumerate(ordered) if ordered.count(v) > 1]
    assert at.tolist() == repeated
    assert run_first.tolist() == [ordered.index(ordered[p]) for p in repeated]


KEY = st.one_of(st.integers(-3, 3), st.integers(-(2**40), 2**40), st.integers(-(2**62), 2**62))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 3).flatmap(lambda k: st.lists(st.tuples(*[KEY] * k), max_size=300)), st.booleans())
def test_lex_order_is_numpys_lexsort(rows: list[tuple[int, ...]], unsigned: bool) -> None:
    """Keys of small ranges (combined into one, ties in index order), of ranges whose product
    overflows (lexsort itself), signed or not."""
    if not rows:
        return
    keys = [np.array([r[k] for r in rows], dtype=np.int64) for k in range(len(rows[0]))]
    if unsigned:
        keys = [(k - k.min()).astype(np.uint64) for k in keys]
    assert lex_order(*keys).tolist() == np.lexsort(keys).tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 20), max_size=30))
def test_sorted_unique(a: list[int]) -> None:
    values = np.array(a, dtype=np.uint64)
    assert sorted_unique(values).tolist() == sorted(set(a)) and values.tolist() == a  # not sorted in place
    assert sorted_unique(values, owned=True).tolist() == sorted(set(a))

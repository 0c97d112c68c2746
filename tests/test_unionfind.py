from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar.unionfind import UnionFind


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 30).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0))), max_size=40 if n else 0))))
def test_roots_are_every_elements_find_and_the_earliest_member(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, unions = case
    uf = UnionFind(n)
    for a, b in unions:
        uf.union(a, b)
    roots = uf.roots().tolist()
    assert roots == [uf.find(x) for x in range(n)]
    assert all(roots[x] <= x for x in range(n))

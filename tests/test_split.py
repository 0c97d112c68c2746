import numpy as np
import pyarrow as pa
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from syria_news_ar.split import assign, document_groups, id_digests, token_runs

RATIOS = {"train": 0.8, "validation": 0.1, "test": 0.1}


def test_document_groups_join_shared_tokens() -> None:
    pairs = [(0, "a"), (1, "b"), (2, "a"), (3, "c"), (3, "b"), (4, "d"), (2, "e"), (4, "e"), (0, "e")]
    docs = np.array([d for d, _ in pairs])
    tokens = np.array([[0, ord(t)] for _, t in pairs], dtype=np.uint64)
    assert document_groups(5, [(docs, tokens)]) == [0, 1, 0, 1, 0]
    assert document_groups(5, [(docs[:6], tokens[:6])]) == [0, 1, 0, 1, 4]
    assert document_groups(5, [(docs[:6], tokens[:6]), (docs[6:], tokens[6:])]) == [0, 1, 0, 1, 0]
    assert document_groups(3, [(np.zeros(0, dtype=np.int64), np.zeros((0, 2), dtype=np.uint64))]) == [0, 1, 2]
    assert document_groups(3, []) == [0, 1, 2]
    # the same digest in another namespace is another token
    assert document_groups(2, [(np.array([0]), np.array([[0, 7]], dtype=np.uint64)), (np.array([1]), np.array([[0, 7]], dtype=np.uint64))]) == [0, 1]


def test_assign_is_deterministic_and_seeded() -> None:
    ids = [f"g{i}" for i in range(40)]
    weights = [1 + i % 7 for i in range(40)]
    a = assign(ids, weights, RATIOS, seed=1)
    assert a == assign(ids, weights, RATIOS, seed=1)
    assert a != assign(ids, weights, RATIOS, seed=2)
    load = {s: sum(w for w, x in zip(weights, a) if x == s) for s in RATIOS}
    total = sum(weights)
    for s, r in RATIOS.items():
        assert abs(load[s] / total - r) < 0.05


def test_every_split_non_empty_with_three_groups() -> None:
    out = assign(["x", "y", "z"], [50, 1, 1], RATIOS, seed=7)
    assert sorted(out) == ["test", "train", "validation"]


def test_every_split_non_empty_when_one_group_dominates() -> None:
    out = assign([f"g{i}" for i in range(5)], [100, 1, 1, 1, 1], RATIOS, seed=3)
    assert set(out) == set(RATIOS)


def test_fewer_groups_than_splits() -> None:
    assert assign(["only"], [10], RATIOS, seed=1) == ["train"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.binary(min_size=16, max_size=16).map(bytes.hex), st.binary(min_size=16, max_size=16).map(lambda b: b.hex().upper()),
                          st.binary(max_size=20).map(bytes.hex)), max_size=8), st.integers(0, 8))
def test_id_digests_decode_hex_ids_as_bytes_fromhex_does(ids: list[str], cut: int) -> None:
    """The numpy decoding of content ids gives bytes.fromhex's digests, chunked or not; ids it
    does not take (upper case, other lengths) go the Python way."""
    expected = bytes.fromhex("".join(ids))
    assume(len(expected) % 16 == 0)  # whole digests: no caller has other ids
    chunked = pa.chunked_array([pa.array(ids[:cut], pa.string()), pa.array(ids[cut:], pa.string())])
    for given_ids in (pa.array(ids, pa.string()), chunked):
        assert id_digests(given_ids).tobytes() == expected
        assert id_digests(given_ids).shape == (len(expected) // 16, 2)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(min_size=16, max_size=16), max_size=8))
def test_hex_ids_and_id_digests_invert_each_other(digests: list[bytes]) -> None:
    """ids.hex_ids writes content_id's hex of digests; id_digests reads them back."""
    from syria_news_ar.ids import hex_ids

    rows = np.frombuffer(b"".join(digests), dtype=np.uint64).reshape(-1, 2)
    ids = hex_ids(rows)
    assert ids.to_pylist() == [d.hex() for d in digests]
    assert id_digests(ids).tobytes() == b"".join(digests)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=200), st.lists(st.tuples(st.integers(0, 3), st.just(7)), max_size=200)))
def test_token_runs_are_lexsort_and_its_runs_also_when_first_words_collide(words: list[tuple[int, int]]) -> None:
    """By the first word, then the second, each run of equal tokens marked at its start: tokens
    sharing a first word with different seconds (a 64-bit collision, made common here) too."""
    tokens = np.array(words, dtype=np.uint64).reshape(-1, 2)
    order, new_run = token_runs(tokens)
    assert order.tolist() == np.lexsort(tokens.T[::-1]).tolist()
    ordered = [tuple(t) for t in tokens[order].tolist()]
    assert new_run.tolist() == [p == 0 or ordered[p] != ordered[p - 1] for p in range(len(ordered))]

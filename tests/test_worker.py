"""share_work: the same result with or without the worker, errors carried back, nothing left running."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pytest

from syria_news_ar.texts_at import TextsAt
from syria_news_ar.worker import WorkerTraceback, share_work

from test_gx_worker import worker_children


def lengths_and_squares(items: Sequence[str], power: int) -> tuple[list[int], np.ndarray, np.ndarray]:
    """A list, a vector and a matrix (as the MinHash bands are) per item."""
    lengths = [len(s) for s in items]
    return lengths, np.array([n**power for n in lengths], dtype=np.int64), np.array([[n, 3 * n, 7] for n in lengths], dtype=np.uint64).reshape(-1, 3)


def fails_on_x(items: Sequence[str]) -> list[str]:
    if "x" in items:
        raise ValueError(f"x among {len(items)} items")
    return list(items)


def test_shared_equals_single_process() -> None:
    items = [chr(0x0627) * (i % 7) + "ab" * (i % 3) for i in range(101)]
    alone = share_work(lengths_and_squares, items, 10**9, 2)
    shared = share_work(lengths_and_squares, items, 2, 2)
    assert alone[0] == shared[0] and np.array_equal(alone[1], shared[1]) and np.array_equal(alone[2], shared[2])
    assert shared[0] == [len(s) for s in items] and shared[2].shape == (101, 3) and shared[2].dtype == np.uint64
    assert worker_children() == []


def pids(items: Sequence[str]) -> list[int]:
    return [os.getpid()] * len(items)


def test_small_inputs_stay_in_this_process_and_large_ones_share() -> None:
    assert share_work(pids, ["a"], 2) == [os.getpid()]
    assert share_work(pids, [], 0) == []
    assert share_work(pids, ["a"] * 9, 10) == [os.getpid()] * 9
    shared = share_work(pids, ["a"] * 10, 10)
    assert shared[0] == os.getpid() and shared[-1] != os.getpid()  # the tail came from the worker
    assert worker_children() == []


def test_an_error_in_the_workers_share_comes_back_with_its_traceback() -> None:
    items = ["a"] * 10 + ["x"]  # the tail, the worker's share
    with pytest.raises(ValueError, match="x among") as caught:
        share_work(fails_on_x, items, 2)
    assert isinstance(caught.value.__cause__, WorkerTraceback)
    assert "fails_on_x" in caught.value.__cause__.text
    assert worker_children() == []


def utf8_lengths(texts, scale: int) -> tuple[np.ndarray, list[int]]:
    values = texts.slice(0, len(texts)).to_pylist()
    return np.array([len(t.encode()) * scale for t in values], dtype=np.int64), [os.getpid()] * len(values)


def test_arrow_texts_and_array_results_cross_through_files_that_are_removed(tmp_path, monkeypatch) -> None:
    """A worker's Arrow share is spilled to a file and its numpy results come back in .npy files:
    the same result as one process, the worker did the tail, and the folder is gone after."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    column = pa.array([f"سطر {i}" * (i % 5 + 1) for i in range(301)])
    texts = TextsAt.of(column, np.arange(300, -1, -1))
    alone = utf8_lengths(texts, 3)
    shared = share_work(utf8_lengths, texts, 2, 3)
    assert np.array_equal(shared[0], alone[0])
    assert shared[1][0] == os.getpid() and shared[1][-1] != os.getpid()
    assert list(tmp_path.iterdir()) == []
    assert worker_children() == []


def test_a_spilled_tail_is_read_into_the_joined_array(tmp_path) -> None:
    """The worker's array is read from its file straight after the head (any shape and dtype
    the head has); a Fortran-ordered file is joined by loading it."""
    from syria_news_ar.worker import _SpilledArray

    head, tail = np.arange(6, dtype=np.uint64).reshape(2, 3), np.arange(6, 15, dtype=np.uint64).reshape(3, 3)
    np.save(tmp_path / "t.npy", tail)
    joined = _SpilledArray(tmp_path / "t.npy").joined_after(head)
    assert joined.dtype == np.uint64 and np.array_equal(joined, np.concatenate([head, tail]))
    np.save(tmp_path / "f.npy", np.asfortranarray(tail))
    assert np.array_equal(_SpilledArray(tmp_path / "f.npy").joined_after(head), np.concatenate([head, tail]))
    assert np.array_equal(_SpilledArray(tmp_path / "t.npy").joined_after(head[:0]), tail)

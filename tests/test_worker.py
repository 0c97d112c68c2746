"""share_work: the same result with or without the worker, errors carried back, nothing left running."""
from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pytest

from syria_news_ar.worker import WorkerTraceback, share_work

from test_gx_worker import worker_children


def lengths_and_squares(items: Sequence[str], power: int) -> tuple[list[int], np.ndarray]:
    return [len(s) for s in items], np.array([len(s) ** power for s in items], dtype=np.int64)


def fails_on_x(items: Sequence[str]) -> list[str]:
    if "x" in items:
        raise ValueError(f"x among {len(items)} items")
    return list(items)


def test_shared_equals_single_process() -> None:
    items = [chr(0x0627) * (i % 7) + "ab" * (i % 3) for i in range(101)]
    alone = share_work(lengths_and_squares, items, 10**9, 2)
    shared = share_work(lengths_and_squares, items, 2, 2)
    assert alone[0] == shared[0] and np.array_equal(alone[1], shared[1])
    assert shared[0] == [len(s) for s in items]
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

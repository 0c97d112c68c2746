"""Sorted sets of 64-bit hashes (the shingle sets near-duplicate confirmation compares), held end
to end in one buffer, and the sizes of many pairs' intersections at once; the loops are compiled
(numba).

Confirming near-duplicate candidates is one set intersection per LSH pair: 7.3M pairs in the
1 GB benchmark. Done pair by pair with numpy calls they took 79 s there under cProfile (~11 us
a pair, for sets of ~240 values); sets kept as one array each also cost a numpy sort call apiece
and a copy into one buffer per block of pairs. Here a batch of sets is
sorted, its repeats dropped and appended to the pool in one call, and a block of pairs is merged
in another. The compiled code is cached beside this module (numba's `cache=True`), so only the
first run on a machine compiles it.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
from numba import njit

FREE_SHARE = 0.1  # a compaction that frees less than this share of the buffer grows it instead (0.25 held
# ~90 MB more at the 1000 MB benchmark, where compactions at 0.1 cost ~8 s more of ~80 s)


@njit(cache=True, nogil=True)
def _sorted_unique_rows(flat: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover (compiled)
    """Each row of a flat batch (row r: flat[offsets[r]:offsets[r + 1]]) sorted, repeats dropped."""
    out = np.empty(len(flat), dtype=flat.dtype)
    out_offsets = np.zeros(len(offsets), dtype=np.int64)
    n = 0
    for r in range(len(offsets) - 1):
        row = flat[offsets[r] : offsets[r + 1]]
        row.sort()  # in place: the batch is ours (add's caller hands it over)
        for k in range(len(row)):
            if k == 0 or row[k] != row[k - 1]:
                out[n] = row[k]
                n += 1
        out_offsets[r + 1] = n
    return out[:n], out_offsets


@njit(cache=True, nogil=True)
def _compact(buf: np.ndarray, start: np.ndarray, stop: np.ndarray, rows: np.ndarray) -> int:  # pragma: no cover (compiled)
    """Move the spans of `rows` (in order of their start) to the front of buf; the new end."""
    used = 0
    for r in rows:
        size = stop[r] - start[r]
        for k in range(size):  # forward, never ahead of the source (a move down): overlap is safe
            buf[used + k] = buf[start[r] + k]
        start[r], stop[r] = used, used + size
        used += size
    return used


@njit(cache=True, nogil=True)
def _merge_counts(buf: np.ndarray, start: np.ndarray, stop: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:  # pragma: no cover (compiled)
    out = np.empty(len(left), dtype=np.int64)
    for k in range(len(left)):
        a, a_end = start[left[k]], stop[left[k]]
        b, b_end = start[right[k]], stop[right[k]]
        n = 0
        while a < a_end and b < b_end:  # without branches on the values: they are unpredictable
            x, y = buf[a], buf[b]
            n += x == y
            a += x <= y
            b += y <= x
        out[k] = n
    return out


class SetPool:
    """Sorted sets of some of `n_rows` rows, end to end in one uint64 buffer (row r: its span
    start[r]:stop[r], start -1 when not held). Dropping a row frees its span; an add that does not
    fit compacts the held sets to the front, and grows the buffer only when that frees too little,
    so the buffer stays within about 1 / (1 - FREE_SHARE) of the most ever held at once plus one
    batch being added."""

    def __init__(self, n_rows: int, capacity: int = 1 << 16) -> None:
        self.buf = np.empty(capacity, dtype=np.uint64)
        self.used = 0
        self.start = np.full(n_rows, -1, dtype=np.int64)
        self.stop = np.full(n_rows, -1, dtype=np.int64)

    def __len__(self) -> int:
        """Rows held."""
        return int(np.count_nonzero(self.start >= 0))

    def held(self, rows: np.ndarray) -> np.ndarray:
        return self.start[rows] >= 0

    def rows(self) -> np.ndarray:
        """The rows held, ascending."""
        return np.flatnonzero(self.start >= 0)

    def sizes(self, rows: np.ndarray) -> np.ndarray:
        return self.stop[rows] - self.start[rows]

    def add(self, rows: np.ndarray, flat: np.ndarray, offsets: np.ndarray) -> None:
        """Hold the sets of `rows` (rows not held): row k's values are flat[offsets[k]:offsets[k + 1]]
        in any order, with repeats (they are sorted and made unique here; a uint64 `flat` is
        sorted in place)."""
        values, bounds = sorted_unique_rows(np.ascontiguousarray(flat, dtype=np.uint64), np.asarray(offsets, dtype=np.int64))
        if self.used + len(values) > len(self.buf):
            self._make_room(len(values))
        self.buf[self.used : self.used + len(values)] = values
        self.start[rows] = self.used + bounds[:-1]
        self.stop[rows] = self.used + bounds[1:]
        self.used += len(values)

    def drop(self, rows: np.ndarray) -> None:
        self.start[rows] = -1
        self.stop[rows] = -1

    def common_counts(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """|set(left[k]) & set(right[k])| for every k (rows held)."""
        left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
        halves = [(left[part], right[part]) for part in _halves(len(left))]
        counts = _threads().map(lambda lr: _merge_counts(self.buf, self.start, self.stop, *lr), halves)
        return np.concatenate([np.zeros(0, dtype=np.int64), *counts])

    def _make_room(self, needed: int) -> None:
        held = self.rows()
        self.used = _compact(self.buf, self.start, self.stop, held[np.argsort(self.start[held], kind="stable")])
        if self.used + needed > (1 - FREE_SHARE) * len(self.buf):
            # in place (realloc: a large buffer is remapped, not copied); nothing else views it
            self.buf.resize(int((self.used + needed) / (1 - FREE_SHARE)) + 1, refcheck=False)


# The compiled loops release the GIL (nogil), so a call's rows split in two run on both cores in
# threads: the confirmation phase is otherwise one core's work while the other idles (at 100 MB
# sorting the sets took 1.0 s and the intersections 0.37 s of its 2.2 s, on one core).
THREADS = min(2, os.cpu_count() or 1)
MIN_SPLIT = 512  # rows (pairs) below which a call stays on one thread


@cache
def _threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(THREADS, thread_name_prefix="syria-news-ar-sets")


def _halves(n: int) -> list[slice]:
    """Consecutive parts of range(n), one per thread (one part when n is small)."""
    parts = THREADS if n >= MIN_SPLIT else 1
    bounds = [n * k // parts for k in range(parts + 1)]
    return [slice(lo, hi) for lo, hi in zip(bounds, bounds[1:])]


def sorted_unique_rows(flat: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """_sorted_unique_rows of a batch, its rows in parts on both cores (flat is sorted in place)."""

    def part(rows: slice) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = offsets[rows.start], offsets[rows.stop]
        return _sorted_unique_rows(flat[lo:hi], offsets[rows.start : rows.stop + 1] - lo)

    done = list(_threads().map(part, _halves(len(offsets) - 1)))
    values = np.concatenate([v for v, _ in done])
    bounds = [done[0][1]]
    for _, b in done[1:]:  # each part's bounds start at 0: shift them past the parts before
        bounds.append(b[1:] + bounds[-1][-1])
    return values, np.concatenate(bounds)

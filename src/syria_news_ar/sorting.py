"""Integer sorts the steps and checks repeat on millions of values, faster than numpy's stable
forms and giving the same permutations: numpy's default sort is SIMD here (x86-simd-sort), its
stable sort and lexsort are not."""
from __future__ import annotations

import numpy as np


def stable_order(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(np.argsort(values, kind="stable") of integers, the places in that order whose value is
    repeated (ascending), and the first place of each one's run of equal values). numpy's default
    sort (SIMD here) with only the ties then put back in index order: 195,000 random uint64 (a
    band's size at the 100 MB benchmark) in 4.5-6.0 ms against 15.0-15.8 ms for the stable sort;
    1.85M in 77-80 ms against 192-204 ms.
    The ties are keyed (run, index) in one int64: for fewer than 3 x 10^9 values."""
    order = np.argsort(values)
    ordered = values[order]
    same = ordered[1:] == ordered[:-1]  # place p + 1 holds the value of place p
    tied = np.zeros(len(order), dtype=bool)
    tied[1:] = same
    tied[:-1] |= same
    at = np.flatnonzero(tied)
    starts = np.ones(len(at), dtype=bool)  # a run's first place: not the value of the place before
    starts[at > 0] = ~same[at[at > 0] - 1]
    run_first = np.maximum.accumulate(np.where(starts, at, 0)) if len(at) else at
    key = run_first.astype(np.int64) * len(order) + order[at]  # (run, index): index order within a run
    key.sort()
    order[at] = key % max(len(order), 1)
    return order, at, run_first


def lex_order(*keys: np.ndarray) -> np.ndarray:
    """np.lexsort(keys) of integer keys (the last the primary), the same permutation: the keys
    combined into one int64 when the product of their ranges fits (then stable_order of it),
    else np.lexsort itself. 7.3M random pairs of two keys below 1.85M (the size of deduplicate's
    locality_order at the 1000 MB benchmark): 0.62-1.08 s against 2.57-2.58 s."""
    if not len(keys[0]):
        return np.zeros(0, dtype=np.int64)
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    span = 1
    for key in reversed(keys):  # the primary first
        lo, hi = int(key.min()), int(key.max())
        span *= hi - lo + 1
        if span >= 1 << 63:
            return np.lexsort(keys)
        combined *= hi - lo + 1
        combined += (key - key.dtype.type(lo)).astype(np.int64)  # below the span, so exact
    return stable_order(combined)[0]


def sorted_unique(values: np.ndarray, owned: bool = False) -> np.ndarray:
    """np.unique by sorting: without its per-call overhead (6x faster at 250 values), and without
    numpy 2's hash-based unique, which is 15x slower than a sort on tens of millions of integers.
    `owned`: the caller gives `values` up, so they are sorted in place instead of copied (the
    candidate codes: 142 MB at 1000 MB of source)."""
    s = values if owned else values.copy()
    s.sort()
    if len(s) < 2:
        return s
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]

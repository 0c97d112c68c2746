"""Sizes of the intersections of many pairs of sorted sets at once, compiled (numba).

Confirming near-duplicate candidates is one set intersection per LSH pair: millions of pairs at
1 GB of text. Done pair by pair with numpy, each pair cost ~11 us, almost all of it the
calls' overhead (79 s of the 1 GB benchmark's deduplicate); a compiled merge of a whole block of
pairs costs a fraction of that. The compiled code is cached beside this module (numba's
`cache=True`), so only the first run on a machine compiles it.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _merge_counts(flat: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:  # pragma: no cover (compiled)
    out = np.empty(len(left), dtype=np.int64)
    for k in range(len(left)):
        a, a_end = offsets[left[k]], offsets[left[k] + 1]
        b, b_end = offsets[right[k]], offsets[right[k] + 1]
        n = 0
        while a < a_end and b < b_end:
            x, y = flat[a], flat[b]
            if x < y:
                a += 1
            elif y < x:
                b += 1
            else:
                n += 1
                a += 1
                b += 1
        out[k] = n
    return out


def common_counts(flat: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """|set[left[k]] & set[right[k]]| for every k, where set r is flat[offsets[r]:offsets[r + 1]]
    (sorted, without repeats)."""
    return _merge_counts(
        np.ascontiguousarray(flat, dtype=np.uint64),
        np.ascontiguousarray(offsets, dtype=np.int64),
        np.ascontiguousarray(left, dtype=np.int64),
        np.ascontiguousarray(right, dtype=np.int64),
    )

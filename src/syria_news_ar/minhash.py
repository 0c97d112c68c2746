"""Vectorised character n-gram hashing and MinHash signatures (rensa) for batches of keys.

Shingles are hashed in numpy over the whole batch at once (a polynomial hash of n code points,
then a splitmix64 finaliser), so no Python object is made per shingle; rensa turns the flat hash
buffer into MinHash signatures in Rust. Everything is deterministic across processes and machines.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import rensa

_P = np.uint64(1_000_003)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, in place: spreads polynomial hashes over all 64 bits."""
    tmp = np.empty_like(x)
    for shift, mult in ((30, _M1), (27, _M2), (31, None)):
        np.right_shift(x, np.uint64(shift), out=tmp)
        x ^= tmp
        if mult is not None:
            x *= mult
    return x


def _poly(cps: np.ndarray, n: int) -> np.ndarray:
    """Hash of every window of n code points of one array (len(cps) - n + 1 values)."""
    m = len(cps) - n + 1
    h = np.zeros(max(m, 0), dtype=np.uint64)
    for k in range(n):
        h *= _P
        h += cps[k : k + m]
        h += np.uint64(1)
    return h


def shingle_hashes(keys: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(flat uint64 hashes of every character n-gram of every key, row offsets).

    A key shorter than n is one shingle (itself), as in `deduplicate.shingles`.
    """
    lengths = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    cps = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.zeros(len(keys), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    counts = np.maximum(lengths - n + 1, 1)
    offsets = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    windows = _poly(np.concatenate([cps, np.zeros(n, dtype=np.uint64)]), n)
    # window starts of every row: row start + 0 .. count - 1
    begin = np.repeat(starts - offsets[:-1], counts) + np.arange(offsets[-1], dtype=np.int64)
    h = windows[begin] ^ np.uint64(n)
    for row in np.flatnonzero(lengths < n):  # short keys: the whole key is the one shingle
        short = cps[starts[row] : starts[row] + lengths[row]]
        h[offsets[row]] = _poly(short, len(short))[0] ^ np.uint64(len(short)) if len(short) else np.uint64(0)
    return _mix(h), offsets.astype(np.uint64)


def signatures(hashes: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """MinHash signature matrix (rows x num_perm, uint32) of each row of shingle hashes."""
    if len(offsets) <= 1:
        return np.zeros((0, num_perm), dtype=np.uint32)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, offsets, num_perm, seed)
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(-1, num_perm)


def band_hashes(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One uint64 per (row, band): equal band hashes are LSH collisions."""
    s = sig.astype(np.uint64).reshape(len(sig), bands, rows)
    h = np.zeros((len(sig), bands), dtype=np.uint64)
    for r in range(rows):
        h = h * _P + s[:, :, r]
    return _mix(h + np.arange(bands, dtype=np.uint64))

"""Stable content-derived ids: 128-bit BLAKE2b hex, the same for the same text and params."""
from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa

SEPARATOR = "\x1f"  # unit separator, after every part: ("ab", "c") and ("a", "bc") differ
_SEPARATOR = SEPARATOR.encode()


def content_digest(*parts: str) -> bytes:
    """The 16 bytes behind content_id (for code that groups ids as numbers)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(_SEPARATOR)
    return h.digest()


def content_id(*parts: str) -> str:
    return content_digest(*parts).hex()


_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex_ids(digests: np.ndarray) -> pa.Array:
    """content_id strings of digests given as rows of two uint64 (content_digest's 16 bytes),
    hex-encoded in numpy: no Python string per id."""
    return _hex(np.ascontiguousarray(digests, dtype=np.uint64).view(np.uint8).reshape(-1, 16))


def hex_strings(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Lower-case hex of every value of a fixed-size binary column without nulls (the ingest
    table's raw SHA-256 digests, 32 bytes each, become the ledger's 64 hex digits)."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    width = array.type.byte_width
    data = np.frombuffer(array.buffers()[1], dtype=np.uint8) if len(array) else np.zeros(0, dtype=np.uint8)
    return _hex(data[array.offset * width : (array.offset + len(array)) * width].reshape(-1, width))


def _hex(raw: np.ndarray) -> pa.Array:
    """Each row of bytes as a string of its hex digits."""
    width = raw.shape[1] * 2
    chars = np.empty((len(raw), width), dtype=np.uint8)
    chars[:, 0::2] = _HEX_DIGITS[raw >> 4]
    chars[:, 1::2] = _HEX_DIGITS[raw & 0x0F]
    offsets = np.arange(len(raw) + 1, dtype=np.int32) * width
    return pa.StringArray.from_buffers(len(raw), pa.py_buffer(offsets), pa.py_buffer(chars))

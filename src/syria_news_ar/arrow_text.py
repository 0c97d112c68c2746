"""The texts of an Arrow string column a slice at a time, as their UTF-8 bytes or code points in
numpy, without a Python string per text. Used where a step or check reads a whole column's
texts (letter counts, normalized keys, the clean-text check) or cuts texts from the bytes (the
records' sentences, the split's ids)."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def utf8_slices(
    texts: pa.Array | pa.ChunkedArray, max_rows: int | None = None, max_bytes: int | None = None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(UTF-8 bytes as uint8, offsets: text t is bytes[offsets[t]:offsets[t + 1]]) of consecutive
    slices of the texts, in order: at most max_rows texts and max_bytes a slice (a longer text is
    a slice alone). A null is an empty text. The bytes are a view of the column's buffer."""
    for _, utf8, offsets in _slices(texts, max_rows, max_bytes):
        yield utf8, offsets


def code_point_slices(
    texts: pa.Array | pa.ChunkedArray, max_rows: int | None = None, max_bytes: int | None = None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(code points as uint32, each text's length in code points) of the same slices; each slice
    is decoded in one piece."""
    for part, utf8, _ in _slices(texts, max_rows, max_bytes):
        cps = np.frombuffer(str(utf8.data, "utf-8").encode("utf-32-le"), dtype=np.uint32)
        yield cps, pc.utf8_length(part).to_numpy(zero_copy_only=False).astype(np.int64)


def utf8_buffers(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(int64 value offsets, data bytes) of a string or large_string array, without copying the data."""
    wide = pa.types.is_large_string(texts.type)
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64 if wide else np.int32)[texts.offset : texts.offset + len(texts) + 1]
    data = texts.buffers()[2]
    return offsets.astype(np.int64), np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)


def _slices(
    texts: pa.Array | pa.ChunkedArray, max_rows: int | None, max_bytes: int | None
) -> Iterator[tuple[pa.Array, np.ndarray, np.ndarray]]:
    for array in texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]:
        if array.null_count:
            array = pc.fill_null(array, "")  # a null slot may hold bytes: rebuilt without them
        offsets, utf8 = utf8_buffers(array)
        lo = 0
        while lo < len(array):
            hi = len(array) if max_rows is None else min(len(array), lo + max_rows)
            if max_bytes is not None:
                hi = min(hi, max(lo + 1, int(np.searchsorted(offsets, offsets[lo] + max_bytes, side="right")) - 1))
            yield array.slice(lo, hi - lo), utf8[offsets[lo] : offsets[hi]], offsets[lo : hi + 1] - offsets[lo]
            lo = hi

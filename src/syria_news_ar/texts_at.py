"""A view of some rows of a text column, read in place: the steps after ingest hold the ingest
table's texts once instead of each taking a copy of the ones it needs."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc

SPILL_ROWS = 10_000  # texts in one record batch of a spilled file: what a reader holds at once


@dataclass(frozen=True)
class TextsAt:
    """The texts at `rows` of a string array, taken a batch at a time when asked for (`slice`,
    `take`, as on a pa.Array). Slicing gives another view; a worker's share is spilled to a file
    (SpilledTexts), not pickled. Make one with `of`."""

    column: pa.Array
    rows: np.ndarray

    @classmethod
    def of(cls, column: pa.Array | pa.ChunkedArray, rows: np.ndarray) -> TextsAt:
        """A view of a column of one chunk (as the ingest table's are): a take from a column of
        several chunks would concatenate all of them on every call."""
        if isinstance(column, pa.ChunkedArray):
            if column.num_chunks != 1:
                raise ValueError(f"TextsAt needs a column of one chunk, got {column.num_chunks}")
            column = column.chunk(0)
        return cls(column, np.asarray(rows, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, part: slice) -> TextsAt:
        return TextsAt(self.column, self.rows[part])

    def slice(self, lo: int, n: int) -> pa.Array:
        return self.take(np.arange(lo, min(lo + n, len(self.rows))))

    def take(self, indices: np.ndarray) -> pa.Array:
        return self.column.take(pa.array(self.rows[np.asarray(indices, dtype=np.int64)], type=pa.int64()))


class SpilledTexts:
    """Texts written to an Arrow IPC file (`write`) and read back a record batch at a time: how
    `share_work` hands a worker its share. Pickled, it is just the path, so neither process holds
    the share as a whole (sent through the pipe, it was held twice in each: the array and the
    pickle, ~450 MB apiece for the 1000 MB benchmark's deduplication)."""

    def __init__(self, path: Path, n: int) -> None:
        self.path, self.n = Path(path), n
        self._reader: pa.ipc.RecordBatchFileReader | None = None
        self._cached: tuple[int, pa.Array] | None = None

    @classmethod
    def write(cls, texts: pa.Array | TextsAt, path: Path) -> SpilledTexts:
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, pa.schema([("text", texts_type(texts))])) as writer:
            for lo in range(0, len(texts), SPILL_ROWS):
                writer.write_batch(pa.record_batch([texts.slice(lo, SPILL_ROWS)], names=["text"]))
        return cls(path, len(texts))

    def __len__(self) -> int:
        return self.n

    def slice(self, lo: int, n: int) -> pa.Array:
        hi = min(lo + n, self.n)
        if hi <= lo:
            return pa.array([], type=self._open().schema.field(0).type)
        first, last = lo // SPILL_ROWS, (hi - 1) // SPILL_ROWS
        parts = [self._batch(b) for b in range(first, last + 1)]
        whole = parts[0] if len(parts) == 1 else pa.concat_arrays(parts)
        return whole.slice(lo - first * SPILL_ROWS, hi - lo)

    def _batch(self, index: int) -> pa.Array:
        """Record batch `index`'s texts, read from the file (not mapped: only this batch is held)."""
        if self._cached is None or self._cached[0] != index:
            self._cached = (index, self._open().get_batch(index).column(0))
        return self._cached[1]

    def _open(self) -> pa.ipc.RecordBatchFileReader:
        if self._reader is None:
            self._reader = pa.ipc.open_file(pa.OSFile(str(self.path)))
        return self._reader

    def __reduce__(self) -> tuple[type[SpilledTexts], tuple[Path, int]]:
        return SpilledTexts, (self.path, self.n)


def texts_type(texts: pa.Array | TextsAt) -> pa.DataType:
    return texts.column.type if isinstance(texts, TextsAt) else texts.type

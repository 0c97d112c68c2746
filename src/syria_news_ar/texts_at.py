"""A view of some rows of a text column, read in place: the steps after ingest hold the ingest
table's texts once instead of each taking a copy of the ones it needs."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa


@dataclass(frozen=True)
class TextsAt:
    """The texts at `rows` of a string array, taken a batch at a time when asked for (`slice`,
    `take`, as on a pa.Array). Slicing gives another view; pickled (a share that `share_work`
    sends to a worker), it becomes a plain array of just its own texts. Make one with `of`."""

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

    def __reduce__(self) -> tuple[object, tuple[pa.Array]]:
        return _plain_array, (self.take(np.arange(len(self.rows))),)


def _plain_array(texts: pa.Array) -> pa.Array:
    return texts

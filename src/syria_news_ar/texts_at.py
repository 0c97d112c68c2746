"""A view of some rows of a text column, read in place: the steps after ingest hold the ingest
table's texts once instead of each taking a copy of the ones it needs (~1 GB at 1 GB of source)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa


@dataclass(frozen=True)
class TextsAt:
    """The texts at `rows` of a string column, taken a batch at a time when asked for (`slice`,
    `take`, as on a pa.Array). Slicing gives another view; pickled (a share that `share_work`
    sends to a worker), it becomes a plain array of just its own texts."""

    column: pa.Array | pa.ChunkedArray
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, part: slice) -> TextsAt:
        return TextsAt(self.column, self.rows[part])

    def slice(self, lo: int, n: int) -> pa.Array:
        return self.take(np.arange(lo, min(lo + n, len(self.rows))))

    def take(self, indices: np.ndarray) -> pa.Array:
        taken = self.column.take(pa.array(self.rows[np.asarray(indices, dtype=np.int64)], type=pa.int64()))
        return taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken

    def __reduce__(self) -> tuple[object, tuple[pa.Array]]:
        return _plain_array, (self.take(np.arange(len(self.rows))),)


def _plain_array(texts: pa.Array) -> pa.Array:
    return texts

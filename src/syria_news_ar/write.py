"""Parquet in the Hub layout, with the Arrow schema derived from schemas/ (byte-identical reruns)."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from . import paths, schema

PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 9, "write_statistics": True}


def to_table(config: str, columns: dict[str, list]) -> pa.Table:
    return pa.table(columns, schema=schema.arrow_schema(config))


def write_split(out_dir: Path, config: str, split: str, table: pa.Table) -> dict[str, int]:
    """Write one split file; return what the card's dataset_info needs for it."""
    path = out_dir / paths.parquet_relpath(config, split)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.cast(schema.arrow_schema(config)), path, **PARQUET_OPTIONS)
    return {"num_examples": table.num_rows, "num_bytes": table.nbytes}


def read_split(out_dir: Path, config: str, split: str) -> pa.Table:
    return pq.read_table(out_dir / paths.parquet_relpath(config, split))

"""Parquet in the Hub layout, with the Arrow schema derived from schemas/ (byte-identical reruns)."""
from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from collections.abc import Collection
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import paths, schema
from .records import Records

# zstd's default level: level 9 made the 100 MB benchmark's files 7% smaller (96 vs 103 MB) but
# took 4x as long to write (4.6 vs 1.1 s on two threads)
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3, "write_statistics": True}


def write_parquet(table: pa.Table, path: Path) -> None:
    """One Parquet file with the project's fixed options (same table, same bytes).

    Columns are made one chunk first: the writer's pages and dictionary fallback follow the
    chunks it is given, so equal tables built in different batch sizes would differ in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table.combine_chunks(), path, **PARQUET_OPTIONS)


def write_split(out_dir: Path, config: str, split: str, table: pa.Table) -> int:
    """Write one split file in the Hub layout; return its row count."""
    write_parquet(table.cast(schema.arrow_schema(config)), out_dir / paths.parquet_relpath(config, split))
    return table.num_rows


def read_split(out_dir: Path, config: str, split: str, columns: Collection[str] | None = None) -> pa.Table:
    """One split file; with `columns`, only those of them the file has (in the file's order)."""
    path = out_dir / paths.parquet_relpath(config, split)
    if columns is None:
        return pq.read_table(path)
    return pq.read_table(path, columns=[c for c in pq.read_schema(path).names if c in columns])


def write_all(out_dir: Path, records: Records, doc_split: list[str]) -> dict[str, dict[str, int]]:
    """Every config's Parquet, each record in its document's split; returns rows per config and split.

    The files are written by two threads (pyarrow releases the GIL while compressing); each
    file's bytes do not depend on that.
    """
    sizes: dict[str, dict[str, int]] = {}
    split_of_doc = np.asarray(doc_split, dtype=object)
    per_config = {
        "paragraphs": (records.paragraphs, split_of_doc[records.paragraph_doc]),
        "sentences": (records.sentences, split_of_doc[records.sentence_doc]),
        "documents": (records.documents, split_of_doc),
    }
    jobs: list[tuple[str, str, pa.Table]] = []
    for config, (table, split_of_row) in per_config.items():
        sizes[config] = {}
        for split in paths.SPLITS:
            part = table.filter(pa.array(split_of_row == split, type=pa.bool_()))
            sizes[config][split] = part.num_rows
            jobs.append((config, split, part))
    jobs.append(("lines", paths.LINES_SPLIT, records.lines))
    sizes["lines"] = {paths.LINES_SPLIT: records.lines.num_rows}
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: write_split(out_dir, *job), jobs))
    return sizes


def replace_dir(new: Path, target: Path) -> None:
    """Swap the finished folder into place: rename is atomic within one file system."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old)


def write_json(path: Path, values: dict[str, Any]) -> None:
    """Deterministic JSON (sorted keys, UTF-8, trailing newline) so committed metrics diff cleanly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")

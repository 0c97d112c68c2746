"""Parquet in the Hub layout, with the Arrow schema derived from schemas/ (byte-identical reruns)."""
from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from collections.abc import Callable, Collection, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import paths, schema
from .records import Records, bounded_slices

# zstd's default level: level 9 made the 100 MB benchmark's files 7% smaller (96 vs 103 MB) but
# took 4x as long to write (4.6 vs 1.1 s on two threads)
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3, "write_statistics": True}

# Columns whose values (almost) never repeat within a file: ids, texts, digests, line numbers and
# byte offsets. Parquet's writer dictionary-encodes every column by default until the column's
# dictionary outgrows 1 MiB, then falls back to plain pages: for these, hashing every value into a
# dictionary that is then mostly dropped, and a dictionary page that mostly duplicates data. They
# are written plain; the others (document ids, positions, counts, kinds, dates, statuses, cleaning
# rules) keep the dictionary. The 100 MB benchmark's ten files: 107,406,310 bytes instead of
# 110,373,678, written by write_all in 1.87-1.93 s of user CPU instead of 1.99-2.08 s (three
# alternated runs on the same records).
PLAIN_COLUMNS = frozenset({
    "id", "text", "paragraph_id", "paragraph_ids", "near_duplicate_cluster", "source_lines",
    "source_line_start", "source_line_end", "line_number", "byte_start", "byte_end", "raw_sha256",
})


def parquet_options(schema: pa.Schema) -> dict[str, Any]:
    """The writer's options for a file of this schema: PARQUET_OPTIONS, and dictionary encoding for
    every column but PLAIN_COLUMNS (named by leaf path: a list column's values are `name.list.element`)."""
    dictionary = [f"{f.name}.list.element" if pa.types.is_list(f.type) else f.name for f in schema if f.name not in PLAIN_COLUMNS]
    return {**PARQUET_OPTIONS, "use_dictionary": dictionary}


# Row groups end at ROW_GROUP_ROWS rows or once they hold ROW_GROUP_TEXT_BYTES of text (UTF-8):
# the writer holds one row group's pages until it closes, and a reader (`load_dataset(...,
# streaming=True)`, pyarrow's iter_batches) reads one at a time, so both stay bounded however
# large the corpus. Cut by content only, never by how the table was built: same rows, same bytes.
ROW_GROUP_ROWS = 100_000
ROW_GROUP_TEXT_BYTES = 32 << 20


def row_group_bounds(text_bytes: np.ndarray) -> list[tuple[int, int]]:
    """[lo, hi) of each row group of rows with these text sizes: a group closes at ROW_GROUP_ROWS
    rows, or before the row that would take it past ROW_GROUP_TEXT_BYTES (a group holds at least
    one row). An empty table is one empty group, as pq.write_table writes it."""
    return bounded_slices(text_bytes, ROW_GROUP_ROWS, ROW_GROUP_TEXT_BYTES)


def text_bytes(table: pa.Table) -> np.ndarray:
    """UTF-8 bytes of each row's text; zeros for a table without a text column."""
    if "text" not in table.column_names:
        return np.zeros(table.num_rows, dtype=np.int64)
    return pc.fill_null(pc.binary_length(table["text"]), 0).to_numpy(zero_copy_only=False).astype(np.int64)


def write_row_groups(path: Path, schema: pa.Schema, text_bytes: np.ndarray, rows_between: Callable[[int, int], pa.Table]) -> None:
    """One Parquet file with the project's fixed options (same rows, same bytes), built a row
    group at a time: rows_between(lo, hi) gives rows [lo, hi) just before they are written, so
    memory holds one row group beyond what the caller keeps.

    Each group is made one chunk: the writer's pages and dictionary fallback follow the chunks it
    is given, so equal tables built in different batch sizes give equal bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(path, schema, **parquet_options(schema)) as writer:
        for lo, hi in row_group_bounds(text_bytes):
            writer.write_table(rows_between(lo, hi).cast(schema).combine_chunks(), row_group_size=max(hi - lo, 1))


def write_parquet(table: pa.Table, path: Path) -> None:
    """A whole table (the interim files of the DVC stages)."""
    write_row_groups(path, table.schema, text_bytes(table), lambda lo, hi: table.slice(lo, hi - lo))


def read_parquet(path: Path) -> pa.Table:
    """A whole file as one chunk per column (a file has one per row group): the steps take rows
    by index, and a take from a chunked column concatenates all of its chunks on every call."""
    return pq.read_table(path).combine_chunks()


def _present(pf: pq.ParquetFile, columns: Collection[str] | None) -> list[str]:
    """Those of `columns` the file has, in the file's order (all of them for None)."""
    return pf.schema_arrow.names if columns is None else [c for c in pf.schema_arrow.names if c in columns]


def read_row_groups(path: Path, columns: Collection[str] | None = None) -> Iterator[pa.Table]:
    """A Parquet file a row group at a time, with only those of `columns` it has (in the file's
    order); a file without row groups gives one empty table, so its columns are still seen."""
    pf = pq.ParquetFile(path)
    names = _present(pf, columns)
    if pf.num_row_groups == 0:
        yield pf.schema_arrow.empty_table().select(names)
    for g in range(pf.num_row_groups):
        yield pf.read_row_group(g, columns=names)


def read_row_group(path: Path, group: int, columns: Collection[str] | None = None) -> pa.Table:
    """Row group `group` of a Parquet file, with only those of `columns` it has."""
    pf = pq.ParquetFile(path)
    return pf.read_row_group(group, columns=_present(pf, columns))


def read_split(out_dir: Path, config: str, split: str, columns: Collection[str] | None = None) -> pa.Table:
    """One split file; with `columns`, only those of them the file has (in the file's order)."""
    path = out_dir / paths.parquet_relpath(config, split)
    if columns is None:
        return pq.read_table(path)
    return pq.read_table(path, columns=[c for c in pq.read_schema(path).names if c in columns])


def write_all(out_dir: Path, records: Records, doc_split: list[str]) -> dict[str, dict[str, int]]:
    """Every config's Parquet, each record in its document's split; returns rows per config and split.

    A split's rows, derived texts included, are gathered a row group at a time (no filtered copy
    of a config), and the files are written by two threads (pyarrow releases the GIL while
    compressing); each file's bytes do not depend on that.
    """
    sizes: dict[str, dict[str, int]] = {}
    split_of_doc = np.asarray(doc_split, dtype=object)
    split_of_row = {
        "paragraphs": split_of_doc[records.paragraph_doc],
        "sentences": split_of_doc[records.sentence_doc],
        "documents": split_of_doc,
    }
    jobs: list[tuple[str, str, np.ndarray]] = []
    for config, splits in split_of_row.items():
        sizes[config] = {}
        for split in paths.SPLITS:
            rows = np.flatnonzero(splits == split)
            sizes[config][split] = len(rows)
            jobs.append((config, split, rows))
    jobs.append(("lines", paths.LINES_SPLIT, np.arange(records.lines.num_rows)))
    sizes["lines"] = {paths.LINES_SPLIT: records.lines.num_rows}

    def write(job: tuple[str, str, np.ndarray]) -> None:
        config, split, rows = job
        write_row_groups(out_dir / paths.parquet_relpath(config, split), schema.arrow_schema(config), records.text_bytes(config)[rows],
                         lambda lo, hi: records.table(config, rows[lo:hi]))

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(write, jobs))
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

"""DVC stage entry points: each step reads its inputs from data/interim/, writes its outputs and metrics.

`syria-news-ar build` runs the same step functions in one process without the intermediates.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import paths
from .build import replace_dir, split_and_assemble, write_all, write_json, write_plot_data
from .deduplicate import deduplicate
from .ingest import ingest
from .params import Params
from .segment import segment
from .write import PARQUET_OPTIONS


def _save(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **PARQUET_OPTIONS)


def _load(path: Path) -> pa.Table:
    return pq.read_table(path)


def stage_ingest(source: Path, params: Params) -> None:
    result = ingest(source, params.ingest)
    _save(result.table, paths.INTERIM_INGEST)
    write_json(paths.metrics_file("ingest"), result.metrics())


def stage_segment(params: Params) -> None:
    result = segment(_load(paths.INTERIM_INGEST), params.segment)
    _save(result.lines, paths.INTERIM_SEGMENT)
    _save(result.documents, paths.INTERIM_DOCUMENTS)
    write_json(paths.metrics_file("segment"), result.metrics())


def stage_deduplicate(params: Params) -> None:
    result = deduplicate(_load(paths.INTERIM_INGEST), _load(paths.INTERIM_SEGMENT), params.deduplicate)
    _save(result.table, paths.INTERIM_DEDUPLICATE)
    write_json(paths.metrics_file("deduplicate"), result.stats)


def stage_split(params: Params, out_dir: Path = paths.DATASET) -> None:
    """Write dataset/data/ (swapped in whole) plus metrics/split.json and the plot data."""
    records, doc_split, stats = split_and_assemble(
        _load(paths.INTERIM_INGEST),
        _load(paths.INTERIM_SEGMENT),
        _load(paths.INTERIM_DOCUMENTS),
        _load(paths.INTERIM_DEDUPLICATE),
        params,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".split.tmp-", dir=out_dir))
    try:
        sizes = write_all(tmp, records, doc_split)
        replace_dir(tmp / "data", out_dir / "data")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    write_json(paths.metrics_file("split"), {**stats, "sizes": sizes})
    write_plot_data(paths.PLOTS, records, doc_split)


def load_metrics(metrics_dir: Path = paths.METRICS) -> dict[str, dict[str, Any]]:
    """Every step's metrics, keyed by step name (file stem)."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(metrics_dir.glob("*.json"))}

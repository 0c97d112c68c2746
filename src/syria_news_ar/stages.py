"""DVC stage entry points: each step reads its inputs from data/interim/, writes its outputs and metrics.

`syria-news-ar build` runs the same step functions in one process without the intermediates.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from . import paths
from .deduplicate import deduplicate
from .ingest import ingest
from .params import Params
from .plots import write_plot_data
from .segment import segment
from .split import split_and_assemble
from .write import read_parquet, replace_dir, write_all, write_json, write_parquet


def stage_ingest(source: Path, params: Params) -> None:
    result = ingest(source, params.ingest)
    write_parquet(result.table, paths.INTERIM_INGEST)
    write_json(paths.metrics_file("ingest"), result.metrics())


def stage_segment(params: Params) -> None:
    result = segment(read_parquet(paths.INTERIM_INGEST), params.segment)
    write_parquet(result.lines, paths.INTERIM_SEGMENT)
    write_parquet(result.documents, paths.INTERIM_DOCUMENTS)
    write_json(paths.metrics_file("segment"), result.metrics())


def stage_deduplicate(params: Params) -> None:
    result = deduplicate(read_parquet(paths.INTERIM_INGEST), read_parquet(paths.INTERIM_SEGMENT), params.deduplicate)
    write_parquet(result.table, paths.INTERIM_DEDUPLICATE)
    write_json(paths.metrics_file("deduplicate"), result.stats)


def stage_split(params: Params, out_dir: Path = paths.DATASET) -> None:
    """Write dataset/data/ (swapped in whole) plus metrics/split.json and the plot data."""
    records, doc_split, stats = split_and_assemble(
        read_parquet(paths.INTERIM_INGEST),
        read_parquet(paths.INTERIM_SEGMENT),
        read_parquet(paths.INTERIM_DOCUMENTS),
        read_parquet(paths.INTERIM_DEDUPLICATE),
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

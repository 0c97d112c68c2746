"""Steps 1-6 in one process: source file in, complete dataset folder out (atomically)."""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from . import paths
from .card import write_card
from .deduplicate import DedupResult, deduplicate
from .errors import ValidationFailed
from .ingest import IngestResult, ingest
from .params import Params
from .plots import write_plot_data
from .segment import SegmentResult, segment
from .split import split_and_assemble
from .validate import validate
from .write import replace_dir, write_all, write_json


def build(source: Path, out_dir: Path, params: Params, metrics_dir: Path | None = None) -> dict[str, Any]:
    """Run every step; the output folder (and metrics) change only if all of them succeed."""
    t0 = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 3)
        return now

    ingested = ingest(source, params.ingest)
    t = lap("ingest", t0)
    seg = segment(ingested.table, params.segment)
    t = lap("segment", t)
    dedup = deduplicate(ingested.table, seg.lines, params.deduplicate)
    t = lap("deduplicate", t)
    records, doc_split, split_stats = split_and_assemble(ingested.table, seg.lines, seg.documents, dedup.table, params)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        sizes = write_all(tmp, records, doc_split)
        t = lap("split_write", t)
        report = validate(tmp, source, params=params, expected_sizes=sizes)
        t = lap("validate", t)
        if not report.ok:
            raise ValidationFailed(report.lines())
        metrics = collect_metrics(ingested, seg, dedup, split_stats, sizes, report.summary())
        write_card(tmp, params, metrics)
        lap("card", t)
        replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    timings["total"] = round(time.perf_counter() - t0, 3)
    if metrics_dir is not None:
        write_metrics(metrics_dir, metrics)
        write_plot_data(metrics_dir / "plots", records, doc_split)
    return {**metrics, "timings_s": timings}


def collect_metrics(
    ingested: IngestResult,
    seg: SegmentResult,
    dedup: DedupResult,
    split_stats: dict[str, Any],
    sizes: dict[str, dict[str, int]],
    validation: dict[str, Any],
) -> dict[str, Any]:
    """Every step's metrics, keyed like the DVC stages' files (metrics/<key>.json)."""
    return {
        "ingest": ingested.metrics(),
        "segment": seg.metrics(),
        "deduplicate": dedup.stats,
        "split": {**split_stats, "sizes": sizes},
        "validation": validation,
    }


def write_metrics(metrics_dir: Path, metrics: dict[str, Any]) -> None:
    for step, values in metrics.items():
        write_json(paths.metrics_file(step, metrics_dir), values)

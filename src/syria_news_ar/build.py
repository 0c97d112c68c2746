"""Steps 1-6 in one build: source file in, complete dataset folder out (atomically); the GX
suites of step 5 run in a worker process (gx_worker.py), overlapping the other steps.

The steps' modules (pyarrow, numpy, ...: ~0.4 s) are imported only once the worker is started, so
its ~2.75 s import of GX, the longest path of a small build, begins as early as possible.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .errors import ValidationFailed
from .gx_worker import SuiteWorker
from .params import Params

if TYPE_CHECKING:
    from .deduplicate import DedupResult
    from .ingest import IngestResult
    from .segment import SegmentResult
    from .validate import Report


def build(source: Path, out_dir: Path, params: Params, metrics_dir: Path | None = None) -> dict[str, Any]:
    """Run every step; the output folder (and metrics) change only if all of them succeed.

    The GX suites run in a worker process started first, so importing GX overlaps steps 1-4 and
    running the suites overlaps the plain checks; closing it on the way out (success, failure or
    Ctrl-C) leaves no process behind.
    """
    with SuiteWorker() as worker:
        return _build(worker, source, out_dir, params, metrics_dir)


def _build(worker: SuiteWorker, source: Path, out_dir: Path, params: Params, metrics_dir: Path | None) -> dict[str, Any]:
    """Steps 1-6, importing their modules now that the worker is importing GX on the other core."""
    from .card import write_card
    from .deduplicate import deduplicate
    from .ingest import ingest
    from .plots import write_plot_data
    from .segment import segment
    from .split import split_and_assemble
    from .write import replace_dir, write_all

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
        report = validate_in_parallel(worker, tmp, source, params, sizes, timings)
        t = lap("validate", t)
        if not report.ok:
            raise ValidationFailed(report.lines())
        metrics = collect_metrics(ingested, seg, dedup, split_stats, sizes, report.summary())
        write_card(tmp, params, metrics)
        lap("card", t)
        replace_dir(tmp, out_dir)
    except BaseException:
        worker.close()  # before removing the files it may be reading
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    timings["total"] = round(time.perf_counter() - t0, 3)
    if metrics_dir is not None:
        write_metrics(metrics_dir, metrics)
        write_plot_data(metrics_dir / "plots", records, doc_split)
    return {**metrics, "timings_s": timings}


def validate_in_parallel(
    worker: SuiteWorker, tmp: Path, source: Path, params: Params, sizes: dict[str, dict[str, int]], timings: dict[str, float]
) -> Report:
    """The same report as validate(tmp, source, ...): plain checks here while the worker runs the
    suites on the written Parquet, then the suites' rows in config order, as validate adds them."""
    from .validate import validate

    worker.submit_suites(tmp, params, sizes, paths.CONFIGS)
    report = validate(tmp, source, params=params, expected_sizes=sizes, suites=False)
    preload_card_imports()
    t = time.perf_counter()
    for result in worker.result():
        report.add_suite(result)
    timings["gx_wait"] = round(time.perf_counter() - t, 3)
    return report


def preload_card_imports() -> None:
    """matplotlib (~0.5 s) for the card's figure, imported while this process would only wait for GX."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401


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
    from .write import write_json

    for step, values in metrics.items():
        write_json(paths.metrics_file(step, metrics_dir), values)

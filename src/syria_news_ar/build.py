"""Steps 1-6 in one build: source file in, complete dataset folder out (atomically); the GX
suites of step 5 (and, from a 1 MB source, its schema check and the card's data) run in a
worker process (gx_worker.py), overlapping the other steps.

The steps' modules (pyarrow, numpy, ...: ~0.4 s) are imported only once the worker is started, so
its ~1.2 s import of GX, the longest path of a small build, begins as early as possible.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths
from .claims import Claims, new_claims
from .errors import ValidationFailed
from .gx_worker import SuiteWorker
from .memory import release_memory
from .params import Params
from .progress import announce

if TYPE_CHECKING:
    from .validate import Report


def build(source: Path, out_dir: Path, params: Params, metrics_dir: Path | None = None) -> dict[str, Any]:
    """Run every step; the output folder (and metrics) change only if all of them succeed.

    The GX suites run in a worker process started first (for a larger source once deduplicate's
    signatures are done, or once the records are assembled: gx_worker.SuiteWorker.for_source), so
    importing GX overlaps the steps before validation and running the suites
    overlaps the plain checks; closing it on the way out (success, failure or Ctrl-C) leaves no
    process behind.
    """
    with SuiteWorker.for_source(Path(source)) as worker:
        return _build(worker, source, out_dir, params, metrics_dir)


def _build(worker: SuiteWorker, source: Path, out_dir: Path, params: Params, metrics_dir: Path | None) -> dict[str, Any]:
    """Steps 1-6, importing their modules now that the worker is importing GX on the other core."""
    from .card import all_parts, claimed_parts, stats_from_parts, write_card
    from .deduplicate import deduplicate
    from .ingest import ingest
    from .plots import plot_columns, write_plots
    from .segment import segment
    from .records import assemble
    from .split import split_documents
    from .write import replace_dir, write_all

    clock = StepClock()
    ingested = ingest(source, params.ingest)
    ingest_metrics = ingested.metrics()
    clock.lap("ingest", f"{ingest_metrics['lines']:,} lines read")
    seg = segment(ingested.table, params.segment)
    clock.lap("segment", f"{seg.documents.num_rows:,} documents")
    dedup = deduplicate(ingested.table, seg.lines, params.deduplicate, after_signatures=worker.signatures_done)
    clock.lap("deduplicate", f"{dedup.stats['distinct_paragraphs']:,} distinct paragraphs")
    records = assemble(ingested.table, seg.lines, seg.documents, dedup.table)
    step_metrics = {"ingest": ingest_metrics, "segment": seg.metrics(), "deduplicate": dedup.stats}
    del ingested, seg, dedup  # the records hold what is left to write (freed ~260 MB at 100 MB before the split)
    worker.start()  # if the source was too large to start it earlier: not while assembling, the step's peak
    doc_split, split_stats = split_documents(records, params)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        sizes = write_all(tmp, records, doc_split)
        plot_data = plot_columns(records, doc_split)  # a few ints per paragraph; the records go
        del records  # validate reads the files back
        clock.lap("split_write", f"{split_stats['groups']:,} leakage groups")
        with new_claims() as claims:
            report = plain_checks_while_suites_run(worker, tmp, source, params, sizes, claims)
            t = time.perf_counter()
            own_card_parts = claimed_parts(tmp, claims) if report.ok else {}  # while GX finishes
            clock.timings["card_data"] = round(time.perf_counter() - t, 3)
            report, worker_card_parts = with_worker_answers(worker, report, clock.timings)
        clock.lap("validate", f"{len(report.checked):,} checks, {len(report.failures):,} failed")
        if not report.ok:
            raise ValidationFailed(report.lines())
        metrics = {**step_metrics, "split": {**split_stats, "sizes": sizes}, "validation": report.summary()}
        write_card(tmp, params, metrics, stats_from_parts(all_parts(tmp, {**worker_card_parts, **own_card_parts})))
        clock.lap("card")
        replace_dir(tmp, out_dir)
    except BaseException:
        worker.close()  # before removing the files it may be reading
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if metrics_dir is not None:
        write_metrics(metrics_dir, metrics)
        write_plots(metrics_dir / "plots", *plot_data)
    return {**metrics, "timings_s": clock.total()}


class StepClock:
    """Wall seconds per step (the build's `timings_s`), announced on a terminal as each ends."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.timings: dict[str, float] = {}

    def lap(self, step: str, what: str = "") -> None:
        release_memory()  # the step's garbage
        now = time.perf_counter()
        self.timings[step] = round(now - self.last, 3)
        self.last = now
        announce(f"{step:<12} {self.timings[step]:7.1f} s   (elapsed {now - self.start:6.1f} s)" + (f"   {what}" if what else ""))

    def total(self) -> dict[str, float]:
        return {**self.timings, "total": round(time.perf_counter() - self.start, 3)}


def plain_checks_while_suites_run(
    worker: SuiteWorker, tmp: Path, source: Path, params: Params, sizes: dict[str, dict[str, int]], claims: Claims
) -> Report:
    """validate(tmp, source, ...)'s plain checks, here, while the worker runs the GX suites on the
    written Parquet (and the schema check and the card's parts it claims first, if it shares the
    checks); with_worker_answers adds their rows."""
    from .validate import validate

    worker.submit_suites(tmp, params, sizes, paths.CONFIGS, claims)
    return validate(tmp, source, params=params, expected_sizes=sizes, suites=False, schemas=not worker.shares_checks)


def with_worker_answers(worker: SuiteWorker, report: Report, timings: dict[str, float]) -> tuple[Report, dict[str, Any]]:
    """Wait for the worker and add its rows where validate has them (the schema check first, the
    suites last, in config order): the report is then the same as validate(tmp, source, ...)'s.
    Also returns the card's parts the worker claimed (card.card_parts; None for one it could not draw)."""
    t = time.perf_counter()
    answers = worker.answers()
    if answers.schemas is not None:
        answers.schemas.extend(report)
        answers.schemas.timings_s.update(report.timings_s)
        report = answers.schemas
    for result in answers.suites:
        report.add_suite(result)
    timings["gx_wait"] = round(time.perf_counter() - t, 3)
    return report, answers.card_parts


def write_metrics(metrics_dir: Path, metrics: dict[str, Any]) -> None:
    from .write import write_json

    for step, values in metrics.items():
        write_json(paths.metrics_file(step, metrics_dir), values)

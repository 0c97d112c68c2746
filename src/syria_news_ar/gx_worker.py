"""The build's Great Expectations suites in a worker process (worker.py), on the second core.

Importing GX takes ~1.8 s and its suites ~11 s on the 100 MB benchmark input, all
single-threaded. The worker is started first thing in a small build (after deduplication in a
large one, see LATE_START_MIN_BYTES) and imports GX while this process works; it then reads the
written Parquet itself and runs the suites while this process runs the plain checks. Closing it
stops it wherever it is, so a bad input or Ctrl-C never waits for GX.
"""
from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .worker import Worker

if TYPE_CHECKING:
    from .expectations import SuiteResult
    from .params import Params


def _warm_up() -> None:
    """Everything run_suites imports, so the import overlaps the build's first steps.

    The cyclic garbage collector is off while importing and the imported objects are then frozen
    out of its scans: importing GX creates hundreds of thousands of objects and little garbage,
    and collecting while it does took ~0.3 s of the ~2.1 s import here (1.8 s without)."""
    gc.disable()
    try:
        import great_expectations  # noqa: F401  (~1.8 s: scipy, altair, pandas)
        import pandas  # noqa: F401
        import pyarrow.parquet  # noqa: F401

        from .letters import letter_table

        letter_table()  # ~0.08 s, cached: the suites' Arabic-letter share
    finally:
        gc.freeze()
        gc.enable()


def _run_suites(
    out_dir: Path, params: Params, expected_sizes: Mapping[str, Mapping[str, int]] | None, configs: tuple[str, ...]
) -> list[SuiteResult]:
    from .expectations import run_suites

    return run_suites(out_dir, params, expected_sizes, None, configs)


# A source at least this large starts the worker only once deduplication is done
# (`SuiteWorker.for_source`): its import then overlaps splitting and writing (~6 s at 100 MB of
# source), and the ~235 MB it holds once GX, pandas and scipy are imported are not held while
# ingest, segment and deduplicate (each using both cores) peak. A smaller build starts it first
# thing, as importing GX is then its longest path.
LATE_START_MIN_BYTES = 16 << 20


class SuiteWorker(Worker):
    """A worker that imports GX when started and runs the suites of a written dataset on request."""

    def __init__(self, start: bool = True) -> None:
        super().__init__("syria-news-ar-gx", warm_up=_warm_up, start=start)

    @classmethod
    def for_source(cls, source: Path) -> SuiteWorker:
        """Started now for a small source; for a large one, `start()` it after deduplication."""
        try:
            late = source.stat().st_size >= LATE_START_MIN_BYTES
        except OSError:  # ingest says what is wrong with it
            late = False
        return cls(start=not late)

    def submit_suites(
        self, out_dir: Path, params: Params, expected_sizes: Mapping[str, Mapping[str, int]] | None, configs: Iterable[str]
    ) -> None:
        """Ask for run_suites on the Parquet already written to out_dir; `result()` gives the SuiteResults."""
        self.submit(_run_suites, Path(out_dir).resolve(), params, expected_sizes, tuple(configs))

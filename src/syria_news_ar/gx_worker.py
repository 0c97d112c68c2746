"""The build's Great Expectations suites in a worker process (worker.py), on the second core.

Importing GX takes ~1.2 s (see DEFERRED_IMPORTS) and its suites 3.4 s on the 100 MB benchmark
output in a fresh process, 2.68-2.92 s when repeated in one (alone, 2026-12-05; 11.8 s before
expectations.py stopped GX's batch fingerprints and Python-string derivations), all
single-threaded. The worker is started first thing in a small build (later in a larger one, see
LATE_START_MIN_BYTES) and imports GX while this process works; it then reads the written Parquet
itself and runs the suites (by the source's size also the JSON Schema check before them and the
card's data after them, see Answers) while this process runs the plain checks. Closing it stops
it wherever it is, so a bad input or Ctrl-C never waits for GX.
"""
from __future__ import annotations

import gc
import importlib.abc
import importlib.util
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .claims import Claims
from .worker import Worker

if TYPE_CHECKING:
    from .expectations import SuiteResult
    from .params import Params
    from .validate import Report


# Modules GX imports when it is imported but our suites never use: scipy.stats (for KL-divergence
# and other distribution expectations) and altair (charts in Data Docs). Deferring them took the
# worker's import from ~2.1 to ~1.2 s and ~234 to ~158 MB on this machine; a suite that uses one
# loads it on first use (importlib.util.LazyLoader), so results cannot change, only timings.
DEFERRED_IMPORTS = frozenset({"scipy.stats", "altair"})


class _DeferringFinder(importlib.abc.MetaPathFinder):
    """Finds the named modules with their usual loader wrapped in a LazyLoader: the module object
    is created on import and executed on its first attribute access."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> ModuleSpec | None:
        if name not in self.names:
            return None
        sys.meta_path.remove(self)  # find the real spec without finding ourselves again
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


@contextmanager
def deferred_imports(names: frozenset[str] = DEFERRED_IMPORTS) -> Iterator[None]:
    """Imports of `names` inside the block are deferred to their first use (LazyLoader; not
    thread-safe on Python 3.11, which is why only the worker, one thread importing, uses it)."""
    finder = _DeferringFinder(names)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def _warm_up() -> None:
    """Everything run_suites imports, so the import overlaps the build's first steps.

    The cyclic garbage collector is off while importing and the imported objects are then frozen
    out of its scans: importing GX creates hundreds of thousands of objects and little garbage,
    and collecting while it does took ~0.3 s of the import here. Modules GX imports but the
    suites never use are deferred (DEFERRED_IMPORTS)."""
    gc.disable()
    try:
        with deferred_imports():
            import great_expectations  # noqa: F401  (~1.2 s: pandas, pydantic, marshmallow, its own modules)
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


@dataclass
class Answers:
    """What the worker found: the suites' results and, if it shares the checks
    (`SuiteWorker.shares_checks`), the JSON Schema check's report and the parts of the card's data
    it claimed (card.card_parts; None for a part that failed: the build then draws it itself, if
    the checks pass, and says what is wrong there)."""

    suites: list[SuiteResult]
    schemas: Report | None = None
    card_parts: dict[str, Any] = field(default_factory=dict)


def _run_suites_only(
    out_dir: Path, params: Params, expected_sizes: Mapping[str, Mapping[str, int]] | None, configs: tuple[str, ...], claims: Claims
) -> Answers:
    return Answers(_run_suites(out_dir, params, expected_sizes, configs))


def _run_share(
    out_dir: Path, params: Params, expected_sizes: Mapping[str, Mapping[str, int]] | None, configs: tuple[str, ...], claims: Claims
) -> Answers:
    """The worker's share of validation when it shares the checks: the JSON Schema check, which
    reads every row group of every file and so also draws the card's file statistics (claimed
    first; None if the check could not read them all), the suites, then each part of the card's
    data that the build has not claimed first."""
    from .card import FILES_PART, FilesFromGroups, card_parts, claimed_parts
    from .validate import schema_report

    files = FilesFromGroups(out_dir) if claims.take(FILES_PART) else None
    schemas = schema_report(out_dir, params, files.add if files is not None else None)
    answers = Answers(_run_suites(out_dir, params, expected_sizes, configs), schemas)
    drawn = claimed_parts(out_dir, claims)
    if files is not None:
        drawn[FILES_PART] = files.stats()
        drawn = {name: drawn[name] for name in card_parts(out_dir) if name in drawn}  # in card_parts order
    answers.card_parts = drawn
    return answers


# Where the build starts the worker, by the source's size (`SuiteWorker.for_source`). Below
# LATE_START_MIN_BYTES first thing, as importing GX is then a small build's longest path. From
# there, once deduplicate's MinHash signatures are done (`signatures_done`): its ~1.2 s import then
# fills the core that the candidate pairs and their confirmation leave idle, and its ~170 MB are
# not held while ingest, segment and the signatures use both cores. 100 MB builds, four
# alternated pairs (2026-12-05, with the split's two key threads, which need that core):
# 18.49-19.10 s against 19.29-19.49 s (wall) when it started once the records were assembled. From
# LAST_START_MIN_BYTES on, once the records are assembled (build.py), where memory binds: the
# ~170 MB are then not held while deduplicate and assembling peak (1000 MB benchmark).
LATE_START_MIN_BYTES = 16 << 20
LAST_START_MIN_BYTES = 256 << 20
# From this size on the worker also runs the JSON Schema check before its suites and then draws
# the parts of the card's data (card.card_part) that the build has not claimed, since the suites
# alone end well before the plain checks. Measured alone on 2026-12-04: at 100 MB ~5 s of suites against
# 13.0-13.5 s of plain checks (the schema check 2.3-2.4 s of them) and 3 s of card_data; at
# 10 MB 0.73 s of suites against 2.0 s of plain checks (the schema check 0.7 s) and 0.55 s of
# card_data. 10 MB builds' validation: 1.9-2.35 s with both in the worker, 2.16-2.2 s with
# card_data alone there, 2.18-3.08 s with neither. For the seed, importing GX and running the
# suites is the build's longest path, so this process runs the schema check and draws the card
# data while they finish.
SHARE_CHECKS_MIN_BYTES = 1 << 20


class SuiteWorker(Worker):
    """A worker that imports GX when started and runs the suites of a written dataset on request."""

    def __init__(self, start: bool = True, shares_checks: bool = False, starts_after_signatures: bool = False) -> None:
        super().__init__("syria-news-ar-gx", warm_up=_warm_up, start=start)
        self.shares_checks = shares_checks  # also the schema check and card_data (for_source: from SHARE_CHECKS_MIN_BYTES)
        self.starts_after_signatures = starts_after_signatures

    @classmethod
    def for_source(cls, source: Path) -> SuiteWorker:
        """Started now for a small source; for a larger one later (see LATE_START_MIN_BYTES):
        `signatures_done`, or `start()` (build.py: once the records are assembled)."""
        try:
            size = source.stat().st_size
        except OSError:  # ingest says what is wrong with it
            size = 0
        return cls(start=size < LATE_START_MIN_BYTES, shares_checks=size >= SHARE_CHECKS_MIN_BYTES,
                   starts_after_signatures=LATE_START_MIN_BYTES <= size < LAST_START_MIN_BYTES)

    def signatures_done(self) -> None:
        """deduplicate's MinHash signatures are done: start now if this worker starts there."""
        if self.starts_after_signatures:
            self.start()

    def submit_suites(
        self, out_dir: Path, params: Params, expected_sizes: Mapping[str, Mapping[str, int]] | None, configs: Iterable[str], claims: Claims
    ) -> None:
        """Ask for run_suites on the Parquet already written to out_dir (with the schema check
        and the card's parts it can claim, if this worker shares them); `answers()` gives them."""
        run = _run_share if self.shares_checks else _run_suites_only
        self.submit(run, Path(out_dir).resolve(), params, expected_sizes, tuple(configs), claims)

    def answers(self) -> Answers:
        """Wait for what was submitted."""
        return self.result()

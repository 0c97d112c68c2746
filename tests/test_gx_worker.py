"""The build's GX worker process: same report as the serial path, failures surface, nothing left behind."""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from syria_news_ar import paths
from syria_news_ar.build import build
from syria_news_ar.claims import Claims
from syria_news_ar.errors import SourceNotFoundError, ValidationFailed
from syria_news_ar.gx_worker import Answers, SuiteWorker
from syria_news_ar.worker import WorkerError, WorkerTraceback
from syria_news_ar.params import Params
from syria_news_ar.validate import validate

from conftest import SEED

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="lists child processes from /proc")


def worker_children() -> list[int]:
    """This process's live children that are multiprocessing spawn workers (not its resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue  # exited while we looked
        if ppid == os.getpid() and b"spawn_main" in cmdline:
            found.append(int(stat.parent.name))
    return found


def leftovers(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.tmp-*"))


def test_build_report_equals_the_serial_validate(seed_build, params: Params) -> None:
    out, result = seed_build
    serial = validate(out, SEED, params=params, expected_sizes=result["split"]["sizes"])
    assert result["validation"] == serial.summary()
    assert worker_children() == []


def test_a_failed_expectation_fails_the_build_and_leaves_nothing(write_source, tmp_path: Path, params: Params) -> None:
    """validate.text_max_chars only feeds the GX suite (the plain checks ignore it): the worker's failure
    must stop the build with the expectation named, the folder untouched, no temp dir, no process."""
    from test_build import SMALL

    src = write_source("\n".join(SMALL) + "\n")
    strict = dataclasses.replace(params, validate=dataclasses.replace(params.validate, text_max_chars=10))
    out = tmp_path / "ds"
    with pytest.raises(ValidationFailed) as caught:
        build(src, out, strict, tmp_path / "metrics")
    failed = {line.split(":", 1)[0] for line in caught.value.failures}
    assert failed and failed <= {f"paragraphs.{split}.text_max_length" for split in paths.SPLITS}, failed
    assert not out.exists() and leftovers(out) == [] and not (tmp_path / "metrics").exists()
    assert worker_children() == []


def test_bad_input_stops_the_worker_at_once(tmp_path: Path, params: Params) -> None:
    out = tmp_path / "ds"
    with pytest.raises(SourceNotFoundError):
        build(tmp_path / "missing.txt", out, params)
    assert not out.exists() and leftovers(out) == []
    assert worker_children() == []


def test_ctrl_c_during_the_plain_checks_stops_the_worker(write_source, tmp_path: Path, params: Params, monkeypatch) -> None:
    from test_build import SMALL

    import syria_news_ar.validate as validate_mod

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_mod, "validate", interrupted)
    out = tmp_path / "ds"
    with pytest.raises(KeyboardInterrupt):
        build(write_source("\n".join(SMALL) + "\n"), out, params)
    assert not out.exists() and leftovers(out) == []
    assert worker_children() == []


def test_an_exception_in_the_worker_is_raised_here_with_its_traceback(tmp_path: Path, params: Params) -> None:
    with SuiteWorker() as worker:
        worker.submit_suites(tmp_path / "no-dataset", params, None, ["paragraphs"], Claims(tmp_path))
        with pytest.raises(FileNotFoundError) as caught:
            worker.result()
    assert isinstance(caught.value.__cause__, WorkerTraceback)
    assert "run_suites" in caught.value.__cause__.text
    assert worker_children() == []


def test_a_dead_worker_is_an_error_not_a_hang() -> None:
    with SuiteWorker() as worker:
        os.kill(worker.pid, signal.SIGKILL)
        with pytest.raises(WorkerError, match="before answering"):
            worker.result()
    assert worker_children() == []


def test_close_is_idempotent_and_quick_for_an_unused_worker() -> None:
    worker = SuiteWorker()
    worker.close()
    worker.close()
    assert worker_children() == []


@pytest.mark.parametrize("starts_after", ["signatures", "records"])
def test_a_larger_source_starts_the_worker_later(
    starts_after: str, seed_build, tmp_path: Path, params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From LATE_START_MIN_BYTES the worker is not running during ingest and segment, and starts
    once deduplicate's signatures are done; from LAST_START_MIN_BYTES not before the records are
    assembled (deduplicate's peak does not carry GX's memory). The build is the same either way:
    its report too, though the worker ran the schema check."""
    import syria_news_ar.build as build_mod
    import syria_news_ar.deduplicate as dedup_mod
    import syria_news_ar.gx_worker as gx_mod

    children_during_dedup: list[list[int]] = []
    deduplicate = dedup_mod.deduplicate

    def watched(*args, after_signatures, **kwargs):
        children_during_dedup.append(worker_children())

        def signatures_done() -> None:
            after_signatures()
            children_during_dedup.append(worker_children())

        return deduplicate(*args, after_signatures=signatures_done, **kwargs)

    reports = []

    def kept(worker, *args, **kwargs):
        report, stats = with_worker_answers(worker, *args, **kwargs)
        reports.append((worker.shares_checks, report))
        return report, stats

    with_worker_answers = build_mod.with_worker_answers
    monkeypatch.setattr(gx_mod, "LATE_START_MIN_BYTES", SEED.stat().st_size)
    monkeypatch.setattr(gx_mod, "LAST_START_MIN_BYTES", SEED.stat().st_size + (starts_after == "signatures"))
    monkeypatch.setattr(gx_mod, "SHARE_CHECKS_MIN_BYTES", SEED.stat().st_size)
    monkeypatch.setattr(dedup_mod, "deduplicate", watched)
    monkeypatch.setattr(build_mod, "with_worker_answers", kept)
    out = tmp_path / "ds"
    result = build(SEED, out, params)
    serial = validate(seed_build[0], SEED, params=params, expected_sizes=seed_build[1]["split"]["sizes"])
    assert result["validation"] == serial.summary()
    [(shared, report)] = reports
    assert shared and (report.checked, list(report.entries)) == (serial.checked, list(serial.entries))  # the worker's schema rows first
    [at_entry, after_signatures] = children_during_dedup
    assert at_entry == [] and len(after_signatures) == (starts_after == "signatures")
    assert worker_children() == []
    for path in sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file()):
        assert (out / path).read_bytes() == (seed_build[0] / path).read_bytes(), path


def test_an_unstarted_worker_spawns_nothing_and_submit_starts_it(tmp_path: Path, params: Params) -> None:
    with SuiteWorker(start=False) as idle:
        assert idle.pid is None and worker_children() == []
    with SuiteWorker(start=False) as worker:
        worker.submit_suites(tmp_path / "no-dataset", params, None, ["paragraphs"], Claims(tmp_path))
        assert worker.pid is not None
        with pytest.raises(FileNotFoundError):
            worker.result()
    assert worker_children() == []


def test_the_warm_up_defers_what_the_suites_never_use_and_a_use_loads_it(seed_build, params: Params) -> None:
    """In a fresh interpreter, as in the worker: after the warm-up and the seed's suites the
    deferred modules are still unexecuted, and the first use of one loads it in full."""
    out, _ = seed_build
    code = f"""
import json, sys, types
from pathlib import Path
from syria_news_ar.gx_worker import DEFERRED_IMPORTS, _warm_up
from syria_news_ar.expectations import run_suites
from syria_news_ar.params import load
_warm_up()
results = run_suites(Path({str(out)!r}), load())
assert all(not r.failures for r in results), results
pending = sorted(n for n in DEFERRED_IMPORTS if type(sys.modules[n]) is not types.ModuleType)
import scipy.stats
print(json.dumps({{"pending": pending, "cdf0": float(scipy.stats.norm.cdf(0.0)), "loaded": type(sys.modules["scipy.stats"]) is types.ModuleType}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"pending": ["altair", "scipy.stats"], "cdf0": 0.5, "loaded": True}


def test_a_sharing_worker_answers_the_schema_check_the_suites_and_the_card_parts_it_claims(seed_build, tmp_path: Path, params: Params) -> None:
    """What a worker that shares the checks answers: the schema check's report (validate's first rows),
    the suites' results and the card's parts that were not claimed before it got to them, or None
    for a part when the files do not have what it reads (the build then draws that part itself,
    which says what is wrong)."""
    import shutil

    import pyarrow.parquet as pq

    from syria_news_ar.card import card_data, card_part, card_parts, stats_from_parts
    from syria_news_ar.gx_worker import _run_share, _run_suites_only
    from syria_news_ar.validate import schema_report

    out, _ = seed_build
    (tmp_path / "a").mkdir()
    answers = _run_share(out, params, None, ("documents",), Claims(tmp_path / "a"))
    assert _run_suites_only(out, params, None, ("documents",), Claims(tmp_path / "a")) == Answers(answers.suites)
    assert [r.name for r in answers.suites] == [f"documents.{s}" for s in paths.SPLITS]
    assert answers.schemas == schema_report(out, params)
    assert answers.schemas.checked == [f"schema.{c}" for c in paths.CONFIGS] and answers.schemas.ok
    names = card_parts(out)
    assert names == ("paragraphs.train.0", "paragraphs.validation.0", "paragraphs.test.0", "figure", "files", "dates")
    assert tuple(answers.card_parts) == names and stats_from_parts(answers.card_parts) == card_data(out)
    (tmp_path / "b").mkdir()
    assert Claims(tmp_path / "b").take("paragraphs.train.0")  # the build got there first
    answers = _run_share(out, params, None, ("documents",), Claims(tmp_path / "b"))
    assert answers.card_parts == {name: card_part(out, name) for name in names[1:]}
    broken = tmp_path / "ds"
    shutil.copytree(out, broken)
    path = broken / paths.parquet_relpath("paragraphs", "train")
    pq.write_table(pq.read_table(path).drop_columns(["n_words"]), path)
    (tmp_path / "c").mkdir()
    answers = _run_share(broken, params, None, ("documents",), Claims(tmp_path / "c"))
    assert len(answers.suites) == 3
    unreadable = {"paragraphs.train.0": None, "figure": None}  # both read n_words
    assert answers.card_parts == {name: unreadable[name] if name in unreadable else card_part(broken, name) for name in names}
    assert answers.schemas.failures.keys() == {"schema.paragraphs"}
    with pytest.raises(KeyError):
        card_data(broken)
"""Step 5 bites: every GX expectation and every cross-file check fails on the damage it guards against.

The seed is built once (conftest `seed_build`); each case damages a copy of it in one way, writes
the Parquet back with the config's Arrow schema, and asserts that validate fails and names the
check. In-process cases run the plain checks and only the damaged config's GX suites (GX costs
~0.1 s per suite and split); the CLI cases run everything, as `dvc repro` does.
"""
from __future__ import annotations

import fnmatch
import re
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar import expectations, paths, schema
from syria_news_ar import validate as validate_mod
from syria_news_ar.expectations import load_suite, run_suites
from syria_news_ar.params import Params
from syria_news_ar.validate import Report, validate

SEED = paths.ROOT / paths.SOURCE
SCRIPT = str(Path(sys.executable).parent / "syria-news-ar")
FOREIGN_ID = "f" * 32  # a well-formed id that names nothing

Rows = list[dict[str, Any]]
Damage = Callable[[Path, Params], None]


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

def read(ds: Path, config: str, split: str) -> Rows:
    return pq.read_table(ds / paths.parquet_relpath(config, split)).to_pylist()


def write(ds: Path, config: str, split: str, rows: Rows, nullable: bool = False) -> None:
    """Write rows back with the config's Arrow schema (relaxed to nullable for null damage,
    as a writer that does not know the schema would)."""
    arrow = schema.arrow_schema(config)
    if nullable:
        arrow = pa.schema([f.with_nullable(True) for f in arrow])
    pq.write_table(pa.Table.from_pylist(rows, schema=arrow), ds / paths.parquet_relpath(config, split))


def on(config: str, mutate: Callable[[Rows], Rows | None], split: str | None = None, nullable: bool = False) -> Damage:
    """A damage that edits one split's rows in place (or replaces them by what mutate returns)."""

    def damage(ds: Path, params: Params) -> None:
        s = split or paths.splits_of(config)[0]
        rows = read(ds, config, s)
        new = mutate(rows)
        write(ds, config, s, rows if new is None else new, nullable)

    return damage


def first(rows: Rows, pred: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    return next(r for r in rows if pred(r))


def setv(rows: Rows, i: int, **values: Any) -> None:
    rows[i].update(values)


# --------------------------------------------------------------------------------------------
# damage functions that need more than one row or file
# --------------------------------------------------------------------------------------------

def persian_yeh(rows: Rows) -> None:
    r = first(rows, lambda r: "ي" in r["text"])
    r["text"] = r["text"].replace("ي", "ی", 1)


def too_long(ds: Path, params: Params) -> None:
    rows = read(ds, "paragraphs", "train")
    text = rows[0]["text"]
    rows[0]["text"] = " ".join([text] * (params.validate.text_max_chars // (len(text) + 1) + 1))
    rows[0]["n_chars"] = len(rows[0]["text"])
    write(ds, "paragraphs", "train", rows)


def not_arabic(rows: Rows) -> None:
    rows[0]["text"] = "The regime forces shelled the city of Idlib on Tuesday, local sources said"
    rows[0]["n_chars"] = len(rows[0]["text"])


def duplicate_id(rows: Rows) -> None:
    rows[1]["id"] = rows[0]["id"]


def multi_line_document(rows: Rows) -> dict[str, Any]:
    return first(rows, lambda r: r["source_line_end"] > r["source_line_start"])


def swap_line_span(rows: Rows) -> None:
    d = multi_line_document(rows)
    d["source_line_start"], d["source_line_end"] = d["source_line_end"], d["source_line_start"]


def reason_on_kept(rows: Rows) -> None:
    first(rows, lambda r: r["status"] == "kept")["reason"] = "not_arabic"


def rejected_without_reason(rows: Rows) -> None:
    first(rows, lambda r: r["status"] == "kept").update(status="rejected", reason=None, paragraph_id=None)


def blank_with_paragraph(rows: Rows) -> None:
    first(rows, lambda r: r["status"] == "duplicate")["status"] = "blank"


def shift_line_numbers(rows: Rows) -> None:
    for r in rows:
        r["line_number"] += 1


def overlap_spans(rows: Rows) -> None:
    rows[5]["byte_start"] = rows[4]["byte_end"] - 1


def copy_into_other_split(ds: Path, params: Params) -> None:
    """A train paragraph (id, text and all) also written into test: leakage."""
    train, test = read(ds, "paragraphs", "train"), read(ds, "paragraphs", "test")
    write(ds, "paragraphs", "test", [*test, dict(train[0])])


def cluster_across_splits(ds: Path, params: Params) -> None:
    """A test paragraph joins the near-duplicate cluster of a train paragraph."""
    train, test = read(ds, "paragraphs", "train"), read(ds, "paragraphs", "test")
    test[0]["near_duplicate_cluster"] = train[0]["id"]
    write(ds, "paragraphs", "test", test)


def document_across_splits(ds: Path, params: Params) -> None:
    """A test document lists a train paragraph."""
    train, docs = read(ds, "paragraphs", "train"), read(ds, "documents", "test")
    docs[0]["paragraph_ids"] = [train[0]["id"], *docs[0]["paragraph_ids"][1:]]
    write(ds, "documents", "test", docs)


def foreign_source_line(ds: Path, params: Params) -> None:
    """A paragraph claims a source line the ledger gives to another paragraph."""
    rows = read(ds, "paragraphs", "train")
    rows[0]["source_lines"] = [*rows[0]["source_lines"], rows[1]["source_lines"][0]]
    write(ds, "paragraphs", "train", rows)


# --------------------------------------------------------------------------------------------
# the cases: (id, damage, configs whose GX suites run, check names that must fail)
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    id: str
    damage: Damage
    suites: tuple[str, ...]
    expect: tuple[str, ...]


P, S, D, L = ("paragraphs",), ("sentences",), ("documents",), ("lines",)
CASES = [
    # paragraphs
    Case("persian_yeh", on("paragraphs", persian_yeh), P, ("paragraphs.train.text_no_forbidden_chars", "clean_text.paragraphs")),
    Case("double_space", on("paragraphs", lambda rs: setv(rs, 0, text=rs[0]["text"].replace(" ", "  ", 1))), P,
         ("paragraphs.train.text_no_double_or_edge_space",)),
    Case("trailing_space", on("paragraphs", lambda rs: setv(rs, 0, text=rs[0]["text"] + " ", n_chars=rs[0]["n_chars"] + 1)), P,
         ("paragraphs.train.text_no_double_or_edge_space",)),
    Case("paragraph_id_duplicated", on("paragraphs", duplicate_id), P, ("paragraphs.train.id_unique", "unique_ids.paragraphs")),
    Case("paragraph_id_null", on("paragraphs", lambda rs: setv(rs, 0, id=None), nullable=True), P, ("paragraphs.train.id_not_null",)),
    Case("paragraph_text_null", on("paragraphs", lambda rs: setv(rs, 0, text=None), nullable=True), P, ("paragraphs.train.text_not_null",)),
    Case("paragraph_text_empty", on("paragraphs", lambda rs: setv(rs, 0, text="", n_chars=0)), P, ("paragraphs.train.text_min_length",)),
    Case("paragraph_text_too_long", too_long, P, ("paragraphs.train.text_max_length",)),
    Case("paragraph_not_arabic", on("paragraphs", not_arabic), P, ("paragraphs.train.arabic_letter_share",)),
    Case("paragraph_kind_bad", on("paragraphs", lambda rs: setv(rs, 0, kind="caption")), P, ("paragraphs.train.kind_in_set", "schema.paragraphs")),
    Case("paragraph_n_chars_wrong", on("paragraphs", lambda rs: setv(rs, 0, n_chars=rs[0]["n_chars"] + 1)), P, ("paragraphs.train.n_chars_is_text_length",)),
    Case("paragraph_n_sentences_0", on("paragraphs", lambda rs: setv(rs, 0, n_sentences=0)), P, ("paragraphs.train.n_sentences_positive", "sentences.cover")),
    Case("paragraph_source_lines_empty", on("paragraphs", lambda rs: setv(rs, 0, source_lines=[])), P, ("paragraphs.train.source_lines_not_empty",)),
    Case("paragraphs_row_count", on("paragraphs", lambda rs: rs[:-1]), P, ("paragraphs.train.row_count",)),
    # sentences
    Case("sentence_id_null", on("sentences", lambda rs: setv(rs, 0, id=None), nullable=True), S, ("sentences.train.id_not_null",)),
    Case("sentence_id_duplicated", on("sentences", duplicate_id), S, ("sentences.train.id_unique", "unique_ids.sentences")),
    Case("sentence_text_empty", on("sentences", lambda rs: setv(rs, 0, text="")), S, ("sentences.train.text_not_empty",)),
    Case("sentence_double_space", on("sentences", lambda rs: setv(rs, 0, text=rs[0]["text"].replace(" ", "  ", 1))), S,
         ("sentences.train.text_no_double_or_edge_space", "clean_text.sentences")),
    Case("sentence_trailing_space", on("sentences", lambda rs: setv(rs, 0, text=rs[0]["text"] + " ")), S,
         ("sentences.train.text_no_double_or_edge_space",)),
    Case("sentence_position_negative", on("sentences", lambda rs: setv(rs, 0, position=-1)), S, ("sentences.train.position_non_negative", "schema.sentences")),
    Case("sentence_char_start_negative", on("sentences", lambda rs: setv(rs, 0, char_start=-1)), S, ("sentences.train.char_start_non_negative",)),
    Case("sentence_start_not_before_end", on("sentences", lambda rs: setv(rs, 0, char_start=rs[0]["char_end"])), S, ("sentences.train.char_end_after_start",)),
    Case("sentence_span_shortened", on("sentences", lambda rs: setv(rs, 0, char_end=rs[0]["char_end"] - 1)), S,
         ("sentences.train.span_is_text_length", "sentences.offsets")),
    Case("sentence_offset_moved", on("sentences", lambda rs: setv(rs, 0, char_start=rs[0]["char_start"] + 1, char_end=rs[0]["char_end"] + 1)), (),
         ("sentences.offsets",)),
    Case("sentence_position_gap", on("sentences", lambda rs: setv(rs, 0, position=rs[0]["position"] + 10)), (), ("sentences.cover",)),
    Case("sentences_row_count", on("sentences", lambda rs: rs[:-1]), S, ("sentences.train.row_count",)),
    # documents
    Case("document_id_null", on("documents", lambda rs: setv(rs, 0, id=None), nullable=True), D, ("documents.train.id_not_null",)),
    Case("document_id_duplicated", on("documents", duplicate_id), D, ("documents.train.id_unique", "unique_ids.documents")),
    Case("document_text_empty", on("documents", lambda rs: setv(rs, 0, text="")), D, ("documents.train.text_not_empty", "documents.text")),
    Case("document_n_paragraphs_0", on("documents", lambda rs: setv(rs, 0, n_paragraphs=0)), D,
         ("documents.train.n_paragraphs_positive", "schema.documents", "refs.document_paragraphs")),
    Case("document_line_span_reversed", on("documents", swap_line_span), D, ("documents.train.line_span_ordered",)),
    Case("document_date_out_of_range", on("documents", lambda rs: setv(rs, 0, date="2023-05-01")), D, ("documents.train.date_in_range",)),
    Case("document_date_not_a_date", on("documents", lambda rs: setv(rs, 0, date="2024-13-45")), D, ("documents.train.date_in_range",)),
    Case("document_double_space", on("documents", lambda rs: setv(rs, 0, text=rs[0]["text"].replace(" ", "  ", 1))), (),
         ("clean_text.documents", "documents.text")),
    Case("documents_row_count", on("documents", lambda rs: rs[:-1]), D, ("documents.train.row_count",)),
    # lines (the ledger)
    Case("ledger_row_dropped", on("lines", lambda rs: rs[:10] + rs[11:]), L,
         ("lines.full.line_number_max_is_row_count", "lines.full.row_count", "ledger.contiguous", "ledger.covers_source")),
    Case("ledger_last_row_dropped", on("lines", lambda rs: rs[:-1]), (), ("ledger.covers_source",)),
    Case("ledger_line_number_duplicated", on("lines", lambda rs: setv(rs, 1, line_number=1)), L, ("lines.full.line_number_unique",)),
    Case("ledger_line_numbers_shifted", on("lines", shift_line_numbers), L,
         ("lines.full.line_number_min_is_1",)),
    Case("ledger_status_bad", on("lines", lambda rs: setv(rs, 0, status="dropped")), L, ("lines.full.status_in_set", "schema.lines")),
    Case("ledger_reason_on_kept_line", on("lines", reason_on_kept), L, ("lines.full.reason_null_unless_rejected", "ledger.status")),
    Case("ledger_rejected_without_reason", on("lines", rejected_without_reason), L, ("lines.full.reason_set_when_rejected", "ledger.status")),
    Case("ledger_blank_with_paragraph", on("lines", blank_with_paragraph), L, ("lines.full.paragraph_id_null_when_blank_or_rejected",)),
    Case("ledger_kept_without_paragraph", on("lines", lambda rs: setv(rs, 0, paragraph_id=None)), L, ("lines.full.paragraph_id_set_when_kept_or_duplicate",)),
    Case("ledger_sha256_not_hex", on("lines", lambda rs: setv(rs, 0, raw_sha256="z" * 64)), L, ("lines.full.raw_sha256_hex",)),
    Case("ledger_sha256_changed", on("lines", lambda rs: setv(rs, 0, raw_sha256="0" * 64)), (), ("ledger.raw_sha256",)),
    Case("ledger_span_reversed", on("lines", lambda rs: setv(rs, 5, byte_end=rs[5]["byte_start"] - 1)), L,
         ("lines.full.byte_span_not_reversed", "ledger.byte_spans")),
    Case("ledger_spans_overlap", on("lines", overlap_spans), L, ("lines.full.byte_spans_ordered", "ledger.byte_spans")),
    Case("ledger_paragraph_dangling", on("lines", lambda rs: setv(rs, 0, paragraph_id=FOREIGN_ID)), (), ("refs.lines",)),
    Case("ledger_source_lines_foreign", foreign_source_line, (), ("ledger.source_lines",)),
    # references and leakage across files and splits
    Case("sentence_paragraph_dangling", on("sentences", lambda rs: setv(rs, 0, paragraph_id=FOREIGN_ID)), (), ("refs.sentence_paragraph",)),
    Case("paragraph_document_dangling", on("paragraphs", lambda rs: setv(rs, 0, document_id=FOREIGN_ID)), (), ("refs.paragraph_document",)),
    Case("document_paragraph_dangling", on("documents", lambda rs: setv(rs, 0, paragraph_ids=[FOREIGN_ID, *rs[0]["paragraph_ids"][1:]])), (),
         ("refs.document_paragraphs",)),
    Case("cluster_dangling", on("paragraphs", lambda rs: setv(rs, 0, near_duplicate_cluster=FOREIGN_ID)), (), ("refs.cluster",)),
    Case("paragraph_copied_into_other_split", copy_into_other_split, (), ("leakage.normalized_key",)),
    Case("cluster_across_splits", cluster_across_splits, (), ("leakage.cluster",)),
    Case("document_across_splits", document_across_splits, (), ("leakage.document_group",)),
    # too broken to compute with: the plain checks do integer columns in numpy, so a null there
    # stops the check that needs it (`<check>.could_run`) instead of a traceback
    Case("sentence_position_null", on("sentences", lambda rs: setv(rs, 0, position=None), nullable=True), (),
         ("schema.sentences", "texts.could_run")),
    Case("ledger_byte_start_null", on("lines", lambda rs: setv(rs, 3, byte_start=None), nullable=True), (),
         ("schema.lines", "ledger.could_run")),
]


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(seed_build: tuple[Path, dict]) -> tuple[Path, dict[str, dict[str, int]]]:
    """The seed dataset folder and the split sizes its split step recorded."""
    out, result = seed_build
    return out, result["split"]["sizes"]


@pytest.fixture(scope="module")
def metrics_file(built: tuple[Path, dict], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("metrics") / "split.json"
    path.write_text(json.dumps({"sizes": built[1]}), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def clean_report(built: tuple[Path, dict], params: Params) -> Report:
    """The undamaged seed validated in-process with every suite and the recorded sizes."""
    return validate(built[0], SEED, expected_sizes=built[1], params=params)


def damaged_copy(built: tuple[Path, dict], tmp_path: Path, damage: Damage, params: Params) -> Path:
    ds = tmp_path / "dataset"
    shutil.copytree(built[0], ds)
    damage(ds, params)
    return ds


def failed(report: Report, pattern: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for name in report.failures)


def cli(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([SCRIPT, "validate", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")


# --------------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------------

def test_undamaged_seed_passes_every_suite_and_check(clean_report: Report) -> None:
    """The guard must not cry wolf: the built seed passes all of it, row counts included."""
    report = clean_report
    assert report.ok, report.lines()
    suites = {name for name, e in report.entries.items() if e.layer == "gx"}
    assert suites == {f"{c}.{s}" for c in paths.CONFIGS for s in paths.splits_of(c)}
    assert not report.skipped
    assert all(f"{s}.row_count" in report.checked for s in suites)


def test_without_sizes_the_row_counts_are_skipped_and_said_so(built: tuple[Path, dict], params: Params) -> None:
    report = validate(built[0], params=params, suites=("documents",))
    assert report.ok, report.lines()
    assert "row_count" in report.skipped and "ledger.raw_sha256" in report.skipped
    assert not any(c.endswith(".row_count") for c in report.checked)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_damage_is_caught_by_its_check(case: Case, built: tuple[Path, dict], tmp_path: Path, params: Params) -> None:
    """Each damage makes validate fail and name the check that guards against it."""
    ds = damaged_copy(built, tmp_path, case.damage, params)
    report = validate(ds, SEED, expected_sizes=built[1], params=params, suites=case.suites or False)
    assert not report.ok
    missing = [name for name in case.expect if not failed(report, name)]
    assert not missing, f"{missing} did not fail; failures: {sorted(report.failures)}"


GX_CASES = [c for c in CASES if c.suites]


@pytest.mark.parametrize("case", GX_CASES, ids=[c.id for c in GX_CASES])
def test_suites_in_row_batches_equal_whole_splits(
    case: Case, built: tuple[Path, dict], tmp_path: Path, params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large split is validated a batch of rows at a time (the row-wise expectations) plus one
    run on the columns of the others; on every damage the suites report exactly what one run
    on the whole split reports (counts, totals, first offending values), batch edges included."""
    ds = damaged_copy(built, tmp_path, case.damage, params)
    whole = run_suites(ds, params, built[1], None, case.suites)
    batched_splits: list[Path] = []
    in_batches = expectations._run_in_batches
    monkeypatch.setattr(expectations, "BATCH_ROWS", 4 if case.suites == D else 29)  # the seed has 13 documents
    monkeypatch.setattr(expectations, "BATCH_TEXT_BYTES", 2_000)  # and a few batches cut by their text
    monkeypatch.setattr(expectations, "_run_in_batches", lambda run, path, *a: batched_splits.append(path) or in_batches(run, path, *a))
    batched = run_suites(ds, params, built[1], None, case.suites)
    assert any(r.failures for r in whole)
    assert batched == whole
    assert any(p.name.startswith("train-") or p.name.startswith("full-") for p in batched_splits)


@pytest.mark.parametrize("case", GX_CASES, ids=[c.id for c in GX_CASES])
def test_verdicts_first_then_details_equal_details_for_every_check(
    case: Case, built: tuple[Path, dict], tmp_path: Path, params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checks run for their verdict alone and the failed ones again for their counts and
    examples: the report is exactly the one of every check run with counts and examples."""
    ds = damaged_copy(built, tmp_path, case.damage, params)
    quick = run_suites(ds, params, built[1], None, case.suites)
    monkeypatch.setattr(expectations, "VERDICT_FORMAT", expectations.RESULT_FORMAT)
    detailed = run_suites(ds, params, built[1], None, case.suites)
    assert any(r.failures for r in quick)
    assert quick == detailed
    assert all(f.count is not None or f.observed is not None for r in quick for f in r.failures)  # details, not just verdicts


def test_suites_leave_out_gx_batch_fingerprints(built: tuple[Path, dict], params: Params, monkeypatch: pytest.MonkeyPatch) -> None:
    """GX's pandas engine would hash every frame for a batch marker nothing reads; run_suites
    turns that off while it runs (and only then)."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    def hashed(df: Any) -> str:
        raise AssertionError("GX fingerprinted a frame")

    monkeypatch.setattr(engine, "hash_pandas_dataframe", hashed)
    threshold = engine.HASH_THRESHOLD
    results = run_suites(built[0], params, built[1], None, ("lines",))
    assert results and not any(r.failures for r in results)
    assert engine.HASH_THRESHOLD == threshold


def test_derived_columns_equal_their_definitions_on_python_values() -> None:
    """The derivations run in pyarrow and numpy; each equals its definition in the suite file
    computed on Python values, nulls included."""
    import datetime as dt

    def frame(config: str, table: pa.Table) -> dict[str, list[Any]]:
        spec = load_suite(config)
        named = set(expectations.DERIVED[config][0])
        return expectations._frame(table, spec, named).to_dict("list")

    texts = ["حلب abc", None, "", "ـــ دمشق ی"]
    got = frame("paragraphs", pa.table({"text": texts, "source_lines": [[1, 2], None, [], [7]]}))
    assert got == {
        "arabic_letter_share": [expectations.arabic_letter_share(t) for t in texts],
        "n_source_lines": [2, 0, 0, 1],
        "text_chars": [7, 0, 0, 10],
    }
    got = frame("sentences", pa.table({"char_start": [0, 5], "char_end": [4, 9], "text": ["abcd", None]}))
    assert got == {"span_chars": [4, 4], "text_chars": [4, 0]}
    got = frame("documents", pa.table({"date": ["2024-12-08", None, "8 December"]}))
    assert got == {"date_value": [dt.date(2024, 12, 8), None, dt.date.min]}
    got = frame("lines", pa.table({"byte_end": pa.array([10, 25, 40], pa.int64())}))
    assert got == {"prev_byte_end": [-1, 10, 25]}


def test_row_batches_lead_with_the_row_before(tmp_path: Path) -> None:
    """Derived columns may read a row's predecessor (lines' prev_byte_end): each batch after the
    first starts with the last row of the batch before, across row groups too."""
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": list(range(10)), "b": list("abcdefghij")}), path, row_group_size=4)
    batches = [t.to_pydict() for t in expectations._row_batches(path, {"a"}, 3, 1 << 20)]
    assert batches == [{"a": [0, 1, 2]}, {"a": [2, 3, 4, 5]}, {"a": [5, 6, 7, 8]}, {"a": [8, 9]}]  # filled across groups of 4


def test_row_batches_fill_across_row_groups_by_text_bytes(tmp_path: Path) -> None:
    """Groups join while rows and text fit; a row larger than a batch is one alone; a file
    without rows is one empty batch."""
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": list(range(6)), "text": ["ab", "c", "d", "efghijk", "l", "m"]}), path, row_group_size=2)
    batches = [t.column("id").to_pylist() for t in expectations._row_batches(path, {"id", "text"}, 100, 4)]
    assert batches == [[0, 1, 2], [2, 3], [3, 4, 5]]  # 2+1+1 bytes, then 7 alone, then 1+1
    pq.write_table(pa.table({"id": pa.array([], pa.int64()), "text": pa.array([], pa.string())}), path)
    assert [t.num_rows for t in expectations._row_batches(path, {"id", "text"}, 100, 4)] == [0]


def test_row_batches_bounded_by_text_bytes(tmp_path: Path) -> None:
    """A batch closes before the row that would take its text past the byte bound (a batch holds
    at least one row), and the lead row does not count."""
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": list(range(5)), "text": ["ab", "cde", "f", "ghij", "k"]}), path)
    batches = [t.column("id").to_pylist() for t in expectations._row_batches(path, {"id", "text"}, 100, 5)]
    assert batches == [[0, 1], [1, 2, 3], [3, 4]]  # texts of 2+3, 1+4 and 1 bytes


def test_split_batched_when_its_text_is_larger_than_a_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"id": list(range(3)), "text": ["x" * 100] * 3}), path)
    meta = pq.ParquetFile(path).metadata
    assert not expectations._batched(meta)
    monkeypatch.setattr(expectations, "BATCH_TEXT_BYTES", 200)
    assert expectations._batched(meta)


def test_every_expectation_and_check_has_a_damage_case(built: tuple[Path, dict], params: Params) -> None:
    """Proof they bite is only complete if no suite entry or plain check lacks a case above."""
    covered = {name for case in CASES for name in case.expect}
    gx = {f"{c}.{paths.splits_of(c)[0]}.{e.check}" for c in paths.CONFIGS for e in load_suite(c).expectations}
    plain = set(validate(built[0], SEED, params=params, suites=False).checked)
    assert gx - covered == set()
    assert plain - covered == set()


def test_cli_fails_names_the_check_and_writes_a_stable_summary(
    built: tuple[Path, dict], metrics_file: Path, tmp_path: Path, params: Params, clean_report: Report
) -> None:
    """The console script, as `dvc repro` runs it: a table on stdout, failures on stderr, exit 1,
    and a summary byte-identical to another run's (so metrics/validation.json does not churn):
    the CLI's and the in-process run's, in two processes and two working directories."""
    damaged = {c.id: damaged_copy(built, tmp_path / c.id, c.damage, params)
               for c in CASES if c.id in ("persian_yeh", "ledger_row_dropped")}
    common = ["--source", str(SEED), "--metrics", str(metrics_file)]
    runs = {
        "clean": cli(str(built[0]), *common, "--summary", str(tmp_path / "s1.json"), cwd=tmp_path),
        **{name: cli(str(ds), *common, "--summary", str(tmp_path / f"{name}.json"), cwd=tmp_path) for name, ds in damaged.items()},
    }
    out = {name: (p.wait(timeout=180), *p.communicate()) for name, p in runs.items()}

    code, stdout, stderr = out["clean"]
    assert code == 0, stderr
    assert "checks passed" in stdout and "paragraphs.train" in stdout
    assert stderr == ""  # GX progress bars and logs stay off
    s1 = (tmp_path / "s1.json").read_bytes()
    assert s1 == clean_report.summary_json().encode("utf-8")
    summary = json.loads(s1)
    assert summary["ok"] and summary["failed"] == 0 and summary["skipped"] == {}
    assert summary["suites"]["paragraphs.train"]["expectations"] == len(load_suite("paragraphs").expectations)
    assert str(tmp_path) not in s1.decode() and str(paths.ROOT) not in s1.decode()

    expected = {"persian_yeh": ("paragraphs.train.text_no_forbidden_chars", "clean_text.paragraphs"),
                "ledger_row_dropped": ("lines.full.row_count", "ledger.contiguous")}
    for name, checks in expected.items():
        code, stdout, stderr = out[name]
        assert code == 1, stdout + stderr
        assert "Traceback" not in stderr and "checks passed" not in stdout
        bad = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        assert not bad["ok"]
        for check in checks:
            assert check in stdout and check in stderr
            assert any(check in s["failures"] for s in bad["suites"].values())


def test_data_docs_are_built_offline(built: tuple[Path, dict], tmp_path: Path, params: Params) -> None:
    """--docs writes a static GX site (pages for the suites and their validation results)."""
    docs = tmp_path / "docs"
    report = validate(built[0], params=params, docs_dir=docs, suites=("documents",))
    assert report.ok, report.lines()
    assert (docs / "index.html").is_file()
    assert (docs / "expectations" / "documents" / "train.html").is_file()
    assert list((docs / "validations" / "documents" / "train").rglob("*.html"))


# --------------------------------------------------------------------------------------------
# the vectorised helpers equal their per-character references
# --------------------------------------------------------------------------------------------

def test_forbidden_table_equals_the_regex() -> None:
    import numpy as np

    from syria_news_ar.clean import FORBIDDEN_IN_CLEAN
    from syria_news_ar.validate import forbidden_table

    regex = re.compile(FORBIDDEN_IN_CLEAN)
    reference = np.fromiter((regex.match(chr(c)) is not None for c in range(0x110000)), dtype=bool, count=0x110000)
    assert (forbidden_table() == reference).all()


def dirty_reference(text: str | None) -> bool:
    """The clean-text verdict, line by line in Python: what dirty_texts_and_key_hashes computes."""
    from syria_news_ar.clean import FORBIDDEN_IN_CLEAN

    forbidden = re.compile(FORBIDDEN_IN_CLEAN)
    return any(t == "" or "  " in t or t[0] == " " or t[-1] == " " or forbidden.search(t) is not None for t in (text or "").split("\n"))


def test_dirty_texts_exact() -> None:
    from syria_news_ar.validate import dirty_texts_and_key_hashes

    lines = ["نص نظيف", "نص  مزدوج", " حافة", "حافة ", "", "المقیم", "نص\u200bخفي", "لـ \"إدارة\""]
    assert dirty_texts_and_key_hashes(pa.array(lines))[0].tolist() == [False, True, True, True, True, True, True, False]
    texts = ["سطر\nسطر", "سطر\n", "\nسطر", "سطر\n\nسطر", "سطر \nسطر", "", None, "نظيف"]
    assert dirty_texts_and_key_hashes(pa.array(texts))[0].tolist() == [False, True, True, True, True, True, True, False]


LINE_CHARS = st.one_of(st.sampled_from(" \tabبيی\u200b\u00a0\u0640\n"), st.characters(blacklist_categories=("Cs",)))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.text(LINE_CHARS, max_size=10)), max_size=20),
    st.integers(0, 20), st.integers(1, 40), st.booleans(),
)
def test_dirty_texts_and_key_hashes_equal_the_references(texts: list[str | None], cut: int, slice_bytes: int, chunked: bool) -> None:
    """Any column (sliced or chunked, nulls, slices of any size): each text's verdict is the
    reference's, line by line, and its hash the one clean.arrow_key_hashes gives its key."""
    from syria_news_ar import validate as validate_mod
    from syria_news_ar.clean import arrow_key_hashes, normalized_key

    array = pa.array(texts, type=pa.string()).slice(min(cut, len(texts)) // 3)
    column = pa.chunked_array([array.slice(0, cut), array.slice(cut)], type=pa.string()) if chunked else array
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validate_mod, "BATCH_BYTES", slice_bytes)
        dirty, hashes = validate_mod.dirty_texts_and_key_hashes(column)
    assert dirty.tolist() == [dirty_reference(t) for t in array.to_pylist()]
    assert hashes.tolist() == arrow_key_hashes(array).tolist()
    keys = [normalized_key(t or "") for t in array.to_pylist()]
    assert all((hashes[i] == hashes[j]) == (keys[i] == keys[j]) for i in range(len(keys)) for j in range(len(keys)))


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({
    config: st.fixed_dictionaries({split: st.lists(st.sampled_from(["حلب", "حلب،", "إدلب", "ادلب ", "دمشق", "x"]), max_size=6)
                                   for split in paths.SPLITS})
    for config in ("paragraphs", "sentences", "documents")
}))
def test_keys_in_two_splits_equal_the_reference(texts) -> None:
    """Holding only the key hashes outside the largest split finds the same keys in the same
    order as a map of every key to its splits, also when every hash collides."""
    from collections import defaultdict

    from syria_news_ar.clean import normalized_key
    from syria_news_ar.validate import SplitTexts, keys_in_two_splits

    configs = ("paragraphs", "sentences", "documents")
    splits_of_key: dict[str, set[str]] = defaultdict(set)
    for config in configs:
        for split in paths.SPLITS:
            for text in texts[config][split]:
                splits_of_key[normalized_key(text)].add(split)
    tables = {c: {s: pa.table({"text": pa.array(texts[c][s], pa.string())}) for s in paths.SPLITS} for c in configs}
    streamed = {c: {s: SplitTexts.of_tables([t.slice(0, 2), t.slice(2)]) for s, t in splits.items()} for c, splits in tables.items()}
    expected = [k for k, s in splits_of_key.items() if len(s) > 1]
    assert keys_in_two_splits(streamed) == expected
    with pytest.MonkeyPatch.context() as patch:  # every text's hash collides: the keys still decide
        patch.setattr(validate_mod, "arrow_key_hashes", lambda texts: np.full(len(texts), 7, dtype=np.uint64))
        assert keys_in_two_splits(streamed) == expected


def test_the_ledger_is_checked_against_the_source_chunk_by_chunk(built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the source read a few lines at a time (ingest.SPAN_CHUNK_BYTES), a wrong hash or span
    in any chunk is found at its line, and a source line beyond the ledger is counted."""
    import syria_news_ar.ingest as ingest_mod
    from syria_news_ar.validate import CHECK_COLUMNS, Report, check_ledger, load_tables

    ds = tmp_path / "ds"
    shutil.copytree(built[0], ds)
    rows = read(ds, "lines", "full")
    rows[150]["raw_sha256"] = "0" * 64
    rows[260]["byte_end"] += 1
    write(ds, "lines", "full", rows)
    monkeypatch.setattr(ingest_mod, "SPAN_CHUNK_BYTES", 1000)
    tables = load_tables(ds, CHECK_COLUMNS[check_ledger])
    report = Report()
    check_ledger(report, tables, SEED)
    assert report.failures.keys() == {"ledger.raw_sha256", "ledger.byte_spans"}
    examples = {f.check: f.examples for f in report.entries["ledger.raw_sha256"].failures + report.entries["ledger.byte_spans"].failures}
    assert examples == {"ledger.raw_sha256": [151, 261], "ledger.byte_spans": [262]}  # line 261 now overlaps the next
    longer = tmp_path / "longer.txt"
    data = SEED.read_bytes()
    longer.write_bytes(data + (b"" if data.endswith(b"\n") else b"\n") + "سطر زائد\n".encode())
    report = Report()
    check_ledger(report, load_tables(built[0], CHECK_COLUMNS[check_ledger]), longer)
    assert report.failures.keys() == {"ledger.covers_source"}


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.sampled_from(paths.SPLITS), st.lists(st.lists(st.sampled_from(["حلب", "حلب  ادلب", " x", None, "ی"]), max_size=4), max_size=3)),
    st.sets(st.tuples(st.sampled_from(paths.SPLITS), st.integers(0, 2))),
)
def test_watched_texts_whatever_the_passes_read_before(groups, read_before) -> None:
    """WatchedTexts gives dirty_texts_and_key_hashes' rows and arrow_key_hashes over all splits, whichever
    row groups the other passes read (each as often as they like) and in any order; rows() and
    the hashes read only the groups none of them did, and hashes taken are made anew."""
    from syria_news_ar.clean import arrow_key_hashes
    from syria_news_ar.validate import SplitTexts, WatchedTexts, _key_hashes, dirty_texts_and_key_hashes

    reads: list[tuple[str, int]] = []

    def split_of(name: str, parts: list[list[str | None]]) -> SplitTexts:
        tables = [pa.table({"text": pa.array(p, pa.string())}) for p in parts]
        return SplitTexts(tuple(t.num_rows for t in tables), lambda g: (reads.append((name, g)), tables[g])[1])

    watched = WatchedTexts({name: split_of(name, parts) for name, parts in groups.items()})
    for name, g in sorted(read_before):
        if name in groups and g < len(groups[name]):
            watched.splits[name].read_group(g)
            watched.splits[name].read_group(g)
    before = len(reads)
    every = [t for parts in groups.values() for part in parts for t in part]
    assert watched.rows().tolist() == np.flatnonzero(dirty_texts_and_key_hashes(pa.array(every, pa.string()))[0]).tolist()
    unread = {(n, g) for n, parts in groups.items() for g in range(len(parts))} - set(reads[:before])
    assert sorted(reads[before:]) == sorted(unread)
    after = len(reads)
    for name, parts in groups.items():
        texts = pa.array([t for part in parts for t in part], pa.string())
        assert _key_hashes(watched.splits[name]).tolist() == arrow_key_hashes(texts).tolist()
        assert len(reads) == after  # every group was read, so hashed, before
        assert _key_hashes(watched.splits[name]).tolist() == arrow_key_hashes(texts).tolist()  # taken: made anew
        after = len(reads)


def test_keys_at_reads_only_the_row_groups_holding_the_rows() -> None:
    from syria_news_ar.clean import normalized_key
    from syria_news_ar.validate import SplitTexts, _keys_at

    tables = [pa.table({"text": pa.array(texts, pa.string())}) for texts in (["حلب،", "ادلب"], ["x"], ["دمشق  ", "حماة!"])]
    reads: list[int] = []
    split = SplitTexts((2, 1, 2), lambda g: (reads.append(g), tables[g])[1])
    assert _keys_at(split, np.array([], dtype=np.int64)) == [] and reads == []
    assert _keys_at(split, np.array([1, 3, 4])) == [normalized_key(t) for t in ("ادلب", "دمشق  ", "حماة!")] and reads == [0, 2]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=6)), max_size=4), max_size=4), min_size=1, max_size=3),
    st.lists(st.lists(st.integers(0, 40), max_size=8), max_size=6),
)
def test_paragraph_texts_of_any_records_in_any_order(splits, fetches) -> None:
    """ParagraphTexts reads row groups back from the files as fetched (keeping those read last, up
    to CACHE_BYTES): any order of records, across groups and splits, gives every record's text (a
    null as ""), whether it holds every group or only the last one read."""
    from syria_news_ar.validate import ParagraphTexts, SplitTexts

    every = [t for groups in splits for group in groups for t in group]
    for cache_bytes in (ParagraphTexts.CACHE_BYTES, 0):  # every group held, or only the last read
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(ParagraphTexts, "CACHE_BYTES", cache_bytes)
            texts = ParagraphTexts([SplitTexts.of_tables([pa.table({"text": pa.array(g, pa.string())}) for g in groups]) for groups in splits])
            assert texts.lengths().tolist() == [len(t or "") for t in every]
            for wanted in fetches:
                records = [r for r in wanted if r < len(every)]
                offsets, utf8, which = texts.texts_of(np.asarray(records + [-1], dtype=np.int64))
                got = [utf8[offsets[w] : offsets[w + 1]].tobytes().decode() for w in which[:-1].tolist()]
                assert got == [every[r] or "" for r in records]
                assert which[-1] == -1 and len(offsets) - 1 == len(set(records))  # each text once
            assert len(texts.cache) == 1 or sum(t.nbytes for t in texts.cache.values()) <= cache_bytes


SHARE_ALPHABET = [*"حلبإدلبىةیک", *"\u064e\u0670ـ٠١ ،.", *"abcé²Ⅻ½ªµ", *"\u066e\u06ff\u0750\ufe8d"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(), st.text(alphabet=st.sampled_from(SHARE_ALPHABET), max_size=12)), max_size=20))
def test_arabic_letter_shares_equal_the_reference(texts) -> None:
    from syria_news_ar.expectations import arabic_letter_share, arabic_letter_shares

    assert arabic_letter_shares(pa.array(texts, pa.string())).tolist() == [arabic_letter_share(t) for t in texts]


def test_arabic_letter_shares_examples_and_every_code_point() -> None:
    """Exact shares where the gate sends a text to the count and where it does not, and every
    code point beside an Arabic letter: the same share as the reference."""
    from syria_news_ar.expectations import arabic_letter_share, arabic_letter_shares

    texts = ["حلب", "حلب ١٢ ،.", "ب²", "abc", "حلبx", "ـ", "", None, "ﺍ", "ٮ"]
    assert arabic_letter_shares(pa.array(texts, pa.string())).tolist() == [1.0, 1.0, 1.0, 0.0, 0.75, 0.0, 0.0, 0.0, 0.0, 0.0]
    framed = [f"ب{chr(cp)}" for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    got = arabic_letter_shares(pa.array(framed, pa.string()))
    assert got.tolist() == [arabic_letter_share(t) for t in framed]


LEDGER_TYPES = {"line_number": pa.int64(), "status": pa.string(), "paragraph_id": pa.string(), "reason": pa.string()}


def _ledger_table(rows: list[tuple[int, str | None, str | None, str | None]]) -> pa.Table:
    columns = list(zip(*rows)) if rows else [[] for _ in LEDGER_TYPES]
    return pa.table({name: pa.array(list(col), type=t) for (name, t), col in zip(LEDGER_TYPES.items(), columns)})


def _paragraph_splits(ids: list[str], listed: list[list[int]], cuts: list[int]) -> list[pa.Table]:
    table = pa.table({"id": pa.array(ids, pa.string()), "source_lines": pa.array(listed, pa.list_(pa.int64()))})
    bounds = [0, *sorted(min(c, len(ids)) for c in cuts), len(ids)]
    return [table.slice(a, b - a) for a, b in zip(bounds, bounds[1:])]


@settings(max_examples=300, deadline=None)
@given(
    n_pars=st.integers(0, 6),
    listed=st.lists(st.lists(st.integers(-1, 8), max_size=4), min_size=6, max_size=6),
    rows=st.lists(st.tuples(st.integers(-1, 8), st.sampled_from(["kept", "duplicate", "blank", "rejected", "other", None]),
                            st.sampled_from([None, "p0", "p1", "p2", "p3", "p4", "p5", "p9"]), st.sampled_from([None, "r"])), max_size=12),
    cuts=st.lists(st.integers(0, 6), max_size=2),
)
def test_ledger_offenders_in_arrow_are_those_of_the_row_by_row_check(n_pars, listed, rows, cuts) -> None:
    """The vectorised ledger.status / ledger.source_lines check (used at scale) names exactly the
    rows and paragraphs the row-by-row one names, damage included: unknown, missing or wrong
    paragraphs, repeated or foreign lines, reasons, statuses, empty source_lines."""
    from syria_news_ar.validate import _arrow_ledger_ok, _ledger_offenders, _ledger_offenders_arrow

    pars = _paragraph_splits([f"p{i}" for i in range(n_pars)], listed[:n_pars], cuts)
    lines = _ledger_table(rows)
    assert _arrow_ledger_ok(lines, pars)
    assert _ledger_offenders_arrow(lines, pars) == _ledger_offenders(lines, pars)


def test_ledger_check_falls_back_to_row_by_row_where_arrow_would_differ() -> None:
    """Repeated paragraph ids (the last record's lines count), null line numbers or listed lines,
    other types: the row-by-row check runs there."""
    from syria_news_ar.validate import _arrow_ledger_ok

    lines = _ledger_table([(1, "kept", "p0", None)])
    assert _arrow_ledger_ok(lines, _paragraph_splits(["p0"], [[1]], []))
    assert not _arrow_ledger_ok(lines, _paragraph_splits(["p0", "p0"], [[1], [2]], [1]))
    assert not _arrow_ledger_ok(lines, _paragraph_splits(["p0"], [[None]], []))
    assert not _arrow_ledger_ok(_ledger_table([(None, "kept", "p0", None)]), _paragraph_splits(["p0"], [[1]], []))
    assert not _arrow_ledger_ok(lines.set_column(0, "line_number", pa.array([1], pa.int32())), _paragraph_splits(["p0"], [[1]], []))
    assert not _arrow_ledger_ok(lines, _paragraph_splits(["p0"], [[2**62]], []))


MAYBE = st.sampled_from


def _split_tables(columns: dict[str, tuple[pa.DataType, list[Any]]], cut: int) -> list[pa.Table]:
    table = pa.table({name: pa.array(values, type=t) for name, (t, values) in columns.items()})
    cut = min(cut, table.num_rows)
    return [table.slice(0, cut), table.slice(cut)]


@settings(max_examples=300, deadline=None)
@given(
    pars=st.lists(st.tuples(MAYBE(["a", "b", "c", None]), MAYBE(["d0", "d1", "d9", None]), MAYBE(["a", "b", "z", None])), max_size=6),
    sents=st.lists(st.tuples(MAYBE(["s0", "s1", "s2"]), MAYBE(["a", "b", "c", "q", None]), MAYBE(["d0", "d1", "d9", None])), max_size=6),
    docs=st.lists(st.tuples(MAYBE(["d0", "d1", "d2", None]), st.lists(MAYBE(["a", "b", "q", None]), max_size=3), MAYBE([0, 1, 2, 3, None])), max_size=5),
    lines=st.lists(st.tuples(MAYBE(["a", "b", "q", None]), MAYBE(["d0", "d1", "d9", None])), max_size=6),
    cut=st.integers(0, 6),
)
def test_reference_offenders_in_arrow_are_those_of_the_row_by_row_check(pars, sents, docs, lines, cut) -> None:
    """The vectorised refs.* checks (used at scale) name exactly what the row-by-row ones name:
    repeated ids (the last record counts), nulls, dangling and wrong references, in their order."""
    from syria_news_ar.validate import _arrow_references_ok, _reference_offenders, _reference_offenders_arrow

    s, l = pa.string(), pa.list_(pa.string())
    tables = {
        "paragraphs": _split_tables({"id": (s, [p[0] for p in pars]), "document_id": (s, [p[1] for p in pars]),
                                     "near_duplicate_cluster": (s, [p[2] for p in pars])}, cut),
        "sentences": _split_tables({"id": (s, [x[0] for x in sents]), "paragraph_id": (s, [x[1] for x in sents]),
                                    "document_id": (s, [x[2] for x in sents])}, cut),
        "documents": _split_tables({"id": (s, [d[0] for d in docs]), "paragraph_ids": (l, [d[1] for d in docs]),
                                    "n_paragraphs": (pa.int64(), [d[2] for d in docs])}, cut),
        "lines": _split_tables({"line_number": (pa.int64(), list(range(1, len(lines) + 1))), "paragraph_id": (s, [x[0] for x in lines]),
                                "document_id": (s, [x[1] for x in lines])}, 99),
    }
    assert _arrow_references_ok(tables)
    assert _reference_offenders_arrow(tables) == _reference_offenders(tables)


def test_reference_check_falls_back_to_row_by_row_on_other_types_or_null_lists() -> None:
    from syria_news_ar.validate import _arrow_references_ok

    s = pa.string()
    tables = {
        "paragraphs": _split_tables({"id": (s, ["a"]), "document_id": (s, ["d"]), "near_duplicate_cluster": (s, ["a"])}, 1),
        "sentences": _split_tables({"id": (s, []), "paragraph_id": (s, []), "document_id": (s, [])}, 0),
        "documents": _split_tables({"id": (s, ["d"]), "paragraph_ids": (pa.list_(s), [["a"]]), "n_paragraphs": (pa.int64(), [1])}, 1),
        "lines": _split_tables({"line_number": (pa.int64(), [1]), "paragraph_id": (s, ["a"]), "document_id": (s, ["d"])}, 1),
    }
    assert _arrow_references_ok(tables)
    assert not _arrow_references_ok({**tables, "documents": _split_tables(
        {"id": (s, ["d"]), "paragraph_ids": (pa.list_(s), [None]), "n_paragraphs": (pa.int64(), [1])}, 1)})
    assert not _arrow_references_ok({**tables, "documents": _split_tables(
        {"id": (s, ["d"]), "paragraph_ids": (pa.list_(s), [["a"]]), "n_paragraphs": (pa.int32(), [1])}, 1)})


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(paths.SPLITS), st.sampled_from("abcde"), st.sampled_from("xyz")), max_size=12),
    st.lists(st.tuples(st.sampled_from(paths.SPLITS), st.lists(st.sampled_from("abcdef"), max_size=4)), max_size=8),
    st.sampled_from([paths.SPLITS, paths.SPLITS[:2]]),
)
def test_group_offenders_in_arrow_are_those_of_the_row_by_row_check(pars, docs, par_splits) -> None:
    """Clusters in two splits and documents listing a paragraph elsewhere (or nowhere): repeated
    paragraph ids (the last record's split counts), empty splits, a split without paragraphs."""
    from syria_news_ar.validate import _arrow_groups_ok, _group_offenders, _group_offenders_arrow

    par_tables = {s: pa.table({"id": pa.array([p for sp, p, _ in pars if sp == s], pa.string()),
                               "near_duplicate_cluster": pa.array([c for sp, _, c in pars if sp == s], pa.string())}) for s in par_splits}
    doc_tables = {s: pa.table({"id": pa.array([f"d{i}" for i, (sp, _) in enumerate(docs) if sp == s], pa.string()),
                               "paragraph_ids": pa.array([ps for sp, ps in docs if sp == s], pa.list_(pa.string()))}) for s in paths.SPLITS}
    assert _arrow_groups_ok(par_tables, doc_tables)
    assert _group_offenders_arrow(par_tables, doc_tables) == _group_offenders(par_tables, doc_tables)


def test_group_check_falls_back_to_row_by_row_on_nulls_or_other_types() -> None:
    from syria_news_ar.validate import _arrow_groups_ok

    pars = {"train": pa.table({"id": pa.array(["a"]), "near_duplicate_cluster": pa.array(["a"])})}
    docs = {"train": pa.table({"id": pa.array(["d"]), "paragraph_ids": pa.array([["a"]], pa.list_(pa.string()))})}
    assert _arrow_groups_ok(pars, docs)
    assert not _arrow_groups_ok({"train": pars["train"].set_column(1, "near_duplicate_cluster", pa.array([None], pa.string()))}, docs)
    assert not _arrow_groups_ok(pars, {"train": docs["train"].set_column(1, "paragraph_ids", pa.array([["a", None]], pa.list_(pa.string())))})
    assert not _arrow_groups_ok(pars, {"train": docs["train"].set_column(1, "paragraph_ids", pa.array([None], pa.list_(pa.string())))})
    assert not _arrow_groups_ok({"train": pars["train"].set_column(0, "id", pa.array([1]))}, docs)


def test_the_reference_validator_checks_every_row_of_a_small_config_and_n_evenly_spaced_rows_of_a_large_one(params) -> None:
    from dataclasses import replace

    from syria_news_ar.validate import sampled_rows

    p = replace(params.validate, jsonschema_all_records_up_to=10, jsonschema_sample_records=4)
    assert sampled_rows(10, p).tolist() == list(range(10))
    assert sampled_rows(11, p).tolist() == [0, 2, 5, 8]
    assert sampled_rows(5647, replace(p, jsonschema_sample_records=2000)).size == 2000
    rows = sampled_rows(5647, replace(p, jsonschema_sample_records=2000))
    assert (np.diff(rows) >= 2).all() and (np.diff(rows) <= 3).all() and rows[-1] < 5647
    assert sampled_rows(0, p).tolist() == []

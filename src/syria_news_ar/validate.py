"""Step 5, validate: every record against its JSON Schema, the cross-file invariants, then the
Great Expectations suites of validation/ (expectations.py), all reported in one table.

Each check has a name; a failure is reported as "<check>: <what> (<a few offending values>)" so
a reader knows which guarantee broke and where to look. A GX suite is one config on one split
(`paragraphs.train`); its expectations are named `<suite>.<check>` (`paragraphs.train.id_unique`).
Plain checks cover what GX cannot express: other files (the source, other configs, other splits).
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from jsonschema import Draft202012Validator

from . import params as params_mod
from . import paths, schema
from .clean import FORBIDDEN_IN_CLEAN, normalized_key
from .errors import BadInputError
from .expectations import MAX_EXAMPLES, Failure, SuiteResult, json_safe
from .ingest import iter_raw_lines
from .letters import count_per_text
from .schema_check import violations
from .write import read_split

NO_SOURCE = "not checked: no source given (--source)"


@dataclass
class Entry:
    """One row of the table: a GX suite on one split (layer "gx") or one plain check ("check")."""

    name: str
    layer: str
    checks: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


@dataclass
class Report:
    """Both layers' results: `checked` names every check run (plain checks and `<suite>.<check>`),
    `failures` maps a failed one to its messages, `entries` are the table's rows."""

    checked: list[str] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # check (no suite prefix when all suites) -> why
    timings_s: dict[str, float] = field(default_factory=dict)  # not in the summary: it must not churn

    def check(self, name: str, offenders: Iterable[Any], what: str) -> None:
        """Record plain check `name`; it fails when `offenders` is non-empty."""
        self.checked.append(name)
        entry = self.entries.setdefault(name, Entry(name, "check"))
        entry.checks.append(name)
        bad = list(offenders)
        if bad:
            shown = ", ".join(repr(x) for x in bad[:MAX_EXAMPLES])
            more = f" and {len(bad) - MAX_EXAMPLES} more" if len(bad) > MAX_EXAMPLES else ""
            self.failures.setdefault(name, []).append(f"{len(bad)} {what}: {shown}{more}")
            entry.failures.append(Failure(name, what, len(bad), examples=[json_safe(x) for x in bad[:MAX_EXAMPLES]]))

    def add_suite(self, result: SuiteResult) -> None:
        """Record one GX suite run; each failed expectation is a failure named <suite>.<check>."""
        self.checked.extend(result.checks)
        self.entries[result.name] = Entry(result.name, "gx", list(result.checks), list(result.failures))
        for f in result.failures:
            self.failures.setdefault(f.check, []).append(f.message())
        for note in result.skipped:
            check, why = note.split(": ", 1)
            self.skipped[check] = why

    @property
    def ok(self) -> bool:
        return not self.failures

    def lines(self) -> list[str]:
        return [f"{name}: {msg}" for name, msgs in self.failures.items() for msg in msgs]

    def table(self) -> str:
        """Suites and checks with their counts, then every failure with a few offending values."""
        width = max([len("suite / check"), *(len(n) for n in self.entries)])
        out = [f"{'suite / check':<{width}}  layer  expectations  passed  failed"]
        for e in self.entries.values():
            n, bad = len(e.checks), len(e.failures)
            out.append(f"{e.name:<{width}}  {e.layer:<5}  {n:>12}  {n - bad:>6}  {bad:>6}")
        total, failed = len(self.checked), sum(len(e.failures) for e in self.entries.values())
        out.append(f"{'total':<{width}}  {'':<5}  {total:>12}  {total - failed:>6}  {failed:>6}")
        if self.failures:
            out.append("")
            out.append("failed:")
            out.extend(f"  {line}" for line in self.lines())
        if self.skipped:
            out.append("")
            out.extend(f"skipped {check}: {why}" for check, why in sorted(self.skipped.items()))
        return "\n".join(out)

    def summary(self) -> dict[str, Any]:
        """Deterministic JSON-ready summary (no timestamps, ids or paths): metrics/validation.json."""
        suites: dict[str, Any] = {}
        for e in self.entries.values():
            failures = {}
            for f in e.failures:
                item = {"expectation": f.what, "unexpected": f.count, "rows": f.total, "examples": f.examples, "observed": f.observed}
                failures[f.check] = {k: v for k, v in item.items() if v not in (None, [])}
            n = len(e.checks)
            suites[e.name] = {"layer": e.layer, "expectations": n, "passed": n - len(e.failures), "failed": len(e.failures), "failures": failures}
        failed = sum(s["failed"] for s in suites.values())
        return {"ok": self.ok, "checks": len(self.checked), "failed": failed, "skipped": dict(sorted(self.skipped.items())), "suites": suites}

    def summary_json(self) -> str:
        return json.dumps(self.summary(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


Rows = dict[str, list[dict[str, Any]]]  # split -> records


Tables = dict[str, dict[str, pa.Table]]  # config -> split -> table


def load_tables(out_dir: Path) -> Tables:
    return {config: {split: read_split(out_dir, config, split) for split in paths.splits_of(config)} for config in paths.CONFIGS}



def _all(rows: Rows) -> list[dict[str, Any]]:
    return [r for split in rows.values() for r in split]


def check_schemas(report: Report, tables: Tables, data: dict[str, Rows], params: params_mod.ValidateParams) -> None:
    """Every record column-wise (schema_check), and the reference validator on every record of a
    small config or an evenly spaced sample of a large one (same constraints, two implementations)."""
    for config, rows in data.items():
        bad: list[str] = []
        for split, table in tables[config].items():
            bad += [f"{split} {v}" for v in violations(config, table)]
        validator = Draft202012Validator(schema.load(config))
        total = sum(len(r) for r in rows.values())
        step = 1 if total <= params.jsonschema_all_records_up_to else max(1, total // params.jsonschema_sample_records)
        for split, records in rows.items():
            for r in records[::step]:
                for err in validator.iter_errors(r):
                    path = "/".join(map(str, err.absolute_path))
                    bad.append(f"{split} id={r.get('id', r.get('line_number'))} {path}: {err.message[:80]}")
        report.check(f"schema.{config}", bad, "records break the JSON Schema")


def check_ids_and_references(report: Report, data: dict[str, Rows]) -> None:
    for config in ("paragraphs", "sentences", "documents"):
        ids = [r["id"] for r in _all(data[config])]
        report.check(f"unique_ids.{config}", sorted({i for i in ids if ids.count(i) > 1}) if len(ids) != len(set(ids)) else [], "ids repeat")
    paragraphs = {r["id"]: r for r in _all(data["paragraphs"])}
    documents = {r["id"]: r for r in _all(data["documents"])}
    report.check("refs.paragraph_document", [p["id"] for p in paragraphs.values() if p["document_id"] not in documents], "paragraphs name a missing document")
    report.check(
        "refs.sentence_paragraph",
        [s["id"] for s in _all(data["sentences"]) if s["paragraph_id"] not in paragraphs or paragraphs[s["paragraph_id"]]["document_id"] != s["document_id"]],
        "sentences name a missing paragraph or the wrong document",
    )
    report.check(
        "refs.document_paragraphs",
        [d["id"] for d in documents.values() if any(p not in paragraphs for p in d["paragraph_ids"]) or d["n_paragraphs"] != len(d["paragraph_ids"])],
        "documents list a missing paragraph or a wrong n_paragraphs",
    )
    report.check(
        "refs.cluster",
        [p["id"] for p in paragraphs.values() if p["near_duplicate_cluster"] not in paragraphs],
        "paragraphs name a cluster that is not a paragraph id",
    )
    report.check(
        "refs.lines",
        [l["line_number"] for l in _all(data["lines"]) if (l["paragraph_id"] is not None and l["paragraph_id"] not in paragraphs) or (l["document_id"] is not None and l["document_id"] not in documents)],
        "ledger rows name a missing paragraph or document",
    )


def check_ledger(report: Report, data: dict[str, Rows], source: Path | None) -> None:
    lines = data["lines"][paths.LINES_SPLIT]
    report.check("ledger.contiguous", [l["line_number"] for i, l in enumerate(lines, 1) if l["line_number"] != i][:1], "rows out of order or missing (first shown)")
    paragraphs = {r["id"]: r for r in _all(data["paragraphs"])}
    bad_status = []
    for l in lines:
        st, pid = l["status"], l["paragraph_id"]
        if st in ("kept", "duplicate"):
            p = paragraphs.get(pid)
            if p is None or l["reason"] is not None or l["line_number"] not in p["source_lines"] or (st == "kept") != (p["source_lines"][0] == l["line_number"]):
                bad_status.append(l["line_number"])
        elif pid is not None or (st == "rejected") != (l["reason"] is not None):
            bad_status.append(l["line_number"])
        elif st == "blank" and l["reason"] is not None:
            bad_status.append(l["line_number"])
    report.check("ledger.status", bad_status, "ledger rows disagree with the paragraphs (status, paragraph_id, reason)")
    in_ledger = {(l["paragraph_id"], l["line_number"]) for l in lines}
    report.check(
        "ledger.source_lines",
        [p["id"] for p in paragraphs.values() if any((p["id"], n) not in in_ledger for n in p["source_lines"])],
        "paragraphs list source lines the ledger does not give them",
    )
    spans = [(l["byte_start"], l["byte_end"]) for l in lines]
    report.check(
        "ledger.byte_spans",
        [lines[i]["line_number"] for i, (a, b) in enumerate(spans) if a > b or (i and a <= spans[i - 1][1])],
        "byte spans out of order or overlapping",
    )
    if source is None:
        report.skipped.update({"ledger.covers_source": NO_SOURCE, "ledger.raw_sha256": NO_SOURCE})
        return
    raw = list(iter_raw_lines(source))
    report.check("ledger.covers_source", [f"source has {len(raw)} lines, ledger {len(lines)}"] if len(raw) != len(lines) else [], "line counts differ")
    report.check(
        "ledger.raw_sha256",
        [l["line_number"] for l, r in zip(lines, raw) if (l["byte_start"], l["byte_end"]) != (r.start, r.end) or hashlib.sha256(r.data).hexdigest() != l["raw_sha256"]],
        "rows whose byte span does not hash to raw_sha256",
    )


@cache
def forbidden_table() -> np.ndarray:
    """Per code point: does FORBIDDEN_IN_CLEAN match it? (Parsed from the class clean.py emits:
    \\uXXXX / \\UXXXXXXXX escapes, alone or as ranges; tested against the regex itself.)"""
    table = np.zeros(0x110000, dtype=bool)
    esc = r"\\u([0-9A-F]{4})|\\U([0-9A-F]{8})"
    for m in re.finditer(rf"(?:{esc})(?:-(?:{esc}))?", FORBIDDEN_IN_CLEAN):
        lo = int(m.group(1) or m.group(2), 16)
        hi = int(m.group(3) or m.group(4), 16) if (m.group(3) or m.group(4)) else lo
        table[lo : hi + 1] = True
    return table


def dirty_lines(lines: list[str]) -> np.ndarray:
    """Per line: empty, edge or double space, or a character cleaning removes or maps."""
    forbidden = count_per_text(lines, forbidden_table())[0] > 0
    spacing = np.fromiter((t == "" or "  " in t or t[0] == " " or t[-1] == " " for t in lines), dtype=bool, count=len(lines))
    return forbidden | spacing


def check_texts(report: Report, data: dict[str, Rows]) -> None:
    for config in ("paragraphs", "sentences", "documents"):
        records = _all(data[config])
        lines, owner = [], []
        for i, r in enumerate(records):
            for line in (r["text"] or "").split("\n"):
                lines.append(line)
                owner.append(i)
        bad = np.unique(np.asarray(owner, dtype=np.int64)[dirty_lines(lines)])
        report.check(
            f"clean_text.{config}",
            [records[i]["id"] for i in bad],
            "texts hold a removed/mapped character, a double space or an edge space",
        )
    paragraphs = {r["id"]: r for r in _all(data["paragraphs"])}
    by_par: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in _all(data["sentences"]):
        by_par[s["paragraph_id"]].append(s)
    bad_offsets, bad_cover = [], []
    for pid, p in paragraphs.items():
        sents = sorted(by_par.get(pid, []), key=lambda s: s["position"])
        text = p["text"] or ""
        for s in sents:
            if text[s["char_start"] : s["char_end"]] != s["text"]:
                bad_offsets.append(s["id"])
        ends = [0] + [x for s in sents for x in (s["char_start"], s["char_end"])] + [len(text)]
        gaps_ok = all(ends[i] <= ends[i + 1] and text[ends[i] : ends[i + 1]].strip(" ") == "" for i in range(0, len(ends) - 1, 2))
        if not gaps_ok or [s["position"] for s in sents] != list(range(len(sents))) or len(sents) != p["n_sentences"]:
            bad_cover.append(pid)
    report.check("sentences.offsets", bad_offsets, "sentences whose offsets do not give their text")
    report.check("sentences.cover", bad_cover, "paragraphs whose sentences do not cover them (or n_sentences/positions disagree)")
    docs = _all(data["documents"])
    report.check(
        "documents.text",
        [d["id"] for d in docs if d["text"] != "\n".join(paragraphs[p]["text"] or "" for p in d["paragraph_ids"] if p in paragraphs)],
        "document texts differ from their paragraphs joined by newlines",
    )


def check_leakage(report: Report, data: dict[str, Rows]) -> None:
    split_of_key: dict[str, set[str]] = defaultdict(set)
    for config in ("paragraphs", "sentences", "documents"):
        for split, rows in data[config].items():
            for r in rows:
                split_of_key[normalized_key(r["text"] or "")].add(split)
    report.check("leakage.normalized_key", [k[:40] for k, s in split_of_key.items() if len(s) > 1], "normalized keys appear in two splits")
    cluster_splits: dict[str, set[str]] = defaultdict(set)
    split_of_par: dict[str, str] = {}
    for split, rows in data["paragraphs"].items():
        for r in rows:
            cluster_splits[r["near_duplicate_cluster"]].add(split)
            split_of_par[r["id"]] = split
    report.check("leakage.cluster", [c for c, s in cluster_splits.items() if len(s) > 1], "near-duplicate clusters span two splits")
    report.check(
        "leakage.document_group",
        [d["id"] for split, rows in data["documents"].items() for d in rows if any(split_of_par.get(p) != split for p in d["paragraph_ids"])],
        "documents whose paragraphs sit in another split",
    )


CHECKS: tuple[Callable[..., None], ...] = (check_ids_and_references, check_texts, check_leakage)


def _guarded(report: Report, check: Callable[..., None], *args: Any) -> None:
    """Run one check function; data too broken for it to run (the schema check says how) is a
    failure named after it, not a traceback."""
    try:
        check(report, *args)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        name = check.__name__.removeprefix("check_")
        report.check(f"{name}.could_run", [f"{type(exc).__name__}: {exc}"[:120]], "check could not run on this data")


def load_expected_sizes(path: Path) -> dict[str, dict[str, int]]:
    """Split sizes as the split step recorded them: metrics/split.json (its `sizes`) or a bare mapping."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInputError(f"{path}: no such metrics file; pass the split step's metrics/split.json") from None
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{path}: not JSON ({exc.msg}, line {exc.lineno})") from None
    sizes = data.get("sizes", data) if isinstance(data, dict) else None
    if not isinstance(sizes, dict) or not all(isinstance(v, dict) for v in sizes.values()):
        raise BadInputError(f"{path}: expected {{config: {{split: rows}}}} (or split.json with `sizes`)")
    return sizes


def validate(
    out_dir: Path,
    source: Path | None = None,
    *,
    expected_sizes: Mapping[str, Mapping[str, int]] | None = None,
    params: params_mod.Params | None = None,
    docs_dir: Path | None = None,
    suites: bool | Collection[str] = True,
) -> Report:
    """Run the JSON Schema and cross-file checks, then the GX suites of every config.

    `expected_sizes` ({config: {split: rows}}, from metrics/split.json) adds a row-count expectation
    to every suite; `params` defaults to params.yaml; `docs_dir` also writes GX Data Docs there;
    `suites` may name the configs whose suites run (False: none, plain checks only).
    """
    t0 = time.perf_counter()
    tables = load_tables(out_dir)
    data = {config: {split: t.to_pylist() for split, t in splits.items()} for config, splits in tables.items()}
    report = Report()
    params = params or params_mod.load()  # the working directory's, else the checkout's
    _guarded(report, check_schemas, tables, data, params.validate)
    for check in CHECKS:
        _guarded(report, check, data)
    _guarded(report, check_ledger, data, source)
    t1 = time.perf_counter()
    report.timings_s["checks"] = round(t1 - t0, 3)
    if suites:
        from .expectations import run_suites

        configs = paths.CONFIGS if suites is True else tuple(suites)
        for result in run_suites(out_dir, params, expected_sizes, docs_dir, configs, tables):
            report.add_suite(result)
        report.timings_s["great_expectations"] = round(time.perf_counter() - t1, 3)
    report.timings_s["total"] = round(time.perf_counter() - t0, 3)
    return report

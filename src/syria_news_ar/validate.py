"""Step 5, validate: every record against its JSON Schema, then the cross-file invariants.

Each check has a name; a failure is reported as "<check>: <what> (<a few offending values>)" so
a reader knows which guarantee broke and where to look.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from . import paths, schema
from .clean import FORBIDDEN_IN_CLEAN, normalized_key
from .ingest import iter_raw_lines
from .write import read_split

_FORBIDDEN = re.compile(FORBIDDEN_IN_CLEAN)
_BAD_SPACING = re.compile(r"  |^ | $")
MAX_EXAMPLES = 3


@dataclass
class Report:
    checked: list[str] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=dict)

    def check(self, name: str, offenders: Iterable[Any], what: str) -> None:
        """Record check `name`; it fails when `offenders` is non-empty."""
        self.checked.append(name)
        bad = list(offenders)
        if bad:
            shown = ", ".join(repr(x) for x in bad[:MAX_EXAMPLES])
            more = f" and {len(bad) - MAX_EXAMPLES} more" if len(bad) > MAX_EXAMPLES else ""
            self.failures.setdefault(name, []).append(f"{len(bad)} {what}: {shown}{more}")

    @property
    def ok(self) -> bool:
        return not self.failures

    def lines(self) -> list[str]:
        return [f"{name}: {msg}" for name, msgs in self.failures.items() for msg in msgs]


Rows = dict[str, list[dict[str, Any]]]  # split -> records


def load_rows(out_dir: Path) -> dict[str, Rows]:
    return {
        config: {split: read_split(out_dir, config, split).to_pylist() for split in paths.splits_of(config)}
        for config in paths.CONFIGS
    }


def _all(rows: Rows) -> list[dict[str, Any]]:
    return [r for split in rows.values() for r in split]


def check_schemas(report: Report, data: dict[str, Rows]) -> None:
    for config, rows in data.items():
        validator = Draft202012Validator(schema.load(config))
        bad = []
        for split, records in rows.items():
            for r in records:
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
            if p is None or l["line_number"] not in p["source_lines"] or (st == "kept") != (p["source_lines"][0] == l["line_number"]):
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
        return
    raw = list(iter_raw_lines(source))
    report.check("ledger.covers_source", [f"source has {len(raw)} lines, ledger {len(lines)}"] if len(raw) != len(lines) else [], "line counts differ")
    report.check(
        "ledger.raw_sha256",
        [l["line_number"] for l, r in zip(lines, raw) if (l["byte_start"], l["byte_end"]) != (r.start, r.end) or hashlib.sha256(r.data).hexdigest() != l["raw_sha256"]],
        "rows whose byte span does not hash to raw_sha256",
    )


def check_texts(report: Report, data: dict[str, Rows]) -> None:
    def dirty(text: str) -> bool:
        return bool(_FORBIDDEN.search(text) or _BAD_SPACING.search(text)) or text == ""

    for config in ("paragraphs", "sentences", "documents"):
        report.check(
            f"clean_text.{config}",
            [r["id"] for r in _all(data[config]) if any(dirty(t) for t in r["text"].split("\n"))],
            "texts hold a removed/mapped character, a double space or an edge space",
        )
    paragraphs = {r["id"]: r for r in _all(data["paragraphs"])}
    by_par: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in _all(data["sentences"]):
        by_par[s["paragraph_id"]].append(s)
    bad_offsets, bad_cover = [], []
    for pid, p in paragraphs.items():
        sents = sorted(by_par.get(pid, []), key=lambda s: s["position"])
        text = p["text"]
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
        [d["id"] for d in docs if d["text"] != "\n".join(paragraphs[p]["text"] for p in d["paragraph_ids"] if p in paragraphs)],
        "document texts differ from their paragraphs joined by newlines",
    )


def check_leakage(report: Report, data: dict[str, Rows]) -> None:
    split_of_key: dict[str, set[str]] = defaultdict(set)
    for config in ("paragraphs", "sentences", "documents"):
        for split, rows in data[config].items():
            for r in rows:
                split_of_key[normalized_key(r["text"])].add(split)
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


CHECKS: tuple[Callable[..., None], ...] = (check_schemas, check_ids_and_references, check_texts, check_leakage)


def validate(out_dir: Path, source: Path | None = None) -> Report:
    data = load_rows(out_dir)
    report = Report()
    for check in CHECKS:
        check(report, data)
    check_ledger(report, data, source)
    return report

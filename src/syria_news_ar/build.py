"""Steps 1-6 in one process: source file in, complete dataset folder out (atomically)."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa

from . import paths
from .card import write_card
from .clean import normalized_key
from .deduplicate import deduplicate
from .errors import ValidationFailed
from .ids import content_id
from .ingest import ingest
from .params import Params
from .records import Records, assemble
from .segment import segment
from .split import assign, document_groups
from .validate import validate
from .write import to_table, write_split


def group_tokens(records: Records) -> list[tuple[int, str]]:
    """(document, token) pairs that must not cross splits: paragraph ids, clusters, sentence and document keys."""
    pairs: list[tuple[int, str]] = []
    cluster_of = dict(zip(records.paragraphs["id"], records.paragraphs["near_duplicate_cluster"]))
    for d, (pids, text) in enumerate(zip(records.documents["paragraph_ids"], records.documents["text"])):
        pairs.append((d, content_id(normalized_key(text))))
        for pid in pids:
            pairs.append((d, pid))
            pairs.append((d, "cluster:" + cluster_of[pid]))
    for doc, text in zip(records.sentence_doc, records.sentences["text"]):
        pairs.append((doc, content_id(normalized_key(text))))
    return pairs


def split_documents(records: Records, params: Params) -> tuple[list[str], dict[str, Any]]:
    """Split name of every document, and what the split step reports."""
    n_docs = len(records.documents["id"])
    group_of = document_groups(n_docs, group_tokens(records))
    roots = sorted(set(group_of))
    index = {r: i for i, r in enumerate(roots)}
    weights = [0] * len(roots)
    for doc in records.paragraph_doc:
        weights[index[group_of[doc]]] += 1
    group_ids = [records.documents["id"][r] for r in roots]
    split_of_group = assign(group_ids, weights, params.split.ratios, params.split.seed)
    doc_split = [split_of_group[index[group_of[d]]] for d in range(n_docs)]
    total = sum(weights)
    reached = Counter()
    for g, s in enumerate(split_of_group):
        reached[s] += weights[g]
    stats = {
        "groups": len(roots),
        "group_sizes_documents": dict(sorted(Counter(Counter(group_of).values()).items())),
        "target_ratios": params.split.ratios,
        "reached_ratios": {s: round(reached[s] / total, 4) if total else 0.0 for s in paths.SPLITS},
    }
    return doc_split, stats


def _take(columns: dict[str, list], keep: list[bool]) -> dict[str, list]:
    return {name: [v for v, k in zip(values, keep) if k] for name, values in columns.items()}


def write_all(out_dir: Path, records: Records, doc_split: list[str]) -> dict[str, dict[str, int]]:
    sizes: dict[str, dict[str, int]] = {}
    per_config = {
        "paragraphs": (records.paragraphs, [doc_split[d] for d in records.paragraph_doc]),
        "sentences": (records.sentences, [doc_split[d] for d in records.sentence_doc]),
        "documents": (records.documents, doc_split),
    }
    for config, (columns, split_of_row) in per_config.items():
        sizes[config] = {}
        for split in paths.SPLITS:
            table = to_table(config, _take(columns, [s == split for s in split_of_row]))
            sizes[config][split] = write_split(out_dir, config, split, table)["num_examples"]
    write_split(out_dir, "lines", paths.LINES_SPLIT, to_table("lines", records.lines))
    sizes["lines"] = {paths.LINES_SPLIT: len(records.lines["line_number"])}
    return sizes


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
    records = assemble(ingested.table, seg.lines, seg.documents, dedup.table)
    doc_split, split_stats = split_documents(records, params)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        sizes = write_all(tmp, records, doc_split)
        t = lap("split_write", t)
        report = validate(tmp, source)
        t = lap("validate", t)
        if not report.ok:
            raise ValidationFailed(report.lines())
        write_card(tmp, params.dataset.pretty_name)
        lap("card", t)
        _replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    metrics = collect_metrics(ingested, seg, dedup, split_stats, sizes, report.checked)
    timings["total"] = round(time.perf_counter() - t0, 3)
    if metrics_dir is not None:
        write_metrics(metrics_dir, metrics)
    return {**metrics, "timings_s": timings}


def _replace_dir(new: Path, target: Path) -> None:
    """Swap the finished folder into place: rename is atomic within one file system."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old)


def collect_metrics(ingested, seg, dedup, split_stats, sizes, checks) -> dict[str, Any]:  # noqa: ANN001
    status = Counter(ingested.table["status"].to_pylist())
    seg_lines = seg.lines.to_pydict()
    first_kinds = Counter(k for k, f in zip(seg_lines["kind"], seg_lines["first_occurrence"]) if f)
    reasons = Counter(r for r in ingested.table["reason"].to_pylist() if r)
    dates = [d for d in seg.documents["date"].to_pylist() if d]
    return {
        "ingest": {
            "lines": ingested.table.num_rows,
            "lines_by_status": {
                "kept": dedup.stats["distinct_paragraphs"],
                "duplicate": dedup.stats["exact_duplicate_lines"],
                "blank": status.get("blank", 0),
                "rejected": status.get("rejected", 0),
            },
            "rejected_by_reason": dict(sorted(reasons.items())),
            "cleaning_rules": ingested.rule_counts,
        },
        "segment": {
            "paragraphs": first_kinds.get("paragraph", 0),
            "headings": first_kinds.get("heading", 0),
            "documents": seg.documents.num_rows,
            "documents_with_date": len(dates),
            "start_cues": dict(sorted(Counter(c for c in seg_lines["start_cue"] if c).items())),
            "sentences": sum(len(s) for s in seg_lines["sentence_starts"]),
        },
        "deduplicate": dedup.stats,
        "split": {**split_stats, "sizes": sizes},
        "validate": {"checks": len(checks), "failed": 0},
    }


def write_metrics(metrics_dir: Path, metrics: dict[str, Any]) -> None:
    metrics_dir.mkdir(parents=True, exist_ok=True)
    for step, values in metrics.items():
        (metrics_dir / f"{step}.json").write_text(json.dumps(values, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")

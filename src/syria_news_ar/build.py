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
from .plots import write_plots
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


def split_and_assemble(
    ingested: pa.Table, seg_lines: pa.Table, seg_documents: pa.Table, dedup: pa.Table, params: Params
) -> tuple[Records, list[str], dict[str, Any]]:
    """Records of every config and the split of every document (step 4 before writing)."""
    records = assemble(ingested, seg_lines, seg_documents, dedup)
    doc_split, stats = split_documents(records, params)
    return records, doc_split, stats


def write_plot_data(plots_dir: Path, records: Records, doc_split: list[str]) -> None:
    write_plots(
        plots_dir,
        records.paragraphs["n_chars"],
        records.paragraphs["n_sentences"],
        [doc_split[d] for d in records.paragraph_doc],
    )


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


def replace_dir(new: Path, target: Path) -> None:
    """Swap the finished folder into place: rename is atomic within one file system."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old)


def collect_metrics(ingested, seg, dedup, split_stats, sizes, validation) -> dict[str, Any]:  # noqa: ANN001
    """Every step's metrics, keyed like the DVC stages' files (metrics/<key>.json)."""
    return {
        "ingest": ingested.metrics(),
        "segment": seg.metrics(),
        "deduplicate": dedup.stats,
        "split": {**split_stats, "sizes": sizes},
        "validation": validation,
    }


def write_json(path: Path, values: dict[str, Any]) -> None:
    """Deterministic JSON (sorted keys, UTF-8, trailing newline) so committed metrics diff cleanly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_metrics(metrics_dir: Path, metrics: dict[str, Any]) -> None:
    for step, values in metrics.items():
        write_json(paths.metrics_file(step, metrics_dir), values)

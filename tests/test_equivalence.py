"""The fast paths change nothing: batch sizes and process counts never change a byte of output.

Steps 1-4 run twice on the same source, once with the defaults and once with every batch size set
to 1, ingest forced into two processes and the split's keys on one thread, and the Parquet files and step metrics must
be identical.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from syria_news_ar import clean, deduplicate, ingest, records, segment as segment_mod, split
from syria_news_ar.params import Params
from syria_news_ar.segment import segment
from syria_news_ar.write import write_all

from conftest import SEED
from synthetic import write_corpus


def steps_1_to_4(source: Path, out: Path, params: Params) -> tuple[dict[str, bytes], dict[str, Any]]:
    """(Parquet bytes by relative path, metrics of every step) of ingest..write."""
    ingested = ingest.ingest(source, params.ingest)
    seg = segment(ingested.table, params.segment)
    dedup = deduplicate.deduplicate(ingested.table, seg.lines, params.deduplicate)
    recs, doc_split, split_stats = split.split_and_assemble(ingested.table, seg.lines, seg.documents, dedup.table, params)
    sizes = write_all(out, recs, doc_split)
    files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.parquet"))}
    metrics = {"ingest": ingested.metrics(), "segment": seg.metrics(), "deduplicate": dedup.stats,
               "split": split_stats, "sizes": sizes}
    return files, metrics


def tiny_batches(monkeypatch: pytest.MonkeyPatch, params: Params, two_processes: bool) -> Params:
    monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 0 if two_processes else 1 << 62)
    monkeypatch.setattr(deduplicate, "BATCH", 1)
    monkeypatch.setattr(split, "KEY_BATCH", 1)
    monkeypatch.setattr(split, "KEY_THREADS_MAX_BYTES", -1)  # the split's key digests on one thread
    monkeypatch.setattr(records, "SLICE_BATCH", 1)
    monkeypatch.setattr(records, "TEXT_BATCH_BYTES", 1)
    monkeypatch.setattr(segment_mod, "BATCH", 1)
    monkeypatch.setattr(deduplicate, "CONFIRM_PAIRS", 1)
    monkeypatch.setattr(deduplicate, "CACHED_SETS", 1)
    monkeypatch.setattr(clean, "_KEY_CHUNK_CHARS", 1)
    return dataclasses.replace(params, ingest=dataclasses.replace(params.ingest, batch_lines=1))


def assert_same(a: tuple[dict[str, bytes], dict[str, Any]], b: tuple[dict[str, bytes], dict[str, Any]]) -> None:
    assert sorted(a[0]) == sorted(b[0])
    assert [name for name in a[0] if a[0][name] != b[0][name]] == []
    assert a[1] == b[1]


def test_seed_same_bytes_with_batches_of_one_and_two_processes(
    tmp_path: Path, params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = steps_1_to_4(SEED, tmp_path / "default", params)
    assert default[1]["ingest"]["lines"] > 0
    assert_same(default, steps_1_to_4(SEED, tmp_path / "tiny", tiny_batches(monkeypatch, params, two_processes=True)))


def test_synthetic_5mb_same_bytes_with_batches_of_one_and_two_processes(
    tmp_path: Path, params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_corpus(SEED, 5, tmp_path / "corpus-5mb.txt")
    assert source.stat().st_size < ingest.PARALLEL_MIN_BYTES  # the default run uses one process
    default = steps_1_to_4(source, tmp_path / "default", params)
    assert default[1]["deduplicate"]["near_duplicate_clusters"] > 100  # the corpus exercises dedup
    assert_same(default, steps_1_to_4(source, tmp_path / "tiny", tiny_batches(monkeypatch, params, two_processes=True)))

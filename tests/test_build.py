"""The whole seed end to end: every invariant, exact records on a small input, determinism, loading."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from syria_news_ar import paths, schema
from syria_news_ar.build import build
from syria_news_ar.clean import normalized_key
from syria_news_ar.ids import content_id
from syria_news_ar.validate import validate

from conftest import SEED


def read(out: Path, config: str) -> dict[str, list[dict]]:
    return {s: pq.read_table(out / paths.parquet_relpath(config, s)).to_pylist() for s in paths.splits_of(config)}


def test_seed_passes_every_check(seed_build) -> None:
    out, _ = seed_build
    report = validate(out, SEED)
    assert report.ok, report.lines()
    assert len(report.checked) >= 20


def test_seed_regression_numbers(seed_build) -> None:
    """The seed's measured results (SPEC 1 states 287 lines, 123 exact repeats, 3 headings)."""
    _, result = seed_build
    assert result["ingest"]["lines_by_status"] == {"kept": 164, "duplicate": 123, "blank": 0, "rejected": 0}
    assert result["segment"]["headings"] == 3
    assert result["segment"]["paragraphs"] == 161
    assert result["ingest"]["cleaning_rules"]["persian_letters"] >= 5
    sizes = result["split"]["sizes"]
    assert sum(sizes["paragraphs"].values()) == 164
    assert all(n > 0 for n in sizes["paragraphs"].values())


def test_every_source_line_accounted_for(seed_build) -> None:
    out, _ = seed_build
    ledger = read(out, "lines")["full"]
    raw = SEED.read_bytes()
    assert [r["line_number"] for r in ledger] == list(range(1, raw.count(b"\n") + 2))
    for r in ledger:
        assert hashlib.sha256(raw[r["byte_start"] : r["byte_end"]]).hexdigest() == r["raw_sha256"]
    paragraphs = {p["id"]: p for rows in read(out, "paragraphs").values() for p in rows}
    for r in ledger:
        assert r["line_number"] in paragraphs[r["paragraph_id"]]["source_lines"]
    assert sum(len(p["source_lines"]) for p in paragraphs.values()) == len(ledger)


def test_no_leakage_between_splits(seed_build) -> None:
    out, _ = seed_build
    owner: dict[str, str] = {}
    for config in ("paragraphs", "sentences", "documents"):
        for split, rows in read(out, config).items():
            for r in rows:
                key = normalized_key(r["text"])
                assert owner.setdefault(key, split) == split, (config, r["text"][:60])
    clusters: dict[str, str] = {}
    for split, rows in read(out, "paragraphs").items():
        for r in rows:
            assert clusters.setdefault(r["near_duplicate_cluster"], split) == split


def test_sentence_offsets_round_trip(seed_build) -> None:
    out, _ = seed_build
    paragraphs = {p["id"]: p for rows in read(out, "paragraphs").values() for p in rows}
    for rows in read(out, "sentences").values():
        for s in rows:
            assert paragraphs[s["paragraph_id"]]["text"][s["char_start"] : s["char_end"]] == s["text"]


def test_ids_are_content_derived(seed_build) -> None:
    out, _ = seed_build
    for rows in read(out, "paragraphs").values():
        for p in rows:
            assert p["id"] == content_id(normalized_key(p["text"]))


SMALL = [
    "أعلنت الإدارة، اليوم الثلاثاء 3 كانون الأول 2024، تحرير مدن وبلدات في ریف حماة.",
    "وقالت مصادر ميدانية إن المعارك مستمرة. وأضافت أن الطيران شن غارات.",
    "",
    "https://example.com/news/123",
    "قالت الأمم المتحدة إنها تتابع بقلق تطورات الوضع الإنساني في الشمال.",
    "وقالت مصادر ميدانية إن المعارك مستمرة. وأضافت أن الطيران شن غارات.",
]


def test_exact_records_for_a_small_source(write_source, tmp_path, params) -> None:
    src = write_source("\n".join(SMALL) + "\n")
    out = tmp_path / "ds"
    build(src, out, params, tmp_path / "metrics")
    paragraphs = sorted((p for rows in read(out, "paragraphs").values() for p in rows), key=lambda p: p["source_lines"])
    docs = sorted((d for rows in read(out, "documents").values() for d in rows), key=lambda d: d["position"])
    pid = [content_id(normalized_key(p["text"])) for p in paragraphs]
    assert [(p["text"], p["source_lines"], p["position"], p["kind"], p["n_sentences"], p["cleaning"]) for p in paragraphs] == [
        ("أعلنت الإدارة، اليوم الثلاثاء 3 كانون الأول 2024، تحرير مدن وبلدات في ريف حماة.", [1], 0, "paragraph", 1, ["persian_letters"]),
        (SMALL[1], [2, 6], 1, "paragraph", 2, []),
        (SMALL[4], [5], 0, "paragraph", 1, []),
    ]
    assert [p["document_id"] for p in paragraphs] == [docs[0]["id"], docs[0]["id"], docs[1]["id"]]
    assert [(d["paragraph_ids"], d["n_background"], d["date"], d["source_line_start"], d["source_line_end"]) for d in docs] == [
        ([pid[0], pid[1]], 0, "2024-12-03", 1, 2),
        ([pid[2], pid[1]], 1, None, 5, 6),
    ]
    # the background paragraph ties both documents into one group: one split holds everything
    assert len({s for s, rows in read(out, "documents").items() if rows}) == 1
    ledger = read(out, "lines")["full"]
    assert [(r["status"], r["reason"], r["paragraph_id"]) for r in ledger] == [
        ("kept", None, pid[0]),
        ("kept", None, pid[1]),
        ("blank", None, None),
        ("rejected", "url", None),
        ("kept", None, pid[2]),
        ("duplicate", None, pid[1]),
    ]
    assert [r["document_id"] for r in ledger] == [docs[0]["id"]] * 4 + [docs[1]["id"]] * 2
    sentences = sorted((s for rows in read(out, "sentences").values() for s in rows), key=lambda s: (s["paragraph_id"] != pid[1], s["position"]))
    assert [(s["text"], s["char_start"], s["char_end"]) for s in sentences if s["paragraph_id"] == pid[1]] == [
        ("وقالت مصادر ميدانية إن المعارك مستمرة.", 0, 38),
        ("وأضافت أن الطيران شن غارات.", 39, 66),
    ]


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_builds_are_byte_identical(seed_build, tmp_path, params) -> None:
    out, _ = seed_build
    again = tmp_path / "again"
    build(SEED, again, params, tmp_path / "metrics")
    assert tree_digest(again) == tree_digest(out)
    for f in (tmp_path / "metrics").glob("*.json"):
        assert str(tmp_path) not in f.read_text(encoding="utf-8")


def test_no_machine_paths_in_artifacts(seed_build) -> None:
    out, _ = seed_build
    for p in out.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            assert str(out).encode() not in data and os.getcwd().encode() not in data, p


@pytest.mark.parametrize("config", paths.CONFIGS)
def test_load_dataset_offline(seed_build, tmp_path, monkeypatch, config: str) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import datasets

    out, result = seed_build
    ds = datasets.load_dataset(str(out), config)
    assert set(ds) == set(paths.splits_of(config))
    expected = result["split"]["sizes"][config]
    assert {s: ds[s].num_rows for s in ds} == expected
    assert list(ds[paths.splits_of(config)[0]].features) == schema.arrow_schema(config).names


def test_a_300_kb_line_is_processed_whole(write_source, tmp_path, params) -> None:
    sentence = "قالت مصادر ميدانية إن المعارك مستمرة على أطراف المدينة منذ الصباح الباكر."
    long_line = " ".join([sentence] * (300_000 // (len(sentence.encode()) + 1) + 1))
    assert len(long_line.encode()) > 300_000
    src = write_source("\n".join([SMALL[0], long_line, SMALL[4]]) + "\n")
    out = tmp_path / "ds"
    build(src, out, params, None)
    paragraphs = {p["source_lines"][0]: p for rows in read(out, "paragraphs").values() for p in rows}
    assert paragraphs[2]["text"] == long_line
    assert paragraphs[2]["n_sentences"] == long_line.count(".")
    ledger = read(out, "lines")["full"]
    assert ledger[1]["byte_end"] - ledger[1]["byte_start"] == len(long_line.encode())

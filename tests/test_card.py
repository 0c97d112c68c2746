"""The dataset card, CITATION.cff and the figure: Hub YAML equal to the Parquet, a complete datasheet,
every number from the written files, the version everywhere, byte-identical across builds and processes."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from huggingface_hub import DatasetCard

from syria_news_ar import card, paths, schema
from syria_news_ar.build import build

from conftest import SEED

SECTIONS = [
    "## Dataset summary",
    "## Source and collection",
    "## Processing",
    "### 1. Read and clean",
    "### 2. Segment",
    "### 3. Deduplicate",
    "### 4. Split",
    "### 5. Validate",
    "## Configs and fields",
    "## Splits",
    "## Example records",
    "## Bias, framing and limitations",
    "### Fit for",
    "### Not fit for",
    "## Personal and sensitive information",
    "## License",
    "## Version history",
    "## Files",
    "## Citation",
]


def rows(out: Path, config: str, split: str) -> int:
    return pq.read_metadata(out / paths.parquet_relpath(config, split)).num_rows


def card_text(out: Path) -> str:
    return (out / card.CARD).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """Text from `heading` to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading + "\n")
    rest = text[start + len(heading) + 1 :]
    m = re.search(rf"^#{{1,{len(level)}}} ", rest, flags=re.M)
    return rest[: m.start()] if m else rest


# ------------------------------------------------------------------------------------------------
# YAML header
# ------------------------------------------------------------------------------------------------


def test_yaml_matches_the_parquet(seed_build, params) -> None:
    out, _ = seed_build
    data = DatasetCard.load(out / card.CARD).data
    assert data.pretty_name == params.dataset.pretty_name
    assert data.language == ["ar"] and data.multilinguality == "monolingual"
    assert data.license == "other" and data.license_name and "unknown" in data.license_details
    assert data.license_link == card.CARD
    assert data.task_categories and data.task_ids and data.tags
    assert data.size_categories == ["n<1K"] and data.source_datasets == ["original"]

    configs = {c["config_name"]: c for c in data.configs}
    assert list(configs) == list(paths.CONFIGS)
    assert [c for c, v in configs.items() if v.get("default")] == ["paragraphs"]
    for config, c in configs.items():
        assert c["data_files"] == [{"split": s, "path": paths.parquet_relpath(config, s)} for s in paths.splits_of(config)]

    infos = {i["config_name"]: i for i in data.dataset_info}
    assert list(infos) == list(paths.CONFIGS)
    for config, info in infos.items():
        assert [f["name"] for f in info["features"]] == schema.arrow_schema(config).names
        assert info["features"] == schema.hf_features(config)
        splits = {s["name"]: s for s in info["splits"]}
        assert list(splits) == list(paths.splits_of(config))
        for split, s in splits.items():
            table = pq.read_table(out / paths.parquet_relpath(config, split))
            assert s["num_examples"] == table.num_rows
            assert s["num_bytes"] > 0
        assert info["download_size"] == sum((out / paths.parquet_relpath(config, s)).stat().st_size for s in splits)
        assert info["dataset_size"] == sum(s["num_bytes"] for s in splits.values())


# ------------------------------------------------------------------------------------------------
# datasheet body
# ------------------------------------------------------------------------------------------------


def test_every_section_is_there_in_order(seed_build) -> None:
    text = card_text(seed_build[0])
    positions = [text.index(s + "\n") for s in SECTIONS]
    assert positions == sorted(positions)
    assert f"![Paragraph length by split]({card.FIGURE})" in text


def test_every_field_of_every_schema_is_described(seed_build) -> None:
    fields = section(card_text(seed_build[0]), "## Configs and fields")
    for config in paths.CONFIGS:
        part = section(fields, f"### `{config}`")
        assert schema.load(config)["description"] in part
        for name, spec in schema.load(config)["properties"].items():
            row = next((line for line in part.splitlines() if line.startswith(f"| `{name}` |")), None)
            assert row is not None, (config, name)
            assert spec["description"].replace("|", "\\|") in row, (config, name)
            base = spec["type"] if isinstance(spec["type"], str) else [t for t in spec["type"] if t != "null"][0]
            assert {"integer": "int64", "string": "string", "boolean": "bool", "array": "list<"}[base] in row


def test_counts_come_from_the_written_files(seed_build) -> None:
    out, result = seed_build
    text = card_text(out)
    splits = section(text, "## Splits")
    for config in paths.CONFIGS:
        line = next(line for line in splits.splitlines() if line.startswith(f"| `{config}` |"))
        cells = [c.strip() for c in line.strip("|").split("|")][1:]
        expected = [f"{rows(out, config, s):,}" if s in paths.splits_of(config) else "—"
                    for s in (*paths.SPLITS, paths.LINES_SPLIT)]
        assert cells == expected, config
    reached = result["split"]["reached_ratios"]
    for s in paths.SPLITS:
        assert f"| {s} | {100 * result['split']['target_ratios'][s]:.1f} % | {100 * reached[s]:.1f} % |" in splits
    ingest = result["ingest"]["lines_by_status"]
    assert (f"| {result['ingest']['lines']:,} | {ingest['kept']:,} | {ingest['duplicate']:,} | "
            f"{ingest['blank']:,} | {ingest['rejected']:,} |") in text
    n_par = sum(rows(out, "paragraphs", s) for s in paths.SPLITS)
    assert f"{n_par} distinct paragraphs" in text
    files = section(text, "## Files")
    for config in paths.CONFIGS:
        for split in paths.splits_of(config):
            rel = paths.parquet_relpath(config, split)
            sha = hashlib.sha256((out / rel).read_bytes()).hexdigest()
            assert f"| `{rel}` | {rows(out, config, split):,} | {(out / rel).stat().st_size:,} | `{sha}` |" in files


def test_card_states_the_method_and_thresholds(seed_build, params) -> None:
    text = card_text(seed_build[0])
    d = params.deduplicate
    for needle in (f"character {d.shingle_size}-grams", f"{d.lsh_bands} bands of {d.lsh_rows} rows",
                   f"Jaccard ≥ {d.jaccard_threshold}", f"{100 * d.containment_threshold:.1f} %",
                   f"at least {d.containment_min_words}", f"at most {params.segment.heading_max_words} words",
                   "JSON Schema", "persian_letters", "dateline", "continuation marker", f"({params.split.seed})"):
        assert needle in text, needle


def test_example_record_per_config_truncated(seed_build) -> None:
    examples = section(card_text(seed_build[0]), "## Example records")
    blocks = re.findall(r"```json\n(.*?)\n```", examples, flags=re.S)
    assert len(blocks) == len(paths.CONFIGS)
    for config, block in zip(paths.CONFIGS, blocks):
        record = json.loads(block)
        assert list(record) == schema.arrow_schema(config).names
        for value in record.values():
            if isinstance(value, str) and "truncated" not in value:
                assert len(value) <= card.TEXT_LIMIT
            if isinstance(value, list):
                assert len(value) <= card.LIST_LIMIT + 1


def test_bias_and_sensitive_sections_say_it_plainly(seed_build) -> None:
    text = card_text(seed_build[0])
    bias = section(text, "## Bias, framing and limitations")
    for needle in ("partisan", "تحرير", "النظام المجرم", "الإرهابي", "casualty", "one side",
                   "ground truth", "truth", "balanced"):
        assert needle in bias.lower() or needle in bias, needle
    assert "Factual ground truth" in section(bias, "### Not fit for")
    sensitive = section(text, "## Personal and sensitive information")
    for needle in ("public figures", "Casualty reports", "Military claims"):
        assert needle in sensitive
    license_ = section(text, "## License")
    assert "unknown" in license_ and "permission" in license_


# ------------------------------------------------------------------------------------------------
# citation and version
# ------------------------------------------------------------------------------------------------


def test_citation_cff_and_bibtex_agree(seed_build, params) -> None:
    out, _ = seed_build
    cff = yaml.safe_load((out / card.CITATION).read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["title"] == params.dataset.pretty_name and cff["version"] == params.dataset.version
    assert cff["authors"] == [{"name": "syria-news-ar contributors"}]
    bib = re.search(r"```bibtex\n(.*?)\n```", card_text(out), flags=re.S).group(1)
    assert f"title        = {{{{{cff['title']}}}}}" in bib
    assert f"version      = {{{cff['version']}}}" in bib
    assert "{{syria-news-ar contributors}}" in bib
    # the release date comes from params.yaml (never the build's date)
    assert str(cff["date-released"]) == params.dataset.released
    assert f"year         = {{{params.dataset.released[:4]}}}" in bib
    croissant = json.loads((out / card.CROISSANT).read_text(encoding="utf-8"))
    assert croissant["citeAs"] == bib and croissant["version"] == cff["version"]


def test_version_flows_from_params(seed_build, params, tmp_path: Path) -> None:
    out, result = seed_build
    copy = tmp_path / "ds"
    shutil.copytree(out, copy)
    p = dataclasses.replace(params, dataset=dataclasses.replace(params.dataset, version="9.8.7", pretty_name="Renamed set"))
    metrics = {k: v for k, v in result.items() if k != "timings_s"}
    card.write_card(copy, p, metrics)
    assert yaml.safe_load((copy / card.CITATION).read_text(encoding="utf-8"))["version"] == "9.8.7"
    assert json.loads((copy / card.CROISSANT).read_text(encoding="utf-8"))["version"] == "9.8.7"
    text = card_text(copy)
    assert "**9.8.7** (this build)" in text and "version      = {9.8.7}" in text
    assert DatasetCard.load(copy / card.CARD).data.pretty_name == "Renamed set"


# ------------------------------------------------------------------------------------------------
# figure and determinism
# ------------------------------------------------------------------------------------------------


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, i = [], 8
    while i < len(data):
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind, body = data[i + 4 : i + 8], data[i + 8 : i + 8 + length]
        assert zlib.crc32(kind + body) == struct.unpack(">I", data[i + 8 + length : i + 12 + length])[0]
        chunks.append((kind, body))
        i += 12 + length
    return chunks


def test_figure_is_a_fixed_size_png_without_software_tag(seed_build) -> None:
    chunks = png_chunks((seed_build[0] / card.FIGURE).read_bytes())
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert (width, height) == (800, 450)
    text = b"".join(body for kind, body in chunks if kind in (b"tEXt", b"iTXt", b"zTXt"))
    assert b"Software" not in text and b"matplotlib" not in text.lower()


def digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in card.ARTIFACTS}


def test_card_files_are_byte_identical_across_builds(seed_build, params, tmp_path: Path) -> None:
    out, _ = seed_build
    again = tmp_path / "again"
    build(SEED, again, params, tmp_path / "metrics")
    assert digests(again) == digests(out)


REWRITE_CARD = """
import json, sys
from pathlib import Path
from syria_news_ar import card, params
folder = Path(sys.argv[1])
metrics = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
card.write_card(folder, params.load(), metrics)
"""


def test_card_files_are_byte_identical_across_processes(seed_build, tmp_path: Path) -> None:
    """Another process, with the metrics read back from the metrics/*.json the build wrote (as the
    DVC `card` stage reads them), writes the same bytes as the build did from its in-memory metrics."""
    out, _ = seed_build
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    for name in card.ARTIFACTS:
        (copy / name).unlink()
    written = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((out.parent / "metrics").glob("*.json"))}
    assert {"ingest", "segment", "deduplicate", "split", "validation"} <= set(written)
    metrics = tmp_path / "metrics.json"
    metrics.write_text(json.dumps(written), encoding="utf-8")
    subprocess.run([sys.executable, "-c", REWRITE_CARD, str(copy), str(metrics)], check=True, timeout=120,
                   cwd=tmp_path)
    assert digests(copy) == digests(out)


def test_no_machine_paths_or_dates_in_card_files(seed_build, params) -> None:
    out, _ = seed_build
    for name in card.ARTIFACTS:
        data = (out / name).read_bytes()
        assert str(out).encode() not in data and str(Path.home()).encode() + b"/" not in data, name
        assert str(paths.ROOT).encode() not in data, name
    for name in (card.CARD, card.CROISSANT, card.CITATION):
        text = (out / name).read_text(encoding="utf-8").replace(params.dataset.released, "<released>")
        assert not re.search(r"20[3-9]\d-\d\d-\d\d|202[5-9]-\d\d-\d\d", text), name  # no build date


def test_framing_counts_equal_python_re() -> None:
    """The RE2 pass over Arrow is only a filter: counts equal `re.search` on every text, including
    what RE2 reads differently (a lookahead, Unicode \\s and \\W)."""
    import re

    import pyarrow as pa

    from syria_news_ar.card import FRAMING_MARKERS, framing_counts

    texts = [
        "تحرير الشام تقدمت", "تحرير المدينة", "هيئة تحرير الشام وتحرير حلب", "قوات محررة", "النظام المجرم",
        "الإرهابي بشار", "الإرهابي، الأسد", "الإرهابي ـــــ الأسد", "قتل 12\u00a0مدنيا", "قتل 12 مدنيا", "قتل ١٢\u2003طفلا",
        "12x مدني", "", "ميليشيات وملشيا", "مجزرة", "الخوذ البيضاء",
        # the lookahead spelled for RE2: at the end, cut short, another space, a longer word
        "تحرير", "تحرير الشا", "تحرير\nالشام", "تحرير  الشام", "تحرير الشامي",
    ]
    expected = [sum(1 for t in texts if re.search(rx, t)) for _, _, rx in FRAMING_MARKERS]
    assert framing_counts(pa.array(texts)) == expected
    for share, rows in ((0, 2_000), (1, 2_000), (0.05, 3), (0.2, 5)):  # no, every or some markers share a pass
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(card, "FRAMING_RARE_SHARE", share)
            patch.setattr(card, "FRAMING_SAMPLE_ROWS", rows)
            assert framing_counts(pa.array(texts)) == expected
            assert framing_counts(pa.chunked_array([pa.array(texts[:4]), pa.array(texts[4:])])) == expected
    assert expected[0] == 7 and expected[-1] == 3  # the lookahead and the Unicode spaces matter
    assert [loose for _, _, loose in card._framing_patterns()].count(True) == 1  # only \\W is left to Python


def test_the_parts_not_drawn_by_the_worker_are_drawn_here(seed_build, tmp_path: Path) -> None:
    """The build draws each card part no process has claimed (claimed_parts) and, after the worker's
    answers, each one the worker claimed but could not draw (None) or that nobody drew
    (all_parts); the card's data is then card_data's whoever drew which part."""
    from dataclasses import replace

    from syria_news_ar.claims import Claims

    out = tmp_path / "ds"
    shutil.copytree(seed_build[0], out)
    expected = card.card_data(out)
    names = card.card_parts(out)
    claims = Claims(tmp_path)
    assert claims.take(names[0]) and claims.take("dates")  # the worker's
    here = card.claimed_parts(out, claims)
    assert tuple(here) == tuple(n for n in names[1:] if n != "dates") and card.claimed_parts(out, claims) == {}
    drawn_by_worker = object()
    assert card.all_parts(out, {names[0]: drawn_by_worker, **here})[names[0]] is drawn_by_worker
    for worker_parts in ({names[0]: None}, {}, {names[0]: None, "dates": None, "files": None}):
        parts = card.all_parts(out, {**worker_parts, **here})
        assert tuple(parts) == names and card.stats_from_parts(parts) == expected
    assert (out / card.FIGURE).read_bytes() == (seed_build[0] / card.FIGURE).read_bytes()  # drawn again: same bytes
    broken = tmp_path / "broken"
    shutil.copytree(seed_build[0], broken)
    path = broken / paths.parquet_relpath("paragraphs", "train")
    pq.write_table(pq.read_table(path).drop_columns(["n_words"]), path)
    (tmp_path / "c").mkdir()
    drawn = card.claimed_parts(broken, Claims(tmp_path / "c"))
    assert drawn["paragraphs.train.0"] is None and drawn["figure"] is None and drawn["files"] is not None
    with pytest.raises(KeyError):
        card.all_parts(broken, drawn)


def test_the_card_data_is_the_same_from_parts_of_any_row_groups(seed_build, tmp_path: Path) -> None:
    """Paragraph files cut into row groups of a few rows: one part per row group, merged into the
    same card data (kinds first seen first, lengths in file order) as from files of one group."""
    from dataclasses import replace

    out = tmp_path / "ds"
    shutil.copytree(seed_build[0], out)
    path = out / paths.parquet_relpath("paragraphs", "train")
    pq.write_table(pq.read_table(path), path, row_group_size=7)
    assert len(card.card_parts(out)) == -(-pq.ParquetFile(path).metadata.num_rows // 7) + 5
    assert replace(card.card_data(out), splits={}) == replace(card.card_data(seed_build[0]), splits={})  # the files differ, not what they hold


def test_file_stats_from_the_schema_checks_row_groups_are_file_stats(seed_build, params, tmp_path: Path) -> None:
    """The build's worker takes the card's file statistics from the row groups the JSON Schema
    check reads: the same as file_stats reading the files, with files of many row groups and of
    none; None when a row group was not seen."""
    from syria_news_ar.validate import check_schemas, Report

    out = tmp_path / "ds"
    shutil.copytree(seed_build[0], out)
    path = out / paths.parquet_relpath("paragraphs", "train")
    pq.write_table(pq.read_table(path), path, row_group_size=7)
    empty = out / paths.parquet_relpath("documents", "test")
    with pq.ParquetWriter(empty, pq.read_schema(empty)):  # a file without row groups
        pass
    assert pq.ParquetFile(empty).num_row_groups == 0 and pq.ParquetFile(path).num_row_groups > 1
    files = card.FilesFromGroups(out)
    report = Report()
    check_schemas(report, out, params.validate, files.add)
    assert files.stats() == card.file_stats(out)
    assert files.stats()["documents"]["test"] == card.SplitStats(file_bytes=empty.stat().st_size, sha256=card.croissant.file_sha256(empty))
    partial = card.FilesFromGroups(out)
    check_schemas(Report(), out, params.validate, lambda c, s, t: partial.add(c, s, t) if (c, s) != ("paragraphs", "train") else None)
    assert partial.stats() is None

"""The column-wise JSON Schema check agrees with the reference validator on damaged records."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from jsonschema import Draft202012Validator

from syria_news_ar import paths, schema
from syria_news_ar.schema_check import Violations, violations


def seed_records(seed_build, config: str) -> list[dict]:
    out, _ = seed_build
    return pq.read_table(out / paths.parquet_relpath(config, paths.splits_of(config)[0])).to_pylist()


@pytest.mark.parametrize("config", paths.CONFIGS)
def test_seed_has_no_violations(seed_build, config: str) -> None:
    out, _ = seed_build
    for split in paths.splits_of(config):
        assert violations(config, pq.read_table(out / paths.parquet_relpath(config, split))) == []


DAMAGE = [
    ("paragraphs", "id", "XYZ", "pattern"),
    ("paragraphs", "kind", "title", "enum"),
    ("paragraphs", "text", "", "minLength"),
    ("paragraphs", "n_chars", 0, "minimum"),
    ("paragraphs", "source_lines", [], "minItems"),
    ("paragraphs", "source_lines", [4, 4], "uniqueItems"),
    ("paragraphs", "source_lines", [0], "items"),
    ("paragraphs", "cleaning", ["nfc", "nfc"], "uniqueItems"),
    ("paragraphs", "document_id", None, "type"),
    ("sentences", "char_start", -1, "minimum"),
    ("documents", "date", "3 Dec 2024", "pattern"),
    ("documents", "paragraph_ids", ["not-an-id"], "items"),
    ("lines", "status", "lost", "enum"),
    ("lines", "raw_sha256", "abc", "pattern"),
]


@pytest.mark.parametrize(("config", "field", "value", "keyword"), DAMAGE)
def test_damage_is_caught_like_jsonschema(seed_build, config: str, field: str, value, keyword: str) -> None:
    records = seed_records(seed_build, config)
    records[0][field] = value
    found = violations(config, pa.Table.from_pylist(records, schema=schema.arrow_schema(config)))
    assert len(found) == 1 and found[0].startswith(f"{field}: 1 records") and keyword in found[0]
    reference = list(Draft202012Validator(schema.load(config)).iter_errors(records[0]))
    assert reference, "the reference validator must reject the same record"


def test_missing_and_extra_columns(seed_build) -> None:
    table = pa.Table.from_pylist(seed_records(seed_build, "sentences"), schema=schema.arrow_schema("sentences"))
    damaged = table.drop_columns(["position"]).append_column("extra", pa.array([1] * table.num_rows))
    found = violations("sentences", damaged)
    assert "required properties missing: ['position']" in found
    assert "additional properties not allowed: ['extra']" in found


def test_row_groups_add_up_to_the_whole_table(seed_build) -> None:
    """validate reads a file a row group at a time: the counts add up and the examples are the
    file's first offenders, whatever the groups (offenders in several groups, more than shown)."""
    records = seed_records(seed_build, "paragraphs")
    for row in (3, 9, 10, 40, 41, 77):
        records[row]["n_chars"] = 0
    records[50]["kind"] = "title"
    table = pa.Table.from_pylist(records, schema=schema.arrow_schema("paragraphs")).drop_columns(["cleaning"])
    whole = violations("paragraphs", table)
    assert len(whole) == 3 and "n_chars: 6 records" in whole[2]
    for rows in (5, 7, 40):
        found = Violations("paragraphs")
        for lo in range(0, table.num_rows, rows):
            found.add(table.slice(lo, rows))
        assert found.messages() == whole

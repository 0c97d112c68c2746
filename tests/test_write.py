"""write.py: row groups cut by content (bounded, whatever the batch sizes), rows gathered per group."""
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from syria_news_ar import write
from syria_news_ar.write import row_group_bounds, write_parquet, write_row_groups


@pytest.fixture
def small_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write, "ROW_GROUP_ROWS", 3)
    monkeypatch.setattr(write, "ROW_GROUP_TEXT_BYTES", 10)


def test_row_groups_close_at_the_row_or_text_limit(small_groups: None) -> None:
    assert row_group_bounds(np.array([1, 1, 1, 1, 1, 1, 1])) == [(0, 3), (3, 6), (6, 7)]
    assert row_group_bounds(np.array([4, 4, 4, 4])) == [(0, 2), (2, 4)]
    # a row larger than the limit is a group of its own
    assert row_group_bounds(np.array([2, 30, 2])) == [(0, 1), (1, 2), (2, 3)]
    assert row_group_bounds(np.array([], dtype=np.int64)) == [(0, 0)]


def test_written_rows_and_groups(small_groups: None, tmp_path: Path) -> None:
    table = pa.table({"id": pa.array(range(7), pa.int64()), "text": ["aaaa", "b", "cc", "ddddddd", "e", "f", "g"]})
    write_parquet(table, tmp_path / "all.parquet")
    meta = pq.ParquetFile(tmp_path / "all.parquet").metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [3, 3, 1]  # 4+1+2, 7+1+1, 1
    assert pq.read_table(tmp_path / "all.parquet").equals(table)
    rows = np.array([6, 0, 3, 4])
    asked: list[tuple[int, int]] = []

    def rows_between(lo: int, hi: int) -> pa.Table:
        asked.append((lo, hi))
        return table.take(pa.array(rows[lo:hi]))

    write_row_groups(tmp_path / "some.parquet", table.schema, np.array([1, 4, 7, 1]), rows_between)
    assert asked == [(0, 2), (2, 4)]  # 1+4, then 7+1: each group is built only when it is written
    assert pq.read_table(tmp_path / "some.parquet").equals(table.take(pa.array(rows)))


def test_same_rows_same_bytes_however_chunked(small_groups: None, tmp_path: Path) -> None:
    texts = [f"نص {i}" for i in range(20)]
    one = pa.table({"text": pa.chunked_array([texts])})
    many = pa.table({"text": pa.chunked_array([[t] for t in texts])})
    write_parquet(one, tmp_path / "one.parquet")
    write_parquet(many, tmp_path / "many.parquet")
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "many.parquet").read_bytes()


def test_an_empty_table_is_one_empty_row_group(tmp_path: Path) -> None:
    table = pa.table({"text": pa.array([], pa.string())})
    write_parquet(table, tmp_path / "empty.parquet")
    reference = tmp_path / "reference.parquet"
    pq.write_table(table, reference, **write.parquet_options(table.schema))
    assert (tmp_path / "empty.parquet").read_bytes() == reference.read_bytes()


def test_unique_columns_are_plain_the_others_dictionary_encoded(tmp_path: Path) -> None:
    from syria_news_ar import paths, schema

    names = {f.name for config in paths.CONFIGS for f in schema.arrow_schema(config)}
    assert write.PLAIN_COLUMNS <= names  # no stale name
    table = pa.table({
        "id": pa.array([f"{i:032x}" for i in range(50)]),
        "document_id": pa.array(["d1"] * 25 + ["d2"] * 25),
        "cleaning": pa.array([["nfc"]] * 50, pa.list_(pa.string())),
        "source_lines": pa.array([[i] for i in range(50)], pa.list_(pa.int64())),
    })
    write_parquet(table, tmp_path / "t.parquet")
    group = pq.ParquetFile(tmp_path / "t.parquet").metadata.row_group(0)
    dictionary = {group.column(i).path_in_schema: group.column(i).has_dictionary_page for i in range(group.num_columns)}
    assert dictionary == {"id": False, "document_id": True, "cleaning.list.element": True, "source_lines.list.element": False}
    assert pq.read_table(tmp_path / "t.parquet").equals(table)

"""JSON Schema constraints checked column-wise on Arrow tables, so every record is covered at scale.

The schemas in schemas/ use a small vocabulary (type, required, additionalProperties: false,
enum, pattern, minLength, minimum, items, minItems, uniqueItems); each keyword maps to one
vectorised Arrow compute test here. `jsonschema` itself still checks every record of small
datasets and a deterministic sample of large ones (validate.py), so this translation is tested
against the reference validator on the same data.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import schema

MAX_SHOWN = 3


def _types(spec: dict[str, Any]) -> tuple[str, bool]:
    t = spec["type"]
    if isinstance(t, list):
        return next(x for x in t if x != "null"), "null" in t
    return t, False


def _bad_values(arr: pa.Array, spec: dict[str, Any]) -> pa.Array:
    """Boolean mask: values (non-null) that break the spec's value keywords."""
    t, _ = _types(spec)
    bad = pa.array(np.zeros(len(arr), dtype=bool))
    valid = pc.is_valid(arr)
    tests: list[pa.Array] = []
    if t == "string":
        if "minLength" in spec:
            tests.append(pc.less(pc.utf8_length(arr), spec["minLength"]))
        if "pattern" in spec:
            tests.append(pc.invert(pc.match_substring_regex(arr, spec["pattern"])))
        if "enum" in spec:
            tests.append(pc.invert(pc.is_in(arr, value_set=pa.array(spec["enum"], type=arr.type))))
    elif t == "integer":
        if "minimum" in spec:
            tests.append(pc.less(arr, spec["minimum"]))
    for test in tests:
        bad = pc.or_(bad, pc.and_(valid, pc.fill_null(test, False)))
    return bad


def _array_violations(arr: pa.Array, spec: dict[str, Any]) -> pa.Array:
    bad = pa.array(np.zeros(len(arr), dtype=bool))
    lengths = pc.fill_null(pc.list_value_length(arr), 0)
    if "minItems" in spec:
        bad = pc.or_(bad, pc.and_(pc.is_valid(arr), pc.less(lengths, spec["minItems"])))
    flat = pc.list_flatten(arr)
    parents = pc.list_parent_indices(arr).to_numpy()
    items = spec.get("items", {})
    if len(flat):
        item_bad = _bad_values(flat, items)
        if not _types(items)[1]:
            item_bad = pc.or_(item_bad, pc.is_null(flat))
        rows = np.unique(parents[item_bad.to_numpy(zero_copy_only=False)])
        if spec.get("uniqueItems"):
            codes = pc.dictionary_encode(flat).indices.to_numpy(zero_copy_only=False) if pa.types.is_string(flat.type) else flat.to_numpy(zero_copy_only=False)
            order = np.lexsort((codes, parents))
            p, c = parents[order], codes[order]
            dup = (p[1:] == p[:-1]) & (c[1:] == c[:-1])
            rows = np.union1d(rows, p[1:][dup])
        mask = np.zeros(len(arr), dtype=bool)
        mask[rows.astype(np.int64)] = True
        bad = pc.or_(bad, pa.array(mask))
    return bad


def _one_array(column: pa.ChunkedArray, type_: pa.DataType) -> pa.Array:
    """The column as one array: its only chunk as it is (combine_chunks copies even that one;
    a row group's text column is ~32 MB), else its chunks combined."""
    if column.num_chunks == 1:
        return column.chunk(0)
    return column.combine_chunks() if len(column) else pa.array([], type=type_)


class Violations:
    """The violations of a config's JSON Schema found in a file read one row group at a time:
    the same messages as one look at the whole file (counts add up; the first examples are the
    file's first offenders)."""

    def __init__(self, config: str) -> None:
        self.doc = schema.load(config)
        self.expected = schema.arrow_schema(config)
        self.structural: list[str] = []  # missing and extra columns (the same for every row group)
        self.type_errors: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        self.shown: dict[str, list[Any]] = {}
        self.key = ""
        self.seen_columns = False

    def add(self, table: pa.Table) -> None:
        props = self.doc["properties"]
        names = set(table.column_names)
        if not self.seen_columns:
            self.seen_columns = True
            self.key = "id" if "id" in names else "line_number"
            missing = [p for p in self.doc.get("required", []) if p not in names]
            extra = sorted(names - set(props)) if self.doc.get("additionalProperties") is False else []
            if missing:
                self.structural.append(f"required properties missing: {missing}")
            if extra:
                self.structural.append(f"additional properties not allowed: {extra}")
            for name in props:
                if name in names and table.schema.field(name).type != self.expected.field(name).type:
                    self.type_errors[name] = f"{name}: type {table.schema.field(name).type}, expected {self.expected.field(name).type}"
        for name, spec in props.items():
            if name not in names or table.schema.field(name).type != self.expected.field(name).type:
                continue
            col = _one_array(table[name], self.expected.field(name).type)
            t, nullable = _types(spec)
            bad = _array_violations(col, spec) if t == "array" else _bad_values(col, spec)
            if not nullable:
                bad = pc.or_(bad, pc.is_null(col))
            rows = np.flatnonzero(bad.to_numpy(zero_copy_only=False))
            if len(rows):
                self.counts[name] = self.counts.get(name, 0) + len(rows)
                shown = self.shown.setdefault(name, [])
                if len(shown) < MAX_SHOWN:
                    shown += table[self.key].take(pa.array(rows[: MAX_SHOWN - len(shown)])).to_pylist()

    def messages(self) -> list[str]:
        """Readable violations ([] when none): missing and extra columns, then by property."""
        out = list(self.structural)
        for name, spec in self.doc["properties"].items():
            if name in self.type_errors:
                out.append(self.type_errors[name])
            elif name in self.counts:
                keywords = sorted(k for k in spec if k != "description")
                out.append(f"{name}: {self.counts[name]} records break {keywords} (e.g. {self.key} {self.shown[name]})")
        return out


def violations(config: str, table: pa.Table) -> list[str]:
    """Readable violations of the config's JSON Schema by any record of `table` ([] when none)."""
    found = Violations(config)
    found.add(table)
    return found.messages()

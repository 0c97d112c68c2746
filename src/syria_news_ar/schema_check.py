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


def violations(config: str, table: pa.Table) -> list[str]:
    """Readable violations of the config's JSON Schema by any record of `table` ([] when none)."""
    doc = schema.load(config)
    props = doc["properties"]
    out: list[str] = []
    names = set(table.column_names)
    missing = [p for p in doc.get("required", []) if p not in names]
    extra = sorted(names - set(props)) if doc.get("additionalProperties") is False else []
    if missing:
        out.append(f"required properties missing: {missing}")
    if extra:
        out.append(f"additional properties not allowed: {extra}")
    expected = schema.arrow_schema(config)
    for name, spec in props.items():
        if name not in names:
            continue
        col = table[name].combine_chunks() if table.num_rows else pa.array([], type=expected.field(name).type)
        if col.type != expected.field(name).type:
            out.append(f"{name}: type {col.type}, expected {expected.field(name).type}")
            continue
        t, nullable = _types(spec)
        bad = _array_violations(col, spec) if t == "array" else _bad_values(col, spec)
        if not nullable:
            bad = pc.or_(bad, pc.is_null(col))
        rows = np.flatnonzero(bad.to_numpy(zero_copy_only=False))
        if len(rows):
            key = "id" if "id" in names else "line_number"
            shown = table[key].take(pa.array(rows[:MAX_SHOWN])).to_pylist()
            out.append(f"{name}: {len(rows)} records break {sorted(k for k in spec if k != 'description')} (e.g. {key} {shown})")
    return out

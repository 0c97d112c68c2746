"""JSON Schemas in schemas/ are the single truth of fields; Arrow and HF feature types derive from them."""
from __future__ import annotations

import json
from functools import cache
from typing import Any

import pyarrow as pa

from . import paths

_SCALARS: dict[str, pa.DataType] = {"integer": pa.int64(), "string": pa.string(), "boolean": pa.bool_()}


@cache
def load(config: str) -> dict[str, Any]:
    return json.loads(paths.schema_path(config).read_text(encoding="utf-8"))


def _split_null(spec: dict[str, Any]) -> tuple[str, bool]:
    t = spec["type"]
    if isinstance(t, list):
        non_null = [x for x in t if x != "null"]
        return non_null[0], "null" in t
    return t, False


def _arrow_type(spec: dict[str, Any]) -> pa.DataType:
    t, _ = _split_null(spec)
    if t == "array":
        return pa.list_(_arrow_type(spec["items"]))
    return _SCALARS[t]


def arrow_schema(config: str) -> pa.Schema:
    """Field order and types exactly as the JSON Schema lists them."""
    props = load(config)["properties"]
    return pa.schema(
        [pa.field(name, _arrow_type(spec), nullable=_split_null(spec)[1]) for name, spec in props.items()]
    )


def hf_features(config: str) -> list[dict[str, Any]]:
    """The card's `dataset_info.features` block for one config."""
    out: list[dict[str, Any]] = []
    for name, spec in load(config)["properties"].items():
        t, _ = _split_null(spec)
        if t == "array":
            out.append({"name": name, "list": {"integer": "int64", "string": "string"}[spec["items"]["type"]]})
        else:
            out.append({"name": name, "dtype": {"integer": "int64", "string": "string", "boolean": "bool"}[t]})
    return out


def descriptions(config: str) -> dict[str, str]:
    return {name: spec.get("description", "") for name, spec in load(config)["properties"].items()}

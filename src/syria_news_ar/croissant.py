"""Croissant 1.0 (+ RAI) metadata for the dataset folder: croissant.json, from the written Parquet.

Layout chosen (it validates with `mlcroissant validate` and reads with mlcroissant 1.1):

- `distribution`: one `cr:FileObject` per Parquet file (relative `contentUrl` such as
  `data/paragraphs/train-00000-of-00001.parquet`, `encodingFormat` `application/x-parquet`,
  `sha256`, `contentSize`): the integrity manifest of the folder. Then one `cr:FileSet` per config
  whose `includes` glob `data/<config>/*.parquet` is resolved relative to croissant.json's folder;
  the record sets read through these FileSets, so one record set holds all of a config's splits.
  Why not read through the FileObjects: a Croissant field takes its values from one FileObject or
  FileSet, so a record set over per-split FileObjects would mean one record set per config and
  split; and a FileSet `containedIn` non-archive FileObjects reads nothing in mlcroissant 1.1.1
  (it yields file names, not rows). Consequence: mlcroissant does not check the sha256 of files it
  reads through a FileSet; `syria-news-ar publish` and the tests check them against the FileObjects.
- `recordSet`: one `cr:RecordSet` per config (`paragraphs`, `sentences`, `documents`, `lines`).
  Its fields are the JSON Schema's properties in schema order (`sc:Text` for strings, `sc:Integer`
  for integers, `sc:Boolean` for booleans; arrays are `repeated: true` fields of the item type),
  each extracting the Parquet column of the same name, plus a `split` field taken from the file
  name (`train`, `validation`, `test`, or `full` for `lines`).

Nothing here depends on the machine or the clock: no absolute paths, no dates, no random ids.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from . import paths, schema
from .params import Params

CONFORMS_TO = ["http://mlcommons.org/croissant/1.0", "http://mlcommons.org/croissant/RAI/1.0"]
PARQUET_FORMAT = "application/x-parquet"

# The standard Croissant 1.0 @context (as published with the spec's 1.0 examples).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

_DATA_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "boolean": "sc:Boolean"}


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_object_id(config: str, split: str) -> str:
    return f"{config}-{split}-parquet"


def file_set_id(config: str) -> str:
    return f"{config}-parquet-files"


def _base_type(spec: dict[str, Any]) -> str:
    t = spec["type"]
    if isinstance(t, list):
        return [x for x in t if x != "null"][0]
    return t


def record_set_fields(config: str) -> list[dict[str, Any]]:
    """One Croissant field per JSON Schema property (schema order), then `split`."""
    fields: list[dict[str, Any]] = []
    for name, spec in schema.load(config)["properties"].items():
        t = _base_type(spec)
        field: dict[str, Any] = {"@type": "cr:Field", "@id": f"{config}/{name}", "name": name}
        field["description"] = spec.get("description", "")
        if t == "array":
            field["dataType"] = _DATA_TYPES[_base_type(spec["items"])]
            field["repeated"] = True
        else:
            field["dataType"] = _DATA_TYPES[t]
        field["source"] = {"fileSet": {"@id": file_set_id(config)}, "extract": {"column": name}}
        fields.append(field)
    splits = "|".join(paths.splits_of(config))
    fields.append(
        {
            "@type": "cr:Field",
            "@id": f"{config}/split",
            "name": "split",
            "description": "Split of the record, from the name of its Parquet file "
            f"({', '.join(paths.splits_of(config))}).",
            "dataType": "sc:Text",
            "source": {
                "fileSet": {"@id": file_set_id(config)},
                "extract": {"fileProperty": "filename"},
                "transform": {"regex": f"^({splits})-[0-9]+-of-[0-9]+\\.parquet$"},
            },
        }
    )
    return fields


def distribution(out_dir: Path, sha256s: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """FileObjects (hashes computed unless `sha256s` maps relative paths to them), then FileSets."""
    sha256s = sha256s or {}
    dist: list[dict[str, Any]] = []
    for config in paths.CONFIGS:
        for split in paths.splits_of(config):
            rel = paths.parquet_relpath(config, split)
            path = out_dir / rel
            dist.append(
                {
                    "@type": "cr:FileObject",
                    "@id": file_object_id(config, split),
                    "name": file_object_id(config, split),
                    "description": f"The {split} split of the `{config}` config.",
                    "contentUrl": rel,
                    "contentSize": f"{path.stat().st_size} B",
                    "encodingFormat": PARQUET_FORMAT,
                    "sha256": sha256s.get(rel) or file_sha256(path),
                }
            )
    for config in paths.CONFIGS:
        dist.append(
            {
                "@type": "cr:FileSet",
                "@id": file_set_id(config),
                "name": file_set_id(config),
                "description": f"Every Parquet file of the `{config}` config (one per split).",
                "encodingFormat": PARQUET_FORMAT,
                "includes": f"data/{config}/*.parquet",
            }
        )
    return dist


def record_sets() -> list[dict[str, Any]]:
    return [
        {
            "@type": "cr:RecordSet",
            "@id": config,
            "name": config,
            "description": schema.load(config).get("description", ""),
            "field": record_set_fields(config),
        }
        for config in paths.CONFIGS
    ]


def croissant_metadata(
    out_dir: Path,
    params: Params,
    *,
    description: str,
    cite_as: str,
    license_name: str,
    license_text: str,
    keywords: list[str],
    rai: dict[str, Any],
    date_published: str | None = None,
    sha256s: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The whole JSON-LD document; `rai` maps `rai:...` property names to text or lists of text."""
    meta: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": params.dataset.name,
        "alternateName": params.dataset.pretty_name,
        "description": description,
        "conformsTo": CONFORMS_TO,
        "citeAs": cite_as,
        "creator": {"@type": "sc:Organization", "name": f"{params.dataset.name} contributors"},
        "inLanguage": "ar",
        "keywords": keywords,
        "license": {"@type": "sc:CreativeWork", "name": license_name, "description": license_text},
        "version": params.dataset.version,
    }
    if date_published:
        meta["datePublished"] = date_published
    meta.update(rai)
    meta["distribution"] = distribution(out_dir, sha256s)
    meta["recordSet"] = record_sets()
    return meta


def dumps(meta: dict[str, Any]) -> str:
    return json.dumps(meta, ensure_ascii=False, indent=2) + "\n"


def write_croissant(out_dir: Path, meta: dict[str, Any]) -> Path:
    path = out_dir / "croissant.json"
    path.write_text(dumps(meta), encoding="utf-8")
    return path

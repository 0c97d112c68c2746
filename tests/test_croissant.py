"""croissant.json: Croissant 1.0 + RAI, validated by mlcroissant, records read back equal the Parquet."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from syria_news_ar import paths, schema

RAI_FIELDS = ("rai:dataCollection", "rai:dataBiases", "rai:dataLimitations",
              "rai:personalSensitiveInformation", "rai:dataUseCases")


@pytest.fixture(scope="module")
def meta(seed_build) -> dict:
    out, _ = seed_build
    return json.loads((out / "croissant.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mlc_dataset(seed_build):
    import mlcroissant as mlc

    out, _ = seed_build
    return mlc.Dataset(jsonld=str(out / "croissant.json"))


def test_mlcroissant_validates_without_errors(mlc_dataset) -> None:
    issues = mlc_dataset.metadata.ctx.issues
    assert not issues.errors, issues.report()
    # the only warning allowed: no datePublished (params.yaml records no release date)
    assert all("datePublished" in w for w in issues.warnings), issues.report()


def test_mlcroissant_cli_validate(seed_build) -> None:
    out, _ = seed_build
    cli = Path(sys.executable).with_name("mlcroissant")
    proc = subprocess.run([str(cli), "validate", "--jsonld", "croissant.json"], cwd=out,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Done." in proc.stderr


def test_header_version_and_rai(meta: dict, params) -> None:
    assert "http://mlcommons.org/croissant/1.0" in meta["conformsTo"]
    assert meta["@type"] == "sc:Dataset"
    assert meta["version"] == params.dataset.version
    assert meta["name"] == params.dataset.name
    assert params.dataset.version in meta["citeAs"] and params.dataset.pretty_name in meta["citeAs"]
    for key in RAI_FIELDS:
        value = meta[key]
        assert value and all(isinstance(v, str) and v.strip() for v in (value if isinstance(value, list) else [value]))
    biases = " ".join(meta["rai:dataBiases"])
    assert "تحرير" in biases and "النظام المجرم" in biases and "partisan" in biases
    assert any("Not fit for" in u for u in meta["rai:dataUseCases"])


def test_file_objects_hash_every_parquet(meta: dict, seed_build) -> None:
    out, _ = seed_build
    objects = [d for d in meta["distribution"] if d["@type"] == "cr:FileObject"]
    expected = [paths.parquet_relpath(c, s) for c in paths.CONFIGS for s in paths.splits_of(c)]
    assert [o["contentUrl"] for o in objects] == expected
    for o in objects:
        data = (out / o["contentUrl"]).read_bytes()
        assert o["encodingFormat"] == "application/x-parquet"
        assert o["sha256"] == hashlib.sha256(data).hexdigest()
        assert o["contentSize"] == f"{len(data)} B"
    sets = [d for d in meta["distribution"] if d["@type"] == "cr:FileSet"]
    assert [s["includes"] for s in sets] == [f"data/{c}/*.parquet" for c in paths.CONFIGS]


def test_record_set_fields_match_schemas(meta: dict) -> None:
    record_sets = {r["@id"]: r for r in meta["recordSet"]}
    assert list(record_sets) == list(paths.CONFIGS)
    types = {"string": "sc:Text", "integer": "sc:Integer", "boolean": "sc:Boolean"}
    for config, rs in record_sets.items():
        props = schema.load(config)["properties"]
        fields = rs["field"]
        assert [f["name"] for f in fields] == [*props, "split"]
        for f in fields[:-1]:
            spec = props[f["name"]]
            t = spec["type"] if isinstance(spec["type"], str) else [x for x in spec["type"] if x != "null"][0]
            if t == "array":
                assert f.get("repeated") is True and f["dataType"] == types[spec["items"]["type"]]
            else:
                assert "repeated" not in f and f["dataType"] == types[t]
            assert f["source"]["extract"] == {"column": f["name"]}
            assert f["description"] == spec["description"]


def _decode(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if hasattr(value, "tolist"):
        return _decode(value.tolist())
    return value


@pytest.mark.parametrize("config", paths.CONFIGS)
def test_records_read_back_equal_the_parquet(mlc_dataset, seed_build, config: str) -> None:
    out, _ = seed_build
    records = [{k.split("/", 1)[1]: _decode(v) for k, v in r.items()} for r in mlc_dataset.records(record_set=config)]
    expected = []
    for split in paths.splits_of(config):
        for row in pq.read_table(out / paths.parquet_relpath(config, split)).to_pylist():
            expected.append({**row, "split": split})
    assert len(records) == len(expected) == sum(pq.read_metadata(out / paths.parquet_relpath(config, s)).num_rows
                                                for s in paths.splits_of(config))
    key = (lambda r: (r["split"], r["line_number"])) if config == "lines" else (lambda r: (r["split"], r["id"]))
    assert sorted(records, key=key) == sorted(expected, key=key)

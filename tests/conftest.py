"""Shared fixtures: the seed built once per session, small sources written on demand."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from syria_news_ar import params as params_mod
from syria_news_ar import paths
from syria_news_ar.build import build

# workspace paths (params.yaml, data/) are relative to the project root, as under DVC
os.chdir(paths.ROOT)
SEED = paths.ROOT / paths.SOURCE

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


@pytest.fixture(scope="session")
def params() -> params_mod.Params:
    return params_mod.load()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory, params: params_mod.Params) -> tuple[Path, dict]:
    """The seed built into a temp folder once: (dataset folder, build result with metrics)."""
    root = tmp_path_factory.mktemp("seed")
    out = root / "dataset"
    result = build(SEED, out, params, root / "metrics")
    return out, result


@pytest.fixture
def write_source(tmp_path: Path):
    """Write lines (str) or raw bytes to a file and return its path."""

    def _write(content: str | bytes, name: str = "source.txt") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    return _write

"""The one place that knows where things live in the project checkout."""
from __future__ import annotations

from pathlib import Path

# Code-owned assets live beside the code (the checkout the package is installed from) ...
ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
VALIDATION = ROOT / "validation"
# ... while the workspace (params, data, outputs) is relative to the working directory, as DVC
# runs every stage from the project root: a copy of the project then works on its own files.
PARAMS = Path("params.yaml")
RAW_DIR = Path("data") / "raw"
INTERIM = Path("data") / "interim"
DATASET = Path("dataset")
METRICS = Path("metrics")

CONFIGS: tuple[str, ...] = ("paragraphs", "sentences", "documents", "lines")
SPLITS: tuple[str, ...] = ("train", "validation", "test")
LINES_SPLIT = "full"


def splits_of(config: str) -> tuple[str, ...]:
    """`lines` is the whole ledger in one split; every other config has train/validation/test."""
    return (LINES_SPLIT,) if config == "lines" else SPLITS


def parquet_relpath(config: str, split: str) -> str:
    """Hub layout: data/<config>/<split>-00000-of-00001.parquet (posix, relative to the dataset folder)."""
    return f"data/{config}/{split}-00000-of-00001.parquet"


def schema_path(config: str) -> Path:
    return SCHEMAS / f"{config}.schema.json"

# DVC stage intermediates (git-ignored DVC outs) and committed metrics
INTERIM_INGEST = INTERIM / "ingest.parquet"
INTERIM_SEGMENT = INTERIM / "segment.parquet"
INTERIM_DOCUMENTS = INTERIM / "documents.parquet"
INTERIM_DEDUPLICATE = INTERIM / "deduplicate.parquet"
PLOTS = METRICS / "plots"
SOURCE = RAW_DIR / "000_356bbac04ad081bb.txt"


def metrics_file(step: str, metrics_dir: Path = METRICS) -> Path:
    return metrics_dir / f"{step}.json"

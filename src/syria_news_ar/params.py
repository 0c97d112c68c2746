"""The one place that reads params.yaml; each step gets its own typed section."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import paths
from .errors import ParamsError


@dataclass(frozen=True)
class IngestParams:
    min_arabic_letter_share: float
    min_arabic_letters: int
    batch_lines: int


@dataclass(frozen=True)
class SegmentParams:
    heading_max_words: int
    heading_max_chars: int


@dataclass(frozen=True)
class DedupParams:
    shingle_size: int
    num_perm: int
    lsh_bands: int
    lsh_rows: int
    seed: int
    jaccard_threshold: float
    containment_threshold: float
    containment_min_words: int


@dataclass(frozen=True)
class SplitParams:
    seed: int
    ratios: dict[str, float]


@dataclass(frozen=True)
class DatasetParams:
    version: str
    name: str
    pretty_name: str


@dataclass(frozen=True)
class Params:
    dataset: DatasetParams
    ingest: IngestParams
    segment: SegmentParams
    deduplicate: DedupParams
    split: SplitParams


def _section(raw: dict[str, Any], name: str, cls: type) -> Any:
    try:
        return cls(**raw[name])
    except KeyError as exc:
        raise ParamsError(f"params.yaml: missing section or key {exc}") from None
    except TypeError as exc:
        raise ParamsError(f"params.yaml: section '{name}': {exc}") from None


def load(path: Path = paths.PARAMS) -> Params:
    """Read and check params.yaml so bad values fail before any work starts."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParamsError(f"{path}: params file not found") from None
    p = Params(
        dataset=_section(raw, "dataset", DatasetParams),
        ingest=_section(raw, "ingest", IngestParams),
        segment=_section(raw, "segment", SegmentParams),
        deduplicate=_section(raw, "deduplicate", DedupParams),
        split=_section(raw, "split", SplitParams),
    )
    ratios = p.split.ratios
    if set(ratios) != set(paths.SPLITS) or abs(sum(ratios.values()) - 1) > 1e-9 or min(ratios.values()) <= 0:
        raise ParamsError(f"params.yaml: split.ratios must give positive train/validation/test summing to 1, got {ratios}")
    d = p.deduplicate
    if d.num_perm != d.lsh_bands * d.lsh_rows:
        raise ParamsError(f"params.yaml: deduplicate.num_perm ({d.num_perm}) must equal lsh_bands * lsh_rows")
    return p

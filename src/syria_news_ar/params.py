"""The one place that reads params.yaml; each step gets its own typed section."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
class ValidateParams:
    text_max_chars: int
    date_min: str
    date_max: str
    jsonschema_all_records_up_to: int
    jsonschema_sample_records: int


@dataclass(frozen=True)
class DatasetParams:
    version: str
    name: str
    pretty_name: str
    released: str  # ISO date of this version's release (card, CITATION.cff, Croissant)


@dataclass(frozen=True)
class Params:
    dataset: DatasetParams
    ingest: IngestParams
    segment: SegmentParams
    deduplicate: DedupParams
    split: SplitParams
    validate: ValidateParams


def _section(raw: dict[str, Any], name: str, cls: type) -> Any:
    try:
        return cls(**raw[name])
    except KeyError as exc:
        raise ParamsError(f"params.yaml: missing section or key {exc}") from None
    except TypeError as exc:
        raise ParamsError(f"params.yaml: section '{name}': {exc}") from None


def load(path: Path = paths.PARAMS) -> Params:
    """Read and check params.yaml so bad values fail before any work starts.

    The default, params.yaml in the working directory (the project root under DVC), falls back
    to the one beside the code, so `syria-news-ar build` works from any folder.
    """
    if not path.is_absolute() and not path.exists() and (paths.ROOT / path).exists():
        path = paths.ROOT / path
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
        validate=_section(raw, "validate", ValidateParams),
    )
    ratios = p.split.ratios
    if set(ratios) != set(paths.SPLITS) or abs(sum(ratios.values()) - 1) > 1e-9 or min(ratios.values()) <= 0:
        raise ParamsError(f"params.yaml: split.ratios must give positive train/validation/test summing to 1, got {ratios}")
    d = p.deduplicate
    if d.num_perm != d.lsh_bands * d.lsh_rows:
        raise ParamsError(f"params.yaml: deduplicate.num_perm ({d.num_perm}) must equal lsh_bands * lsh_rows")
    _check_validate(p.validate)
    return p


def _check_validate(v: ValidateParams) -> None:
    """ISO dates as quoted strings (unquoted YAML dates load as date objects), in order."""
    try:
        lo, hi = date.fromisoformat(v.date_min), date.fromisoformat(v.date_max)
    except (TypeError, ValueError):
        raise ParamsError(f"params.yaml: validate.date_min/date_max must be quoted ISO dates, got {v.date_min!r}, {v.date_max!r}") from None
    if lo > hi or v.text_max_chars < 1:
        raise ParamsError(f"params.yaml: validate needs date_min <= date_max and text_max_chars >= 1, got {v}")

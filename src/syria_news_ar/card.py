"""Step 6, card: dataset/README.md whose YAML lets `load_dataset(DIR, config)` work offline."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from . import paths, schema
from .write import read_split


def split_info(out_dir: Path) -> dict[str, dict[str, dict[str, int]]]:
    """num_examples and num_bytes of every written split, read back from the Parquet files."""
    info: dict[str, dict[str, dict[str, int]]] = {}
    for config in paths.CONFIGS:
        info[config] = {}
        for split in paths.splits_of(config):
            t = read_split(out_dir, config, split)
            info[config][split] = {"num_examples": t.num_rows, "num_bytes": t.nbytes}
    return info


def card_yaml(out_dir: Path, pretty_name: str) -> dict[str, Any]:
    info = split_info(out_dir)
    total = info["paragraphs"]
    n_par = sum(s["num_examples"] for s in total.values())
    size = "n<1K" if n_par < 1000 else "1K<n<10K" if n_par < 10_000 else "10K<n<100K" if n_par < 100_000 else "100K<n<1M"
    return {
        "pretty_name": pretty_name,
        "language": ["ar"],
        "license": "other",
        "task_categories": ["text-classification", "text-generation"],
        "size_categories": [size],
        "source_datasets": ["original"],
        "configs": [
            {
                "config_name": config,
                **({"default": True} if config == "paragraphs" else {}),
                "data_files": [
                    {"split": split, "path": paths.parquet_relpath(config, split)} for split in paths.splits_of(config)
                ],
            }
            for config in paths.CONFIGS
        ],
        "dataset_info": [
            {
                "config_name": config,
                "features": schema.hf_features(config),
                "splits": [{"name": split, **info[config][split]} for split in paths.splits_of(config)],
                "download_size": sum(
                    (out_dir / paths.parquet_relpath(config, s)).stat().st_size for s in paths.splits_of(config)
                ),
                "dataset_size": sum(v["num_bytes"] for v in info[config].values()),
            }
            for config in paths.CONFIGS
        ],
    }


def write_card(out_dir: Path, params: Any, metrics: dict[str, dict]) -> None:
    pretty_name = params.dataset.pretty_name
    meta = yaml.safe_dump(card_yaml(out_dir, pretty_name), allow_unicode=True, sort_keys=False, width=1000)
    body = f"# {pretty_name}\n\nArabic news paragraphs about Syria, 27 November to 3 December 2024.\n"
    (out_dir / "README.md").write_text(f"---\n{meta}---\n\n{body}", encoding="utf-8")

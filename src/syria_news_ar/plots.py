"""Plot data for `dvc plots`: paragraph length distribution per split, sentences per paragraph."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from . import paths
from .records import Records

LENGTH_BIN = 100  # characters


def write_plots(plots_dir: Path, n_chars: np.ndarray, n_sentences: np.ndarray, split: np.ndarray) -> None:
    """One CSV per plot, one column per split, so each split is one series (`split`: a paragraph's
    split as its place in paths.SPLITS)."""
    plots_dir.mkdir(parents=True, exist_ok=True)
    for name, values in (
        ("paragraph_length", n_chars // LENGTH_BIN * LENGTH_BIN),
        ("sentences_per_paragraph", n_sentences),
    ):
        counts = _counts_by_split(values, split)
        xs = sorted({x for c in counts for x in c})
        x_name = "n_chars_from" if name == "paragraph_length" else "n_sentences"
        with (plots_dir / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([x_name, *paths.SPLITS])
            for x in xs:
                w.writerow([x, *(c.get(x, 0) for c in counts)])


def _counts_by_split(values: np.ndarray, split: np.ndarray) -> list[dict[int, int]]:
    """value -> paragraphs with it, for each split in paths.SPLITS order."""
    counts = []
    for k in range(len(paths.SPLITS)):
        found, n = np.unique(values[split == k], return_counts=True)
        counts.append(dict(zip(found.tolist(), n.tolist())))
    return counts


def plot_columns(records: Records, doc_split: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the plots need of the paragraphs (n_chars, n_sentences, split), so the records can go:
    arrays, not lists of Python ints held through validation."""
    split_of_doc = np.array([paths.SPLITS.index(s) for s in doc_split], dtype=np.int8)
    return (
        records.paragraphs["n_chars"].to_numpy().astype(np.int64, copy=False),
        records.paragraphs["n_sentences"].to_numpy().astype(np.int64, copy=False),
        split_of_doc[records.paragraph_doc],
    )


def write_plot_data(plots_dir: Path, records: Records, doc_split: list[str]) -> None:
    write_plots(plots_dir, *plot_columns(records, doc_split))

"""Plot data for `dvc plots`: paragraph length distribution per split, sentences per paragraph."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from . import paths
from .records import Records

LENGTH_BIN = 100  # characters


def write_plots(plots_dir: Path, n_chars: list[int], n_sentences: list[int], splits: list[str]) -> None:
    """One CSV per plot, one column per split, so each split is one series."""
    plots_dir.mkdir(parents=True, exist_ok=True)
    for name, values, key in (
        ("paragraph_length", n_chars, lambda v: v // LENGTH_BIN * LENGTH_BIN),
        ("sentences_per_paragraph", n_sentences, lambda v: v),
    ):
        counts = {s: Counter(key(v) for v, sp in zip(values, splits) if sp == s) for s in paths.SPLITS}
        xs = sorted({x for c in counts.values() for x in c})
        x_name = "n_chars_from" if name == "paragraph_length" else "n_sentences"
        with (plots_dir / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([x_name, *paths.SPLITS])
            for x in xs:
                w.writerow([x, *(counts[s].get(x, 0) for s in paths.SPLITS)])


def plot_columns(records: Records, doc_split: list[str]) -> tuple[list[int], list[int], list[str]]:
    """What the plots need of the paragraphs (n_chars, n_sentences, split), so the records can go."""
    return (
        records.paragraphs["n_chars"].to_pylist(),
        records.paragraphs["n_sentences"].to_pylist(),
        [doc_split[d] for d in records.paragraph_doc.tolist()],
    )


def write_plot_data(plots_dir: Path, records: Records, doc_split: list[str]) -> None:
    write_plots(plots_dir, *plot_columns(records, doc_split))

"""Step 6, card: the dataset card (README.md), croissant.json, CITATION.cff and the figure.

Everything is computed from what was written (the Parquet files, the schemas in schemas/, the step
metrics and params.yaml) and nothing depends on the clock or the machine: two builds give the
same bytes. The card's YAML header lets `datasets.load_dataset(DIR, config)` work offline; its body
is a datasheet (source, processing with counts, fields, splits, examples, biases, sensitive
information, license, versions, citation).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from . import croissant, paths, schema
from .clean import RULES, WHITESPACE_RE2
from .params import Params
from .write import ROW_GROUP_ROWS, ROW_GROUP_TEXT_BYTES

if TYPE_CHECKING:
    from .claims import Claims

CARD = "README.md"
CROISSANT = "croissant.json"
CITATION = "CITATION.cff"
FIGURE = "paragraph_lengths.png"
ARTIFACTS: tuple[str, ...] = (CARD, CROISSANT, CITATION, FIGURE)

AUTHORS = "syria-news-ar contributors"
LICENSE_NAME = "unknown-source-license"
TEXT_LIMIT = 200  # characters of a string shown in an example record
LIST_LIMIT = 5  # items of a list shown in an example record

# Release notes per version; the version being built is always listed (params.yaml dataset.version).
VERSION_NOTES: dict[str, str] = {
    "0.1.0": "First release built by the syria-news-ar pipeline: configs `paragraphs`, `sentences`, "
    "`documents` and the `lines` ledger; exact and near-duplicate detection; leakage-free splits; "
    "JSON Schema validation of every record; Croissant 1.0 metadata with RAI fields.",
}

# Framing markers counted in the `paragraphs` config (distinct paragraphs containing each).
# They measure how the text names sides and events; they are not a classifier of anything.
FRAMING_MARKERS: tuple[tuple[str, str, str], ...] = (
    ("تحرير، محرر، حرر", "\"liberation\" / \"liberated\": the text's word for territory taken by the armed opposition "
     "(the group name تحرير الشام is not counted)", r"تحرير(?! الشام)|محرر|تحرر|حرر"),
    ("النظام، نظام الأسد، قوات الأسد", "\"the regime\", \"Assad's regime/forces\" for the Syrian government and army",
     r"النظام|نظام الأسد|قوات الأسد"),
    ("الجيش السوري، الجيش العربي السوري", "the Syrian army under its own name (for comparison with the row above)",
     r"الجيش السوري|الجيش العربي السوري"),
    ("النظام المجرم", "\"the criminal regime\"", r"النظام المجرم"),
    ("الإرهابي بشار / الأسد", "Bashar al-Assad called \"the terrorist\"", r"الإرهابي\W{0,3}(?:بشار|الأسد)"),
    ("ميليشيا، ميليشيات", "\"militia(s)\" for government-allied and Iranian-backed forces", r"مي?ليشي"),
    ("الثورة، الثوار", "\"the revolution\", \"the revolutionaries\": the opposition's self-description",
     r"الثورة|الثوار|ثورة"),
    ("مجزرة، مجازر", "\"massacre(s)\"", r"مجزر|مجازر"),
    ("الدفاع المدني، الخوذ البيضاء", "the Syrian Civil Defence (White Helmets), source of the casualty counts",
     r"الدفاع المدني|الخوذ البيضاء"),
    ("<number> قتيلاً / مدنياً / طفلاً / عنصراً ...", "a count of people killed, wounded or captured",
     r"[0-9٠-٩]+\s+(?:قتيل|قتلى|مدني|طفل|أطفال|نساء|امرأة|مصاب|جريح|عنصر|عناصر|أسير|رجل)"),
)


# --------------------------------------------------------------------------------------------
# what the written files say
# --------------------------------------------------------------------------------------------


@dataclass
class SplitStats:
    num_examples: int = 0
    num_bytes: int = 0
    file_bytes: int = 0
    sha256: str = ""
    example: dict[str, Any] | None = None


@dataclass
class DataStats:
    """Everything the card needs from the Parquet files, read one row group at a time."""

    splits: dict[str, dict[str, SplitStats]] = field(default_factory=dict)
    paragraph_words: dict[str, list[int]] = field(default_factory=dict)
    paragraph_kinds: dict[str, int] = field(default_factory=dict)
    framing: list[int] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    documents: int = 0

    def rows(self, config: str) -> int:
        return sum(s.num_examples for s in self.splits[config].values())


def _batches(path: Path, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """A file's row groups in order (only `columns`, if given). Not iter_batches' fixed-size
    batches: those join row groups up to their size, and one batch of the 1000 MB benchmark's
    documents was the whole 1 GB file (a 2 GB peak while the GX suites ran)."""
    pf = pq.ParquetFile(path)
    for g in range(pf.num_row_groups):
        yield pf.read_row_group(g, columns=columns)


# A negative lookahead of literal text, (?!text), outside a character class
_LITERAL_LOOKAHEAD = re.compile(r"\(\?!((?:[^()\[\]\\.^$*+?{}|])+)\)")
# Python-only syntax (another lookahead or lookbehind) or classes RE2 reads as ASCII-only (\w \W \d \b)
_NOT_RE2 = re.compile(r"\(\?[!=<](?:[^()\\]|\\.)*\)|\\[wWdbB]")


def _not_followed_by(text: str) -> str:
    """RE2 for Python's (?!text), text literal and not empty: the end, or a character other than
    text's next one, after each of its prefixes. Unlike the lookahead it consumes what follows,
    which a search for the whole pattern cannot tell apart."""
    head = re.escape(text[0])
    return f"(?:\\z|[^{head}]" + (f"|{head}{_not_followed_by(text[1:])}" if len(text) > 1 else "") + ")"


def _re2_superset(rx: str) -> tuple[str, bool]:
    """(an RE2 pattern that matches every text `rx` matches, whether it may match more).

    \\s (clean.WHITESPACE_RE2; the markers use it outside character classes only) and a lookahead
    of literal text become exact RE2; another lookahead is dropped and another Unicode-aware class
    becomes any character, so the RE2 pass over the Arrow column is a filter and Python's `re`
    confirms only what it keeps."""
    exact = _LITERAL_LOOKAHEAD.sub(lambda m: _not_followed_by(m.group(1)), rx.replace("\\s", WHITESPACE_RE2))
    superset = _NOT_RE2.sub(lambda m: "(?s:.)" if m.group().startswith("\\") else "", exact)
    return superset, superset != exact


@cache
def _framing_patterns() -> list[tuple[re.Pattern[str], str, bool]]:
    return [(re.compile(rx), *_re2_superset(rx)) for _, _, rx in FRAMING_MARKERS]


# Markers found in at most this share of the first FRAMING_SAMPLE_ROWS texts share one RE2 pass over
# all texts (their patterns joined by "|"); each then runs on the texts that pass keeps only. A
# pass costs about the same for one pattern or several: at 100 MB of source six markers took one
# 0.12 s pass and 0.02 s on its 3,955 texts, instead of six passes of 0.11 s. Any grouping gives
# the same counts; the sample only decides which markers are rare enough to gain.
FRAMING_SAMPLE_ROWS = 2_000
FRAMING_RARE_SHARE = 0.05


def framing_counts(texts: pa.Array | pa.ChunkedArray) -> list[int]:
    """How many of `texts` each framing marker's regex finds (exactly as `re.search` would)."""
    patterns = _framing_patterns()
    sample = texts.slice(0, FRAMING_SAMPLE_ROWS)
    rare = {i for i, (_, superset, _) in enumerate(patterns)
            if (pc.sum(pc.match_substring_regex(sample, superset)).as_py() or 0) <= FRAMING_RARE_SHARE * len(sample)}
    if len(rare) > 1:
        joined = "|".join(f"(?:{patterns[i][1]})" for i in sorted(rare))
        rare_texts = texts.filter(pc.match_substring_regex(texts, joined))  # every text a rare marker finds
    counts = []
    for i, (rx, superset, loose) in enumerate(patterns):
        pool = rare_texts if len(rare) > 1 and i in rare else texts
        hits = pc.match_substring_regex(pool, superset)
        if not loose:
            counts.append(pc.sum(hits).as_py() or 0)
            continue
        candidates = pool.filter(hits).to_pylist()
        counts.append(sum(1 for t in candidates if rx.search(t)))
    return counts


def file_stats(out_dir: Path) -> dict[str, dict[str, SplitStats]]:
    """Per config and split: records, Arrow bytes, file bytes, sha256 and the first record."""
    splits: dict[str, dict[str, SplitStats]] = {}
    for config in paths.CONFIGS:
        splits[config] = {}
        for split in paths.splits_of(config):
            path = out_dir / paths.parquet_relpath(config, split)
            s = SplitStats(file_bytes=path.stat().st_size, sha256=croissant.file_sha256(path))
            for batch in _batches(path):
                s.num_examples += batch.num_rows
                s.num_bytes += batch.nbytes
                if s.example is None and batch.num_rows:
                    s.example = batch.slice(0, 1).to_pylist()[0]
            splits[config][split] = s
    return splits


class FilesFromGroups:
    """file_stats drawn from row groups a pass reads anyway (the build's JSON Schema check reads
    every row group of every file, every column): the records, Arrow bytes and first records
    without reading the files again (0.7 s under cProfile at 100 MB of source); sizes and sha256 from the files."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.splits = {config: {split: SplitStats() for split in paths.splits_of(config)} for config in paths.CONFIGS}
        self.groups: dict[tuple[str, str], int] = {}

    def add(self, config: str, split: str, group: pa.Table) -> None:
        """One row group of a file, all its columns, in file order (validate.RowGroupObserver)."""
        s = self.splits[config][split]
        s.num_examples += group.num_rows
        s.num_bytes += group.nbytes
        if s.example is None and group.num_rows:
            s.example = group.slice(0, 1).to_pylist()[0]
        self.groups[config, split] = self.groups.get((config, split), 0) + 1

    def stats(self) -> dict[str, dict[str, SplitStats]] | None:
        """file_stats(out_dir), or None unless every row group of every file was added."""
        for config, splits in self.splits.items():
            for split, s in splits.items():
                path = self.out_dir / paths.parquet_relpath(config, split)
                if self.groups.get((config, split), 0) != pq.ParquetFile(path).num_row_groups:
                    return None
                s.file_bytes, s.sha256 = path.stat().st_size, croissant.file_sha256(path)
        return self.splits


def _paragraph_group_stats(path: Path, group: int) -> tuple[list[int], dict[str, int], list[int]]:
    """One row group of a paragraphs file: its word counts, its kinds (first seen first) and its
    framing counts."""
    batch = pq.ParquetFile(path).read_row_group(group, columns=["n_words", "kind", "text"])
    kinds: dict[str, int] = {}
    for kind in batch.column("kind").to_pylist():
        kinds[kind] = kinds.get(kind, 0) + 1
    return batch.column("n_words").to_pylist(), kinds, framing_counts(batch.column("text"))


def _document_dates(out_dir: Path) -> tuple[int, list[str]]:
    """How many documents there are and the dates they state (unsorted)."""
    documents, dates = 0, []
    for split in paths.SPLITS:
        for batch in _batches(out_dir / paths.parquet_relpath("documents", split), ["date"]):
            documents += batch.num_rows
            dates.extend(d for d in batch.column("date").to_pylist() if d)
    return documents, dates


def read_stats(out_dir: Path) -> DataStats:
    """card_data without drawing the figure."""
    return stats_from_parts({part: card_part(out_dir, part) for part in card_parts(out_dir) if part != FIGURE_PART})


# --------------------------------------------------------------------------------------------
# YAML header
# --------------------------------------------------------------------------------------------


def size_category(n: int) -> str:
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
              (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B")]
    for bound, label in bounds:
        if n < bound:
            return label
    return "n>1T" if n > 10**12 else "1B<n<10B"


def license_details() -> str:
    return (
        "The news text was scraped from online news outlets and came without licence terms; its licence "
        "is unknown and the copyright stays with the outlets that published it. Reuse of the text beyond "
        "research (republication, commercial use, training of redistributed models) may need permission "
        "from those outlets."
    )


def card_yaml(out_dir: Path, params: Params, stats: DataStats | None = None) -> dict[str, Any]:
    stats = stats or read_stats(out_dir)
    largest = max(stats.rows(c) for c in paths.CONFIGS)
    return {
        "pretty_name": params.dataset.pretty_name,
        "language": ["ar"],
        "language_creators": ["found"],
        "annotations_creators": ["no-annotation"],
        "multilinguality": "monolingual",
        "license": "other",
        "license_name": LICENSE_NAME,
        "license_link": CARD,  # the card's License section explains the terms
        "license_details": license_details(),
        "size_categories": [size_category(largest)],
        "source_datasets": ["original"],
        "task_categories": ["text-generation", "fill-mask"],
        "task_ids": ["language-modeling", "masked-language-modeling"],
        "tags": ["news", "arabic", "syria", "deduplication", "near-duplicates", "sentence-segmentation",
                 "document-segmentation", "framing", "croissant"],
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
                "splits": [
                    {
                        "name": split,
                        "num_bytes": stats.splits[config][split].num_bytes,
                        "num_examples": stats.splits[config][split].num_examples,
                    }
                    for split in paths.splits_of(config)
                ],
                "download_size": sum(s.file_bytes for s in stats.splits[config].values()),
                "dataset_size": sum(s.num_bytes for s in stats.splits[config].values()),
            }
            for config in paths.CONFIGS
        ],
    }


# --------------------------------------------------------------------------------------------
# citation
# --------------------------------------------------------------------------------------------


def release_date(params: Params) -> str | None:
    """An ISO release date only if params.yaml gives one (dataset.released); never today's date."""
    value = getattr(params.dataset, "released", None)
    return str(value) if value else None


def bibtex(params: Params) -> str:
    d = params.dataset
    key = re.sub(r"[^0-9A-Za-z]+", "_", f"{d.name}_{d.version}").strip("_")
    lines = [
        f"@misc{{{key},",
        f"  title        = {{{{{d.pretty_name}}}}},",
        f"  author       = {{{{{AUTHORS}}}}},",
        "  howpublished = {Hugging Face dataset},",
        f"  version      = {{{d.version}}},",
        f"  note         = {{Version {d.version}}},",
    ]
    released = release_date(params)
    if released:
        lines.append(f"  year         = {{{released[:4]}}},")
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}"


def citation_cff(params: Params, abstract: str) -> str:
    d = params.dataset
    cff: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": d.pretty_name,
        "version": str(d.version),
        "authors": [{"name": AUTHORS}],
        "abstract": abstract,
        "keywords": ["Arabic", "news", "Syria", "dataset", "deduplication", "framing"],
    }
    released = release_date(params)
    if released:
        cff["date-released"] = released
    return yaml.safe_dump(cff, allow_unicode=True, sort_keys=False, width=100)


# --------------------------------------------------------------------------------------------
# figure
# --------------------------------------------------------------------------------------------


def write_figure(path: Path, words: dict[str, list[int]]) -> None:
    """Paragraph length (words) per split as step histograms; Agg, fixed size and dpi, no Software tag."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context():
        matplotlib.rcdefaults()  # a user's matplotlibrc must not change the bytes
        fig = Figure(figsize=(8, 4.5), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
        top = max((max(v) for v in words.values() if v), default=1)
        n_bins = 25
        step = max(1, -(-top // n_bins))
        edges = list(range(0, step * n_bins + step, step))
        for split, color in zip(paths.SPLITS, ("#1f77b4", "#ff7f0e", "#2ca02c")):
            values = words.get(split, [])
            if not values:
                continue
            ax.hist(np.asarray(values), bins=edges, weights=np.full(len(values), 1 / len(values)), histtype="step",
                    linewidth=1.8, color=color, label=f"{split} (n={len(values)})")
        ax.set_xlabel("words per paragraph (paragraphs config)")
        ax.set_ylabel("share of the split's paragraphs")
        ax.set_title("Paragraph length by split")
        ax.legend(loc="upper right")
        ax.grid(True, alpha=0.3)
        fig.tight_layout()
        fig.savefig(path, format="png", dpi=100, metadata={"Software": None})


# --------------------------------------------------------------------------------------------
# datasheet body
# --------------------------------------------------------------------------------------------


def _n(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "n/a" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _get(metrics: dict[str, dict], step: str, *keys: str, default: Any = None) -> Any:
    value: Any = metrics.get(step, {})
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return default
        value = value[key]
    return value


def _numeric_key(item: tuple[Any, Any]) -> tuple[int, str]:
    key = str(item[0])
    return (int(key), key) if key.isdigit() else (10**18, key)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(v: Any) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(out)


def _type_name(spec: dict[str, Any]) -> str:
    t = spec["type"]
    nullable = isinstance(t, list) and "null" in t
    base = [x for x in t if x != "null"][0] if isinstance(t, list) else t
    names = {"integer": "int64", "string": "string", "boolean": "bool"}
    name = f"list<{names[spec['items']['type']]}>" if base == "array" else names[base]
    if "enum" in spec:
        name += " (" + ", ".join(f"`{v}`" for v in spec["enum"]) + ")"
    return name + (" or null" if nullable else "")


def _shorten(value: Any) -> Any:
    if isinstance(value, str) and len(value) > TEXT_LIMIT:
        return value[:TEXT_LIMIT] + f" … [truncated, {len(value):,} characters in all]"
    if isinstance(value, list):
        shown = [_shorten(v) for v in value[:LIST_LIMIT]]
        if len(value) > LIST_LIMIT:
            shown.append(f"… [{len(value) - LIST_LIMIT} more]")
        return shown
    return value


def _example_split(stats: DataStats, config: str) -> tuple[str, dict[str, Any] | None]:
    for split in paths.splits_of(config):
        if stats.splits[config][split].example is not None:
            return split, stats.splits[config][split].example
    return paths.splits_of(config)[0], None


def summary_text(params: Params, stats: DataStats) -> str:
    dates = (
        f" The {_n(len(stats.dates))} articles that state their own date in their lead give {stats.dates[0]} to "
        f"{stats.dates[-1]}." if stats.dates else ""
    )
    return (
        f"{params.dataset.pretty_name} (version {params.dataset.version}) is a research dataset of Arabic news "
        f"prose about the war in Syria: {_n(stats.rows('paragraphs'))} distinct paragraphs "
        f"({_n(stats.rows('sentences'))} sentences) in {_n(stats.rows('documents'))} reconstructed articles, "
        f"with a ledger of all {_n(stats.rows('lines'))} source lines.{dates} The text is partisan wartime "
        "reporting from opposition-aligned outlets and keeps their framing."
    )


def rai_texts(params: Params, metrics: dict[str, dict], stats: DataStats) -> dict[str, Any]:
    """The Croissant RAI fields; the card's sections say the same at more length."""
    d = params.deduplicate
    return {
        "rai:dataCollection": (
            f"One raw UTF-8 text file of {_n(stats.rows('lines'))} lines, one paragraph a line, scraped from "
            "online Arabic news outlets covering Syria between 27 November and 3 December 2024 (the scrape "
            "concatenated articles without article markers, URLs, outlet names, bylines or timestamps). The file is "
            "kept unmodified; the pipeline cleans encoding and typing noise only, segments headings, sentences "
            "and articles, folds exact duplicates, clusters near duplicates (MinHash LSH over character "
            f"{d.shingle_size}-grams, Jaccard >= {d.jaccard_threshold} or containment >= {d.containment_threshold}), "
            "splits leakage-free and checks every record against a JSON Schema."
        ),
        "rai:dataBiases": [
            "The source is partisan wartime reporting from Syrian opposition-aligned outlets. It adopts one side's "
            "framing in its own voice: territory taken by the armed opposition is 'liberated' (تحرير، محررة), the "
            "government is 'the regime' and 'the criminal regime' (النظام المجرم), allied forces are 'militias', and "
            "Bashar al-Assad is called 'the terrorist' (الإرهابي \"بشار الأسد\").",
            "Casualty figures come from one side (the Syrian Civil Defence / White Helmets and the opposition's "
            "military operations command); losses inflicted on government forces and captured equipment are the "
            "attacking side's claims. No government, Russian or independent counts are present.",
            "Other actors (the Syrian presidency, Iran, Israel, the United States, Turkey, the UN, the Arab "
            "League) appear only as reported, selected and framed by these outlets.",
            f"Coverage is one week and {_n(stats.rows('paragraphs'))} distinct paragraphs: it represents neither "
            "Arabic news in general nor the conflict as a whole.",
        ],
        "rai:dataLimitations": [
            "Not factual ground truth on events, territorial control, casualties or military claims.",
            "Article boundaries and article dates are inferred by heuristics (the source has no article markers) "
            "and can be wrong; sentence boundaries are rule-based.",
            "The source's own spelling mistakes are kept on purpose; cleaning only repairs encoding and typing noise.",
            "Splits move whole groups of related articles, so the reached ratios differ from the targets and the "
            "validation and test splits are small.",
            "The licence of the source text is unknown; reuse beyond research may need the outlets' permission.",
        ],
        "rai:personalSensitiveInformation": [
            "Names of public figures and officials in their public roles (heads of state, ministers, military "
            "spokespeople and commanders, UN and Arab League officials).",
            "Reports of deaths and injuries of civilians, including children, with places and dates (as counts; "
            "victims are not named in the text the maintainers read).",
            "Military claims: units, positions, attacks, prisoners and captured weapons, as of late 2024.",
            "Community-level religious, sectarian and ethnic references (e.g. Shia towns, Kurdish and Druze "
            "minorities) and violent content (air strikes on hospitals and camps, massacres).",
        ],
        "rai:dataUseCases": [
            "Fit for: Arabic NLP on news prose (language modelling, tokenisation, sentence and article "
            "segmentation, date extraction); research on exact and near-duplicate detection in scraped news; "
            "framing, stance and propaganda analysis of one side's wartime reporting, best against other sides' "
            "coverage of the same week; teaching reproducible dataset pipelines.",
            "Not fit for: factual ground truth on events or casualties; balanced or representative coverage of "
            "the conflict; training or evaluating classifiers of 'truth', misinformation or credibility; training "
            "generative models meant to report neutrally without counterbalancing data; profiling individuals.",
        ],
    }


def body(params: Params, metrics: dict[str, dict], stats: DataStats) -> str:  # noqa: PLR0915
    p = params
    d = p.deduplicate
    version = p.dataset.version
    out: list[str] = []
    add = out.append
    n_par, n_sent, n_doc, n_lines = (stats.rows(c) for c in ("paragraphs", "sentences", "documents", "lines"))

    add(f"# {p.dataset.pretty_name}\n")
    add(summary_text(p, stats) + "\n")
    add(
        "> **Read this first.** The paragraphs are partisan wartime reporting from Syrian opposition-aligned "
        "outlets, in their own framing (\"تحرير\" *liberation*, \"النظام المجرم\" *the criminal regime*, "
        "\"الإرهابي بشار الأسد\" *the terrorist Bashar al-Assad*), with casualty figures from one side. "
        "Use it to study Arabic news prose and framing, not as a record of what happened. "
        "See [Bias, framing and limitations](#bias-framing-and-limitations).\n"
    )

    # ---- summary
    add("## Dataset summary\n")
    add(_table(
        ["config", "one record per", "splits", "records"],
        [
            ["`paragraphs` (default)", "distinct cleaned paragraph (exact duplicates folded)", "train / validation / test", _n(n_par)],
            ["`sentences`", "sentence of a paragraph record", "train / validation / test", _n(n_sent)],
            ["`documents`", "reconstructed article, in source order", "train / validation / test", _n(n_doc)],
            ["`lines`", "source line (the ledger: nothing is lost unaccounted)", "full", _n(n_lines)],
        ],
    ) + "\n")
    add(
        "- Language: Arabic (Modern Standard Arabic news prose, `ar`); monolingual.\n"
        "- Ids are content-derived (128-bit BLAKE2b hex): the same text and parameters give the same ids.\n"
        f"- Version {version}; built by `syria-news-ar build` (or `dvc repro`) from the raw file, byte for byte "
        "reproducible.\n"
    )
    add("```python\nfrom datasets import load_dataset\n\n"
        "paragraphs = load_dataset(\"<this folder or repo id>\")               # default config: paragraphs\n"
        "sentences = load_dataset(\"<this folder or repo id>\", \"sentences\")  # or documents, lines\n```\n")
    add("Every config loads offline from a local copy of this folder: the YAML header above lists each "
        "config's Parquet file per split. `croissant.json` (Croissant 1.0 with the RAI fields) describes the same "
        "files: a FileObject with sha256 per Parquet file, and one record set per config (all its splits, with "
        "a `split` field) read through a FileSet per config (`data/<config>/*.parquet`). `CITATION.cff` says "
        "how to cite.\n")

    # ---- source
    add("## Source and collection\n")
    add(
        f"The input is one raw UTF-8 text file of {_n(_get(metrics, 'ingest', 'lines', default=n_lines))} lines, one "
        "paragraph a line, kept unmodified in the project (`data/raw/`). It is a scrape of online Arabic news "
        "articles about Syria from 27 November to 3 December 2024 — the first week of the armed opposition's "
        "offensive \"ردع العدوان\" (*Deterrence of Aggression*), the capture of Aleppo and the advance on Hama — "
        "together with international reactions. The scrape concatenated the articles with no article markers, "
        "and most articles end with \"background\" paragraphs copied from earlier articles, so many lines "
        "repeat an earlier line exactly or with a small edit. Some paragraphs were pasted from PDFs and carry "
        "Persian look-alike letters; a few short lines are section headings.\n"
    )
    add(
        "The file came with no URLs, outlet names, bylines, publication times or licence. The prose reads as the "
        "work of Syrian opposition-aligned outlets (one paragraph credits its military sources to «شبكة شام», the "
        "Shaam News Network; two quotation styles suggest more than one outlet). Who scraped it, with what tool "
        "and from which pages is not recorded; provenance beyond the text itself is unknown.\n"
    )
    if stats.dates:
        add(f"{_n(len(stats.dates))} of the {_n(stats.documents)} reconstructed articles state their own date in "
            f"their lead; those dates run from {stats.dates[0]} to {stats.dates[-1]}.\n")

    # ---- processing
    by_status = _get(metrics, "ingest", "lines_by_status", default={}) or {}
    rejected = _get(metrics, "ingest", "rejected_by_reason", default={}) or {}
    rules = _get(metrics, "ingest", "cleaning_rules", default={}) or {}
    add("## Processing\n")
    add("The pipeline runs six steps, one module each (`src/syria_news_ar/`); the counts below are those the "
        "build recorded (`metrics/*.json`) and those of the written Parquet files.\n")
    add("### 1. Read and clean\n")
    add(
        "Strict UTF-8 decoding (a leading BOM is dropped; LF, CRLF and lone CR end a line), one ledger record per "
        "line with its byte span and SHA-256. Cleaning is faithful: it repairs encoding and typing noise and never "
        "spelling. In order: Arabic presentation forms folded to letters (`presentation_forms`); zero-width and "
        "bidi controls deleted (`invisible_controls`); other control characters deleted (`control_chars`); every "
        "other space character made a space (`space_chars`); Persian/Urdu look-alikes ی ک ھ ہ made the Arabic "
        "letters ي ك ه ه (`persian_letters`); a tatweel stretching a word between two letters removed, one marking "
        "a detached prefix or standing as a dash kept (`tatweel`); no space before ، ؛ ؟ , : ! ) or a final \".\" "
        "(`space_before_punct`); runs of spaces collapsed (`space_runs`); no leading or trailing space "
        "(`edge_spaces`); Unicode NFC (`nfc`). Diacritics, hamza and alef forms, ى/ي, ة/ه, digits and quote marks "
        "are kept as written. Cleaning is idempotent. A line is `blank` when nothing is left after cleaning, and "
        "`rejected` (with a reason) when it is markup, boilerplate, mostly URLs or not Arabic (fewer than "
        f"{p.ingest.min_arabic_letters} Arabic letters, or Arabic letters below "
        f"{_pct(p.ingest.min_arabic_letter_share)} of all letters).\n"
    )
    add(_table(
        ["source lines", "kept (first occurrence)", "exact duplicate", "blank", "rejected"],
        [[_n(_get(metrics, "ingest", "lines", default=n_lines)), _n(by_status.get("kept")), _n(by_status.get("duplicate")),
          _n(by_status.get("blank")), _n(by_status.get("rejected"))]],
    ) + "\n")
    if rejected:
        add("Rejected lines by reason: " + ", ".join(f"`{k}` {_n(v)}" for k, v in sorted(rejected.items())) + ".\n")
    else:
        add("No line was rejected.\n")
    if rules:
        add("Text lines on which each cleaning rule changed something (exact duplicates included):\n")
        order = [r for r in RULES if r in rules] + sorted(set(rules) - set(RULES))
        add(_table(["rule", "lines changed"], [[f"`{k}`", _n(rules[k])] for k in order]) + "\n")
    add("### 2. Segment\n")
    add(
        f"A paragraph is a `heading` when it has at most {p.segment.heading_max_words} words and "
        f"{p.segment.heading_max_chars} characters, no clause punctuation and at most one final full stop. "
        "Sentences are split by rule with code-point offsets into the paragraph. Articles are reconstructed "
        "because the source has no article markers: a paragraph opens a new article when it shows a lead cue that "
        "holds across Arabic outlets — a dateline (\"حلب - ...\"), a lead that states its own day and date, or an "
        "opening reporting verb with no connective — unless it opens with a continuation marker (\"و...\", "
        "\"وكانت\", \"من جهته،\", \"بدوره،\", \"إلى ذلك،\", \"يشار إلى أن\", ...), follows a heading, or repeats "
        "an earlier text (background). An article's `date` is the first complete date (day, Levantine or standard "
        "month name and year, or d/m/yyyy) in its lead; a date without a year is not completed by guessing.\n"
    )
    cues = _get(metrics, "segment", "start_cues", default={}) or {}
    add(_table(
        ["paragraphs", "headings", "sentences", "articles", "articles with a date", "article starts by cue"],
        [[_n(_get(metrics, "segment", "paragraphs")), _n(_get(metrics, "segment", "headings")),
          _n(_get(metrics, "segment", "sentences")), _n(_get(metrics, "segment", "documents")),
          _n(_get(metrics, "segment", "documents_with_date")),
          ", ".join(f"`{k}` {_n(v)}" for k, v in sorted(cues.items())) or "n/a"]],
    ) + "\n")
    add("### 3. Deduplicate\n")
    pairs = _get(metrics, "deduplicate", "near_duplicate_pairs", default={}) or {}
    add(
        "Exact: lines whose normalized keys are equal are one paragraph record (the key, used only for duplicates "
        "and leakage and never published, drops diacritics and tatweel, unifies أ إ آ ٱ → ا, ى → ي, ة → ه, "
        "Arabic-Indic digits → ASCII, removes punctuation and symbols and collapses spaces); the ledger marks the "
        "later lines `duplicate`. Near: MinHash (rensa signatures over 64-bit shingle hashes, "
        f"{d.num_perm} permutations, seed {d.seed}) over character {d.shingle_size}-grams of the key, LSH with "
        f"{d.lsh_bands} bands of {d.lsh_rows} rows; every candidate pair is confirmed on the exact shingle sets: "
        f"Jaccard ≥ {d.jaccard_threshold}, or the shorter side — a paragraph of at least {d.containment_min_words} "
        f"words, never a heading — {_pct(d.containment_threshold)} contained in the longer. Near duplicates stay "
        "separate records sharing `near_duplicate_cluster` (the id of the cluster's earliest paragraph). LSH tuned "
        "for Jaccard can miss a short paragraph contained in a much longer one.\n"
    )
    add(_table(
        ["text lines", "exact duplicate lines", "distinct paragraphs", "LSH candidate pairs", "confirmed pairs",
         "near-duplicate clusters", "paragraphs in them"],
        [[_n(_get(metrics, "deduplicate", "text_lines")), _n(_get(metrics, "deduplicate", "exact_duplicate_lines")),
          _n(_get(metrics, "deduplicate", "distinct_paragraphs")), _n(_get(metrics, "deduplicate", "lsh_candidate_pairs")),
          ", ".join(f"{k} {_n(v)}" for k, v in sorted(pairs.items())) or "0",
          _n(_get(metrics, "deduplicate", "near_duplicate_clusters")),
          _n(_get(metrics, "deduplicate", "paragraphs_in_near_duplicate_clusters"))]],
    ) + "\n")
    add("### 4. Split\n")
    add("See [Splits](#splits) below. Parquet files are written with the Arrow schema derived from `schemas/` "
        f"(zstd, one file per config and split; a row group holds at most {_n(ROW_GROUP_ROWS)} rows or "
        f"{ROW_GROUP_TEXT_BYTES >> 20} MiB of text, so streaming readers hold one bounded slice).\n")
    add("### 5. Validate\n")
    n_records = sum(stats.rows(c) for c in paths.CONFIGS)
    add(
        f"Every record of every config ({_n(n_records)} records in all) is checked against its JSON Schema "
        "(draft 2020-12, `schemas/<config>.schema.json`) by a column-wise check of the same constraints; the "
        "reference validator (`jsonschema`) also checks every record of a config with up to "
        f"{_n(params.validate.jsonschema_all_records_up_to)} records and an evenly spaced sample of "
        f"{_n(params.validate.jsonschema_sample_records)} records of a larger one. Then cross-file invariants: unique ids, references, "
        "the ledger accounting for every line, sentence offsets, clean text, no leakage across splits. "
        f"This build ran {_n(_get(metrics, 'validation', 'checks'))} named checks with "
        f"{_n(_get(metrics, 'validation', 'failed'))} failures; a failure stops the build.\n"
    )
    add("### 6. Card\n")
    add("This card, `croissant.json`, `CITATION.cff` and the figure are generated from the written files, the "
        "schemas, the metrics and `params.yaml`, with no timestamps or machine paths.\n")

    # ---- fields
    add("## Configs and fields\n")
    add("Field names, types and meanings come from the JSON Schemas (`schemas/`), the single truth of the fields; "
        "the Arrow and Hugging Face types derive from them.\n")
    for config in paths.CONFIGS:
        sch = schema.load(config)
        add(f"### `{config}`\n")
        add(sch.get("description", "") + "\n")
        add(_table(["field", "type", "meaning"],
                   [[f"`{name}`", _type_name(spec), spec.get("description", "")] for name, spec in sch["properties"].items()])
            + "\n")

    # ---- splits
    ratios_t = _get(metrics, "split", "target_ratios", default=None) or p.split.ratios
    ratios_r = _get(metrics, "split", "reached_ratios", default={}) or {}
    add("## Splits\n")
    add(_table(["config", *paths.SPLITS, paths.LINES_SPLIT],
               [[f"`{c}`", *(_n(stats.splits[c][s].num_examples) if s in stats.splits[c] else "—"
                             for s in (*paths.SPLITS, paths.LINES_SPLIT))] for c in paths.CONFIGS]) + "\n")
    add(
        "Splits are leakage-free across every config. The unit of assignment is a group of documents: documents "
        "are joined when they share a paragraph, a near-duplicate cluster, a sentence or a whole document text "
        "(on the normalized key), and a group's documents, paragraphs and sentences all go to one split, so no "
        "normalized key appears in two splits in any config and a near-duplicate cluster never spans two splits. "
        f"Groups are visited in an order seeded by `split.seed` ({p.split.seed}) and each goes to the split "
        "furthest below its target share of paragraphs; with three or more groups no split is left empty. "
        "Rebuilding gives the same splits. The ratios reached (share of paragraphs) differ from the targets "
        "because whole groups move together:\n"
    )
    add(_table(["split", "target", "reached"],
               [[s, _pct(ratios_t.get(s)), _pct(ratios_r.get(s))] for s in paths.SPLITS]) + "\n")
    sizes = _get(metrics, "split", "group_sizes_documents", default={}) or {}
    add(f"Groups: {_n(_get(metrics, 'split', 'groups'))}"
        + (" (documents per group → number of groups: " + ", ".join(f"{k} → {_n(v)}" for k, v in sorted(sizes.items(), key=_numeric_key)) + ")"
           if sizes else "") + ".\n")
    add(f"![Paragraph length by split]({FIGURE})\n")
    add("*Figure: distribution of paragraph length in words per split (`paragraphs` config), each split "
        "normalised to its own size.*\n")

    # ---- examples
    add("## Example records\n")
    add(f"The first record of each config (strings cut at {TEXT_LIMIT} characters, lists at {LIST_LIMIT} items).\n")
    for config in paths.CONFIGS:
        split, example = _example_split(stats, config)
        add(f"### `{config}` ({split})\n")
        if example is None:
            add("(no record)\n")
            continue
        add("```json\n" + json.dumps({k: _shorten(v) for k, v in example.items()}, ensure_ascii=False, indent=2)
            + "\n```\n")

    # ---- bias
    rai = rai_texts(p, metrics, stats)
    add("## Bias, framing and limitations\n")
    add("### The source is partisan wartime reporting\n")
    add(
        "The text is not neutral news. It comes from Syrian opposition-aligned outlets during the opposition's "
        "offensive and speaks in that side's voice, not only in quotation:\n\n"
        "- territory taken by the armed opposition is \"liberated\" (\"تحرير\", \"محررة\"), the government's "
        "areas are \"occupied\" (\"المحتلة\") and its forces are \"the regime\" (\"النظام\", \"نظام الأسد\") and \"the criminal "
        "regime\" (\"النظام المجرم\"); allied forces are \"militias\" (\"ميليشيات\");\n"
        "- Bashar al-Assad is introduced as \"the terrorist\" (\"الإرهابي \\\"بشار الأسد\\\"\");\n"
        "- a UN official's statement is prefaced by the outlet's own reproach that he spoke \"without mentioning "
        "the regime's shelling and crimes\" (\"دون الإشارة لقصف النظام وجرائمه\");\n"
        "- casualty figures are those of the Syrian Civil Defence (White Helmets) and of the opposition's "
        "military operations command; enemy losses, prisoners and captured weapons are the attacking side's "
        "claims; no government, Russian or independent counts appear;\n"
        "- the other actors (Syrian presidency, Iran, Russia, Israel, the United States, Turkey, the UN, the Arab "
        "League) speak only as selected and framed by these outlets.\n"
    )
    add(f"How often the framing shows, over the {_n(n_par)} distinct paragraphs (a paragraph counts once per "
        "marker; counts are of surface forms, so they include quotations):\n")
    add(_table(["marker", "what it is", "paragraphs", "share"],
               [[m, gloss, _n(c), _pct(c / n_par if n_par else None)]
                for (m, gloss, _), c in zip(FRAMING_MARKERS, stats.framing)]) + "\n")
    add("### Fit for\n")
    add(
        "- Arabic NLP on news prose: language modelling, tokenisation, sentence segmentation (`sentences` with "
        "offsets), article-boundary detection and date extraction (`documents`, `lines`).\n"
        "- Research on exact and near-duplicate detection and on text reuse in scraped news (the ledger and the "
        "near-duplicate clusters).\n"
        "- Framing, stance and propaganda analysis of one side's wartime reporting — best side by side with other "
        "sides' coverage of the same week.\n"
        "- Teaching and testing reproducible, validated dataset pipelines.\n"
    )
    add("### Not fit for\n")
    add(
        "- Factual ground truth on events, territorial control, casualties or military claims.\n"
        "- Balanced or representative coverage of the Syrian conflict, of Syrian media or of Arabic news.\n"
        "- Training or evaluating classifiers of \"truth\", misinformation or credibility: there are no labels, "
        "and one side's claims would become the reference.\n"
        "- Training generative models meant to report neutrally without counterbalancing data: they would learn "
        "this framing as the neutral voice.\n"
        "- Identifying or profiling individuals or communities.\n"
    )
    add("### Other limitations\n")
    add(
        f"- Small and short: {_n(n_par)} distinct paragraphs from one week; the validation and test splits hold "
        f"{_n(stats.splits['paragraphs']['validation'].num_examples)} and "
        f"{_n(stats.splits['paragraphs']['test'].num_examples)} paragraphs, so scores on them vary a lot.\n"
        "- Articles and their dates are inferred by heuristics (no article markers in the source) and can be "
        "split or merged wrongly; "
        + (f"only {_n(len(stats.dates))} of {_n(stats.documents)} articles have a `date`. " if stats.documents else "")
        + "Sentence boundaries are rule-based.\n"
        "- The `documents` text keeps background paragraphs copied from earlier articles (`n_background`); the "
        "`paragraphs` config folds exact repeats into one record (`source_lines` lists every occurrence).\n"
        "- Spelling is kept as written, typos of the source included; quote marks are mixed (straight and curly).\n"
        "- Near-duplicate detection can miss a short paragraph contained in a much longer one.\n"
    )

    # ---- sensitive
    add("## Personal and sensitive information\n")
    add(
        "- **Named people** — public figures and officials in their public roles: heads of state, ministers, "
        "military spokespeople and commanders, UN and Arab League officials. Their statements are reported "
        "through partisan outlets and may be paraphrased or framed.\n"
        "- **Casualty reports** — deaths and injuries of civilians, children and women included, with places and "
        "dates. The reports give counts; the maintainers found no victims' names in the text they read, but "
        "have not verified every line.\n"
        "- **Military claims** — units, positions, attacks, prisoners and captured weapons, as of late 2024.\n"
        "- **Community identities** — religious, sectarian and ethnic references at community level (e.g. Shia "
        "towns, Kurdish and Druze minorities).\n"
        "- **Violent content** — descriptions of air strikes on hospitals and displacement camps, massacres and "
        "combat.\n\n"
        "Nothing was anonymised: the names are of public figures, and the text is published news. Do not use the "
        "data to identify, track or profile individuals or communities.\n"
    )

    # ---- license
    add("## License\n")
    add(
        f"`license: other` (`{LICENSE_NAME}`). {license_details()} The syria-news-ar code that builds the "
        "dataset is MIT-licensed; that licence covers the code, not the news text.\n"
    )

    # ---- versions
    add("## Version history\n")
    versions = [version] + [v for v in sorted(VERSION_NOTES, reverse=True) if v != version]
    rows = []
    for v in versions:
        note = VERSION_NOTES.get(v, "No release notes recorded for this version.")
        rows.append([f"**{v}** (this build)" if v == version else v, note])
    add(_table(["version", "changes"], rows) + "\n")
    add("The version comes from `params.yaml` (`dataset.version`) and is the same in this card, `croissant.json` "
        "and `CITATION.cff`.\n")

    # ---- files
    add("## Files\n")
    file_rows = [
        [f"`{paths.parquet_relpath(c, s)}`", _n(st.num_examples), _n(st.file_bytes), f"`{st.sha256}`"]
        for c in paths.CONFIGS for s, st in stats.splits[c].items()
    ]
    add(_table(["file", "records", "bytes", "sha256"], file_rows) + "\n")
    add(f"Also: `{CARD}` (this card), `{CROISSANT}` (Croissant 1.0 with RAI fields), `{CITATION}`, `{FIGURE}`.\n")

    # ---- citation
    add("## Citation\n")
    add("```bibtex\n" + bibtex(p) + "\n```\n")
    add("`CITATION.cff` carries the same title, version and authors. "
        + ("" if release_date(p) else "No release date is recorded in `params.yaml`, so neither gives a year.")
        + "\n")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------


# The card's data is drawn in parts that either process of the build may draw (claims.py): one
# per row group of the paragraphs (lengths, kinds and framing counts: at 100 MB ~0.5 s each, 1.2 s
# of framing counts in all), then the figure (~0.5 s: matplotlib's import and drawing; off the
# path the build waits on), the files' records, bytes, sha256 and examples, and the documents'
# dates; longest first, so the two processes end close together.
FILES_PART, FIGURE_PART, DATES_PART = "files", "figure", "dates"


def card_parts(out_dir: Path) -> tuple[str, ...]:
    """The parts' names, in the order to draw them (the same in any process: from the files)."""
    groups = [f"paragraphs.{split}.{g}" for split in paths.SPLITS
              for g in range(pq.ParquetFile(out_dir / paths.parquet_relpath("paragraphs", split)).num_row_groups)]
    return (*groups, FIGURE_PART, FILES_PART, DATES_PART)


def card_part(out_dir: Path, part: str) -> Any:
    """One of card_parts(out_dir)."""
    if part == FILES_PART:
        return file_stats(out_dir)
    if part == DATES_PART:
        return _document_dates(out_dir)
    if part == FIGURE_PART:
        words = {split: pq.read_table(out_dir / paths.parquet_relpath("paragraphs", split), columns=["n_words"]).column("n_words").to_pylist()
                 for split in paths.SPLITS}
        write_figure(out_dir / FIGURE, words)
        return FIGURE
    _, split, group = part.split(".")
    return _paragraph_group_stats(out_dir / paths.parquet_relpath("paragraphs", split), int(group))


def stats_from_parts(parts: Mapping[str, Any]) -> DataStats:
    """What the card reads from the written Parquet, from every card part in card_parts order (the
    row groups' kinds merged in that order: first seen first, as one pass over the files)."""
    stats = DataStats(splits=parts[FILES_PART], framing=[0] * len(FRAMING_MARKERS))
    stats.paragraph_words = {split: [] for split in paths.SPLITS}
    for part, value in parts.items():
        if part.startswith("paragraphs."):
            words, kinds, framing = value
            stats.paragraph_words[part.split(".")[1]] += words
            for kind, n in kinds.items():
                stats.paragraph_kinds[kind] = stats.paragraph_kinds.get(kind, 0) + n
            stats.framing = [a + b for a, b in zip(stats.framing, framing)]
    stats.documents, dates = parts[DATES_PART]
    stats.dates = sorted(dates)
    return stats


def claimed_parts(out_dir: Path, claims: Claims) -> dict[str, Any]:
    """Each card part no process has claimed yet, claimed and drawn here: None for one that fails
    (data the checks will reject: all_parts draws it again where the error says what is wrong),
    nothing when the parts cannot be listed."""
    try:
        names = card_parts(out_dir)
    except Exception:  # noqa: BLE001 (as above)
        return {}
    drawn: dict[str, Any] = {}
    for name in names:
        if claims.take(name):
            try:
                drawn[name] = card_part(out_dir, name)
            except Exception:  # noqa: BLE001 (as above)
                drawn[name] = None
    return drawn


def all_parts(out_dir: Path, drawn: Mapping[str, Any]) -> dict[str, Any]:
    """Every card part, in card_parts order: those drawn (None for one that failed) and the others,
    drawn here, where a failure says what is wrong with the files."""
    return {part: drawn[part] if drawn.get(part) is not None else card_part(out_dir, part) for part in card_parts(out_dir)}


def card_data(out_dir: Path) -> DataStats:
    """What the card reads from the written Parquet, with the PNG figure drawn from it: all of
    the card that does not need the metrics, so the build does it while the GX suites finish."""
    return stats_from_parts(all_parts(out_dir, {}))


def write_card(out_dir: Path, params: Params, metrics: dict[str, dict], stats: DataStats | None = None) -> None:
    """Write README.md, croissant.json, CITATION.cff and the PNG figure into out_dir from the
    written Parquet + metrics (`stats`: card_data(out_dir) when already done)."""
    out_dir = Path(out_dir)
    # The same card whether metrics come from memory (build) or from metrics/*.json (DVC card stage):
    # normalise to what the JSON files hold (sorted keys, string keys).
    metrics = json.loads(json.dumps(metrics, sort_keys=True, default=str))
    stats = stats if stats is not None else card_data(out_dir)
    summary = summary_text(params, stats)
    meta = croissant.croissant_metadata(
        out_dir,
        params,
        description=summary,
        cite_as=bibtex(params),
        license_name=LICENSE_NAME,
        license_text=license_details(),
        keywords=["Arabic", "news", "Syria", "deduplication", "framing", "NLP"],
        rai=rai_texts(params, metrics, stats),
        date_published=release_date(params),
        sha256s={paths.parquet_relpath(c, sp): st.sha256 for c, by in stats.splits.items() for sp, st in by.items()},
    )
    croissant.write_croissant(out_dir, meta)
    (out_dir / CITATION).write_text(citation_cff(params, summary), encoding="utf-8")
    header = yaml.safe_dump(card_yaml(out_dir, params, stats), allow_unicode=True, sort_keys=False, width=1000)
    (out_dir / CARD).write_text(f"---\n{header}---\n\n{body(params, metrics, stats)}", encoding="utf-8")

"""The Great Expectations layer of step 5: the suites in validation/, built and run at run time.

The suites are small YAML files (one per config, see validation/README.md) rather than GX's own
JSON, whose random ids churn on every save. At run time each file becomes one GX suite per split
(``paragraphs.train``, ...) in an ephemeral context: nothing is written unless Data Docs are asked
for. ``"${section.key}"`` in kwargs is read from params.yaml; ``"${rows}"``, ``"${expected_rows}"``
and ``"${forbidden_in_clean}"`` are run-time values. A few columns GX cannot compute (a share, a
list length, a row's predecessor) are derived before validating; each suite file lists the ones
it uses and this module refuses a file whose list differs from the code's.

A split larger than one batch (`BATCH_ROWS`, `BATCH_TEXT_BYTES`) is validated in batches: the
row-wise expectations a batch at a time, merged, and the others (unique, min, max, row count) on a
frame of only their columns, so the worker's memory does not grow with the split's texts.

Great Expectations (~2-3 s to import) and pandas are imported only inside :func:`run_suites`, so
importing the package or running the plain checks stays fast.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from . import paths
from .clean import FORBIDDEN_IN_CLEAN_RE2
from .errors import SyriaNewsError
from .memory import release_memory
from .letters import ARABIC_LETTER_CLASS, ARABIC_LETTER_CLASS_RE2, arabic_letter_table, count_per_text, letter_table, mixed_letters_re2
from .params import Params

if TYPE_CHECKING:
    import pandas as pd

SUITES_DIR = paths.ROOT / "validation"
DOCS_SITE = "syria_news_ar"
MAX_EXAMPLES = 3
EXAMPLE_CHARS = 60

_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_.]*)\}$")
# Run-time references that may be absent: the expectation is then skipped (and reported so).
OPTIONAL_REFS = {"expected_rows": "not checked: no expected split sizes given (--metrics)"}
NOT_RECORDED = "not checked: the expected split sizes do not record this split"

# Same definition as the ingest gate: letters of the Arabic block, against every Unicode letter.
_ARABIC_LETTER = re.compile(ARABIC_LETTER_CLASS)


class SuiteFileError(SyriaNewsError):
    """A file in validation/ is malformed or names something that does not exist."""

    exit_code = 2


# --------------------------------------------------------------------------------------------
# derived columns (documented in each suite file's `derived:` block)
# --------------------------------------------------------------------------------------------

def arabic_letter_share(text: str | None) -> float:
    """Share of Arabic letters among all letters (str.isalpha: "²" or "Ⅻ" is none, though the
    regex [^\\W\\d_] takes them); 0.0 for a text without letters."""
    if not isinstance(text, str):
        return 0.0
    letters = sum(1 for ch in text if ch.isalpha())
    return len(_ARABIC_LETTER.findall(text)) / letters if letters else 0.0


def arabic_letter_shares(texts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """`arabic_letter_share` of every text of an Arrow string column. Letters are counted on code
    points in numpy (no Python string per text, no per-character Python) only in the texts an RE2
    gate finds a character in that may not be an Arabic letter while being a letter, or the other
    way round (letters.mixed_letters_re2); every other text's letters are all Arabic ones, so its
    share is 1.0, or 0.0 without an Arabic letter. At 100 MB of source the gate finds 10% of the
    train paragraphs, and the shares take 0.23 s instead of 0.49 s."""
    texts = pc.fill_null(texts, "")
    shares = pc.match_substring_regex(texts, ARABIC_LETTER_CLASS_RE2).to_numpy(zero_copy_only=False).astype(np.float64)
    mixed = np.flatnonzero(pc.match_substring_regex(texts, mixed_letters_re2()).to_numpy(zero_copy_only=False))
    if len(mixed):
        letters, arabic = count_per_text(texts.take(pa.array(mixed)), letter_table(), arabic_letter_table())
        shares[mixed] = np.where(letters > 0, arabic / np.maximum(letters, 1), 0.0)
    return shares


def _iso_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return dt.date.min  # not a date: out of any range, so date_in_range reports it


# Derivations read the Arrow table before it becomes a frame: computed in pyarrow and numpy, the
# texts never become Python strings (at 100 MB they took 2.3 of the suites' 8.4 s as lists).
def _chars(text: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.fill_null(pc.utf8_length(text), 0).cast(pa.int64())


def _derive_paragraphs(table: pa.Table) -> dict[str, Any]:
    return {
        "arabic_letter_share": arabic_letter_shares(table["text"]),
        "n_source_lines": pc.fill_null(pc.list_value_length(table["source_lines"]), 0).cast(pa.int64()),
        "text_chars": _chars(table["text"]),
    }


def _derive_sentences(table: pa.Table) -> dict[str, Any]:
    return {"span_chars": pc.subtract(table["char_end"], table["char_start"]), "text_chars": _chars(table["text"])}


def _derive_documents(table: pa.Table) -> dict[str, Any]:
    return {"date_value": pa.array([_iso_date(v) for v in table["date"].to_pylist()], type=pa.date32())}


def _derive_lines(table: pa.Table) -> dict[str, Any]:
    byte_end = table["byte_end"].to_numpy()
    return {"prev_byte_end": np.concatenate([np.array([-1], dtype=byte_end.dtype), byte_end[:-1]])}


# the stored columns each config's derivations read
DERIVED_INPUTS: dict[str, tuple[str, ...]] = {
    "paragraphs": ("text", "source_lines"),
    "sentences": ("char_start", "char_end", "text"),
    "documents": ("date",),
    "lines": ("byte_end",),
}
# {config: (derived column names, table -> {name: column})}
DERIVED: dict[str, tuple[tuple[str, ...], Callable[[pa.Table], dict[str, Any]]]] = {
    "paragraphs": (("arabic_letter_share", "n_source_lines", "text_chars"), _derive_paragraphs),
    "sentences": (("span_chars", "text_chars"), _derive_sentences),
    "documents": (("date_value",), _derive_documents),
    "lines": (("prev_byte_end",), _derive_lines),
}


# --------------------------------------------------------------------------------------------
# suite files
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExpectationSpec:
    check: str
    type: str
    kwargs: dict[str, Any]


@dataclass(frozen=True)
class SuiteSpec:
    config: str
    derived: tuple[str, ...]
    expectations: tuple[ExpectationSpec, ...]


def class_name(expectation_type: str) -> str:
    """expect_column_values_to_be_unique -> ExpectColumnValuesToBeUnique."""
    return "".join(part.capitalize() for part in expectation_type.split("_"))


@cache
def load_suite(config: str, suites_dir: Path = SUITES_DIR) -> SuiteSpec:
    """Read and check validation/<config>.yaml (types are checked against GX when it runs)."""
    path = suites_dir / f"{config}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteFileError(f"{path.name}: suite file missing from validation/") from None
    if not isinstance(raw, dict) or raw.get("config") != config or not isinstance(raw.get("expectations"), list):
        raise SuiteFileError(f"{path.name}: needs `config: {config}` and a list `expectations`")
    derived = tuple(raw.get("derived") or ())
    if set(derived) != set(DERIVED[config][0]):
        raise SuiteFileError(f"{path.name}: `derived` lists {sorted(derived)}, the code derives {sorted(DERIVED[config][0])}")
    specs, seen = [], set()
    for i, e in enumerate(raw["expectations"]):
        if not isinstance(e, dict) or not {"check", "type"} <= set(e) or not str(e["type"]).startswith("expect_"):
            raise SuiteFileError(f"{path.name}: expectation {i} needs `check` and `type: expect_...`")
        if e["check"] in seen:
            raise SuiteFileError(f"{path.name}: check name {e['check']!r} repeats")
        seen.add(e["check"])
        specs.append(ExpectationSpec(str(e["check"]), str(e["type"]), dict(e.get("kwargs") or {})))
    return SuiteSpec(config, derived, tuple(specs))


class _Missing(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def resolve(value: Any, env: Mapping[str, Any]) -> Any:
    """Replace every "${a.b}" string (the whole string) by its value in env, recursively."""
    if isinstance(value, dict):
        return {k: resolve(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, env) for v in value]
    if isinstance(value, str) and (m := _REF.match(value)):
        node: Any = env
        for part in m.group(1).split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise _Missing(m.group(1))
            node = node[part]
        return node
    if isinstance(value, str) and "${" in value:
        raise SuiteFileError(f"reference {value!r}: only a whole-string \"${{name}}\" is supported")
    return value


def base_env(params: Params) -> dict[str, Any]:
    """What suite kwargs may reference: every params.yaml section, and the clean-text class (in
    the spelling pandas hands to pyarrow)."""
    return {**dataclasses.asdict(params), "forbidden_in_clean": FORBIDDEN_IN_CLEAN_RE2}


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------

@dataclass
class Failure:
    """One failed expectation or plain check, with a few offending values."""

    check: str
    what: str
    count: int | None = None
    total: int | None = None
    examples: list[Any] = field(default_factory=list)
    observed: Any = None

    def message(self) -> str:
        if self.count is None:
            detail = f"observed {self.observed!r}" if self.observed is not None else "failed"
        else:
            of = f" of {self.total}" if self.total is not None else ""
            detail = f"{self.count}{of} rows unexpected"
        shown = "; ".join(repr(x) for x in self.examples)
        return f"{self.what}: {detail}" + (f": {shown}" if shown else "")


@dataclass
class SuiteResult:
    """One row of the validation table: a GX suite run on one split."""

    name: str
    checks: list[str]
    failures: list[Failure]
    skipped: list[str] = field(default_factory=list)


def json_safe(value: Any) -> Any:
    """Plain JSON types, short strings, rounded floats: what a summary and a terminal can show."""
    if hasattr(value, "tolist"):
        value = value.tolist()  # numpy scalars and arrays
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return value if len(value) <= EXAMPLE_CHARS else value[:EXAMPLE_CHARS] + "…"
    if value is None or isinstance(value, (bool, int)):
        return value
    return str(value)


def _what(spec: ExpectationSpec) -> str:
    cols = [spec.kwargs[k] for k in ("column", "column_A", "column_B") if k in spec.kwargs]
    return f"{spec.type}({', '.join(map(str, cols))})"


def _exception(result: Any) -> str | None:
    info = result.exception_info or {}
    if "raised_exception" in info:
        return info.get("exception_message") if info.get("raised_exception") else None
    messages = [v.get("exception_message") for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    return messages[0] if messages else None


def _failure(name: str, spec: ExpectationSpec, kwargs: dict[str, Any], result: Any) -> Failure:
    what = _what(spec)
    error = _exception(result)
    if error:
        return Failure(name, what, observed=f"error: {error}")
    r = result.result or {}
    if "unexpected_count" not in r:  # an aggregate (row count, min, max): say what was expected
        bounds = ", ".join(f"{k}={v!r}" for k, v in kwargs.items() if k in ("value", "min_value", "max_value"))
        return Failure(name, f"{what[:-1]}{'; ' if what[-2] != '(' else ''}{bounds})", observed=json_safe(r.get("observed_value")))
    examples = [json_safe(v) for v in (r.get("partial_unexpected_list") or [])[:MAX_EXAMPLES]]
    return Failure(name, what, int(r["unexpected_count"]), r.get("element_count"), examples)


# --------------------------------------------------------------------------------------------
# the runner
# --------------------------------------------------------------------------------------------

def _row_condition(spec: dict[str, Any], where: str) -> Any:
    """{column, operator (== != < <= > >= IN NOT_IN), parameter} -> a GX Condition (GX 1.9+
    deprecates pandas query strings)."""
    from great_expectations.expectations.row_conditions import Column, ComparisonCondition

    if set(spec) != {"column", "operator", "parameter"}:
        raise SuiteFileError(f"{where}: row_condition needs exactly column, operator, parameter")
    return ComparisonCondition(column=Column(spec["column"]), operator=spec["operator"], parameter=spec["parameter"])


def frame_inputs(spec: SuiteSpec, named: set[str]) -> set[str]:
    """The stored columns a frame of the `named` columns is made from: those, and the
    derivations' inputs when a derived column is named."""
    derived = set(DERIVED[spec.config][0])
    return (named - derived) | (set(DERIVED_INPUTS[spec.config]) if named & derived else set())


def _frame(table: pa.Table, spec: SuiteSpec, named: set[str]) -> pd.DataFrame:
    """A frame of the `named` columns of the table (derived ones computed first, when named).
    Only named columns are converted: the others would cost time and memory for nothing."""
    if named & set(DERIVED[spec.config][0]):
        for name, column in DERIVED[spec.config][1](table).items():
            table = table.append_column(name, pa.array(column) if isinstance(column, np.ndarray) else column)
    return table.select([c for c in table.column_names if c in named]).to_pandas()


def expectation_columns(e: ExpectationSpec) -> set[str]:
    """The columns one expectation names (stored or derived)."""
    columns = {e.kwargs[k] for k in ("column", "column_A", "column_B") if isinstance(e.kwargs.get(k), str)}
    columns.update(c for c in e.kwargs.get("column_list") or () if isinstance(c, str))
    condition = e.kwargs.get("row_condition")
    if isinstance(condition, dict) and isinstance(condition.get("column"), str):
        columns.add(condition["column"])
    return columns


def row_wise(e: ExpectationSpec) -> bool:
    """True when the expectation judges each row on its own (with its row condition), so its
    result over a split is the sum of its results over consecutive batches of rows: counts add
    up and the first unexpected values come first. `mostly` below 1 is a share of the whole
    split, so such an expectation runs on the whole split like the aggregates (unique, min,
    max, row count) and any type not listed here."""
    return e.type in ROW_WISE_TYPES and e.kwargs.get("mostly", 1) == 1


# Map expectations: one verdict per row (pair expectations: per row of the two columns).
ROW_WISE_TYPES = frozenset({
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_value_lengths_to_be_between",
    "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex",
    "expect_column_pair_values_to_be_equal",
    "expect_column_pair_values_a_to_be_greater_than_b",
})
# A split of more rows or text (UTF-8) than this, or of more than one Parquet row group, is
# validated in batches: the row-wise expectations a batch of at most BATCH_ROWS rows and
# BATCH_TEXT_BYTES of text at a time, the others on the whole split's frame of only the columns
# they name. So the GX worker holds one batch of texts, not a whole split's (2.6 GB at 1 GB of
# source as Python strings, measured), plus GX's copies while it checks lengths and patterns.
# 100 MB benchmark build, worker peak: 655 MB with a row group (32 MiB of text) a batch, 552 MB
# with 8 MiB (13.3 s, was 12.0 s), 525 MB with 4 MiB (14.5 s). At 1 GB the peak was the
# sentences suites (1,976 MB), whose whole-split run (`id_unique` over 3.84M ids) takes it there.
# Since the frames keep pandas' Arrow strings (derivations in pyarrow, no batch fingerprints), the
# suites alone at 100 MB, each a few runs on 2026-12-04: 6.1-6.3 s with 8 MiB, 5.3-6.1 s with
# 16 MiB (both peaking at 416-418 MB, in a whole-split run), 5.1-5.6 s and 457 MB with 32 MiB.
# On 2026-12-05, with faster derivations and a 100 MB build peaking at 847 MiB: 2.92-3.03 s and
# 350-371 MiB with 32 MiB, against 3.28-3.51 s and 321 MiB with 16 MiB (each GX run has a fixed
# cost, and a batch of 32 MiB is one of the writer's row groups). Batches fill across row groups
# (_row_batches) up to 250,000 rows: the 100 MB benchmark's suites then make 21 GX runs instead of
# 24 (the ledger two instead of four, the sentences six instead of seven): 3.01 s against 3.17 s
# (one run each), the process peaking at 482 MiB against 454-476 MiB in three runs before.
BATCH_ROWS = 250_000
BATCH_TEXT_BYTES = 32 << 20


def _batched(meta: Any) -> bool:
    """Whether a split (its Parquet metadata) is validated in batches: more than one row group,
    or more rows or (uncompressed) text than one batch holds."""
    if meta.num_row_groups > 1 or meta.num_rows > BATCH_ROWS:
        return True
    if not meta.num_row_groups:
        return False
    group = meta.row_group(0)
    columns = (group.column(i) for i in range(group.num_columns))
    return any(c.path_in_schema == "text" and c.total_uncompressed_size > BATCH_TEXT_BYTES for c in columns)


@dataclass
class _Merged:
    """The result of one row-wise expectation over a split's batches, shaped like GX's result
    for what `_failure` reads (success, result, exception_info)."""

    success: bool = True
    result: dict[str, Any] = field(default_factory=lambda: {"element_count": 0, "unexpected_count": 0, "partial_unexpected_list": []})
    exception_info: dict[str, Any] = field(default_factory=dict)

    def add(self, r: Any) -> None:
        if self.exception_info:  # the first error is the outcome, as on a whole split
            return
        if _exception(r):
            self.success, self.exception_info = False, r.exception_info
            return
        self.success = self.success and bool(r.success)
        part = r.result or {}
        self.result["element_count"] += int(part.get("element_count") or 0)
        self.result["unexpected_count"] += int(part.get("unexpected_count") or 0)
        examples = self.result["partial_unexpected_list"]
        examples += (part.get("partial_unexpected_list") or [])[: MAX_EXAMPLES - len(examples)]


def _row_batches(path: Path, columns: Collection[str], max_rows: int, max_text_bytes: int) -> Iterator[pa.Table]:
    """The file's rows in batches of at most max_rows rows and max_text_bytes of text (when `text`
    is among the columns; a larger row is a batch alone), filled greedily across row groups, each
    batch led by the row before it (the first by none): a derived column may read a row's
    predecessor. A batch spans row groups because each GX run has a fixed cost: the writer's
    groups close at 100,000 rows, so the 100 MB benchmark's sentences (383,188 rows) took four
    runs and its ledger three."""
    from .write import read_row_groups, text_bytes

    previous: pa.Table | None = None
    held: list[pa.Table] = []
    rows_held = bytes_held = 0

    def batch() -> pa.Table:
        nonlocal previous, rows_held, bytes_held
        rows = pa.concat_tables(held) if len(held) > 1 else held[0]
        held.clear()
        rows_held = bytes_held = 0
        out = rows if previous is None else pa.concat_tables([previous, rows])
        previous = rows.slice(rows.num_rows - 1)
        return out

    empty = None
    for group in read_row_groups(path, columns):
        empty = group.slice(0, 0)
        ends = np.cumsum(text_bytes(group))
        lo = 0
        while lo < group.num_rows:
            before = int(ends[lo - 1]) if lo else 0
            fit = int(np.searchsorted(ends, before + max_text_bytes - bytes_held, side="right"))
            hi = min(fit, lo + max_rows - rows_held)
            if hi <= lo:  # nothing more fits this batch
                if held:
                    yield batch()
                    continue
                hi = lo + 1
            held.append(group.slice(lo, hi - lo))
            rows_held += hi - lo
            bytes_held += int(ends[hi - 1]) - before
            lo = hi
    if held:
        yield batch()
    elif previous is None and empty is not None:  # a file without rows: one empty batch, its columns seen
        yield empty


def run_suites(
    out_dir: Path,
    params: Params,
    expected_sizes: Mapping[str, Mapping[str, int]] | None = None,
    docs_dir: Path | None = None,
    configs: Iterable[str] = paths.CONFIGS,
) -> list[SuiteResult]:
    """Run each config's suite on every split of out_dir (reading only the columns it needs);
    optionally build Data Docs in docs_dir.

    A split of one row group of at most BATCH_ROWS rows and BATCH_TEXT_BYTES of text is one GX
    run. A larger one is validated in batches (see BATCH_ROWS), with the same results. Data Docs
    show one validation result per suite, so with docs_dir every split is one run on its whole
    frame."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        for site in list(ctx.list_data_docs_sites()):
            ctx.delete_data_docs_site(site)  # the default site writes to a temp folder
        ctx.add_data_docs_site(DOCS_SITE, {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(Path(docs_dir).resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    source = ctx.data_sources.add_pandas(DOCS_SITE)
    with _without_batch_fingerprints():
        results = _run_configs(gx, ctx, source, out_dir, params, expected_sizes, docs_dir, configs)
    if docs_dir is not None:
        ctx.build_data_docs(site_names=[DOCS_SITE])
    return results


@contextmanager
def _without_batch_fingerprints() -> Iterator[None]:
    """GX's pandas engine hashes every frame it is given (pandas.util.hash_pandas_object, then
    md5) for a batch marker, `pandas_data_fingerprint`, that no result depends on and nothing
    here reads: 4.0 of the suites' 15.9 s at 100 MB. It skips the hash for frames of at least
    HASH_THRESHOLD bytes (1e9); inside the block the threshold is 0. Should GX drop the constant,
    this does nothing (and a test says so)."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    saved = getattr(engine, "HASH_THRESHOLD", None)
    if saved is None:
        yield
        return
    engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        engine.HASH_THRESHOLD = saved


def _run_configs(
    gx: Any, ctx: Any, source: Any, out_dir: Path, params: Params,
    expected_sizes: Mapping[str, Mapping[str, int]] | None, docs_dir: Path | None, configs: Iterable[str],
) -> list[SuiteResult]:
    """run_suites' work once the context is made: each config's splits in turn."""
    import pyarrow.parquet as pq

    env0 = base_env(params)
    results: list[SuiteResult] = []
    for config in [c for c in paths.CONFIGS if c in set(configs)]:
        spec = load_suite(config)
        asset = source.add_dataframe_asset(config)
        for split in paths.splits_of(config):
            name = f"{config}.{split}"
            path = out_dir / paths.parquet_relpath(config, split)
            meta = pq.ParquetFile(path).metadata
            env = {**env0, "rows": meta.num_rows}
            if expected_sizes is not None and split in expected_sizes.get(config, {}):
                env["expected_rows"] = int(expected_sizes[config][split])
            kwargs_of, skipped = _resolved(spec, env, name, expected_sizes is not None)
            batch = asset.add_batch_definition_whole_dataframe(split)
            run = _Runner(gx, ctx, batch, spec, kwargs_of)
            checks = list(kwargs_of)
            if docs_dir is not None:
                outcome = run.saved(name, checks, _whole_frame(path, spec, checks))
            else:
                outcome = _outcome(run, path, spec, meta, checks, VERDICT_FORMAT)
                failed = [check for check in checks if not outcome[check].success]
                if failed:  # again, for their counts and first offending values
                    outcome.update(_outcome(run, path, spec, meta, failed, RESULT_FORMAT))
            by_check = {e.check: e for e in spec.expectations}
            failures = [
                _failure(f"{name}.{check}", by_check[check], kwargs_of[check], outcome[check])
                for check in checks if not outcome[check].success
            ]
            results.append(SuiteResult(name, [f"{name}.{c}" for c in checks], failures, skipped))
            del outcome
            release_memory()  # the split's frames
    return results


def _resolved(spec: SuiteSpec, env: Mapping[str, Any], name: str, sizes_given: bool) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """{check: kwargs with references resolved} of the expectations that run, in file order, and
    the skipped ones with why."""
    kwargs_of: dict[str, dict[str, Any]] = {}
    skipped: list[str] = []
    for e in spec.expectations:
        try:
            kwargs_of[e.check] = resolve(e.kwargs, env)
        except _Missing as missing:
            if missing.name not in OPTIONAL_REFS:
                raise SuiteFileError(f"{spec.config}.yaml: {e.check}: unknown reference ${{{missing.name}}}") from None
            skipped.append(f"{name}.{e.check}: {NOT_RECORDED}" if sizes_given else f"{e.check}: {OPTIONAL_REFS[missing.name]}")
    return kwargs_of, skipped


def _whole_frame(path: Path, spec: SuiteSpec, checks: Collection[str]) -> pd.DataFrame:
    """The split's frame of every column these checks name (at least one column, so the frame
    has the split's rows even when only the row count is expected)."""
    import pyarrow.parquet as pq

    named = set().union(*(expectation_columns(e) for e in spec.expectations if e.check in checks))
    names = pq.read_schema(path).names
    wanted = frame_inputs(spec, named) or set(names[:1])
    table = pq.read_table(path, columns=[c for c in names if c in wanted])
    return _frame(table, spec, named or set(names[:1]))


def _outcome(run: _Runner, path: Path, spec: SuiteSpec, meta: Any, checks: list[str], result_format: dict[str, Any]) -> dict[str, Any]:
    """{check: result} of these checks over the split: one run on its frame, or in batches."""
    if not _batched(meta):
        return run(checks, _whole_frame(path, spec, checks), result_format)
    return _run_in_batches(run, path, spec, checks, result_format)


def _run_in_batches(run: _Runner, path: Path, spec: SuiteSpec, checks: list[str], result_format: dict[str, Any]) -> dict[str, Any]:
    """The outcome of each check over the whole split: the others on the split's frame of their
    columns, the row-wise ones batch by batch, merged (_Merged)."""
    specs = [e for e in spec.expectations if e.check in checks]
    whole = [e.check for e in specs if not row_wise(e)]
    rowwise = [e.check for e in specs if row_wise(e)]
    outcome: dict[str, Any] = run(whole, _whole_frame(path, spec, whole), result_format) if whole else {}
    merged = {check: _Merged() for check in rowwise}
    if rowwise:
        named = set().union(*(expectation_columns(e) for e in specs if e.check in rowwise))
        first = True
        for rows in _row_batches(path, frame_inputs(spec, named), BATCH_ROWS, BATCH_TEXT_BYTES):
            df = _frame(rows, spec, named)
            for check, r in run(rowwise, df if first else df.iloc[1:], result_format).items():  # drop the row before the batch
                merged[check].add(r)
            first = False
    return {**outcome, **merged}


class _Runner:
    """Builds a GX suite of some of a split's checks and runs it on a frame."""

    def __init__(self, gx: Any, ctx: Any, batch: Any, spec: SuiteSpec, kwargs_of: Mapping[str, dict[str, Any]]) -> None:
        self.gx, self.ctx, self.batch, self.spec, self.kwargs_of = gx, ctx, batch, spec, kwargs_of

    def _suite(self, name: str, checks: Iterable[str]) -> Any:
        expectations = []
        for e in self.spec.expectations:
            if e.check not in checks:
                continue
            where = f"{self.spec.config}.yaml: {e.check}"
            cls = getattr(self.gx.expectations, class_name(e.type), None)
            if cls is None:
                raise SuiteFileError(f"{where}: GX has no expectation {e.type}")
            kwargs = dict(self.kwargs_of[e.check])
            if isinstance(kwargs.get("row_condition"), dict):
                kwargs["row_condition"] = _row_condition(kwargs["row_condition"], where)
            try:
                expectations.append(cls(**kwargs, meta={"check": e.check}))
            except (TypeError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
                raise SuiteFileError(f"{where}: bad kwargs for {e.type}: {exc}") from None
        return self.gx.ExpectationSuite(name=name, expectations=expectations)

    def __call__(self, checks: list[str], df: pd.DataFrame, result_format: dict[str, Any]) -> dict[str, Any]:
        """{check: GX result} of these checks on the frame (nothing is stored)."""
        suite = self._suite(self.spec.config, checks)
        run = self.batch.get_batch(batch_parameters={"dataframe": df}).validate(suite, result_format=result_format)
        return {r.expectation_config.meta["check"]: r for r in run.results}

    def saved(self, name: str, checks: list[str], df: pd.DataFrame) -> dict[str, Any]:
        """The same, through a stored suite and validation definition: what Data Docs render."""
        suite = self.ctx.suites.add(self._suite(name, checks))
        run = self.gx.ValidationDefinition(name=name, data=self.batch, suite=suite).run(
            batch_parameters={"dataframe": df}, result_format=RESULT_FORMAT
        )
        return {r.expectation_config.meta["check"]: r for r in run.results}


# BASIC: counts and a few values; SUMMARY with row ids costs ~40% more run time
RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": MAX_EXAMPLES}
# Every check runs first for its verdict alone; only the failed ones run again with RESULT_FORMAT
# (a report shows counts and examples of failed checks only). GX then builds and computes fewer
# metrics per expectation. The seed's ten suites, three runs each: 0.54-0.60 s instead of
# 0.75-0.98 s in a fresh process (as in the build's worker), 0.51-0.60 instead of 0.66-0.72 s once
# warm; at 100 MB no difference beyond the spread of runs (13.7-15.4 vs 15.2-15.5 s).
VERDICT_FORMAT = {"result_format": "BOOLEAN_ONLY"}

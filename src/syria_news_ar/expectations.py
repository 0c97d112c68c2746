"""The Great Expectations layer of step 5: the suites in validation/, built and run at run time.

The suites are small YAML files (one per config, see validation/README.md) rather than GX's own
JSON, whose random ids churn on every save. At run time each file becomes one GX suite per split
(``paragraphs.train``, ...) in an ephemeral context: nothing is written unless Data Docs are asked
for. ``"${section.key}"`` in kwargs is read from params.yaml; ``"${rows}"``, ``"${expected_rows}"``
and ``"${forbidden_in_clean}"`` are run-time values. A few columns GX cannot compute (a share, a
list length, a row's predecessor) are derived before validating; each suite file lists the ones
it uses and this module refuses a file whose list differs from the code's.

Great Expectations (~2-3 s to import) and pandas are imported only inside :func:`run_suites`, so
importing the package or running the plain checks stays fast.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from . import paths
from .clean import FORBIDDEN_IN_CLEAN
from .errors import SyriaNewsError
from .letters import ARABIC_LETTER_CLASS, arabic_letter_table, count_per_text, letter_table
from .params import Params

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

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
_ANY_LETTER = re.compile(r"[^\W\d_]")


class SuiteFileError(SyriaNewsError):
    """A file in validation/ is malformed or names something that does not exist."""

    exit_code = 2


# --------------------------------------------------------------------------------------------
# derived columns (documented in each suite file's `derived:` block)
# --------------------------------------------------------------------------------------------

def arabic_letter_share(text: str | None) -> float:
    """Share of Arabic letters among all letters; 0.0 for a text without letters."""
    if not isinstance(text, str):
        return 0.0
    letters = len(_ANY_LETTER.findall(text))
    return len(_ARABIC_LETTER.findall(text)) / letters if letters else 0.0


def arabic_letter_shares(texts: Iterable[str | None]) -> list[float]:
    """`arabic_letter_share` of every text, counted on code points in numpy (no per-character Python)."""
    strings = [t if isinstance(t, str) else "" for t in texts]
    letters, arabic = count_per_text(strings, letter_table(), arabic_letter_table())
    return np.where(letters > 0, arabic / np.maximum(letters, 1), 0.0).tolist()


def _iso_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return dt.date.min  # not a date: out of any range, so date_in_range reports it


def _derive_paragraphs(df: pd.DataFrame) -> None:
    df["arabic_letter_share"] = arabic_letter_shares(df["text"].tolist())
    df["n_source_lines"] = [0 if v is None else len(v) for v in df["source_lines"]]
    df["text_chars"] = [0 if not isinstance(t, str) else len(t) for t in df["text"]]


def _derive_sentences(df: pd.DataFrame) -> None:
    df["span_chars"] = df["char_end"] - df["char_start"]
    df["text_chars"] = [0 if not isinstance(t, str) else len(t) for t in df["text"]]


def _derive_documents(df: pd.DataFrame) -> None:
    import pandas as pd

    df["date_value"] = pd.Series([_iso_date(v) for v in df["date"]], index=df.index, dtype=object)


def _derive_lines(df: pd.DataFrame) -> None:
    df["prev_byte_end"] = df["byte_end"].shift(1, fill_value=-1)


# the stored columns each config's derivations read
DERIVED_INPUTS: dict[str, tuple[str, ...]] = {
    "paragraphs": ("text", "source_lines"),
    "sentences": ("char_start", "char_end", "text"),
    "documents": ("date",),
    "lines": ("byte_end",),
}
DERIVED: dict[str, tuple[tuple[str, ...], Callable[[pd.DataFrame], None]]] = {
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
    """What suite kwargs may reference: every params.yaml section, and the clean-text class."""
    return {**dataclasses.asdict(params), "forbidden_in_clean": FORBIDDEN_IN_CLEAN}


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


def suite_columns(spec: SuiteSpec) -> set[str]:
    """The columns a suite's expectations name (stored or derived)."""
    columns: set[str] = set()
    for e in spec.expectations:
        columns.update(e.kwargs[k] for k in ("column", "column_A", "column_B") if isinstance(e.kwargs.get(k), str))
        columns.update(c for c in e.kwargs.get("column_list") or () if isinstance(c, str))
        condition = e.kwargs.get("row_condition")
        if isinstance(condition, dict) and isinstance(condition.get("column"), str):
            columns.add(condition["column"])
    return columns


def frame_inputs(spec: SuiteSpec) -> set[str]:
    """The stored columns a suite's frame is made from: those it names and the derivations' inputs."""
    return suite_columns(spec) | set(DERIVED_INPUTS[spec.config])


def _frame(table: pa.Table, spec: SuiteSpec) -> pd.DataFrame:
    """The suite's frame from its frame_inputs columns, keeping only the columns the suite names:
    GX fingerprints every frame it is given (hashing each column, and pickling the whole frame
    when a list column cannot be hashed), so columns no expectation looks at cost time and memory
    for nothing."""
    named = suite_columns(spec)
    df = table.to_pandas()
    DERIVED[spec.config][1](df)
    return df[[c for c in df.columns if c in named]]


def run_suites(
    out_dir: Path,
    params: Params,
    expected_sizes: Mapping[str, Mapping[str, int]] | None = None,
    docs_dir: Path | None = None,
    configs: Iterable[str] = paths.CONFIGS,
) -> list[SuiteResult]:
    """Run each config's suite on every split of out_dir (reading only the columns it needs);
    optionally build Data Docs in docs_dir."""
    from .write import read_split

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
    env0 = base_env(params)
    results: list[SuiteResult] = []
    for config in [c for c in paths.CONFIGS if c in set(configs)]:
        spec = load_suite(config)
        asset = source.add_dataframe_asset(config)
        for split in paths.splits_of(config):
            name = f"{config}.{split}"
            df = _frame(read_split(out_dir, config, split, frame_inputs(spec)), spec)
            env = {**env0, "rows": len(df)}
            if expected_sizes is not None and split in expected_sizes.get(config, {}):
                env["expected_rows"] = int(expected_sizes[config][split])
            expectations = []
            by_check: dict[str, tuple[ExpectationSpec, dict[str, Any]]] = {}
            skipped: list[str] = []
            for e in spec.expectations:
                try:
                    kwargs = resolve(e.kwargs, env)
                except _Missing as missing:
                    if missing.name not in OPTIONAL_REFS:
                        raise SuiteFileError(f"{config}.yaml: {e.check}: unknown reference ${{{missing.name}}}") from None
                    if expected_sizes is None:
                        skipped.append(f"{e.check}: {OPTIONAL_REFS[missing.name]}")
                    else:
                        skipped.append(f"{name}.{e.check}: {NOT_RECORDED}")
                    continue
                cls = getattr(gx.expectations, class_name(e.type), None)
                if cls is None:
                    raise SuiteFileError(f"{config}.yaml: {e.check}: GX has no expectation {e.type}")
                if isinstance(kwargs.get("row_condition"), dict):
                    kwargs["row_condition"] = _row_condition(kwargs["row_condition"], f"{config}.yaml: {e.check}")
                try:
                    expectations.append(cls(**kwargs, meta={"check": e.check}))
                except (TypeError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
                    raise SuiteFileError(f"{config}.yaml: {e.check}: bad kwargs for {e.type}: {exc}") from None
                by_check[e.check] = (e, kwargs)
            suite = ctx.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
            batch = asset.add_batch_definition_whole_dataframe(split)
            run = gx.ValidationDefinition(name=name, data=batch, suite=suite).run(
                batch_parameters={"dataframe": df},
                # BASIC: counts and a few values; SUMMARY with row ids costs ~40% more run time
                result_format={"result_format": "BASIC", "partial_unexpected_count": MAX_EXAMPLES},
            )
            failures = []
            for r in run.results:
                check = r.expectation_config.meta["check"]
                if not r.success:
                    failures.append(_failure(f"{name}.{check}", *by_check[check], r))
            order = list(by_check)
            failures.sort(key=lambda f: order.index(f.check.rsplit(".", 1)[1]))
            results.append(SuiteResult(name, [f"{name}.{c}" for c in by_check], failures, skipped))
    if docs_dir is not None:
        ctx.build_data_docs(site_names=[DOCS_SITE])
    return results

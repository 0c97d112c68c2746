"""Step 5, validate: every record against its JSON Schema, the cross-file invariants, then the
Great Expectations suites of validation/ (expectations.py), all reported in one table.

Each check has a name; a failure is reported as "<check>: <what> (<a few offending values>)" so
a reader knows which guarantee broke and where to look. A GX suite is one config on one split
(`paragraphs.train`); its expectations are named `<suite>.<check>` (`paragraphs.train.id_unique`).
Plain checks cover what GX cannot express: other files (the source, other configs, other splits).
They work column-wise on the Arrow tables, pulling into Python only the columns (or batches of
text) each needs, so they stay fast and small at 100 MB+ of input.
"""
from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from jsonschema import Draft202012Validator

from . import params as params_mod
from . import paths, schema
from .arrow_text import utf8_buffers, utf8_slices
from .clean import FORBIDDEN_IN_CLEAN, arrow_key_hashes, arrow_normalized_keys
from .errors import BadInputError
from .expectations import MAX_EXAMPLES, Failure, SuiteResult, json_safe
from .ingest import iter_raw_line_batches
from .memory import release_memory
from .schema_check import Violations
from .sorting import lex_order
from .write import read_row_group, read_row_groups, read_split

NO_SOURCE = "not checked: no source given (--source)"


@dataclass
class Entry:
    """One row of the table: a GX suite on one split (layer "gx") or one plain check ("check")."""

    name: str
    layer: str
    checks: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


@dataclass
class Report:
    """Both layers' results: `checked` names every check run (plain checks and `<suite>.<check>`),
    `failures` maps a failed one to its messages, `entries` are the table's rows."""

    checked: list[str] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # check (no suite prefix when all suites) -> why
    timings_s: dict[str, float] = field(default_factory=dict)  # not in the summary: it must not churn

    def check(self, name: str, offenders: Iterable[Any], what: str) -> None:
        """Record plain check `name`; it fails when `offenders` is non-empty."""
        self.checked.append(name)
        entry = self.entries.setdefault(name, Entry(name, "check"))
        entry.checks.append(name)
        bad = list(offenders)
        if bad:
            shown = ", ".join(repr(x) for x in bad[:MAX_EXAMPLES])
            more = f" and {len(bad) - MAX_EXAMPLES} more" if len(bad) > MAX_EXAMPLES else ""
            self.failures.setdefault(name, []).append(f"{len(bad)} {what}: {shown}{more}")
            entry.failures.append(Failure(name, what, len(bad), examples=[json_safe(x) for x in bad[:MAX_EXAMPLES]]))

    def add_suite(self, result: SuiteResult) -> None:
        """Record one GX suite run; each failed expectation is a failure named <suite>.<check>."""
        self.checked.extend(result.checks)
        self.entries[result.name] = Entry(result.name, "gx", list(result.checks), list(result.failures))
        for f in result.failures:
            self.failures.setdefault(f.check, []).append(f.message())
        for note in result.skipped:
            check, why = note.split(": ", 1)
            self.skipped[check] = why

    def extend(self, later: Report) -> None:
        """Append another report's rows, as if its checks had run after this one's (the build's
        worker runs the schema check while this process runs the others)."""
        self.checked.extend(later.checked)
        for name, msgs in later.failures.items():
            self.failures.setdefault(name, []).extend(msgs)
        self.entries.update(later.entries)
        self.skipped.update(later.skipped)

    @property
    def ok(self) -> bool:
        return not self.failures

    def lines(self) -> list[str]:
        return [f"{name}: {msg}" for name, msgs in self.failures.items() for msg in msgs]

    def table(self) -> str:
        """Suites and checks with their counts, then every failure with a few offending values."""
        width = max([len("suite / check"), *(len(n) for n in self.entries)])
        out = [f"{'suite / check':<{width}}  layer  expectations  passed  failed"]
        for e in self.entries.values():
            n, bad = len(e.checks), len(e.failures)
            out.append(f"{e.name:<{width}}  {e.layer:<5}  {n:>12}  {n - bad:>6}  {bad:>6}")
        total, failed = len(self.checked), sum(len(e.failures) for e in self.entries.values())
        out.append(f"{'total':<{width}}  {'':<5}  {total:>12}  {total - failed:>6}  {failed:>6}")
        if self.failures:
            out.append("")
            out.append("failed:")
            out.extend(f"  {line}" for line in self.lines())
        if self.skipped:
            out.append("")
            out.extend(f"skipped {check}: {why}" for check, why in sorted(self.skipped.items()))
        return "\n".join(out)

    def summary(self) -> dict[str, Any]:
        """Deterministic JSON-ready summary (no timestamps, ids or paths): metrics/validation.json."""
        suites: dict[str, Any] = {}
        for e in self.entries.values():
            failures = {}
            for f in e.failures:
                item = {"expectation": f.what, "unexpected": f.count, "rows": f.total, "examples": f.examples, "observed": f.observed}
                failures[f.check] = {k: v for k, v in item.items() if v not in (None, [])}
            n = len(e.checks)
            suites[e.name] = {"layer": e.layer, "expectations": n, "passed": n - len(e.failures), "failed": len(e.failures), "failures": failures}
        failed = sum(s["failed"] for s in suites.values())
        return {"ok": self.ok, "checks": len(self.checked), "failed": failed, "skipped": dict(sorted(self.skipped.items())), "suites": suites}

    def summary_json(self) -> str:
        return json.dumps(self.summary(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


Tables = dict[str, dict[str, pa.Table]]  # config -> split -> table
Splits = Iterable[pa.Table]  # one config's split tables, in split order (the records' order)

BATCH_BYTES = 8 << 20  # text (UTF-8) a check streams through a compiled pass at once
TAKE_ROWS = 20_000  # rows fetched at once in an order of a check's own (sentences by paragraph)
ROW_SLICE = 100_000  # rows of short columns (ids, numbers) in Python at once


def _read_config(out_dir: Path, config: str, columns: Collection[str] | None = None) -> dict[str, pa.Table]:
    """A config's split files (only `columns`, if given), one chunk per column (see write.read_parquet)."""
    return {split: read_split(out_dir, config, split, columns).combine_chunks() for split in paths.splits_of(config)}


def load_tables(out_dir: Path, columns: Mapping[str, Collection[str]]) -> Tables:
    """The split files of the configs in `columns`, with just those columns."""
    return {config: _read_config(out_dir, config, cols) for config, cols in columns.items()}


@dataclass(frozen=True)
class SplitTexts:
    """A split's rows a row group at a time, with the text columns a check streams instead of
    holding: in order (`read()`) or one group by number (`read_group`, for ParagraphTexts)."""

    group_rows: tuple[int, ...]  # rows of each row group
    read_group: Callable[[int], pa.Table]
    hashes_of_group: Callable[[int], np.ndarray] | None = None  # key hashes taken as another pass read the group (WatchedTexts)

    @property
    def rows(self) -> int:
        return sum(self.group_rows)

    def read(self) -> Iterator[pa.Table]:
        for g in range(len(self.group_rows)):
            yield self.read_group(g)

    def key_hashes(self, g: int) -> np.ndarray:
        """clean.arrow_key_hashes of row group g's texts."""
        if self.hashes_of_group is not None:
            return self.hashes_of_group(g)
        return arrow_key_hashes(_col(self.read_group(g), "text"))

    @classmethod
    def of_file(cls, out_dir: Path, config: str, split: str, columns: Collection[str]) -> SplitTexts:
        """Row groups of a split file with only those of `columns` it has (a file without row groups
        is one empty group, so its columns are still seen); the file is opened on each read."""
        import pyarrow.parquet as pq

        path = out_dir / paths.parquet_relpath(config, split)
        meta = pq.ParquetFile(path).metadata
        if meta.num_row_groups == 0:
            empty = next(read_row_groups(path, columns))
            return cls((0,), lambda g: empty)
        return cls(tuple(meta.row_group(g).num_rows for g in range(meta.num_row_groups)), lambda g: read_row_group(path, g, columns))

    @classmethod
    def of_tables(cls, parts: Sequence[pa.Table]) -> SplitTexts:
        """Tables in memory as the row groups of a split (tests)."""
        return cls(tuple(t.num_rows for t in parts), parts.__getitem__)


def split_texts(out_dir: Path, columns: Mapping[str, Collection[str]]) -> dict[str, dict[str, SplitTexts]]:
    """config -> split -> SplitTexts of those columns."""
    return {c: {s: SplitTexts.of_file(out_dir, c, s, cols) for s in paths.splits_of(c)} for c, cols in columns.items()}


def _streamed(splits: Iterable[SplitTexts]) -> Iterator[pa.Table]:
    """Every row group of these splits, in order."""
    for split in splits:
        yield from split.read()


def _col(table: pa.Table, name: str) -> pa.ChunkedArray:
    """A column by name; a missing one is a KeyError naming it, as a record dict without the field gave."""
    if name not in table.column_names:
        raise KeyError(name)
    return table.column(name)


def _column(splits: Splits, name: str) -> list[Any]:
    """One column over all splits as Python values: a check pulls only the columns it needs."""
    out: list[Any] = []
    for table in splits:
        out += _col(table, name).to_pylist()
    return out


def _at(splits: Splits, name: str, rows: Iterable[int]) -> list[Any]:
    """A column's values at `rows` (indices over all splits, any order): offenders' ids are read
    only when there are offenders (`splits` may be streamed row groups)."""
    index = np.fromiter(rows, dtype=np.int64)
    if not len(index):  # splits may be streamed from the files: none is read for no offenders
        return []
    out: list[Any] = [None] * len(index)
    lo = 0
    for table in splits:
        hi = lo + table.num_rows
        where = np.flatnonzero((index >= lo) & (index < hi))
        if len(where):
            for i, value in zip(where.tolist(), _col(table, name).take(pa.array(index[where] - lo)).to_pylist()):
                out[i] = value
        lo = hi
    return out


def _ints(splits: Splits, name: str) -> np.ndarray:
    """An integer column over all splits as int64 for numpy arithmetic; a null (which the schema
    check reports) leaves nothing to compute with, so the check stops (`<check>.could_run`)."""
    cols = [_col(table, name) for table in splits]
    nulls = sum(col.null_count for col in cols)
    if nulls:
        raise ValueError(f"{name} has {nulls} nulls")
    return np.concatenate([np.asarray(col.to_numpy(), dtype=np.int64) for col in cols]) if cols else np.zeros(0, np.int64)


def _rows(splits: Splits, *names: str) -> Iterator[tuple[Any, ...]]:
    """Rows of some columns over all splits, ROW_SLICE rows in Python at a time (a column of
    millions of sentence ids is never one Python list)."""
    for table in splits:
        cols = [_col(table, name) for name in names]
        for lo in range(0, table.num_rows, ROW_SLICE):
            yield from zip(*(col.slice(lo, ROW_SLICE).to_pylist() for col in cols))


def _arrow_column(splits: Splits, name: str) -> pa.ChunkedArray:
    """One column over all splits, still in Arrow (of the tables' type when there is no chunk;
    a string column when there is no table)."""
    columns = [_col(table, name) for table in splits]
    return pa.chunked_array([chunk for col in columns for chunk in col.chunks], type=columns[0].type if columns else pa.string())


def _has_types(table: pa.Table, types: Mapping[str, pa.DataType]) -> bool:
    """Whether the table has these columns with exactly these types."""
    return all(name in table.column_names and table.schema.field(name).type == t for name, t in types.items())


def _repeated(splits: Splits, name: str) -> list[Any]:
    """Values of a column (over all splits) found more than once, counted by Arrow's hash table
    rather than a Counter of Python strings."""
    counts = pc.value_counts(_arrow_column(splits, name))
    return pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1)).to_pylist()


def _by_id(ids: list[Any], values: Iterable[Any]) -> dict[Any, Any]:
    """id -> value of its record; a repeated id keeps its first place and its last record's value
    (what a dict of records keyed by id gave, so offenders stay the same)."""
    return dict(zip(ids, values))


def sampled_rows(total: int, params: params_mod.ValidateParams) -> np.ndarray:
    """Rows (over a config's splits, in order) the reference validator checks: all of a config of
    at most jsonschema_all_records_up_to, else jsonschema_sample_records evenly spaced ones
    (row k * total // n, k < n)."""
    n = params.jsonschema_sample_records
    if total <= max(params.jsonschema_all_records_up_to, n):
        return np.arange(total, dtype=np.int64)
    return np.arange(n, dtype=np.int64) * total // n


def _sample(table: pa.Table, indices: np.ndarray) -> Iterator[dict[str, Any]]:
    """Records at these rows as dicts, a batch at a time: only these become Python rows."""
    for lo in range(0, len(indices), 1_000):  # a thousand documents: ~20 MB of text
        yield from table.take(pa.array(indices[lo : lo + 1_000])).to_pylist()


class RecordIndex:
    """Id -> record of a config's split tables, as a dict of every record by id gave (`_by_id`):
    the distinct ids in first-seen order (`ids`), each one's last record (`record`), and lookups
    of many ids at once in Arrow (`ranks`, `records_of`): no Python string or dict entry per record."""

    def __init__(self, splits: Splits) -> None:
        every = _arrow_column(splits, "id")
        self.ids = pc.unique(every)  # in order of first occurrence
        self.record = np.full(len(self.ids), -1, dtype=np.int64)
        np.maximum.at(self.record, self.ranks(every), np.arange(len(every), dtype=np.int64))

    def ranks(self, ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Place of each id among `ids` (-1: not one of them)."""
        return np.asarray(pc.fill_null(pc.index_in(ids, value_set=self.ids), -1).to_numpy(zero_copy_only=False), dtype=np.int64)

    def records_of(self, ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """Record of each id (-1: not one of `ids`)."""
        ranks = self.ranks(ids)
        records = np.full(len(ranks), -1, dtype=np.int64)
        found = ranks >= 0
        records[found] = self.record[ranks[found]]  # (no record at all: nothing found)
        return records


def _sentence_offsets_and_cover(
    index: RecordIndex, texts: ParagraphTexts, n_sentences: np.ndarray, sents: Splits, sentences: Callable[[], Iterable[pa.Table]]
) -> tuple[list[Any], list[Any]]:
    """sentences.offsets and sentences.cover offenders: paragraphs in first-seen id order (a repeated
    id is its last record), each with its sentences ordered by position (stable); offending
    sentences in that order. `n_sentences` is each record's (-1 for a null); `sentences()`
    streams the sentence files' texts and ids."""
    rec = index.record
    group = index.ranks(_arrow_column(sents, "paragraph_id"))
    position = _ints(sents, "position")
    order = lex_order(position, group)  # as np.lexsort: ties keep record order
    order = order[group[order] >= 0]  # a sentence of no paragraph is refs.sentence_paragraph's
    g, pos = group[order], position[order]
    start, end = _ints(sents, "char_start"), _ints(sents, "char_end")
    cover_bad = _cover_bad(texts, rec, g, pos, start[order], end[order])
    owner = np.full(len(group), -1, dtype=np.int64)
    owner[group >= 0] = rec[group[group >= 0]]
    wrong = _offsets_wrong(texts, owner, start, end, sentences())
    place = np.empty(len(group), dtype=np.int64)
    place[order] = np.arange(len(order))
    bad_offsets = _at(sentences(), "id", wrong[np.argsort(place[wrong], kind="stable")])  # ids read only for offenders
    counts = np.bincount(g, minlength=len(rec))
    bad_cover = index.ids.filter(pa.array(cover_bad | (counts != n_sentences[rec]))).to_pylist()
    return bad_offsets, bad_cover


RowGroupObserver = Callable[[str, str, pa.Table], None]  # (config, split, every column of one row group)


def check_schemas(report: Report, out_dir: Path, params: params_mod.ValidateParams, observe: RowGroupObserver | None = None) -> None:
    """Every record column-wise (schema_check), and the reference validator on every record of a
    small config or an evenly spaced sample of a large one (sampled_rows; same constraints, two
    implementations). Files are read a row group at a time, so this holds one row group of one
    file; `observe` is shown each row group of each file as read (the build's card.FilesFromGroups)."""
    import pyarrow.parquet as pq

    for config in paths.CONFIGS:
        files = {split: out_dir / paths.parquet_relpath(config, split) for split in paths.splits_of(config)}
        validator = Draft202012Validator(schema.load(config))
        metas = {split: pq.ParquetFile(path).metadata for split, path in files.items()}
        rows = sampled_rows(sum(meta.num_rows for meta in metas.values()), params)
        bad: list[str] = []
        sampled: list[str] = []
        first = 0  # the config's row number of the group's first row
        for split, path in files.items():
            found = Violations(config)
            for table in read_row_groups(path):
                found.add(table)
                if observe is not None and metas[split].num_row_groups:  # (not the empty table of a file without row groups)
                    observe(config, split, table)
                mine = rows[np.searchsorted(rows, first) : np.searchsorted(rows, first + table.num_rows)] - first
                for r in _sample(table, mine):
                    for err in validator.iter_errors(r):
                        where = "/".join(map(str, err.absolute_path))
                        sampled.append(f"{split} id={r.get('id', r.get('line_number'))} {where}: {err.message[:80]}")
                first += table.num_rows
            bad += [f"{split} {v}" for v in found.messages()]
        report.check(f"schema.{config}", bad + sampled, "records break the JSON Schema")


def check_ids_and_references(report: Report, tables: Tables) -> None:
    for config in ("paragraphs", "sentences", "documents"):
        report.check(f"unique_ids.{config}", sorted(_repeated(tables[config].values(), "id")), "ids repeat")
    split_tables = {c: list(tables[c].values()) for c in ("paragraphs", "sentences", "documents", "lines")}
    found = (_reference_offenders_arrow if _arrow_references_ok(split_tables) else _reference_offenders)(split_tables)
    for check, what in REFERENCE_CHECKS.items():
        report.check(check, found[check], what)


REFERENCE_CHECKS = {
    "refs.paragraph_document": "paragraphs name a missing document",
    "refs.sentence_paragraph": "sentences name a missing paragraph or the wrong document",
    "refs.document_paragraphs": "documents list a missing paragraph or a wrong n_paragraphs",
    "refs.cluster": "paragraphs name a cluster that is not a paragraph id",
    "refs.lines": "ledger rows name a missing paragraph or document",
}


def _reference_offenders(tables: Mapping[str, list[pa.Table]]) -> dict[str, list[Any]]:
    """Each REFERENCE_CHECKS check's offenders, row by row in Python: ids in first-seen order (a
    repeated id is its last record), sentence ids and line numbers in row order."""
    pars, sents, docs, lines = (tables[c] for c in ("paragraphs", "sentences", "documents", "lines"))
    par_ids, doc_ids = _column(pars, "id"), _column(docs, "id")
    doc_of_par, known_docs = _by_id(par_ids, _column(pars, "document_id")), set(doc_ids)
    listed = _by_id(doc_ids, zip(_column(docs, "paragraph_ids"), _column(docs, "n_paragraphs")))
    dangling = (i for i, (p, d) in enumerate(zip(_column(lines, "paragraph_id"), _column(lines, "document_id")))
                if (p is not None and p not in doc_of_par) or (d is not None and d not in known_docs))
    return {
        "refs.paragraph_document": [p for p, d in doc_of_par.items() if d not in known_docs],
        "refs.sentence_paragraph": [s for s, p, d in _rows(sents, "id", "paragraph_id", "document_id") if p not in doc_of_par or doc_of_par[p] != d],
        "refs.document_paragraphs": [d for d, (ps, n) in listed.items() if any(p not in doc_of_par for p in ps) or n != len(ps)],
        "refs.cluster": [p for p, c in _by_id(par_ids, _column(pars, "near_duplicate_cluster")).items() if c not in doc_of_par],
        "refs.lines": _at(lines, "line_number", dangling),
    }


REFERENCE_TYPES = {
    "paragraphs": {"id": pa.string(), "document_id": pa.string(), "near_duplicate_cluster": pa.string()},
    "sentences": {"id": pa.string(), "paragraph_id": pa.string(), "document_id": pa.string()},
    "documents": {"id": pa.string(), "paragraph_ids": pa.list_(pa.string()), "n_paragraphs": pa.int64()},
    "lines": {"paragraph_id": pa.string(), "document_id": pa.string()},
}


def _arrow_references_ok(tables: Mapping[str, list[pa.Table]]) -> bool:
    """Whether _reference_offenders_arrow gives _reference_offenders' answer here: the schema's
    types and no null lists of paragraph ids (the schema check reports the rest; the row-by-row
    check then says what it always said)."""
    if not all(_has_types(table, types) for config, types in REFERENCE_TYPES.items() for table in tables[config]):
        return False
    return not any(table["paragraph_ids"].null_count for table in tables["documents"])


def _reference_offenders_arrow(tables: Mapping[str, list[pa.Table]]) -> dict[str, list[Any]]:
    """_reference_offenders' answer in Arrow and numpy, for data that _arrow_references_ok
    accepts: ids are looked up with index_in / is_in (RecordIndex), not in dicts and sets of
    millions of Python strings (2.1 GB at the 1000 MB benchmark)."""
    pars, sents, docs, lines = (tables[c] for c in ("paragraphs", "sentences", "documents", "lines"))
    par_index, doc_index = RecordIndex(pars), RecordIndex(docs)

    def last_records(splits: list[pa.Table], name: str, index: RecordIndex) -> pa.Array:
        return _arrow_column(splits, name).combine_chunks().take(pa.array(index.record, type=pa.int64()))

    def known_doc(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
        return np.asarray(pc.is_in(values, value_set=doc_index.ids).to_numpy(zero_copy_only=False), dtype=bool)

    doc_of_par = last_records(pars, "document_id", par_index)
    rank = par_index.ranks(_arrow_column(sents, "paragraph_id"))
    named = rank >= 0
    sentence_doc = _arrow_column(sents, "document_id").combine_chunks()
    wrong_doc = np.zeros(len(rank), dtype=bool)
    if named.any():
        expected = doc_of_par.take(pa.array(rank[named]))
        given = sentence_doc.filter(pa.array(named))
        same = pc.or_(pc.fill_null(pc.equal(expected, given), False), pc.and_(pc.is_null(expected), pc.is_null(given)))
        wrong_doc[named] = ~np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)
    listed = last_records(docs, "paragraph_ids", doc_index)
    n_listed = pc.fill_null(last_records(docs, "n_paragraphs", doc_index), -1).to_numpy(zero_copy_only=False)
    document_bad = n_listed != pc.list_value_length(listed).to_numpy(zero_copy_only=False)
    missing = par_index.ranks(pc.list_flatten(listed)) < 0
    document_bad[pc.list_parent_indices(listed).to_numpy()[missing]] = True
    line_par, line_doc = _arrow_column(lines, "paragraph_id"), _arrow_column(lines, "document_id")
    dangling = (pc.is_valid(line_par).to_numpy(zero_copy_only=False) & (par_index.ranks(line_par) < 0)) | (
        pc.is_valid(line_doc).to_numpy(zero_copy_only=False) & ~known_doc(line_doc))
    return {
        "refs.paragraph_document": par_index.ids.filter(pa.array(~known_doc(doc_of_par))).to_pylist(),
        "refs.sentence_paragraph": _at(sents, "id", np.flatnonzero(~named | wrong_doc)),
        "refs.document_paragraphs": doc_index.ids.filter(pa.array(document_bad)).to_pylist(),
        "refs.cluster": par_index.ids.filter(pa.array(par_index.ranks(last_records(pars, "near_duplicate_cluster", par_index)) < 0)).to_pylist(),
        "refs.lines": _at(lines, "line_number", np.flatnonzero(dangling)),
    }


def _ledger_row_wrong(number: int, status: str, pid: str | None, reason: str | None, source_lines: Mapping[str | None, list[int]]) -> bool:
    """A kept/duplicate row names a paragraph listing its line (first for kept) and no reason; a
    blank or rejected row names none and has a reason exactly when rejected."""
    if status in ("kept", "duplicate"):
        return pid not in source_lines or reason is not None or number not in source_lines[pid] or (status == "kept") != (source_lines[pid][0] == number)
    return pid is not None or (status == "rejected") != (reason is not None)


def _ledger_offenders(lines: pa.Table, pars: Splits) -> tuple[list[Any], list[Any]]:
    """ledger.status offenders (line numbers, in row order) and ledger.source_lines offenders
    (paragraph ids, first-seen order; a repeated id is its last record), row by row in Python."""
    source_lines = _by_id(_column(pars, "id"), _column(pars, "source_lines"))
    numbers, pids = _col(lines, "line_number").to_pylist(), _col(lines, "paragraph_id").to_pylist()
    rows = zip(numbers, _col(lines, "status").to_pylist(), pids, _col(lines, "reason").to_pylist())
    bad_status = [row[0] for row in rows if _ledger_row_wrong(*row, source_lines)]
    in_ledger = set(zip(pids, numbers))
    return bad_status, [p for p, ns in source_lines.items() if any((p, n) not in in_ledger for n in ns)]


LEDGER_TYPES = {"line_number": pa.int64(), "status": pa.string(), "paragraph_id": pa.string(), "reason": pa.string()}
LEDGER_PARAGRAPH_TYPES = {"id": pa.string(), "source_lines": pa.list_(pa.int64())}


def _arrow_ledger_ok(lines: pa.Table, pars: Splits) -> bool:
    """Whether _ledger_offenders_arrow gives _ledger_offenders' answer here: the schema's types,
    unique paragraph ids and no nulls among line numbers and listed lines (the schema and
    unique_ids checks report those; the row-by-row check then says what it always said)."""
    if not _has_types(lines, LEDGER_TYPES) or lines["line_number"].null_count:
        return False
    for table in pars:
        if not _has_types(table, LEDGER_PARAGRAPH_TYPES):
            return False
        listed = table["source_lines"]
        if table["id"].null_count or listed.null_count or pc.list_flatten(listed).null_count:
            return False
    n_ids = sum(table.num_rows for table in pars)
    if pc.count_distinct(_arrow_column(pars, "id")).as_py() != n_ids:
        return False
    ranges = [pc.min_max(lines["line_number"])] + [pc.min_max(pc.list_flatten(table["source_lines"])) for table in pars]
    values = [v for r in ranges for v in (r["min"].as_py(), r["max"].as_py()) if v is not None]
    return not values or (max(values) - min(values) + 1) * (n_ids + 1) < 2**62  # a (paragraph, line) pair fits in an int64


def _ledger_offenders_arrow(lines: pa.Table, pars: Splits) -> tuple[list[Any], list[Any]]:
    """_ledger_offenders' answer in Arrow and numpy, for data that _arrow_ledger_ok accepts: a
    (paragraph, line) pair is one integer, so "this row's line is among its paragraph's source
    lines" and "this listed line has a ledger row naming the paragraph" are sorted lookups
    instead of a dict of lists and a set of tuples per line (2.3 GB at the 1000 MB benchmark)."""
    ids = _arrow_column(pars, "id").combine_chunks()
    listed = _arrow_column(pars, "source_lines").combine_chunks()
    owner = pc.list_parent_indices(listed).to_numpy().astype(np.int64)
    listed_line = pc.list_flatten(listed).to_numpy()
    offsets = listed.offsets.to_numpy().astype(np.int64)  # no null lists (_arrow_ledger_ok)
    starts, counts = offsets[:-1] - offsets[0], np.diff(offsets)  # in listed_line (a slice's offsets need not start at 0)
    number = lines["line_number"].to_numpy()
    par = pc.fill_null(pc.index_in(lines["paragraph_id"], value_set=ids), -1).to_numpy().astype(np.int64)
    named = par >= 0
    lo = int(min(number.min(initial=0), listed_line.min(initial=0)))
    span = int(max(number.max(initial=0), listed_line.max(initial=0))) - lo + 1

    def pair(p: np.ndarray, n: np.ndarray) -> np.ndarray:
        return p * span + (n - lo)

    listed_pairs, ledger_pairs = pair(owner, listed_line), pair(par[named], number[named])
    in_list = np.zeros(len(number), dtype=bool)
    in_list[named] = _sorted_contains(np.sort(listed_pairs), ledger_pairs)
    first_match = np.zeros(len(number), dtype=bool)
    has_lines = named.copy()
    has_lines[named] = counts[par[named]] > 0
    first_match[has_lines] = listed_line[starts[par[has_lines]]] == number[has_lines]

    def equals(value: str) -> np.ndarray:
        return pc.fill_null(pc.equal(lines["status"], value), False).to_numpy(zero_copy_only=False)

    kept, duplicate, rejected = equals("kept"), equals("duplicate"), equals("rejected")
    has_reason = pc.is_valid(lines["reason"]).to_numpy(zero_copy_only=False)
    has_pid = pc.is_valid(lines["paragraph_id"]).to_numpy(zero_copy_only=False)
    text_row = kept | duplicate
    wrong = np.where(text_row, ~named | has_reason | ~in_list | (kept != first_match), has_pid | (rejected != has_reason))
    unmatched = owner[~_sorted_contains(np.sort(ledger_pairs), listed_pairs)]
    return number[wrong].tolist(), ids.take(pa.array(np.unique(unmatched))).to_pylist()


def _sorted_contains(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per value: is it in sorted_values (np.isin took 3.5x as long and twice the memory on two
    arrays of 2.3M int64, the 1000 MB ledger's size)."""
    at = np.searchsorted(sorted_values, values)
    found = np.zeros(len(values), dtype=bool)
    inside = at < len(sorted_values)
    found[inside] = sorted_values[at[inside]] == values[inside]
    return found


def check_ledger(report: Report, tables: Tables, source: Path | None) -> None:
    lines = tables["lines"][paths.LINES_SPLIT]
    numbers = _col(lines, "line_number").to_pylist()
    report.check("ledger.contiguous", [n for i, n in enumerate(numbers, 1) if n != i][:1], "rows out of order or missing (first shown)")
    pars = list(tables["paragraphs"].values())
    bad_status, bad_source_lines = (_ledger_offenders_arrow if _arrow_ledger_ok(lines, pars) else _ledger_offenders)(lines, pars)
    report.check("ledger.status", bad_status, "ledger rows disagree with the paragraphs (status, paragraph_id, reason)")
    report.check("ledger.source_lines", bad_source_lines, "paragraphs list source lines the ledger does not give them")
    start, end = _ints([lines], "byte_start"), _ints([lines], "byte_end")
    bad = start > end
    bad[1:] |= start[1:] <= end[:-1]
    report.check("ledger.byte_spans", [numbers[i] for i in np.flatnonzero(bad)], "byte spans out of order or overlapping")
    if source is None:
        report.skipped.update({"ledger.covers_source": NO_SOURCE, "ledger.raw_sha256": NO_SOURCE})
        return
    # the source is streamed beside the ledger, a chunk of lines at a time: neither the raw bytes
    # nor a row per line are held
    n_raw, wrong = 0, []
    hashes = _col(lines, "raw_sha256")
    for starts, ends, raw in iter_raw_line_batches(source):
        lo, hi = n_raw, min(n_raw + len(starts), len(numbers))  # the ledger's rows for these lines
        if hi > lo:
            digests = (hashlib.sha256(data).hexdigest() for data in raw[: hi - lo])
            bad = (start[lo:hi] != starts[: hi - lo]) | (end[lo:hi] != ends[: hi - lo])
            bad |= np.fromiter((a != b for a, b in zip(hashes.slice(lo, hi - lo).to_pylist(), digests)), dtype=bool, count=hi - lo)
            wrong += [numbers[lo + i] for i in np.flatnonzero(bad).tolist()]
        n_raw += len(starts)
    report.check("ledger.covers_source", [f"source has {n_raw} lines, ledger {len(numbers)}"] if n_raw != len(numbers) else [], "line counts differ")
    report.check("ledger.raw_sha256", wrong, "rows whose byte span does not hash to raw_sha256")


@cache
def forbidden_table() -> np.ndarray:
    """Per code point: does FORBIDDEN_IN_CLEAN match it? (Parsed from the class clean.py emits:
    \\uXXXX / \\UXXXXXXXX escapes, alone or as ranges; tested against the regex itself.)"""
    table = np.zeros(0x110000, dtype=bool)
    esc = r"\\u([0-9A-F]{4})|\\U([0-9A-F]{8})"
    for m in re.finditer(rf"(?:{esc})(?:-(?:{esc}))?", FORBIDDEN_IN_CLEAN):
        lo = int(m.group(1) or m.group(2), 16)
        hi = int(m.group(3) or m.group(4), 16) if (m.group(3) or m.group(4)) else lo
        table[lo : hi + 1] = True
    return table


def dirty_texts_and_key_hashes(texts: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Per text (a null as ""): whether it is not clean text (a line of it, cut at "\n", is empty,
    has an edge or double space, or holds a character cleaning removes or maps), and
    clean.arrow_key_hashes' hash of its key. Both in one compiled pass over each slice's UTF-8
    (utf8_kernels.key_hashes_and_dirty), as the clean-text and leakage checks read every text:
    at 100 MB of source 0.73 s for both, against 0.66-0.70 s and 0.49 s in two passes."""
    from .clean import key_pass_tables
    from .utf8_kernels import key_hashes_and_dirty

    table, growth = key_pass_tables()
    forbidden = forbidden_table()
    flags, hashes = [np.zeros(0, dtype=bool)], [np.zeros(0, dtype=np.uint64)]
    for utf8, offsets in utf8_slices(texts, max_bytes=BATCH_BYTES):
        h, dirty = key_hashes_and_dirty(utf8, offsets, table, growth, forbidden)
        flags.append(dirty)
        hashes.append(h)
    return np.concatenate(flags), np.concatenate(hashes)


class ParagraphTexts:
    """The paragraph texts of every split in record order (a null as ""), read from the split files
    a row group at a time as checks fetch them (`fetch`): holding them was ~1 GB at 1000 MB of
    source, held beside the sentences' columns while GX ran. The checks fetch in about record
    order, four passes over the groups (lengths, cover, offsets, documents), so the row groups read
    last are kept, up to CACHE_BYTES of them (the last one read always): with the writer's 32 MiB
    row groups that is every paragraph text of a 100 MB source, read once instead of four times
    (the plain checks there: 5.8 s of CPU, against 7.3-7.4 s keeping 64 MiB or one row group),
    and three row groups of a larger one.
    Any order gives the same texts."""

    CACHE_BYTES = 96 << 20

    def __init__(self, splits: Iterable[SplitTexts]) -> None:
        self.groups = [(split, g) for split in splits for g in range(len(split.group_rows))]
        self.starts = np.cumsum([0] + [split.group_rows[g] for split, g in self.groups], dtype=np.int64)
        self.cache: OrderedDict[int, pa.Array] = OrderedDict()

    def _texts_of_group(self, i: int) -> pa.Array:
        if i in self.cache:
            self.cache.move_to_end(i)
            return self.cache[i]
        split, g = self.groups[i]
        column = _col(split.read_group(g), "text")
        texts = column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()  # (combine_chunks copies even one chunk)
        self.cache[i] = texts
        while len(self.cache) > 1 and sum(t.nbytes for t in self.cache.values()) > self.CACHE_BYTES:
            self.cache.popitem(last=False)
        return texts

    def lengths(self) -> np.ndarray:
        """len() of every text (code points; 0 for a null)."""
        parts = [pc.fill_null(pc.utf8_length(self._texts_of_group(i)), 0).to_numpy() for i in range(len(self.groups))]
        return np.concatenate([p.astype(np.int64) for p in parts]) if parts else np.zeros(0, dtype=np.int64)

    def texts_of(self, records: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The distinct ones of these records' texts (a null as "") as (UTF-8 offsets, bytes; see
        arrow_text.utf8_buffers), and each record's place among them (-1 for a record < 0)."""
        valid = records >= 0
        wanted, place = np.unique(records[valid], return_inverse=True)
        at = np.searchsorted(self.starts, wanted, side="right") - 1  # the row group of each, ascending
        parts = [self._texts_of_group(i).take(pa.array(wanted[at == i] - self.starts[i], type=pa.int64())) for i in np.unique(at).tolist()]
        texts = pc.fill_null(pa.concat_arrays(parts), "") if parts else pa.array([], pa.string())
        which = np.full(len(records), -1, dtype=np.int64)
        which[valid] = place
        return (*utf8_buffers(texts), which)


def _cover_bad(texts: ParagraphTexts, rec: np.ndarray, g: np.ndarray, pos: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Per paragraph (rank): a gap between its sentences (or before the first, after the last)
    reversed or not only spaces, or positions not 0, 1, ...; sentences sorted by (g, pos)."""
    from .utf8_kernels import spans_not_blank

    first, last = np.ones(len(g), dtype=bool), np.ones(len(g), dtype=bool)
    first[1:] = last[:-1] = g[1:] != g[:-1]
    head = np.maximum.accumulate(np.where(first, np.arange(len(g)), 0))  # each one's group start
    last_end = np.zeros(len(rec), dtype=np.int64)
    last_end[g[last]] = end[last]
    gap_a = np.concatenate([np.where(first, 0, np.roll(end, 1)), last_end])
    gap_b = np.concatenate([start, texts.lengths()[rec]])
    owner = np.concatenate([g, np.arange(len(rec))])
    gap_bad = gap_a > gap_b
    wide = np.flatnonzero(gap_a < gap_b)  # only these can hold a character
    wide_rec, wide_a, wide_b = rec[owner[wide]], gap_a[wide], gap_b[wide]
    for lo in range(0, len(wide), TAKE_ROWS):  # the gaps' owners run in order: a batch reads few row groups
        part = slice(lo, lo + TAKE_ROWS)
        offsets, utf8, which = texts.texts_of(wide_rec[part])
        gap_bad[wide[part]] = spans_not_blank(utf8, offsets, which, wide_a[part], wide_b[part])
    bad = np.zeros(len(rec), dtype=bool)
    bad[owner[gap_bad]] = True
    bad[g[pos != np.arange(len(g)) - head]] = True
    return bad


def _text_slices(tables: Iterable[pa.Table]) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The text column of these tables in order, as slices of about BATCH_BYTES: (UTF-8 offsets,
    bytes, which texts are null; a null's bytes are those of "")."""
    for table in tables:
        texts = _col(table, "text")
        nulls = texts.is_null().to_numpy(zero_copy_only=False)
        row = 0
        for utf8, offsets in utf8_slices(texts, max_bytes=BATCH_BYTES):
            yield offsets, utf8, nulls[row : row + len(offsets) - 1]
            row += len(offsets) - 1


def _offsets_wrong(texts: ParagraphTexts, owner: np.ndarray, start: np.ndarray, end: np.ndarray, sentence_texts: Iterable[pa.Table]) -> np.ndarray:
    """Rows of sentences (of a paragraph: owner >= 0, its record) whose span of their paragraph's
    text is not their text (a null text never is). Sentence texts are streamed in file order, a
    batch at a time, each batch reading the texts of the paragraphs it cuts from."""
    from .utf8_kernels import spans_differ

    wrong: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    row = 0
    for offsets, utf8, nulls in _text_slices(sentence_texts):
        part = slice(row, row + len(nulls))
        par_offsets, par_utf8, which = texts.texts_of(owner[part])
        differ = spans_differ(par_utf8, par_offsets, which, start[part], end[part], utf8, offsets) | (nulls & (which >= 0))
        wrong.append(row + np.flatnonzero(differ))
        row += len(nulls)
    return np.concatenate(wrong)


class WatchedTexts:
    """What the checks need of every text of a config, taken as the text check's passes first read
    each row group (`splits`: the streamed splits, watched): dirty_texts_and_key_hashes for the clean-text
    check and the key hashes for the leakage check after it. Those then read only the groups no
    pass did, instead of every text column once more each (~0.5 s of CPU each at 100 MB of source).
    A group's hashes are held until the leakage check takes them (8 bytes a text)."""

    def __init__(self, splits: Mapping[str, SplitTexts]) -> None:
        self.flags: dict[tuple[str, int], np.ndarray] = {}
        self.hashes: dict[tuple[str, int], np.ndarray] = {}
        self.splits = {name: SplitTexts(split.group_rows, self._watched(name, split.read_group), self._hashes_of(name))
                       for name, split in splits.items()}

    def _watched(self, name: str, read_group: Callable[[int], pa.Table]) -> Callable[[int], pa.Table]:
        def read(g: int) -> pa.Table:
            table = read_group(g)
            if (name, g) not in self.flags:
                self.flags[name, g], self.hashes[name, g] = dirty_texts_and_key_hashes(_col(table, "text"))
            return table

        return read

    def _hashes_of(self, name: str) -> Callable[[int], np.ndarray]:
        def hashes(g: int) -> np.ndarray:
            if (name, g) in self.hashes:
                return self.hashes.pop((name, g))
            table = self.splits[name].read_group(g)  # hashes it on a first read
            taken = self.hashes.pop((name, g), None)
            return taken if taken is not None else arrow_key_hashes(_col(table, "text"))  # taken before: anew

        return hashes

    def rows(self) -> np.ndarray:
        """Rows (over all splits, in order) whose text is not clean."""
        parts = [np.zeros(0, dtype=bool)]
        for name, split in self.splits.items():
            for g in range(len(split.group_rows)):
                if (name, g) not in self.flags:
                    split.read_group(g)
                parts.append(self.flags[name, g])
        return np.flatnonzero(np.concatenate(parts))


def check_texts(report: Report, tables: Tables, watched: Mapping[str, WatchedTexts]) -> None:
    """Clean texts, sentence offsets and cover, document texts. Texts are streamed from the files a
    row group at a time: the paragraphs' are fetched by record (ParagraphTexts) for the sentences
    cut from them and the documents joined of them. Whether a text is clean is taken as the other
    checks read it (WatchedTexts); those checks are reported after the clean-text ones even when
    one of them stops the rest (`texts.could_run`). The sentences' tables are dropped from `tables`
    once their pass is done, so the documents' pass does not hold them."""
    dirty = watched
    done: list[tuple[str, list[Any], str]] = []
    try:
        pars = tables["paragraphs"].values()
        index, texts = RecordIndex(pars), ParagraphTexts(dirty["paragraphs"].splits.values())
        n_sentences = pc.fill_null(_arrow_column(pars, "n_sentences"), -1).to_numpy().astype(np.int64)
        bad_offsets, bad_cover = _sentence_offsets_and_cover(index, texts, n_sentences, tables.pop("sentences").values(),
                                                             lambda: _streamed(dirty["sentences"].splits.values()))
        done.append(("sentences.offsets", bad_offsets, "sentences whose offsets do not give their text"))
        done.append(("sentences.cover", bad_cover, "paragraphs whose sentences do not cover them (or n_sentences/positions disagree)"))
        docs = tables["documents"].values()
        listed = _arrow_column(docs, "paragraph_ids")
        if listed.null_count:
            raise ValueError(f"paragraph_ids has {listed.null_count} nulls")
        not_joined = _documents_not_joined(_streamed(dirty["documents"].splits.values()), index.records_of(pc.list_flatten(listed)),
                                           pc.list_value_length(listed).to_numpy().astype(np.int64), texts)
        done.append(("documents.text", _at(docs, "id", not_joined), "document texts differ from their paragraphs joined by newlines"))
    finally:
        for config, rows in dirty.items():
            with_ids = tables[config].values() if "id" in CHECK_COLUMNS[check_texts][config] else _streamed(rows.splits.values())
            report.check(f"clean_text.{config}", _at(with_ids, "id", rows.rows()), "texts hold a removed/mapped character, a double space or an edge space")
        for check in done:
            report.check(*check)


def _documents_not_joined(docs: Iterable[pa.Table], listed_records: np.ndarray, counts: np.ndarray, texts: ParagraphTexts) -> np.ndarray:
    """Rows of documents whose text is not their listed paragraphs' texts (those that exist)
    joined by newlines (a null text never is): document k lists counts[k] paragraphs, whose
    records (-1: no such paragraph) follow those of the documents before it in listed_records.
    Document texts are streamed; a batch of them reads its paragraphs' texts."""
    from .utf8_kernels import joins_differ

    ends = np.cumsum(counts)
    wrong: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    row = 0
    for offsets, utf8, nulls in _text_slices(docs):
        n = len(nulls)
        at = int(ends[row - 1]) if row else 0
        par_offsets, par_utf8, which = texts.texts_of(listed_records[at : int(ends[row + n - 1])])
        differ = joins_differ(utf8, offsets, counts[row : row + n], which, par_utf8, par_offsets) | nulls
        wrong.append(row + np.flatnonzero(differ))
        row += n
    return np.concatenate(wrong)


def _key_hashes(split: SplitTexts) -> np.ndarray:
    """clean.arrow_key_hashes of every text of a split, a row group at a time."""
    return np.concatenate([np.zeros(0, dtype=np.uint64)] + [split.key_hashes(g) for g in range(len(split.group_rows))])


def _keys_at(split: SplitTexts, rows: np.ndarray) -> list[str]:
    """The normalized keys of the texts at these rows (ascending) of a split; only the row groups
    holding one are read (none, as a rule: the rows are those whose key hash is in two splits)."""
    keys: list[str] = []
    bounds = np.cumsum((0, *split.group_rows))
    for g in np.unique(np.searchsorted(bounds, rows, side="right") - 1).tolist():
        mine = rows[(rows >= bounds[g]) & (rows < bounds[g + 1])]
        keys += arrow_normalized_keys(_col(split.read_group(g), "text").take(pa.array(mine - bounds[g])))
    return keys


_ROW_BITS = 40  # a place (config and split) and a row in one int64: (place << 40) | row


def keys_in_two_splits(texts: Mapping[str, Mapping[str, SplitTexts]]) -> list[str]:
    """Normalized keys of texts (every config) found in more than one split, in first-seen order
    (configs, splits, rows).

    Texts are compared by a 64-bit hash of their keys (clean.arrow_key_hashes), streamed: a key
    in two splits is in one outside the largest split, so only the other splits' hashes are held,
    and the largest split's are looked up among them. Only texts whose hash is in two splits
    (none in a dataset without leakage, but for a collision) have their keys made, and the keys
    decide."""
    columns = [(config, split) for config in ("paragraphs", "sentences", "documents") for split in texts[config]]
    rows: Counter[str] = Counter()
    for config, split in columns:
        rows[split] += texts[config][split].rows
    largest = max(rows, key=rows.__getitem__)
    bit = {split: np.int64(1 << i) for i, split in enumerate(rows)}
    hashes = {place: _key_hashes(texts[c][s]) for place, (c, s) in enumerate(columns) if s != largest}
    held = np.concatenate([np.zeros(0, np.uint64), *hashes.values()])
    held_bits = np.concatenate([np.zeros(0, np.int64)] + [np.full(len(h), bit[columns[p][1]]) for p, h in hashes.items()])
    distinct, at = np.unique(held, return_inverse=True)
    splits = np.zeros(len(distinct), dtype=np.int64)
    np.bitwise_or.at(splits, at.ravel(), held_bits)
    kept = {place: (np.arange(len(h)), h) for place, h in hashes.items()}  # (rows, their hashes) that may be in two splits
    for place, (config, split) in enumerate(columns):
        if split == largest:
            h = _key_hashes(texts[config][split])
            at_distinct = np.minimum(np.searchsorted(distinct, h), max(len(distinct) - 1, 0))
            found = np.flatnonzero(distinct[at_distinct] == h) if len(distinct) else np.zeros(0, np.int64)
            kept[place] = (found, h[found])
            np.bitwise_or.at(splits, at_distinct[found], bit[split])
    candidates = distinct[(splits & (splits - 1)) != 0]  # hashes in more than one split
    seen: dict[str, tuple[int, set[str]]] = {}  # key -> (its first place and row, its splits)
    for place, (at_rows, h) in sorted(kept.items()):
        config, split = columns[place]
        at_rows = at_rows[np.isin(h, candidates)]
        for row, key in zip(at_rows.tolist(), _keys_at(texts[config][split], at_rows)):
            first, splits_of_key = seen.get(key, (place << _ROW_BITS | row, set()))
            seen[key] = (min(first, place << _ROW_BITS | row), splits_of_key | {split})
    return [k for k, (_, s) in sorted(seen.items(), key=lambda item: item[1][0]) if len(s) > 1]


def check_leakage(report: Report, tables: Tables, watched: Mapping[str, WatchedTexts]) -> None:
    streamed = {config: texts.splits for config, texts in watched.items()}
    report.check("leakage.normalized_key", [k[:40] for k in keys_in_two_splits(streamed)], "normalized keys appear in two splits")
    pars, docs = tables["paragraphs"], tables["documents"]
    clusters, groups = _group_offenders_arrow(pars, docs) if _arrow_groups_ok(pars, docs) else _group_offenders(pars, docs)
    report.check("leakage.cluster", clusters, "near-duplicate clusters span two splits")
    report.check("leakage.document_group", groups, "documents whose paragraphs sit in another split")


def _group_offenders(pars: Mapping[str, pa.Table], docs: Mapping[str, pa.Table]) -> tuple[list[Any], list[Any]]:
    """Near-duplicate clusters in two splits (first-seen order) and documents listing a paragraph
    of another split (or of none; a repeated paragraph id is in its last record's split)."""
    cluster_splits: dict[str, set[str]] = defaultdict(set)
    split_of_par: dict[str, str] = {}
    for split, table in pars.items():
        for c, p in zip(_col(table, "near_duplicate_cluster").to_pylist(), _col(table, "id").to_pylist()):
            cluster_splits[c].add(split)
            split_of_par[p] = split
    groups = [d for split, table in docs.items()
              for d in _at([table], "id", (i for i, ps in enumerate(_col(table, "paragraph_ids").to_pylist()) if any(split_of_par.get(p) != split for p in ps)))]
    return [c for c, s in cluster_splits.items() if len(s) > 1], groups


LEAKAGE_TYPES = {
    "paragraphs": {"id": pa.string(), "near_duplicate_cluster": pa.string()},
    "documents": {"id": pa.string(), "paragraph_ids": pa.list_(pa.string())},
}


def _arrow_groups_ok(pars: Mapping[str, pa.Table], docs: Mapping[str, pa.Table]) -> bool:
    """Whether _group_offenders_arrow gives _group_offenders' answer here: the schema's types and
    no nulls in these columns or lists (the schema check reports them)."""
    if not all(_has_types(t, LEAKAGE_TYPES["paragraphs"]) for t in pars.values()) or not all(_has_types(t, LEAKAGE_TYPES["documents"]) for t in docs.values()):
        return False
    columns = [t[n] for t in pars.values() for n in LEAKAGE_TYPES["paragraphs"]] + [t["paragraph_ids"] for t in docs.values()]
    return not any(c.null_count for c in columns) and not any(pc.list_flatten(t["paragraph_ids"]).null_count for t in docs.values())


def _group_offenders_arrow(pars: Mapping[str, pa.Table], docs: Mapping[str, pa.Table]) -> tuple[list[Any], list[Any]]:
    """_group_offenders' answer in Arrow and numpy, for data that _arrow_groups_ok."""
    split_code = np.concatenate([np.zeros(0, np.int64)] + [np.full(t.num_rows, i, dtype=np.int64) for i, t in enumerate(pars.values())])
    clusters = _arrow_column(pars.values(), "near_duplicate_cluster")
    distinct = pc.unique(clusters)  # in first-seen order
    rank = np.asarray(pc.index_in(clusters, value_set=distinct).to_numpy(zero_copy_only=False), dtype=np.int64)
    lowest, highest = np.full(len(distinct), len(pars), dtype=np.int64), np.full(len(distinct), -1, dtype=np.int64)
    np.minimum.at(lowest, rank, split_code)
    np.maximum.at(highest, rank, split_code)
    spread = distinct.filter(pa.array(lowest != highest)).to_pylist()
    index = RecordIndex(pars.values())  # a paragraph id's split is its last record's
    groups: list[Any] = []
    for split, table in docs.items():
        listed = table["paragraph_ids"]
        counts = pc.list_value_length(listed).to_numpy(zero_copy_only=False).astype(np.int64)
        records = index.records_of(pc.list_flatten(listed))
        where = np.full(len(records), -1, dtype=np.int64)
        where[records >= 0] = split_code[records[records >= 0]]
        own = [*pars].index(split) if split in pars else -2  # a split with no paragraphs file: every listed one is elsewhere
        bad_docs = np.repeat(np.arange(len(counts)), counts)[where != own]
        groups += _at([table], "id", np.unique(bad_docs))
    return spread, groups


CHECKS: tuple[Callable[..., None], ...] = (check_ids_and_references, check_texts, check_leakage)
# The columns each check reads, config by config: validate() reads them just before the check and
# drops them after, so memory holds what one check needs rather than every file at once.
CHECK_COLUMNS: dict[Callable[..., None], dict[str, tuple[str, ...]]] = {
    check_ids_and_references: {
        "paragraphs": ("id", "document_id", "near_duplicate_cluster"),
        "sentences": ("id", "paragraph_id", "document_id"),
        "documents": ("id", "paragraph_ids", "n_paragraphs"),
        "lines": ("line_number", "paragraph_id", "document_id"),
    },
    check_texts: {
        "paragraphs": ("id", "n_sentences"),
        "sentences": ("paragraph_id", "position", "char_start", "char_end"),
        "documents": ("id", "paragraph_ids"),
    },
    check_leakage: {
        "paragraphs": ("id", "near_duplicate_cluster"),
        "documents": ("id", "paragraph_ids"),
    },
    check_ledger: {
        "lines": ("line_number", "byte_start", "byte_end", "raw_sha256", "status", "reason", "paragraph_id"),
        "paragraphs": ("id", "source_lines"),
    },
}
# The columns the text and leakage checks stream from the files a row group at a time instead of
# holding (SplitTexts), watched as they are first read (WatchedTexts), so that each is read once.
TEXT_CHECKS = (check_texts, check_leakage)
STREAMED_COLUMNS: dict[str, tuple[str, ...]] = {"paragraphs": ("text",), "sentences": ("text", "id"), "documents": ("text",)}


def watched_texts(out_dir: Path) -> dict[str, WatchedTexts]:
    """config -> its split files' STREAMED_COLUMNS, watched, for check_texts then check_leakage."""
    return {config: WatchedTexts(splits) for config, splits in split_texts(out_dir, STREAMED_COLUMNS).items()}


def _guarded(report: Report, check: Callable[..., None], *args: Any) -> None:
    """Run one check function; data too broken for it to run (the schema check says how) is a
    failure named after it, not a traceback."""
    try:
        check(report, *args)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, pa.ArrowException) as exc:
        name = check.__name__.removeprefix("check_")
        report.check(f"{name}.could_run", [f"{type(exc).__name__}: {exc}"[:120]], "check could not run on this data")


def schema_report(out_dir: Path, params: params_mod.Params, observe: RowGroupObserver | None = None) -> Report:
    """The JSON Schema check alone: the first rows of validate's report (check_schemas for `observe`)."""
    report = Report()
    _guarded(report, check_schemas, out_dir, params.validate, observe)
    return report


def load_expected_sizes(path: Path) -> dict[str, dict[str, int]]:
    """Split sizes as the split step recorded them: metrics/split.json (its `sizes`) or a bare mapping."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInputError(f"{path}: no such metrics file; pass the split step's metrics/split.json") from None
    except json.JSONDecodeError as exc:
        raise BadInputError(f"{path}: not JSON ({exc.msg}, line {exc.lineno})") from None
    sizes = data.get("sizes", data) if isinstance(data, dict) else None
    if not isinstance(sizes, dict) or not all(isinstance(v, dict) for v in sizes.values()):
        raise BadInputError(f"{path}: expected {{config: {{split: rows}}}} (or split.json with `sizes`)")
    return sizes


def validate(
    out_dir: Path,
    source: Path | None = None,
    *,
    expected_sizes: Mapping[str, Mapping[str, int]] | None = None,
    params: params_mod.Params | None = None,
    docs_dir: Path | None = None,
    suites: bool | Collection[str] = True,
    schemas: bool = True,
) -> Report:
    """Run the JSON Schema and cross-file checks, then the GX suites of every config.

    `expected_sizes` ({config: {split: rows}}, from metrics/split.json) adds a row-count expectation
    to every suite; `params` defaults to params.yaml; `docs_dir` also writes GX Data Docs there;
    `suites` may name the configs whose suites run (False: none, plain checks only); `schemas`
    False leaves out the JSON Schema check (schema_report: the build may run it elsewhere).
    """
    t0 = time.perf_counter()
    params = params or params_mod.load()  # the working directory's, else the checkout's
    report = schema_report(out_dir, params) if schemas else Report()
    texts = watched_texts(out_dir)
    for check in CHECKS:
        release_memory()  # the last check's columns
        _guarded(report, check, load_tables(out_dir, CHECK_COLUMNS[check]), *((texts,) if check in TEXT_CHECKS else ()))
    del texts
    release_memory()
    _guarded(report, check_ledger, load_tables(out_dir, CHECK_COLUMNS[check_ledger]), source)
    t1 = time.perf_counter()
    report.timings_s["checks"] = round(t1 - t0, 3)
    if suites:
        from .expectations import run_suites

        configs = paths.CONFIGS if suites is True else tuple(suites)
        for result in run_suites(out_dir, params, expected_sizes, docs_dir, configs):
            report.add_suite(result)
        report.timings_s["great_expectations"] = round(time.perf_counter() - t1, 3)
    report.timings_s["total"] = round(time.perf_counter() - t0, 3)
    return report

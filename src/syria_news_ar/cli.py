"""`syria-news-ar` command line: thin wrappers over the step functions, with clean errors."""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import params as params_mod
from . import paths
from .errors import SyriaNewsError, ValidationFailed


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    metrics_dir = Path(args.metrics_dir) if args.metrics_dir else None
    result = build(Path(args.source), Path(args.out), params_mod.load(Path(args.params)), metrics_dir)
    summary = {
        "lines": result["ingest"]["lines_by_status"],
        "paragraphs": result["split"]["sizes"]["paragraphs"],
        "documents": result["segment"]["documents"],
        "timings_s": result["timings_s"],
    }
    print(f"built {args.out}: {json.dumps(summary, ensure_ascii=False)}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .errors import BadInputError
    from .validate import load_expected_sizes, validate

    out = Path(args.dir)
    if not (out / "data").is_dir():
        raise BadInputError(f"{out}: not a dataset folder (no data/ inside); pass the folder build wrote")
    report = validate(
        out,
        Path(args.source) if args.source else None,
        expected_sizes=load_expected_sizes(Path(args.metrics)) if args.metrics else None,
        params=params_mod.load(Path(args.params)) if args.params else params_mod.load(),
        docs_dir=Path(args.docs) if args.docs else None,
    )
    print(report.table())
    if args.summary:
        summary = Path(args.summary)
        summary.parent.mkdir(parents=True, exist_ok=True)
        summary.write_text(report.summary_json(), encoding="utf-8")
    if args.docs:
        print(f"Data Docs: {Path(args.docs) / 'index.html'}")
    if not report.ok:
        raise ValidationFailed(report.lines())
    note = "" if args.source else " (byte spans not re-hashed: pass --source to check them)"
    print(f"{args.dir}: all {len(report.checked)} checks passed in {report.timings_s['total']:.1f} s{note}")
    return 0


def cmd_stage(args: argparse.Namespace) -> int:
    from . import stages

    params = params_mod.load(Path(args.params))
    if args.command == "ingest":
        stages.stage_ingest(Path(args.source), params)
    elif args.command == "segment":
        stages.stage_segment(params)
    elif args.command == "deduplicate":
        stages.stage_deduplicate(params)
    elif args.command == "split":
        stages.stage_split(params, Path(args.out))
    elif args.command == "card":
        from .card import write_card

        write_card(Path(args.dir), params, stages.load_metrics(Path(args.metrics_dir)))
    return 0


STAGE_HELP = {
    "ingest": "DVC stage 1: read + clean SOURCE into data/interim/ingest.parquet and metrics/ingest.json",
    "segment": "DVC stage 2: headings, sentences, articles and dates into data/interim/{segment,documents}.parquet",
    "deduplicate": "DVC stage 3: exact and near-duplicate clusters into data/interim/deduplicate.parquet",
    "split": "DVC stage 4: leakage-free splits; writes DIR/data/ Parquet, metrics/split.json and metrics/plots/",
    "card": "DVC stage 6: the dataset card and its companions in DIR, from the Parquet and metrics/",
}


def add_stage_parsers(sub: argparse._SubParsersAction) -> None:
    """One subcommand per DVC stage; paths default to the project layout (paths.py)."""
    for name, help_text in STAGE_HELP.items():
        s = sub.add_parser(name, help=help_text, description=help_text)
        if name == "ingest":
            s.add_argument("source", metavar="SOURCE", nargs="?", default=str(paths.SOURCE), help="raw text file")
        if name == "split":
            s.add_argument("--out", default=str(paths.DATASET), metavar="DIR", help="dataset folder (default: dataset)")
        if name == "card":
            s.add_argument("dir", metavar="DIR", nargs="?", default=str(paths.DATASET), help="dataset folder")
            s.add_argument("--metrics-dir", default=str(paths.METRICS), metavar="DIR", help="step metrics (default: metrics)")
        s.add_argument("--params", default=str(paths.PARAMS), metavar="FILE", help="params file (default: params.yaml)")
        s.set_defaults(func=cmd_stage)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="syria-news-ar",
        description="Build and check the syria-news-ar Hugging Face dataset from a raw text file.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    b = sub.add_parser("build", help="run every step on SOURCE and write a complete dataset folder",
                       description="Read, clean, segment, deduplicate, split, write Parquet, validate and "
                       "write the card, in one process. DIR is replaced only when every step succeeds.")
    b.add_argument("source", metavar="SOURCE", help="UTF-8 text file, one paragraph a line")
    b.add_argument("--out", required=True, metavar="DIR", help="dataset folder to (re)create")
    b.add_argument("--params", default=str(paths.PARAMS), metavar="FILE", help="params file (default: params.yaml)")
    b.add_argument("--metrics-dir", metavar="DIR",
                   help="also write each step's metrics JSON and plot data here (default: not written, so a "
                   "build of another file never touches the project's committed metrics/)")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="check every record, every cross-file invariant and the GX suites of a dataset folder",
                       description="Check every record against schemas/, the cross-file invariants and the Great "
                       "Expectations suites of validation/; print a table of suites and checks; exit 0 when all "
                       "hold, 1 with a list of failures otherwise.")
    v.add_argument("dir", metavar="DIR", help="dataset folder (as written by build)")
    v.add_argument("--source", metavar="FILE", help="the raw source, to re-hash every ledger byte span")
    v.add_argument("--metrics", metavar="FILE", help="the split step's metrics/split.json: check every split's row count")
    v.add_argument("--summary", metavar="FILE", help="write a deterministic JSON summary (e.g. metrics/validation.json)")
    v.add_argument("--docs", metavar="DIR", help="also build Great Expectations Data Docs (HTML) in DIR")
    v.add_argument("--params", metavar="FILE", help="params file (default: params.yaml, else the checkout's)")
    v.set_defaults(func=cmd_validate)
    # --- publish subcommand (owned by publish.py) ---
    from .publish import add_parser as add_publish_parser

    add_publish_parser(sub)
    # --- end publish ---
    # --- DVC stage subcommands ---
    add_stage_parsers(sub)
    # --- end DVC stage subcommands ---
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except ValidationFailed as exc:
        print(f"validation failed: {exc}", file=sys.stderr)
        for line in exc.failures:
            print(f"  - {line}", file=sys.stderr)
        return exc.exit_code
    except SyriaNewsError as exc:
        print(f"syria-news-ar: error: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except KeyboardInterrupt:
        print("syria-news-ar: interrupted", file=sys.stderr)
        return 130


# Arrow's allocator for the console script and the workers it spawns (they inherit the
# environment), unless the user chose one; pyarrow's default here is mimalloc. 100 MB benchmark
# input, peak RSS of the build's process tree in alternated runs: mimalloc 1,279 and 1,273 MB,
# jemalloc 1,178 and 1,162 MB, in 42.0-43.6 s either way.
# Arrow reads the variable when pyarrow is first loaded, so it is set before anything imports it.
ARROW_ALLOCATOR = "jemalloc"
# Arrow's jemalloc keeps freed pages for a second (dirty) and then another (MADV_FREE, still
# counted in RSS while the machine has memory to spare), and pool.release_unused() does not purge
# them here; with both decays at 0 it hands them back as they are freed. 100 MB build, three
# alternated runs: peaks 993, 965 and 976 MB instead of 1,148, 1,107 and 1,114 MB. Its cost: six
# alternated 100 MB builds, median 46.8 s against 45.4 s; one 1000 MB pair, 536.7 s against
# 487.7 s (validation 231 s against 197 s: freed pages are faulted in anew). Read by
# Arrow's bundled jemalloc (prefix je_arrow_) when pyarrow is first loaded; set unless the user
# set it.
ARROW_JEMALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"


def run() -> None:
    """The console script: main(), then exit without the interpreter's teardown, which takes
    ~0.2 s after a build (finalising pyarrow's and every other module's state). By then every
    output file is closed and the workers have stopped; the two streams are flushed here."""
    if sys.platform == "linux":  # where pyarrow's wheels are built with jemalloc
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", ARROW_ALLOCATOR)
        os.environ.setdefault("JE_ARROW_MALLOC_CONF", ARROW_JEMALLOC_CONF)
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, OSError):  # a reader that went away: nothing left to tell it
            pass
    os._exit(code)


if __name__ == "__main__":
    run()

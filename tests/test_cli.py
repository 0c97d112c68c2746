"""End-to-end tests of the `syria-news-ar` console script (run as a subprocess, as users run it).

Builds are slow-ish (about a second each), so each distinct input is built once per module and
the bad-input runs are started concurrently.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from syria_news_ar import cli
from syria_news_ar.cli import parser

SCRIPT = str(Path(sys.executable).parent / "syria-news-ar")
PROJECT_ROOT = Path(__file__).resolve().parents[1]
README = PROJECT_ROOT / "README.md"
# The workspace (params.yaml, metrics/) is relative to the working directory (paths.py); the
# tests run in temporary folders, so they name the project's params file explicitly.
PARAMS_FILE = str(PROJECT_ROOT / "params.yaml")
BOM = b"\xef\xbb\xbf"

CONFIG_FILES = [
    *(f"data/{config}/{split}-00000-of-00001.parquet"
      for config in ("paragraphs", "sentences", "documents")
      for split in ("train", "validation", "test")),
    "data/lines/full-00000-of-00001.parquet",
]

# A small source: a heading, four dateline articles, a blank line, and line 9 repeating line 3
# (a background paragraph copied into a later article).
GOOD_LINES = [
    "آخر الأخبار",
    "دمشق - أعلنت وزارة الصحة السورية اليوم الثلاثاء 3 كانون الأول 2024 عن افتتاح مستشفى جديد في ريف دمشق، بحضور عدد من المسؤولين.",
    "وأضافت الوزارة أن المستشفى يضم مئة سرير ويخدم أكثر من خمسين ألف نسمة في المنطقة.",
    "حلب - شهدت مدينة حلب اليوم الأربعاء 27 تشرين الثاني 2024 حركة تجارية نشطة في أسواقها القديمة بعد أشهر من الركود.",
    "وقال أحد التجار إن الإقبال على الأسواق تحسن بشكل ملحوظ خلال الأيام الماضية.",
    "",
    "إدلب - افتتحت مديرية التربية في إدلب اليوم الخميس 28 تشرين الثاني 2024 ثلاث مدارس جديدة بعد ترميمها.",
    "وأوضحت المديرية أن المدارس ستستقبل أكثر من ألفي طالب وطالبة مع بداية الفصل الدراسي.",
    "وأضافت الوزارة أن المستشفى يضم مئة سرير ويخدم أكثر من خمسين ألف نسمة في المنطقة.",
    "حمص - أعلنت محافظة حمص اليوم الجمعة 29 تشرين الثاني 2024 عن خطة لإعادة تأهيل شبكة المياه في الأحياء المتضررة.",
    "وأشارت المحافظة إلى أن العمل سيبدأ الأسبوع المقبل ويستمر ثلاثة أشهر.",
]
GOOD_TEXT = "\n".join(GOOD_LINES) + "\n"
GOOD_BYTES_LF = GOOD_TEXT.encode("utf-8")
GOOD_BYTES_BOM_CRLF = BOM + "\r\n".join(GOOD_LINES).encode("utf-8") + b"\r\n"


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cli_env(tmp_path_factory) -> dict[str, str]:
    env = dict(os.environ)
    env["CI"] = "1"
    env["HF_HOME"] = str(tmp_path_factory.mktemp("hf_home"))
    env["HF_HUB_OFFLINE"] = "1"
    env["HF_DATASETS_OFFLINE"] = "1"
    return env


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args], env=env, cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=120
    )


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under root (hidden ones included), with file bytes."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def subcommands() -> list[str]:
    actions = [a for a in parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(actions) == 1
    return sorted(actions[0].choices)


# --------------------------------------------------------------------------------------------
# Arrow's allocator
# --------------------------------------------------------------------------------------------

ALLOCATOR_PROBE = """
import json, os
from syria_news_ar import cli

def rss():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

def main():
    import pyarrow as pa
    import pyarrow.compute as pc
    base = pa.array(range(100_000))
    before = rss()
    arrays = [pc.add(base, i) for i in range(300)]  # 300 buffers of 800 kB, in Arrow's pool
    grown = rss() - before
    del arrays
    kept = rss() - before
    print(json.dumps({"pool": pa.default_memory_pool().backend_name, "conf": os.environ.get("JE_ARROW_MALLOC_CONF"), "kept": kept / grown}))
    return 0

cli.main = main
cli.run()
"""


def allocator_probe(env: dict[str, str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", ALLOCATOR_PROBE], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture()
def allocator_env(cli_env):
    return {k: v for k, v in cli_env.items() if k not in ("ARROW_DEFAULT_MEMORY_POOL", "JE_ARROW_MALLOC_CONF")}


@pytest.mark.skipif(sys.platform != "linux", reason="the console script picks jemalloc on Linux only")
@pytest.mark.parametrize(("chosen", "expected"), [(None, "jemalloc"), ("system", "system")])
def test_the_console_script_uses_jemalloc_unless_the_user_chose(allocator_env, chosen, expected):
    if chosen:
        allocator_env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    assert allocator_probe(allocator_env)["pool"] == expected


@pytest.mark.skipif(sys.platform != "linux", reason="the console script picks jemalloc on Linux only")
def test_jemalloc_hands_freed_pages_back_at_once(allocator_env):
    """With the console script's decay settings, memory Arrow frees leaves the process's RSS as it
    is freed; with jemalloc's own (Arrow's 1 s decays, which the user's setting here restores) a
    quarter of it was still resident right after the free (measured)."""
    ours = allocator_probe(allocator_env)
    assert ours["conf"] == cli.ARROW_JEMALLOC_CONF
    assert ours["kept"] < 0.05, ours
    allocator_env["JE_ARROW_MALLOC_CONF"] = "dirty_decay_ms:1000,muzzy_decay_ms:1000"
    theirs = allocator_probe(allocator_env)
    assert theirs["conf"] == "dirty_decay_ms:1000,muzzy_decay_ms:1000"  # the user's choice is kept
    assert theirs["kept"] > 0.10, theirs


# --------------------------------------------------------------------------------------------
# --help
# --------------------------------------------------------------------------------------------

def test_subcommands_are_registered():
    assert {"build", "validate"} <= set(subcommands())


def test_program_help(cli_env, tmp_path):
    result = run(["--help"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: syria-news-ar")
    for command in subcommands():
        assert command in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("command", subcommands())
def test_subcommand_help(cli_env, tmp_path, command):
    result = run([command, "--help"], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: syria-news-ar {command}")
    assert result.stderr == ""


def _readme_mentions(text: str, command: str) -> bool:
    return bool(
        re.search(rf"syria-news-ar\s+{re.escape(command)}\b", text)
        or re.search(rf"`{re.escape(command)}[`\s]", text)
    )


@pytest.mark.xfail(not README.exists(), reason="README.md not written yet", strict=False)
def test_readme_documents_every_subcommand():
    text = README.read_text(encoding="utf-8")
    missing = [c for c in subcommands() if not _readme_mentions(text, c)]
    assert missing == [], f"README.md does not mention these subcommands: {missing}"


# --------------------------------------------------------------------------------------------
# bad input: exit 2, one line on stderr, output folder untouched
# --------------------------------------------------------------------------------------------

_BAD_UTF8_HEAD = (GOOD_LINES[0] + "\n" + GOOD_LINES[1] + "\n" + "وأضافت الوزارة ").encode("utf-8")
BAD_UTF8_OFFSET = len(_BAD_UTF8_HEAD)

BAD_INPUTS: dict[str, bytes | None] = {
    "invalid_utf8": _BAD_UTF8_HEAD + b"\xff\xfe" + " أن المستشفى يضم مئة سرير.\n".encode("utf-8"),
    "utf16_le_bom": b"\xff\xfe" + GOOD_TEXT.encode("utf-16-le"),
    "empty": b"",
    "no_arabic": b"The ministry announced a new hospital in rural Damascus.\n\nhttps://example.com/news/1\n  \n",
    "missing": None,  # the path does not exist
    # Variants, run with one scenario only to keep the module fast:
    "utf16_le_no_bom": GOOD_TEXT.encode("utf-16-le"),
    "bom_only": BOM,
    "directory": b"",  # special-cased below: SOURCE is a folder
}
SCENARIOS = ("out_absent", "out_exists")
_VARIANTS = ("utf16_le_no_bom", "bom_only", "directory")
BAD_CASES = [
    *((case, scenario) for case in BAD_INPUTS if case not in _VARIANTS for scenario in SCENARIOS),
    *((case, "out_exists") for case in _VARIANTS),
]


@dataclass
class BadRun:
    source: Path
    work: Path  # parent of --out
    out: Path
    metrics: Path
    before: dict[str, bytes | None]
    after: dict[str, bytes | None]
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory, cli_env) -> dict[tuple[str, str], BadRun]:
    root = tmp_path_factory.mktemp("bad")
    started = {}
    for case, scenario in BAD_CASES:
        base = root / f"{case}-{scenario}"
        (base / "input").mkdir(parents=True)
        work = base / "work"
        work.mkdir()
        source = base / "input" / "ingest_source.txt"
        data = BAD_INPUTS[case]
        if case == "directory":
            source.mkdir()
        elif data is not None:
            source.write_bytes(data)
        out, metrics = work / "dataset", work / "metrics"
        if scenario == "out_exists":
            (out / "data" / "paragraphs").mkdir(parents=True)
            (out / "sentinel.txt").write_bytes(b"do not touch\n")
            (out / "data" / "paragraphs" / "train-00000-of-00001.parquet").write_bytes(b"old parquet bytes")
        before = snapshot(work)
        proc = subprocess.Popen(
            [SCRIPT, "build", str(source), "--out", str(out), "--metrics-dir", str(metrics), "--params", PARAMS_FILE],
            env=cli_env, cwd=base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        )
        started[(case, scenario)] = (proc, source, work, out, metrics, before)
    runs = {}
    for key, (proc, source, work, out, metrics, before) in started.items():
        stdout, stderr = proc.communicate(timeout=120)
        runs[key] = BadRun(source, work, out, metrics, before, snapshot(work), proc.returncode, stdout, stderr)
    return runs


@pytest.mark.parametrize("case,scenario", BAD_CASES, ids=[f"{c}-{s}" for c, s in BAD_CASES])
def test_bad_input_exit_code_and_message(bad_runs, case, scenario):
    r = bad_runs[(case, scenario)]
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert r.stderr.endswith("\n")
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert str(r.source) in lines[0]
    if case == "invalid_utf8":
        assert "line 3" in lines[0]
        assert f"byte {BAD_UTF8_OFFSET}" in lines[0]
    if case.startswith("utf16"):
        assert "UTF-16" in lines[0]
    if case in ("empty", "bom_only"):
        assert "empty" in lines[0]


@pytest.mark.parametrize("case,scenario", BAD_CASES, ids=[f"{c}-{s}" for c, s in BAD_CASES])
def test_bad_input_leaves_output_alone(bad_runs, case, scenario):
    r = bad_runs[(case, scenario)]
    # Nothing at all changed next to --out: no new folder, no ".dataset.tmp-*" left behind,
    # no metrics folder, and (when it existed) the old folder with the same files and bytes.
    assert r.after == r.before
    assert not r.metrics.exists()
    assert not [p.name for p in r.work.iterdir() if p.name.startswith(".")]
    if scenario == "out_absent":
        assert not r.out.exists()
        assert r.after == {}
    else:
        assert sorted(p.relative_to(r.out).as_posix() for p in r.out.rglob("*")) == [
            "data",
            "data/paragraphs",
            "data/paragraphs/train-00000-of-00001.parquet",
            "sentinel.txt",
        ]
        assert (r.out / "sentinel.txt").read_bytes() == b"do not touch\n"


# --------------------------------------------------------------------------------------------
# good input: build, validate, damage, validate again
# --------------------------------------------------------------------------------------------

@dataclass
class Built:
    source: Path
    out: Path
    metrics: Path
    result: subprocess.CompletedProcess[str]


def _build(tmp_path_factory, env, name: str, data: bytes) -> Built:
    base = tmp_path_factory.mktemp(name)
    source = base / f"ingest_{name}.txt"
    source.write_bytes(data)
    out, metrics = base / "out" / "dataset", base / "metrics"
    result = run(
        ["build", str(source), "--out", str(out), "--metrics-dir", str(metrics), "--params", PARAMS_FILE], env, base
    )
    return Built(source, out, metrics, result)


@pytest.fixture(scope="module")
def good(tmp_path_factory, cli_env) -> Built:
    return _build(tmp_path_factory, cli_env, "good_lf", GOOD_BYTES_LF)


@pytest.fixture(scope="module")
def good_crlf(tmp_path_factory, cli_env) -> Built:
    return _build(tmp_path_factory, cli_env, "good_bom_crlf", GOOD_BYTES_BOM_CRLF)


def test_build_succeeds(good):
    assert good.result.returncode == 0, good.result.stderr
    assert "Traceback" not in good.result.stderr
    assert good.result.stdout.startswith(f"built {good.out}")


def test_build_writes_every_config_and_the_card(good):
    assert good.result.returncode == 0, good.result.stderr
    for rel in CONFIG_FILES:
        assert (good.out / rel).is_file(), rel
    assert (good.out / "README.md").is_file()
    assert (good.out / "README.md").stat().st_size > 0
    # No temporary or old folders left next to the output.
    assert sorted(p.name for p in good.out.parent.iterdir()) == ["dataset"]
    assert (good.metrics / "ingest.json").is_file()


def test_build_ledger(good):
    assert good.result.returncode == 0, good.result.stderr
    rows = pq.read_table(good.out / "data/lines/full-00000-of-00001.parquet").to_pylist()
    assert [r["line_number"] for r in rows] == list(range(1, 12))
    assert [r["status"] for r in rows] == [
        "kept", "kept", "kept", "kept", "kept", "blank", "kept", "kept", "duplicate", "kept", "kept",
    ]
    assert rows[8]["paragraph_id"] == rows[2]["paragraph_id"]  # line 9 repeats line 3
    assert rows[5]["paragraph_id"] is None and rows[5]["reason"] is None
    kept_ids = [r["paragraph_id"] for r in rows if r["status"] == "kept"]
    assert len(set(kept_ids)) == 9
    data = GOOD_BYTES_LF
    for r, line in zip(rows, GOOD_LINES, strict=True):
        assert data[r["byte_start"] : r["byte_end"]] == line.encode("utf-8")
        assert r["raw_sha256"] == hashlib.sha256(line.encode("utf-8")).hexdigest()


def test_build_paragraph_counts(good):
    assert good.result.returncode == 0, good.result.stderr
    paragraphs = [
        row
        for split in ("train", "validation", "test")
        for row in pq.read_table(good.out / f"data/paragraphs/{split}-00000-of-00001.parquet").to_pylist()
    ]
    # 10 text lines, one exact repeat -> 9 distinct paragraphs, one of them the heading.
    assert len(paragraphs) == 9
    assert sorted(p["text"] for p in paragraphs) == sorted(set(GOOD_LINES) - {""})
    assert [p["kind"] for p in paragraphs if p["text"] == GOOD_LINES[0]] == ["heading"]
    repeated = [p for p in paragraphs if p["text"] == GOOD_LINES[2]]
    assert len(repeated) == 1 and list(repeated[0]["source_lines"]) == [3, 9]


def test_validate_built_folder_passes(good, cli_env, tmp_path):
    assert good.result.returncode == 0, good.result.stderr
    result = run(["validate", str(good.out), "--source", str(good.source)], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "checks passed" in result.stdout
    assert "Traceback" not in result.stderr


def test_validate_catches_a_persian_yeh(good, cli_env, tmp_path):
    assert good.result.returncode == 0, good.result.stderr
    damaged = tmp_path / "damaged"
    shutil.copytree(good.out, damaged)
    for split in ("train", "validation", "test"):
        path = damaged / f"data/paragraphs/{split}-00000-of-00001.parquet"
        table = pq.read_table(path)
        if table.num_rows:
            break
    else:
        pytest.fail("every paragraphs split is empty")
    texts = table.column("text").to_pylist()
    i = next(i for i, t in enumerate(texts) if "ي" in t)
    texts[i] = texts[i].replace("ي", "ی", 1)
    assert texts[i] != table.column("text").to_pylist()[i]
    col = table.schema.get_field_index("text")
    table = table.set_column(col, table.schema.field(col), pa.array(texts, type=table.schema.field(col).type))
    pq.write_table(table, path)
    assert "ی" in pq.read_table(path).column("text").to_pylist()[i]

    result = run(["validate", str(damaged), "--source", str(good.source)], cli_env, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "clean_text.paragraphs" in result.stderr
    assert "Traceback" not in result.stderr
    assert "checks passed" not in result.stdout


# --------------------------------------------------------------------------------------------
# BOM + CRLF source
# --------------------------------------------------------------------------------------------

def test_bom_crlf_builds(good_crlf):
    assert good_crlf.result.returncode == 0, good_crlf.result.stderr
    for rel in CONFIG_FILES:
        assert (good_crlf.out / rel).is_file(), rel


def test_bom_crlf_ledger_spans_slice_the_file(good_crlf):
    assert good_crlf.result.returncode == 0, good_crlf.result.stderr
    rows = pq.read_table(good_crlf.out / "data/lines/full-00000-of-00001.parquet").to_pylist()
    data = good_crlf.source.read_bytes()
    assert data == GOOD_BYTES_BOM_CRLF
    assert len(rows) == len(GOOD_LINES)
    assert rows[0]["byte_start"] == 3  # after the BOM
    for r, line in zip(rows, GOOD_LINES, strict=True):
        chunk = data[r["byte_start"] : r["byte_end"]]
        assert chunk == line.encode("utf-8")  # no BOM, no CR
        assert r["raw_sha256"] == hashlib.sha256(chunk).hexdigest()
    # Consecutive lines are separated by exactly the two bytes of CRLF.
    for prev, nxt in zip(rows, rows[1:]):
        assert nxt["byte_start"] - prev["byte_end"] == 2
        assert data[prev["byte_end"] : nxt["byte_start"]] == b"\r\n"
    assert rows[-1]["byte_end"] == len(data) - 2


def test_bom_crlf_validates_against_its_source(good_crlf, cli_env, tmp_path):
    assert good_crlf.result.returncode == 0, good_crlf.result.stderr
    result = run(["validate", str(good_crlf.out), "--source", str(good_crlf.source)], cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "checks passed" in result.stdout


def test_line_endings_and_bom_do_not_change_the_records(good, good_crlf):
    """Same text, other line ends: ids and records are content-derived, so the configs are equal."""
    assert good.result.returncode == 0 and good_crlf.result.returncode == 0
    for rel in CONFIG_FILES[:-1]:
        assert pq.read_table(good.out / rel).equals(pq.read_table(good_crlf.out / rel)), rel
    lf = pq.read_table(good.out / "data/lines/full-00000-of-00001.parquet").drop_columns(["byte_start", "byte_end"])
    crlf = pq.read_table(good_crlf.out / "data/lines/full-00000-of-00001.parquet").drop_columns(["byte_start", "byte_end"])
    assert lf.equals(crlf)

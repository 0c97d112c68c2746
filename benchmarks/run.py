#!/usr/bin/env python3
"""Benchmark: `syria-news-ar build` against datatrove's workload W on the same corpora. The seed
is built three times and a corpus of up to 100 MB three times, alternating with datatrove's W on
it, and each row gives the medians (all runs listed, the peak the highest of them); the 1000 MB
corpus is one run of each.

usage: .venv/bin/python benchmarks/run.py [--sizes 10 100 1000] [--repeats 3] [--out benchmarks/out] [--no-anchor] [--max-rss-gb 16] [--no-repro]

Generates the synthetic corpora with ../shared/bench/make_corpus.py (same bytes for the same
size), runs the build on each (wall seconds per step from the build's own timings, peak RSS of
the whole process tree sampled from /proc), runs the datatrove anchor in its own venv (created
here on first use), times a no-op `dvc repro` of this checkout (the seed's pipeline, once up to
date), and prints and writes a table (results.md, results.json). Not part of `make test`: it
takes minutes and gigabytes.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
SEED = ROOT / "data" / "raw" / "000_356bbac04ad081bb.txt"
DATATROVE = "datatrove[io,processing]==0.10.1"
SEED_RUNS = 3
# This 2-core machine's speed drifts by a fifth within minutes, and one run of a 20 s build and a
# 60 s W run is one sample of that moment: corpora up to REPEAT_MAX_MB are run REPEATS times, the
# build and W alternated so both see the same stretch, and compared by their medians.
REPEATS = 3
REPEAT_MAX_MB = 100
REPRO_RUNS = 5
UP_TO_DATE = "Data and pipelines are up to date."


def tree_rss_bytes(root_pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


class OverMemory(Exception):
    """The measured command went over the memory cap and was stopped."""


def run_measured(cmd: list[str], env: dict[str, str] | None = None, cap_bytes: int | None = None) -> tuple[float, int, str]:
    """(wall seconds, peak tree RSS bytes, stdout) of one command; over `cap_bytes` its whole
    process tree is killed (so a run that would not fit never takes the machine down)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    peak = 0
    over = threading.Event()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_bytes(proc.pid))
            if cap_bytes is not None and peak > cap_bytes and not over.is_set():
                over.set()
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0  # the command's, not the sampler's last sleep
    done.set()
    sampler.join()
    if over.is_set():
        raise OverMemory(f"stopped after {wall:.0f} s at {peak / 2**30:.1f} GB (cap {cap_bytes / 2**30:.1f} GB)")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    return wall, peak, out


def noop_repro_seconds(runs: int = REPRO_RUNS) -> list[float]:
    """Wall seconds of `dvc repro` in this checkout once it is up to date (a first `dvc repro`
    brings it there, running what changed): the seed's DVC pipeline doing nothing, `runs` times."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    dvc = [str(Path(sys.executable).parent / "dvc"), "repro"]
    subprocess.run(dvc, cwd=ROOT, env=env, check=True, capture_output=True)
    walls = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(dvc, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
        walls.append(round(time.perf_counter() - t0, 2))
        if UP_TO_DATE not in done.stdout:
            raise SystemExit(f"dvc repro did something on a second run (not a no-op):\n{done.stdout[-2000:]}")
    return walls


def corpus(out: Path, size_mb: int) -> Path:
    path = out / f"corpus-{size_mb}mb.txt"
    if not path.exists():
        subprocess.run([sys.executable, str(BENCH / "make_corpus.py"), str(SEED), str(size_mb), str(path)], check=True)
    return path


def datatrove_python(out: Path) -> Path:
    venv = out / "datatrove-venv"
    py = venv / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", DATATROVE, "pyarrow", "orjson"], check=True)
    return py


def odd_count(text: str) -> int:
    n = int(text)
    if n < 1 or n % 2 == 0:
        raise argparse.ArgumentTypeError(f"{n}: give an odd number of runs (1, 3, 5, ...), so the median is one of them")
    return n


def run_anchor(out: Path, src: Path) -> tuple[float, int, dict]:
    """(wall seconds, peak tree RSS bytes, its JSON line) of datatrove's workload W on one corpus."""
    wall, peak, stdout = run_measured([str(datatrove_python(out)), str(BENCH / "datatrove_anchor.py"), str(src), str(out / f"dt-{src.stem}")])
    subprocess.run(["rm", "-rf", str(out / f"dt-{src.stem}")], check=True)
    return wall, peak, json.loads(stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    ap.add_argument("--repeats", type=odd_count, default=REPEATS,
                    help=f"runs of each corpus up to {REPEAT_MAX_MB} MB, build and W alternated; odd, so the median is a run (default {REPEATS})")
    ap.add_argument("--no-anchor", action="store_true", help="skip datatrove")
    ap.add_argument("--max-rss-gb", type=float, default=16.0, help="stop a build whose process tree goes over this (default 16)")
    ap.add_argument("--no-repro", action="store_true", help="skip timing the no-op dvc repro of this checkout")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    cli = str(Path(sys.executable).parent / "syria-news-ar")
    env = {**os.environ, "CI": "1"}
    rows = []
    inputs = [("seed", SEED, 0)] + [(f"{s} MB", corpus(args.out, s), s) for s in args.sizes]
    for label, src, size_mb in inputs:
        mb = src.stat().st_size / 2**20
        build_cmd = [cli, "build", str(src), "--out", str(args.out / f"ds-{src.stem}"), "--metrics-dir", str(args.out / f"metrics-{src.stem}")]
        with_anchor = label != "seed" and not args.no_anchor
        n = SEED_RUNS if label == "seed" else (args.repeats if size_mb <= REPEAT_MAX_MB else 1)  # the size asked for: a corpus is a little over it
        builds: list[tuple[float, int, str]] = []
        anchors: list[tuple[float, int, dict]] = []
        try:
            for _ in range(n):
                builds.append(run_measured(build_cmd, env, int(args.max_rss_gb * 2**30)))
                if with_anchor:
                    anchors.append(run_anchor(args.out, src))
        except OverMemory as exc:
            rows.append({"input": label, "mb": round(mb, 2), "failed": str(exc), "steps_s": {}})
            print(json.dumps(rows[-1]), flush=True)
            continue
        wall, _, out = sorted(builds)[len(builds) // 2]
        result = json.loads(out.split(":", 1)[1])
        row = {"input": label, "mb": round(mb, 2), "wall_s": round(wall, 2), "steps_s": result["timings_s"],
               "mb_per_s": round(mb / wall, 2), "peak_rss_mb": round(max(b[1] for b in builds) / 2**20),
               "paragraphs": sum(result["paragraphs"].values())}
        if n > 1:
            row["wall_runs_s"] = [round(b[0], 2) for b in builds]
        if label == "seed" and not args.no_repro:
            walls = noop_repro_seconds()
            row.update(noop_repro_s=sorted(walls)[len(walls) // 2], noop_repro_runs_s=walls)
        if anchors:
            dt_wall, _, dt_result = sorted(anchors, key=lambda a: a[0])[len(anchors) // 2]
            row.update(datatrove_s=round(dt_wall, 2), datatrove_peak_rss_mb=round(max(a[1] for a in anchors) / 2**20),
                       datatrove_after_near=dt_result["after_near"], speedup_vs_datatrove=round(dt_wall / wall, 2))
            if n > 1:
                row["datatrove_runs_s"] = [round(a[0], 2) for a in anchors]
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    (args.out / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
    steps = list(dict.fromkeys(k for r in rows for k in r["steps_s"] if k != "total"))
    head = ["input", "MB", *steps, "total s", "MB/s", "peak RSS MB", "paragraphs", "datatrove W s", "ratio (dt/ours)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if "failed" in r:
            lines.append("| " + " | ".join([r["input"], str(r["mb"]), f"not completed: {r['failed']}"]) + " |")
            continue
        label = r["input"] + (f" (median of {', '.join(map(str, r['wall_runs_s']))} s)" if "wall_runs_s" in r else "")
        anchor_cell = str(r.get("datatrove_s", "")) + (f" (median of {', '.join(map(str, r['datatrove_runs_s']))} s)" if "datatrove_runs_s" in r else "")
        cells = [label, r["mb"], *(r["steps_s"].get(s, "") for s in steps), r["wall_s"], r["mb_per_s"],
                 r["peak_rss_mb"], r["paragraphs"], anchor_cell, r.get("speedup_vs_datatrove", "")]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    lines += [f"\nNo-op `dvc repro` of this checkout (seed pipeline): median {r['noop_repro_s']} s of {', '.join(map(str, r['noop_repro_runs_s']))} s"
              for r in rows if "noop_repro_s" in r]
    table = "\n".join(lines)
    (args.out / "results.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()

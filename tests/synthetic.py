"""The benchmark's synthetic corpus (../shared/bench/make_corpus.py), kept here so tests run from a
clone alone: the same algorithm and seed, so the same bytes for the same arguments."""
from __future__ import annotations

import random
from pathlib import Path


def write_corpus(seed_txt: Path, size_mb: float, out: Path) -> Path:
    """About size_mb MB of one-paragraph lines from the seed's vocabulary and lengths: 70% fresh,
    15% exact repeats of a recent line, 15% near repeats (three words replaced)."""
    rng = random.Random(20241127)
    lines = [l for l in seed_txt.read_text(encoding="utf-8").split("\n") if l.strip()]
    words = [w for l in lines for w in l.split()]
    lengths = [len(l.split()) for l in lines]
    target = int(size_mb * 1024 * 1024)
    written, recent = 0, []
    with out.open("w", encoding="utf-8") as fh:
        while written < target:
            roll = rng.random()
            if roll < 0.15 and recent:
                line = rng.choice(recent)
            elif roll < 0.30 and recent:
                ws = rng.choice(recent).split()
                for _ in range(3):
                    ws[rng.randrange(len(ws))] = rng.choice(words)
                line = " ".join(ws)
            else:
                line = " ".join(rng.choice(words) for _ in range(rng.choice(lengths))) + "."
            recent.append(line)
            if len(recent) > 5000:
                recent.pop(rng.randrange(len(recent)))
            fh.write(line + "\n")
            written += len(line.encode()) + 1
    return out

"""Progress bars on a terminal, silence in CI logs and pipes."""
from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def enabled() -> bool:
    """On a terminal, outside CI, and only in the main process: a worker's share of a step
    (worker.py) would draw a second bar over the parent's."""
    return sys.stderr.isatty() and not os.environ.get("CI") and multiprocessing.parent_process() is None


def progress(items: Iterable[T], desc: str, unit: str = " it", total: int | None = None) -> Iterator[T]:
    return iter(tqdm(items, desc=desc, unit=unit, total=total, disable=not enabled(), leave=False))


def announce(line: str) -> None:
    """One status line on a terminal (between the steps' bars), nothing in CI logs and pipes."""
    if enabled():
        tqdm.write(line, file=sys.stderr)

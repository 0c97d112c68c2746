"""Progress bars on a terminal, silence in CI logs and pipes."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def enabled() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def progress(items: Iterable[T], desc: str, unit: str = " it", total: int | None = None) -> Iterator[T]:
    return iter(tqdm(items, desc=desc, unit=unit, total=total, disable=not enabled(), leave=False))


def announce(line: str) -> None:
    """One status line on a terminal (between the steps' bars), nothing in CI logs and pipes."""
    if enabled():
        tqdm.write(line, file=sys.stderr)

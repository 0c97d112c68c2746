"""Work that either of two processes may do, done by whichever asks for it first.

Which of the build's two processes ends its share of validation first depends on the source and
on the machine's moment (both ways seen on 2026-12-05, at 100 MB and at 1000 MB): the card's
parts go to whichever is free first instead of to a fixed one. A claim is a file created with O_EXCL in a
folder both know: atomic, so no part is done twice or skipped, and neither process waits for or
signals the other.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Claims:
    """A folder of claim files (picklable: a worker gets it as an argument)."""

    folder: Path

    def take(self, name: str) -> bool:
        """Claim `name`: True for the first caller in any process, False for every later one."""
        try:
            os.close(os.open(self.folder / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True


@contextmanager
def new_claims() -> Iterator[Claims]:
    """Claims in a new temporary folder, removed on the way out."""
    folder = Path(tempfile.mkdtemp(prefix="syria-news-ar-claims-"))
    try:
        yield Claims(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

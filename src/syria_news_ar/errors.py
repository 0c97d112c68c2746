"""Named exceptions: every user mistake maps to one class and one readable line (exit code 2)."""
from __future__ import annotations

from pathlib import Path


class SyriaNewsError(Exception):
    """Base class of the package's own errors."""


class BadInputError(SyriaNewsError):
    """The source file cannot be turned into a dataset; the CLI exits 2 with this message."""

    exit_code = 2


class SourceNotFoundError(BadInputError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: no such file; pass the path of a UTF-8 text file, one paragraph a line")


class SourceUnreadableError(BadInputError):
    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: cannot read the source ({why}); pass a readable UTF-8 text file")


class InvalidUtf8Error(BadInputError):
    def __init__(self, path: Path, line_number: int, byte_offset: int, detail: str) -> None:
        self.line_number, self.byte_offset = line_number, byte_offset
        super().__init__(
            f"{path}: line {line_number}, byte {byte_offset}: invalid UTF-8 ({detail}); "
            "re-encode the file as UTF-8 (e.g. iconv -f WINDOWS-1256 -t UTF-8)"
        )


class Utf16Error(BadInputError):
    def __init__(self, path: Path, how: str) -> None:
        super().__init__(
            f"{path}: looks like UTF-16 ({how}), but the source must be UTF-8; "
            "convert it first (iconv -f UTF-16 -t UTF-8)"
        )


class EmptySourceError(BadInputError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: the file is empty; expected one Arabic paragraph a line")


class NoArabicTextError(BadInputError):
    def __init__(self, path: Path, n_lines: int) -> None:
        super().__init__(
            f"{path}: none of its {n_lines} lines is an Arabic paragraph "
            "(all blank or rejected); check that this is the right file"
        )


class ParamsError(SyriaNewsError):
    """params.yaml is missing a key or has a value out of range."""

    exit_code = 2


class ValidationFailed(SyriaNewsError):
    """A dataset folder broke a schema or an invariant; carries the readable failure list."""

    exit_code = 1

    def __init__(self, failures: list[str]) -> None:
        self.failures = failures
        super().__init__(f"{len(failures)} check(s) failed")

"""Character classes shared by ingest, validation and the GX suites, and per-text counts of them.

One definition of "Arabic letter" serves the ingest gate (a regex), the suites' Arabic share and
the validator (code-point tables). Counting over code points in numpy avoids a Python loop per
character when whole columns are checked.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa

# Letters of the Arabic block (Persian look-alikes included); tatweel, marks and digits are not.
ARABIC_LETTER_RANGES: tuple[tuple[int, int], ...] = (
    (0x0621, 0x063A), (0x0641, 0x064A), (0x0671, 0x06D3), (0x06D5, 0x06D5),
    (0x06EE, 0x06EF), (0x06FA, 0x06FC), (0x06FF, 0x06FF),
)
TATWEEL = 0x0640


def char_class(ranges: Sequence[tuple[int, int]]) -> str:
    """A Python regex character class of code-point ranges."""
    return "[" + "".join(f"\\u{lo:04X}" if lo == hi else f"\\u{lo:04X}-\\u{hi:04X}" for lo, hi in ranges) + "]"


ARABIC_LETTER_CLASS = char_class(ARABIC_LETTER_RANGES)


def regex_escape(cp: int) -> str:
    """Python regex escape for one code point, readable and safe inside a class."""
    return f"\\u{cp:04X}" if cp <= 0xFFFF else f"\\U{cp:08X}"


def re2_escape(cp: int) -> str:
    """The same code point spelled so RE2 (pyarrow.compute) reads it as Python does: RE2 has no
    \\u escapes."""
    return f"\\x{cp:02X}" if cp < 0x100 else chr(cp)


def code_point_class(cps: Iterable[int], esc: Callable[[int], str] = regex_escape, negated: bool = False) -> str:
    """Compact regex character class (with ranges) for a set of code points; with re2_escape, one
    both Python's re and RE2 read."""
    ordered = sorted(set(cps))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        start, end = ordered[i], ordered[j]
        if end == start:
            parts.append(esc(start))
        elif end == start + 1:
            parts.append(esc(start) + esc(end))
        else:
            parts.append(f"{esc(start)}-{esc(end)}")
        i = j + 1
    return "[" + ("^" if negated else "") + "".join(parts) + "]"


ARABIC_LETTER_CLASS_RE2 = code_point_class((cp for lo, hi in ARABIC_LETTER_RANGES for cp in range(lo, hi + 1)), re2_escape)


@cache
def letter_table() -> np.ndarray:
    """Per code point: a letter as str.isalpha counts it (not as the regex [^\\W\\d_], which
    also takes numerals that are not decimal digits, such as "²")."""
    return np.fromiter((chr(c).isalpha() for c in range(0x110000)), dtype=bool, count=0x110000)


@cache
def arabic_letter_table() -> np.ndarray:
    table = np.zeros(0x110000, dtype=bool)
    for lo, hi in ARABIC_LETTER_RANGES:
        table[lo : hi + 1] = True
    return table


# The blocks news text is written in (ASCII and Latin-1, Arabic, general punctuation): the gates
# that send a text to an exact count take the characters of these that cannot change it as safe.
PLAIN_BLOCKS = (range(0x100), range(0x600, 0x700), range(0x2000, 0x2070))


@cache
def mixed_letters_re2() -> str:
    """An RE2 class (pyarrow.compute) of every character that may make a text's letters
    (letter_table) differ from its Arabic letters (arabic_letter_table): all but the characters
    of PLAIN_BLOCKS that are a letter exactly when they are an Arabic one. A text it does not
    find has as many letters as Arabic letters."""
    letters, arabic = letter_table(), arabic_letter_table()
    return code_point_class((cp for block in PLAIN_BLOCKS for cp in block if letters[cp] == arabic[cp]), re2_escape, negated=True)


def count_per_text(texts: pa.Array | pa.ChunkedArray, *tables: np.ndarray, chunk: int = 10_000) -> np.ndarray:
    """counts[k, i]: code points of texts[i] (an Arrow string column; a null counts as "") marked
    in tables[k]; decoded chunk texts at a time (arrow_text.code_point_slices), so the temporary
    arrays stay small and no text becomes a Python string. The tables are looked up once, as bits
    of one byte per code point, and summed per text by np.add.reduceat (0.35 s against 0.6-0.7 s
    with a cumulative sum per table, two tables over the 100 MB benchmark's paragraphs)."""
    from .arrow_text import code_point_slices

    if len(tables) > 8:
        raise ValueError(f"count_per_text takes at most 8 tables, got {len(tables)}")
    flags = np.zeros(0x110000, dtype=np.uint8)
    for k, table in enumerate(tables):
        flags |= table.astype(np.uint8) << k
    parts = [np.zeros((len(tables), 0), dtype=np.int64)]
    for cps, lengths in code_point_slices(texts, max_rows=chunk):
        if not len(lengths):
            continue
        marks = np.append(flags[cps], np.uint8(0))  # the start of an empty last text is in range
        starts = np.cumsum(lengths) - lengths
        counts = np.empty((len(tables), len(lengths)), dtype=np.int64)
        for k in range(len(tables)):
            counts[k] = np.add.reduceat((marks >> k) & 1, starts, dtype=np.int64)
        counts[:, lengths == 0] = 0  # reduceat gives an empty text its start's code point
        parts.append(counts)
    return np.concatenate(parts, axis=1)

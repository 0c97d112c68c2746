"""Step 1, read + clean: strict UTF-8 lines with byte spans, cleaned text, keys and the ledger's base.

Lines split on LF, CRLF or CR only (never on the Unicode line separators that str.splitlines
honours), so byte spans always point at the bytes a user sees as one line.
"""
from __future__ import annotations

import hashlib
import itertools
import math
import mmap
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from .clean import RULES, clean, normalized_key
from .ids import content_id
from .letters import ARABIC_LETTER_CLASS, ARABIC_LETTER_RANGES, TATWEEL, char_class
from .errors import (
    EmptySourceError,
    InvalidUtf8Error,
    NoArabicTextError,
    SourceNotFoundError,
    SourceUnreadableError,
    Utf16Error,
)
from .params import IngestParams
from .progress import progress

_BOM = b"\xef\xbb\xbf"
_EOL = re.compile(rb"\r\n|\r|\n")
_ARABIC_LETTER = re.compile(ARABIC_LETTER_CLASS)
_OTHER_LETTER = re.compile(f"(?!{char_class(((TATWEEL, TATWEEL), *ARABIC_LETTER_RANGES))})[^\\W\\d_]")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|&(?:[a-zA-Z]{2,8}|#\d{2,5});")
# Site furniture that scrapers keep: copyright lines, "read also", share/follow prompts.
_BOILERPLATE = re.compile(
    r"©|\(c\)\s*\d{4}|all rights reserved|جميع الحقوق محفوظة|حقوق النشر|حقوق الطبع"
    r"|^\s*(?:اقرأ|إقرأ|اقرا) (?:أيضا|أيضاً|ايضا|المزيد)|^\s*(?:تابعونا|تابعنا|شارك|للمزيد)\b",
    re.IGNORECASE,
)

STATUS_TEXT, STATUS_BLANK, STATUS_REJECTED = "text", "blank", "rejected"

INGEST_SCHEMA = pa.schema(
    [
        ("line_number", pa.int64()),
        ("byte_start", pa.int64()),
        ("byte_end", pa.int64()),
        ("raw_sha256", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("text", pa.string()),
        ("cleaning", pa.list_(pa.string())),
        ("key_hash", pa.string()),
    ]
)


@dataclass(frozen=True)
class RawLine:
    number: int
    start: int
    end: int
    data: bytes


def _check_not_utf16(path: Path, head: bytes) -> None:
    """UTF-16 decodes as (garbage) UTF-8 often enough that strict decoding alone won't catch it.

    In UTF-16 Arabic or ASCII text, every other byte is the high byte of a code point in the
    Basic Latin or Arabic block (0x00 or 0x06); in UTF-8 text those bytes are rare.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Utf16Error(path, "it starts with a UTF-16 byte-order mark")
    sample = head[:4096]
    if len(sample) < 4:
        return
    for parity, order in ((1, "little-endian"), (0, "big-endian")):
        high = sample[parity::2]
        share = sum(1 for b in high if b in (0x00, 0x06)) / len(high)
        if share >= 0.6:
            raise Utf16Error(path, f"{share:.0%} of its {order} high bytes are 0x00/0x06, no byte-order mark")


def iter_raw_lines(path: Path) -> Iterator[RawLine]:
    """Yield every line's bytes and span; a leading BOM is not part of line 1."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SourceNotFoundError(path) from None
    if not path.is_file():
        raise SourceUnreadableError(path, "it is not a regular file")
    if not os.access(path, os.R_OK):
        raise SourceUnreadableError(path, "permission denied")
    if size == 0:
        raise EmptySourceError(path)
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        _check_not_utf16(path, mm[:4096])
        pos = len(_BOM) if mm[:3] == _BOM else 0
        if pos == size:
            raise EmptySourceError(path)
        number = 0
        for m in _EOL.finditer(mm, pos):
            number += 1
            yield RawLine(number, pos, m.start(), mm[pos : m.start()])
            pos = m.end()
        if pos < size:
            yield RawLine(number + 1, pos, size, mm[pos:size])


def decode(path: Path, line: RawLine) -> str:
    try:
        return line.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = line.data[exc.start : exc.start + 4].hex(" ")
        raise InvalidUtf8Error(path, line.number, line.start + exc.start, f"bytes {bad}: {exc.reason}") from None


def reject_reason(text: str, params: IngestParams) -> str | None:
    """Why a non-blank cleaned line is not Arabic news text, or None when it is."""
    if _MARKUP.search(text):
        return "markup"
    if _BOILERPLATE.search(text):
        return "boilerplate"
    url_chars = sum(len(m) for m in _URL.findall(text))
    if url_chars and url_chars * 2 >= len(text.replace(" ", "")):
        return "url"
    # Arabic share >= s  <=>  arabic * (1 - s) >= s * other; count Arabic letters only as far
    # as the decision needs (news lines are long, non-Arabic letters in them rare)
    other = len(_OTHER_LETTER.findall(text))
    share = params.min_arabic_letter_share
    needed = max(params.min_arabic_letters, math.ceil(share * other / (1 - share)) if share < 1 else 0)
    arabic = sum(1 for _ in itertools.islice(_ARABIC_LETTER.finditer(text), needed))
    if arabic < needed or (share >= 1 and other):
        return "not_arabic"
    return None


@dataclass
class IngestResult:
    table: pa.Table
    rule_counts: dict[str, int]

    def metrics(self) -> dict[str, object]:
        """Line counts by ledger status (kept = first occurrence of a key), reasons, rule counts."""
        status = Counter(self.table["status"].to_pylist())
        keys = [k for k in self.table["key_hash"].to_pylist() if k is not None]
        kept = len(set(keys))
        return {
            "lines": self.table.num_rows,
            "lines_by_status": {
                "kept": kept,
                "duplicate": len(keys) - kept,
                "blank": status.get(STATUS_BLANK, 0),
                "rejected": status.get(STATUS_REJECTED, 0),
            },
            "rejected_by_reason": dict(sorted(Counter(r for r in self.table["reason"].to_pylist() if r).items())),
            "cleaning_rules": self.rule_counts,
        }


def ingest(path: Path, params: IngestParams) -> IngestResult:
    """Read, clean and classify every line; raise a BadInputError before anything is written."""
    cols: dict[str, list] = {name: [] for name in INGEST_SCHEMA.names}
    rules: Counter[str] = Counter()
    for line in progress(iter_raw_lines(path), desc="read+clean", unit=" lines"):
        raw_text = decode(path, line)
        text, fired = clean(raw_text)
        status, reason, khash = STATUS_TEXT, None, None
        if not text:
            status, text, fired = STATUS_BLANK, None, ()
        else:
            reason = reject_reason(text, params)
            if reason:
                status, text, fired = STATUS_REJECTED, None, ()
            else:
                rules.update(fired)
                khash = content_id(normalized_key(text))  # the paragraph id
        cols["line_number"].append(line.number)
        cols["byte_start"].append(line.start)
        cols["byte_end"].append(line.end)
        cols["raw_sha256"].append(hashlib.sha256(line.data).hexdigest())
        cols["status"].append(status)
        cols["reason"].append(reason)
        cols["text"].append(text)
        cols["cleaning"].append(list(fired))
        cols["key_hash"].append(khash)
    table = pa.table(cols, schema=INGEST_SCHEMA)
    if STATUS_TEXT not in set(cols["status"]):
        raise NoArabicTextError(path, table.num_rows)
    return IngestResult(table, {rule: rules.get(rule, 0) for rule in RULES})

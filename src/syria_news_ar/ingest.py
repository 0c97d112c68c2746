"""Step 1, read + clean: strict UTF-8 lines with byte spans, cleaned text, keys and the ledger's base.

Lines split on LF, CRLF or CR only (never on the Unicode line separators that str.splitlines
honours), so byte spans always point at the bytes a user sees as one line.

Lines are processed in batches of ``batch_lines`` (one Arrow record batch each). A file of at
least ``PARALLEL_MIN_BYTES`` is cut in two at a line boundary near its middle and the second part
is ingested by a spawned process while this one does the first: the same table as from one
process, in about half the time. The text lines' keys are hashed once the parts are assembled.
"""
from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import mmap
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc

from .clean import RULES, WHITESPACE_RE2, arrow_key_digests, clean_arrow
from .errors import (
    EmptySourceError,
    InvalidUtf8Error,
    NoArabicTextError,
    ParamsError,
    SourceNotFoundError,
    SourceUnreadableError,
    Utf16Error,
)
from .ids import hex_ids
from .letters import (
    ARABIC_LETTER_CLASS, ARABIC_LETTER_CLASS_RE2, ARABIC_LETTER_RANGES, PLAIN_BLOCKS, TATWEEL, char_class, code_point_class, re2_escape,
)
from .memory import release_memory
from .params import IngestParams
from .progress import progress
from .worker import Worker

# A spawned worker needs ~0.55 s before its first line (start Python, import pyarrow, numpy and
# the pandas that pa.array() imports; measured when it also built the key table, which it no
# longer needs: the keys are hashed after assembly): the bytes this process ingests
# meanwhile (~15 MB/s) go to the first part, half of them, so that both parts end together.
SPAWN_COST_BYTES = 8 << 20
# Once its part is done, this process loads the compiled key hashing (numba and the kernel from
# its cache: ~0.6 s) while the worker ends its part; its part is shorter by half the bytes it
# would ingest meanwhile (~20 MB/s here), so that both are ready together. Not from
# KEY_WARMUP_MAX_BYTES of source, where memory binds: numba's ~177 MB of RSS would then sit on the
# parts' and assembling's peak (2,522 MiB at 1000 MB without it, in a build of ea2d972; the
# build's highest was then confirmation's, 2,786 of 2,861), so it is loaded after assembling.
KEY_WARMUP_BYTES = 12 << 20
KEY_WARMUP_MAX_BYTES = 256 << 20
# Smaller files are ingested in one process. Best of 10 on a 2-core VM with other jobs running,
# one process vs two: 12 MB 0.81 s vs 1.34 s, 16 MB 1.06 vs 0.96, 24 MB 1.60 vs 1.16, 48 MB 3.27
# vs 1.96. Tests lower it to force the two-process path.
PARALLEL_MIN_BYTES = 16 << 20

_BOM = b"\xef\xbb\xbf"
_EOL = re.compile(rb"\r\n|\r|\n")
# Letters ([^\W\d_]) other than Arabic letters and tatweel, as one negated class: the same set as
# "(?!arabic|tatweel)[^\W\d_]" (tested over every code point) without a lookahead per character.
_OTHER_LETTER = re.compile(f"[^\\W\\d_{char_class(((TATWEEL, TATWEEL), *ARABIC_LETTER_RANGES))[1:-1]}]")
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
        ("raw_sha256", pa.binary(32)),  # the ledger's hex digits are made as it is written (records.py)
        ("status", pa.string()),
        ("reason", pa.string()),
        ("text", pa.string()),
        ("cleaning", pa.list_(pa.string())),
        ("key_hash", pa.string()),
    ]
)
# A part's rows (_batch, _ingest_range): all but the key hashes, added once the parts are assembled.
PART_SCHEMA = INGEST_SCHEMA.remove(INGEST_SCHEMA.get_field_index("key_hash"))


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


def _source_bounds(path: Path) -> tuple[int, int]:
    """(first byte of line 1, file size), after every check that needs no decoding, so a bad
    source fails before any line (or worker) is processed."""
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
    with path.open("rb") as fh:
        head = fh.read(4096)
    _check_not_utf16(path, head)
    start = len(_BOM) if head.startswith(_BOM) else 0
    if start == size:
        raise EmptySourceError(path)
    return start, size


# Bytes whose line ends line_span_arrays finds at once, in four boolean masks of this size made
# once per call and reused: before, each chunk of 32 MiB made its masks anew (fresh pages to fault
# in: numpy maps arrays that large) and the generator held them while the caller read the chunk's
# lines, ~160 MB in each of ingest's two processes (the 1000 MB build's ingest peaked at
# 2,868 MiB in one build).
SPAN_CHUNK_BYTES = 4 << 20


def _chunk_end(data: bytes | mmap.mmap, lo: int, hi: int) -> int:
    """Where a chunk from lo (a line start) ends: just after the last end-of-line of about
    SPAN_CHUNK_BYTES that can be told apart without the bytes after it (an LF, or a CR with a
    byte after it in the chunk), or hi. A window without one grows until it has one."""
    size = SPAN_CHUNK_BYTES
    while lo + size < hi:
        lf = data.rfind(b"\n", lo, lo + size)
        if lf >= 0:
            return lf + 1
        cr = data.rfind(b"\r", lo, lo + size - 1)  # no LF in the window: a CR before its last byte ends a line
        if cr >= 0:
            return cr + 1
        size *= 2
    return hi


def line_span_arrays(data: bytes | mmap.mmap, lo: int, hi: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(starts, ends) of every line in [lo, hi), as int64 arrays a chunk at a time: the lines
    _EOL.finditer gives (CRLF, CR or LF; CRLF first), found with numpy instead of a match object
    per line. lo is a line start and hi a file end or a line boundary (never between the CR and
    LF of a CRLF, which would add an empty line)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    masks = _EolMasks()
    pos = lo
    while pos < hi:
        end = _chunk_end(data, pos, hi)
        yield masks.line_spans(buf[pos:end], pos)
        pos = end


class _EolMasks:
    """line_span_arrays' masks over a chunk, kept between chunks (grown for a longer one)."""

    def __init__(self) -> None:
        self.cr, self.lf, self.crlf, self.first = (np.empty(0, dtype=bool) for _ in range(4))

    def line_spans(self, chunk: np.ndarray, pos: int) -> tuple[np.ndarray, np.ndarray]:
        """(starts, ends) of the lines of a chunk of whole lines that starts at byte pos."""
        n = len(chunk)
        if len(self.cr) < n:
            self.cr, self.lf, self.crlf, self.first = (np.empty(n, dtype=bool) for _ in range(4))
        cr, lf, crlf, first = self.cr[:n], self.lf[:n], self.crlf[:n], self.first[:n]
        np.equal(chunk, 13, out=cr)
        np.equal(chunk, 10, out=lf)
        np.logical_and(cr[:-1], lf[1:], out=crlf[:-1])  # a CR with an LF after it: one end of line of two bytes
        crlf[-1:] = False
        np.logical_or(cr, lf, out=first)
        np.greater(first[1:], crlf[:-1], out=first[1:])  # and not: the LF of a CRLF starts none
        eol = np.flatnonzero(first)
        end = pos + n
        starts = np.concatenate([[pos], eol + 1 + crlf[eol] + pos]).astype(np.int64)
        ends = np.concatenate([eol + pos, [end]]).astype(np.int64)
        if starts[-1] == end:  # the chunk ends with an end of line: no line after it
            starts, ends = starts[:-1], ends[:-1]
        return starts, ends


def _line_spans(data: bytes | mmap.mmap, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    """(start, end) of every line in [lo, hi) (line_span_arrays, one at a time)."""
    for starts, ends in line_span_arrays(data, lo, hi):
        yield from zip(starts.tolist(), ends.tolist())


def iter_raw_line_batches(path: Path) -> Iterator[tuple[np.ndarray, np.ndarray, list[bytes]]]:
    """Every line's span and bytes, a chunk of lines at a time: (starts, ends, bytes of each). A
    leading BOM is not part of line 1."""
    start, size = _source_bounds(path)
    # closing: the spans' numpy view of the map must go before the map closes, also when this is abandoned
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm, closing(line_span_arrays(mm, start, size)) as spans:
        for starts, ends in spans:
            yield starts, ends, [mm[lo:hi] for lo, hi in zip(starts.tolist(), ends.tolist())]


def _line_boundary_from(buf: bytes | mmap.mmap, pos: int, hi: int) -> int | None:
    """The first line boundary after byte pos, None when it leaves no line before hi.

    An end-of-line match found from any byte ends where the sequential split ends a line: an LF
    ends a line on its own or as the end of its CRLF, and a CR always starts a match (CRLF or lone
    CR), so the boundary never falls between the CR and LF of a CRLF.
    """
    m = _EOL.search(buf, pos, hi)
    return m.end() if m and m.end() < hi else None


def _warms_up(lo: int, hi: int) -> bool:
    """Whether this process loads the key hashing while the worker ends its part (see KEY_WARMUP_BYTES)."""
    return hi - lo < KEY_WARMUP_MAX_BYTES


def _split_point(path: Path, lo: int, hi: int) -> int | None:
    """Where the second part of [lo, hi) starts: the first part is longer by half the bytes
    ingested while the worker starts and shorter by half those ingested while this process loads
    the key hashing (if it does then), so that both finish together."""
    shift = SPAWN_COST_BYTES - (KEY_WARMUP_BYTES if _warms_up(lo, hi) else 0)
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return _line_boundary_from(mm, max(lo, min(lo + (hi - lo + shift) // 2, hi)), hi)


# --------------------------------------------------------------------------------------------
# classification of one cleaned line
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _arabic_at_least(n: int) -> re.Pattern[str]:
    """Matches (from the start) a text with at least n Arabic letters: one C-level scan that stops
    at the n-th, instead of a Python loop over matches. Possessive, so a miss never backtracks."""
    return re.compile(f"(?:[^{ARABIC_LETTER_CLASS[1:-1]}]*+{ARABIC_LETTER_CLASS}){{{n}}}")


def _is_markup(text: str) -> bool:
    """_MARKUP.search; every match holds a "<" or "&", so most lines skip the regex."""
    return ("<" in text or "&" in text) and _MARKUP.search(text) is not None


def _is_boilerplate(text: str) -> bool:
    """_BOILERPLATE.search without scanning most lines: the ^ branches can only match at 0, and
    every other match holds "©", "(c", "حقوق" or an "l" ((?i)c and (?i)l match only c/C and
    l/L, Arabic letters have no case: tested), which substring tests find at memchr speed."""
    if _BOILERPLATE.match(text):
        return True
    hint = "©" in text or "حقوق" in text or "l" in text or "L" in text or "(c" in text or "(C" in text
    return hint and _BOILERPLATE.search(text) is not None


def _url_chars(text: str) -> int:
    """Characters inside URLs; every match holds "://" or "w." in some case ((?i)w: w/W)."""
    if "://" in text or "w." in text or "W." in text:
        return sum(len(m) for m in _URL.findall(text))
    return 0


def reject_reason(text: str, params: IngestParams) -> str | None:
    """Why a non-blank cleaned line is not Arabic news text, or None when it is."""
    if _is_markup(text):
        return "markup"
    if _is_boilerplate(text):
        return "boilerplate"
    url_chars = _url_chars(text)
    if url_chars and url_chars * 2 >= len(text.replace(" ", "")):
        return "url"
    # Arabic share >= s  <=>  arabic * (1 - s) >= s * other; count Arabic letters only as far
    # as the decision needs (news lines are long, non-Arabic letters in them rare)
    other = len(_OTHER_LETTER.findall(text))
    share = params.min_arabic_letter_share
    needed = max(params.min_arabic_letters, math.ceil(share * other / (1 - share)) if share < 1 else 0)
    if (share >= 1 and other) or not _arabic_at_least(needed).match(text):
        return "not_arabic"
    return None


# Characters reject_reason never counts as a non-Arabic letter (_OTHER_LETTER), taken from the
# blocks news lines are written in (letters.PLAIN_BLOCKS): a text holding only these has no other
# letters.
_NEVER_OTHER = [cp for block in PLAIN_BLOCKS for cp in block if not _OTHER_LETTER.match(chr(cp))]
# Finds (RE2) every text where reject_reason could find markup, boilerplate, a URL or a
# non-Arabic letter: their hints (see _is_markup, _is_boilerplate, _url_chars), a start its ^
# branches could match (any whitespace before any of their first words), any character not known
# never to be another letter.
_REJECT_GATE_RE2 = (
    r"[<&©lL]|\(c|\(C|حقوق|://|w\.|W\."
    "|^" + WHITESPACE_RE2 + "*(?:اقرأ|إقرأ|اقرا|تابعونا|تابعنا|شارك|للمزيد)"
    "|" + code_point_class(_NEVER_OTHER, re2_escape, negated=True)
)
# Up to this many, Arabic letters are counted as far as needed by RE2 (a bounded repeat), above
# it by Python's re (_arabic_at_least).
_RE2_MAX_LETTERS = 64


def _at_least_arabic_re2(n: int) -> str:
    """RE2 for _arabic_at_least(n) (from the start, at least n Arabic letters)."""
    other = "[^" + ARABIC_LETTER_CLASS_RE2[1:]
    return f"^(?:{other}*{ARABIC_LETTER_CLASS_RE2}){{{n}}}"


def reject_reasons(texts: pa.StringArray, params: IngestParams) -> list[str | None]:
    """[reject_reason(text, params) if text else None for text in texts] (no nulls): reject_reason
    runs only on the texts _REJECT_GATE_RE2 finds; every other text has no other letters, so its
    one question is whether it holds the minimum of Arabic letters, asked in RE2 too
    (tests hold this to reject_reason text by text)."""
    gated = pc.match_substring_regex(texts, _REJECT_GATE_RE2).to_numpy(zero_copy_only=False)
    needed = max(params.min_arabic_letters, 0)  # reject_reason's with no other letters
    if needed <= _RE2_MAX_LETTERS:
        enough = pc.match_substring_regex(texts, _at_least_arabic_re2(needed)).to_numpy(zero_copy_only=False)
    else:
        enough = np.array([_arabic_at_least(needed).match(text) is not None for text in texts.to_pylist()], dtype=bool)
    reasons: list[str | None] = np.where(enough, None, "not_arabic").tolist()
    rows = np.flatnonzero(gated)
    for row, text in zip(rows.tolist(), texts.take(rows).to_pylist()):
        reasons[row] = reject_reason(text, params)
    for row in np.flatnonzero(pc.binary_length(texts).to_numpy() == 0).tolist():
        reasons[row] = None
    return reasons


# --------------------------------------------------------------------------------------------
# one batch of lines -> one Arrow record batch
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Utf8Fault:
    """The first undecodable line of a part: data rather than an exception, so it can cross a
    process boundary and have its line number shifted by the lines of earlier parts."""

    line: int  # within the part, from 1
    offset: int  # in the file
    detail: str

    def error(self, path: Path, lines_before: int) -> InvalidUtf8Error:
        return InvalidUtf8Error(path, lines_before + self.line, self.offset, self.detail)


def _checked_utf8(raws: Sequence[bytes], spans: Sequence[tuple[int, int]], first_line: int) -> bool | _Utf8Fault:
    """Whether every line is NFC, if every line is strict UTF-8, else the first line that is not.

    Both are asked of the lines joined by "\n" in one call each: a line ending in a truncated
    sequence fails there too, and since "\n" neither composes nor reorders with its neighbours,
    NFC of the joined lines is the joined NFC of each. A failing batch is decoded again one line at
    a time (rare), to say where."""
    try:
        return unicodedata.is_normalized("NFC", b"\n".join(raws).decode("utf-8"))
    except UnicodeDecodeError:
        pass
    for i, raw in enumerate(raws):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = raw[exc.start : exc.start + 4].hex(" ")
            return _Utf8Fault(first_line + i, spans[i][0] + exc.start, f"bytes {bad}: {exc.reason}")
    raise AssertionError("a batch failed to decode but none of its lines did")


# Texts whose keys are hashed at once (key_hashes): bounds the copy of a slice with nulls
# (arrow_text.utf8_slices) and the digests' temporaries. Slices are hashed on KEY_THREADS threads
# (compiled, without the GIL): the ingest worker has ended its part by then, so the second core
# is idle.
KEY_ROWS = 50_000
KEY_THREADS = 2


def key_hashes(texts: pa.Array) -> pa.Array:
    """The paragraph id of every text line, ids.content_id(clean.normalized_key(text)), null where
    the text is null: hashed in one compiled pass over the text column (clean.arrow_key_digests)
    once the parts are assembled, in this process only (the ingest worker does not load numba),
    instead of each batch's keys as Python strings: at 100 MB of source 0.25 s here on two
    threads (0.42 s on one) against ~1.0 s in each of the two processes."""
    valid = np.asarray(texts.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    slices = [texts.slice(lo, KEY_ROWS) for lo in range(0, len(texts), KEY_ROWS)]
    with ThreadPoolExecutor(max_workers=KEY_THREADS) as pool:
        digests = np.concatenate([np.zeros((0, 2), dtype=np.uint64), *pool.map(arrow_key_digests, slices)])
    ids = hex_ids(digests[valid])
    offsets = np.zeros(len(valid) + 1, dtype=np.int32)
    np.cumsum(valid, out=offsets[1:])
    offsets *= 32  # a null is an empty slot
    return pa.StringArray.from_buffers(len(valid), pa.py_buffer(offsets), ids.buffers()[2],
                                       pa.py_buffer(np.packbits(valid, bitorder="little")), null_count=int(len(valid) - valid.sum()))


def _batch(
    mm: mmap.mmap, spans: list[tuple[int, int]], first_line: int, params: IngestParams
) -> tuple[pa.RecordBatch, Counter[str], int] | _Utf8Fault:
    """Rows of consecutive lines, the cleaning rules fired on their text lines and how many
    text lines there are (or the batch's first UTF-8 fault).

    The lines go to Arrow as their bytes; clean() and reject_reason() run in Python only on the
    lines a vectorised gate finds (clean.clean_arrow, reject_reasons)."""
    raws = [mm[lo:hi] for lo, hi in spans]
    all_nfc = _checked_utf8(raws, spans, first_line)
    if isinstance(all_nfc, _Utf8Fault):
        return all_nfc
    n = len(spans)
    bounds = np.array(spans, dtype=np.int64).reshape(n, 2)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(bounds[:, 1] - bounds[:, 0], out=offsets[1:])
    raw_texts = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(b"".join(raws)))
    texts, changed_rows, changed_rules = clean_arrow(raw_texts, all_nfc)
    reasons = reject_reasons(texts, params)
    nonblank = pc.binary_length(texts).to_numpy() > 0
    rejected = np.array([why is not None for why in reasons], dtype=bool)
    is_text = nonblank & ~rejected
    status = np.where(rejected, STATUS_REJECTED, np.where(nonblank, STATUS_TEXT, STATUS_BLANK)).astype(object)
    kept = is_text[changed_rows]  # a rejected line's rules are not recorded
    kept_rules = [rules for rules, keep in zip(changed_rules, kept.tolist()) if keep]
    n_fired = np.zeros(n + 1, dtype=np.int32)
    n_fired[changed_rows[kept] + 1] = [len(rules) for rules in kept_rules]
    fired = [rule for rules in kept_rules for rule in rules]  # changed_rows ascend: in row order
    columns = [
        pa.array(np.arange(first_line, first_line + n, dtype=np.int64)),
        pa.array(bounds[:, 0]),
        pa.array(bounds[:, 1]),
        pa.FixedSizeBinaryArray.from_buffers(pa.binary(32), n, [None, pa.py_buffer(b"".join(hashlib.sha256(raw).digest() for raw in raws))]),
        pa.array(status, pa.string()),
        pa.array(np.array(reasons, dtype=object), pa.string()),
        pc.if_else(pa.array(is_text), texts, pa.scalar(None, pa.string())),
        pa.ListArray.from_arrays(pa.array(np.cumsum(n_fired, dtype=np.int32)), pa.array(np.array(fired, dtype=object), pa.string())),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=PART_SCHEMA), Counter(fired), int(is_text.sum())


# --------------------------------------------------------------------------------------------
# one byte range (a part) of the file
# --------------------------------------------------------------------------------------------

@dataclass
class _Part:
    """The rows of one byte range, numbered from 1 within it."""

    table: pa.Table | None  # None once spilled to a file (a worker's part) or assembled
    rules: Counter[str]
    text_lines: int
    fault: _Utf8Fault | None
    spilled: Path | None = None


def _ingest_range(path: Path, lo: int, hi: int, params: IngestParams) -> _Part:
    """Ingest the lines of [lo, hi) batch by batch; stop at the first undecodable line."""
    batches: list[pa.RecordBatch] = []
    rules: Counter[str] = Counter()
    text_lines, lines = 0, 0
    # closing: a part that stops at a fault must end the scan of the map before the map closes
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm, closing(_line_spans(mm, lo, hi)) as spans:
        lines_read = progress(spans, desc="read+clean", unit=" lines")
        while chunk := list(itertools.islice(lines_read, params.batch_lines)):
            done = _batch(mm, chunk, lines + 1, params)
            if isinstance(done, _Utf8Fault):
                return _Part(pa.Table.from_batches(batches, PART_SCHEMA), rules, text_lines, done)
            batch, fired, n_text = done
            batches.append(batch)
            rules.update(fired)
            text_lines += n_text
            lines += len(chunk)
    return _Part(pa.Table.from_batches(batches, PART_SCHEMA), rules, text_lines, None)


# --------------------------------------------------------------------------------------------
# the second part in a spawned process
# --------------------------------------------------------------------------------------------

def _ingest_part(path: Path, lo: int, hi: int, params: IngestParams, spill_dir: Path) -> _Part:
    """The worker's entry point: the second part, its rows written to an Arrow IPC file in
    spill_dir and returned without them (its own name, so that what the parent runs for the first
    part can be replaced, e.g. by a test that interrupts it)."""
    part = _ingest_range(path, lo, hi, params)
    spilled = spill_dir / "part-2.arrow"
    with pa.OSFile(str(spilled), "wb") as sink, pa.ipc.new_file(sink, part.table.schema) as writer:
        writer.write_table(part.table)
    return dataclasses.replace(part, table=None, spilled=spilled)


def _ingest_two_parts(path: Path, start: int, split: int, size: int, params: IngestParams) -> IngestResult:
    """The first part here while a worker, started first, does the second.

    The worker's rows come back through a file that this process maps, not a pipe: pickled, they
    were held twice here (the message and the table rebuilt from it) on top of both parts and
    their combined copy. The file is 660 MB for the 1000 MB benchmark corpus."""
    with tempfile.TemporaryDirectory(prefix="syria-news-ar-ingest-") as spill_dir, Worker("syria-news-ar-ingest") as worker:
        worker.submit(_ingest_part, path, split, size, params, Path(spill_dir))
        first = _ingest_range(path, start, split, params)
        if first.fault:  # the earliest fault in file order wins; the worker's part is moot
            return _assemble(path, [first])
        if _warms_up(start, size):
            key_hashes(pa.array([""], pa.string()))  # load the compiled hashing while the worker ends its part
        second = worker.result()
        with pa.memory_map(str(second.spilled)) as source:
            second = dataclasses.replace(second, table=pa.ipc.open_file(source).read_all(), spilled=None)
            return _assemble(path, [first, second])  # copies the mapped rows out before the map closes


# --------------------------------------------------------------------------------------------
# the whole file
# --------------------------------------------------------------------------------------------

@dataclass
class IngestResult:
    table: pa.Table
    rule_counts: dict[str, int]

    def metrics(self) -> dict[str, object]:
        """Line counts by ledger status (kept = first occurrence of a key), reasons, rule counts."""
        status = _value_counts(self.table["status"])
        keys = self.table["key_hash"]
        n_keys = len(keys) - keys.null_count
        kept = pc.count_distinct(keys, mode="only_valid").as_py()
        return {
            "lines": self.table.num_rows,
            "lines_by_status": {
                "kept": kept,
                "duplicate": n_keys - kept,
                "blank": status.get(STATUS_BLANK, 0),
                "rejected": status.get(STATUS_REJECTED, 0),
            },
            "rejected_by_reason": dict(sorted((r, n) for r, n in _value_counts(self.table["reason"]).items() if r)),
            "cleaning_rules": self.rule_counts,
        }


def _value_counts(column: pa.ChunkedArray) -> dict[object, int]:
    """Counter(column.to_pylist()) without a Python object per row."""
    counts = pc.value_counts(column)
    return dict(zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist()))


def _assemble(path: Path, parts: list[_Part]) -> IngestResult:
    """One table numbered through the file, with the text lines' key hashes (key_hashes); raise the
    first part's UTF-8 fault, else NoArabicTextError when no part has a text line."""
    tables: list[pa.Table] = []
    lines = 0
    for part in parts:
        if part.fault:
            raise part.fault.error(path, lines)
        table = part.table
        if lines:
            table = table.set_column(0, "line_number", pc.add(table["line_number"], pa.scalar(lines, pa.int64())))
        tables.append(table)
        lines += table.num_rows
    if not sum(part.text_lines for part in parts):
        raise NoArabicTextError(path, lines)
    rules = sum((part.rules for part in parts), Counter())
    for part in parts:
        part.table = None  # `tables` holds the only references now
    table = _one_chunk_per_column(tables)  # (from the parts, which it drops)
    table = table.append_column(INGEST_SCHEMA.field("key_hash"), key_hashes(table.column("text").chunk(0)))
    return IngestResult(table, {rule: rules.get(rule, 0) for rule in RULES})


def _one_chunk_per_column(tables: list[pa.Table]) -> pa.Table:
    """The tables' rows as one table of one chunk per column (later steps take rows by index, and
    a take from a chunked column concatenates its chunks on every call). Combined a column at a
    time, the text first, each part's copy dropped from `tables` (emptied in place) once combined:
    memory holds the parts plus the text once more, not the parts plus a second copy of every
    column."""
    names = ["text", *(n for n in PART_SCHEMA.names if n != "text")]
    columns: dict[str, pa.Array] = {}
    for name in names:
        chunks = [chunk for table in tables for chunk in table.column(name).chunks]
        columns[name] = pa.concat_arrays(chunks) if chunks else pa.array([], PART_SCHEMA.field(name).type)
        del chunks
        tables[:] = [table.drop_columns([name]) for table in tables]  # in place: the caller's list must not keep them
        release_memory()  # the allocator keeps freed pages for reuse otherwise, and the next column is smaller
    return pa.table([columns[n] for n in PART_SCHEMA.names], schema=PART_SCHEMA)


def ingest(path: Path, params: IngestParams) -> IngestResult:
    """Read, clean and classify every line; raise a BadInputError before anything is written."""
    if params.batch_lines < 1:
        raise ParamsError(f"params.yaml: ingest.batch_lines must be at least 1, got {params.batch_lines}")
    start, size = _source_bounds(path)
    split = _split_point(path, start, size) if size - start >= PARALLEL_MIN_BYTES else None
    if split is None:
        return _assemble(path, [_ingest_range(path, start, size, params)])
    return _ingest_two_parts(path, start, split, size, params)

"""Unit tests of syria_news_ar.ingest: line splitting with byte spans, the ledger's base table, bad input.

Every expected value is written out by hand (line numbers, byte offsets, texts, rule names), so a
change in behaviour shows up as a failing assertion, not as a silently updated expectation.
"""
from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import multiprocessing
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar import ingest as ingest_mod
from syria_news_ar import params
from syria_news_ar.errors import (
    BadInputError,
    EmptySourceError,
    InvalidUtf8Error,
    NoArabicTextError,
    ParamsError,
    SourceNotFoundError,
    Utf16Error,
)
from syria_news_ar.ingest import INGEST_SCHEMA, ingest, iter_raw_line_batches
from syria_news_ar.letters import ARABIC_LETTER_CLASS, ARABIC_LETTER_RANGES, TATWEEL, char_class

BOM = b"\xef\xbb\xbf"
PARAMS_FILE = Path(__file__).resolve().parents[1] / "params.yaml"


@pytest.fixture(scope="module")
def ingest_params():
    return params.load(PARAMS_FILE).ingest


def write(tmp_path: Path, data: bytes, name: str = "source.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def raw_tuples(path: Path) -> list[tuple[int, int, int, bytes]]:
    """(number, start, end, bytes) of every source line, from iter_raw_line_batches."""
    rows = [(a, b, data) for starts, ends, lines in iter_raw_line_batches(path) for a, b, data in zip(starts.tolist(), ends.tolist(), lines)]
    return [(n, *row) for n, row in enumerate(rows, 1)]


# --------------------------------------------------------------------------------------------
# iter_raw_line_batches
# --------------------------------------------------------------------------------------------

RAW_CASES = {
    "lf_final_newline": (b"ab\ncde\n", [(1, 0, 2, b"ab"), (2, 3, 6, b"cde")]),
    "lf_no_final_newline": (b"ab\ncde", [(1, 0, 2, b"ab"), (2, 3, 6, b"cde")]),
    "crlf_final_newline": (b"ab\r\ncde\r\n", [(1, 0, 2, b"ab"), (2, 4, 7, b"cde")]),
    "crlf_no_final_newline": (b"ab\r\ncde", [(1, 0, 2, b"ab"), (2, 4, 7, b"cde")]),
    "lone_cr": (b"ab\rcde\r", [(1, 0, 2, b"ab"), (2, 3, 6, b"cde")]),
    "lone_cr_no_final": (b"ab\rcde", [(1, 0, 2, b"ab"), (2, 3, 6, b"cde")]),
    "mixed_endings": (
        b"a\r\nb\rc\nd\r\n\r\ne",
        [(1, 0, 1, b"a"), (2, 3, 4, b"b"), (3, 5, 6, b"c"), (4, 7, 8, b"d"), (5, 10, 10, b""), (6, 12, 13, b"e")],
    ),
    # LF followed by CR is two line ends (an empty line between), never one.
    "lf_then_cr": (b"a\n\rb", [(1, 0, 1, b"a"), (2, 2, 2, b""), (3, 3, 4, b"b")]),
    # CR followed by CRLF: an empty line, then the CRLF pair is one end.
    "cr_then_crlf": (b"a\r\r\nb", [(1, 0, 1, b"a"), (2, 2, 2, b""), (3, 4, 5, b"b")]),
    "single_line_no_newline": (b"x", [(1, 0, 1, b"x")]),
    "single_newline_is_one_blank_line": (b"\n", [(1, 0, 0, b"")]),
    "blank_and_whitespace_lines": (
        b"\n  \n\t\n\nz\n",
        [(1, 0, 0, b""), (2, 1, 3, b"  "), (3, 4, 5, b"\t"), (4, 6, 6, b""), (5, 7, 8, b"z")],
    ),
    "bom_lf": (BOM + b"ab\ncd\n", [(1, 3, 5, b"ab"), (2, 6, 8, b"cd")]),
    "bom_crlf": (BOM + b"ab\r\ncd\r\n", [(1, 3, 5, b"ab"), (2, 7, 9, b"cd")]),
    "bom_then_blank_line": (BOM + b"\nab", [(1, 3, 3, b""), (2, 4, 6, b"ab")]),
    # A BOM that is not at the start is data, not stripped.
    "bom_only_at_start_is_dropped": (BOM + b"a\n" + BOM + b"b", [(1, 3, 4, b"a"), (2, 5, 9, BOM + b"b")]),
    "arabic_multibyte": (
        "سوريا\nحلب\n".encode(),
        [(1, 0, 10, "سوريا".encode()), (2, 11, 17, "حلب".encode())],
    ),
}


@pytest.mark.parametrize("data,expected", list(RAW_CASES.values()), ids=list(RAW_CASES))
def test_raw_lines_exact_spans(tmp_path, data, expected):
    path = write(tmp_path, data)
    got = raw_tuples(path)
    assert got == expected
    # Spans always slice the file back to the line's bytes.
    for _, start, end, line_bytes in got:
        assert data[start:end] == line_bytes


@pytest.mark.parametrize(
    "separator",
    ["\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e"],
    ids=["U+2028", "U+2029", "U+0085", "form_feed", "vertical_tab", "U+001C", "U+001D", "U+001E"],
)
def test_raw_lines_does_not_split_on_unicode_separators(tmp_path, separator):
    first = f"حلب{separator}دمشق".encode()
    data = first + b"\n" + "إدلب".encode()
    path = write(tmp_path, data)
    assert raw_tuples(path) == [
        (1, 0, len(first), first),
        (2, len(first) + 1, len(data), "إدلب".encode()),
    ]
    # str.splitlines would have split these: make sure the case is meaningful.
    assert len(first.decode().splitlines()) == 2


def test_raw_lines_all_separators_in_one_line(tmp_path):
    line = "أ\u2028ب\u0085ج\x0cد".encode()
    assert len(line) == 14  # أ(2) U+2028(3) ب(2) U+0085(2) ج(2) FF(1) د(2)
    path = write(tmp_path, line + b"\n")
    assert raw_tuples(path) == [(1, 0, 14, line)]


# --------------------------------------------------------------------------------------------
# ingest: the table
# --------------------------------------------------------------------------------------------

MIXED_LINES = [
    "دمشق - أعلنت وزارة الصحة السورية اليوم عن افتتاح مستشفى جديد في ريف دمشق.",  # 1 text
    "",  # 2 blank
    "  \t ",  # 3 whitespace only -> blank
    "\u00a0\u200b\u00a0",  # 4 NBSP / ZWSP only -> blank
    "https://example.com/news/2024/12/03/article-123",  # 5 url
    "© 2024 جميع الحقوق محفوظة",  # 6 boilerplate
    "<div class='x'>",  # 7 markup
    "The ministry announced a new hospital in rural Damascus.",  # 8 not Arabic
    "قالت المصادر إن الوضع فی المدینة هادئ تماما.",  # 9 Persian yeh (x2)
    "أعلنت المحافظة عن خطة جديدة لإعادة تأهيل شبكة المياه.",  # 10
    "اعلنت المحافظة عن خطة جديده لاعادة تأهيل شبكة المياه",  # 11 same key as 10
    "  وقال المتحدث ، إن الوضع مستقر\u00a0في المدينة  ",  # 12 several spacing rules
]

# line_number, status, reason, text, cleaning
MIXED_EXPECTED = [
    (1, "text", None, MIXED_LINES[0], []),
    (2, "blank", None, None, []),
    (3, "blank", None, None, []),
    (4, "blank", None, None, []),
    (5, "rejected", "url", None, []),
    (6, "rejected", "boilerplate", None, []),
    (7, "rejected", "markup", None, []),
    (8, "rejected", "not_arabic", None, []),
    (9, "text", None, "قالت المصادر إن الوضع في المدينة هادئ تماما.", ["persian_letters"]),
    (10, "text", None, MIXED_LINES[9], []),
    (11, "text", None, MIXED_LINES[10], []),
    (12, "text", None, "وقال المتحدث، إن الوضع مستقر في المدينة", ["space_chars", "space_before_punct", "space_runs", "edge_spaces"]),
]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory, ingest_params):
    data = ("\n".join(MIXED_LINES) + "\n").encode("utf-8")
    path = tmp_path_factory.mktemp("mixed") / "ingest_mixed.txt"
    path.write_bytes(data)
    return data, ingest(path, ingest_params)


def test_ingest_schema(mixed):
    _, result = mixed
    assert result.table.schema == INGEST_SCHEMA
    assert result.table.num_rows == len(MIXED_LINES)


def test_ingest_rows_status_reason_text_cleaning(mixed):
    _, result = mixed
    rows = result.table.to_pylist()
    got = [(r["line_number"], r["status"], r["reason"], r["text"], r["cleaning"]) for r in rows]
    assert got == MIXED_EXPECTED


def test_ingest_exact_byte_spans(mixed):
    data, result = mixed
    rows = result.table.to_pylist()
    spans = [(r["byte_start"], r["byte_end"]) for r in rows]
    assert spans == [
        (0, 131), (132, 132), (133, 137), (138, 145), (146, 193), (194, 236),
        (237, 252), (253, 309), (310, 390), (391, 488), (489, 585), (586, 664),
    ]
    assert len(data) == 665  # the last line's "\n" is not part of any span


def test_ingest_spans_and_hashes_match_the_file(mixed):
    data, result = mixed
    for row, line in zip(result.table.to_pylist(), MIXED_LINES, strict=True):
        raw = line.encode("utf-8")
        assert data[row["byte_start"] : row["byte_end"]] == raw
        assert row["raw_sha256"] == hashlib.sha256(raw).digest()  # 32 bytes; the ledger writes their hex
    # The empty line hashes to the SHA-256 of no bytes.
    assert result.table.to_pylist()[1]["raw_sha256"].hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_ingest_key_hash(mixed):
    _, result = mixed
    keys = result.table.column("key_hash").to_pylist()
    # Only text lines carry a key hash.
    assert [k is None for k in keys] == [False, True, True, True, True, True, True, True, False, False, False, False]
    text_keys = [k for k in keys if k is not None]
    assert all(re.fullmatch(r"[0-9a-f]{32}", k) for k in text_keys)
    # Lines 10 and 11 differ in text (alef hamza, ta marbuta, final period) but not in key.
    assert keys[9] == keys[10]
    # Every other text line has its own key.
    assert len({keys[0], keys[8], keys[9], keys[11]}) == 4


def test_ingest_rule_counts(mixed):
    _, result = mixed
    assert result.rule_counts == {
        "presentation_forms": 0,
        "invisible_controls": 0,  # the ZWSP sat on a blank line: blank lines count nothing
        "control_chars": 0,
        "space_chars": 1,
        "persian_letters": 1,
        "tatweel": 0,
        "space_before_punct": 1,
        "space_runs": 1,
        "edge_spaces": 1,
        "nfc": 0,
    }


def test_ingest_rejected_lines_do_not_count_rules(tmp_path, ingest_params):
    # A rejected line with Persian letters and odd spacing: its rules are not counted.
    data = "خبر عاجل من دمشق اليوم عن الوضع\n  <b>  فی  </b>  \n".encode()
    result = ingest(write(tmp_path, data), ingest_params)
    rows = result.table.to_pylist()
    assert [(r["status"], r["reason"], r["cleaning"]) for r in rows] == [
        ("text", None, []),
        ("rejected", "markup", []),
    ]
    assert sum(result.rule_counts.values()) == 0


def test_ingest_bom_crlf_spans(tmp_path, ingest_params):
    lines = ["أعلنت وزارة الصحة السورية افتتاح مستشفى جديد.", "", "وقالت الوزارة إن المستشفى يضم مئة سرير."]
    data = BOM + "\r\n".join(lines).encode() + b"\r\n"
    result = ingest(write(tmp_path, data), ingest_params)
    rows = result.table.to_pylist()
    b1, b3 = len(lines[0].encode()), len(lines[2].encode())
    assert [(r["line_number"], r["byte_start"], r["byte_end"], r["status"]) for r in rows] == [
        (1, 3, 3 + b1, "text"),
        (2, 3 + b1 + 2, 3 + b1 + 2, "blank"),
        (3, 3 + b1 + 4, 3 + b1 + 4 + b3, "text"),
    ]
    assert rows[0]["text"] == lines[0]  # no BOM, no CR in the text
    assert rows[0]["cleaning"] == []
    for r in rows:
        assert r["raw_sha256"] == hashlib.sha256(data[r["byte_start"] : r["byte_end"]]).digest()


def test_ingest_line_separator_inside_line_is_cleaned_not_split(tmp_path, ingest_params):
    data = "أعلنت وزارة الصحة\u2028افتتاح مستشفى جديد\x0cفي ريف دمشق\n".encode()
    result = ingest(write(tmp_path, data), ingest_params)
    rows = result.table.to_pylist()
    assert len(rows) == 1
    assert rows[0]["text"] == "أعلنت وزارة الصحة افتتاح مستشفى جديد في ريف دمشق"
    assert rows[0]["cleaning"] == ["space_chars"]
    assert (rows[0]["byte_start"], rows[0]["byte_end"]) == (0, len(data) - 1)


# --------------------------------------------------------------------------------------------
# ingest: bad input
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", [b"", BOM], ids=["no_bom", "bom"])
def test_invalid_utf8_line_and_offset(tmp_path, ingest_params, prefix):
    line1 = "سطر أول عربي".encode()
    line2 = b"abc"
    head = "مرحبا ".encode()
    data = prefix + line1 + b"\n" + line2 + b"\n" + head + b"\xff" + "باقي السطر".encode() + b"\n"
    offset = len(prefix) + len(line1) + 1 + len(line2) + 1 + len(head)
    assert data[offset] == 0xFF
    path = write(tmp_path, data, "ingest_bad_utf8.txt")
    with pytest.raises(InvalidUtf8Error) as info:
        ingest(path, ingest_params)
    err = info.value
    assert err.line_number == 3
    assert err.byte_offset == offset
    message = str(err)
    assert "ingest_bad_utf8.txt" in message
    assert "line 3" in message
    assert f"byte {offset}" in message
    assert "\n" not in message


def test_invalid_utf8_truncated_sequence_at_line_end(tmp_path, ingest_params):
    # A lone lead byte (first byte of "ع") right before the newline.
    line1 = "خبر عاجل".encode()
    data = line1 + b"\n" + "حلب".encode() + b"\xd8" + b"\n"
    offset = len(line1) + 1 + len("حلب".encode())
    with pytest.raises(InvalidUtf8Error) as info:
        ingest(write(tmp_path, data), ingest_params)
    assert (info.value.line_number, info.value.byte_offset) == (2, offset)


def test_invalid_utf8_after_many_good_lines(tmp_path, ingest_params):
    good = "أعلنت وزارة الصحة السورية افتتاح مستشفى جديد.\n".encode()
    data = good * 1000 + b"\xc0\xaf\n"  # overlong encoding of "/"
    with pytest.raises(InvalidUtf8Error) as info:
        ingest(write(tmp_path, data), ingest_params)
    assert (info.value.line_number, info.value.byte_offset) == (1001, len(good) * 1000)


ARABIC_TEXT = (
    "دمشق - أعلنت وزارة الصحة السورية اليوم عن افتتاح مستشفى جديد في ريف دمشق.\n"
    "وأضافت الوزارة أن المستشفى يضم مئة سرير ويخدم أكثر من خمسين ألف نسمة.\n"
)


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe" + ARABIC_TEXT.encode("utf-16-le"),
        b"\xfe\xff" + ARABIC_TEXT.encode("utf-16-be"),
        ARABIC_TEXT.encode("utf-16"),  # Python's codec writes the platform BOM
        ARABIC_TEXT.encode("utf-16-le"),  # no BOM
        ARABIC_TEXT.encode("utf-16-be"),  # no BOM
        "Damascus hospital news\n".encode("utf-16-le"),  # no BOM, mostly ASCII
    ],
    ids=["le_bom", "be_bom", "utf16_codec_bom", "le_no_bom_arabic", "be_no_bom_arabic", "le_no_bom_ascii"],
)
def test_utf16_is_refused(tmp_path, ingest_params, data):
    path = write(tmp_path, data, "ingest_utf16.txt")
    with pytest.raises(Utf16Error) as info:
        ingest(path, ingest_params)
    assert "ingest_utf16.txt" in str(info.value)
    assert "UTF-16" in str(info.value)


@pytest.mark.parametrize("data", [b"", BOM], ids=["empty", "bom_only"])
def test_empty_source(tmp_path, ingest_params, data):
    path = write(tmp_path, data, "ingest_empty.txt")
    with pytest.raises(EmptySourceError) as info:
        ingest(path, ingest_params)
    assert "ingest_empty.txt" in str(info.value)


@pytest.mark.parametrize(
    "data,n_lines",
    [
        (b"\n\n  \n", 3),
        (b"The ministry announced a new hospital.\n\nhttps://example.com/a\n", 3),
        (BOM + "\u00a0\n© 2024 جميع الحقوق محفوظة\n<p>\n".encode(), 3),
    ],
    ids=["blank_only", "english_blank_url", "nbsp_boilerplate_markup"],
)
def test_no_arabic_text(tmp_path, ingest_params, data, n_lines):
    path = write(tmp_path, data, "ingest_no_arabic.txt")
    with pytest.raises(NoArabicTextError) as info:
        ingest(path, ingest_params)
    message = str(info.value)
    assert "ingest_no_arabic.txt" in message
    assert f"none of its {n_lines} lines" in message


def test_missing_source(tmp_path, ingest_params):
    path = tmp_path / "ingest_does_not_exist.txt"
    with pytest.raises(SourceNotFoundError) as info:
        ingest(path, ingest_params)
    assert str(path) in str(info.value)


def test_bad_input_errors_exit_2():
    for cls in (InvalidUtf8Error, Utf16Error, EmptySourceError, NoArabicTextError, SourceNotFoundError):
        assert issubclass(cls, BadInputError)
        assert cls.exit_code == 2


# --------------------------------------------------------------------------------------------
# ingest: a very long line
# --------------------------------------------------------------------------------------------

def test_very_long_line_is_not_truncated(tmp_path, ingest_params):
    sentence = "وأكد أن الأزمة السورية تظل واحدة من أشد الأزمات الإنسانية حدة في العالم."
    reps = 300_000 // len(sentence.encode()) + 1
    long_line = " ".join([sentence] * reps)
    long_bytes = long_line.encode()
    assert len(long_bytes) > 300_000
    first, last = "خبر قصير في أول الملف عن حلب.", "خبر قصير في آخر الملف عن دمشق."
    data = (first + "\n" + long_line + "\n" + last + "\n").encode()
    result = ingest(write(tmp_path, data), ingest_params)
    rows = result.table.to_pylist()
    assert [r["line_number"] for r in rows] == [1, 2, 3]
    row = rows[1]
    start = len(first.encode()) + 1
    assert (row["byte_start"], row["byte_end"]) == (start, start + len(long_bytes))
    assert row["byte_end"] - row["byte_start"] == len(long_bytes)
    assert row["status"] == "text"
    assert row["cleaning"] == []
    assert len(row["text"]) == len(long_line)
    assert row["text"] == long_line
    assert row["raw_sha256"] == hashlib.sha256(long_bytes).digest()
    assert rows[2]["text"] == last
    assert rows[2]["byte_start"] == start + len(long_bytes) + 1


def test_very_long_line_with_noise_is_cleaned_whole(tmp_path, ingest_params):
    sentence = "قالت المصادر إن الوضع فی المدینة هادئ ،"  # Persian yeh + space before comma
    cleaned_sentence = "قالت المصادر إن الوضع في المدينة هادئ،"
    reps = 300_000 // len(sentence.encode()) + 1
    long_line = " ".join([sentence] * reps)
    data = long_line.encode() + b"\n"
    result = ingest(write(tmp_path, data), ingest_params)
    row = result.table.to_pylist()[0]
    expected = " ".join([cleaned_sentence] * reps)
    assert (row["byte_start"], row["byte_end"]) == (0, len(data) - 1)
    assert len(row["text"]) == len(expected)
    assert row["text"] == expected
    assert row["cleaning"] == ["persian_letters", "space_before_punct"]
    assert result.rule_counts["persian_letters"] == 1


# --------------------------------------------------------------------------------------------
# ingest: batches and two processes give the table of one process
# --------------------------------------------------------------------------------------------

# Text, blank and rejected lines and lines that need cleaning, in a cycle.
CYCLE_LINES = [
    "أعلنت وزارة الصحة السورية افتتاح مستشفى جديد في ريف دمشق.",
    "",
    "  \t ",
    "قالت المصادر إن الوضع فی المدینة هادئ ،  تماما",
    "https://example.com/news/2024/12/03/article-123",
    "The ministry announced a new hospital in rural Damascus.",
    "© 2024 جميع الحقوق محفوظة",
    "<p>خبر</p>",
    "اعلنت وزارة الصحة السورية افتتاح مستشفى جديد في ريف دمشق",  # same key as the first
]
ENDINGS = [b"\n", b"\r\n", b"\r"]


def mixed_endings_source(n_lines: int) -> bytes:
    """BOM, then lines cycling through CYCLE_LINES, ended in turn by LF, LF, CRLF, CRLF, CR, CR
    (no empty line falls between a lone CR and an LF, which would read as one CRLF)."""
    out = [BOM]
    for i in range(n_lines):
        text = CYCLE_LINES[i % len(CYCLE_LINES)]
        out.append(f"{text} {i}".encode() if text.strip() else text.encode())
        out.append(ENDINGS[(i // 2) % len(ENDINGS)])
    return b"".join(out)


@pytest.fixture
def force_two_processes(monkeypatch):
    """Every file is cut in two at its middle line boundary."""
    monkeypatch.setattr(ingest_mod, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(ingest_mod, "SPAWN_COST_BYTES", 0)
    monkeypatch.setattr(ingest_mod, "KEY_WARMUP_BYTES", 0)


def ingest_one_process(path: Path, params) -> ingest_mod.IngestResult:
    old = ingest_mod.PARALLEL_MIN_BYTES
    ingest_mod.PARALLEL_MIN_BYTES = 1 << 62
    try:
        return ingest(path, params)
    finally:
        ingest_mod.PARALLEL_MIN_BYTES = old


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40).map(lambda b: bytes(b"ab\r\n"[x % 4] for x in b)), st.integers(1, 9), st.data())
def test_line_span_arrays_are_the_regex_lines(data: bytes, chunk: int, draw) -> None:
    """line_span_arrays gives the lines _EOL.finditer gives (CRLF, CR, LF), from any line start to
    the end, whatever the chunk size (a chunk never ends between a CR and what follows it)."""
    lo = draw.draw(st.sampled_from([0, *(m.end() for m in ingest_mod._EOL.finditer(data))]))
    expected, pos = [], lo
    for m in ingest_mod._EOL.finditer(data, lo):
        expected.append((pos, m.start()))
        pos = m.end()
    if pos < len(data):
        expected.append((pos, len(data)))
    old = ingest_mod.SPAN_CHUNK_BYTES
    ingest_mod.SPAN_CHUNK_BYTES = chunk
    try:
        chunks = list(ingest_mod.line_span_arrays(data, lo, len(data)))
    finally:
        ingest_mod.SPAN_CHUNK_BYTES = old
    assert [(a, b) for starts, ends in chunks for a, b in zip(starts.tolist(), ends.tolist())] == expected
    assert all(starts.dtype == ends.dtype == np.int64 for starts, ends in chunks)


def test_line_boundary_from_every_byte_is_a_sequential_line_end():
    data = b"a\r\nb\rc\nd\r\n\r\ne\r\r\nf\n\rg\r"
    ends = {m.end() for m in ingest_mod._EOL.finditer(data)}
    full = list(ingest_mod._line_spans(data, 0, len(data)))
    for pos in range(len(data) + 1):
        cut = ingest_mod._line_boundary_from(data, pos, len(data))
        if cut is None:
            continue
        assert cut in ends and cut >= pos
        # the two parts' lines are the file's lines: no line split, none added
        assert list(ingest_mod._line_spans(data, 0, cut)) + list(ingest_mod._line_spans(data, cut, len(data))) == full


@pytest.mark.parametrize(
    "data,cut",
    [(b"abcd\r\nefgh", 6), (b"abcde\r\nfgh", 7), (b"abcd\r\refgh", 6), (b"abcdefg\r\n", None), (b"abcdefghij", None)],
    ids=["middle_is_lf_of_crlf", "middle_is_cr_of_crlf", "lone_cr_then_cr", "only_final_crlf", "one_line"],
)
def test_split_point_never_falls_inside_crlf(tmp_path, force_two_processes, data, cut):
    # the middle byte is len(data) // 2 = 5: the cut is after the whole line end, never inside it
    assert ingest_mod._split_point(write(tmp_path, data), 0, len(data)) == cut


def test_two_processes_and_batch_size_one_give_the_same_table(tmp_path, ingest_params, monkeypatch):
    data = mixed_endings_source(300)
    path = write(tmp_path, data)
    one = ingest_one_process(path, ingest_params)
    assert one.table.num_rows == 300
    assert one.table.to_pylist()[0]["byte_start"] == 3  # the BOM is not part of line 1
    assert set(one.table["status"].to_pylist()) == {"text", "blank", "rejected"}
    # the cut lands mid-file, not at an end (else both paths would be one process)
    split = ingest_mod._line_boundary_from(data, len(data) // 2, len(data))
    assert split is not None and 0 < split < len(data)
    single_line_batches = dataclasses.replace(ingest_params, batch_lines=1)
    seven_line_batches = dataclasses.replace(ingest_params, batch_lines=7)
    variants = {"batch_1": ingest_one_process(path, single_line_batches)}
    monkeypatch.setattr(ingest_mod, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(ingest_mod, "SPAWN_COST_BYTES", 0)
    monkeypatch.setattr(ingest_mod, "KEY_WARMUP_BYTES", 0)
    variants["two_processes"] = ingest(path, ingest_params)
    variants["two_processes_batch_7"] = ingest(path, seven_line_batches)
    for name, result in variants.items():
        assert result.table.equals(one.table), name
        assert result.rule_counts == one.rule_counts, name
        assert result.metrics() == one.metrics(), name
        # one chunk per column: the Parquet bytes do not depend on batches or processes
        assert {result.table[c].num_chunks for c in result.table.column_names} == {1}, name
    assert multiprocessing.active_children() == []
    # every span slices the file back to its line
    for row, (number, start, end, line) in zip(one.table.to_pylist(), raw_tuples(path), strict=True):
        assert (row["line_number"], row["byte_start"], row["byte_end"]) == (number, start, end)
        assert row["raw_sha256"] == hashlib.sha256(line).digest()


def bad_byte_source(bad_lines: set[int], n_lines: int = 200) -> tuple[bytes, dict[int, int]]:
    """Arabic lines with CRLF endings, an invalid byte (0xFF) in the middle of each bad line;
    returns the data and each bad line's offset of that byte."""
    out, offsets, pos = [], {}, 0
    for number in range(1, n_lines + 1):
        head, tail = f"خبر رقم {number} ".encode(), "من دمشق اليوم".encode()
        line = head + (b"\xff" if number in bad_lines else b"") + tail + b"\r\n"
        if number in bad_lines:
            offsets[number] = pos + len(head)
        out.append(line)
        pos += len(line)
    return b"".join(out), offsets


@pytest.mark.parametrize(
    "bad_lines,expected_line",
    [({150}, 150), ({199, 150}, 150), ({30, 150}, 30), ({200}, 200)],
    ids=["second_half", "two_in_second_half", "both_halves_first_wins", "last_line"],
)
def test_invalid_utf8_line_and_offset_with_two_processes(tmp_path, ingest_params, force_two_processes, bad_lines, expected_line):
    data, offsets = bad_byte_source(bad_lines)
    path = write(tmp_path, data, "ingest_bad_utf8_two.txt")
    assert ingest_mod._split_point(path, 0, len(data)) < offsets[max(bad_lines)]  # the last bad byte is in part 2
    small_batches = dataclasses.replace(ingest_params, batch_lines=16)
    for p in (ingest_params, small_batches):
        with pytest.raises(InvalidUtf8Error) as info:
            ingest(path, p)
        assert (info.value.line_number, info.value.byte_offset) == (expected_line, offsets[expected_line])
        assert f"line {expected_line}, byte {offsets[expected_line]}: invalid UTF-8 (bytes ff " in str(info.value)
    assert multiprocessing.active_children() == []


def test_no_arabic_text_with_two_processes(tmp_path, ingest_params, force_two_processes):
    path = write(tmp_path, b"The ministry announced a new hospital.\r\n\n" * 50, "ingest_no_arabic_two.txt")
    with pytest.raises(NoArabicTextError) as info:
        ingest(path, ingest_params)
    assert "none of its 100 lines" in str(info.value)


def test_interrupt_in_the_parent_stops_the_worker(tmp_path, ingest_params, force_two_processes, monkeypatch):
    path = write(tmp_path, mixed_endings_source(100))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_mod, "_ingest_range", interrupted)  # the parent's part only
    with pytest.raises(KeyboardInterrupt):
        ingest(path, ingest_params)
    assert multiprocessing.active_children() == []


def test_batch_lines_must_be_positive(tmp_path, ingest_params):
    with pytest.raises(ParamsError, match="batch_lines"):
        ingest(write(tmp_path, ARABIC_TEXT.encode()), dataclasses.replace(ingest_params, batch_lines=0))


# --------------------------------------------------------------------------------------------
# reject_reason: its fast gates decide exactly as the plain regexes
# --------------------------------------------------------------------------------------------

def test_case_insensitive_regexes_match_only_the_gated_characters():
    """The gates look for "(c", "l", "w." and "حقوق" case-sensitively: (?i) must not let any other
    code point stand for these characters."""
    gated = {"c": "cC", "l": "lL", "w": "wW", ":": ":", "/": "/", ".": ".", "(": "(", "©": "©"}
    gated.update({ch: ch for ch in "حقو"})
    for ch, allowed in gated.items():
        pattern = re.compile(re.escape(ch), re.IGNORECASE)
        hits = {chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF and pattern.fullmatch(chr(cp))}
        assert hits == set(allowed), ch


def test_other_letter_class_equals_the_lookahead_definition():
    arabic_or_tatweel = char_class(((TATWEEL, TATWEEL), *ARABIC_LETTER_RANGES))
    reference = re.compile(f"(?!{arabic_or_tatweel})[^\\W\\d_]")
    every = "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF)
    assert [m.start() for m in ingest_mod._OTHER_LETTER.finditer(every)] == [m.start() for m in reference.finditer(every)]


def reference_reject_reason(text: str, params) -> str | None:
    """The plain definition the gated reject_reason must agree with."""
    if ingest_mod._MARKUP.search(text):
        return "markup"
    if ingest_mod._BOILERPLATE.search(text):
        return "boilerplate"
    url_chars = sum(len(m) for m in ingest_mod._URL.findall(text))
    if url_chars and url_chars * 2 >= len(text.replace(" ", "")):
        return "url"
    other = len(re.findall(f"(?!{char_class(((TATWEEL, TATWEEL), *ARABIC_LETTER_RANGES))})[^\\W\\d_]", text))
    share = params.min_arabic_letter_share
    needed = max(params.min_arabic_letters, math.ceil(share * other / (1 - share)) if share < 1 else 0)
    arabic = sum(1 for _ in itertools.islice(re.finditer(ARABIC_LETTER_CLASS, text), needed))
    if arabic < needed or (share >= 1 and other):
        return "not_arabic"
    return None

REJECT_CASES = [
    "أعلنت وزارة الصحة السورية افتتاح مستشفى جديد.",
    "ALL RIGHTS RESERVED لوزارة الإعلام السورية",
    "AlL RiGhTs ReSeRvEd ſ",
    "(C) 2024 وكالة الأنباء",
    "( c ) 2024 وكالة الأنباء في دمشق وحلب",
    "حقوق النشر محفوظة لموقع الأخبار",
    "  اقرأ أيضا: خبر عن دمشق",
    "خبر عن دمشق اقرأ أيضا",
    "تابعونا على تويتر",
    "تابعونالا شيء هنا في دمشق وحلب وحمص",
    "WWW.EXAMPLE.COM/ar/news",
    "Www.example.com مقال عن دمشق وحلب وحمص وحماة واللاذقية",
    "HTTPS://EXAMPLE.COM",
    "ws.www www. www.x",
    "خبر &amp; خبر آخر عن دمشق",
    "a < b > c عن دمشق وحلب",
    "<B>خبر</B>",
    "دمشق ١٢٣ Damascus ²½Ⅻ",
    "حلب حلب حلب Aleppo Aleppo",
    "حلب ـــ دمشق",
    "ﺩﻣﺸﻖ وحلب",
    "abc",
    "دمشق",
]


@pytest.mark.parametrize("share,minimum", [(0.6, 8), (0.0, 0), (1.0, 3), (0.5, 20)])
def test_reject_reason_equals_the_plain_definition(share, minimum):
    p = params.IngestParams(min_arabic_letter_share=share, min_arabic_letters=minimum, batch_lines=1)
    for text in REJECT_CASES + [unicodedata.normalize("NFKC", t) for t in REJECT_CASES]:
        assert ingest_mod.reject_reason(text, p) == reference_reject_reason(text, p), text


REJECT_PARAMS = [(0.6, 8), (0.0, 0), (1.0, 3), (0.5, 20), (0.6, ingest_mod._RE2_MAX_LETTERS + 1)]


def _reasons_one_by_one(texts: list[str], p) -> list[str | None]:
    return [ingest_mod.reject_reason(t, p) if t else None for t in texts]


@pytest.mark.parametrize("share,minimum", REJECT_PARAMS)
def test_reject_reasons_is_reject_reason_text_by_text(share, minimum):
    """The vectorised gate (reject_reasons) decides every case as reject_reason does, including
    texts with just too few Arabic letters for the RE2 count and minimums above its bound."""
    import pyarrow as pa

    p = params.IngestParams(min_arabic_letter_share=share, min_arabic_letters=minimum, batch_lines=1)
    letters = "دمشقحلبإدلب" * 10
    texts = REJECT_CASES + [unicodedata.normalize("NFKC", t) for t in REJECT_CASES] + [""]
    texts += [letters[:k] + " ١٢ ،." for k in range(max(minimum - 2, 0), minimum + 3)]
    got = ingest_mod.reject_reasons(pa.array(texts, pa.string()), p)
    assert got == _reasons_one_by_one(texts, p)
    assert None in got and ("not_arabic" in got) == (minimum > 0)  # the letter-count cases fall on both sides


REJECT_ALPHABET = [*"دمشقحلبإدلبىةـ", *" ١٢.،<>&©()/:", *"wWlLcCaxéß²Ⅻ", *"\u064e\u066e\u06ff\u00a0\u2003"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet=st.sampled_from(REJECT_ALPHABET), max_size=30),
                          st.sampled_from(REJECT_CASES), st.text(max_size=10)), max_size=8),
       st.sampled_from(REJECT_PARAMS))
def test_reject_reasons_property(texts, share_minimum):
    import pyarrow as pa

    texts = [t for t in texts if not any(0xD800 <= ord(c) <= 0xDFFF for c in t)]
    p = params.IngestParams(min_arabic_letter_share=share_minimum[0], min_arabic_letters=share_minimum[1], batch_lines=1)
    assert ingest_mod.reject_reasons(pa.array(texts, pa.string()), p) == _reasons_one_by_one(texts, p)


def test_the_never_other_characters_are_no_other_letters_and_the_gate_finds_every_other_letter():
    """A text the reject gate does not find has no other letters: in pyarrow it finds every code
    point _OTHER_LETTER matches."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chars = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    other = np.fromiter((ingest_mod._OTHER_LETTER.match(c) is not None for c in chars), dtype=bool, count=len(chars))
    found = pc.match_substring_regex(pa.array([f"د{c}د" for c in chars]), ingest_mod._REJECT_GATE_RE2).to_numpy(zero_copy_only=False)
    assert other.sum() > 100_000
    assert not (other & ~found).any()
    assert not found[[ord(c) for c in "دـ ١.،"]].any()  # Arabic prose alone is not found


@pytest.mark.parametrize("lines,expected", [
    ([b"\xd8\xad\xd9\x84\xd8\xa8", b"abc"], True),
    ([b"abc", b"e\xcc\x81"], False),  # e + combining acute: NFC composes it
    ([b"\xcc\x81", b"abc"], True),  # a mark at a line's start stays: nothing before it within the line
    ([b"a", b"\xcc\x81"], True),  # nor after a line break: "\n" composes with nothing
])
def test_checked_utf8_says_whether_every_line_is_nfc(lines, expected):
    spans = [(0, len(line)) for line in lines]
    assert ingest_mod._checked_utf8(lines, spans, 1) is expected
    assert expected == all(unicodedata.is_normalized("NFC", line.decode()) for line in lines)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.sampled_from(list("حلب إدلب،ـًة١ x!")), max_size=12)), max_size=30),
       st.integers(1, 7))
def test_key_hashes_are_content_ids_of_the_normalized_keys(texts, rows) -> None:
    """The key hash column made after assembly: content_id(normalized_key(text)) of every text,
    null where the text is, whatever the slices it is hashed in."""
    import pyarrow as pa

    from syria_news_ar import ingest as ingest_mod
    from syria_news_ar.clean import normalized_key
    from syria_news_ar.ids import content_id

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ingest_mod, "KEY_ROWS", rows)
        column = ingest_mod.key_hashes(pa.array(texts, pa.string()))
    column.validate(full=True)
    assert column.to_pylist() == [None if t is None else content_id(normalized_key(t)) for t in texts]


def test_the_first_part_is_shorter_by_the_key_hashing_warm_up_only_below_its_size(tmp_path, monkeypatch) -> None:
    """Below KEY_WARMUP_MAX_BYTES this process loads the key hashing while the worker ends its
    part, so its own part is shorter by half KEY_WARMUP_BYTES; from that size it is loaded after
    assembling (its memory then is not on that peak) and the parts are cut as without it."""
    data = b"".join(b"%06d\n" % i for i in range(10_000))  # 70,000 bytes of 7-byte lines
    path = write(tmp_path, data)
    monkeypatch.setattr(ingest_mod, "SPAWN_COST_BYTES", 0)
    monkeypatch.setattr(ingest_mod, "KEY_WARMUP_BYTES", 14_000)
    assert ingest_mod._split_point(path, 0, len(data)) == 28_007  # the line start after byte 35,000 - 7,000
    monkeypatch.setattr(ingest_mod, "KEY_WARMUP_MAX_BYTES", len(data))
    assert ingest_mod._split_point(path, 0, len(data)) == 35_007

"""Faithful cleaning of one line of Arabic news text.

The published ``text`` must stay what the journalist wrote: this module only
repairs encoding and typing noise (presentation forms, invisible and control
characters, exotic spaces, Persian look-alike letters, stretching tatweel,
stray spaces) and never touches spelling (diacritics, hamza/alef forms, ى/ي,
ة/ه, digits and quote marks are kept as written).

Design notes (these are the documented decisions; the README repeats them):

* Rules run in the order of :data:`RULES`.  ``nfc`` is listed last because the
  final text is guaranteed NFC; it *also* runs as a pre-pass so that
  canonically equivalent inputs clean to the same text (e.g. ``ہ`` + U+0654
  vs the precomposed ``ۂ`` U+06C2).  Either pass changing the text fires
  ``nfc``.  NFC must run after ``persian_letters`` because ``ی`` + U+0654
  becomes ``ي`` + U+0654, which composes to ``ئ``.
* ``presentation_forms`` runs first because NFKC of those characters can
  produce spaces (U+FDFA, U+FE70 ...), tatweels (U+FE71 ...) and Persian
  letters (U+FBFC ...), which later rules must still normalise.  Presentation
  forms without a compatibility decomposition (U+FD3E/U+FD3F ornate
  parentheses, U+FDFD bismillah, U+FD40-U+FD4F and U+FDCF, U+FDFE/U+FDFF
  honorific ligatures, U+FBB2-U+FBC1 Arabic symbols, U+FE73 tail fragment) are
  symbols in their own right and are kept; unassigned code points in these
  blocks are kept too (they are not known noise).
* The 66 Unicode noncharacters (U+FDD0-U+FDEF and U+xFFFE/U+xFFFF of every
  plane) are deleted under ``control_chars``.
* ``control_chars`` deletes category Cc except the whitespace controls (those
  become spaces) and every Cf character not handled by
  ``invisible_controls`` -- U+180E MONGOLIAN VOWEL SEPARATOR included (it is
  a zero-width format character since Unicode 6.3, not a space), as are the
  Unicode tag characters (U+E0001, U+E0020-U+E007F).  Kept on purpose: the
  Prepended_Concatenation_Mark characters, which carry text (U+0600-U+0605
  Arabic number/year/page signs, U+06DD end of ayah, U+070F, U+0890/U+0891,
  U+08E2, U+110BD, U+110CD).  Private-use, unassigned, U+FFFC/U+FFFD and
  surrogates (impossible after strict UTF-8 decoding) are left alone.
* ``space_chars`` maps every character for which ``str.isspace()`` is true
  (including CR/LF, should one slip through) to U+0020.
* ``space_before_punct`` handles exactly ، ؛ ؟ , : ! ) and a final "." (a "."
  followed only by spaces up to the end, so ``"نص . "`` also works).  ASCII
  ``?`` and ``;`` are deliberately not in the list (the spec does not ask).
* ``tatweel``: a run of U+0640 is removed only between two Arabic letters
  (general category Lo in the Arabic blocks, Persian letters included);
  diacritics U+064B-U+065F and U+0670 between the first letter and the
  tatweel belong to that letter.  A tatweel followed by a diacritic, a space,
  a quote or anything else, or at the edges, is kept.
* ``normalized_key`` (dedup only, never published) turns every punctuation
  (P*) *and* symbol (S*) character into a space -- symbols (currency, math,
  emoji, bullets, ﷽) are decoration as far as "same paragraph" goes -- and
  only then collapses whitespace, so "حلب،إدلب" gives "حلب ادلب" rather than
  gluing the words.  Latin case is not folded.
* Every rule is detected with a precompiled regex ``search`` (or a substring
  test) before doing any work, so already clean text costs a few C-level
  scans and no allocation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from .letters import code_point_class, re2_escape

if TYPE_CHECKING:
    import pyarrow as pa

RULES: tuple[str, ...] = (
    "presentation_forms",
    "invisible_controls",
    "control_chars",
    "space_chars",
    "persian_letters",
    "tatweel",
    "space_before_punct",
    "space_runs",
    "edge_spaces",
    "nfc",
)


def _span(first: int, last: int) -> range:
    """Inclusive code point range, so tables read like the Unicode charts."""
    return range(first, last + 1)


# --- presentation_forms: NFKC of just the Arabic presentation-form blocks ----
_PRESENTATION_BLOCKS: tuple[range, ...] = (_span(0xFB50, 0xFDFF), _span(0xFE70, 0xFEFC))
_PRESENTATION_TABLE: dict[int, str] = {
    cp: folded
    for block in _PRESENTATION_BLOCKS
    for cp in block
    if (folded := unicodedata.normalize("NFKC", chr(cp))) != chr(cp)
}

# --- invisible_controls: zero-width, bidi, BOM, ALM, soft hyphen -------------
_INVISIBLE: frozenset[int] = frozenset(
    [0x00AD, 0x061C, 0x2060, 0xFEFF,
     *_span(0x200B, 0x200F), *_span(0x202A, 0x202E), *_span(0x2066, 0x2069)]
)

# --- control_chars: non-space Cc, remaining Cf, noncharacters ----------------
_CONTROL: frozenset[int] = frozenset(
    [
        *_span(0x0000, 0x0008), *_span(0x000E, 0x001B),  # C0 minus whitespace
        0x007F, *_span(0x0080, 0x0084), *_span(0x0086, 0x009F),  # DEL, C1 minus NEL
        0x180E, *_span(0x2061, 0x2064), *_span(0x206A, 0x206F),
        *_span(0xFFF9, 0xFFFB), *_span(0x13430, 0x13438), *_span(0x1BCA0, 0x1BCA3),
        *_span(0x1D173, 0x1D17A), 0xE0001, *_span(0xE0020, 0xE007F),
        *_span(0xFDD0, 0xFDEF),
        *(plane * 0x10000 + low for plane in range(17) for low in (0xFFFE, 0xFFFF)),
    ]
)
# Format (Cf) characters deliberately kept (documentation + tests): they carry text.
_KEPT_FORMAT: frozenset[int] = frozenset(
    [*_span(0x0600, 0x0605), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD]
)

# --- space_chars: everything str.isspace() accepts, except U+0020 ------------
_SPACES: frozenset[int] = frozenset(
    [*_span(0x0009, 0x000D), *_span(0x001C, 0x001F), 0x0085, 0x00A0, 0x1680,
     *_span(0x2000, 0x200A), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
)

# --- persian_letters ----------------------------------------------------------
_PERSIAN_TABLE: dict[int, str] = {0x06CC: "\u064a", 0x06A9: "\u0643", 0x06BE: "\u0647", 0x06C1: "\u0647"}

_FORBIDDEN: frozenset[int] = frozenset([*_PRESENTATION_TABLE, *_INVISIBLE, *_CONTROL, *_SPACES, *_PERSIAN_TABLE])
FORBIDDEN_IN_CLEAN: str = code_point_class(_FORBIDDEN)
"""Regex character class of every character clean() removes or maps away."""
FORBIDDEN_IN_CLEAN_RE2: str = code_point_class(_FORBIDDEN, re2_escape)
"""The same class in a spelling RE2 shares with Python (\\xHH, then the characters themselves), so
pandas matches it on Arrow strings in pyarrow instead of with Python's re text by text (the GX
suites: 2.3 s of 15.9 at 100 MB)."""
WHITESPACE_RE2: str = code_point_class([*_SPACES, 0x20], re2_escape)
"""Python's Unicode \\s (what str.isspace() accepts) as an RE2 class: RE2's \\s is ASCII-only."""

_ASTRAL = "\\U00010000-\\U0010FFFF"


def _gate(cps: Iterable[int]) -> re.Pattern[str]:
    """Fast detector: the exact BMP part of a set plus *any* astral character.

    ``re`` checks long lists of astral ranges one by one for every character
    (~10x slower than its BMP bitmap), and astral characters are rare in
    Arabic news, so detectors over-approximate there and clean() keeps only
    the characters found in a rule's table.
    """
    wanted = set(cps)
    bmp = {cp for cp in wanted if cp <= 0xFFFF}
    body = code_point_class(bmp)[1:-1] if bmp else ""
    return re.compile("[" + body + (_ASTRAL if wanted - bmp else "") + "]")


# (name, {character: what it becomes}), in RULES order. clean() replaces only the characters a
# line holds (str.replace, one C scan each) instead of str.translate's dict lookup per character:
# 0.03 s against 0.51 s for the 38,514 lines with Persian letters in the 100 MB benchmark corpus.
_CHAR_RULES: tuple[tuple[str, dict[str, str]], ...] = (
    ("presentation_forms", {chr(cp): folded for cp, folded in _PRESENTATION_TABLE.items()}),
    ("invisible_controls", dict.fromkeys(map(chr, _INVISIBLE), "")),
    ("control_chars", dict.fromkeys(map(chr, _CONTROL), "")),
    ("space_chars", dict.fromkeys(map(chr, _SPACES), " ")),
    ("persian_letters", {chr(cp): letter for cp, letter in _PERSIAN_TABLE.items()}),
)
# Every character a rule of _CHAR_RULES maps (and, as a cheap over-approximation, any astral one).
_ANY_MAPPED: re.Pattern[str] = _gate([*_PRESENTATION_TABLE, *_INVISIBLE, *_CONTROL, *_SPACES, *_PERSIAN_TABLE])


def _map_characters(text: str, fired: set[str]) -> str:
    """The _CHAR_RULES in order, each on the characters of its table the text holds.

    Replacing them one by one is the simultaneous mapping str.translate does, since no rule's
    output holds a character of its own or a later rule's table, except presentation_forms' (a
    Farsi yeh form folds to the Persian yeh, U+06CC), after which the text is scanned again
    (tests/test_clean.py holds both to str.translate)."""
    present = set(_ANY_MAPPED.findall(text))
    for name, table in _CHAR_RULES:
        hits = [ch for ch in present if ch in table]
        if not hits:
            continue
        for ch in hits:
            text = text.replace(ch, table[ch])
        fired.add(name)
        if name == "presentation_forms":
            present = set(_ANY_MAPPED.findall(text))
    return text


# Arabic letters (Unicode 14 general category Lo in the Arabic blocks,
# tatweel U+0640 is Lm and excluded) and the diacritics that may sit between a
# letter and its tatweel.
_ARABIC_LETTER = (
    "[\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef"
    "\u06fa-\u06fc\u06ff\u0750-\u077f\u0870-\u0887\u0889-\u088e\u08a0-\u08c8]"
)
_HARAKAT = "[\u064b-\u065f\u0670]"
_STRETCH_TATWEEL: re.Pattern[str] = re.compile(f"({_ARABIC_LETTER}{_HARAKAT}*)\u0640+(?={_ARABIC_LETTER})")
_SPACE_BEFORE_PUNCT: re.Pattern[str] = re.compile(r" +(?=[،؛؟,:!)]|\. *\Z)")
# Single-space variant: same matches (it hits the last space of a run), but
# re scans it ~8x faster, so it is the cheap "is there anything to do" test.
_SPACE_BEFORE_PUNCT_GATE: re.Pattern[str] = re.compile(r" (?=[،؛؟,:!)]|\. *\Z)")
_SPACE_RUN: re.Pattern[str] = re.compile(" {2,}")


def clean(text: str) -> tuple[str, tuple[str, ...]]:
    """Return (cleaned_text, names of the rules that changed the text, in RULES order).

    Idempotent: ``clean(clean(x)[0]) == (clean(x)[0], ())`` for every string.
    """
    fired: set[str] = set()
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        fired.add("nfc")
    if _ANY_MAPPED.search(text):
        text = _map_characters(text, fired)
    if "\u0640" in text:
        stretched = _STRETCH_TATWEEL.sub(r"\1", text)
        if stretched != text:
            text = stretched
            fired.add("tatweel")
    if " " in text:
        if _SPACE_BEFORE_PUNCT_GATE.search(text):
            text = _SPACE_BEFORE_PUNCT.sub("", text)
            fired.add("space_before_punct")
        if "  " in text:
            text = _SPACE_RUN.sub(" ", text)
            fired.add("space_runs")
        if text.startswith(" ") or text.endswith(" "):
            text = text.strip(" ")
            fired.add("edge_spaces")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        fired.add("nfc")
    if not fired:
        return text, ()
    return text, tuple(name for name in RULES if name in fired)


# Finds (RE2, pyarrow.compute) every NFC text that clean() would change, and a few more: one with
# a character a _CHAR_RULES table maps, a tatweel, a space before any character _SPACE_BEFORE_PUNCT
# looks at (or before any "."), a run of spaces, or a space at either end.
_GATE_SPACES = r"| [،؛؟,:!).]|  |^ | $"
CLEAN_GATE_RE2: str = code_point_class([*_FORBIDDEN, 0x0640], re2_escape) + _GATE_SPACES
# The same but for the Persian letters: a text the first finds and this one does not needs
# persian_letters only (then NFC, if mapping its yeh made a composable pair).
_GATE_BUT_PERSIAN_RE2: str = code_point_class([*(_FORBIDDEN - set(_PERSIAN_TABLE)), 0x0640], re2_escape) + _GATE_SPACES


def clean_arrow(texts: pa.StringArray, all_nfc: bool) -> tuple[pa.StringArray, np.ndarray, list[tuple[str, ...]]]:
    """clean() of every text of an Arrow string array without nulls: the cleaned texts, the rows
    clean() changed and the rules it fired on each of them.

    If the caller knows every text is NFC (`all_nfc`; the gates do not look for that), only the
    texts CLEAN_GATE_RE2 finds are cleaned, in one vectorised scan: those that need their Persian
    letters mapped and nothing else, in Arrow (one literal replacement a letter, as clean() does
    with str.replace), unless that leaves one of them not NFC; the rest by clean(). Else clean()
    runs on every text. At 100 MB of benchmark corpus the gate finds 29% of the lines and half of
    those need only persian_letters: 0.84-0.87 s for all batches against 0.98-1.03 s with clean()
    on each found text (tests hold the result to clean() text by text)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not all_nfc:
        return _cleaned_rows(texts, np.arange(len(texts)), [], [])
    gated = np.flatnonzero(pc.match_substring_regex(texts, CLEAN_GATE_RE2).to_numpy(zero_copy_only=False))
    persian_only = gated[~pc.match_substring_regex(texts.take(pa.array(gated)), _GATE_BUT_PERSIAN_RE2).to_numpy(zero_copy_only=False)]
    mapped = texts.take(pa.array(persian_only))
    for letter, folded in dict(_CHAR_RULES)["persian_letters"].items():
        mapped = pc.replace_substring(mapped, letter, folded)
    mapped_texts = mapped.to_pylist()
    if not unicodedata.is_normalized("NFC", "\n".join(mapped_texts)):
        return _cleaned_rows(texts, gated, [], [])
    others = np.setdiff1d(gated, persian_only, assume_unique=True)
    return _cleaned_rows(texts, others, persian_only.tolist(), mapped_texts)


def _cleaned_rows(texts: pa.StringArray, rows: np.ndarray, mapped_rows: list[int], mapped: list[str]) -> tuple[pa.StringArray, np.ndarray, list[tuple[str, ...]]]:
    """clean_arrow's result: clean() of the texts at `rows`, the Persian-mapped texts at `mapped_rows`."""
    import pyarrow as pa

    results = [*zip(rows.tolist(), (clean(text) for text in texts.take(pa.array(rows)).to_pylist())),
               *zip(mapped_rows, ((text, ("persian_letters",)) for text in mapped))]
    changed = sorted((row, text, fired) for row, (text, fired) in results if fired)
    if not changed:
        return texts, np.zeros(0, dtype=np.int64), []
    changed_rows = np.array([row for row, _, _ in changed], dtype=np.int64)
    order = np.arange(len(texts))
    order[changed_rows] = len(texts) + np.arange(len(changed))
    cleaned = pa.concat_arrays([texts, pa.array([text for _, text, _ in changed], pa.string())]).take(pa.array(order))
    return cleaned, changed_rows, [fired for _, _, fired in changed]


# --- normalized_key -------------------------------------------------------------
# Deleted from keys: harakat, superscript alef, Quranic marks U+06D6-U+06ED
# (the whole range, as the spec says), tatweel.
_KEY_DELETE: tuple[range, ...] = (
    _span(0x064B, 0x065F), _span(0x0670, 0x0670), _span(0x06D6, 0x06ED), _span(0x0640, 0x0640)
)
_KEY_MAP: dict[int, str] = {
    0x0623: "\u0627", 0x0625: "\u0627", 0x0622: "\u0627", 0x0671: "\u0627",  # أ إ آ ٱ -> ا
    0x0649: "\u064a",  # ى -> ي
    0x0629: "\u0647",  # ة -> ه
    **{0x0660 + d: str(d) for d in range(10)},
    **{0x06F0 + d: str(d) for d in range(10)},
}
_key_table: dict[int, str | None] | None = None


def _build_key_table() -> dict[int, str | None]:
    """Translate table for normalized_key, built on first use (~30 ms scan).

    Every punctuation (P*) and symbol (S*) character becomes a space; all of
    them live in planes 0 and 1, so only those are scanned.
    """
    table: dict[int, str | None] = {
        cp: " " for cp in range(0x20000) if unicodedata.category(chr(cp))[0] in "PS"
    }
    for block in _KEY_DELETE:
        table.update(dict.fromkeys(block))
    table.update(_KEY_MAP)
    return table


def normalized_key(text: str) -> str:
    """Lossy key for duplicate detection (input: a cleaned text).

    Removes Arabic diacritics/Quranic marks and tatweel, folds أ إ آ ٱ to ا,
    ى to ي and ة to ه, maps Arabic-Indic and Extended Arabic-Indic digits to
    ASCII, turns every punctuation and symbol character into a space (so
    "حلب،إدلب" -> "حلب ادلب", never glued), then collapses whitespace.
    Never published; deterministic and idempotent.
    """
    global _key_table
    if _key_table is None:
        _key_table = _build_key_table()
    return " ".join(text.translate(_key_table).split())


# --- normalized_keys: the same key for a batch, on code points in numpy -------------------------
_DELETED = np.uint32(0xFFFFFFFF)  # marks a code point the key drops
_SPACE = np.uint32(0x20)
_BOUNDARY = np.uint32(0x0A)
_KEY_CHUNK_CHARS = 4_000_000  # code points per numpy pass (temporary arrays ~60 MB), UTF-8 bytes per compiled one


@cache
def _key_code_table() -> np.ndarray:
    """normalized_key's translate table as an array over all code points (uint32; _DELETED for
    dropped ones), with every whitespace character already folded to U+0020."""
    global _key_table
    if _key_table is None:
        _key_table = _build_key_table()
    table = np.arange(0x110000, dtype=np.uint32)
    for cp in range(0x3001):  # every str.isspace() character is below U+3001
        if chr(cp).isspace():
            table[cp] = _SPACE
    for cp, value in _key_table.items():
        table[cp] = _DELETED if value is None else ord(value)
    return table


def _keys_chunk(texts: Sequence[str], table: np.ndarray) -> list[str]:
    """Keys of a non-empty batch: one lookup over the texts joined by "\n", which becomes the
    boundary marker (every whitespace maps to U+0020, so no key holds a "\n")."""
    cps = table[np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)]
    ends = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1) - 1
    cps[ends[:-1]] = _BOUNDARY
    cps = cps[cps != _DELETED]
    space = cps == _SPACE
    # str.split() then " ".join: a space survives only as the first of its run, with a word
    # character before it and one after the run, in the same text
    keep = ~space
    keep[1:] |= space[1:] & (cps[:-1] != _SPACE) & (cps[:-1] != _BOUNDARY)
    not_space_at = np.where(space, len(cps), np.arange(len(cps)))
    next_not_space = np.minimum.accumulate(not_space_at[::-1])[::-1]
    keep &= ~space | (np.append(cps, _BOUNDARY)[next_not_space] != _BOUNDARY)
    return cps[keep].tobytes().decode("utf-32-le", "surrogatepass").split("\n")


def normalized_keys(texts: Sequence[str]) -> list[str]:
    """``[normalized_key(t) for t in texts]``, computed on code-point arrays: about 3x faster on
    news text (0.12 vs 0.38 s for the 10 MB benchmark corpus); equality is property-tested."""
    table = _key_code_table()
    out: list[str] = []
    lo, chars = 0, 0
    for i, text in enumerate(texts):
        chars += len(text)
        if chars >= _KEY_CHUNK_CHARS:
            out += _keys_chunk(texts[lo : i + 1], table)
            lo, chars = i + 1, 0
    if lo < len(texts):
        out += _keys_chunk(texts[lo:], table)
    return out


def arrow_normalized_keys(texts: pa.Array | pa.ChunkedArray) -> list[str]:
    """normalized_keys of an Arrow string column (a null's key is ""), with no Python string per
    text before the keys: a compiled pass over a slice's UTF-8 (utf8_kernels.keys_of_utf8)."""
    from .arrow_text import utf8_slices

    return [key for utf8, offsets in utf8_slices(texts, max_bytes=_KEY_CHUNK_CHARS) for key in span_normalized_keys(utf8, offsets[:-1], offsets[1:])]


def span_normalized_keys(utf8: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """normalized_keys of the texts utf8[starts[i]:ends[i]] (spans of valid UTF-8 in one
    buffer, such as sentences in their paragraphs' bytes), about _KEY_CHUNK_CHARS bytes of
    texts in one compiled pass (utf8_kernels.keys_of_utf8)."""
    return [key for keys in _span_key_buffers(utf8, starts, ends) for key in keys.tobytes().decode("utf-8").split("\n")]


def span_key_digests(utf8: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """ids.content_digest(normalized_key(text)) of the same texts, as rows of two uint64 (the
    digest's 16 bytes): each key is hashed as the compiled pass writes it
    (utf8_kernels.key_digests_of_utf8), never becoming a Python string."""
    from .ids import SEPARATOR
    from .utf8_kernels import key_digests_of_utf8

    return key_digests_of_utf8(utf8, starts, ends, _key_code_table(), _key_growth(), ord(SEPARATOR))


def arrow_key_digests(texts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """span_key_digests of an Arrow string column (a null's key is "")."""
    from .arrow_text import utf8_slices

    return np.concatenate([np.zeros((0, 2), dtype=np.uint64)] + [
        span_key_digests(utf8, offsets[:-1], offsets[1:]) for utf8, offsets in utf8_slices(texts)
    ])


def arrow_key_hashes(texts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A 64-bit hash of every text's normalized key (a null's key is ""), computed where the
    compiled pass writes the key (utf8_kernels.key_hashes_of_utf8): equal keys have equal
    hashes, and equal hashes are candidates whose keys a caller compares."""
    from .arrow_text import utf8_slices
    from .utf8_kernels import key_hashes_of_utf8

    return np.concatenate([np.zeros(0, dtype=np.uint64)] + [
        key_hashes_of_utf8(utf8, offsets[:-1], offsets[1:], _key_code_table(), _key_growth()) for utf8, offsets in utf8_slices(texts)
    ])


def key_pass_tables() -> tuple[np.ndarray, int]:
    """(the key table over every code point, how many times its text's bytes a key may take):
    what a compiled pass that writes keys (utf8_kernels) takes, for callers outside this module."""
    return _key_code_table(), _key_growth()


def arrow_key_shingle_hashes(texts: pa.Array | pa.ChunkedArray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """minhash.shingle_hashes(arrow_normalized_keys(texts), n), computed where the compiled pass
    writes each key (utf8_kernels.key_shingle_hashes_of_utf8): no Python string per key and no
    UTF-32 copy of them. Returns (flat hashes, int64 offsets)."""
    hashes, offsets, _ = _key_shingles(texts, n, False)
    return hashes, offsets


def arrow_key_shingle_hashes_and_words(texts: pa.Array | pa.ChunkedArray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """arrow_key_shingle_hashes and each key's word count (its spaces plus one, as
    key.count(" ") + 1 on the Python key)."""
    return _key_shingles(texts, n, True)


def _key_shingles(texts: pa.Array | pa.ChunkedArray, n: int, words: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(flat shingle hashes, int64 offsets, each key's word count or an empty array) of the texts,
    a slice of their UTF-8 at a time."""
    from .arrow_text import utf8_slices
    from .utf8_kernels import key_shingle_hashes_of_utf8

    parts = []
    for utf8, offsets in utf8_slices(texts):
        counts = np.zeros(len(offsets) - 1 if words else 0, dtype=np.int64)
        parts.append((*key_shingle_hashes_of_utf8(utf8, offsets[:-1], offsets[1:], _key_code_table(), _key_growth(), n, counts), counts))
    if len(parts) == 1:
        return parts[0]
    flat = np.concatenate([np.zeros(0, dtype=np.uint64)] + [h for h, _, _ in parts])
    ends = np.cumsum([0] + [int(o[-1]) for _, o, _ in parts])
    offsets = np.concatenate([np.zeros(1, dtype=np.int64)] + [o[1:] + shift for (_, o, _), shift in zip(parts, ends)])
    return flat, offsets, np.concatenate([np.zeros(0, dtype=np.int64)] + [w for _, _, w in parts])


def _span_key_buffers(utf8: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> Iterator[np.ndarray]:
    """The keys of the spans as UTF-8 with a "\n" between keys, about _KEY_CHUNK_CHARS bytes of
    texts a buffer (no key holds a "\n": every whitespace folds to U+0020)."""
    from .utf8_kernels import keys_of_utf8

    table, growth = _key_code_table(), _key_growth()
    before = np.concatenate([[0], np.cumsum(ends - starts)])  # bytes of the texts before each
    lo = 0
    while lo < len(starts):
        hi = max(lo + 1, int(np.searchsorted(before, before[lo] + _KEY_CHUNK_CHARS, side="right")) - 1)
        yield keys_of_utf8(utf8, starts[lo:hi], ends[lo:hi], table, growth * int(before[hi] - before[lo]) + hi - lo)
        lo = hi


@cache
def _key_growth() -> int:
    """How many times its text's bytes a key may take: 1 when the key table never maps a code
    point to a longer UTF-8 encoding (utf8_kernels.never_longer), else 4."""
    from .utf8_kernels import never_longer

    return 1 if never_longer(_key_code_table()) else 4

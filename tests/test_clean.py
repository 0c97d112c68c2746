"""Tests for syria_news_ar.clean: exact outputs per rule, things never touched,
Unicode coverage of the character tables, and hypothesis properties
(idempotence, no residual noise, no growth)."""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar import clean as clean_mod
from syria_news_ar.clean import (
    FORBIDDEN_IN_CLEAN, FORBIDDEN_IN_CLEAN_RE2, RULES, _KEPT_FORMAT, arrow_key_digests, arrow_key_shingle_hashes, arrow_normalized_keys, clean, normalized_key,
    normalized_keys, span_key_digests, span_normalized_keys,
)
from syria_news_ar.ids import content_digest
from syria_news_ar.minhash import shingle_hashes

FORBIDDEN = re.compile(FORBIDDEN_IN_CLEAN)
PUNCT_NO_SPACE_BEFORE = "،؛؟,:!)"
PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")

PROSE = [
    'وكانت قالت مؤسسة الدفاع المدني السوري "الخوذ البيضاء"، في تقرير لها، إنه لليوم السادس على التوالي.',
    "ووفق البيان، ينظر الدفاع المدني السوري إلى هذه الجرائم على أنها تحدٍ صارخ للإنسانية.",
    "وأكد أن الأزمة السورية تظل واحدة من أشد الأزمات الإنسانية حدة في العالم. فقبل التدفق الأخير لأكثر من 16.7 مليون",
    "قال المتحدث: «سنواصل العمل» (في حلب) يوم ١ كانون الأول ٢٠٢٤ – وفق “الوكالة”؟",
]


# --- exact outputs, one or more per rule --------------------------------------
@pytest.mark.parametrize(
    ("raw", "text", "fired"),
    [
        # presentation_forms
        ("ﻻ", "لا", ("presentation_forms",)),
        ("محمد ﷺ", "محمد صلى الله عليه وسلم", ("presentation_forms",)),
        ("الله ﷻ.", "الله جل جلاله.", ("presentation_forms",)),
        ("\ufeb3\ufeee\ufead\ufef3\ufe8e", "سوريا", ("presentation_forms",)),
        ("\ufbfe", "ي", ("presentation_forms", "persian_letters")),  # Farsi yeh initial form
        ("حلب \ufe70", "حلب ً", ("presentation_forms", "space_runs")),  # FE70 = space + fathatan
        ("\ufe70حلب", "ًحلب", ("presentation_forms", "edge_spaces")),
        ("ب\ufe77ب", "بـَب", ("presentation_forms",)),  # FE77 = tatweel + fatha: mark on the tatweel, kept
        ("\ufdfa ،", "صلى الله عليه وسلم،", ("presentation_forms", "space_before_punct")),
        # invisible_controls
        ("سوريا\u200c", "سوريا", ("invisible_controls",)),
        ("\u200fحلب\u200e", "حلب", ("invisible_controls",)),
        ("حلب\ufeff إدلب", "حلب إدلب", ("invisible_controls",)),
        ("إدا\u00adرة", "إدارة", ("invisible_controls",)),
        ("\u202bحلب\u202c \u2067إدلب\u2069\u061c", "حلب إدلب", ("invisible_controls",)),
        ("حلب \u200b إدلب", "حلب إدلب", ("invisible_controls", "space_runs")),
        ("حلب \u200b، إدلب", "حلب، إدلب", ("invisible_controls", "space_before_punct")),
        # control_chars (noncharacters counted here)
        ("حلب\x00\x07\x7f\x9f", "حلب", ("control_chars",)),
        ("حلب\u2062\u180e\ufff9", "حلب", ("control_chars",)),
        ("حلب\ufdd0\ufdef\ufffe\U0010ffff", "حلب", ("control_chars",)),
        ("حلب\U000e0001\U000e0041", "حلب", ("control_chars",)),
        # space_chars
        ("حلب\u00a0إدلب", "حلب إدلب", ("space_chars",)),
        ("حلب\tإدلب\u3000حماة\u2028حمص", "حلب إدلب حماة حمص", ("space_chars",)),
        ("حلب\x0b\x0c\x1c\x1f\x85", "حلب", ("space_chars", "space_runs", "edge_spaces")),
        ("حلب\u202f\u2009إدلب", "حلب إدلب", ("space_chars", "space_runs")),
        ("١٢\u00a0،", "١٢،", ("space_chars", "space_before_punct")),
        # persian_letters
        ("المقیم", "المقيم", ("persian_letters",)),
        ("کان ھذا ہنا", "كان هذا هنا", ("persian_letters",)),
        ("منذ أیلول 2024 ، كان", "منذ أيلول 2024، كان", ("persian_letters", "space_before_punct")),
        ("ی\u0654", "ئ", ("persian_letters", "nfc")),  # mapped yeh + hamza above composes
        # tatweel
        ("كبيـــر", "كبير", ("tatweel",)),
        ("الـمـدينة", "المدينة", ("tatweel",)),
        ("كبَـير", "كبَير", ("tatweel",)),  # diacritic between letter and tatweel
        ("كبیـر", "كبير", ("persian_letters", "tatweel")),
        ("ب\u200dـ\u200dب", "بب", ("invisible_controls", "tatweel")),
        # space_before_punct
        ("تل ملح )", "تل ملح)", ("space_before_punct",)),
        ("نص .", "نص.", ("space_before_punct",)),
        ("نص . ", "نص.", ("space_before_punct", "edge_spaces")),
        ("ماذا ؟ لا ! نعم ؛ هنا : حلب , إدلب", "ماذا؟ لا! نعم؛ هنا: حلب, إدلب", ("space_before_punct",)),
        ("حلب   ، إدلب", "حلب، إدلب", ("space_before_punct",)),
        # space_runs / edge_spaces
        ("حلب   إدلب", "حلب إدلب", ("space_runs",)),
        ("  حلب إدلب ", "حلب إدلب", ("space_runs", "edge_spaces")),
        (" ـ ", "ـ", ("edge_spaces",)),
        # nfc
        ("ا\u0653", "آ", ("nfc",)),
        ("\u06c1\u0654", "\u06c2", ("nfc",)),
        ("", "", ()),
    ],
)
def test_exact(raw: str, text: str, fired: tuple[str, ...]) -> None:
    assert clean(raw) == (text, fired)


@pytest.mark.parametrize(
    "text",
    [
        'لـ "إدارة"',  # detached prefix before a quote
        "لـ إدارة",
        "حلب ـ إدلب",  # tatweel used as a dash
        "ـحلب الـ",  # edge tatweels
        "كبـَير",  # diacritic sits on the tatweel: not between two letters
        "بـ٢٠٢٤",  # followed by a digit
        "نص . نص",  # "." not final keeps its space
        "( نص)",  # space after "(" kept
        "ماذا ?",  # ASCII ? not in the list
        "إِنَّ المَدِينَةَ الْكُبْرَى",  # diacritics
        "أ إ آ ٱ ء ؤ ئ",  # hamza and alef forms
        "على مستشفى",  # alef maqsura
        "مدينة المدينه",  # ta marbuta vs heh
        "١٢٣ ۱۲۳ 123 16.7",  # digits of every kind
        "“نص” «نص» \"نص\" 'نص' ‘نص’",  # quote marks of any kind
        "\u0600١٢\u06dd",  # Arabic number sign / end of ayah carry text
        "\ufd3eنص\ufd3f \ufdfd \ufe73",  # presentation forms without decomposition
        "\ue000\ufffd\ufffc",  # private use / replacement chars: not our business
        *PROSE,
    ],
)
def test_unchanged(text: str) -> None:
    assert clean(text) == (text, ())


def test_canonically_equivalent_inputs_clean_alike() -> None:
    assert clean("ہ\u0654")[0] == clean("\u06c2")[0]
    assert clean("ا\u0654")[0] == clean("أ")[0]


def test_rules_names() -> None:
    assert RULES == (
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


def test_seed_file_clean_is_idempotent() -> None:
    from pathlib import Path

    seed = Path(__file__).resolve().parents[1] / "data" / "raw" / "000_356bbac04ad081bb.txt"
    if not seed.exists():
        pytest.skip("seed file not present")
    for line in seed.read_text(encoding="utf-8").splitlines():
        out, fired = clean(line)
        assert set(fired) <= set(RULES)
        assert clean(out) == (out, ())
        assert not FORBIDDEN.search(out)


# --- Unicode coverage of the tables ------------------------------------------
def _code_points_to_scan() -> list[int]:
    """Planes 0 and 1, the tag block and every noncharacter (surrogates skipped)."""
    cps = [cp for cp in range(0x20000) if not 0xD800 <= cp <= 0xDFFF]
    cps += list(range(0xE0000, 0xE0100))
    cps += [plane * 0x10000 + low for plane in range(2, 17) for low in (0xFFFE, 0xFFFF)]
    return cps


def test_forbidden_class_matches_exactly_what_clean_changes() -> None:
    """Every single character: changed iff forbidden, and never leaves noise."""
    assert FORBIDDEN_IN_CLEAN.startswith("[") and FORBIDDEN_IN_CLEAN.endswith("]")
    for cp in _code_points_to_scan():
        ch = chr(cp)
        framed = "#" + ch + "#"
        out = clean(framed)[0]
        assert (out != unicodedata.normalize("NFC", framed)) == bool(FORBIDDEN.fullmatch(ch)), f"U+{cp:04X}"
        assert not FORBIDDEN.search(out), f"U+{cp:04X} leaves noise"
        assert clean(out) == (out, ()), f"U+{cp:04X} not idempotent"


def test_the_re2_spelling_matches_the_same_characters_in_pyarrow_and_in_python() -> None:
    """The suites' spelling of the class: pandas hands it to pyarrow (RE2), not to Python's re,
    and there it matches exactly the characters FORBIDDEN_IN_CLEAN matches, across every code
    point, alone and inside a text."""
    import pandas as pd

    chars = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    column = pd.Series([f"ab{c}د" for c in chars], dtype="str")
    assert not column.array._needs_python_regex(FORBIDDEN_IN_CLEAN_RE2)  # else pandas runs re per text
    in_pyarrow = column.str.contains(FORBIDDEN_IN_CLEAN_RE2).to_numpy(dtype=bool)
    in_python = np.fromiter((FORBIDDEN.search(c) is not None for c in chars), dtype=bool, count=len(chars))
    assert in_python.sum() > 1000
    assert (in_pyarrow == in_python).all(), [f"U+{ord(chars[i]):04X}" for i in np.flatnonzero(in_pyarrow != in_python)[:5]]
    assert (np.fromiter((re.search(FORBIDDEN_IN_CLEAN_RE2, c) is not None for c in chars), dtype=bool, count=len(chars)) == in_python).all()


def test_the_re2_whitespace_class_is_pythons_unicode_whitespace() -> None:
    """WHITESPACE_RE2 (the card's framing counts spell \\s with it) matches in pyarrow exactly the
    code points str.isspace() accepts, which RE2's own \\s does not."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from syria_news_ar.clean import WHITESPACE_RE2

    chars = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    texts = pa.array([f"a{c}b" for c in chars])
    in_pyarrow = pc.match_substring_regex(texts, f"a{WHITESPACE_RE2}b").to_numpy(zero_copy_only=False)
    assert [c for c, hit in zip(chars, in_pyarrow) if hit] == [c for c in chars if c.isspace()]
    assert not pc.match_substring_regex(pa.array(["a\u00a0b"]), "a\\sb")[0].as_py()  # RE2's own \\s is ASCII-only


def test_every_format_char_is_classified() -> None:
    """Each Cf is either deleted or one of the documented text-carrying marks."""
    for cp in range(0x110000):
        ch = chr(cp)
        if unicodedata.category(ch) != "Cf":
            continue
        out = clean("ب" + ch + "ب")[0]
        if cp in _KEPT_FORMAT:
            assert out == "ب" + ch + "ب", f"U+{cp:04X}"
        else:
            assert out == "بب", f"U+{cp:04X}"


def test_every_space_becomes_one_plain_space() -> None:
    for cp in range(0x110000):
        ch = chr(cp)
        if ch.isspace():
            assert clean("حلب" + ch + "إدلب")[0] == "حلب إدلب", f"U+{cp:04X}"


# --- properties ---------------------------------------------------------------
ARABIC_ALPHABET: list[str] = [
    *"ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةىٱ",
    "\u0640", *"\u064b\u064e\u0650\u0651\u0652\u0653\u0654\u0655\u0670",  # tatweel, diacritics
    *" \t\x0b\x0c\x1c\x85\u00a0\u1680\u2000\u2003\u200a\u2028\u2029\u202f\u205f\u3000",  # spaces
    *"،؛؟,:!)(.«»“”\"'?-",  # punctuation and quotes
    *"\u06cc\u06a9\u06be\u06c1\u06c2",  # Persian look-alikes
    *"\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2060\u2066\u2069\u061c\ufeff\u00ad",  # invisible
    *"\x00\x07\x1b\x7f\x9f\u2061\u180e\u206a\ufff9\ufdd0\U0010ffff\U000e0041\u0600\u06dd",  # controls
    *"١٢٣۴5",
]
PRESENTATION_ALPHABET: list[str] = [
    *"\ufdfa\ufdfb\ufdfc\ufe70\ufe71\ufe72\ufe77\ufefb\ufbfc\ufb8e\ufbaa\ufba6\ufc5e\ufcf2",
    *"\ufd3e\ufdfd\ufe73\ufe8d\ufeb3\ufef4",
]
arabic_text = st.text(alphabet=st.sampled_from(ARABIC_ALPHABET), max_size=40)
arabic_with_forms = st.text(
    alphabet=st.sampled_from(ARABIC_ALPHABET + PRESENTATION_ALPHABET) | st.characters(), max_size=40
)
any_text = st.one_of(st.text(), arabic_with_forms)
utf8_text = any_text.filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t))  # what UTF-8 (Arrow) can hold


def _assert_no_noise(out: str) -> None:
    assert not FORBIDDEN.search(out)
    assert "  " not in out
    assert not out.startswith(" ") and not out.endswith(" ")
    assert not any(" " + p in out for p in PUNCT_NO_SPACE_BEFORE)
    assert not out.endswith(" .")
    assert unicodedata.is_normalized("NFC", out)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_idempotent(raw: str) -> None:
    out, fired = clean(raw)
    assert clean(out) == (out, ())
    assert list(fired) == [name for name in RULES if name in fired]
    assert (out == raw) == (fired == ())


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_no_noise_left(raw: str) -> None:
    _assert_no_noise(clean(raw)[0])


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_never_grows_without_presentation_forms(raw: str) -> None:
    # NFC itself may lengthen a few characters (U+0344, Hebrew presentation
    # forms, ...), so the bound for arbitrary text is the NFC of the input.
    out = clean(raw)[0]
    if not PRESENTATION.search(raw):
        assert len(out) <= len(unicodedata.normalize("NFC", raw))


@settings(max_examples=300, deadline=None)
@given(arabic_text)
def test_arabic_never_grows(raw: str) -> None:
    assert len(clean(raw)[0]) <= len(raw)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_canonical_equivalence(raw: str) -> None:
    assert clean(unicodedata.normalize("NFD", raw))[0] == clean(raw)[0]


def _translated(text: str) -> tuple[str, set[str]]:
    """The character rules as str.translate applies them, rule after rule (what clean() did
    before _map_characters): the reference for it."""
    fired = set()
    for name, table in clean_mod._CHAR_RULES:
        out = text.translate({ord(ch): to for ch, to in table.items()})
        if out != text:
            text = out
            fired.add(name)
    return text, fired


MAPPED_ALPHABET = sorted({ch for _, table in clean_mod._CHAR_RULES for ch in table})


@settings(max_examples=500, deadline=None)
@given(st.one_of(any_text, st.text(alphabet=st.sampled_from(MAPPED_ALPHABET + ARABIC_ALPHABET), max_size=40)))
def test_map_characters_is_the_rules_str_translate(raw: str) -> None:
    fired: set[str] = set()
    assert (clean_mod._map_characters(raw, fired), fired) == _translated(raw)


def test_map_characters_on_every_mapped_character_and_chains() -> None:
    """Each mapped character alone and beside the others; a Farsi yeh form folds to the
    Persian yeh, which the later persian_letters rule maps on."""
    for ch in MAPPED_ALPHABET:
        for text in (ch, "ب" + ch + "ب", ch + "\ufbfc" + ch + "\u06cc"):
            fired: set[str] = set()
            assert (clean_mod._map_characters(text, fired), fired) == _translated(text), f"U+{ord(ch):04X}"
    fired = set()
    assert clean_mod._map_characters("\ufbfc", fired) == "\u064a" and fired == {"presentation_forms", "persian_letters"}


def test_only_presentation_forms_output_holds_mapped_characters() -> None:
    """Why _map_characters scans again after presentation_forms only: no other rule's output
    holds a character any rule maps, and no rule maps a character another one does."""
    mapped = set(MAPPED_ALPHABET)
    for name, table in clean_mod._CHAR_RULES:
        held = {ch for out in table.values() for ch in out} & mapped
        assert not held or name == "presentation_forms", name
    sizes = [len(table) for _, table in clean_mod._CHAR_RULES]
    assert sum(sizes) == len(mapped)


# --- normalized_key ---------------------------------------------------------------
KEY_FORBIDDEN = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640أإآٱىة\u0660-\u0669\u06f0-\u06f9]")


def test_key_examples() -> None:
    assert normalized_key('قال: "إنّ المدينةَ ١٢٣."') == "قال ان المدينه 123"
    assert normalized_key("حلب،إدلب") == "حلب ادلب"  # punctuation never glues words
    assert normalized_key("«حلب»—إدلب…") == "حلب ادلب"
    assert normalized_key("۱۲۳ + $٤") == "123 4"  # symbols removed too
    assert normalized_key("  ") == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("إِنَّ المَدِينَةَ", "ان المدينة"),  # diacritics
        ("أحمد إلى آخر ٱلله", "احمد الى اخر الله"),  # alef forms
        ("مستشفى على", "مستشفي علي"),  # ى/ي
        ("مدينة", "مدينه"),  # ة/ه
        ("١٢٣ ۴۵۶", "123 456"),  # digits
        ("قال: «نعم»، ثم؟", 'قال "نعم" ثم'),  # punctuation and quotes
        ("كبيـر", "كبير"),  # tatweel
    ],
)
def test_key_equivalences(a: str, b: str) -> None:
    assert normalized_key(a) == normalized_key(b)


def test_no_punctuation_or_symbols_beyond_plane_1() -> None:
    """normalized_key only scans planes 0-1 for P*/S*; keep that assumption honest."""
    assert not [cp for cp in range(0x20000, 0x110000) if unicodedata.category(chr(cp))[0] in "PS"]


def test_key_distinguishes_words() -> None:
    assert normalized_key("حلب") != normalized_key("إدلب")


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_key_properties(raw: str) -> None:
    assert normalized_key(normalized_key(raw)) == normalized_key(raw)
    key = normalized_key(clean(raw)[0])
    assert normalized_key(key) == key
    assert not KEY_FORBIDDEN.search(key)
    assert not any(unicodedata.category(ch)[0] in "PS" for ch in key)
    assert "  " not in key and key == key.strip()


# --- normalized_keys (the batch form) -------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.lists(any_text | st.text(alphabet=" \t\u00a0\u2029،.ـ\u064bأة١ab", max_size=12), max_size=12))
def test_batch_keys_equal_reference(texts: list[str]) -> None:
    assert normalized_keys(texts) == [normalized_key(t) for t in texts]


def test_batch_keys_across_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunk boundaries (a bound on memory) never change a key."""
    texts = ["  إِنَّ  ", "", "حلب،إدلب ", " \t", "كبيـر", "١٢٣ ۴۵۶"] * 5
    monkeypatch.setattr(clean_mod, "_KEY_CHUNK_CHARS", 7)
    assert normalized_keys(texts) == [normalized_key(t) for t in texts]
    assert normalized_keys([]) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.none(), utf8_text, st.text(alphabet=" \t\n\u00a0\u2029،.ـ\u064bأة١ab", max_size=12)), max_size=12),
    st.integers(0, 12), st.integers(1, 30), st.booleans(), st.booleans(), st.integers(1, 6),
)
def test_arrow_keys_equal_reference(texts: list[str | None], cut: int, chunk_chars: int, large: bool, chunked: bool, n: int) -> None:
    """Any Arrow string column (sliced, chunked, large, with nulls as "", slices of any size):
    the keys of its texts as Python strings, their digests, and their shingles' hashes."""
    import pyarrow as pa

    array = pa.array(texts, type=pa.large_string() if large else pa.string()).slice(min(cut, len(texts)) // 2)
    column = pa.chunked_array([array.slice(0, cut), array.slice(cut)], type=array.type) if chunked else array
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clean_mod, "_KEY_CHUNK_CHARS", chunk_chars)
        assert arrow_normalized_keys(column) == [normalized_key(t or "") for t in array.to_pylist()]
        assert arrow_key_digests(column).tobytes() == b"".join(content_digest(normalized_key(t or "")) for t in array.to_pylist())
    hashes, offsets = arrow_key_shingle_hashes(column, n)
    keys = [normalized_key(t or "") for t in array.to_pylist()]
    expected_hashes, expected_offsets = shingle_hashes(keys, n)
    assert hashes.tolist() == expected_hashes.tolist() and offsets.tolist() == expected_offsets.tolist()
    hashes, offsets, words = clean_mod.arrow_key_shingle_hashes_and_words(column, n)
    assert hashes.tolist() == expected_hashes.tolist() and offsets.tolist() == expected_offsets.tolist()
    assert words.tolist() == [k.count(" ") + 1 for k in keys]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(utf8_text, st.integers(0, 3)), max_size=12), st.integers(1, 30))
def test_span_keys_equal_reference(parts: list[tuple[str, int]], chunk_chars: int) -> None:
    """Texts as spans of one UTF-8 buffer, with bytes between them (as sentences sit in their
    paragraphs), in passes of any size: the keys of the texts, and their content digests."""
    buffer, starts, ends = b"", [], []
    for text, gap in parts:
        buffer += "\u00a0" .encode() * gap
        starts.append(len(buffer))
        buffer += text.encode()
        ends.append(len(buffer))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clean_mod, "_KEY_CHUNK_CHARS", chunk_chars)
        spans = np.frombuffer(buffer, dtype=np.uint8), np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)
        got = span_normalized_keys(*spans)
        digests = span_key_digests(*spans)
    assert got == [normalized_key(text) for text, _ in parts]
    assert digests.shape == (len(parts), 2) and digests.tobytes() == b"".join(content_digest(key) for key in got)


def test_batch_keys_lone_surrogate() -> None:
    assert normalized_keys(["a\ud800 b"]) == [normalized_key("a\ud800 b")]


# --- clean_arrow: the vectorised gate finds every text clean() changes ---------------------------
def _clean_arrow_matches_clean(texts: list[str]) -> None:
    import pyarrow as pa

    from syria_news_ar.clean import clean_arrow

    array = pa.array(texts, pa.string())
    all_nfc = all(unicodedata.is_normalized("NFC", t) for t in texts)
    for nfc_known in {all_nfc, False}:
        cleaned, rows, rules = clean_arrow(array, nfc_known)
        cleaned.validate(full=True)
        expected = [clean(t) for t in texts]
        assert cleaned.to_pylist() == [t for t, _ in expected]
        assert rows.tolist() == [i for i, (_, fired) in enumerate(expected) if fired]
        assert rules == [fired for _, fired in expected if fired]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(utf8_text, st.text(alphabet=st.sampled_from(ARABIC_ALPHABET), max_size=12)), max_size=8))
def test_clean_arrow_is_clean_text_by_text(texts: list[str]) -> None:
    _clean_arrow_matches_clean(texts)


def test_clean_arrow_on_every_rule_and_on_texts_it_keeps() -> None:
    texts = [*PROSE, "", " ", "حلب ـــ دمشق", "ﺩﻣﺸﻖ", "ی\u0654", "حلب ، دمشق", "حلب .", "حلب  دمشق", " حلب", "حلب ",
             "e\u0301", "حلب\u00a0دمشق", "a.b", "حلب. دمشق", "کتاب یک", "یک ـــ کتاب"]
    _clean_arrow_matches_clean(texts)
    _clean_arrow_matches_clean(["کتاب یک", "دمشق"])  # Persian letters only: mapped in Arrow
    _clean_arrow_matches_clean(["کتاب یک", "ی\u0654"])  # a mapped yeh and hamza compose: clean() on both
    import pyarrow as pa
    import pyarrow.compute as pc

    from syria_news_ar.clean import CLEAN_GATE_RE2

    assert not pc.any(pc.match_substring_regex(pa.array(PROSE), CLEAN_GATE_RE2)).as_py()  # news prose goes by without clean()


def test_the_clean_gate_finds_every_character_clean_changes() -> None:
    """Every single code point that clean() changes (between letters, or at a text's end) is found
    by the RE2 gate in pyarrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from syria_news_ar.clean import CLEAN_GATE_RE2

    chars = [chr(cp) for cp in _code_points_to_scan()]
    for frame in ("ب{}ب", "ب{}", "{}"):
        texts = [frame.format(c) for c in chars]
        nfc = np.fromiter((unicodedata.is_normalized("NFC", t) for t in texts), dtype=bool, count=len(texts))
        changed = np.fromiter((bool(clean(t)[1]) for t in texts), dtype=bool, count=len(texts))
        found = pc.match_substring_regex(pa.array(texts), CLEAN_GATE_RE2).to_numpy(zero_copy_only=False)
        missed = changed & nfc & ~found
        assert not missed.any(), [f"U+{ord(chars[i]):04X}" for i in np.flatnonzero(missed)[:5]]

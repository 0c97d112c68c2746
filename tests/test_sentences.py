"""Tests for syria_news_ar.sentences: exact splits on hard cases + invariants."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar.sentences import _CLOSERS, _OPENERS, _TERMINATORS, ABBREVIATIONS, _candidates, _cls, sentence_spans


def split(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


NEWS_PARAGRAPH = (
    "وأكد أن الأزمة السورية تظل واحدة من أشد الأزمات الإنسانية حدة في العالم. "
    "فقبل التدفق الأخير لأكثر من نصف مليون عائد ولاجئ من لبنان منذ أيلول 2024، "
    "كان هناك أكثر من 16.7 مليون شخص بحاجة إلى المساعدة الإنسانية، وفق تعبيره."
)

CASES: list[tuple[str, list[str]]] = [
    # Real news paragraph: decimal number and "،" must not split.
    (
        NEWS_PARAGRAPH,
        [
            "وأكد أن الأزمة السورية تظل واحدة من أشد الأزمات الإنسانية حدة في العالم.",
            "فقبل التدفق الأخير لأكثر من نصف مليون عائد ولاجئ من لبنان منذ أيلول 2024، "
            "كان هناك أكثر من 16.7 مليون شخص بحاجة إلى المساعدة الإنسانية، وفق تعبيره.",
        ],
    ),
    # Closing quote after the dot belongs to the ending sentence.
    ('قال: "نحن مستعدون." وأضاف', ['قال: "نحن مستعدون."', "وأضاف"]),
    # Split inside quotes too.
    (
        'قال: "الوضع خطير. ندعو للتهدئة." وأضاف أن',
        ['قال: "الوضع خطير.', 'ندعو للتهدئة."', "وأضاف أن"],
    ),
    # Quote with two sentences, then attribution after the closing quote.
    (
        'وقال المتحدث: "لن نتراجع. سنواصل العمل حتى النهاية"، '
        "بحسب ما نقلت وكالة الأنباء. وتابع الحديث",
        [
            'وقال المتحدث: "لن نتراجع.',
            'سنواصل العمل حتى النهاية"، بحسب ما نقلت وكالة الأنباء.',
            "وتابع الحديث",
        ],
    ),
    # Guillemets.
    (
        "وقال: «لن نسمح بذلك.» ثم غادر.",
        ["وقال: «لن نسمح بذلك.»", "ثم غادر."],
    ),
    # Text ending in a closing quote after the dot.
    ('وختم بالقول: "انتهى الأمر."', ['وختم بالقول: "انتهى الأمر."']),
    ("وقال: “هذا يكفي.”", ["وقال: “هذا يكفي.”"]),
    # Numbers never split.
    (
        "ارتفع المؤشر 3.5% ليبلغ 1.000.000 نقطة و2.5 مليون دولار. ثم تراجع",
        ["ارتفع المؤشر 3.5% ليبلغ 1.000.000 نقطة و2.5 مليون دولار.", "ثم تراجع"],
    ),
    # Time and URL.
    ("وصل الوفد عند الساعة 10.30 صباحا إلى دمشق", ["وصل الوفد عند الساعة 10.30 صباحا إلى دمشق"]),
    ("للمزيد زوروا www.example.com أو اتصلوا بنا. شكرا", ["للمزيد زوروا www.example.com أو اتصلوا بنا.", "شكرا"]),
    # Ellipsis (spaced, glued, unicode) is not a sentence end.
    ("دمرت المدارس والقرى ... إلخ", ["دمرت المدارس والقرى ... إلخ"]),
    ("نقص في الخبز والحليب... وغيرها من المواد", ["نقص في الخبز والحليب... وغيرها من المواد"]),
    ("انتظرنا طويلا… ولم يأت أحد", ["انتظرنا طويلا… ولم يأت أحد"]),
    ("انتظرنا طويلا.. ولم يأت أحد", ["انتظرنا طويلا.. ولم يأت أحد"]),
    # But "إلخ." followed by a space is an ordinary sentence end.
    ("نفد الخبز والسكر إلخ. ثم عاد التجار", ["نفد الخبز والسكر إلخ.", "ثم عاد التجار"]),
    # Arabic abbreviations.
    ("وقال د. محمد الأحمد إن الوضع صعب.", ["وقال د. محمد الأحمد إن الوضع صعب."]),
    ("حاضر أ.د. خالد و م.م. سعيد في الندوة. وحضر آخرون", ["حاضر أ.د. خالد و م.م. سعيد في الندوة.", "وحضر آخرون"]),
    ("وأشرف عليه أ. أحمد وم. سامي", ["وأشرف عليه أ. أحمد وم. سامي"]),
    ("ولد عام 1400 هـ. في دمشق", ["ولد عام 1400 هـ. في دمشق"]),
    ("بني عام 300 ق.م وهدم عام 200 ب.م في العصر الروماني", ["بني عام 300 ق.م وهدم عام 200 ب.م في العصر الروماني"]),
    ("انظر ص. 12 وج. 3 من الكتاب", ["انظر ص. 12 وج. 3 من الكتاب"]),
    # Latin initials.
    ("قالت وزارة الخارجية U.S. إن J. Smith سيزور دمشق. وأضافت", ["قالت وزارة الخارجية U.S. إن J. Smith سيزور دمشق.", "وأضافت"]),
    # Question and exclamation marks, repeated terminators end once.
    ("هل انتهت الحرب؟ لا أحد يعرف", ["هل انتهت الحرب؟", "لا أحد يعرف"]),
    ("يا له من يوم! عاد الجميع", ["يا له من يوم!", "عاد الجميع"]),
    ("لا يصدق!! حقا؟! نعم?! ممكن", ["لا يصدق!!", "حقا؟!", "نعم?!", "ممكن"]),
    ("هل هذا صحيح ؟ نعم", ["هل هذا صحيح ؟", "نعم"]),
    ("أمر مؤكد۔ ثم جاء", ["أمر مؤكد۔", "ثم جاء"]),
    # Colon, Arabic comma and semicolon never split.
    ("وجاء في البيان: أولا، وقف القتال؛ ثانيا، فتح الممرات", ["وجاء في البيان: أولا، وقف القتال؛ ثانيا، فتح الممرات"]),
    # Trailing text without terminal punctuation.
    ("انتهى الاجتماع. وسيعقد اجتماع آخر غدا", ["انتهى الاجتماع.", "وسيعقد اجتماع آخر غدا"]),
    # Parentheses after the dot / before the dot.
    ("أعلنت وزارة الدفاع الأمريكية (البنتاغون). وقالت إن", ["أعلنت وزارة الدفاع الأمريكية (البنتاغون).", "وقالت إن"]),
    ("وقع الهجوم صباحا (بحسب المرصد.) ثم توقف", ["وقع الهجوم صباحا (بحسب المرصد.)", "ثم توقف"]),
    # A year at the end of a sentence is a real sentence end.
    ("اندلعت الثورة عام 2011. وتحولت إلى حرب", ["اندلعت الثورة عام 2011.", "وتحولت إلى حرب"]),
    # Numbered list markers and lone dots give no empty / punctuation-only spans.
    ("1. وقف إطلاق النار. 2. فتح الممرات", ["1. وقف إطلاق النار.", "2. فتح الممرات"]),
    (". بدأ الهجوم", [". بدأ الهجوم"]),
    ("بدأ الهجوم . ثم توقف", ["بدأ الهجوم .", "ثم توقف"]),
    ("بدأ الهجوم. !! ثم توقف", ["بدأ الهجوم. !!", "ثم توقف"]),
    ("بدأ الهجوم. .", ["بدأ الهجوم. ."]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_hard_cases(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_exact_offsets() -> None:
    text = 'قال: "نحن مستعدون." وأضاف'
    assert sentence_spans(text) == [(0, 19), (20, 25)]


@pytest.mark.parametrize("text", ["", " ", "   ", "\n\t "])
def test_blank_gives_no_spans(text: str) -> None:
    assert sentence_spans(text) == []


@pytest.mark.parametrize("text", [".", "...", "!!", "؟", "«»", ". . .", " . "])
def test_punctuation_only_gives_one_span(text: str) -> None:
    assert split(text) == [text.strip()]


def test_abbreviation_constant() -> None:
    for abbr in ("د", "هـ", "أ.د", "م.م", "ق.م", "ب.م"):
        assert abbr in ABBREVIATIONS
    assert "إلخ" not in ABBREVIATIONS


def test_long_text_with_dot_runs() -> None:
    # Pathological tokens (long dot runs) are handled (speed is measured in benchmarks/).
    text = ("." * 50_000 + "x ") * 4 + " ".join([NEWS_PARAGRAPH] * 200)
    spans = sentence_spans(text)
    assert len(spans) >= 400


# ---------------------------------------------------------------- properties


def check_invariants(text: str) -> list[tuple[int, int]]:
    spans = sentence_spans(text)
    prev = 0
    for s, e in spans:
        assert isinstance(s, int) and isinstance(e, int)
        assert prev <= s < e <= len(text)
        piece = text[s:e]
        assert piece == piece.strip() and piece
        # Only whitespace between consecutive spans / before the first.
        assert text[prev:s].strip() == ""
        prev = e
    assert text[prev:].strip() == ""
    if text.strip():
        assert spans
    else:
        assert spans == []
    # Deterministic.
    assert sentence_spans(text) == spans
    return spans


WORDS = st.sampled_from(
    [
        "قال",
        "الوضع",
        "خطير",
        "سوريا",
        "حلب",
        "د",
        "هـ",
        "أ.د",
        "ق.م",
        "إلخ",
        "U.S",
        "J",
        "www.example.com",
        "16.7",
        "10.30",
        "2024",
        "1",
        "١٢",
    ]
)
PUNCT = st.sampled_from(
    [".", "..", "...", "…", "؟", "!", "?!", "؟!", ":", "،", "؛", "۔", '"', "“", "”", "«", "»", "(", ")", "'"]
)
SPACE = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0"])
PIECES = st.lists(st.one_of(WORDS, PUNCT, SPACE, st.text(max_size=3)), max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_invariants_arbitrary_text(text: str) -> None:
    check_invariants(text)


@settings(max_examples=500, deadline=None)
@given(PIECES)
def test_invariants_news_like_text(text: str) -> None:
    check_invariants(text)


@settings(max_examples=500, deadline=None)
@given(PIECES)
def test_whitespace_kind_and_amount_do_not_matter(text: str) -> None:
    """Splitting depends only on where whitespace is, not which or how much."""
    normalized = re.sub(r"\s+", " ", text)
    got = [re.sub(r"\s+", " ", p) for p in split(text)]
    assert got == split(normalized)


# The token regex _candidates replaced (one match per token that ends in a terminator run,
# tried at every token): the reference for the candidates the faster scan finds.
TOKEN_RE = re.compile(
    r"(?<!\S)"
    rf"(?P<open>{_cls(_OPENERS)}*+)"
    r"(?P<pre>\S*?)"
    rf"(?<!{_cls(_TERMINATORS)})"
    rf"(?P<term>{_cls(_TERMINATORS)}++)"
    rf"(?P<close>{_cls(_CLOSERS)}*+)"
    r"(?=\s|\Z)"
)
# terminators, closers, openers, whitespace of several kinds, letters and digits
MARKS = st.lists(st.sampled_from(list(".…!?؟۔‼\"'“”‘’«»‹›()[]{} \t\n\u00a0\u2003xyدهـ1٣\u0640")), max_size=30).map("".join)


def candidates_by_token_regex(text: str) -> list[tuple[int, int, str, str, str]]:
    return [(m.start(), m.end(), m["open"], m["pre"], m["term"]) for m in TOKEN_RE.finditer(text)]


def candidates(text: str) -> list[tuple[int, int, str, str, str]]:
    return [(token, end, text[token:opened], text[opened:run], text[run:run_end]) for token, opened, run, run_end, end in _candidates(text)]


@pytest.mark.parametrize("text", ["", ".", "a. b", '"نعم." قال', "(د. محمد)", "1. أولاً", "x.y. z", "؟!» ثم", "a...\u2003b", "«.«", "x.»."])
def test_candidates_are_the_token_regex_matches(text: str) -> None:
    assert candidates(text) == candidates_by_token_regex(text)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(MARKS, PIECES, st.text()))
def test_candidates_equal_the_token_regex_on_any_text(text: str) -> None:
    assert candidates(text) == candidates_by_token_regex(text)

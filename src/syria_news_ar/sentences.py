"""Rule-based sentence segmentation for cleaned Arabic news paragraphs.

Why not an off-the-shelf splitter: generic tools (pysbd, pyarabic) treat the
Arabic comma "،" and the colon ":" as sentence ends, which shreds Arabic news
prose, where a single sentence routinely runs over several "،"-clauses and
quotes are introduced with ":".

Design: a sentence can only end at the *end of a whitespace-delimited token*
(the spec requires the terminator run to be followed by whitespace or the end
of text).  One compiled regex scan finds every terminator run (optionally
followed by closing quotes/brackets) that ends a token, and the token's start
and opening quotes are found from there; a handful of O(1) checks per
candidate then reject ellipses, abbreviations, list markers and
punctuation-only fragments.  Because every boundary sits at a token end,
each span starts at the first non-space character after the previous span and
ends at a token end, so spans are automatically stripped, non-empty, ordered,
and leave only whitespace uncovered.

The module is stdlib-only on purpose: it is imported by the cleaning pipeline
and by tests that must not pull in the rest of the package.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["ABBREVIATIONS", "sentence_spans"]

# Terminators that always end a sentence (when followed by whitespace/end):
# ! ? Arabic question mark, Arabic full stop U+06D4, and the double-mark
# ligatures.  Runs like "!!", "?!" and "؟!" are one terminator.
_STRONG = "!?\u061f\u06d4\u203c\u2047\u2048\u2049"
# Terminators that are ambiguous: "." (abbreviations, list markers) and the
# ellipsis character.  A run of 2+ dots or any "…" is an ellipsis, which in
# news prose marks an omission or trailing list ("... إلخ"), not a sentence end.
_WEAK = ".\u2026"
_TERMINATORS = _STRONG + _WEAK
# Closing quotes/brackets glued after the terminator belong to the sentence
# that ends (`"نحن مستعدون."`).  Opening-looking quotes are included because
# Arabic web text often mirrors them (» used as opening, « as closing); glued
# to the end of a token they can only be closing the current sentence.
_CLOSERS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u2039\u203a)]}"
# Opening quotes/brackets glued to the *start* of a token, stripped before the
# abbreviation test so that `(د.` is recognised like `د.`.
_OPENERS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u2039\u203a([{"


def _cls(chars: str) -> str:
    """Regex character class for a literal set of characters."""
    return "[" + "".join(re.escape(c) for c in chars) + "]"


# A candidate sentence end is a whole whitespace-delimited token of the shape
#   <openers><pre><terminator run><closers>
# followed by whitespace or the end of text, where the terminator run is the
# *maximal* trailing run (e.g. "..." or "؟!"), never a suffix of it.  The scan
# looks for terminator runs only (the pattern opens with their character class,
# so the regex engine jumps from one terminator character to the next) instead
# of trying a token pattern at every token, and the token's start is found from
# the run.  A match never fails once started: a run that is not followed by
# whitespace or the end matches without the empty group and is skipped, so a
# match always takes a whole run and the engine never retries inside one (a
# pattern that could fail there made a 200,000-dot token take 99 s).  The
# paragraphs of the 100 MB benchmark corpus: candidates in 0.35 s instead of
# 0.93 s with a lookbehind-led pattern, and the old token pattern took 1.8 s.
# tests/test_sentences.py holds _candidates to the token regex it replaced.
_RUN_RE = re.compile(rf"({_cls(_TERMINATORS)}{_cls(_TERMINATORS)}*+){_cls(_CLOSERS)}*+(?:(?=\s|\Z)()|)")


def _candidates(text: str) -> Iterator[tuple[int, int, int, int, int]]:
    """(token start, openers' end, terminator run's start, run's end, token end) of every
    token that ends in a terminator run and closers, in order."""
    for m in _RUN_RE.finditer(text):
        if m.start(2) < 0:
            continue  # the run (and its closers) is followed by more of the token
        run = m.start()
        start = run
        while start and not text[start - 1].isspace():  # \S, as str.isspace() is re's \s
            start -= 1
        opened = start
        while text[opened] in _OPENERS:  # stops at the run at the latest: no terminator opens
            opened += 1
        yield start, opened, run, m.end(1), m.end()


# Explicit abbreviations whose trailing "." is never a sentence end.  Matched
# against the token text before the final dot, after stripping opening
# quotes/brackets.  Besides this list, any token made of single letters joined
# by dots is an abbreviation (see _INITIALS_RE): Arabic "د." (دكتور), "م.",
# "أ." (أستاذ), "ص.", "ج.", "هـ." (hijri year, letter + tatweel), "أ.د.",
# "م.م.", "ق.م", "ب.م", and Latin "U.S.", "J. Smith".  The Arabic entries below
# are therefore documentation of intent; the Latin titles are needed because
# they are multi-letter words.  "إلخ" is deliberately NOT listed: "إلخ."
# followed by a space ends a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        # Arabic single-letter and dotted abbreviations (also covered by the
        # single-letter rule, listed so the intent is greppable).
        "د",  # دكتور
        "م",  # ميلادي / مهندس
        "أ",  # أستاذ
        "ص",  # صفحة / صباحاً
        "ج",  # جزء / جمهورية
        "هـ",  # هجري (letter + tatweel)
        "ق.م",  # قبل الميلاد
        "ب.م",  # بعد الميلاد
        "أ.د",  # أستاذ دكتور
        "م.م",  # مدرس مساعد
        # Latin titles that appear in transliterated names and quotes.
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Prof",
        "St",
        "Jr",
        "Sr",
        "Gen",
        "Lt",
        "Col",
        "Capt",
        "Sgt",
        "Gov",
        "Sen",
        "Rep",
        "Rev",
        "vs",
    }
)

# One Arabic letter (Arabic block letters incl. Persian/Urdu forms such as
# "ی" and "ھ" that occur in scraped news), optionally followed by tatweel or
# harakat, e.g. "هـ" or "دُ".
_AR_LETTER = (
    "[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff]"
    "[\u0640\u064b-\u065f\u0670]*"
)
# Token text (before the final dot) that is a run of initials:
#   - Arabic single letters joined by dots: "د", "أ.د", "ق.م", "ج.م.ع",
#     optionally behind the conjunction "و" written attached ("ود. محمد",
#     "وأ.د. خالد"): و + one letter is not a sentence-final word in news;
#   - a single Latin capital: "J" (in "J. Smith");
#   - two or more Latin letters joined by dots: "U.S", "e.g", "U.S.A".
_INITIALS_RE = re.compile(
    rf"\u0648?{_AR_LETTER}(?:\.{_AR_LETTER})*"
    r"|[A-Z]"
    r"|[A-Za-z](?:\.[A-Za-z])+"
)

# Numbered list marker ("1." / "١.") opening a sentence.
_LIST_NUMBER_RE = re.compile(r"\d+")
_NON_SPACE_RE = re.compile(r"\S")
# A sentence needs at least one letter or digit; fragments of pure
# punctuation ("." at paragraph start, a stray "!!") are merged, never
# emitted as their own sentence when there is a neighbour to join.
_WORD_RE = re.compile(r"\w")


def _is_abbreviation(pre: str) -> bool:
    """True if ``pre`` + "." is an abbreviation rather than a sentence end."""
    return pre in ABBREVIATIONS or _INITIALS_RE.fullmatch(pre) is not None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Code-point spans (start, end) of the sentences of one cleaned paragraph.

    Rules (see module docstring for the why):

    * A sentence ends after a run of ``. ! ? ؟ ۔`` that is followed by
      whitespace or end of text; closing quotes/brackets glued to the run
      belong to the ending sentence.  Splits also happen inside quotes.
    * No whitespace after a dot means no split: numbers (16.7, 1.000.000),
      times (10.30) and URLs (www.example.com) stay intact.
    * A run of 2+ dots or "…" (without ! ? ؟ ۔) is an ellipsis: no split.
    * A single "." after an abbreviation (single Arabic letter, "هـ",
      dotted initials such as "أ.د"/"U.S", either optionally behind an
      attached "و" as in "ود.", a single Latin capital, or a title in
      ``ABBREVIATIONS``) is no split.
    * A sentence-initial number + "." ("1.") is a list marker: no split.
    * ":" "،" "؛" never end a sentence.
    * A fragment with no letter or digit is attached to the previous sentence
      (or, at paragraph start, to the next one), so no sentence is pure
      punctuation when it has a neighbour.

    Guarantees for any string: spans are ordered, non-overlapping, non-empty,
    stripped, and only whitespace lies outside them; a text with any
    non-whitespace character yields at least one span; "" or blank -> [].
    """
    spans: list[tuple[int, int]] = []
    prev_end = 0  # end of the last emitted span
    start = -1  # start of the pending sentence; -1 = not computed yet
    word_at = -1  # index of the first \w char at/after `start`

    for token, opened, run, run_end, end in _candidates(text):
        term = text[run:run_end]
        if not any(c in _STRONG for c in term):
            if len(term) > 1 or term == "\u2026":
                continue  # ellipsis
            if _is_abbreviation(text[opened:run]):
                continue
        if start < 0:
            # A candidate exists at or after prev_end, so a non-space does too.
            start = _NON_SPACE_RE.search(text, prev_end).start()  # type: ignore[union-attr]
            w = _WORD_RE.search(text, start)
            word_at = w.start() if w is not None else len(text)
        if word_at >= end:
            # Punctuation-only fragment: glue to the previous sentence if
            # any, otherwise keep accumulating into the next one.
            if spans:
                spans[-1] = (spans[-1][0], end)
                prev_end = end
                start = -1
            continue
        if (
            term == "."
            and token == start
            and opened == token
            and _LIST_NUMBER_RE.fullmatch(text, opened, run)
        ):
            continue  # "1. ..." list marker at sentence start
        spans.append((start, end))
        prev_end = end
        start = -1

    # Trailing text without a terminator is the last sentence.
    tail_end = len(text.rstrip())
    if tail_end > prev_end:
        if start < 0:
            start = _NON_SPACE_RE.search(text, prev_end).start()  # type: ignore[union-attr]
        if spans and _WORD_RE.search(text, start, tail_end) is None:
            spans[-1] = (spans[-1][0], tail_end)
        else:
            spans.append((start, tail_end))
    return spans

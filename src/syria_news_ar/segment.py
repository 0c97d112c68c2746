"""Step 2, segment: headings vs paragraphs, sentences, article boundaries and each article's date.

The source carries no article markers. A paragraph opens a new article when it looks like a lead
(a dateline, a lead stating its own date, or an opening reporting verb with no connective) and
nothing says it continues the current one (a connective opener, a heading just before it, or
text that already appeared earlier, i.e. a background paragraph copied from an earlier article).
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .dates import find_date
from .ingest import STATUS_TEXT
from .params import SegmentParams
from .progress import progress
from .records import list_array
from .sentences import sentence_spans
from .texts_at import TextsAt
from .worker import share_work

# Opening verbs of a news lead (perfect tense, masculine and feminine, and a few present forms
# that leads use: "تتابع إسرائيل ...").  A "و"/"ف" prefix makes them continuations, so the bare
# form is what is listed.
REPORTING_VERBS: frozenset[str] = frozenset(
    """
    قال قالت أعلن أعلنت أفاد أفادت أكد أكدت ذكر ذكرت كشف كشفت أوضح أوضحت صرح صرحت صرّح صرّحت
    دعا دعت عبر عبرت عبّر عبّرت أعرب أعربت نفى نفت حذر حذرت حذّر حذّرت طالب طالبت أصدر أصدرت
    نشر نشرت نقل نقلت أشار أشارت اعتبر اعتبرت رأى رأت شن شنت شنّت قصف قصفت استهدف استهدفت
    خاض خاضت تمكن تمكنت تمكّن تمكّنت حقق حققت سيطر سيطرت اندلع اندلعت شهد شهدت وثق وثقت وثّق وثّقت
    رصد رصدت قتل قتلت قُتل أصيب أُصيب لقي لقيت توفي تُوفي بدأ بدأت أطلق أطلقت وصل وصلت التقى
    استقبل استقبلت أدان أدانت ندد نددت ندّد ندّدت هاجم هاجمت وجه وجهت وجّه وجّهت أجرى أجرت عقد عقدت
    يتابع تتابع يشهد تشهد تواصل يواصل تستمر يستمر
    """.split()
)
# Openers that tie a paragraph to the one before it, across outlets.
_CONTINUATION = re.compile(
    r"^(?:[وف](?!زار|زير|كال|فد|سائل|اشنطن|حدات)\S"
    r"|كما\b|كذلك\b|هذا\b|هذا،|بينما\b|إذ\b|اذ\b|أيضا|ايضا|سبق\b|إضافة|اضافة|بالتوازي|بدوره|بدورها"
    r"|من جهته|من جهتها|من جانبه|من جانبها|إلى ذلك|الى ذلك|يشار|يذكر|يُذكر|علما|علماً|في السياق|في سياق"
    r"|في المقابل|في حين|غير أن|لكن|خلال|تأتي|يأتي|جاء\b|يُشار)"
)
# "حلب - ..." / "(حلب) -" / "دمشق، 3 كانون الأول - ...": a place name then a dash, at the very start.
_DATELINE = re.compile(r"^\(?[\u0621-\u064A]+(?: [\u0621-\u064A]+){0,3}\)?(?:، [^-–—]{1,40})? ?[-–—] \S")
_DAY_NAMES = re.compile(r"(?:اليوم|يوم|مساء|صباح|ليلة|فجر)\s+(?:ال)?(?:سبت|أحد|احد|اثنين|إثنين|ثلاثاء|أربعاء|اربعاء|خميس|جمعة)")

_CLAUSE_PUNCT = re.compile(r"[،,؛;؟?!]")
# Substrings without which _DATELINE and _DAY_NAMES cannot match, tested first: the regexes fail
# slowly at most places of most paragraphs. Over the 100 MB benchmark's paragraphs start_cue took
# 0.41 s instead of 0.57 s (_DATELINE 0.23 s and _DAY_NAMES 0.39 s alone, the substring tests
# 0.08 s and 0.24 s). tests/test_segment.py holds these parts to the regexes' alternatives.
_DASHES = ("-", "–", "—")
_DAY_WORDS = ("يوم", "مساء", "صباح", "ليلة", "فجر")  # every word of the first group holds one
_DAY_NAME_PARTS = ("سبت", "حد", "ثنين", "ثلاثاء", "ربعاء", "خميس", "جمعة")  # so does every day name


def _has_any(text: str, parts: tuple[str, ...]) -> bool:
    return any(part in text for part in parts)

KIND_HEADING, KIND_PARAGRAPH = "heading", "paragraph"
# From this many distinct paragraphs a worker process takes the text_features of the second half
# (~19 us a paragraph here for the sentences alone: 3.8 s for the 100 MB benchmark's 195k; a
# worker starts in ~0.5 s).
SENTENCE_WORKER_MIN = 30_000
BATCH = 20_000  # lines whose texts are in Python at once

SEGMENT_SCHEMA = pa.schema(
    [
        ("line_number", pa.int64()),
        ("kind", pa.string()),
        ("document", pa.int64()),
        ("first_occurrence", pa.bool_()),
        ("start_cue", pa.string()),
        ("sentence_starts", pa.list_(pa.int64())),
        ("sentence_ends", pa.list_(pa.int64())),
    ]
)
DOCUMENT_SCHEMA = pa.schema(
    [("document", pa.int64()), ("source_line_start", pa.int64()), ("source_line_end", pa.int64()), ("date", pa.string())]
)


def paragraph_kind(text: str, params: SegmentParams) -> str:
    """A heading is short, has no clause punctuation, and does not end like a sentence (?, !).
    Length first and words counted, not split: 0.05 s instead of 0.28 s over the 100 MB
    benchmark's paragraphs."""
    if (
        len(text) <= params.heading_max_chars
        and text.count(" ") + 1 <= params.heading_max_words  # len(text.split(" ")), without the words
        and not _CLAUSE_PUNCT.search(text)
        and text.count(".") <= (1 if text.endswith(".") else 0)
    ):
        return KIND_HEADING
    return KIND_PARAGRAPH


def start_cue(text: str) -> str | None:
    """Name of the lead cue this paragraph shows, or None (it reads as a continuation)."""
    if _CONTINUATION.match(text):
        return None
    if _has_any(text, _DASHES) and _DATELINE.match(text):
        return "dateline"
    head = text[:160]
    if _has_any(head, _DAY_WORDS) and _has_any(head, _DAY_NAME_PARTS) and _DAY_NAMES.search(head) and find_date(head):
        return "dated_lead"
    first = text.split(" ", 1)[0].strip("\"“”«»'")
    if first in REPORTING_VERBS:
        return "reporting_verb"
    return None


@dataclass
class SegmentResult:
    lines: pa.Table  # one row per text line (SEGMENT_SCHEMA)
    documents: pa.Table  # one row per document (DOCUMENT_SCHEMA)

    def metrics(self) -> dict[str, object]:
        first = self.lines.filter(self.lines["first_occurrence"])
        kinds = Counter(first["kind"].to_pylist())
        return {
            "paragraphs": kinds.get(KIND_PARAGRAPH, 0),
            "headings": kinds.get(KIND_HEADING, 0),
            "documents": self.documents.num_rows,
            "documents_with_date": sum(1 for d in self.documents["date"].to_pylist() if d),
            "start_cues": dict(sorted(Counter(c for c in self.lines["start_cue"].to_pylist() if c).items())),
            "sentences": sum(len(s) for s in first["sentence_starts"].to_pylist()),
        }


def first_occurrences(keys: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Per row: is this the first row with its key? Arrow's unique keeps first-seen order, so a
    row is a first occurrence exactly when its index into the unique keys is a new maximum."""
    if not len(keys):
        return np.zeros(0, dtype=bool)
    index = pc.index_in(keys, value_set=pc.unique(keys)).to_numpy(zero_copy_only=False)
    first = np.empty(len(index), dtype=bool)
    first[0] = True
    np.greater(index[1:], np.maximum.accumulate(index)[:-1], out=first[1:])
    return first


def text_features(
    texts: pa.Array | TextsAt, params: SegmentParams
) -> tuple[np.ndarray, list[str | None], list[str | None], np.ndarray, np.ndarray, np.ndarray]:
    """Per text: is it a heading (paragraph_kind), its lead cue if it is a paragraph (start_cue),
    the date it states if it has a cue (find_date, ISO; it dates the document it may start), and
    its sentences (counts, then all starts and ends as flat int64 arrays): everything segment
    needs of a distinct paragraph that depends on its text alone. BATCH texts in Python at a time
    (picklable in and out: a worker can do a share)."""
    heading = np.zeros(len(texts), dtype=bool)
    cues: list[str | None] = []
    dates: list[str | None] = []
    counts = np.zeros(len(texts), dtype=np.int64)
    starts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    ends: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    for lo in progress(range(0, len(texts), BATCH), desc="segment", unit=" batches", total=-(-len(texts) // BATCH)):
        flat: list[int] = []
        for i, text in enumerate(texts.slice(lo, BATCH).to_pylist(), lo):
            heading[i] = paragraph_kind(text, params) == KIND_HEADING
            cues.append(None if heading[i] else start_cue(text))
            date = find_date(text) if cues[-1] else None
            dates.append(date.isoformat() if date else None)
            spans = sentence_spans(text)
            counts[i] = len(spans)
            flat.extend(itertools.chain.from_iterable(spans))
        pairs = np.array(flat, dtype=np.int64).reshape(-1, 2)
        starts.append(pairs[:, 0])
        ends.append(pairs[:, 1])
    return heading, cues, dates, counts, np.concatenate(starts), np.concatenate(ends)


def segment(ingested: pa.Table, params: SegmentParams) -> SegmentResult:
    """Label kinds, split sentences of first occurrences, and cut the run of lines into articles.

    What depends on a distinct paragraph's text alone (text_features) is computed a batch at a
    time, shared with a worker process for a large source; the article cut then runs over those
    answers in line order. Memory holds no Python object per sentence."""
    text_rows = np.flatnonzero(pc.equal(ingested["status"], STATUS_TEXT).to_numpy(zero_copy_only=False))
    numbers = ingested["line_number"].to_numpy()[text_rows]
    first_flags = first_occurrences(ingested["key_hash"].take(pa.array(text_rows)))
    first_texts = TextsAt.of(ingested["text"], text_rows[first_flags])  # read in place, not copied
    first_heading, first_cues, first_dates, span_counts, span_starts, span_ends = share_work(text_features, first_texts, SENTENCE_WORKER_MIN, params)
    del first_texts
    n = len(text_rows)
    heading = np.zeros(n, dtype=bool)
    heading[first_flags] = first_heading
    cue_candidates: list[str | None] = [None] * n
    date_candidates: list[str | None] = [None] * n
    for i, cue, date in zip(np.flatnonzero(first_flags).tolist(), first_cues, first_dates):
        cue_candidates[i], date_candidates[i] = cue, date
    repeats = np.flatnonzero(~first_flags)  # same key as an earlier line, maybe not the same text: its own kind
    for lo in range(0, len(repeats), BATCH):
        part = repeats[lo : lo + BATCH]
        texts = ingested["text"].take(pa.array(text_rows[part])).to_pylist()
        heading[part] = [paragraph_kind(text, params) == KIND_HEADING for text in texts]
    cues: list[str | None] = []
    line_doc = np.zeros(n, dtype=np.int64)
    docs: dict[str, Any] = {"date": []}
    prev_heading = False
    doc = -1
    doc_first_row: list[int] = []
    for i, (is_heading, candidate) in enumerate(zip(heading.tolist(), cue_candidates)):
        cue = candidate if not prev_heading else None  # a heading just before: it continues
        if doc < 0 or cue:
            doc += 1
            doc_first_row.append(i)
            docs["date"].append(date_candidates[i] if cue else None)
        cues.append(cue)
        line_doc[i] = doc
        prev_heading = is_heading
    first_row = np.array(doc_first_row, dtype=np.int64)
    docs["document"] = np.arange(len(first_row))
    docs["source_line_start"] = numbers[first_row]
    docs["source_line_end"] = numbers[np.append(first_row[1:], n).astype(np.int64) - 1]  # the line before the next one's first
    counts = np.zeros(n, dtype=np.int64)
    counts[first_flags] = span_counts
    lines = pa.table(
        {
            "line_number": numbers,
            "kind": pa.array(np.where(heading, KIND_HEADING, KIND_PARAGRAPH).tolist(), pa.string()),
            "document": line_doc,
            "first_occurrence": first_flags,
            "start_cue": pa.array(cues, pa.string()),
            "sentence_starts": list_array(counts, pa.array(span_starts, type=pa.int64())),
            "sentence_ends": list_array(counts, pa.array(span_ends, type=pa.int64())),
        },
        schema=SEGMENT_SCHEMA,
    )
    return SegmentResult(lines, pa.table(docs, schema=DOCUMENT_SCHEMA))

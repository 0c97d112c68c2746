"""Step 2, segment: headings vs paragraphs, sentences, article boundaries and each article's date.

The source carries no article markers. A paragraph opens a new article when it looks like a lead
(a dateline, a lead stating its own date, or an opening reporting verb with no connective) and
nothing says it continues the current one (a connective opener, a heading just before it, or
text that already appeared earlier, i.e. a background paragraph copied from an earlier article).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from .dates import find_date
from .ingest import STATUS_TEXT
from .params import SegmentParams
from .progress import progress
from .sentences import sentence_spans
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

KIND_HEADING, KIND_PARAGRAPH = "heading", "paragraph"
# From this many distinct paragraphs a worker process splits the sentences of the second half
# (~19 us a paragraph here: 3.8 s for the 100 MB benchmark's 195k; a worker starts in ~0.5 s).
SENTENCE_WORKER_MIN = 30_000

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
    """A heading is short, has no clause punctuation, and does not end like a sentence (?, !)."""
    words = text.split(" ")
    if (
        len(words) <= params.heading_max_words
        and len(text) <= params.heading_max_chars
        and not _CLAUSE_PUNCT.search(text)
        and text.count(".") <= (1 if text.endswith(".") else 0)
    ):
        return KIND_HEADING
    return KIND_PARAGRAPH


def start_cue(text: str) -> str | None:
    """Name of the lead cue this paragraph shows, or None (it reads as a continuation)."""
    if _CONTINUATION.match(text):
        return None
    if _DATELINE.match(text):
        return "dateline"
    head = text[:160]
    if _DAY_NAMES.search(head) and find_date(head):
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


def first_occurrences(keys: Sequence[str]) -> list[bool]:
    """Per row: is this the first row with its key?"""
    seen: set[str] = set()
    flags = []
    for key in keys:
        flags.append(key not in seen)
        seen.add(key)
    return flags


def sentence_span_lists(texts: Sequence[str]) -> tuple[list[list[int]], list[list[int]]]:
    """Sentence starts and ends of every text (picklable in and out: a worker can do a share)."""
    starts: list[list[int]] = []
    ends: list[list[int]] = []
    for text in texts:
        spans = sentence_spans(text)
        starts.append([a for a, _ in spans])
        ends.append([b for _, b in spans])
    return starts, ends


def segment(ingested: pa.Table, params: SegmentParams) -> SegmentResult:
    """Label kinds, split sentences of first occurrences, and cut the run of lines into articles."""
    text_rows = ingested.filter(pc.equal(ingested["status"], STATUS_TEXT))
    numbers = text_rows["line_number"].to_pylist()
    texts = text_rows["text"].to_pylist()
    keys = text_rows["key_hash"].to_pylist()
    first_flags = first_occurrences(keys)
    span_starts, span_ends = share_work(sentence_span_lists, [t for t, f in zip(texts, first_flags) if f], SENTENCE_WORKER_MIN)
    out: dict[str, list] = {name: [] for name in SEGMENT_SCHEMA.names}
    docs: dict[str, list] = {name: [] for name in DOCUMENT_SCHEMA.names}
    prev_kind: str | None = None
    doc = -1
    n_first = 0
    for number, text, first in progress(zip(numbers, texts, first_flags), desc="segment", unit=" lines", total=len(numbers)):
        kind = paragraph_kind(text, params)
        cue = start_cue(text) if kind == KIND_PARAGRAPH and first and prev_kind != KIND_HEADING else None
        if doc < 0 or cue:
            doc += 1
            date = find_date(text) if cue else None
            docs["document"].append(doc)
            docs["source_line_start"].append(number)
            docs["source_line_end"].append(number)
            docs["date"].append(date.isoformat() if date else None)
        docs["source_line_end"][-1] = number
        out["line_number"].append(number)
        out["kind"].append(kind)
        out["document"].append(doc)
        out["first_occurrence"].append(first)
        out["start_cue"].append(cue)
        out["sentence_starts"].append(span_starts[n_first] if first else [])
        out["sentence_ends"].append(span_ends[n_first] if first else [])
        n_first += first
        prev_kind = kind
    return SegmentResult(pa.table(out, schema=SEGMENT_SCHEMA), pa.table(docs, schema=DOCUMENT_SCHEMA))

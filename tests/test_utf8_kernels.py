"""The compiled UTF-8 passes on their own: the output bound keys_of_utf8 is given (the kernel
does not check it), keys under a table that lengthens characters, and the text check's span and
join comparisons against Python's slices and joins, and BLAKE2b against hashlib."""
from __future__ import annotations

import hashlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar.clean import _key_code_table
from syria_news_ar.utf8_kernels import chars_and_spaces, joins_differ, key_digests_of_utf8, keys_of_utf8, never_longer, spans_differ, spans_not_blank

IDENTITY = np.arange(0x110000, dtype=np.uint32)


def test_never_longer_knows_a_table_that_lengthens_a_character() -> None:
    assert never_longer(IDENTITY)
    assert never_longer(_key_code_table())  # so clean gives the kernel as many bytes as the texts
    longer = IDENTITY.copy()
    longer[ord("a")] = 0x10348  # 1 byte in, 4 out
    assert not never_longer(longer)
    shorter = IDENTITY.copy()
    shorter[0x0661] = ord("1")  # Arabic-Indic one (2 bytes) to an ASCII digit
    shorter[0x200B] = 0xFFFFFFFF  # dropped
    assert never_longer(shorter)


def test_keys_under_a_lengthening_table_fit_four_times_the_bytes() -> None:
    """"aa a" with a -> U+10348 (4 bytes each) and tabs as spaces: the keys are 4x the input's
    letters, written within the capacity clean.span_normalized_keys gives such a table."""
    table = IDENTITY.copy()
    table[ord("a")] = 0x10348
    table[ord("\t")] = 0x20
    texts = ["aa\ta", "\ta ", ""]
    utf8 = np.frombuffer("".join(texts).encode(), dtype=np.uint8)
    ends = np.cumsum([len(t.encode()) for t in texts])
    starts = ends - [len(t.encode()) for t in texts]
    out = keys_of_utf8(utf8, starts, ends, table, 4 * len(utf8) + len(texts))
    g = "\U00010348"
    keys = [f"{g}{g} {g}", g, ""]
    assert out.tobytes().decode().split("\n") == keys
    digests = key_digests_of_utf8(utf8, starts, ends, table, 4, 0x1F)  # its scratch: 4x the longest text
    assert digests.tobytes() == b"".join(hashlib.blake2b(k.encode() + b"\x1f", digest_size=16).digest() for k in keys)


def _utf8(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, bytes) of texts, as arrow_text.utf8_buffers gives them."""
    encoded = [t.encode() for t in texts]
    return np.cumsum([0] + [len(e) for e in encoded], dtype=np.int64), np.frombuffer(b"".join(encoded) or b"\0", dtype=np.uint8)


TEXT = st.text(alphabet=st.sampled_from(" \nab\u0627\u0644\u200f\U00010348"), max_size=8)  # 1-4 UTF-8 bytes each
BOUND = st.integers(-10, 10)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4), st.lists(st.tuples(st.integers(-1, 3), BOUND, BOUND, TEXT, st.booleans()), max_size=12))
def test_spans_differ_and_not_blank_equal_python_slices(paragraphs, spans) -> None:
    """Any bounds (negative, past the end, reversed) are taken as Python slices of code points."""
    spans = [(min(w, len(paragraphs) - 1), a, b, paragraphs[min(w, len(paragraphs) - 1)][a:b] if same else t, same)
             for w, a, b, t, same in spans]
    par_offsets, par_utf8 = _utf8(paragraphs)
    which, starts, ends = (np.asarray([s[i] for s in spans], dtype=np.int64) for i in range(3))
    offsets, utf8 = _utf8([s[3] for s in spans])
    differ = spans_differ(par_utf8, par_offsets, which, starts, ends, utf8, offsets)
    assert differ.tolist() == [w >= 0 and paragraphs[w][a:b] != t for w, a, b, t, _ in spans]
    assert not differ[[w >= 0 and same for w, _, _, _, same in spans]].any()
    some = [s for s in spans if s[0] >= 0]
    which, starts, ends = (np.asarray([s[i] for s in some], dtype=np.int64) for i in range(3))
    blank = spans_not_blank(par_utf8, par_offsets, which, starts, ends)
    assert blank.tolist() == [paragraphs[w][a:b].strip(" ") != "" for w, a, b, _, _ in some]


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=4), st.lists(st.tuples(st.lists(st.integers(-1, 3), max_size=4), st.booleans(), TEXT), max_size=8))
def test_joins_differ_equals_python_joins(paragraphs, docs) -> None:
    """A document lists paragraphs (-1: none, left out); its text is their join or another text."""
    docs = [([min(w, len(paragraphs) - 1) for w in listed], joined, text) for listed, joined, text in docs]
    join = ["\n".join(paragraphs[w] for w in listed if w >= 0) for listed, _, _ in docs]
    texts = [j if joined else t for j, (_, joined, t) in zip(join, docs)]
    par_offsets, par_utf8 = _utf8(paragraphs)
    offsets, utf8 = _utf8(texts)
    counts = np.asarray([len(listed) for listed, _, _ in docs], dtype=np.int64)
    which = np.asarray([w for listed, _, _ in docs for w in listed], dtype=np.int64)
    assert joins_differ(utf8, offsets, counts, which, par_utf8, par_offsets).tolist() == [t != j for t, j in zip(texts, join)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40).filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t)), min_size=1, max_size=5),
       st.lists(st.tuples(st.integers(0, 4), st.integers(-(2**62), 2**62) | st.integers(0, 300)), max_size=10))
def test_text_number_digests_equal_content_digest(texts: list[str], pairs: list[tuple[int, int]]) -> None:
    """content_digest(text, str(number)) for any text and any number: messages of one block, of
    exactly one (127 bytes, separator, 0 and the suffix: 130) and of three."""
    from syria_news_ar.ids import content_digest
    from syria_news_ar.utf8_kernels import text_number_digests

    texts = texts + ["x" * 126, "x" * 127, "y" * 300]
    pairs = [(min(w, len(texts) - 1), k) for w, k in pairs] + [(len(texts) - 3, 0), (len(texts) - 2, 0), (len(texts) - 1, 7), (0, -1), (0, 2**63 - 1)]
    encoded = [t.encode() for t in texts]
    offsets = np.cumsum([0] + [len(e) for e in encoded], dtype=np.int64)
    data = np.frombuffer(b"".join(encoded) or b"\0", dtype=np.uint8)
    got = text_number_digests(data, offsets, np.array([w for w, _ in pairs], dtype=np.int64), np.array([k for _, k in pairs], dtype=np.int64), 0x1F)
    assert got.tobytes() == b"".join(content_digest(texts[w], str(k)) for w, k in pairs)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=6))
def test_chars_and_spaces_are_arrow_lengths_and_space_counts(texts: list[str]) -> None:
    """The paragraphs' n_chars and n_words - 1, as pc.utf8_length and pc.count_substring(" ") give them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    offsets, utf8 = _utf8(texts)
    chars, spaces = chars_and_spaces(utf8, offsets[:-1], offsets[1:])
    column = pa.array(texts, pa.string())
    assert chars.tolist() == pc.utf8_length(column).to_pylist() == [len(t) for t in texts]
    assert spaces.tolist() == pc.count_substring(column, " ").to_pylist() == [t.count(" ") for t in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=5), st.lists(st.tuples(st.integers(0, 4), st.integers(0, 8), st.integers(0, 8)), max_size=10))
def test_gather_bytes_copies_each_span_in_order(paragraphs: list[str], picks: list[tuple[int, int, int]]) -> None:
    """Spans of any texts, in any order, empty ones and repeats included: each item is its bytes,
    as a string array (the sentences' texts, records.gather_bytes)."""
    import pyarrow as pa

    from syria_news_ar.records import gather_bytes

    offsets, utf8 = _utf8(paragraphs)
    chosen = [(min(w, len(paragraphs) - 1), a, b) for w, a, b in picks]
    texts = [paragraphs[w][a:b] for w, a, b in chosen]
    starts = np.asarray([offsets[w] + len(paragraphs[w][:a].encode()) for w, a, _ in chosen], dtype=np.int64)
    ends = starts + np.asarray([len(t.encode()) for t in texts], dtype=np.int64)
    got = gather_bytes(utf8, starts, ends)
    assert got.type == pa.string()
    got.validate(full=True)
    assert got.to_pylist() == texts


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), TEXT), min_size=1, max_size=5), st.lists(st.tuples(st.integers(0, 4), st.integers(0, 8), st.integers(0, 8)), max_size=10), st.booleans())
def test_codepoint_byte_spans_are_the_python_slices(texts: list[str | None], picks: list[tuple[int, int, int]], in_order: bool) -> None:
    """Code-point spans of any texts (a null as ""; a sliced column), ascending or in any order,
    empty and repeated ones included, become the byte spans of the same Python slices."""
    import pyarrow as pa

    from syria_news_ar.arrow_text import utf8_buffers
    from syria_news_ar.records import codepoint_byte_spans

    column = pa.array([None, *texts], pa.string()).slice(1)
    spans = []
    for w, a, b in picks:
        w = min(w, len(texts) - 1)
        n = len(texts[w] or "")
        spans.append((w, min(a, b, n), min(max(a, b), n)))
    if in_order:
        spans.sort()
    rows, starts, ends = (np.asarray([s[i] for s in spans], dtype=np.int64) for i in range(3))
    got = codepoint_byte_spans(column, rows, starts, ends)
    _, data = utf8_buffers(column)
    assert [data[a:b].tobytes().decode() for a, b in got.tolist()] == [(texts[w] or "")[a:b] for w, a, b in spans]
    offsets, _ = utf8_buffers(column)
    assert all(offsets[w] + len((texts[w] or "")[:a].encode()) == got[i, 0] for i, (w, a, _) in enumerate(spans))


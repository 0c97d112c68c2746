import re

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar.letters import ARABIC_LETTER_CLASS, arabic_letter_table, count_per_text, letter_table


def test_arabic_table_equals_the_regex() -> None:
    regex = re.compile(ARABIC_LETTER_CLASS)
    reference = np.fromiter((regex.match(chr(c)) is not None for c in range(0x110000)), dtype=bool, count=0x110000)
    assert (arabic_letter_table() == reference).all()
    assert not arabic_letter_table()[0x0640]  # tatweel is not a letter here


def test_counts_exact() -> None:
    texts = pa.array(["حلب", "abc حلب", "", "ـــ 123", "ی", None])
    counts = count_per_text(texts, letter_table(), arabic_letter_table())
    assert counts.tolist() == [[3, 6, 0, 3, 1, 0], [3, 3, 0, 0, 1, 0]]  # tatweel is Lm: a letter, not Arabic
    # empty texts first, in a run and last (np.add.reduceat's empty segments), any number of tables
    texts = pa.array(["", "", "حلب", "", "", "ab", ""])
    assert count_per_text(texts, arabic_letter_table()).tolist() == [[0, 0, 3, 0, 0, 0, 0]]
    assert count_per_text(texts, *[letter_table()] * 8).tolist() == [[0, 0, 3, 0, 0, 2, 0]] * 8
    assert count_per_text(texts).shape == (0, 7) and count_per_text(pa.array([], pa.string()), letter_table()).shape == (1, 0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.text()), max_size=20), st.integers(0, 20), st.integers(0, 20),
    st.integers(1, 6), st.booleans(), st.booleans(),
)
def test_counts_equal_a_count_per_character(
    texts: list[str | None], cut: int, offset: int, chunk: int, large: bool, chunked: bool
) -> None:
    """Any Arrow string column (sliced, chunked, large, with nulls counted as ""), decoded in
    chunks of any size: each text's letters (str.isalpha) and Arabic letters counted one
    character at a time."""
    arabic = re.compile(ARABIC_LETTER_CLASS)
    array = pa.array(texts, type=pa.large_string() if large else pa.string()).slice(min(offset, len(texts)))
    column = pa.chunked_array([array.slice(0, cut), array.slice(cut)]) if chunked else array
    expected = [
        [sum(c.isalpha() for c in t or "") for t in array.to_pylist()],
        [sum(arabic.match(c) is not None for c in t or "") for t in array.to_pylist()],
    ]
    assert count_per_text(column, letter_table(), arabic_letter_table(), chunk=chunk).tolist() == expected


def test_a_null_slot_holding_bytes_counts_as_empty() -> None:
    """Arrow lets a null slot span bytes of the data buffer; they belong to no text."""
    valid = pa.array(["حلب", "xyz", "دمشق"])
    _, offsets, data = valid.buffers()
    with_null = pa.Array.from_buffers(pa.string(), 3, [pa.py_buffer(bytes([0b101])), offsets, data])
    assert with_null.to_pylist() == ["حلب", None, "دمشق"]
    assert count_per_text(with_null, letter_table(), arabic_letter_table()).tolist() == [[3, 0, 4], [3, 0, 4]]

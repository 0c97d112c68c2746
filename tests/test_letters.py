import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar.letters import ARABIC_LETTER_CLASS, arabic_letter_table, count_per_text, letter_table


def test_arabic_table_equals_the_regex() -> None:
    regex = re.compile(ARABIC_LETTER_CLASS)
    reference = np.fromiter((regex.match(chr(c)) is not None for c in range(0x110000)), dtype=bool, count=0x110000)
    assert (arabic_letter_table() == reference).all()
    assert not arabic_letter_table()[0x0640]  # tatweel is not a letter here


def test_counts_exact() -> None:
    texts = ["حلب", "abc حلب", "", "ـــ 123", "ی"]
    counts = count_per_text(texts, letter_table(), arabic_letter_table())
    assert counts.tolist() == [[3, 6, 0, 3, 1], [3, 3, 0, 0, 1]]  # tatweel is Lm: a letter, not Arabic


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), max_size=12), st.integers(1, 5))
def test_chunking_changes_nothing(texts: list[str], chunk: int) -> None:
    whole = count_per_text(texts, letter_table())
    assert (count_per_text(texts, letter_table(), chunk=chunk) == whole).all()
    assert whole[0].tolist() == [sum(c.isalpha() for c in t) for t in texts]

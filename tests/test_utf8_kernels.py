"""The compiled UTF-8 passes on their own: the output bound keys_of_utf8 is given (the kernel
does not check it) and keys under a table that lengthens characters."""
from __future__ import annotations

import numpy as np

from syria_news_ar.clean import _key_code_table
from syria_news_ar.utf8_kernels import keys_of_utf8, never_longer

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
    assert out.tobytes().decode().split("\n") == [f"{g}{g} {g}", g, ""]

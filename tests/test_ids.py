"""Tests for syria_news_ar.ids beyond what the split's tests cover (hex_ids, id_digests)."""
from __future__ import annotations

import hashlib

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar.ids import hex_strings


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=12), st.integers(0, 12), st.integers(0, 12))
def test_hex_strings_are_the_hex_of_each_value(raws: list[bytes], lo: int, cut: int) -> None:
    """The ledger's raw_sha256: 32-byte digests as 64 lower-case hex digits, for a sliced or
    chunked fixed-size binary column."""
    digests = [hashlib.sha256(raw).digest() for raw in raws]
    array = pa.array(digests, pa.binary(32)).slice(min(lo, len(digests)))
    expected = [d.hex() for d in digests[min(lo, len(digests)):]]
    assert hex_strings(array).to_pylist() == expected
    chunked = pa.chunked_array([array.slice(0, cut), array.slice(cut)], type=pa.binary(32))
    column = hex_strings(chunked)
    column.validate(full=True)
    assert column.to_pylist() == expected

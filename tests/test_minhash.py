"""Vectorised shingle hashing and MinHash agree with the set definition in deduplicate.shingles."""
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from syria_news_ar.deduplicate import shingles
from syria_news_ar.minhash import band_hashes, shingle_hashes, signatures

KEYS = ["قال المتحدث ان الوضع خطير", "قال المتحدث ان الوضع خطير جدا", "حلب", "", "نص مختلف تماما عن غيره"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ابتثجح دذ", max_size=30), min_size=1, max_size=8), st.integers(2, 6))
def test_rows_hash_exactly_the_shingle_sets(keys: list[str], n: int) -> None:
    hashes, offsets = shingle_hashes(keys, n)
    assert len(offsets) == len(keys) + 1
    rows = [set(hashes[offsets[i] : offsets[i + 1]].tolist()) for i in range(len(keys))]
    for i, key in enumerate(keys):
        assert len(rows[i]) == len(shingles(key, n))  # no 64-bit collisions at this size
        for j, other in enumerate(keys):
            # shared shingles <=> shared hashes
            assert len(rows[i] & rows[j]) == len(shingles(key, n) & shingles(other, n))


def test_signatures_estimate_jaccard() -> None:
    hashes, offsets = shingle_hashes(KEYS, 5)
    sig = signatures(hashes, offsets, 128, 1)
    assert sig.shape == (len(KEYS), 128) and sig.dtype == np.uint32
    a, b = shingles(KEYS[0], 5), shingles(KEYS[1], 5)
    exact = len(a & b) / len(a | b)
    assert abs(float(np.mean(sig[0] == sig[1])) - exact) < 0.15
    assert float(np.mean(sig[0] == sig[4])) < 0.1
    same = signatures(*shingle_hashes([KEYS[0], KEYS[0]], 5), 128, 1)
    assert (same[0] == same[1]).all()
    assert (band_hashes(same, 32, 4)[0] == band_hashes(same, 32, 4)[1]).all()


def test_band_hashes_are_the_same_in_another_process() -> None:
    code = (
        "from syria_news_ar.minhash import *; import sys; k=" + repr(KEYS) + ";"
        "sys.stdout.write(band_hashes(signatures(*shingle_hashes(k, 5), 128, 1), 32, 4).tobytes().hex())"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    here = band_hashes(signatures(*shingle_hashes(KEYS, 5), 128, 1), 32, 4).tobytes().hex()
    assert other == here

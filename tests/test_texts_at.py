import pickle

import numpy as np
import pyarrow as pa
import pytest

from syria_news_ar.texts_at import SPILL_ROWS, SpilledTexts, TextsAt


def test_texts_at_reads_rows_in_place() -> None:
    """Segment's and deduplicate's view of the ingest texts: slices and takes by position in `rows`."""
    column = pa.chunked_array([pa.array(["a", None, "c", "d", "e"])])
    texts = TextsAt.of(column, np.array([4, 2, 0, 3]))
    assert len(texts) == 4
    assert texts.slice(1, 2).to_pylist() == ["c", "a"]
    assert texts.slice(3, 10).to_pylist() == ["d"]
    assert texts.take(np.array([3, 0])).to_pylist() == ["d", "e"]
    assert texts[2:].slice(0, 5).to_pylist() == ["a", "d"]


@pytest.mark.parametrize("n", [0, 1, SPILL_ROWS - 1, SPILL_ROWS, 2 * SPILL_ROWS + 3])
def test_spilled_texts_read_back_any_slice_and_pickle_as_their_path(tmp_path, n: int) -> None:
    """A worker's share: written from a view (or an array), read back a record batch at a time,
    slices across batch boundaries included; pickled, only the path and the count travel."""
    column = pa.array([None if i % 97 == 5 else f"نص {i}" for i in range(n + 7)])
    rows = np.arange(n + 7)[::-1][:n].copy()
    view = TextsAt.of(column, rows)
    spilled = SpilledTexts.write(view, tmp_path / "share.arrow")
    message = pickle.dumps(spilled)
    assert len(message) < 500
    back = pickle.loads(message)
    want = view.slice(0, n).to_pylist()
    assert len(back) == n
    for lo, size in [(0, n), (0, 2000), (SPILL_ROWS - 3, 7), (max(n - 1, 0), 5), (n, 3), (5, SPILL_ROWS)]:
        assert back.slice(lo, size).to_pylist() == want[lo : lo + size]
    assert SpilledTexts.write(column, tmp_path / "whole.arrow").slice(0, n + 7).to_pylist() == column.to_pylist()


def test_texts_at_refuses_a_column_of_several_chunks() -> None:
    """Every take would concatenate the chunks first: the view is only made of one-chunk columns."""
    with pytest.raises(ValueError, match="one chunk, got 2"):
        TextsAt.of(pa.chunked_array([pa.array(["a"]), pa.array(["b"])]), np.array([0]))

import pickle

import numpy as np
import pyarrow as pa
import pytest

from syria_news_ar.texts_at import TextsAt


def test_texts_at_reads_rows_in_place_and_pickles_only_its_own() -> None:
    """Segment's and deduplicate's view of the ingest texts: slices and takes by position in
    `rows`, and a share sent to a worker arrives as a plain array of just its texts."""
    column = pa.chunked_array([pa.array(["a", None, "c", "d", "e"])])
    texts = TextsAt.of(column, np.array([4, 2, 0, 3]))
    assert len(texts) == 4
    assert texts.slice(1, 2).to_pylist() == ["c", "a"]
    assert texts.slice(3, 10).to_pylist() == ["d"]
    assert texts.take(np.array([3, 0])).to_pylist() == ["d", "e"]
    tail = pickle.loads(pickle.dumps(texts[2:]))
    assert isinstance(tail, pa.Array) and tail.to_pylist() == ["a", "d"]


def test_texts_at_refuses_a_column_of_several_chunks() -> None:
    """Every take would concatenate the chunks first: the view is only made of one-chunk columns."""
    with pytest.raises(ValueError, match="one chunk, got 2"):
        TextsAt.of(pa.chunked_array([pa.array(["a"]), pa.array(["b"])]), np.array([0]))

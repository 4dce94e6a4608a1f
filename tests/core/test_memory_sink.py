"""MemorySink (issue 17): rows kept in one array grown in place, handed over without a final copy."""

from __future__ import annotations

import numpy as np
import pytest

from semvec_studio.core.io.sinks import MemorySink


def _chunks(rng, sizes):
    start = 0
    for n in sizes:
        yield rng.random((n, 3), dtype=np.float32), {"text_id": np.arange(start, start + n), "text": [f"t{i}" for i in range(start, start + n)]}
        start += n


@pytest.mark.parametrize("texts", [None, 60])
def test_rows_are_copied_in_order_and_the_array_ends_at_their_number(texts):
    rng = np.random.default_rng(0)
    sink = MemorySink(texts)
    sink.open("sentence", 3)
    kept = []
    for vectors, metadata in _chunks(rng, [7, 0, 13, 1, 20, 19]):
        kept.append(vectors.copy())
        sink.append(vectors, metadata)
        vectors[:] = -1  # the encode loop reuses its array for the next chunk
    out = sink.close({"model": "m"})
    assert out.vectors.shape == (60, 3)
    np.testing.assert_array_equal(out.vectors, np.concatenate(kept))
    assert list(out.metadata["text_id"]) == list(range(60))
    assert out.metadata["text"][59] == "t59"
    assert out.manifest["rows"] == 60 and out.manifest["dim"] == 3


def test_knowing_the_texts_it_grows_to_their_predicted_rows_not_chunk_by_chunk():
    rng = np.random.default_rng(1)
    sink = MemorySink(texts=1000)
    sink.open("sentence", 3)
    sizes = []
    for vectors, metadata in _chunks(rng, [100] * 10):
        sink.append(vectors, metadata)
        sizes.append(len(sink.vectors))
    assert len(set(sizes)) <= 2, sizes  # sized for all 1,000 texts after the first chunk (5% spare)
    assert len(sink.close({}).vectors) == 1000


def test_an_empty_run_gives_an_empty_set():
    sink = MemorySink(texts=0)
    sink.open("token", 5)
    out = sink.close({})
    assert out.vectors.shape == (0, 5) and out.manifest["rows"] == 0

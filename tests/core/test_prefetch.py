"""The encode loop's background producer (issue 17): on a GPU the next chunks are tokenised,
planned and padded in a thread while the forward pass runs (here it is forced on the CPU); the
results equal the loop without it, its errors reach the caller, and a cancel stops it."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from semvec_studio.core.errors import Cancelled
from semvec_studio.core.extract import encode
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import load_model
from semvec_studio.core.prefetch import Prefetched
from semvec_studio.core.tasks import TaskContext
from tests.core.test_encode_batched import TEXTS

LEVELS = ("token", "word", "sentence")


def _producers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "semvec-producer"]


def test_prefetched_keeps_order_and_stays_ahead_by_its_depth():
    made: list[int] = []

    def items():
        for k in range(20):
            made.append(k)
            yield k

    with Prefetched(items(), depth=3) as ahead:
        it = iter(ahead)
        assert next(it) == 0
        time.sleep(0.2)
        assert len(made) <= 1 + 3 + 1  # the one taken, the queue, the one waiting to be put
        assert [next(it) for _ in range(19)] == list(range(1, 20))
    assert not _producers()


def test_prefetched_raises_the_producers_error_where_it_happened():
    def items():
        yield 1
        raise ValueError("row 2 is bad")

    got = []
    with pytest.raises(ValueError, match="row 2 is bad"), Prefetched(items()) as ahead:
        got.extend(ahead)
    assert got == [1]
    assert not _producers()


def test_leaving_early_stops_the_producer_and_runs_its_cleanup():
    cleaned = threading.Event()

    def items():
        try:
            k = 0
            while True:
                yield k
                k += 1
        finally:
            cleaned.set()

    with Prefetched(items(), depth=2) as ahead:
        for k in ahead:
            if k == 5:
                break
    assert cleaned.is_set() and not _producers()


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(encode, "CHUNK_TEXTS", 7)  # 10 chunks of TEXTS x 6: the producer runs
    monkeypatch.setattr(encode, "CHUNK_TOKENS", 200)
    monkeypatch.setattr(encode, "PRODUCER_ON_CPU", True)  # as on a GPU


def test_on_a_cpu_the_loop_runs_without_the_producer(tiny_bert, monkeypatch):
    monkeypatch.setattr(encode, "CHUNK_TEXTS", 7)
    monkeypatch.setattr(encode, "Prefetched", lambda *a: pytest.fail("a producer thread on a CPU"))
    assert len(extract(load_model(tiny_bert, device="cpu"), TEXTS * 3, ExtractOptions())["sentence"]) == len(TEXTS) * 3


def test_the_producer_gives_the_results_of_the_loop_without_it(tiny_checkpoint, small_chunks, monkeypatch):
    lm = load_model(tiny_checkpoint)
    texts = TEXTS * 6
    options = ExtractOptions(levels=LEVELS, batch_size=4)
    ahead = extract(lm, texts, options)
    made = []
    monkeypatch.setattr(encode, "Prefetched", lambda items, depth: made.append(depth) or Prefetched(items, depth))
    ahead = extract(lm, texts, options)
    assert made == [encode.PREFETCH_CHUNKS]
    monkeypatch.setattr(encode, "CHUNK_TEXTS", 10_000)  # one chunk: no producer
    monkeypatch.setattr(encode, "CHUNK_TOKENS", 10**9)
    inline = extract(lm, texts, options)
    for level in LEVELS:
        a, b = ahead[level], inline[level]
        assert len(a) == len(b) > 0
        np.testing.assert_allclose(np.asarray(a.vectors), np.asarray(b.vectors), atol=1e-5, err_msg=level)
        assert a.metadata.keys() == b.metadata.keys()
        for name in a.metadata:
            assert list(a.metadata[name]) == list(b.metadata[name]), (level, name)
    assert ahead["sentence"].manifest["windows"] == inline["sentence"].manifest["windows"]
    assert not _producers()


class _CancelAfter(TaskContext):
    def __init__(self, reports: int) -> None:
        super().__init__()
        self.left = reports

    def on_progress(self, progress) -> None:
        self.left -= 1
        if self.left <= 0:
            self.token.cancel()


def test_a_cancel_stops_the_producer_too(tiny_bert, small_chunks):
    lm = load_model(tiny_bert)
    ctx = _CancelAfter(5)
    with pytest.raises(Cancelled):
        extract(lm, TEXTS * 20, ExtractOptions(levels=LEVELS, batch_size=2), ctx)
    assert not _producers()


def test_an_error_while_tokenising_ahead_reaches_the_caller(tiny_bert, small_chunks, monkeypatch):
    lm = load_model(tiny_bert)
    real = encode.plan_ids

    def plan(e, *args):
        if len(e.ids) > 60:
            raise RuntimeError("the planner failed on a long text")
        return real(e, *args)

    monkeypatch.setattr(encode, "plan_ids", plan)
    with pytest.raises(RuntimeError, match="planner failed"):
        extract(lm, TEXTS * 6, ExtractOptions(levels=("sentence",), batch_size=4))
    assert not _producers()

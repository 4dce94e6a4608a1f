"""The encode loop over many chunks (issue 17): each chunk's windows are sorted and padded into
batches (no attention mask for a batch without padding) before its forward passes; the results
equal one chunk's, and a cancel or an error while tokenising stops it."""

from __future__ import annotations

import numpy as np
import pytest

from semvec_studio.core.errors import Cancelled
from semvec_studio.core.extract import blocks, encode
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import load_model
from semvec_studio.core.tasks import TaskContext
from tests.core.test_encode_batched import TEXTS

LEVELS = ("token", "word", "sentence")


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(encode, "CHUNK_TEXTS", 7)  # TEXTS x 6 in 10 chunks
    monkeypatch.setattr(encode, "CHUNK_TOKENS", 200)


def test_many_chunks_give_the_results_of_one(tiny_checkpoint, small_chunks, monkeypatch):
    lm = load_model(tiny_checkpoint)
    texts = TEXTS * 6
    options = ExtractOptions(levels=LEVELS, batch_size=4)
    chunked = extract(lm, texts, options)
    monkeypatch.setattr(encode, "CHUNK_TEXTS", 10_000)
    monkeypatch.setattr(encode, "CHUNK_TOKENS", 10**9)
    whole = extract(lm, texts, options)
    for level in LEVELS:
        a, b = chunked[level], whole[level]
        assert len(a) == len(b) > 0
        np.testing.assert_allclose(np.asarray(a.vectors), np.asarray(b.vectors), atol=1e-5, err_msg=level)
        assert a.metadata.keys() == b.metadata.keys()
        for name in a.metadata:
            assert list(a.metadata[name]) == list(b.metadata[name]), (level, name)
    assert chunked["sentence"].manifest["windows"] == whole["sentence"].manifest["windows"]


def test_a_batch_without_padding_runs_without_a_mask_and_gives_the_same_vectors(tiny_bert, monkeypatch):
    lm = load_model(tiny_bert)
    texts = ["the bank by the river", "the bank by the river", "a longer text than the others, with more words in it"]
    seen = []
    forward = lm.model.forward

    def spy(*args, **kwargs):
        seen.append(kwargs.get("attention_mask") is None)
        return forward(*args, **kwargs)

    monkeypatch.setattr(lm.model, "forward", spy)
    together = extract(lm, texts, ExtractOptions(batch_size=3))["sentence"]  # padded: a mask
    apart = extract(lm, texts[:2], ExtractOptions(batch_size=2))["sentence"]  # one length: no mask
    assert seen == [False, True]
    np.testing.assert_allclose(np.asarray(apart.vectors), np.asarray(together.vectors)[:2], atol=1e-5)


class _CancelAfter(TaskContext):
    def __init__(self, reports: int) -> None:
        super().__init__()
        self.left = reports

    def on_progress(self, progress) -> None:
        self.left -= 1
        if self.left <= 0:
            self.token.cancel()


def test_a_cancel_between_batches_stops_the_loop(tiny_bert, small_chunks):
    ctx = _CancelAfter(5)
    with pytest.raises(Cancelled):
        extract(load_model(tiny_bert), TEXTS * 20, ExtractOptions(levels=LEVELS, batch_size=2), ctx)
    assert ctx.left <= 0


def test_an_error_while_tokenising_a_later_chunk_reaches_the_caller(tiny_bert, small_chunks, monkeypatch):
    real = blocks.plan_ids

    def plan(e, *args):
        if len(e.ids) > 60:
            raise RuntimeError("the planner failed on a long text")
        return real(e, *args)

    monkeypatch.setattr(blocks, "plan_ids", plan)
    with pytest.raises(RuntimeError, match="planner failed"):
        extract(load_model(tiny_bert), TEXTS * 6, ExtractOptions(levels=("sentence",), batch_size=4))

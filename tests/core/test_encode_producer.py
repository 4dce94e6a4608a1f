"""The encode loop's producer (issue 17): texts tokenised and planned in a child process, ahead of
the forward passes, give the rows this process gives, byte for byte; a cancel or an error ends the
child; the CLI uses one for many texts."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pytest

from semvec_studio.cli import main
from semvec_studio.core.errors import Cancelled
from semvec_studio.core.extract import blocks
from semvec_studio.core.extract.encode import extract, plans_ahead
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.models import load_model
from tests.core.test_encode_batched import TEXTS
from tests.core.test_encode_chunks import LEVELS, _CancelAfter

LONG = " ".join(TEXTS) * 3  # more tokens than the tiny models take: windows


def _same(a: dict, b: dict) -> None:
    for level in a:
        x, y = a[level], b[level]
        assert np.array_equal(np.asarray(x.vectors), np.asarray(y.vectors)), level
        assert x.metadata.keys() == y.metadata.keys()
        for name in x.metadata:
            assert list(x.metadata[name]) == list(y.metadata[name]), (level, name)
        drop = {"created", "seconds"}
        assert {k: v for k, v in x.manifest.items() if k not in drop} == {k: v for k, v in y.manifest.items() if k not in drop}


@pytest.mark.parametrize("options", [
    ExtractOptions(levels=LEVELS, batch_size=4),
    ExtractOptions(levels=LEVELS, batch_size=3, include_special=True, max_length=24, stride=4),
    ExtractOptions(levels=("sentence",), batch_size=5, truncate=True, max_length=16),
], ids=["all-levels", "windows", "truncated-sentences"])
def test_a_child_process_gives_the_rows_this_one_gives(tiny_checkpoint, options, monkeypatch):
    monkeypatch.setattr(blocks, "GROUP_TEXTS", 5)  # many blocks, cut across chunks
    monkeypatch.setattr("semvec_studio.core.extract.encode.CHUNK_TEXTS", 7)
    monkeypatch.setattr("semvec_studio.core.extract.encode.CHUNK_TOKENS", 90)
    lm = load_model(tiny_checkpoint)
    texts = [*TEXTS, LONG, "", *TEXTS[::-1], LONG[: len(LONG) // 2]] * 2
    here = extract(lm, texts, options, producer=False)
    there = extract(lm, texts, options, producer=True)
    assert here["sentence" if "sentence" in options.levels else options.levels[0]].manifest["windowed_texts"] > 0 or options.truncate
    _same(here, there)
    assert not multiprocessing.active_children()  # the producer has ended


def test_a_word_segmenter_runs_in_the_child_too(tiny_chinese):
    pytest.importorskip("jieba", reason="the 'zh' extra")
    lm = load_model(tiny_chinese)
    texts = ["我们在银行旁边的河边散步。", "今天天气很好，适合出去玩。", "银行", "河边散步"] * 6
    options = ExtractOptions(levels=("token", "word"), segmenter="jieba", batch_size=4)
    here, there = extract(lm, texts, options, producer=False), extract(lm, texts, options, producer=True)
    assert "银行" in there["word"].metadata["word"]  # jieba's words, not single characters
    _same(here, there)


def test_a_cancel_ends_the_child(tiny_bert, monkeypatch):
    monkeypatch.setattr(blocks, "GROUP_TEXTS", 4)
    ctx = _CancelAfter(3)
    with pytest.raises(Cancelled):
        extract(load_model(tiny_bert), TEXTS * 200, ExtractOptions(levels=LEVELS, batch_size=2), ctx, producer=True)
    assert not multiprocessing.active_children()


def test_many_texts_go_through_a_child_from_the_cli(tiny_bert, tmp_path, monkeypatch):
    started = []
    real = blocks.ChildStream

    def spy(*args, **kwargs):
        started.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(blocks, "ChildStream", spy)
    monkeypatch.setattr(blocks, "PRODUCER_MIN_TEXTS", 20)
    src = tmp_path / "in.txt"
    src.write_text("\n".join(TEXTS * 4) + "\n", encoding="utf-8")
    run = ["extract", str(src), "--model", str(tiny_bert), "--level", "word", "--quiet", "-o"]
    assert main([*run, str(tmp_path / "child")]) == 0
    assert started == ["semvec_studio.core.extract.blocks:produce"]
    monkeypatch.setattr(blocks, "PRODUCER_MIN_TEXTS", 10**6)  # fewer texts than this: tokenised here
    assert main([*run, str(tmp_path / "here")]) == 0
    assert len(started) == 1
    child, here = EmbeddingSet.load(tmp_path / "child"), EmbeddingSet.load(tmp_path / "here")
    np.testing.assert_array_equal(np.asarray(child.vectors), np.asarray(here.vectors))
    assert (tmp_path / "child" / "metadata.tsv").read_bytes() == (tmp_path / "here" / "metadata.tsv").read_bytes()


def test_the_cli_starts_the_child_before_the_weights_load(tiny_bert, tmp_path, monkeypatch):
    """The child tokenises while this process loads the model's weights: it is started first."""
    from semvec_studio.core import models  # noqa: PLC0415 - spied on here only

    events = []
    real_child, real_model = blocks.ChildStream, models.AutoModel

    class Weights:
        @staticmethod
        def from_pretrained(*args, **kwargs):
            events.append("weights")
            return real_model.from_pretrained(*args, **kwargs)

    def child(*args, **kwargs):
        events.append("child")
        return real_child(*args, **kwargs)

    monkeypatch.setattr(blocks, "ChildStream", child)
    monkeypatch.setattr(models, "AutoModel", Weights)
    monkeypatch.setattr(blocks, "PRODUCER_MIN_TEXTS", 20)
    src = tmp_path / "in.txt"
    src.write_text("\n".join(TEXTS * 4) + "\n", encoding="utf-8")
    assert main(["extract", str(src), "--model", str(tiny_bert), "--level", "sentence", "--quiet", "-o", str(tmp_path / "o")]) == 0
    assert events == ["child", "weights"]
    assert len(EmbeddingSet.load(tmp_path / "o")) == len(TEXTS) * 4
    assert not multiprocessing.active_children()


def test_a_child_started_ahead_with_other_settings_or_texts_is_ended_and_not_used(tiny_bert):
    lm = load_model(tiny_bert)
    options = ExtractOptions(levels=("sentence",), batch_size=4)
    ahead = plans_ahead(lm.tokenizer, 16, lm.device, TEXTS, options, True)  # windows of 16, not the model's limit
    assert ahead is not None and ahead.params.max_len == 16 != lm.max_length
    _same(extract(lm, TEXTS, options, producer=False), extract(lm, TEXTS, options, producer=False, ahead=ahead))
    assert not multiprocessing.active_children()
    others = TEXTS[::-1]
    ahead = plans_ahead(lm.tokenizer, lm.max_length, lm.device, TEXTS, options, True)  # the right settings, other texts
    _same(extract(lm, others, options, producer=False), extract(lm, others, options, producer=False, ahead=ahead))
    assert not multiprocessing.active_children()


def test_a_bad_option_found_once_the_model_is_loaded_ends_the_child_started_ahead(tiny_bert, tmp_path, monkeypatch, capsys):
    started, real = [], blocks.ChildStream
    monkeypatch.setattr(blocks, "ChildStream", lambda *a, **k: started.append(a[0]) or real(*a, **k))
    monkeypatch.setattr(blocks, "PRODUCER_MIN_TEXTS", 20)
    src = tmp_path / "in.txt"
    src.write_text("\n".join(TEXTS * 4) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["extract", str(src), "--model", str(tiny_bert), "--layers", "99", "--quiet", "-o", str(out)]) != 0
    assert "--layers 99" in capsys.readouterr().err
    assert started == ["semvec_studio.core.extract.blocks:produce"]  # before the weights, so before the check
    assert not multiprocessing.active_children()
    assert not out.exists()

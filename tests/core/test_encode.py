"""The encode loop against a direct transformers forward pass, on tiny random checkpoints."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semvec_studio.core.errors import Cancelled, UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.windows import window_starts
from semvec_studio.core.models import load_model
from semvec_studio.core.tasks import RecordingContext

TEXTS = [
    "The bank raised interest rates.",
    "We sat on the river bank and watched the water.",
    "Short.",
    "Unbelievably, the reorganisation happened quickly and nobody complained about it at all.",
]

_models: dict = {}


def loaded(path):
    if path not in _models:
        _models[path] = load_model(path, device="cpu")
    return _models[path]


def direct_hidden(lm, text, layer):
    """The model's own hidden state for one text, given the ids and the mask (the encode loop passes
    no token type ids: single texts have one segment, and a GPT-2 would add an embedding for them;
    some tokenizer versions return them for GPT-2 all the same)."""
    enc = lm.tokenizer(text, return_tensors="pt")
    with torch.inference_mode():
        out = lm.model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], output_hidden_states=True)
    return out.hidden_states[layer][0].numpy()


@pytest.mark.parametrize("layers,combine", [((-1,), "mean"), ((0,), "mean"), ((1, 2), "mean"), ((1, 2), "sum"), ((0, -1), "concat")])
def test_token_vectors_equal_direct_forward_pass(tiny_checkpoint, layers, combine):
    lm = loaded(tiny_checkpoint)
    res = extract(lm, TEXTS, ExtractOptions(levels=("token",), layers=layers, layer_combine=combine, include_special=True, batch_size=3))["token"]
    worst = 0.0
    for t, text in enumerate(TEXTS):
        states = [direct_hidden(lm, text, layer) for layer in layers]
        ref = {"mean": np.mean(states, axis=0), "sum": np.sum(states, axis=0), "concat": np.concatenate(states, axis=1)}[combine]
        rows = np.nonzero(res.metadata["text_id"] == t)[0]
        assert res.metadata["position"][rows].tolist() == list(range(len(ref)))
        worst = max(worst, float(np.abs(res.vectors[rows] - ref).max()))
    assert worst <= 1e-4


def test_word_vectors_are_pooled_pieces(tiny_bert):
    lm = loaded(tiny_bert)
    out = extract(lm, TEXTS, ExtractOptions(levels=("token", "word")))
    tok, word = out["token"], out["word"]
    assert len(word) < len(tok)  # some words have several pieces
    for pooling, fn in [("mean", np.mean), ("sum", np.sum), ("max", np.max), ("first", lambda a, axis: a[0]), ("last", lambda a, axis: a[-1])]:
        w = extract(lm, TEXTS, ExtractOptions(levels=("word",), word_pooling=pooling))["word"]
        for i in range(len(w)):
            t, k = w.metadata["text_id"][i], w.metadata["position"][i]
            pieces = np.nonzero((tok.metadata["text_id"] == t) & (tok.metadata["word_index"] == k))[0]
            assert " ".join(tok.metadata["token"][p] for p in pieces) == w.metadata["pieces"][i]
            np.testing.assert_allclose(w.vectors[i], fn(tok.vectors[pieces], axis=0), rtol=1e-5, atol=1e-5)


def test_sentence_poolers_match_reference_with_padding(tiny_bert):
    lm = loaded(tiny_bert)
    for pooling in ["mean", "cls", "max", "weighted-mean", "last"]:
        batched = extract(lm, TEXTS, ExtractOptions(pooling=pooling, batch_size=4))["sentence"].vectors
        for t, text in enumerate(TEXTS):
            h = direct_hidden(lm, text, -1)
            w = np.arange(1, len(h) + 1, dtype=np.float32)[:, None]
            ref = {"mean": h.mean(0), "cls": h[0], "max": h.max(0), "last": h[-1], "weighted-mean": (h * w).sum(0) / w.sum()}[pooling]
            np.testing.assert_allclose(batched[t], ref, rtol=1e-4, atol=1e-5, err_msg=pooling)


def test_input_order_is_kept_and_normalize(tiny_roberta):
    lm = loaded(tiny_roberta)
    texts = ["a " * n + "end" for n in (1, 30, 5, 60, 2, 17)]
    together = extract(lm, texts, ExtractOptions(normalize=True, batch_size=2))["sentence"]
    assert together.metadata["text_id"].tolist() == list(range(len(texts)))
    assert together.metadata["text"] == texts
    np.testing.assert_allclose(np.linalg.norm(together.vectors, axis=1), 1.0, rtol=1e-5)
    for t, text in enumerate(texts):
        alone = extract(lm, [text], ExtractOptions(normalize=True))["sentence"].vectors[0]
        np.testing.assert_allclose(together.vectors[t], alone, atol=1e-5)


def _best_window(k, starts, size, n):
    def score(s):
        e = min(s + size, n)
        if not s <= k < e:
            return -1
        return min(10**9 if s == 0 else k - s, 10**9 if e == n else e - 1 - k)

    return max(range(len(starts)), key=lambda w: (score(starts[w]), -w))


def test_long_text_windows_one_row_per_token_from_its_best_window(tiny_bert):
    lm = loaded(tiny_bert)
    text = " ".join(f"word{i % 37} reorganisation" for i in range(250))
    enc = lm.tokenizer(text)
    n_content = len(enc["input_ids"]) - 2
    assert n_content >= 1000
    max_len, stride = 64, 16
    res = extract(lm, [text], ExtractOptions(levels=("token", "sentence"), max_length=max_len, stride=stride, batch_size=8))
    tok = res["token"]
    assert len(tok) == n_content
    assert tok.manifest["windowed_texts"] == 1 and tok.manifest["stride"] == stride
    offsets = enc.encodings[0].offsets[1:-1]
    assert [(s, e) for s, e in zip(tok.metadata["start"], tok.metadata["end"])] == [tuple(o) for o in offsets]
    for i in range(len(tok)):
        piece = tok.metadata["token"][i].removeprefix("##")
        assert text[tok.metadata["start"][i] : tok.metadata["end"][i]].lower() == piece
    size = max_len - 2
    starts = window_starts(n_content, size, stride)
    ids = enc["input_ids"]
    cache = {}
    for k in range(0, n_content, 7):
        w = _best_window(k, starts, size, n_content)
        if w not in cache:
            win = [ids[0]] + ids[1 + starts[w] : 1 + starts[w] + size] + [ids[-1]]
            with torch.inference_mode():
                cache[w] = lm.model(input_ids=torch.tensor([win])).last_hidden_state[0].numpy()
        np.testing.assert_allclose(tok.vectors[k], cache[w][1 + k - starts[w]], atol=1e-4)
    # Sentence pooling covers the whole text: the mean of every token row, specials included.
    full = extract(lm, [text], ExtractOptions(levels=("token",), include_special=True, max_length=max_len, stride=stride))["token"]
    np.testing.assert_allclose(res["sentence"].vectors[0], full.vectors.mean(0), atol=1e-5)


def test_truncate_is_explicit_and_recorded(tiny_bert):
    lm = loaded(tiny_bert)
    text = "word " * 300
    res = extract(lm, [text], ExtractOptions(levels=("token",), truncate=True, max_length=32))["token"]
    assert len(res) == 30
    assert res.manifest["truncate"] is True and res.manifest["truncated_texts"] == 1 and res.manifest["stride"] is None


def test_empty_and_special_only_texts_do_not_crash(tiny_bert):
    lm = loaded(tiny_bert)
    out = extract(lm, ["", "hello"], ExtractOptions(levels=("token", "word", "sentence")))
    assert out["sentence"].vectors.shape[0] == 2
    assert set(out["token"].metadata["text_id"].tolist()) == {1}
    assert set(out["word"].metadata["text_id"].tolist()) == {1}


def test_cancel_stops_between_batches(tiny_bert):
    lm = loaded(tiny_bert)
    ctx = RecordingContext(cancel_after=3)
    with pytest.raises(Cancelled):
        extract(lm, TEXTS * 20, ExtractOptions(batch_size=2), ctx)
    assert len(ctx.reports) <= 4


@pytest.mark.parametrize("opts,needle", [
    (dict(layers=(9,)), "layers 0 (embeddings) to 2"),
    (dict(layers=(-4,)), "--layers -4"),
    (dict(pooling="median"), "--pooling median"),
    (dict(word_pooling="avg"), "--word-pooling avg"),
    (dict(layer_combine="stack"), "--layer-combine stack"),
    (dict(max_length=10_000), "--max-length 10000"),
    (dict(max_length=16, stride=20), "--stride 20"),
    (dict(batch_size=0), "--batch-size 0"),
])
def test_bad_options_are_usage_errors(tiny_bert, opts, needle):
    lm = loaded(tiny_bert)
    with pytest.raises(UsageError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        extract(lm, ["word " * 40], ExtractOptions(**opts))


# Word alignment as a property: random text with CJK, emoji, combining marks, accents, long words.
_alphabet = st.sampled_from(list("abcdefghijklmnopqrstuvwxyz  ,.!?'") + list("éüñçØ") + ["\u0301", "\u0308"] + list("你好世界中文")
                            + ["😀", "🙂", "👍🏽"])
_words = st.one_of(st.lists(_alphabet, min_size=1, max_size=8).map("".join), st.just("antidisestablishmentarianism"),
                   st.just("naïve café"), st.just("e\u0301te\u0301"))
_texts = st.lists(_words, min_size=1, max_size=12).map(" ".join)


def _word_runs(enc, text: str) -> int:
    """Words as the tokenizer's word ids make them, whitespace-only pieces belonging to none."""
    runs, prev = 0, None
    for w, (s, e), special in zip(enc.word_ids, enc.offsets, enc.special_tokens_mask):
        if w is None or special or not text[s:e].strip():
            prev = None
            continue
        runs += w != prev
        prev = w
    return runs


@pytest.mark.parametrize("which", ["tiny_bert", "tiny_roberta", "tiny_chinese", "tiny_gpt2"])
def test_word_alignment_property(request, which):
    lm = loaded(request.getfixturevalue(which))

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(_texts, min_size=1, max_size=3))
    def check(texts):
        out = extract(lm, texts, ExtractOptions(levels=("token", "word"), segmenter="tokenizer"))
        tok, word = out["token"], out["word"]
        for t, text in enumerate(texts):
            enc = lm.tokenizer(text).encodings[0]
            n_special = sum(enc.special_tokens_mask)
            rows = np.nonzero(tok.metadata["text_id"] == t)[0]
            assert len(rows) == len(enc.ids) - n_special
            wrows = np.nonzero(word.metadata["text_id"] == t)[0]
            assert len(wrows) == _word_runs(enc, text)
            prev_end = 0
            for i in wrows:
                s, e, w = word.metadata["start"][i], word.metadata["end"][i], word.metadata["word"][i]
                assert prev_end <= s < e <= len(text)
                assert text[s:e] == w and w == w.strip() and w
                prev_end = e
            # every token of a word lies inside the word's span
            for i in rows:
                k = tok.metadata["word_index"][i]
                if k >= 0:
                    j = wrows[k]
                    if tok.metadata["start"][i] < tok.metadata["end"][i]:
                        assert word.metadata["start"][j] <= tok.metadata["start"][i] < tok.metadata["end"][i] <= word.metadata["end"][j]

    check()

"""The encode loop's batched host work equals its text-by-text definition (issue 17).

``plan_texts`` (offsets trimmed and word runs found with numpy over a group of texts) must give
every text the plan ``plan_text`` gives it alone; the backend encoder must give the encodings that
``tokenizer(...)`` gives; the batched word pooling must equal pooling each text on its own.
"""

from __future__ import annotations

import numpy as np
import pytest

from semvec_studio.core.extract.blocks import encoder
from semvec_studio.core.extract.pooling import WORD_POOLERS
from semvec_studio.core.extract.windows import plan_ids, plan_text, plan_texts
from semvec_studio.core.models import load_model

TEXTS = [
    "The bank by the river.",
    "",
    "  leading and trailing spaces  ",
    "tabs\tand\nnewlines\r\n here",
    "no\u00a0break\u3000wide space, café naïve",
    "emoji 🙂 and [SEP] inside",
    "a",
    "x " * 90,  # longer than the model: windows (or truncation)
    "semantic vectors of tokens words sentences",
    " ",
    "数据 and 模型",
]


def _same(a, b) -> None:
    assert a.ids == b.ids and a.tokens == b.tokens and a.windows == b.windows and a.source == b.source
    assert a.truncated == b.truncated
    for name in ("starts", "ends", "word_index", "content", "word_starts", "word_ends"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@pytest.mark.parametrize("truncate", [False, True])
def test_group_plans_equal_single_plans(tiny_checkpoint, truncate):
    tok = load_model(tiny_checkpoint).tokenizer
    encodings = tok(TEXTS, add_special_tokens=True, return_offsets_mapping=True, return_special_tokens_mask=True,
                    truncation=False, verbose=False).encodings
    group = plan_texts(encodings, TEXTS, 64, 16, truncate)
    for e, text, plan in zip(encodings, TEXTS, group):
        _same(plan, plan_text(e, text, 64, 16, truncate))


def test_group_plans_with_spans_per_text(tiny_bert):
    tok = load_model(tiny_bert).tokenizer
    encodings = tok(TEXTS, return_offsets_mapping=True, return_special_tokens_mask=True, verbose=False).encodings
    spans = [[(0, 3)] if k % 2 else [] for k in range(len(TEXTS))]
    for k, plan in enumerate(plan_texts(encodings, TEXTS, 64, 16, False, spans)):
        _same(plan, plan_text(encodings[k], TEXTS[k], 64, 16, False, spans[k] or None))


@pytest.mark.parametrize("need_offsets", [True, False])
def test_backend_encoder_equals_the_tokenizer(tiny_checkpoint, need_offsets):
    tok = load_model(tiny_checkpoint).tokenizer
    want = tok(TEXTS, add_special_tokens=True, return_offsets_mapping=True, return_special_tokens_mask=True,
               truncation=False, verbose=False).encodings
    got = encoder(tok, need_offsets)[0](list(TEXTS))
    for a, b in zip(got, want):
        assert a.ids == b.ids and a.special_tokens_mask == b.special_tokens_mask
        if need_offsets:
            assert a.offsets == b.offsets and a.word_ids == b.word_ids and a.tokens == b.tokens
        else:
            _same(plan_ids(a, 64, 16, True), _ids_only(plan_text(b, "", 64, 16, True)))


def _ids_only(plan):
    return type(plan)(plan.ids, [], *(np.zeros(0, np.int64),) * 3, plan.content, *(np.zeros(0, np.int64),) * 2,
                      plan.windows, plan.source, plan.truncated)


@pytest.mark.parametrize("pooling", sorted(WORD_POOLERS))
def test_word_pooling_over_a_batch_equals_per_text(pooling):
    rng = np.random.default_rng(0)
    tokens = rng.standard_normal((40, 8)).astype(np.float32)
    starts, ends = np.array([1, 2, 5, 9, 20, 31, 38]), np.array([2, 5, 8, 15, 21, 37, 40])
    whole = WORD_POOLERS[pooling](tokens, starts, ends)
    for k, (s, e) in enumerate(zip(starts, ends)):
        np.testing.assert_allclose(whole[k], WORD_POOLERS[pooling](tokens[s:e], np.array([0]), np.array([e - s]))[0], rtol=1e-6)


def test_a_batch_of_only_empty_texts_runs(tiny_gpt2):
    """GPT-2 adds no special tokens, so an empty text has no ids; a batch of them alone once
    reached the model with zero columns and crashed (only mixed batches had been tried)."""
    from semvec_studio.core.extract.encode import extract  # noqa: PLC0415 - beside the other imports of this file's subject
    from semvec_studio.core.extract.options import ExtractOptions  # noqa: PLC0415 - as above

    lm = load_model(tiny_gpt2)
    out = extract(lm, ["a few words here", "", ""], ExtractOptions(levels=("token", "sentence"), batch_size=2))
    assert len(out["sentence"]) == 3 and len(out["token"]) == out["token"].manifest["tokens"] > 0
    assert np.isfinite(np.asarray(out["sentence"].vectors)).all()

"""Words as types: how a model's word rows are keyed (lower-cased for uncased models), each text's
first word as the model's word rows spell it, and the whole-word vector of a word alone.

A word's *type key* is its spelling in the model's word rows (the text it covers), lower-cased when
the model's tokenizer ignores case (it gives the same pieces for ``Hello World`` and
``hello world``). Whole words come from the same plan the encode loop uses
(:func:`~semvec_studio.core.extract.windows.plan_text`), so a first word here is the first word
row there.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.windows import plan_text
from semvec_studio.core.models import LoadedModel
from semvec_studio.core.tasks import TaskContext

__all__ = ["first_words", "is_uncased", "text_words", "type_key", "word_alone_vectors"]

_CASE_PROBE = ("Hello World", "hello world")


def is_uncased(lm: LoadedModel) -> bool:
    """Whether the model's tokenizer lower-cases (it gives the same pieces whatever the case)."""
    upper, lower = (lm.tokenizer(t, add_special_tokens=False)["input_ids"] for t in _CASE_PROBE)
    return upper == lower


def type_key(word: str, uncased: bool) -> str:
    return word.lower() if uncased else word


def first_words(lm: LoadedModel, texts: Sequence[str]) -> list[str]:
    """Each text's first whole word as the model's word rows spell it ("" for a text with none)."""
    return [words[0] if words else "" for words in text_words(lm, texts)]


def text_words(lm: LoadedModel, texts: Sequence[str], group: int = 256) -> list[list[str]]:
    """Each text's whole words as the model's word rows spell them (tokenised only, no forward pass)."""
    out: list[list[str]] = []
    for g0 in range(0, len(texts), group):
        part = list(texts[g0:g0 + group])
        enc = lm.tokenizer(part, add_special_tokens=True, return_offsets_mapping=True, return_special_tokens_mask=True,
                           return_attention_mask=False, truncation=False, verbose=False)
        for text, e in zip(part, enc.encodings):
            plan = plan_text(e, text, max(len(e.ids), 4), 0, True)
            out.append(plan.word_columns(0, text)["word"])
    return out


def word_alone_vectors(lm: LoadedModel, words: Sequence[str], layers: Sequence[int], *, word_pooling: str = "mean",
                       batch_size: int = 64, ctx: TaskContext | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The whole-word vector of each word given to the model alone, at each of ``layers``:
    float32 ``[words, len(layers), D]`` and a bool mask of the words that gave a word row.

    A word is one text; its vector is the mean of its pieces (``word_pooling``), special tokens
    left out. Should the model's words split it (``e-mail`` may be three words), its word rows are
    averaged.
    """
    options = ExtractOptions(levels=("word",), layers=tuple(layers), layer_combine="concat", word_pooling=word_pooling,
                             batch_size=batch_size)
    ws = extract(lm, list(words), options, ctx)["word"]
    text_id = np.asarray(ws.metadata["text_id"], dtype=np.int64)
    counts = np.bincount(text_id, minlength=len(words))
    vectors = np.asarray(ws.vectors, dtype=np.float32)
    if (counts == 1).all():
        out = vectors[np.argsort(text_id, kind="stable")]
    else:
        sums = np.zeros((len(words), vectors.shape[1]), dtype=np.float64)
        np.add.at(sums, text_id, vectors)
        out = (sums / np.maximum(counts, 1)[:, None]).astype(np.float32)
    return out.reshape(len(words), len(layers), -1), counts > 0

"""Word similarity: the Spearman correlation between a word-pair file's gold scores and the cosine
of the two words' vectors, for a contextual model's layers (each word given alone) or any lookup.

A pair is *covered* when both its words have a vector; only covered pairs are scored. Spearman is
a correlation in [-1, 1] (None when fewer than 3 pairs are covered).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import spearmanr

from semvec_studio.core.compare.wordpairs import WordPairs
from semvec_studio.core.compare.words import word_alone_vectors
from semvec_studio.core.models import LoadedModel
from semvec_studio.core.tasks import TaskContext

__all__ = ["WordSimilarity", "layer_word_similarity", "pair_similarity", "word_similarity"]

MIN_COVERED = 3


@dataclass(frozen=True)
class WordSimilarity:
    spearman: float | None
    pairs: int
    covered: int

    def as_dict(self) -> dict:
        return {"spearman": self.spearman, "pairs": self.pairs, "covered": self.covered}


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = a.astype(np.float64), b.astype(np.float64)
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.divide((a * b).sum(axis=1), norms, out=np.zeros(len(a)), where=norms > 0)


def pair_similarity(pairs: WordPairs, words: Sequence[str], vectors: np.ndarray, found: np.ndarray) -> WordSimilarity:
    """Score ``pairs`` with ``vectors[i]`` for ``words[i]`` (``found[i]``: the word has a vector)."""
    index = {w: i for i, w in enumerate(words)}
    a = np.array([index.get(p[0], -1) for p in pairs.pairs], dtype=np.int64)
    b = np.array([index.get(p[1], -1) for p in pairs.pairs], dtype=np.int64)
    found = np.append(np.asarray(found, dtype=bool), False)  # index -1: not a word we have
    ok = found[a] & found[b]
    gold = np.array([p[2] for p in pairs.pairs], dtype=np.float64)[ok]
    covered = int(ok.sum())
    if covered < MIN_COVERED:
        return WordSimilarity(None, len(pairs), covered)
    cos = _cosines(vectors[a[ok]], vectors[b[ok]])
    rho = spearmanr(cos, gold).statistic
    return WordSimilarity(None if not np.isfinite(rho) else float(rho), len(pairs), covered)


def layer_word_similarity(pairs: WordPairs, words: Sequence[str], per_layer: np.ndarray, found: np.ndarray) -> list[WordSimilarity]:
    """:func:`pair_similarity` for each layer of ``per_layer`` ``[words, layers, D]``."""
    return [pair_similarity(pairs, words, per_layer[:, k], found) for k in range(per_layer.shape[1])]


def word_similarity(lm: LoadedModel, pairs: WordPairs, layers: Sequence[int] = (-1,), *, word_pooling: str = "mean",
                    ctx: TaskContext | None = None) -> list[WordSimilarity]:
    """Word similarity of ``lm``'s whole-word vectors (each word alone), one result per layer of ``layers``."""
    words = pairs.words
    per_layer, found = word_alone_vectors(lm, words, layers, word_pooling=word_pooling, ctx=ctx)
    return layer_word_similarity(pairs, words, per_layer, found)

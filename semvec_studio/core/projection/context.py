"""Maps of a few chosen rows: every occurrence of one word (the Map's Word in context).

The rows of a word across the texts, and the map's parameters made to fit so few rows. No Qt here."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.projection.base import Projection, ProjectionParams
from semvec_studio.core.projection.project import project
from semvec_studio.core.tasks import TaskContext

__all__ = ["context_params", "project_rows", "word_rows"]

# Han ideographs, as core.extract.segmenters.HAN_RANGES (projection sits below extract; a test keeps them equal)
HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_ALL_HAN = re.compile(f"[{HAN_RANGES}]+")


def context_params(params: ProjectionParams, m: int) -> ProjectionParams:
    """``params`` made valid for ``m`` rows (a word may occur only a few times): no sample, t-SNE's
    perplexity and UMAP's neighbours lowered to fit, and PCA instead of custom axes (whose ends
    are rows of the whole set)."""
    if params.method == "tsne":
        return replace(params, perplexity=float(min(params.perplexity, max(1.0, (m - 1) / 3))), sample=None)
    if params.method == "umap":
        return replace(params, n_neighbors=int(min(params.n_neighbors, max(2, m - 1))), sample=None)
    if params.method == "axes":
        return replace(params, method="pca", axes=None, sample=None)
    return replace(params, sample=None)


def word_rows(words: EmbeddingSet, word: str) -> np.ndarray:
    """Rows (int64, ascending) of a word-level set whose word is ``word`` (case-insensitive,
    surrounding spaces ignored); for ``word`` of Han characters only, also the rows whose word
    contains it.

    A Chinese word is a compound whose characters carry its meaning: with jieba's words, 行 is in
    银行 (bank), 行走 (walk) and 一行 (a line), and the rows of those words are the occurrences of
    行 in context (with a character-level segmentation they are rows of 行 itself). Other scripts
    match whole words only: "bank" is not "banker"."""
    w = word.strip().lower()
    if not w:
        return np.zeros(0, dtype=np.int64)
    if _ALL_HAN.fullmatch(w):
        return np.asarray([i for i, s in enumerate(words.metadata["word"]) if w in str(s).lower()], dtype=np.int64)
    return np.asarray([i for i, s in enumerate(words.metadata["word"]) if str(s).lower() == w], dtype=np.int64)


def project_rows(embset: EmbeddingSet, rows: np.ndarray, params: ProjectionParams,
                 ctx: TaskContext | None = None) -> Projection:
    """Project the vectors of ``rows`` of ``embset`` with ``params`` fitted by :func:`context_params`;
    the result's ``rows`` index into ``rows``."""
    return project(np.asarray(embset.vectors[rows], dtype=np.float32), context_params(params, len(rows)), ctx)

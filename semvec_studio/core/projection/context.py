"""Maps of a few chosen rows: every occurrence of one word (the Map's Word in context).

The rows of a word across the texts, and the map's parameters made to fit so few rows. No Qt here."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.projection.base import Projection, ProjectionParams
from semvec_studio.core.projection.project import project
from semvec_studio.core.tasks import TaskContext

__all__ = ["context_params", "project_rows", "word_rows"]


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
    surrounding spaces ignored)."""
    w = word.strip().lower()
    return np.asarray([i for i, s in enumerate(words.metadata["word"]) if str(s).lower() == w], dtype=np.int64)


def project_rows(embset: EmbeddingSet, rows: np.ndarray, params: ProjectionParams,
                 ctx: TaskContext | None = None) -> Projection:
    """Project the vectors of ``rows`` of ``embset`` with ``params`` fitted by :func:`context_params`;
    the result's ``rows`` index into ``rows``."""
    return project(np.asarray(embset.vectors[rows], dtype=np.float32), context_params(params, len(rows)), ctx)

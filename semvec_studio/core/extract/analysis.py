"""Small analyses behind the token, word, sentence and map views: cosine matrices, nearest rows,
and one row's vector at every layer of the model (its layer profile, and its layer path on a
map). No Qt here.
"""

from __future__ import annotations

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import LoadedModel
from semvec_studio.core.projection.base import Projection, ProjectionParams
from semvec_studio.core.projection.neighbours import neighbours
from semvec_studio.core.projection.project import project
from semvec_studio.core.rows import unit_rows
from semvec_studio.core.tasks import TaskContext

__all__ = ["cosine_matrix", "layer_path", "layer_profile", "layer_vectors", "most_similar"]

LABEL_COLUMN = {"token": "token", "word": "word", "sentence": "text"}
ROW_NOUN = {"token": "piece", "word": "word"}


def cosine_matrix(vectors: np.ndarray, *, normalized: bool = False) -> np.ndarray:
    """N x N cosine similarities (float32) as one matrix product of the unit rows
    (``normalized``: the rows already have length 1)."""
    unit = np.asarray(vectors, dtype=np.float32) if normalized else unit_rows(vectors)
    sims = unit @ unit.T
    np.clip(sims, -1.0, 1.0, out=sims)
    return sims


def most_similar(vectors: np.ndarray, i: int, k: int = 10) -> list[tuple[int, float]]:
    """The ``k`` rows most similar to row ``i`` by cosine as ``(row, cosine)``, best first (ties:
    the lower row), without ``i`` itself: :func:`~semvec_studio.core.projection.neighbours.neighbours`."""
    n = len(vectors)
    if not 0 <= i < n:
        raise IndexError(f"row {i} is outside 0..{n - 1}")
    idx, sims = neighbours(vectors, [i], max(0, int(k)), "cosine")
    return [(int(j), float(s)) for j, s in zip(idx[0].tolist(), sims[0].tolist())]


def layer_vectors(lm: LoadedModel, text: str, level: str, position: int, *, word_pooling: str = "mean",
                  pooling: str = "mean", ctx: TaskContext | None = None) -> tuple[str, np.ndarray]:
    """One row of ``text`` at every layer of ``lm``: its label (piece, word or text) and its
    vectors, float32 ``[layers + 1, D]`` (row 0: the embeddings).

    ``position`` is the ``position`` column of the level's EmbeddingSet (a piece's index in the
    tokenisation with special tokens, a word's index in the text); ignored for ``"sentence"``.
    Words and texts are pooled with ``word_pooling`` and ``pooling``. Long texts use the same
    windows as :func:`~semvec_studio.core.extract.encode.extract`.
    """
    n_layers = lm.num_layers
    options = ExtractOptions(levels=(level,), layers=tuple(range(n_layers + 1)), layer_combine="concat",
                             word_pooling=word_pooling, pooling=pooling, include_special=True)
    out = extract(lm, [text], options, ctx)[level]
    row = 0
    if level != "sentence":
        hit = np.nonzero(np.asarray(out.metadata["position"]) == position)[0]
        if not len(hit):
            noun = ROW_NOUN[level]
            raise UsageError(f"{level} position {position}: this text has {noun}s 0 to {len(out) - 1}; "
                             "choose one of those.")
        row = int(hit[0])
    per_layer = np.asarray(out.vectors[row], dtype=np.float32).reshape(n_layers + 1, -1)
    return str(out.metadata[LABEL_COLUMN[level]][row]), per_layer


def layer_profile(lm: LoadedModel, text: str, position: int,
                  ctx: TaskContext | None = None) -> tuple[str, np.ndarray, np.ndarray]:
    """One piece's vector through the layers of ``lm`` (``position``: as in :func:`layer_vectors`).

    Returns the piece string, its vector norm at layers 0 (embeddings) .. L, and the cosine of
    each layer's vector with the last layer's.
    """
    piece, per_layer = layer_vectors(lm, text, "token", position, ctx=ctx)
    norms = np.linalg.norm(per_layer, axis=1).astype(np.float32)
    unit = unit_rows(per_layer)
    sims = np.clip(unit @ unit[-1], -1.0, 1.0).astype(np.float32)
    return piece, norms, sims


def layer_path(lm: LoadedModel, text: str, level: str, position: int, manifest: dict,
               ctx: TaskContext | None = None) -> tuple[np.ndarray, Projection]:
    """One row's vectors at every layer (:func:`layer_vectors`, pooled as ``manifest`` says the
    shown vectors were) and their PCA map, one point per layer."""
    _label, per_layer = layer_vectors(lm, text, level, position, word_pooling=manifest.get("word_pooling", "mean"),
                                      pooling=manifest.get("pooling", "mean"), ctx=ctx)
    return per_layer, project(per_layer, ProjectionParams(method="pca"), ctx, quality=False)

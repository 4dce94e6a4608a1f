"""Small analyses behind the token, word and sentence views: cosine matrices, nearest rows, and
how one token's vector changes through the model's layers. No Qt here.
"""

from __future__ import annotations

import numpy as np

from semvec_studio.core.extract.encode import ExtractOptions, extract
from semvec_studio.core.errors import UsageError
from semvec_studio.core.models import LoadedModel
from semvec_studio.core.tasks import TaskContext


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """A float32 copy of ``vectors`` with each row scaled to length 1 (all-zero rows stay zero)."""
    out = np.array(vectors, dtype=np.float32, copy=True)
    if out.ndim != 2:
        raise ValueError("vectors must be a 2-D array")
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def cosine_matrix(vectors: np.ndarray, *, normalized: bool = False) -> np.ndarray:
    """N x N cosine similarities (float32) as one matrix product of the unit rows."""
    unit = np.asarray(vectors, dtype=np.float32) if normalized else unit_rows(vectors)
    sims = unit @ unit.T
    np.clip(sims, -1.0, 1.0, out=sims)
    return sims


def most_similar(vectors: np.ndarray, i: int, k: int = 10, *, normalized: bool = False) -> list[tuple[int, float]]:
    """The ``k`` rows most similar to row ``i`` by cosine, best first, without ``i`` itself."""
    n = len(vectors)
    if not 0 <= i < n:
        raise IndexError(f"row {i} is outside 0..{n - 1}")
    unit = np.asarray(vectors, dtype=np.float32) if normalized else unit_rows(vectors)
    sims = unit @ unit[i]
    sims[i] = -np.inf
    k = max(0, min(k, n - 1))
    if k == 0:
        return []
    top = np.argpartition(-sims, k - 1)[:k] if k < n - 1 else np.arange(n)
    top = top[np.isfinite(sims[top])]
    order = top[np.lexsort((top, -sims[top]))]  # descending cosine, ties by row
    return [(int(j), float(min(1.0, max(-1.0, sims[j])))) for j in order[:k]]


def layer_profile(lm: LoadedModel, text: str, position: int, ctx: TaskContext | None = None) -> tuple[str, np.ndarray, np.ndarray]:
    """One piece's vector through the layers of ``lm``.

    ``position`` is the piece's index in the text's tokenisation, special tokens included (the
    ``position`` column of a token-level EmbeddingSet). Returns the piece string, its vector norm
    at layers 0 (embeddings) .. L, and the cosine of each layer's vector with the last layer's.
    Long texts use the same windows as :func:`semvec_studio.core.extract.encode.extract`.
    """
    n_layers = lm.num_layers
    options = ExtractOptions(levels=("token",), layers=tuple(range(n_layers + 1)), layer_combine="concat", include_special=True)
    tokens = extract(lm, [text], options, ctx)["token"]
    rows = np.nonzero(np.asarray(tokens.metadata["position"]) == position)[0]
    if not len(rows):
        raise UsageError(f"token position {position}: this text has pieces 0 to {len(tokens) - 1}; choose one of those.")
    row = int(rows[0])
    per_layer = tokens.vectors[row].reshape(n_layers + 1, -1)
    norms = np.linalg.norm(per_layer, axis=1).astype(np.float32)
    unit = unit_rows(per_layer)
    sims = np.clip(unit @ unit[-1], -1.0, 1.0).astype(np.float32)
    return str(tokens.metadata["token"][row]), norms, sims

"""Nearest neighbours in the original vector space: exact, or through a set's approximate index.

:func:`neighbours` is exact (:mod:`~semvec_studio.core.projection.exact`: float32 matrix products
over blocks, so no all-pairs matrix is ever held) unless it is given an index
(:mod:`~semvec_studio.core.projection.index`) and the set has at least ``ann_min_rows`` rows
(:data:`~semvec_studio.core.projection.index.ANN_MIN_ROWS`, 1,000,000). Then the index proposes
candidates and each is scored exactly from the vectors, so the similarities are the exact ones and
only a missed neighbour can differ (recall@10 >= 0.95, measured when the index is built).
``index="auto"`` uses the index saved beside the vectors (``semvec index``) when there is one.
How well a 2-D map keeps these neighbourhoods is in :mod:`semvec_studio.core.projection.quality`.
No Qt here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.projection.exact import METRICS, QUERY_BLOCK, check_metric, exact_neighbours, prepared
from semvec_studio.core.projection.index import ANN_MIN_ROWS, AnnIndex
from semvec_studio.core.projection.index_files import find_index
from semvec_studio.core.tasks import TaskContext

__all__ = ["METRICS", "QUERY_BLOCK", "check_metric", "neighbours", "neighbours_index"]


def neighbours(vectors: np.ndarray, queries: np.ndarray | Sequence[int], k: int = 10, metric: str = "cosine", *,
               block: int = 4096, ctx: TaskContext | None = None, index: AnnIndex | str | None = None,
               ann_min_rows: int = ANN_MIN_ROWS) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows of ``vectors`` nearest to each query, best first.

    ``queries`` is either row indices into ``vectors`` (a sequence of ints or a 1-D integer
    array; each query's own row is left out) or a 2-D float array of query vectors (nothing is
    left out). Returns ``(indices [q, k] int64, similarities [q, k] float32)``: cosine similarity,
    or the negative euclidean distance, so larger is always nearer; ties go to the lower row.
    ``k`` is capped at the number of candidate rows. ``vectors`` may be memory-mapped: it is read
    ``block`` rows at a time. With ``ctx``, progress is reported and cancel checked per block of
    queries. ``index`` (an :class:`AnnIndex`, or ``"auto"``: the one saved beside the vectors, see
    :func:`neighbours_index`) is used when the set has at least ``ann_min_rows`` rows and the index
    is of ``metric``; otherwise the search is exact.
    """
    check_metric(metric)
    if getattr(vectors, "ndim", None) != 2:
        raise UsageError("neighbours: vectors must be a 2-D array (rows x dimensions).")
    ann = neighbours_index(vectors, metric, index, ann_min_rows)
    if ann is None:
        return exact_neighbours(vectors, queries, k, metric, block=block, ctx=ctx)
    return _approximate(vectors, ann, queries, k, metric, ctx)


def neighbours_index(vectors, metric: str = "cosine", index: AnnIndex | str | None = "auto",
                     ann_min_rows: int = ANN_MIN_ROWS) -> AnnIndex | None:
    """The index :func:`neighbours` would use for ``vectors`` (None: exact search). A view can
    show ``neighbours_index(...).description`` next to approximate answers."""
    if index is None or int(vectors.shape[0]) < int(ann_min_rows):
        return None
    if isinstance(index, str):
        if index != "auto":
            raise UsageError(f"neighbours: index {index!r}: give an index, 'auto' or None.")
        index = find_index(vectors)
    if index is None or index.metric != metric or len(index) != int(vectors.shape[0]):
        return None
    return index


def _approximate(vectors, ann: AnnIndex, queries, k: int, metric: str, ctx: TaskContext | None):
    """Candidates from ``ann``, scored exactly from ``vectors``; a query with too few candidates
    (its probed cells held fewer rows) is answered exactly."""
    n = int(vectors.shape[0])
    q_vecs, q_rows, k, out_idx, out_sim = prepared(vectors, queries, k)
    nq = len(q_vecs)
    if k == 0 or nq == 0:
        return out_idx, out_sim
    ask = k + (1 if q_rows is not None else 0)
    for qs in range(0, nq, QUERY_BLOCK):
        qe = min(nq, qs + QUERY_BLOCK)
        if ctx is not None:
            ctx.check_cancelled()
            ctx.report(qs, nq, "nearest neighbours (index)", unit="query")
        q = np.asarray(q_vecs[qs:qe], dtype=np.float32)
        cand, _ = ann.search(q, ask)
        if q_rows is not None:
            cand[cand == q_rows[qs:qe, None]] = -1
        scores = _scores(vectors, q, cand, metric)
        order = np.lexsort((np.where(cand < 0, n, cand), -scores), axis=-1)[:, :k]
        out_idx[qs:qe] = np.take_along_axis(cand, order, axis=1)
        out_sim[qs:qe] = np.take_along_axis(scores, order, axis=1)
        short = np.flatnonzero((out_idx[qs:qe] < 0).any(axis=1))
        if short.size:
            queries_short = q_rows[qs + short] if q_rows is not None else q[short]
            out_idx[qs + short], out_sim[qs + short] = exact_neighbours(vectors, queries_short, k, metric)
    if ctx is not None:
        ctx.report(nq, nq, "nearest neighbours (index)", unit="query")
    return out_idx, out_sim


def _scores(vectors, q: np.ndarray, cand: np.ndarray, metric: str) -> np.ndarray:
    """Exact similarity of each query to each of its candidate rows (-inf where there is none)."""
    valid = cand >= 0
    uniq, inverse = np.unique(np.where(valid, cand, cand[valid].min() if valid.any() else 0), return_inverse=True)
    rows = np.asarray(vectors[uniq], dtype=np.float32)[inverse.reshape(cand.shape)]  # [q, c, D]
    if metric == "cosine":
        qn = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), np.finfo(np.float32).tiny)
        norms = np.linalg.norm(rows, axis=2)
        sims = np.einsum("qd,qcd->qc", qn, rows) / np.where(norms > 0, norms, np.inf)
        sims = np.clip(sims, -1.0, 1.0)
    else:
        sims = -np.linalg.norm(rows - q[:, None, :], axis=2)
    return np.where(valid, sims, -np.inf).astype(np.float32)

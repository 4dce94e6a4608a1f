"""Exact nearest neighbours in the original vector space: float32 matrix products over blocks.

:func:`exact_neighbours` computes exact top-k neighbours by float32 matrix products over blocks of
queries and blocks of rows, so no all-pairs matrix is ever held (a 1,000,000-row set needs
``block x block`` floats at a time), under :func:`~semvec_studio.core.projection.threads.blas_threads`.
:func:`~semvec_studio.core.projection.neighbours.neighbours` is the entry point (it uses an
approximate index instead on large sets that have one). No Qt here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.projection.threads import blas_threads
from semvec_studio.core.rows import unit_rows
from semvec_studio.core.tasks import TaskContext

__all__ = ["METRICS", "QUERY_BLOCK", "check_metric", "exact_neighbours", "query_vectors"]

METRICS = ("cosine", "euclidean")
QUERY_BLOCK = 2048  # query rows per block; with block=4096 rows that is 32 MiB of float32 scores


def check_metric(metric: str) -> str:
    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}; choose one of: {', '.join(METRICS)}.")
    return metric


def exact_neighbours(vectors: np.ndarray, queries: np.ndarray | Sequence[int], k: int = 10, metric: str = "cosine", *,
                     block: int = 4096, ctx: TaskContext | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The exact ``k`` nearest rows of ``vectors`` to each query, best first; the arguments and
    the result are those of :func:`~semvec_studio.core.projection.neighbours.neighbours`."""
    check_metric(metric)
    q_vecs, q_rows, k, out_idx, out_sim = prepared(vectors, queries, k)
    if k == 0 or len(q_vecs) == 0:
        return out_idx, out_sim
    block = max(1, int(block))
    with blas_threads():
        _search(vectors, q_vecs, q_rows, k, metric, block, ctx, out_idx, out_sim)
    if metric == "cosine":
        np.clip(out_sim, -1.0, 1.0, out=out_sim)
    if ctx is not None:
        ctx.report(len(q_vecs), len(q_vecs), "nearest neighbours", unit="query")
    return out_idx, out_sim


def _search(vectors, q_vecs, q_rows, k: int, metric: str, block: int, ctx, out_idx: np.ndarray,
            out_sim: np.ndarray) -> None:
    n, nq = int(vectors.shape[0]), len(q_vecs)
    row_sq = _row_sq_norms(vectors, max(block, 65536))  # one pass; cosine divides by the norms, no unit copy
    inv_norm = None
    if metric == "cosine":
        inv_norm = np.zeros_like(row_sq)
        np.divide(1.0, np.sqrt(row_sq), out=inv_norm, where=row_sq > 0)
    for qs in range(0, nq, QUERY_BLOCK):
        qe = min(nq, qs + QUERY_BLOCK)
        if ctx is not None:
            ctx.check_cancelled()
            ctx.report(qs, nq, "nearest neighbours", unit="query")
        q = _prepare(np.asarray(q_vecs[qs:qe], dtype=np.float32), metric)
        self_rows = q_rows[qs:qe] if q_rows is not None else None
        best_s = np.full((qe - qs, k), -np.inf, dtype=np.float32)
        best_i = np.full((qe - qs, k), np.iinfo(np.int64).max, dtype=np.int64)
        for start in range(0, n, block):
            stop = min(n, start + block)
            part = np.asarray(vectors[start:stop], dtype=np.float32)
            if metric == "cosine":
                scores = (q @ part.T) * inv_norm[None, start:stop]
            else:
                scores = _neg_euclidean(q, part, row_sq[start:stop])
            if self_rows is not None:
                hit = (self_rows >= start) & (self_rows < stop)
                scores[np.flatnonzero(hit), self_rows[hit] - start] = -np.inf
            best_s, best_i = _merge(best_s, best_i, scores, start, k)
        order = np.lexsort((best_i, -best_s), axis=-1)
        out_sim[qs:qe] = np.take_along_axis(best_s, order, axis=1)
        out_idx[qs:qe] = np.take_along_axis(best_i, order, axis=1)


def prepared(vectors: np.ndarray, queries, k: int):
    """``(query vectors, their rows or None, k, empty index array, empty similarity array)`` for a
    search of ``k`` neighbours: ``k`` cut to the rows there are (a query row is not its own)."""
    q_vecs, q_rows = query_vectors(vectors, queries)
    k = max(0, min(int(k), int(vectors.shape[0]) - (1 if q_rows is not None else 0)))
    nq = len(q_vecs)
    return q_vecs, q_rows, k, np.empty((nq, k), dtype=np.int64), np.empty((nq, k), dtype=np.float32)


def query_vectors(vectors: np.ndarray, queries) -> tuple[np.ndarray, np.ndarray | None]:
    """``(query vectors, their rows or None)`` from row numbers or a 2-D array of vectors."""
    arr = np.asarray(queries)
    n = int(vectors.shape[0])
    if arr.ndim == 2:
        if arr.shape[1] != vectors.shape[1]:
            raise UsageError(f"neighbours: query vectors have {arr.shape[1]} dimensions, the set has {vectors.shape[1]}.")
        return arr, None
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise UsageError("neighbours: queries must be row numbers or a 2-D array of query vectors.")
    rows = arr.astype(np.int64)
    bad = rows[(rows < 0) | (rows >= n)]
    if bad.size:
        raise UsageError(f"neighbours: row {int(bad[0])} is outside 0..{n - 1}; choose rows of this set.")
    return np.asarray(vectors[rows]), rows


def _row_sq_norms(vectors: np.ndarray, block: int) -> np.ndarray:
    out = np.empty(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), block):
        part = np.asarray(vectors[start:start + block], dtype=np.float32)
        out[start:start + len(part)] = np.einsum("ij,ij->i", part, part)
    return out


def _prepare(q: np.ndarray, metric: str) -> np.ndarray:
    return unit_rows(q) if metric == "cosine" else q


def _neg_euclidean(q: np.ndarray, part: np.ndarray, row_sq: np.ndarray) -> np.ndarray:
    """Minus the distance of each query to each row of this block (larger = nearer)."""
    d2 = np.einsum("ij,ij->i", q, q)[:, None] - 2.0 * (q @ part.T) + row_sq[None, :]
    np.maximum(d2, 0.0, out=d2)
    return -np.sqrt(d2, out=d2)


def _merge(best_s: np.ndarray, best_i: np.ndarray, scores: np.ndarray, offset: int, k: int):
    """Keep the k best of the running best and this block's scores (ties: lower row)."""
    if scores.shape[1] > k:  # only this block's top k can enter the running top k
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        cand_s = np.take_along_axis(scores, top, axis=1)
        cand_i = top.astype(np.int64) + offset
    else:
        cand_s = scores
        cand_i = np.broadcast_to(np.arange(offset, offset + scores.shape[1], dtype=np.int64), scores.shape)
    all_s = np.concatenate([best_s, cand_s], axis=1)
    all_i = np.concatenate([best_i, cand_i], axis=1)
    order = np.lexsort((all_i, -all_s), axis=-1)[:, :k]
    return np.take_along_axis(all_s, order, axis=1), np.take_along_axis(all_i, order, axis=1)

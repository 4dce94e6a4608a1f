"""How well a 2-D map keeps the original neighbourhoods: trustworthiness and k-NN overlap.

scikit-learn's trustworthiness and the overlap of each point's k nearest neighbours before and
after projecting, on a seeded sample. No Qt here."""

from __future__ import annotations

import numpy as np
from sklearn.manifold import trustworthiness

from semvec_studio.core.errors import UsageError
from semvec_studio.core.projection.neighbours import check_metric, neighbours
from semvec_studio.core.projection.threads import blas_threads
from semvec_studio.core.rows import sample_positions
from semvec_studio.core.tasks import TaskContext

__all__ = ["QUALITY_K", "QUALITY_SAMPLE", "map_quality", "projection_quality"]

QUALITY_K, QUALITY_SAMPLE = 10, 2000  # what project() measures: k neighbours on a sample of rows


def projection_quality(high: np.ndarray, low: np.ndarray, k: int = 10, sample: int = 2000, seed: int = 0,
                       metric: str = "cosine") -> dict:
    """How well the 2-D points ``low`` keep the neighbourhoods of the vectors ``high``.

    On a seeded random sample of ``sample`` rows (all rows when there are fewer):
    ``trustworthiness`` (scikit-learn; 1 = no false neighbours in the map) and ``knn_overlap``,
    the mean fraction of each point's ``k`` nearest neighbours in the original space (``metric``)
    that are also among its ``k`` nearest in the map (euclidean). ``k`` is lowered to below half
    the sample when needed (scikit-learn's condition). Both numbers are in [0, 1].
    """
    check_metric(metric)
    n = int(len(high))
    if len(low) != n:
        raise UsageError(f"projection quality: {n} vectors but {len(low)} projected points.")
    m = min(n, max(0, int(sample)))
    if m < 3:
        raise UsageError(f"projection quality needs at least 3 rows; got {m}.")
    rows = sample_positions(n, m, seed)
    hi = np.asarray(high[rows], dtype=np.float32)
    lo = np.asarray(low[rows], dtype=np.float64)
    k = max(1, min(int(k), (m - 1) // 2))
    with blas_threads():
        trust = float(trustworthiness(hi, lo, n_neighbors=k, metric=metric))
    nn_hi, _ = neighbours(hi, np.arange(m), k, metric)
    nn_lo, _ = neighbours(lo.astype(np.float32), np.arange(m), k, "euclidean")
    overlap = float((nn_hi[:, :, None] == nn_lo[:, None, :]).any(axis=2).mean())
    return {"trustworthiness": min(1.0, max(0.0, trust)), "knn_overlap": overlap, "k": int(k), "sample": int(m)}


def map_quality(vectors, rows: np.ndarray, coords: np.ndarray, seed: int, metric: str, ctx: TaskContext) -> dict:
    """:func:`projection_quality` of the map ``coords`` of ``vectors[rows]`` with project()'s k and
    sample size, reading only the sampled rows of ``vectors`` (which may be memory-mapped)."""
    ctx.report(0, 1, "measuring projection quality", unit="stage")
    pos = sample_positions(len(rows), QUALITY_SAMPLE, seed)  # the sample projection_quality would pick
    high = np.asarray(vectors[rows[pos]], dtype=np.float32)
    measured = projection_quality(high, coords[pos], QUALITY_K, len(pos), seed, metric)
    ctx.report(1, 1, "measuring projection quality", unit="stage")
    return measured

"""k-means clusters of vectors in the original space (the Map's colour by cluster), a task function.

No Qt here."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans

from semvec_studio.core.rows import unit_rows
from semvec_studio.core.tasks import TaskContext

__all__ = ["KMEANS_FULL_MAX", "kmeans_clusters"]

KMEANS_FULL_MAX = 50_000  # above this many rows k-means uses mini-batches


def kmeans_clusters(vectors: np.ndarray, k: int, seed: int = 0, ctx: TaskContext | None = None) -> np.ndarray:
    """Cluster id (int64, 0..k-1) of each row, by k-means on the unit rows (cosine geometry);
    ``k`` is capped at the number of rows. The same ``seed`` gives the same clusters."""
    n = len(vectors)
    k = int(max(1, min(k, n)))
    if ctx is not None:
        ctx.report(0, 1, f"k-means, k={k}", unit="stage")
        ctx.check_cancelled()
    x = unit_rows(vectors)
    model = (KMeans(n_clusters=k, n_init=3, random_state=seed) if n <= KMEANS_FULL_MAX
             else MiniBatchKMeans(n_clusters=k, n_init=3, random_state=seed, batch_size=4096))
    labels = model.fit_predict(x).astype(np.int64)
    if ctx is not None:
        ctx.check_cancelled()
        ctx.report(1, 1, f"k-means, k={k}", unit="stage")
    return labels

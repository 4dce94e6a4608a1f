"""PCA, the default projection method: two principal components. No Qt here.

Small sets go to scikit-learn's exact ``full`` SVD. Large tall sets (many more rows than
dimensions, the usual case: 100,000+ vectors of 384-1024 dims) use an exact streaming covariance
PCA: the mean and the covariance are accumulated block by block (each block centred in float32,
sums in float64), then ``eigh`` of the D x D covariance. It reads a memory-mapped set once per
pass without copying it and needs no randomness (same input, same map); it is chosen over
scikit-learn's randomized solver, which is approximate on the flat spectra embeddings have (its
second component drifts from the exact one) and was also the slower of the two on such sets.
Large wide sets use the randomized solver.
Signs follow scikit-learn (the largest loading of each component is positive).
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

from semvec_studio.core.projection.base import Method, Projected, ProjectionParams, version_of
from semvec_studio.core.rows import row_blocks, take_rows
from semvec_studio.core.tasks import TaskContext

__all__ = ["BLOCK_ROWS", "LARGE_PCA_CELLS", "METHOD", "pca_2d", "project_pca"]

LARGE_PCA_CELLS = 2_000_000  # rows x dims above which PCA streams (tall) or randomizes (wide)
BLOCK_ROWS = 65536


def project_pca(vectors, rows: np.ndarray, params: ProjectionParams, ctx: TaskContext) -> Projected:
    """The registry's PCA: :func:`pca_2d` with the solver named in ``implementation``."""
    coords, ratio, solver = pca_2d(vectors, rows, params.seed, ctx)
    impl = f"semvec PCA ({solver})" if solver == "streaming covariance" else version_of("scikit-learn") + f" PCA ({solver})"
    return Projected(coords, ratio, impl)


METHOD = Method("pca", project_pca)


def pca_2d(vectors, rows: np.ndarray, seed: int, ctx: TaskContext) -> tuple[np.ndarray, list[float], str]:
    """Coordinates ``[len(rows), 2]``, explained variance ratio per component, and the solver used
    (scikit-learn's ``full`` or ``randomized``, or ``streaming covariance``)."""
    n, d = len(rows), int(vectors.shape[1])
    if n * d > LARGE_PCA_CELLS and d <= 1000 and n >= 10 * d:
        coords, ratio = _streaming_pca(vectors, rows, ctx)
        return coords, ratio, "streaming covariance"
    solver = "randomized" if n * d > LARGE_PCA_CELLS and min(n, d) > 2 else "full"
    x = take_rows(vectors, rows)
    ctx.report(0, 1, "PCA", unit="stage")
    pca = PCA(n_components=min(2, n, d), svd_solver=solver, random_state=seed)
    coords = pca.fit_transform(x)
    ctx.report(1, 1, "PCA", unit="stage")
    ratio = [float(v) for v in pca.explained_variance_ratio_]
    pad = 2 - coords.shape[1]  # a single dimension: the y axis is 0
    return np.pad(coords, ((0, 0), (0, pad))), ratio + [0.0] * pad, solver


def _streaming_pca(vectors, rows: np.ndarray, ctx: TaskContext) -> tuple[np.ndarray, list[float]]:
    n, d = len(rows), int(vectors.shape[1])
    steps, done = 3 * -(-n // BLOCK_ROWS), 0

    def tick() -> None:
        nonlocal done
        done += 1
        ctx.check_cancelled()
        ctx.report(done, steps, "PCA", unit="step")

    total = np.zeros(d, dtype=np.float64)
    for _, part in row_blocks(vectors, rows, BLOCK_ROWS):
        total += part.sum(axis=0, dtype=np.float64)
        tick()
    mean = (total / n).astype(np.float32)
    cov = np.zeros((d, d), dtype=np.float64)
    for _, part in row_blocks(vectors, rows, BLOCK_ROWS):
        centred = part - mean
        cov += centred.T @ centred
        tick()
    cov /= max(1, n - 1)
    evals, evecs = np.linalg.eigh(cov)
    top = np.argsort(evals)[::-1][:2]
    comps = evecs[:, top].T  # 2 x D
    signs = np.sign(comps[np.arange(2), np.argmax(np.abs(comps), axis=1)])
    comps *= np.where(signs == 0, 1.0, signs)[:, None]
    variance = float(np.clip(evals, 0, None).sum())
    ratio = [float(max(0.0, evals[i]) / variance) if variance > 0 else 0.0 for i in top]
    coords = np.empty((n, 2), dtype=np.float32)
    basis = comps.T.astype(np.float32)
    for start, part in row_blocks(vectors, rows, BLOCK_ROWS):
        coords[start:start + len(part)] = (part - mean) @ basis
        tick()
    return coords, ratio

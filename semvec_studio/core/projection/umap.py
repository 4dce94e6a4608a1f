"""UMAP, an optional method: umap-learn (the ``umap`` extra), imported only when a UMAP map is made.

The import waits because umap-learn's first import compiles with numba. Above ``fit_max`` rows
(:data:`~semvec_studio.core.projection.base.FIT_MAX`) :func:`fit_umap` maps a seeded sample and
UMAP's ``transform`` places the other rows (:mod:`semvec_studio.core.projection.fit`). No Qt here."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.projection.base import FIT_MAX, Fitted, Method, Projected, ProjectionParams, Requirement, version_of
from semvec_studio.core.rows import take_rows
from semvec_studio.core.tasks import TaskContext

__all__ = ["METHOD", "REQUIREMENT", "fit_umap", "project_umap"]

REQUIREMENT = Requirement(module="umap", feature="UMAP projection", package="umap-learn", extra="umap")


def check_umap(params: ProjectionParams, m: int, n: int) -> None:
    if not 2 <= params.n_neighbors < m:
        rule = f"give a whole number from 2 to {m - 1} (less than the {m} rows projected)."
        raise UsageError(f"UMAP neighbours (--neighbors) {params.n_neighbors}: {rule}",
                         gui=f"UMAP neighbours {params.n_neighbors}: {rule}", field="n_neighbors")
    if not 0.0 <= params.min_dist <= 1.0:
        raise UsageError(f"UMAP minimum distance (--min-dist) {params.min_dist}: give a number from 0 to 1.",
                         gui=f"UMAP minimum distance {params.min_dist}: give a number from 0 to 1.", field="min_dist")


def project_umap(vectors, rows: np.ndarray, params: ProjectionParams, ctx: TaskContext) -> Projected:
    """UMAP with a fixed seed (umap-learn then runs single-threaded, which makes it repeatable).

    The start layout is PCA, not umap-learn's default spectral layout: on a neighbour graph with
    several components (well-separated clusters) the spectral layout of the components differed
    from run to run under the same seed (umap-learn 0.5.12), breaking "same seed, same map".
    umap-learn has no callbacks: progress per phase, cancel before and after."""
    reducer = _fitted(take_rows(vectors, rows), params, ctx)
    return Projected(reducer.embedding_, None, version_of("umap-learn") + " (PCA start)")


def fit_umap(vectors, rows: np.ndarray, params: ProjectionParams, ctx: TaskContext) -> Fitted:
    """UMAP fitted on ``vectors[rows]`` and a ``place`` that adds other rows with its ``transform``
    (seeded: the same rows placed give the same coordinates)."""
    reducer = _fitted(take_rows(vectors, rows), params, ctx)

    def place(x: np.ndarray) -> np.ndarray:
        with _quiet():
            return reducer.transform(x)

    return Fitted(np.array(reducer.embedding_), place, version_of("umap-learn") + " (PCA start)", "UMAP transform")


def _fitted(x: np.ndarray, params: ProjectionParams, ctx: TaskContext):
    ctx.report(0, 1, "UMAP", unit="stage")
    ctx.check_cancelled()
    import umap  # noqa: PLC0415 - optional (the umap extra), and its first import compiles with numba

    ctx.check_cancelled()
    reducer = umap.UMAP(n_components=2, n_neighbors=int(params.n_neighbors), min_dist=float(params.min_dist),
                        metric=params.metric, init="pca", random_state=params.seed, verbose=False)
    with _quiet():
        reducer.fit(x)
    ctx.report(1, 1, "UMAP", unit="stage")
    return reducer


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """umap-learn's warnings that are about its own choices, not the user's data."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*n_jobs value.*overridden.*")
        warnings.filterwarnings("ignore", message=".*gradient function is not yet implemented.*")
        yield


METHOD = Method("umap", project_umap, ("n_neighbors", "min_dist", "metric"), requires=REQUIREMENT, checks=(check_umap,),
                fit=fit_umap, fit_max=FIT_MAX)

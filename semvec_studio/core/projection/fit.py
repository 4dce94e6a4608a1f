"""Maps of more rows than a method can fit: fit on a seeded sample, place every other row.

t-SNE and UMAP cost grows faster than the rows (and their memory with it); above a method's
``fit_max`` rows (:data:`~semvec_studio.core.projection.base.FIT_MAX` by default, or
``ProjectionParams.fit_max``) :func:`fit_and_place` fits the method on a seeded sample of that
many rows and places every other row with the method's own transform (openTSNE's
``TSNEEmbedding.transform``, UMAP's ``transform``), :data:`PLACE_BLOCK` rows at a time, with
progress and cancel per block. Nothing is sampled silently: the :class:`Projection` says "fitted on
N of M rows" (``fitted_rows``, ``total_rows``, ``fitted_on``), and so do its manifest record and
``semvec project``. PCA and custom axes take every row and have no limit. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.projection.base import Method, ProjectionParams
from semvec_studio.core.rows import sample_positions, take_rows
from semvec_studio.core.tasks import TaskContext

__all__ = ["PLACE_BLOCK", "Placed", "check_fit_max", "fit_and_place", "fit_limit"]

PLACE_BLOCK = 16384  # rows placed per transform call: progress and cancel between blocks


@dataclass
class Placed:
    """A map fitted on a sample: coordinates of every row, which were fitted, and how."""

    coords: np.ndarray  # [len(rows), 2]
    fitted: np.ndarray  # bool [len(rows)]
    implementation: str
    placement: str


def fit_limit(method: Method, params: ProjectionParams) -> int | None:
    """The most rows ``method`` fits with ``params`` (None: no limit)."""
    if method.fit is None:
        return None
    return int(params.fit_max) if params.fit_max is not None else method.fit_max


def check_fit_max(params: ProjectionParams, minimum: int) -> None:
    if params.fit_max is not None and int(params.fit_max) < minimum:
        raise UsageError(f"--fit-max {params.fit_max}: give at least {minimum} rows to fit on.",
                         gui=f"Fit on {params.fit_max} rows: give at least {minimum}.", field="fit_max")


def fit_and_place(method: Method, vectors, rows: np.ndarray, limit: int, params: ProjectionParams,
                  ctx: TaskContext) -> Placed:
    """Fit ``method`` on a seeded sample of ``limit`` of ``rows`` (``params.seed``), then place the
    other rows onto that map with the method's transform. Same inputs and seed, same map."""
    n = len(rows)
    fit_pos = sample_positions(n, limit, params.seed)
    fitted = np.zeros(n, dtype=bool)
    fitted[fit_pos] = True
    done = method.fit(vectors, rows[fit_pos], params, ctx)
    coords = np.empty((n, 2), dtype=np.float32)
    coords[fit_pos] = np.asarray(done.coords, dtype=np.float32).reshape(len(fit_pos), 2)
    rest = np.flatnonzero(~fitted)
    phase = f"placing the other {len(rest):,} rows ({done.placement})"
    for start in range(0, len(rest), PLACE_BLOCK):
        ctx.report(start, len(rest), phase, unit="row")
        ctx.check_cancelled()
        pos = rest[start:start + PLACE_BLOCK]
        placed = np.asarray(done.place(take_rows(vectors, rows[pos])), dtype=np.float32)
        if placed.shape != (len(pos), 2):
            raise RuntimeError(f"{method.name}: placing {len(pos)} rows returned shape {placed.shape}")
        coords[pos] = placed
    ctx.report(len(rest), len(rest), phase, unit="row")
    return Placed(coords, fitted, done.implementation, done.placement)

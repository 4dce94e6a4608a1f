"""The one entry point for 2-D maps: :func:`project` (a task function) and :func:`validate`.

``project(vectors, ProjectionParams(...), ctx)`` checks the parameters against the set, picks the
rows (all, or a seeded sample), refuses NaN or infinite vectors, runs the registered method
(:mod:`semvec_studio.core.projection.methods`) under the BLAS thread limit, and measures the
map's quality on a seeded sample. Above a method's fit limit (t-SNE, UMAP: ``fit_max``) the method
is fitted on a seeded sample and the other rows are placed with its transform
(:mod:`semvec_studio.core.projection.fit`); the result says so. It returns a :class:`Projection`:
float32 coordinates, the input rows they belong to, the parameters for the manifest, PCA's
explained variance, quality figures, the implementation and the rows fitted. Same inputs and seed
give the same coordinates. Progress and cancel go through ``ctx``. No Qt here.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.projection.base import Projection, ProjectionParams
from semvec_studio.core.projection.fit import check_fit_max, fit_and_place, fit_limit
from semvec_studio.core.projection.methods import get_method
from semvec_studio.core.projection.neighbours import check_metric
from semvec_studio.core.projection.quality import map_quality
from semvec_studio.core.projection.threads import blas_threads
from semvec_studio.core.rows import row_blocks, sample_positions
from semvec_studio.core.tasks import NullContext, TaskContext

__all__ = ["MIN_ROWS", "Projection", "ProjectionParams", "project", "validate"]

MIN_ROWS = 3


def project(vectors: np.ndarray, params: ProjectionParams, ctx: TaskContext | None = None, *,
            quality: bool = True) -> Projection:
    """Map ``vectors`` (N x D, may be memory-mapped) to 2-D with ``params.method``; see
    :class:`ProjectionParams`. ``quality=False`` skips the quality measure (``quality`` is then {})."""
    ctx = ctx or NullContext()
    n = validate(params, _shape(vectors)[0])
    method = get_method(params.method)
    rows = sample_positions(n, n if params.sample is None else int(params.sample), params.seed)
    _check_finite(vectors, rows, ctx)
    ctx.check_cancelled()
    limit = fit_limit(method, params)
    explained, fitted, placement = None, None, ""
    with blas_threads():
        if limit is not None and len(rows) > limit:
            placed = fit_and_place(method, vectors, rows, limit, params, ctx)
            coords, fitted, implementation, placement = placed.coords, placed.fitted, placed.implementation, placed.placement
        else:
            done = method.fn(vectors, rows, params, ctx)
            coords, explained, implementation = done.coords, done.explained_variance, done.implementation
    coords = np.ascontiguousarray(coords, dtype=np.float32)
    if coords.shape != (len(rows), 2):
        raise RuntimeError(f"projector {params.method!r} returned shape {coords.shape}, expected {(len(rows), 2)}")
    ctx.check_cancelled()
    measured = map_quality(vectors, rows, coords, params.seed, params.metric, ctx) if quality else {}
    n_fitted = len(rows) if fitted is None else int(fitted.sum())
    return Projection(coords, rows, params.method, _record(params), explained, measured, implementation,
                      fitted_rows=n_fitted, placement=placement, fitted=fitted)


def validate(params: ProjectionParams, n_rows: int) -> int:
    """Check ``params`` against a set of ``n_rows`` rows; raise :class:`UsageError` (or
    :class:`MissingExtraError`) with what to change. Returns the number of rows."""
    method = get_method(params.method)
    if method.requires is not None:
        method.requires.check()
    check_metric(params.metric)
    n = int(n_rows)
    if params.sample is not None and int(params.sample) < MIN_ROWS:
        raise UsageError(f"sample size (--sample) {params.sample}: give at least {MIN_ROWS} rows, "
                         "or no sample to project all rows.",
                         gui=f"Rows {params.sample}: give at least {MIN_ROWS} rows, or 'all rows'.", field="sample")
    m = n if params.sample is None else min(n, int(params.sample))
    if m < MIN_ROWS:
        raise UsageError(f"a projection needs at least {MIN_ROWS} rows; this set has {n}.")
    check_fit_max(params, MIN_ROWS)
    limit = fit_limit(method, params)
    fit_m = m if limit is None else min(m, limit)  # the rows the method is fitted on
    for check in method.checks:
        check(params, fit_m, n)
    return n


def _shape(vectors) -> tuple[int, int]:
    shape = getattr(vectors, "shape", None)
    if shape is None or len(shape) != 2:
        raise UsageError("project: vectors must be a 2-D array (rows x dimensions).")
    return int(shape[0]), int(shape[1])


def _check_finite(vectors, rows: np.ndarray, ctx: TaskContext) -> None:
    for start, part in row_blocks(vectors, rows):
        bad = ~np.isfinite(part).all(axis=1)
        if bad.any():
            row = int(rows[start + int(np.argmax(bad))])
            raise InputError(f"row {row}: the vector holds NaN or infinite values; extract the vectors again "
                             "or drop that row before projecting.")
        ctx.check_cancelled()


def _record(params: ProjectionParams) -> dict:
    d = asdict(params)
    method = get_method(params.method)
    keep = ("seed", "sample", *method.params)
    out = {k: d[k] for k in keep}
    if method.fit is not None and params.fit_max is not None:
        out["fit_max"] = int(params.fit_max)
    if out.get("axes") is not None:
        out["axes"] = [list(pair) for pair in params.axes]  # JSON-friendly
    return out

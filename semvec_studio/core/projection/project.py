"""The one entry point for 2-D maps: :func:`project` (a task function) and :func:`validate`.

``project(vectors, ProjectionParams(...), ctx)`` checks the parameters against the set, picks the
rows (all, or a seeded sample), refuses NaN or infinite vectors, runs the registered method
(:mod:`semvec_studio.core.projection.methods`) under the BLAS thread limit, and measures the
map's quality on a seeded sample. It returns a :class:`Projection`: float32 coordinates, the input
rows they belong to, the parameters for the manifest, PCA's explained variance, quality figures
and the implementation. Same inputs and seed give the same coordinates. Progress and cancel go
through ``ctx``. No Qt here.
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.projection.base import Projection, ProjectionParams
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
    with blas_threads():
        done = method.fn(vectors, rows, params, ctx)
    coords = np.ascontiguousarray(done.coords, dtype=np.float32)
    if coords.shape != (len(rows), 2):
        raise RuntimeError(f"projector {params.method!r} returned shape {coords.shape}, expected {(len(rows), 2)}")
    ctx.check_cancelled()
    measured = map_quality(vectors, rows, coords, params.seed, params.metric, ctx) if quality else {}
    return Projection(coords, rows, params.method, _record(params), done.explained_variance, measured,
                      done.implementation)


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
    for check in method.checks:
        check(params, m, n)
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
    keep = ("seed", "sample", *get_method(params.method).params)
    out = {k: d[k] for k in keep}
    if out.get("axes") is not None:
        out["axes"] = [list(pair) for pair in params.axes]  # JSON-friendly
    return out

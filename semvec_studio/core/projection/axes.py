"""Custom axes, the Embedding Projector's custom projection: x along row a -> row b, y along c -> d.

x is the position along the direction from row a to row b (a at 0, b at 1), y likewise from row c
to row d. No Qt here."""

from __future__ import annotations

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.projection.base import Method, Projected, ProjectionParams
from semvec_studio.core.rows import row_blocks
from semvec_studio.core.tasks import TaskContext

__all__ = ["METHOD", "project_axes"]


def check_axes(params: ProjectionParams, m: int, n: int) -> None:
    try:
        (a, b), (c, d) = params.axes  # type: ignore[misc]
        pairs = [(int(a), int(b)), (int(c), int(d))]
    except (TypeError, ValueError):
        raise UsageError("custom axes need two pairs of rows ((a, b), (c, d)): x runs from row a to row b, "
                         "y from row c to row d.") from None
    for name, (p, q) in zip("xy", pairs):
        for r in (p, q):
            if not 0 <= r < n:
                raise UsageError(f"custom {name} axis: row {r} is outside 0..{n - 1}; choose rows of this set.")
        if p == q:
            raise UsageError(f"custom {name} axis: the two ends are the same row ({p}); choose two different rows.")


def project_axes(vectors, rows: np.ndarray, params: ProjectionParams, ctx: TaskContext) -> Projected:
    """x = position along the direction from row a to row b (a at 0, b at 1); y likewise c -> d."""
    (a, b), (c, d) = params.axes  # type: ignore[misc]
    ends = np.asarray(vectors[[a, b, c, d]], dtype=np.float64)
    dirs, origins = [], []
    for name, (p, q), (rp, rq) in zip("xy", ((0, 1), (2, 3)), ((a, b), (c, d))):
        v = ends[q] - ends[p]
        norm2 = float(v @ v)
        if norm2 == 0.0:
            raise UsageError(f"custom {name} axis: rows {rp} and {rq} have the same vector, so they give no "
                             "direction; choose two different points.")
        dirs.append(v / norm2)
        origins.append(float(ends[p] @ v) / norm2)
    basis = np.stack(dirs, axis=1)  # D x 2
    out = np.empty((len(rows), 2), dtype=np.float64)
    for start, part in row_blocks(vectors, rows):
        ctx.check_cancelled()
        out[start:start + len(part)] = part.astype(np.float64) @ basis - np.asarray(origins)
        ctx.report(start + len(part), len(rows), "custom axes", unit="row")
    return Projected(out, None, "semvec custom axes")


METHOD = Method("axes", project_axes, ("axes",), checks=(check_axes,))

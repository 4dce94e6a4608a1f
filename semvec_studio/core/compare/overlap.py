"""How the neighbourhoods of the same rows differ between two spaces: per-row k-NN overlap.

Each row's ``k`` nearest neighbours (the row itself excluded) are found exactly in each original
space by :func:`~semvec_studio.core.projection.neighbours.neighbours`; the row's overlap is the
Jaccard index of the two sets, ``|A & B| / |A | B|`` (1: the same neighbours, 0: none shared).
:meth:`NeighbourOverlap.most_changed` orders rows by overlap, lowest first, and
:meth:`NeighbourOverlap.change` gives one row's two neighbour lists with what entered and what
left. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.projection.neighbours import check_metric, neighbours
from semvec_studio.core.tasks import NullContext, TaskContext

__all__ = ["NeighbourOverlap", "RowChange", "jaccard_rows", "knn_overlap"]

JACCARD_BLOCK = 65536  # rows compared at a time (k x k booleans each)


@dataclass(frozen=True)
class RowChange:
    """One row's neighbours in space A (``before``) and in space B (``after``), nearest first, as
    ``(row, similarity)``; ``entered``: rows in B's list and not in A's (in B's order); ``left``:
    rows in A's list and not in B's (in A's order). Similarities are cosines, or minus distances."""

    row: int
    overlap: float
    before: list[tuple[int, float]]
    after: list[tuple[int, float]]
    entered: list[int]
    left: list[int]


@dataclass(frozen=True)
class NeighbourOverlap:
    """The k-NN overlap of every row: ``overlap[n]`` (Jaccard, float64), and each row's neighbours
    in A and B (``before``/``after`` ``[n, k]`` int64, with their similarities)."""

    k: int
    metric: str
    overlap: np.ndarray
    before: np.ndarray
    after: np.ndarray
    before_sims: np.ndarray
    after_sims: np.ndarray

    @property
    def mean(self) -> float:
        return float(self.overlap.mean()) if len(self.overlap) else float("nan")

    def most_changed(self, top: int | None = None) -> np.ndarray:
        """Row numbers by overlap, lowest first (ties: the lower row); the first ``top`` of them."""
        order = np.lexsort((np.arange(len(self.overlap)), self.overlap))
        return order if top is None else order[: max(0, int(top))]

    def change(self, row: int) -> RowChange:
        """Row ``row``'s two neighbour lists and what entered and left between them."""
        n = len(self.overlap)
        if not 0 <= row < n:
            raise UsageError(f"row {row} is outside 0..{n - 1}; choose a row of these spaces.")
        before, after = self.before[row].tolist(), self.after[row].tolist()
        in_before, in_after = set(before), set(after)
        return RowChange(
            row=int(row), overlap=float(self.overlap[row]),
            before=list(zip(before, self.before_sims[row].astype(float).tolist())),
            after=list(zip(after, self.after_sims[row].astype(float).tolist())),
            entered=[r for r in after if r not in in_before],
            left=[r for r in before if r not in in_after],
        )


def jaccard_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row, the Jaccard index of the sets of row numbers in ``a[i]`` and ``b[i]`` (each ``[n, k]``
    without repeats within a row); float64 ``[n]``; 1 where both are empty."""
    n, k = a.shape
    out = np.empty(n, dtype=np.float64)
    for start in range(0, n, JACCARD_BLOCK):
        stop = min(n, start + JACCARD_BLOCK)
        shared = (a[start:stop, :, None] == b[start:stop, None, :]).any(axis=2).sum(axis=1)
        union = 2 * k - shared
        out[start:stop] = np.divide(shared, union, out=np.ones(stop - start), where=union > 0)
    return out


def knn_overlap(a, b, k: int = 10, metric: str = "cosine", *, ctx: TaskContext | None = None) -> NeighbourOverlap:
    """The k-NN overlap of the same rows in spaces ``a`` and ``b`` (2-D arrays, possibly
    memory-mapped, of any widths); ``k`` is capped at the number of rows less one."""
    check_metric(metric)
    ctx = ctx or NullContext()
    if getattr(a, "ndim", None) != 2 or getattr(b, "ndim", None) != 2:
        raise UsageError("neighbour overlap: both spaces must be 2-D arrays (rows x dimensions).")
    n = int(a.shape[0])
    if int(b.shape[0]) != n:
        raise UsageError(f"neighbour overlap compares the same rows; the spaces have {n} and {int(b.shape[0])} rows.")
    if n < 2:
        raise UsageError(f"neighbour overlap needs at least 2 rows; got {n}.")
    if int(k) < 1:
        raise UsageError(f"--k {k}: must be at least 1.", gui=f"k {k}: must be at least 1.", field="k")
    k = min(int(k), n - 1)
    rows = np.arange(n, dtype=np.int64)
    before, before_sims = neighbours(a, rows, k, metric, ctx=ctx)  # reports its own progress, checks cancel
    after, after_sims = neighbours(b, rows, k, metric, ctx=ctx)
    return NeighbourOverlap(k, metric, jaccard_rows(before, after), before, after, before_sims, after_sims)

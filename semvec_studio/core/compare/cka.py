"""Linear CKA between spaces of the same rows, and the layer-by-layer CKA matrix.

This is the standard linear centred kernel alignment of Kornblith et al. (2019), the one built on
the biased HSIC estimator::

    CKA(X, Y) = ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F * ||Yc^T Yc||_F)

with ``Xc``, ``Yc`` the rows centred (each column's mean removed). It is computed in feature space,
so no n x n matrix is ever made: one pass over the rows for the means, one for the ``d_x x d_y``
cross products, both in float64 blocks of rows (a memory-mapped set is read a block at a time).
CKA is 1 for a space with itself, and invariant to rotations, reflections and isotropic scaling
of either space (not to arbitrary linear maps). With fewer rows than dimensions this estimator
is biased upwards (it tends to 1), so compare spaces on more rows than they have dimensions.
A space whose rows are all equal has no variance: its CKA is undefined (NaN).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.tasks import TaskContext

__all__ = ["BLOCK", "BUDGET_BYTES", "cka_matrix", "linear_cka"]

BLOCK = 8192  # rows per float64 block
BUDGET_BYTES = 256 * 2**20  # cross-product accumulators held at once; more pairs take more passes


def linear_cka(x, y, *, block: int = BLOCK, ctx: TaskContext | None = None) -> float:
    """Linear CKA of two spaces of the same rows (2-D arrays, possibly memory-mapped, of any widths)."""
    return float(cka_matrix([x], [y], block=block, ctx=ctx)[0, 0])


def cka_matrix(spaces: Sequence, others: Sequence | None = None, *, block: int = BLOCK,
               budget_bytes: int = BUDGET_BYTES, ctx: TaskContext | None = None) -> np.ndarray:
    """CKA of every space in ``spaces`` with every space in ``others`` (default: ``spaces`` itself,
    a symmetric matrix with 1 on the diagonal), float64 ``[len(spaces), len(others)]``.

    Every space is a 2-D array with the same rows, e.g. one model's layers (column slices of an
    ``extract`` with ``layer_combine="concat"``) or two models' layers on the same texts. Pairs are
    accumulated together while their cross products fit in ``budget_bytes``; past that, in more
    passes over the rows.
    """
    symmetric = others is None
    left = list(spaces)
    right = left if symmetric else list(others)
    every = left if symmetric else left + right
    n = _check(every)
    offset = 0 if symmetric else len(left)
    pairs = {(i, i) for i in range(len(every))}
    if symmetric:
        pairs |= {(i, j) for i in range(len(left)) for j in range(i + 1, len(left))}
    else:
        pairs |= {(i, offset + j) for i in range(len(left)) for j in range(len(right))}
    means = _means(every, n, block, ctx)
    cross = _cross_norms(every, sorted(pairs), means, n, block, budget_bytes, ctx)
    out = np.empty((len(left), len(right)), dtype=np.float64)
    for i in range(len(left)):
        for j in range(len(right)):
            a, b = (min(i, j), max(i, j)) if symmetric else (i, offset + j)
            denom = np.sqrt(cross[(a, a)] * cross[(b, b)])
            out[i, j] = cross[(a, b)] / denom if denom > 0 else np.nan
    return np.clip(out, 0.0, 1.0, out=out)  # rounding only: CKA lies in [0, 1]; NaN stays NaN


def _check(spaces: list) -> int:
    if not spaces:
        raise UsageError("CKA needs at least one space on each side.")
    shapes = [getattr(s, "shape", None) for s in spaces]
    if any(s is None or len(s) != 2 for s in shapes):
        raise UsageError("CKA: every space must be a 2-D array (rows x dimensions).")
    rows = {s[0] for s in shapes}
    if len(rows) != 1:
        raise UsageError(f"CKA compares spaces of the same rows; these have {', '.join(str(r) for r in sorted(rows))} rows.")
    n = rows.pop()
    if n < 2:
        raise UsageError(f"CKA needs at least 2 rows; got {n}.")
    return int(n)


def _means(spaces: list, n: int, block: int, ctx: TaskContext | None) -> list[np.ndarray]:
    sums = [np.zeros(s.shape[1], dtype=np.float64) for s in spaces]
    for start in range(0, n, block):
        if ctx is not None:
            ctx.check_cancelled()
        for k, s in enumerate(spaces):
            sums[k] += np.asarray(s[start:start + block], dtype=np.float64).sum(axis=0)
    return [total / n for total in sums]


def _groups(spaces: list, pairs: list[tuple[int, int]], budget_bytes: int) -> list[list[tuple[int, int]]]:
    """Pairs in groups whose float64 cross products fit the budget (at least one pair each)."""
    groups: list[list[tuple[int, int]]] = [[]]
    used = 0
    for i, j in pairs:
        size = 8 * spaces[i].shape[1] * spaces[j].shape[1]
        if groups[-1] and used + size > budget_bytes:
            groups.append([])
            used = 0
        groups[-1].append((i, j))
        used += size
    return groups


def _cross_norms(spaces: list, pairs: list[tuple[int, int]], means: list[np.ndarray], n: int, block: int,
                 budget_bytes: int, ctx: TaskContext | None) -> dict[tuple[int, int], float]:
    """``||Xi_c^T Xj_c||_F^2`` for each pair ``(i, j)``. Per block of rows the needed spaces are
    centred side by side once, and each space meets all its partners in one matrix product."""
    groups = _groups(spaces, pairs, budget_bytes)
    total = n * len(groups)
    out: dict[tuple[int, int], float] = {}
    for g, group in enumerate(groups):
        needed = sorted({k for pair in group for k in pair})
        widths = [int(spaces[k].shape[1]) for k in needed]
        starts = dict(zip(needed, np.concatenate([[0], np.cumsum(widths)[:-1]]).tolist()))
        partners = {i: [j for a, j in group if a == i] for i in needed}
        columns = {i: _columns(spaces, starts, js) for i, js in partners.items() if js}
        complete = len(group) == len(needed) * (len(needed) + 1) // 2  # every pair of the needed spaces: one Gram matrix
        acc = {} if complete else {i: np.zeros((spaces[i].shape[1], _width(cols)), dtype=np.float64) for i, cols in columns.items()}
        gram = np.zeros((sum(widths), sum(widths)), dtype=np.float64) if complete else None
        for start in range(0, n, block):
            if ctx is not None:
                ctx.check_cancelled()
                ctx.report(g * n + start, total, "comparing spaces (CKA)", unit="row")
            stop = min(n, start + block)
            cent = np.empty((stop - start, sum(widths)), dtype=np.float64)
            for k in needed:
                cent[:, starts[k]:starts[k] + spaces[k].shape[1]] = np.asarray(spaces[k][start:stop], dtype=np.float64) - means[k]
            if complete:
                gram += cent.T @ cent
                continue
            for i, cols in columns.items():
                acc[i] += cent[:, starts[i]:starts[i] + spaces[i].shape[1]].T @ cent[:, cols]
        if complete:
            acc = {i: gram[starts[i]:starts[i] + spaces[i].shape[1], cols] for i, cols in columns.items()}
        for i, js in partners.items():
            at = 0
            for j in js:
                part = acc[i][:, at:at + spaces[j].shape[1]]
                out[(i, j)] = float(np.einsum("ij,ij->", part, part))
                at += spaces[j].shape[1]
    if ctx is not None:
        ctx.report(total, total, "comparing spaces (CKA)", unit="row")
    return out


def _columns(spaces: list, starts: dict[int, int], js: list[int]):
    """The columns of spaces ``js`` side by side: a slice when they are adjacent, else indices."""
    ranges = [(starts[j], starts[j] + int(spaces[j].shape[1])) for j in js]
    if all(ranges[k][1] == ranges[k + 1][0] for k in range(len(ranges) - 1)):
        return slice(ranges[0][0], ranges[-1][1])
    return np.concatenate([np.arange(a, b) for a, b in ranges])


def _width(cols) -> int:
    return cols.stop - cols.start if isinstance(cols, slice) else len(cols)

"""Numpy helpers behind the scatter (no Qt): level of detail, density, picking, polygons, colours.

Level of detail: :class:`PointIndex` stores the points in a seeded random order, so "the first
``cap`` points in a rectangle" is a seeded random subsample of that rectangle, and it is stable
while the user pans (a point drawn at one position of the view stays drawn at the next).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from semvec_studio.gui.i18n import translate

# Tableau 10 without its grey (grey means "other"), then its lighter companions.
CATEGORY_COLORS = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
    "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63", "#d4a6c8",
)
OTHER_COLOR = "#8a8a8a"
SINGLE_COLOR = "#4e79a7"
VALUE_BINS = 64  # a continuous colour is quantised to this many shared brushes


@dataclass
class Categories:
    """Per-point colour codes and what they mean: ``codes[i]`` indexes ``names``/``colors``."""

    codes: np.ndarray  # uint16, one per point
    names: list[str]
    counts: list[int]
    colors: list[str]

    @property
    def n(self) -> int:
        return len(self.names)


def categorize(values, max_colors: int = len(CATEGORY_COLORS)) -> Categories:
    """The ``max_colors`` most frequent values get their own colour, the rest share "other".
    One pass over the values (numpy for integer arrays), so a million rows take well under 1 s."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iub":
        uniq, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
        names = [str(u) for u in uniq.tolist()]
    else:
        lookup: dict = {}
        inverse = np.fromiter((lookup.setdefault(v, len(lookup)) for v in values), np.int64, count=len(values))
        names = [str(v) for v in lookup]
        counts = np.bincount(inverse, minlength=len(names))
    ranked = sorted(range(len(names)), key=lambda i: (-int(counts[i]), names[i]))
    keep, rest = (ranked[: max_colors - 1], ranked[max_colors - 1:]) if len(ranked) > max_colors else (ranked, [])
    keep.sort(key=lambda i: _natural(names[i]))
    remap = np.full(len(names), len(keep), dtype=np.uint16)
    remap[keep] = np.arange(len(keep), dtype=np.uint16)
    codes = remap[np.asarray(inverse, dtype=np.int64).reshape(-1)] if len(names) else np.zeros(0, np.uint16)
    out_names = [names[i] for i in keep]
    out_counts = [int(counts[i]) for i in keep]
    colors = [CATEGORY_COLORS[i % len(CATEGORY_COLORS)] for i in range(len(keep))]
    if rest:
        out_names.append(translate("Scatter", "other ({0} values)").format(f"{len(rest):,}"))
        out_counts.append(int(sum(int(counts[i]) for i in rest)))
        colors.append(OTHER_COLOR)
    return Categories(codes, out_names, out_counts, colors)


def _natural(s: str):
    """Sort 'cluster 2' before 'cluster 10', case-insensitively."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in re.split(r"(\d+)", s)]


def quantize(values: np.ndarray, bins: int = VALUE_BINS) -> tuple[np.ndarray, float, float]:
    """Codes 0..bins-1 for a continuous value (robust 1..99 % range); NaN gets code ``bins``."""
    v = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(v)
    if not finite.any():
        return np.full(len(v), bins, np.uint16), 0.0, 1.0
    # robust range for many values; a few (layers of a path) use their whole range
    lo, hi = (float(x) for x in np.percentile(v[finite], [1, 99])) if finite.sum() > 100 else (0.0, 0.0)
    if hi <= lo:
        lo, hi = float(v[finite].min()), float(v[finite].max())
    if hi <= lo:
        hi = lo + 1.0
    codes = np.clip(((v - lo) / (hi - lo) * bins).astype(np.int64, copy=False), 0, bins - 1) if finite.all() else None
    if codes is None:
        codes = np.full(len(v), bins, np.int64)
        codes[finite] = np.clip(((v[finite] - lo) / (hi - lo) * bins).astype(np.int64), 0, bins - 1)
    return codes.astype(np.uint16), lo, hi


class PointIndex:
    """2-D points in a seeded random order, for level of detail and picking."""

    def __init__(self, xy: np.ndarray, seed: int = 0) -> None:
        xy = np.asarray(xy, dtype=np.float32)  # float32: half the memory traffic of each refresh
        n = len(xy)
        self.order = np.random.default_rng(seed).permutation(n).astype(np.int64)  # draw rank -> point
        self.x = np.ascontiguousarray(xy[self.order, 0])
        self.y = np.ascontiguousarray(xy[self.order, 1])
        self.rank = np.empty(n, np.int64)  # point -> draw rank
        self.rank[self.order] = np.arange(n)
        self.finite = finite = np.isfinite(self.x) & np.isfinite(self.y)
        self.n_finite = int(finite.sum())
        self.bounds = ((float(self.x[finite].min()), float(self.x[finite].max()),
                        float(self.y[finite].min()), float(self.y[finite].max())) if finite.any() else (0.0, 1.0, 0.0, 1.0))

    def __len__(self) -> int:
        return len(self.order)

    def in_rect(self, x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
        """Draw ranks of the points inside the rectangle (ascending)."""
        if x0 <= self.bounds[0] and x1 >= self.bounds[1] and y0 <= self.bounds[2] and y1 >= self.bounds[3]:
            return np.flatnonzero(self.finite) if self.n_finite < len(self.x) else np.arange(len(self.x))
        mask = self.x >= np.float32(x0)
        mask &= self.x <= np.float32(x1)
        mask &= self.y >= np.float32(y0)
        mask &= self.y <= np.float32(y1)
        return np.flatnonzero(mask)

    def level_of_detail(self, rect: tuple[float, float, float, float], cap: int) -> tuple[np.ndarray, np.ndarray, bool]:
        """(draw ranks to draw, draw ranks in view, whether that is a subsample)."""
        inside = self.in_rect(*rect)
        return inside[:cap], inside, len(inside) > cap

    def density(self, ranks: np.ndarray, rect: tuple[float, float, float, float], shape: tuple[int, int]) -> np.ndarray:
        """Counts per cell of a ``shape`` = (columns, rows) grid over ``rect`` (x0, x1, y0, y1),
        indexed [column, row] with row 0 at y0 (pyqtgraph's column-major ImageItem order)."""
        x0, x1, y0, y1 = rect
        nx, ny = shape
        cells = []
        for v, lo, hi, m in ((self.x, x0, x1, nx), (self.y, y0, y1, ny)):
            c = v[ranks]
            c -= np.float32(lo)
            c *= np.float32(m / max(hi - lo, 1e-30))
            c = c.astype(np.int32)
            np.clip(c, 0, m - 1, out=c)
            cells.append(c)
        cx, cy = cells
        cx *= ny
        cx += cy
        return np.bincount(cx, minlength=nx * ny).reshape(nx, ny)


class Picker:
    """Nearest drawn point to a position, in pixels: a KD-tree over the drawn points only,
    built on the first query after they change."""

    def __init__(self) -> None:
        self.points = np.zeros((0, 2))
        self.ids = np.zeros(0, np.int64)
        self._tree: cKDTree | None = None

    def set_points(self, x: np.ndarray, y: np.ndarray, ids: np.ndarray) -> None:
        self.points = np.column_stack([x, y]) if len(ids) else np.zeros((0, 2))
        self.ids = np.asarray(ids, dtype=np.int64)
        self._tree = None

    def nearest(self, x: float, y: float, sx: float, sy: float, radius_px: float) -> int:
        """The id of the nearest point within ``radius_px`` pixels, or -1. ``sx``/``sy`` are
        pixels per data unit along x and y (the view may be stretched)."""
        if not len(self.ids) or not (sx > 0 and sy > 0):
            return -1
        if self._tree is None:
            self._scale = (sx, sy)
            self._tree = cKDTree(self.points * np.array([sx, sy]))
        ax, ay = self._scale
        if not (np.isclose(ax, sx, rtol=1e-6) and np.isclose(ay, sy, rtol=1e-6)):
            self._tree = None
            return self.nearest(x, y, sx, sy, radius_px)
        dist, i = self._tree.query((x * sx, y * sy), k=1, distance_upper_bound=radius_px)
        return int(self.ids[i]) if np.isfinite(dist) else -1


# --- polygons --------------------------------------------------------------------------------------


def points_in_polygon_exact(x: np.ndarray, y: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Even-odd rule, exact: one vectorised pass per polygon edge."""
    inside = np.zeros(len(x), dtype=bool)
    px, py = poly[:, 0], poly[:, 1]
    qx, qy = np.roll(px, -1), np.roll(py, -1)
    for x1, y1, x2, y2 in zip(px, py, qx, qy):
        if y1 == y2:
            continue
        crosses = (y1 > y) != (y2 > y)
        xc = x1 + (y - y1) * ((x2 - x1) / (y2 - y1))
        inside ^= crosses & (x < xc)
    return inside


def points_in_polygon(x: np.ndarray, y: np.ndarray, poly: np.ndarray, grid: int = 2048) -> np.ndarray:
    """Which points lie inside the closed polygon ``poly`` (k x 2), even-odd rule.

    Small inputs get the exact test; large ones a scanline rasterisation of the polygon on a
    ``grid`` x ``grid`` raster over its bounding box (finer than the screen the lasso was drawn
    on), so a million points cost one lookup each instead of one test per edge.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    poly = np.asarray(poly, dtype=np.float64)
    out = np.zeros(len(x), dtype=bool)
    if len(poly) < 3 or not len(x):
        return out
    bx0, by0 = poly.min(axis=0)
    bx1, by1 = poly.max(axis=0)
    cand = np.flatnonzero((x >= bx0) & (x <= bx1) & (y >= by0) & (y <= by1))
    if not len(cand):
        return out
    if len(cand) * len(poly) <= 4_000_000:
        out[cand] = points_in_polygon_exact(x[cand], y[cand], poly)
        return out
    cw, ch = max(bx1 - bx0, 1e-300) / grid, max(by1 - by0, 1e-300) / grid
    mask = polygon_raster(poly, (bx0, by0), (cw, ch), grid)
    col = np.clip(((x[cand] - bx0) / cw).astype(np.int64), 0, grid - 1)
    row = np.clip(((y[cand] - by0) / ch).astype(np.int64), 0, grid - 1)
    out[cand] = mask[row, col]
    return out


def polygon_raster(poly: np.ndarray, origin, cell, grid: int) -> np.ndarray:
    """[row, column] booleans: is the centre of each cell inside ``poly`` (even-odd)."""
    bx0, by0 = origin
    cw, ch = cell
    yc = by0 + (np.arange(grid) + 0.5) * ch
    x1, y1 = poly[:, 0], poly[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    crosses = (y1[:, None] > yc[None, :]) != (y2[:, None] > yc[None, :])  # edges x rows
    e, r = np.nonzero(crosses)
    xc = x1[e] + (yc[r] - y1[e]) * (x2[e] - x1[e]) / (y2[e] - y1[e])
    first = np.clip(np.floor((xc - bx0) / cw - 0.5).astype(np.int64) + 1, 0, grid)  # first cell centre right of xc
    toggles = np.zeros((grid, grid + 1), dtype=np.int32)
    np.add.at(toggles, (r, first), 1)
    return (np.cumsum(toggles, axis=1)[:, :grid] & 1).astype(bool)

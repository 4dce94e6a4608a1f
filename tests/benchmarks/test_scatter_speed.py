"""Scatter speed: first draw of 100,000 points, and pan/zoom repaints at 100,000 and 1,000,000.

Synthetic clustered 2-D points (seeded), coloured by 12 string categories, in a 1000 x 700
scatter (offscreen). Times are QElapsedTimer wall times on the GUI thread:

- ``first_draw``: ``set_points`` + ``color_by_categories`` + ``grab()`` (a full paint).
- ``repaint``: set a new view range (pan steps and zoom levels) and ``grab()``: what a pan or
  zoom gesture repaints (the drawn points are only transformed).
- ``lod_refresh``: once the view settles, the level-of-detail refresh (which points to draw,
  the density image) plus ``grab()``.

Targets: first draw <= 0.5 s at 100,000; repaint median <= 50 ms at 100,000 and 1,000,000.
Run with ``pytest -s tests/benchmarks/test_scatter_speed.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QElapsedTimer

from semvec_studio.gui.plots.scatter import DRAW_CAP, Scatter
from tests.benchmarks.conftest import report

SIZE = (1000, 700)
FIRST_DRAW_S = 0.5
REPAINT_MS = 50.0


def clustered(n: int, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=6.0, size=(12, 2))
    spread = rng.uniform(0.4, 1.5, 12)
    lab = rng.integers(0, 12, n)
    xy = (centers[lab] + rng.normal(size=(n, 2)) * spread[lab, None]).astype(np.float32)
    return xy, [f"cluster {c}" for c in lab.tolist()]


def ms(timer: QElapsedTimer) -> float:
    return timer.nsecsElapsed() / 1e6


def views(scatter: Scatter) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Pan steps at the full view, then zoom levels 2x..64x around a dense spot, then pans there."""
    (x0, x1), (y0, y1) = scatter.vb.viewRange()
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    out = [((x0 + d * w, x1 + d * w), (y0, y1)) for d in (0.05, 0.1, 0.15, 0.1, 0.05)]
    for z in (2, 4, 8, 16, 32, 64):
        out.append(((cx - w / (2 * z), cx + w / (2 * z)), (cy - h / (2 * z), cy + h / (2 * z))))
    z = 8
    for d in (0.02, 0.04, 0.06):
        out.append(((cx - w / (2 * z) + d * w, cx + w / (2 * z) + d * w), (cy - h / (2 * z), cy + h / (2 * z))))
    return out


@pytest.fixture
def scatter(qtbot):
    widget = Scatter()
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_first_draw_of_100k_points(scatter):
    xy, labels = clustered(100_000)
    scatter.grab()  # the empty widget once (fonts, style)
    timer = QElapsedTimer()
    timer.start()
    scatter.set_points(xy)
    scatter.color_by_categories(labels)
    scatter.grab()
    first = ms(timer)
    report("scatter_first_draw", points=100_000, ms=round(first, 1), drawn=len(scatter.drawn), density=scatter.density_visible())
    assert len(scatter.drawn) == DRAW_CAP and scatter.density_visible()
    assert first <= FIRST_DRAW_S * 1000, f"first draw of 100,000 points took {first:.0f} ms"


@pytest.mark.parametrize("n", [100_000, 1_000_000])
def test_pan_and_zoom_repaint(scatter, n):
    xy, labels = clustered(n)
    scatter.set_points(xy)
    scatter.color_by_categories(labels)
    scatter.grab()
    repaint, refresh = [], []
    timer = QElapsedTimer()
    for x_range, y_range in views(scatter):
        timer.start()
        scatter.vb.setRange(xRange=x_range, yRange=y_range, padding=0)
        scatter.grab()
        repaint.append(ms(timer))
        timer.start()
        scatter.refresh_lod()
        scatter.grab()
        refresh.append(ms(timer))
    rep, ref = np.asarray(repaint), np.asarray(refresh)
    report(f"scatter_pan_zoom_{n // 1000}k", points=n, views=len(rep),
           repaint_median_ms=round(float(np.median(rep)), 1), repaint_max_ms=round(float(rep.max()), 1),
           lod_refresh_median_ms=round(float(np.median(ref)), 1), lod_refresh_max_ms=round(float(ref.max()), 1))
    assert np.median(rep) <= REPAINT_MS, f"pan/zoom repaint median {np.median(rep):.1f} ms at {n:,} points"
    assert np.median(ref) <= 2 * REPAINT_MS, f"level-of-detail refresh median {np.median(ref):.1f} ms at {n:,} points"

"""The level-of-detail scatter on synthetic points: what is drawn when, picking, selections,
colours, legend, exports; and its numpy helpers against brute-force references."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from semvec_studio.gui.plots.scatter import DRAW_CAP, Scatter
from semvec_studio.gui.plots.scatter_data import (
    OTHER_COLOR,
    PointIndex,
    categorize,
    points_in_polygon,
    points_in_polygon_exact,
    quantize,
)


@pytest.fixture
def scatter(qtbot):
    widget = Scatter()
    qtbot.addWidget(widget)
    widget.resize(900, 650)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def blobs(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0]])
    return (centers[rng.integers(0, 3, n)] + rng.normal(size=(n, 2))).astype(np.float32)


def test_zoomed_out_a_density_image_and_a_seeded_subsample_zoomed_in_every_point(scatter, qtbot):
    xy = blobs(120_000)
    scatter.set_points(xy)
    assert len(scatter.drawn) == DRAW_CAP and scatter.subsampled and scatter.density_visible()
    again = PointIndex(xy)
    assert np.array_equal(scatter.drawn, again.order[:DRAW_CAP])  # seeded: the same subsample every time
    with qtbot.waitSignal(scatter.lodChanged, timeout=5000):  # refreshed once the view settles
        scatter.vb.setRange(xRange=(7.5, 8.5), yRange=(-0.5, 0.5), padding=0)
    (x0, x1), (y0, y1) = scatter.vb.viewRange()
    in_view = np.flatnonzero((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1))
    assert 0 < len(in_view) <= DRAW_CAP
    assert set(scatter.drawn.tolist()) == set(in_view.tolist())  # every point in view, nothing else
    assert not scatter.subsampled and not scatter.density_visible()
    assert "of 120,000" in scatter.info.text()


def test_small_sets_are_drawn_whole_without_density(scatter):
    scatter.set_points(blobs(500))
    assert len(scatter.drawn) == 500 and not scatter.density_visible()


def test_picking_finds_the_nearest_drawn_point_within_the_radius(scatter):
    xy = np.array([[0, 0], [10, 0], [0, 10], [10, 10], [5, 5]], dtype=np.float32)
    scatter.set_points(xy)
    for i in range(len(xy)):
        assert scatter.point_at(scatter.scene_pos_of(i)) == i
    far = scatter.scene_pos_of(4) + QPointF(60, 0)
    assert scatter.point_at(far) == -1


def test_rectangle_and_polygon_selection_modifiers(scatter, qtbot):
    xy = blobs(3000)
    scatter.set_points(xy)
    square = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)
    with qtbot.waitSignal(scatter.selectionChanged, timeout=2000):
        scatter.select_polygon(square)
    inside = np.flatnonzero((np.abs(xy[:, 0]) < 1) & (np.abs(xy[:, 1]) < 1))
    assert np.array_equal(scatter.selection, inside)
    other = square + [8, 0]
    scatter.select_polygon(other, Qt.KeyboardModifier.ShiftModifier)
    more = np.flatnonzero((np.abs(xy[:, 0] - 8) < 1) & (np.abs(xy[:, 1]) < 1))
    assert np.array_equal(scatter.selection, np.union1d(inside, more))
    scatter.select_polygon(square, Qt.KeyboardModifier.ControlModifier)
    assert np.array_equal(scatter.selection, more)


def test_categories_legend_and_hiding_a_category(scatter):
    xy = blobs(2000)
    scatter.set_points(xy)
    labels = ["a" if x < 4 else "b" for x in xy[:, 0]]
    cats = scatter.color_by_categories(labels)
    assert cats.names == ["a", "b"] and len(scatter.legend.items) == 2
    sample, _label = scatter.legend.items[0]
    scatter._on_legend_clicked(sample.item)  # what clicking the legend's swatch does
    assert all(labels[i] == "b" for i in scatter.drawn)
    scatter._on_legend_clicked(sample.item)
    assert len(scatter.drawn) == len(xy)
    lo, hi = scatter.color_by_values(xy[:, 0], "x")
    assert scatter.categories is None and lo < hi and scatter._side is scatter.bar


def test_point_size_and_opacity(scatter):
    scatter.set_points(blobs(200))
    scatter.set_point_style(size=11, opacity=0.3)
    assert scatter.points.opts["size"] == 11
    assert all(abs(b.color().alphaF() - 0.3) < 0.01 for b in scatter._brushes)


def test_export_png_and_svg(scatter, tmp_path):
    scatter.set_points(blobs(400))
    scatter.color_by_categories(np.arange(400) % 3)
    scatter.set_marks("search", [1, 2, 3])
    scatter.export(str(tmp_path / "a.png"))
    scatter.export(str(tmp_path / "a.svg"))
    assert (tmp_path / "a.png").stat().st_size > 5000
    svg = (tmp_path / "a.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and svg.count("<path") > 100  # the points as vector shapes


# --- numpy helpers ----------------------------------------------------------------------------


def test_raster_polygon_test_agrees_with_the_exact_even_odd_rule():
    rng = np.random.default_rng(3)
    angles = np.sort(rng.uniform(0, 2 * np.pi, 150))
    radius = rng.uniform(0.5, 1.0, 150)
    poly = np.column_stack([radius * np.cos(angles), radius * np.sin(angles)])  # a spiky star
    x, y = rng.uniform(-1, 1, 200_000), rng.uniform(-1, 1, 200_000)
    exact = points_in_polygon_exact(x, y, poly)
    fast = points_in_polygon(x, y, poly)  # large: the rasterised path
    disagree = np.flatnonzero(exact != fast)
    assert len(disagree) <= 0.005 * len(x)
    # ...and only for points within one raster cell of an edge
    a, b = poly, np.roll(poly, -1, axis=0)
    p = np.column_stack([x[disagree], y[disagree]])[:, None, :]
    t = np.clip(((p - a) * (b - a)).sum(-1) / ((b - a) ** 2).sum(-1), 0, 1)
    dist = np.linalg.norm(p - (a + t[..., None] * (b - a)), axis=-1).min(axis=1)
    cell = np.hypot(*(poly.max(axis=0) - poly.min(axis=0))) / 2048
    assert dist.max() <= cell


def test_categorize_keeps_the_most_frequent_and_groups_the_rest():
    values = ["x"] * 50 + ["y"] * 30 + [f"rare{i}" for i in range(40)]
    cats = categorize(values, max_colors=5)
    assert cats.names[:4] == ["rare0", "rare1", "x", "y"] and cats.names[-1].startswith("other (38 values")
    assert cats.colors[-1] == OTHER_COLOR and sum(cats.counts) == len(values)
    assert [cats.names[c] for c in cats.codes[:2]] == ["x", "x"]
    nums = categorize(np.array([10, 2, 2, 10, 1]))
    assert nums.names == ["1", "2", "10"]  # natural order


def test_quantize_maps_values_to_bins_and_nan_to_its_own():
    codes, lo, hi = quantize(np.array([0.0, 0.5, 1.0, np.nan]), bins=4)
    assert codes[-1] == 4 and codes[0] == 0 and codes[2] == 3 and lo < hi

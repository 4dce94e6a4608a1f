"""Highlights drawn over the scatter's points: search matches, neighbours, the selection, the
current point (each a small ScatterPlotItem of its own), and a path joining points in order."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

MARK_STYLES = {  # kind: (colour, extra size, pen width, z); "fg" = the palette's text colour
    "search": ("#e600e6", 6, 2.0, 10),
    "neighbours": ("#d62728", 7, 2.0, 11),
    "selection": ("fg", 4, 1.5, 12),
    "current": ("fg", 12, 3.0, 13),
}
MARK_CAP = 5_000  # marked points drawn at once (the ones in view first)
MANY_MARKS = 300  # above this many, marks are filled dots instead of rings (rings would merge)


class MarkLayers:
    """``refresh(rows_by_kind, positions, rect, point_size, fg)`` redraws every kind;
    ``set_path(xy, labels, fg)`` draws the path."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.items = {kind: pg.ScatterPlotItem(pxMode=True, brush=None, antialias=True) for kind in MARK_STYLES}
        for kind, item in self.items.items():
            item.setZValue(MARK_STYLES[kind][3])
            plot.addItem(item, ignoreBounds=True)
        self.path = pg.PlotDataItem(antialias=True)
        self.path.setZValue(9)
        plot.addItem(self.path, ignoreBounds=True)
        self.path_labels: list[pg.TextItem] = []

    def refresh(self, rows_by_kind: dict, positions: Callable, rect, point_size: float, fg: QColor) -> None:
        for kind, item in self.items.items():
            rows = rows_by_kind.get(kind)
            if rows is None or not len(rows):
                item.setData([], [])
                continue
            xy = positions(rows)
            if len(rows) > MARK_CAP:
                x0, x1, y0, y1 = rect
                inside = (xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)
                xy = xy[np.flatnonzero(inside)[:MARK_CAP]]
            self._shape(kind, item, len(rows) > MANY_MARKS, point_size, fg)
            item.setData(xy[:, 0], xy[:, 1])

    @staticmethod
    def _shape(kind: str, item: pg.ScatterPlotItem, many: bool, point_size: float, fg: QColor) -> None:
        """A ring around each marked point; many marks are filled dots."""
        color, extra, width, _z = MARK_STYLES[kind]
        color = fg if color == "fg" else QColor(color)
        if many:
            item.setPen(None)
            item.setBrush(pg.mkBrush(color))
            item.setSize(point_size + 1)
        else:
            item.setPen(pg.mkPen(color, width=width))
            item.setBrush(None)
            item.setSize(point_size + extra)

    def set_path(self, xy: np.ndarray | None, labels, fg: QColor) -> None:
        """Join the points ``xy`` (k x 2) in order with a line; ``labels`` name them on the plot."""
        if xy is None or not len(xy):
            self.path.setData([], [])
        else:
            self.path.setData(xy[:, 0], xy[:, 1], pen=pg.mkPen(fg, width=1.5))
        self.set_labels(xy, labels, fg)

    def set_labels(self, xy: np.ndarray | None, labels, fg: QColor) -> None:
        """Write ``labels`` next to the points ``xy`` (a few: each is an item): right of the
        points in the left half, left of those in the right half, so they stay in view."""
        for item in self.path_labels:
            self.plot.removeItem(item)
        self.path_labels = []
        mid = float(xy[:, 0].min() + xy[:, 0].max()) / 2 if xy is not None and len(xy) else 0.0
        for (x, y), text in zip(xy if xy is not None else [], labels or []):
            label = pg.TextItem(str(text), color=fg, anchor=(1.08, 1.0) if x > mid else (-0.08, 1.0))
            label.setPos(float(x), float(y))
            label.setZValue(14)
            self.plot.addItem(label, ignoreBounds=True)
            self.path_labels.append(label)

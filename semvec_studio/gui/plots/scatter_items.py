"""pyqtgraph items behind the scatter: a ScatterPlotItem with a vectorised bulk setter, and a
ViewBox that draws lasso and rectangle selections."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401 (loads the SVG exporter that export_svg patches)
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsPathItem

PAN, LASSO, RECT = "pan", "lasso", "rect"


class FastScatterItem(pg.ScatterPlotItem):
    """A ``ScatterPlotItem`` (pxMode, no pen) whose points share a few brushes.

    ``set_points(x, y, codes, brushes)`` fills the item's record array directly: the symbol
    atlas is asked once per brush instead of once per point (pyqtgraph's ``setData`` computes a
    style key per point in Python, ~5 µs each). Drawing is pyqtgraph's own (pixmap fragments).
    """

    def __init__(self, size: float = 6.0) -> None:
        super().__init__(pxMode=True, pen=None, size=size, antialias=True)
        self._brushes: list[QBrush] = []
        self._codes = np.zeros(0, np.int64)

    def set_points(self, x: np.ndarray, y: np.ndarray, codes: np.ndarray, brushes: Sequence[QBrush]) -> None:
        n = len(x)
        data = np.zeros(n, dtype=self.data.dtype)  # 10x faster than np.empty for object fields...
        for name in ("symbol", "pen", "data", "item"):
            data[name] = None  # ...which must hold None (= the item's defaults)
        data["x"] = x
        data["y"] = y
        data["size"] = -1
        data["visible"] = True
        data["hovered"] = False
        if [id(b) for b in brushes] != [id(b) for b in self._brushes]:
            self.fragmentAtlas.clear()  # old colours (another opacity or palette) leave the atlas
        if n:
            table = np.empty(len(brushes), dtype=object)
            table[:] = list(brushes)
            data["brush"] = table[codes]
            styles = [(self.opts["symbol"], self.opts["size"], self.opts["pen"], b) for b in brushes]
            rects = np.array([tuple(r) for r in self.fragmentAtlas[styles]], dtype=data["sourceRect"].dtype)
            data["sourceRect"] = rects[codes]
        self._brushes = list(brushes)
        self._codes = np.asarray(codes)
        self.data = data
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self._updateMaxSpotSizes(data=data)
        self.bounds = [None, None]
        self.invalidate()


class MapViewBox(pg.ViewBox):
    """Pan and zoom as usual; in lasso or rectangle mode a left drag draws the shape and, on
    release, calls ``on_shape(polygon_in_view_coords)`` (an N x 2 array)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mode = PAN
        self.on_shape = None
        self._trace: list[QPointF] = []
        self._start: QPointF | None = None
        self.shape_item = QGraphicsPathItem()
        self.shape_item.setZValue(1e9)
        self.shape_item.hide()
        self.addItem(self.shape_item, ignoreBounds=True)

    def set_shape_style(self, color: QColor) -> None:
        pen = QPen(color)
        pen.setCosmetic(True)
        pen.setWidthF(1.5)
        pen.setStyle(Qt.PenStyle.DashLine)
        self.shape_item.setPen(pen)
        fill = QColor(color)
        fill.setAlpha(40)
        self.shape_item.setBrush(QBrush(fill))

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 (pyqtgraph API)
        if self.mode == PAN or ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        pos = self.mapSceneToView(ev.scenePos())
        if ev.isStart():
            self._start = self.mapSceneToView(ev.buttonDownScenePos())
            self._trace = [self._start]
        self._trace.append(pos)
        polygon = self.current_polygon()
        path = QPainterPath()
        path.addPolygon(_qpolygon(polygon))
        path.closeSubpath()
        self.shape_item.setPath(path)
        self.shape_item.show()
        if ev.isFinish():
            self.shape_item.hide()
            self._trace = []
            if self.on_shape is not None and len(polygon) >= 3:
                self.on_shape(polygon, ev.modifiers())

    def current_polygon(self) -> np.ndarray:
        if not self._trace:
            return np.zeros((0, 2))
        if self.mode == RECT:
            a, b = self._trace[0], self._trace[-1]
            return np.array([(a.x(), a.y()), (b.x(), a.y()), (b.x(), b.y()), (a.x(), b.y())])
        return np.array([(p.x(), p.y()) for p in self._trace])


def _qpolygon(points: np.ndarray) -> QPolygonF:
    return QPolygonF([QPointF(float(x), float(y)) for x, y in points])


def rect_of(vb: pg.ViewBox) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) of the view box's visible range."""
    (x0, x1), (y0, y1) = vb.viewRange()
    return float(x0), float(x1), float(y0), float(y1)


def pixels_per_unit(vb: pg.ViewBox) -> tuple[float, float]:
    (x0, x1), (y0, y1) = vb.viewRange()
    r: QRectF = vb.boundingRect()
    return r.width() / max(x1 - x0, 1e-300), r.height() / max(y1 - y0, 1e-300)


def export_svg(item, path: str) -> None:
    """pyqtgraph's SVGExporter, tolerant of the close-path command ("Z") that Qt 6 writes into
    path data: pyqtgraph 0.13-0.14 expects only "x,y" pairs there and raises ValueError (every
    ViewBox has such a path). Close-path tokens are set aside while pyqtgraph rewrites the
    coordinates and put back after."""
    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates

    def tolerant(node, defs, item, options):
        closed = []
        for element in node.getElementsByTagName("path"):
            tokens = element.getAttribute("d").split()
            if "Z" in tokens or "z" in tokens:
                element.setAttribute("d", " ".join(t for t in tokens if t not in ("Z", "z")))
                closed.append(element)
        try:
            return original(node, defs, item, options)
        finally:
            for element in closed:
                element.setAttribute("d", element.getAttribute("d").strip() + " Z")

    module.correctCoordinates = tolerant
    try:
        pg.exporters.SVGExporter(item).export(str(path))
    finally:
        module.correctCoordinates = original

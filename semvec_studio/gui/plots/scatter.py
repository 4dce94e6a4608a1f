"""A 2-D scatter for 100 to 1,000,000 points with level of detail (ARCHITECTURE convention 9).

Zoomed out over many points, a density image shows where every point is and a seeded random
subsample of at most :data:`DRAW_CAP` points is drawn on top; zoomed in, every point in view is
drawn (still capped). The drawn set is recomputed shortly after the view stops changing
(:data:`LOD_DELAY_MS`), so a pan or zoom only repaints what is already there. Points are one
:class:`FastScatterItem` (pxMode, shared brushes, no pen). Picking uses a KD-tree over the drawn
points; lasso and rectangle selections test every point with numpy. Highlights (search matches,
neighbours, the selection, a path) are separate small items.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (pg.exporters)
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QCursor
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from semvec_studio.gui.plots.scatter_data import (
    OTHER_COLOR,
    SINGLE_COLOR,
    VALUE_BINS,
    Categories,
    Picker,
    PointIndex,
    categorize,
    points_in_polygon,
    quantize,
)
from semvec_studio.gui.plots.scatter_items import (
    LASSO,
    PAN,
    RECT,
    FastScatterItem,
    MapViewBox,
    export_svg,
    pixels_per_unit,
    rect_of,
)
from semvec_studio.gui.plots.scatter_marks import MARK_STYLES, MarkLayers
from semvec_studio.gui.plots.style import axis_label, palette_colors, style_plot, with_readout

DRAW_CAP = 25_000  # points drawn at once
LOD_DELAY_MS = 40
PICK_RADIUS_PX = 10
VALUE_CMAP = "viridis"
LEGEND_CHARS = 22


class Scatter(QWidget):
    """``set_points(xy)``, then ``color_by_categories`` / ``color_by_values`` / ``set_marks`` /
    ``set_selection`` / ``set_path``. Point indices in signals are rows of ``xy``."""

    hovered = Signal(int)  # -1 when the pointer leaves every point
    clicked = Signal(int)  # -1: empty space
    doubleClicked = Signal(int)
    selectionChanged = Signal()
    lodChanged = Signal()  # after each level-of-detail refresh

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = PointIndex(np.zeros((0, 2)))
        self.codes = np.zeros(0, np.uint16)
        self.colors: list[str] = [SINGLE_COLOR]
        self.hidden_codes: set[int] = set()
        self.categories: Categories | None = None
        self.value_range: tuple[float, float] | None = None
        self.point_size, self.opacity = 6.0, 0.8
        self.selection = np.zeros(0, np.int64)
        self.marks: dict[str, np.ndarray] = {}
        self.tooltip_provider = None  # callable(index) -> str (rich text), or None
        self.drawn = np.zeros(0, np.int64)
        self.subsampled = False
        self.picker = Picker()
        self._hover = -1
        self._brushes: list[QBrush] = []
        self._build()

    # --- construction ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.graphics = pg.GraphicsLayoutWidget(self)
        self.vb = MapViewBox()
        self.plot = self.graphics.addPlot(row=0, col=0, viewBox=self.vb)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.vb.setAspectLocked(True)
        self.vb.disableAutoRange()
        self.vb.on_shape = self._on_shape
        self.density = pg.ImageItem(axisOrder="col-major")
        self.density.setZValue(-10)
        self.points = FastScatterItem(self.point_size)
        for item in (self.density, self.points):
            self.plot.addItem(item, ignoreBounds=True)
        self.mark_layers = MarkLayers(self.plot)
        self.path = self.mark_layers.path
        self.bar = pg.ColorBarItem(values=(0, 1), colorMap=pg.colormap.get(VALUE_CMAP), interactive=False, width=14, colorMapMenu=False)
        self.legend = pg.LegendItem(labelTextSize="8pt", verSpacing=-6)
        self.legend.sigSampleClicked.connect(self._on_legend_clicked)
        self.legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._side = None
        self.info = with_readout(self, self.graphics)
        self._lod_timer = QTimer(self, singleShot=True, interval=LOD_DELAY_MS)
        self._lod_timer.timeout.connect(self.refresh_lod)
        self.vb.sigRangeChanged.connect(lambda *_: self._lod_timer.start())
        self.vb.sigResized.connect(lambda *_: self._lod_timer.start())
        scene = self.graphics.scene()
        scene.sigMouseMoved.connect(self._on_mouse_moved)
        scene.sigMouseClicked.connect(self._on_mouse_clicked)
        self._restyle()

    def _restyle(self) -> None:
        style_plot(self.graphics, self.plot, self)
        _bg, fg = palette_colors(self)
        self.vb.set_shape_style(fg)
        self.legend.setLabelTextColor(fg)
        self.bar.axis.setTextPen(pg.mkPen(fg))
        if len(self.index):
            self._refresh_marks(rect_of(self.vb))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == event.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    def set_axis_titles(self, x: str = "", y: str = "") -> None:
        axis_label(self.plot, "bottom", x, self)
        axis_label(self.plot, "left", y, self)

    # --- data and colour --------------------------------------------------------------------------

    def set_points(self, xy: np.ndarray) -> None:
        """Show new points (n x 2), single-coloured, the whole extent in view; clears marks."""
        self.index = PointIndex(xy)
        n = len(self.index)
        self.codes = np.zeros(n, np.uint16)
        self.colors, self.categories, self.value_range = [SINGLE_COLOR], None, None
        self.hidden_codes = set()
        self.selection = np.zeros(0, np.int64)
        self.marks = {}
        self.set_path(None)
        self._place_side(None)
        self._make_brushes()
        self.fit()
        self.refresh_lod()

    def __len__(self) -> int:
        return len(self.index)

    def positions(self, rows) -> np.ndarray:
        """(k x 2) coordinates of point indices ``rows``."""
        ranks = self.index.rank[np.asarray(rows, dtype=np.int64)]
        return np.column_stack([self.index.x[ranks], self.index.y[ranks]]).astype(np.float64)

    def fit(self, padding: float = 0.04) -> None:
        x0, x1, y0, y1 = self.index.bounds
        self.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=padding)

    def color_single(self) -> None:
        self.codes = np.zeros(len(self.index), np.uint16)
        self.colors, self.categories, self.value_range = [SINGLE_COLOR], None, None
        self._place_side(None)
        self._recolor()

    def color_by_categories(self, values, name_format=None) -> Categories:
        """Colour by a per-point category (strings or numbers); a legend names the colours
        (``name_format(value)`` words them, e.g. ``"text {}".format``)."""
        cats = categorize(values)
        if name_format is not None:
            n = len(cats.names) - (cats.colors[-1:] == [OTHER_COLOR])
            cats.names[:n] = [name_format(v) for v in cats.names[:n]]
        self.categories, self.value_range = cats, None
        self.codes, self.colors = cats.codes, list(cats.colors)
        self.legend.clear()
        for code, (name, count, color) in enumerate(zip(cats.names, cats.counts, cats.colors)):
            sample = pg.ScatterPlotItem(pen=None, brush=pg.mkBrush(color), size=9, symbol="o")
            sample.code = code
            short = name if len(name) <= LEGEND_CHARS else name[: LEGEND_CHARS - 1] + "…"
            self.legend.addItem(sample, f"{short} ({count:,})")
        self._place_side(self.legend)
        self._recolor()
        return cats

    def color_by_classes(self, codes: np.ndarray, colors: list[str], legend: list[tuple[str, int, str, tuple[int, ...]]]) -> Categories:
        """Colour by given colours: point ``i`` gets ``colors[codes[i]]`` (``#rrggbb``, or
        ``#aarrggbb`` for a colour with its own opacity, which the point-style opacity scales).
        ``legend``: (name, count, colour, codes) per entry; clicking an entry hides all its codes
        (a label drawn at several opacities is one entry)."""
        self.codes = np.asarray(codes, dtype=np.uint16)
        self.colors = list(colors)
        self.categories = Categories(self.codes, [e[0] for e in legend], [e[1] for e in legend], [e[2] for e in legend])
        self.value_range = None
        self.legend.clear()
        for name, n, color, group in legend:
            sample = pg.ScatterPlotItem(pen=None, brush=QBrush(QColor(color)), size=9, symbol="o")  # (Qt reads #aarrggbb)
            sample.code = tuple(group)
            short = name if len(name) <= LEGEND_CHARS else name[: LEGEND_CHARS - 1] + "…"
            self.legend.addItem(sample, f"{short} ({n:,})")
        self._place_side(self.legend)
        self._recolor()
        return self.categories

    def color_by_values(self, values, title: str = "") -> tuple[float, float]:
        """Colour by a continuous value, with a colour bar; NaN is grey."""
        codes, lo, hi = quantize(values, VALUE_BINS)
        cmap = pg.colormap.get(VALUE_CMAP)
        table = cmap.getLookupTable(0.0, 1.0, VALUE_BINS, alpha=False)
        self.codes = codes
        self.colors = [QColor(*map(int, rgb)).name() for rgb in table] + ["#9e9e9e"]
        self.categories, self.value_range = None, (lo, hi)
        self.bar.setLevels((lo, hi))
        self.bar.axis.setLabel(title)
        self._place_side(self.bar)
        self._recolor()
        return lo, hi

    def set_point_style(self, size: float | None = None, opacity: float | None = None) -> None:
        if size is not None and size != self.point_size:
            self.point_size = float(size)
            self.points.opts["size"] = self.point_size
            self._refresh_marks(rect_of(self.vb))
        if opacity is not None:
            self.opacity = float(opacity)
        self._recolor()

    def _make_brushes(self) -> None:
        opacity = min(max(self.opacity, 0.05), 1.0)
        self._brushes = []
        for color in self.colors:
            c = QColor(color)
            own = c.alphaF() if len(color) == 9 else 1.0  # "#aarrggbb": a colour with its own opacity
            c.setAlphaF(max(own * opacity, 0.03))
            self._brushes.append(QBrush(c))

    def _recolor(self) -> None:
        self.hidden_codes = {c for c in self.hidden_codes if c < len(self.colors)}
        self._make_brushes()
        self.refresh_lod(force=True)

    def _place_side(self, item) -> None:
        """Put the legend or the colour bar (or nothing) to the right of the plot."""
        if self._side is item:
            return
        if self._side is not None:
            self.graphics.ci.removeItem(self._side)
            self._side.hide()
        self._side = item
        if item is not None:
            self.graphics.ci.addItem(item, row=0, col=1)
            self.graphics.ci.layout.setAlignment(item, Qt.AlignmentFlag.AlignTop)
            item.show()

    def _on_legend_clicked(self, sample) -> None:
        """A legend entry toggles its points (pyqtgraph shows an eye icon while hidden)."""
        code = getattr(sample, "code", None)
        if code is None:
            return
        self.hidden_codes ^= set(code) if isinstance(code, tuple) else {code}
        self.refresh_lod(force=True)

    # --- level of detail ------------------------------------------------------------------------

    def refresh_lod(self, force: bool = False) -> None:
        """Recompute what is drawn for the current view (called after the view settles)."""
        self._lod_timer.stop()
        n = len(self.index)
        rect = rect_of(self.vb)
        if n <= DRAW_CAP and not force and len(self.drawn) == n and not self.hidden_codes:
            self._refresh_marks(rect)
            return  # every point is already drawn: nothing depends on the view
        drawn, in_view, sub = self.index.level_of_detail(rect, DRAW_CAP) if n > DRAW_CAP else (np.arange(n), None, False)
        ids = self.index.order[drawn]
        codes = self.codes[ids]
        if self.hidden_codes:
            keep = ~np.isin(codes, list(self.hidden_codes))
            drawn, ids, codes = drawn[keep], ids[keep], codes[keep]
        x, y = self.index.x[drawn], self.index.y[drawn]
        self.points.set_points(x, y, codes, self._brushes)
        self.picker.set_points(x, y, ids)
        self.drawn, self.subsampled = ids, sub
        self._refresh_density(in_view, rect, sub)
        self._refresh_marks(rect)
        if sub or len(ids) < n:
            shown = self.tr("Showing {0} of {1} points").format(f"{len(ids):,}", f"{n:,}")
        else:
            shown = self.tr("{0} points").format(f"{n:,}")
        self.info.setText(shown + (self.tr("; the shading shows the rest (zoom in for all)") if sub else ""))
        self.lodChanged.emit()

    def _refresh_density(self, in_view, rect, sub: bool) -> None:
        if not sub:
            self.density.hide()
            return
        if self.hidden_codes:
            in_view = in_view[~np.isin(self.codes[self.index.order[in_view]], list(self.hidden_codes))]
        r = self.vb.boundingRect()
        shape = (max(8, int(r.width() / 2)), max(8, int(r.height() / 2)))
        counts = self.index.density(in_view, rect, shape)
        _bg, fg = palette_colors(self)
        rgba = np.zeros(counts.shape + (4,), np.uint8)
        rgba[..., :3] = (fg.red(), fg.green(), fg.blue())
        level = np.log1p(counts) / np.log1p(max(int(counts.max()), 1))
        rgba[..., 3] = (level ** 0.7 * 140).astype(np.uint8)
        self.density.setImage(rgba, autoLevels=False)
        x0, x1, y0, y1 = rect
        self.density.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.density.show()

    def density_visible(self) -> bool:
        return self.density.isVisible()

    # --- marks, selection, path -------------------------------------------------------------------

    def set_marks(self, kind: str, rows) -> None:
        """Highlight point indices ``rows`` as ``kind`` (search, neighbours, current)."""
        if kind not in MARK_STYLES or kind == "selection":
            raise ValueError(f"unknown mark kind {kind!r}")
        self.marks[kind] = np.asarray(rows if rows is not None else [], dtype=np.int64)
        self._refresh_marks(rect_of(self.vb))

    def set_selection(self, rows, *, emit: bool = True) -> None:
        self.selection = np.unique(np.asarray(rows if rows is not None else [], dtype=np.int64))
        self._refresh_marks(rect_of(self.vb))
        if emit:
            self.selectionChanged.emit()

    def _refresh_marks(self, rect) -> None:
        rows = {**self.marks, "selection": self.selection}
        self.mark_layers.refresh(rows, self.positions, rect, self.point_size, palette_colors(self)[1])

    def set_path(self, rows, labels=None) -> None:
        """Join point indices ``rows`` in order with a line; ``labels`` name them on the plot."""
        xy = self.positions(rows) if rows is not None and len(rows) else None
        self.mark_layers.set_path(xy, labels, palette_colors(self)[1])

    def set_point_labels(self, rows, labels) -> None:
        """Write ``labels`` next to point indices ``rows`` (meant for a few dozen points)."""
        xy = self.positions(rows) if rows is not None and len(rows) else None
        self.mark_layers.set_labels(xy, labels, palette_colors(self)[1])

    # --- interaction ------------------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        """PAN (drag pans, wheel zooms), LASSO or RECT (drag selects; Shift adds, Ctrl removes)."""
        if mode not in (PAN, LASSO, RECT):
            raise ValueError(f"unknown mode {mode!r}")
        self.vb.mode = mode
        self.graphics.setCursor(Qt.CursorShape.ArrowCursor if mode == PAN else Qt.CursorShape.CrossCursor)

    def point_at(self, scene_pos: QPointF) -> int:
        if not len(self.index) or not self.vb.sceneBoundingRect().contains(scene_pos):
            return -1
        p = self.vb.mapSceneToView(scene_pos)
        sx, sy = pixels_per_unit(self.vb)
        return self.picker.nearest(p.x(), p.y(), sx, sy, max(PICK_RADIUS_PX, self.point_size))

    def scene_pos_of(self, row: int) -> QPointF:
        (x, y), = self.positions([row])
        return self.vb.mapViewToScene(QPointF(float(x), float(y)))

    def view_pos_of(self, row: int) -> QPointF:
        return self.graphics.mapFromScene(self.scene_pos_of(row))

    def select_polygon(self, polygon: np.ndarray, modifiers=Qt.KeyboardModifier.NoModifier) -> np.ndarray:
        """Select the points inside ``polygon`` (view coordinates); Shift adds, Ctrl removes."""
        inside = points_in_polygon(self.index.x, self.index.y, polygon)
        if self.hidden_codes:
            inside &= ~np.isin(self.codes[self.index.order], list(self.hidden_codes))
        rows = self.index.order[inside]
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            rows = np.union1d(self.selection, rows)
        elif modifiers & Qt.KeyboardModifier.ControlModifier:
            rows = np.setdiff1d(self.selection, rows)
        self.set_selection(rows)
        return self.selection

    def _on_shape(self, polygon: np.ndarray, modifiers=None) -> None:
        self.select_polygon(polygon, modifiers if modifiers is not None else Qt.KeyboardModifier.NoModifier)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        i = self.point_at(scene_pos)
        if i == self._hover:
            return
        self._hover = i
        self.hovered.emit(i)
        if i >= 0 and self.tooltip_provider is not None:
            QToolTip.showText(QCursor.pos(), self.tooltip_provider(i), self.graphics)
        else:
            QToolTip.hideText()

    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.vb.mode != PAN:
            return
        i = self.point_at(event.scenePos())
        if event.double():
            if i >= 0:
                self.doubleClicked.emit(i)
            return
        if i >= 0 and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.set_selection(np.union1d(self.selection, [i]))
        else:
            self.set_selection([i] if i >= 0 else [])
        self.clicked.emit(i)

    # --- export -----------------------------------------------------------------------------------

    def export(self, path: str, width: int | None = None) -> None:
        """Write the plot (with its legend or colour bar) as PNG or SVG, by the file's suffix."""
        scene_item = self.graphics.ci
        if str(path).lower().endswith(".svg"):
            export_svg(scene_item, str(path))
            return
        exporter = pg.exporters.ImageExporter(scene_item)
        exporter.parameters()["width"] = int(width or max(2 * self.graphics.width(), 800))
        exporter.export(str(path))

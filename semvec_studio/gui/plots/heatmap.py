"""A reusable heatmap: one ImageItem with a colour bar, row and column labels, the values written
in the cells when they fit, a marked row and column, a hover readout of (row label, column
label, value) and a centred hint while it is empty.

Row 0 is drawn at the top; cell (r, c) covers [c, c+1) x [r, r+1) in view coordinates.

Labels: every row and column gets its label when the labels fit at the current size and zoom,
a regular subset otherwise. Column labels read upwards when they are wider than a column, so
narrow columns keep their names instead of all but a few being dropped; each axis gives its
labels at most a share of the widget (``LABEL_SHARE``) and elides longer ones.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPalette, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QLabel, QWidget

from semvec_studio.gui.plots.style import axis_label, palette_colors, style_plot, tick_font, with_readout

COLORMAPS = {"diverging": "CET-D1A", "sequential": "viridis"}
ROBUST_PERCENTILE = 99.5  # automatic levels ignore the most extreme 0.5 % of cells
LABEL_SHARE = 0.2  # of the widget's width (row labels) or height (column labels)
VALUE_POINT_SIZE = 8
EMPTY_HINT = QT_TRANSLATE_NOOP("Heatmap", "Nothing to show yet.")  # shown translated
_TEXT_GAP = 4  # pixels between an axis line and its labels
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)


def elide(label: str, chars: int) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= chars else label[: chars - 1] + "…"


def compact_value(v: float) -> str:
    """Two decimals without the leading zero (``.53``, ``-.07``, ``1.00``): fits small cells."""
    s = f"{v:.2f}"
    return s.replace("0.", ".", 1) if s.startswith(("0.", "-0.")) else s


def auto_levels(m: np.ndarray, cmap: str) -> tuple[float, float]:
    """Robust colour levels: symmetric around 0 for a diverging map, low..high otherwise."""
    finite = m[np.isfinite(m)]
    if finite.size == 0:
        return (-1.0, 1.0) if cmap == "diverging" else (0.0, 1.0)
    if cmap == "diverging":
        top = float(np.percentile(np.abs(finite), ROBUST_PERCENTILE)) or float(np.abs(finite).max()) or 1.0
        return -top, top
    lo, hi = (float(v) for v in np.percentile(finite, [100 - ROBUST_PERCENTILE, ROBUST_PERCENTILE]))
    return (lo, hi) if hi > lo else (lo - 0.5, lo + 0.5)


def _strings(labels) -> list[str] | None:
    return [str(s) for s in labels] if labels is not None else None


class LabelAxis(pg.AxisItem):
    """Names the rows (left) or columns (bottom) of a heatmap: ``shown`` holds (cell, text) pairs,
    drawn at the cell centres, upwards when ``vertical``; the ``marked`` cell's label is bold.
    Without labels (``numbered``) it is pyqtgraph's numeric axis (e.g. vector dimensions)."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.shown: list[tuple[int, str]] = []
        self.vertical = False
        self.numbered = True
        self.marked: int | None = None

    def _offset(self) -> float:
        return abs(self.style["tickLength"]) + _TEXT_GAP

    def place(self, shown: list[tuple[int, str]], vertical: bool, extent: int) -> None:
        """Show these labels; ``extent``: pixels the labels need across the axis."""
        self.shown, self.vertical, self.numbered = shown, vertical, False
        self.setTicks([[(i + 0.5, "") for i, _ in shown], []])
        size = extent + self._offset() + (self.label.boundingRect().height() * 0.8 if self.label.isVisible() else 0)
        (self.setWidth if self.orientation == "left" else self.setHeight)(int(math.ceil(size)))
        self.picture = None
        self.update()

    def number(self) -> None:
        """Numeric ticks (pyqtgraph's own) instead of labels."""
        if not self.numbered:
            self.shown, self.vertical, self.numbered = [], False, True
            self.setTicks(None)
            (self.setWidth if self.orientation == "left" else self.setHeight)(None)

    def set_marked(self, cell: int | None) -> None:
        self.marked = cell
        self.picture = None
        self.update()

    def drawPicture(self, p, axisSpec, tickSpecs, textSpecs) -> None:  # noqa: N802 (pyqtgraph API)
        super().drawPicture(p, axisSpec, tickSpecs, textSpecs if self.numbered else [])
        vb = self.linkedView()
        if vb is None or not self.shown:
            return
        font = QFont(self.style["tickFont"] or p.font())
        bold = QFont(font)
        bold.setBold(True)
        fm = QFontMetrics(font)
        h = fm.height()
        offset = self._offset()
        right = self.boundingRect().width() - offset
        for i, text in self.shown:
            at = self.mapFromScene(vb.mapViewToScene(QPointF(i + 0.5, i + 0.5)))
            p.setFont(bold if i == self.marked else font)
            w = fm.horizontalAdvance(text) + 8
            if self.orientation == "left":
                p.drawText(QRectF(0, at.y() - h / 2, right, h), _RIGHT, text)
            elif not self.vertical:
                p.drawText(QRectF(at.x() - w / 2, offset, w, h), _CENTRE, text)
            else:  # reads upwards, ending at the axis
                p.save()
                p.translate(at.x(), offset)
                p.rotate(-90)
                p.drawText(QRectF(-w, -h / 2, w, h), _RIGHT, text)
                p.restore()


class Heatmap(QWidget):
    """``set_matrix(m, row_labels, col_labels, levels, cmap)`` shows ``m`` (rows x columns)."""

    cellHovered = Signal(int, int)  # (row, column); (-1, -1) when the pointer leaves the matrix
    cellClicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None, *, max_tick_labels: int = 60, label_chars: int = 16, value_name: str = "",
                 annotate_max: int = 0, value_format: str | None = None, empty_hint: str | None = None) -> None:
        """``annotate_max``: write each cell's value in it (``value_format``, or :func:`compact_value`)
        when the matrix has at most this many rows and columns and the values fit in the cells."""
        super().__init__(parent)
        self.annotate_max = annotate_max
        self.value_format = value_format
        self._annotations: list[pg.TextItem] = []
        self.max_tick_labels = max_tick_labels
        self.label_chars = label_chars
        self.value_name = value_name or self.tr("value")
        self.matrix: np.ndarray | None = None
        self.row_labels: list[str] | None = None
        self.col_labels: list[str] | None = None
        self.marked: tuple[int | None, int | None] = (None, None)
        self._build(empty_hint or self.tr(EMPTY_HINT))

    # --- construction -------------------------------------------------------------------------

    def _build(self, empty_hint: str) -> None:
        self.graphics = pg.GraphicsLayoutWidget(self)
        self.left_axis, self.bottom_axis = LabelAxis("left"), LabelAxis("bottom")
        self.plot = self.graphics.addPlot(axisItems={"left": self.left_axis, "bottom": self.bottom_axis})
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.invertY(True)
        self.plot.showGrid(False, False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.cmap_name = "diverging"
        self.bar = pg.ColorBarItem(values=(-1, 1), colorMap=pg.colormap.get(COLORMAPS["diverging"]), interactive=False, width=14, colorMapMenu=False)
        self.bar.setImageItem(self.image, insert_in=self.plot)
        self.marks = [QGraphicsRectItem(), QGraphicsRectItem()]  # the marked row, the marked column
        for mark in self.marks:
            mark.setZValue(20)
            mark.hide()
            self.plot.addItem(mark)
        self.hint = QLabel(empty_hint, self.graphics)  # over the plot, whose axes and bar hide: it keeps its layout
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setContentsMargins(12, 12, 12, 12)
        self.graphics.installEventFilter(self)
        self.readout = with_readout(self, self.graphics)
        self._ticks: dict[str, list[str] | None] = {"left": None, "bottom": None}
        self.plot.vb.sigResized.connect(self._update_ticks)
        self.plot.vb.sigRangeChanged.connect(self._update_ticks)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.graphics.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self._restyle()
        self.clear()

    def _restyle(self) -> None:
        style_plot(self.graphics, self.plot, self)
        bar_axis = self.bar.axis if hasattr(self.bar, "axis") else None
        if bar_axis is not None:
            bar_axis.setStyle(tickFont=self.plot.getAxis("left").style["tickFont"])
            bar_axis.setTextPen(self.plot.getAxis("left").textPen())
        pen = QPen(palette_colors(self)[1], 2)
        pen.setCosmetic(True)
        for mark in self.marks:
            mark.setPen(pen)
        pal = self.hint.palette()
        pal.setColor(QPalette.ColorRole.WindowText, self.palette().color(QPalette.ColorRole.PlaceholderText))
        self.hint.setPalette(pal)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == event.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    def _show_empty(self, empty: bool) -> None:
        """Axes and colour bar only with a matrix (the plot itself stays: its layout must run)."""
        for side in ("left", "bottom"):
            (self.plot.hideAxis if empty else self.plot.showAxis)(side)
        self.bar.setVisible(not empty)
        self.hint.setVisible(empty)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if obj is self.graphics and event.type() == QEvent.Type.Resize:
            self.hint.setGeometry(self.graphics.rect())
        return super().eventFilter(obj, event)

    # --- data ---------------------------------------------------------------------------------

    def set_matrix(self, m: np.ndarray, row_labels=None, col_labels=None, levels=None, cmap: str = "diverging", *,
                   row_ticks=None, col_ticks=None) -> None:
        """Show matrix ``m``; labels are optional sequences of strings, one per row / column.

        The labels name cells in the hover readout and, elided, on the axes; ``row_ticks`` /
        ``col_ticks`` put shorter strings on an axis instead (e.g. ids for long texts).
        """
        if cmap not in COLORMAPS:
            raise ValueError(f"cmap {cmap!r}: choose one of {', '.join(COLORMAPS)}")
        m = np.asarray(m, dtype=np.float32)
        if m.ndim != 2:
            raise ValueError("the heatmap needs a 2-D matrix")
        if m.size == 0:
            self.clear()
            return
        self.matrix = m
        self.row_labels = _strings(row_labels)
        self.col_labels = _strings(col_labels)
        lo, hi = levels if levels is not None else auto_levels(m, cmap)
        if cmap != self.cmap_name:
            self.bar.setColorMap(pg.colormap.get(COLORMAPS[cmap]))
            self.cmap_name = cmap
        self.image.setImage(m if np.isfinite(m).all() else np.nan_to_num(m), autoLevels=False)
        self.image.setRect(0, 0, m.shape[1], m.shape[0])
        self.bar.setLevels((lo, hi))
        self._remove_annotations()
        self._ticks = {"left": _strings(row_ticks) or self.row_labels, "bottom": _strings(col_ticks) or self.col_labels}
        self._show_empty(False)
        self.set_marked(None, None)
        self._fit_view()
        self._update_ticks()
        self.readout.setText(self.tr("{0} × {1} · hover a cell for its {2}").format(m.shape[0], m.shape[1], self.value_name))

    def set_axis_titles(self, rows: str = "", columns: str = "") -> None:
        axis_label(self.plot, "left", rows, self)
        axis_label(self.plot, "bottom", columns, self)

    def clear(self, hint: str | None = None) -> None:
        """Empty the heatmap; it shows ``hint`` (or the one it was built with) in its place."""
        self.matrix = None
        self.row_labels = self.col_labels = None
        self.image.clear()
        self._remove_annotations()
        self.set_marked(None, None)
        self._ticks = {"left": None, "bottom": None}
        self.plot.vb.setLimits(xMin=None, xMax=None, yMin=None, yMax=None, minXRange=None, minYRange=None)
        self.plot.vb.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        if hint is not None:
            self.hint.setText(hint)
        self._show_empty(True)
        self.readout.setText(" ")

    @property
    def levels(self) -> tuple[float, float]:
        lo, hi = self.bar.levels()
        return float(lo), float(hi)

    def image_shape(self) -> tuple[int, int]:
        """(rows, columns) of the matrix on screen; (0, 0) when empty."""
        return (0, 0) if self.matrix is None else tuple(self.matrix.shape)

    def set_marked(self, row: int | None, col: int | None) -> None:
        """Outline row ``row`` and column ``col`` (None: no mark) and set their labels in bold."""
        rows, cols = self.image_shape()
        row = row if row is not None and 0 <= row < rows else None
        col = col if col is not None and 0 <= col < cols else None
        self.marked = (row, col)
        for mark, at, rect in ((self.marks[0], row, lambda r: (0, r, cols, 1)), (self.marks[1], col, lambda c: (c, 0, 1, rows))):
            mark.setVisible(at is not None)
            if at is not None:
                mark.setRect(*rect(at))
        self.left_axis.set_marked(row)
        self.bottom_axis.set_marked(col)

    # --- values in the cells ------------------------------------------------------------------

    def _value_texts(self) -> list[str]:
        fmt = self.value_format.format if self.value_format else compact_value
        return [fmt(float(v)) for v in self.matrix.ravel().tolist()]

    def _remove_annotations(self) -> None:
        for item in self._annotations:
            self.plot.removeItem(item)
        self._annotations = []

    def _annotate(self, cell_w: float, cell_h: float) -> None:
        """Write the values into the cells (dark or light to suit each cell) when they fit;
        made on first need, so a large matrix or a small window costs nothing."""
        m = self.matrix
        if m is None or max(m.shape) > self.annotate_max:
            return
        font = tick_font(self, VALUE_POINT_SIZE)
        fm = QFontMetrics(font)
        texts = self._value_texts()
        fits = cell_w >= max(fm.horizontalAdvance(t) for t in texts) + 2 and cell_h >= fm.height()
        if fits and not self._annotations:
            lo, hi = self.levels
            cmap = self.bar.colorMap()
            for ((r, c), v), text in zip(np.ndenumerate(m), texts):
                fill = cmap.map(float(np.clip((v - lo) / ((hi - lo) or 1.0), 0, 1)), mode="qcolor")
                item = pg.TextItem(text, color="#000000" if fill.lightnessF() > 0.55 else "#ffffff", anchor=(0.5, 0.5))
                item.setFont(font)
                item.setPos(c + 0.5, r + 0.5)
                self.plot.addItem(item)
                self._annotations.append(item)
        for item in self._annotations:
            item.setVisible(fits)

    # --- labels ---------------------------------------------------------------------------------

    def _update_ticks(self, *_args) -> None:
        """Label as many rows / columns as fit at the current size and zoom; values likewise."""
        if self.matrix is None:
            for axis in (self.left_axis, self.bottom_axis):
                axis.number()
            return
        (x0, x1), (y0, y1) = self.plot.vb.viewRange()
        rect = self.plot.vb.boundingRect()
        cell_w = rect.width() / max(x1 - x0, 1e-9)
        cell_h = rect.height() / max(y1 - y0, 1e-9)
        self._annotate(cell_w, cell_h)
        self._place("left", cell_h, (y0, y1), self.width() * LABEL_SHARE)
        self._place("bottom", cell_w, (x0, x1), self.height() * LABEL_SHARE)

    def _place(self, side: str, cell: float, span: tuple[float, float], budget: float) -> None:
        axis = self.left_axis if side == "left" else self.bottom_axis
        labels = self._ticks.get(side)
        if not labels:
            axis.number()
            return
        fm = QFontMetrics(axis.style["tickFont"] or self.font())
        budget = int(max(budget, fm.horizontalAdvance("Mmmm…")))
        first = max(0, math.floor(span[0]))
        last = min(len(labels), math.ceil(span[1]))
        base = max(1, math.ceil((last - first) / self.max_tick_labels))  # at most max_tick_labels are measured
        short = {i: fm.elidedText(elide(labels[i], self.label_chars), Qt.TextElideMode.ElideRight, budget)
                 for i in range(first - first % base, last, base) if i >= first}
        widest = max(fm.horizontalAdvance(t) for t in short.values()) if short else 0
        vertical = side == "bottom" and widest + 6 > cell
        across = fm.height() + 2 if side == "left" or vertical else widest + 6  # pixels a label needs along the axis
        step = base * math.ceil(max(1, math.ceil(across / max(cell, 1e-9))) / base)  # a multiple of base
        shown = [(i, t) for i, t in short.items() if i % step == 0]
        extent = max((fm.horizontalAdvance(t) for _, t in shown), default=0) if side == "left" or vertical else fm.height()
        axis.place(shown, vertical, extent)

    def shown_labels(self, side: str) -> list[str]:
        """The labels drawn on the ``"left"`` or ``"bottom"`` axis now."""
        return [t for _, t in (self.left_axis if side == "left" else self.bottom_axis).shown]

    def _fit_view(self) -> None:
        rows, cols = self.matrix.shape
        vb = self.plot.getViewBox()
        vb.setLimits(xMin=0, xMax=max(cols, 1), yMin=0, yMax=max(rows, 1), minXRange=min(cols, 1), minYRange=min(rows, 1))
        vb.setRange(xRange=(0, cols), yRange=(0, rows), padding=0)

    # --- hover and click ----------------------------------------------------------------------

    def cell_at(self, scene_pos: QPointF) -> tuple[int, int]:
        """The (row, column) under a scene position, or (-1, -1) outside the matrix."""
        if self.matrix is None or not self.plot.vb.sceneBoundingRect().contains(scene_pos):
            return -1, -1
        p = self.plot.vb.mapSceneToView(scene_pos)
        r, c = math.floor(p.y()), math.floor(p.x())
        rows, cols = self.matrix.shape
        return (r, c) if 0 <= r < rows and 0 <= c < cols else (-1, -1)

    def scene_pos_of(self, row: int, col: int) -> QPointF:
        """Scene position of the centre of a cell (for tests and programmatic hovering)."""
        return self.plot.vb.mapViewToScene(QPointF(col + 0.5, row + 0.5))

    def readout_at(self, row: int, col: int) -> str:
        """'row label · column label: value' for one cell."""
        rl = self.row_labels[row] if self.row_labels else self.tr("row {0}").format(row)
        cl = self.col_labels[col] if self.col_labels else self.tr("column {0}").format(col)
        return f"{elide(rl, 60)} · {elide(cl, 60)}: {self.value_name} {self.matrix[row, col]:+.4f}"

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        r, c = self.cell_at(scene_pos)
        if r >= 0:
            self.readout.setText(self.readout_at(r, c))
        self.cellHovered.emit(r, c)

    def _on_mouse_clicked(self, event) -> None:
        r, c = self.cell_at(event.scenePos())
        if r >= 0:
            self.cellClicked.emit(r, c)

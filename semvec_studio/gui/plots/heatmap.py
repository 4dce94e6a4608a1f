"""A reusable heatmap: one ImageItem with a colour bar, optional row/column tick labels and a
hover readout of (row label, column label, value).

Row 0 is drawn at the top; cell (r, c) covers [c, c+1) x [r, r+1) in view coordinates.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from semvec_studio.gui.plots.style import axis_label, style_plot

COLORMAPS = {"diverging": "CET-D1A", "sequential": "viridis"}
ROBUST_PERCENTILE = 99.5  # automatic levels ignore the most extreme 0.5 % of cells


def elide(label: str, chars: int) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= chars else label[: chars - 1] + "…"


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


def _fit_width(labels: list[str], fm: QFontMetrics, width: float) -> list[str]:
    """Elide column labels to one column's width when that keeps at least 3 characters each."""
    if width < fm.horizontalAdvance("Mm…"):
        return labels
    return [fm.elidedText(s, Qt.TextElideMode.ElideRight, int(width)) for s in labels]


def tick_positions(n: int, max_labels: int) -> range:
    """Which of ``n`` rows get a tick label when at most ``max_labels`` fit."""
    return range(0, n, max(1, math.ceil(n / max_labels))) if n else range(0)


class Heatmap(QWidget):
    """``set_matrix(m, row_labels, col_labels, levels, cmap)`` shows ``m`` (rows x columns)."""

    cellHovered = Signal(int, int)  # (row, column); (-1, -1) when the pointer leaves the matrix
    cellClicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None, *, max_tick_labels: int = 60, label_chars: int = 16, value_name: str = "value", annotate_max: int = 0, value_format: str = "{:.2f}") -> None:
        """``annotate_max``: write each cell's value (``value_format``) in it when the matrix has at most this many rows and columns."""
        super().__init__(parent)
        self.annotate_max = annotate_max
        self.value_format = value_format
        self._annotations: list[pg.TextItem] = []
        self.max_tick_labels = max_tick_labels
        self.label_chars = label_chars
        self.value_name = value_name
        self.matrix: np.ndarray | None = None
        self.row_labels: list[str] | None = None
        self.col_labels: list[str] | None = None
        self._build()

    # --- construction -------------------------------------------------------------------------

    def _build(self) -> None:
        self.graphics = pg.GraphicsLayoutWidget(self)
        self.plot = self.graphics.addPlot()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.invertY(True)
        self.plot.showGrid(False, False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.cmap_name = "diverging"
        self.bar = pg.ColorBarItem(values=(-1, 1), colorMap=pg.colormap.get(COLORMAPS["diverging"]), interactive=False, width=14, colorMapMenu=False)
        self.bar.setImageItem(self.image, insert_in=self.plot)
        self.readout = QLabel(" ", self)
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.readout.setContentsMargins(6, 0, 6, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.readout)
        self._ticks: dict[str, list[str] | None] = {"left": None, "bottom": None}
        self.plot.vb.sigResized.connect(self._update_ticks)
        self.plot.vb.sigRangeChanged.connect(self._update_ticks)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.graphics.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self._restyle()

    def _restyle(self) -> None:
        style_plot(self.graphics, self.plot, self)
        bar_axis = self.bar.axis if hasattr(self.bar, "axis") else None
        if bar_axis is not None:
            bar_axis.setStyle(tickFont=self.plot.getAxis("left").style["tickFont"])
            bar_axis.setTextPen(self.plot.getAxis("left").textPen())

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == event.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    # --- data ---------------------------------------------------------------------------------

    def set_matrix(self, m: np.ndarray, row_labels=None, col_labels=None, levels=None, cmap: str = "diverging", *, row_ticks=None, col_ticks=None) -> None:
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
        self._annotate()
        self._ticks = {"left": _strings(row_ticks) or self.row_labels, "bottom": _strings(col_ticks) or self.col_labels}
        self._fit_view()
        self._update_ticks()
        self.readout.setText(f"{m.shape[0]} × {m.shape[1]} · hover a cell for its {self.value_name}")

    def set_axis_titles(self, rows: str = "", columns: str = "") -> None:
        axis_label(self.plot, "left", rows, self)
        axis_label(self.plot, "bottom", columns, self)

    def clear(self) -> None:
        self.matrix = None
        self.row_labels = self.col_labels = None
        self.image.clear()
        self._annotate()
        self._ticks = {"left": None, "bottom": None}
        self._update_ticks()
        self.readout.setText(" ")

    @property
    def levels(self) -> tuple[float, float]:
        lo, hi = self.bar.levels()
        return float(lo), float(hi)

    def image_shape(self) -> tuple[int, int]:
        """(rows, columns) of the matrix on screen; (0, 0) when empty."""
        return (0, 0) if self.matrix is None else tuple(self.matrix.shape)

    def _annotate(self) -> None:
        """Write the values into the cells of a small matrix, dark or light to suit each cell."""
        for item in self._annotations:
            self.plot.removeItem(item)
        self._annotations = []
        m = self.matrix
        if m is None or m.size == 0 or max(m.shape) > self.annotate_max:
            return
        lo, hi = self.levels
        cmap = self.bar.colorMap()
        for (r, c), v in np.ndenumerate(m):
            fill = cmap.map(float(np.clip((v - lo) / ((hi - lo) or 1.0), 0, 1)), mode="qcolor")
            item = pg.TextItem(self.value_format.format(v), color="#000000" if fill.lightnessF() > 0.55 else "#ffffff", anchor=(0.5, 0.5))
            item.setPos(c + 0.5, r + 0.5)
            self.plot.addItem(item)
            self._annotations.append(item)

    def _update_ticks(self, *_args) -> None:
        """Label as many rows / columns as fit without overlapping at the current size and zoom."""
        (x0, x1), (y0, y1) = self.plot.vb.viewRange()
        rect = self.plot.vb.boundingRect()
        if self._annotations:  # values only where they fit in their cells
            fm = QFontMetrics(self.font())
            fits = rect.width() / max(x1 - x0, 1e-9) >= fm.horizontalAdvance("-0.00") + 4 and rect.height() / max(y1 - y0, 1e-9) >= fm.height()
            for item in self._annotations:
                item.setVisible(fits)
        for axis, span, pixels in (("left", y1 - y0, rect.height()), ("bottom", x1 - x0, rect.width())):
            labels = self._ticks.get(axis)
            ax = self.plot.getAxis(axis)
            if not labels:
                ax.setTicks(None)
                continue
            cell = pixels / max(span, 1e-9)  # pixels per row / column
            fm = QFontMetrics(ax.style["tickFont"] or self.font())
            short = [elide(s, self.label_chars) for s in labels]
            if axis == "bottom":
                short = _fit_width(short, fm, cell - 8)
                need = max(fm.horizontalAdvance(s) for s in short) + 6
            else:
                need = fm.height() + 2
            fit = max(1, int(cell * len(labels) / need))
            step = tick_positions(len(labels), min(fit, self.max_tick_labels)).step
            shown = [(i + 0.5, short[i]) for i in range(0, len(labels), step)]
            ax.setTicks([shown, []])
            if axis == "left":  # pyqtgraph drops tick texts wider than the axis: make room for them
                ax.setWidth(max(fm.horizontalAdvance(t) for _, t in shown) + ax.style["tickTextOffset"][0] + 14)

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
        rl = self.row_labels[row] if self.row_labels else f"row {row}"
        cl = self.col_labels[col] if self.col_labels else f"column {col}"
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

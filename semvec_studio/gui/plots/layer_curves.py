"""Scores against layers: one curve per measure over layers 0..L, with a last point that stands
alone (e.g. the mean of the last four layers, which is not a layer after L), and the legend beside
the plot so that it never hides a curve. Exports as PNG or SVG with its legend."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (pg.exporters)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from semvec_studio.gui.plots.scatter_items import export_svg
from semvec_studio.gui.plots.style import axis_label, is_dark, palette_colors, style_plot

SYMBOL_SIZE = 7


@dataclass(frozen=True)
class Series:
    """One curve: ``values`` per point (None or NaN: not measured), its colours on a light and a
    dark background, dashed or not."""

    name: str
    values: tuple
    light: str
    dark: str
    dash: bool = False


def _finite(v) -> float:
    return float("nan") if v is None or not math.isfinite(v) else float(v)


class LayerCurves(QWidget):
    """``set_series(series, labels, last_alone=True)``; ``curves`` maps each drawn name to its item."""

    def __init__(self, parent: QWidget | None = None, *, x_title: str = "", y_title: str = "") -> None:
        super().__init__(parent)
        self.x_title, self.y_title = x_title or self.tr("layer (0 = embeddings)"), y_title or self.tr("score")
        self.view = pg.GraphicsLayoutWidget(self)
        self.plot = self.view.addPlot(row=0, col=0)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.legend = pg.LegendItem(labelTextSize="9pt", verSpacing=-4)
        self.legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.view.ci.addItem(self.legend, row=0, col=1)
        self.view.ci.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)
        self.zero = pg.InfiniteLine(pos=0.0, angle=0, pen=pg.mkPen("#888888", width=1, style=Qt.PenStyle.DotLine))
        self.plot.addItem(self.zero, ignoreBounds=True)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.series: list[Series] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)
        self._restyle()

    def _restyle(self) -> None:
        style_plot(self.view, self.plot, self)
        axis_label(self.plot, "bottom", self.x_title, self)
        axis_label(self.plot, "left", self.y_title, self)
        self.legend.setLabelTextColor(palette_colors(self)[1])
        dark = is_dark(self)
        for s in self.series:
            if s.name in self.curves:
                self._style(self.curves[s.name], s, dark)

    @staticmethod
    def _style(curve: pg.PlotDataItem, s: Series, dark: bool) -> None:
        color = s.dark if dark else s.light
        curve.setPen(pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine if s.dash else Qt.PenStyle.SolidLine))
        curve.setSymbol("o")
        curve.setSymbolSize(SYMBOL_SIZE)
        curve.setSymbolBrush(color)
        curve.setSymbolPen(None)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == event.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    def set_series(self, series: list[Series], labels: list[str], *, last_alone: bool = True) -> None:
        """One curve per series with a measured value (points at 0..n-1, named ``labels`` on the
        x axis); with ``last_alone`` the last point is not joined to the others."""
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.legend.clear()
        self.curves, self.series = {}, list(series)
        n = len(labels)
        x = np.arange(n, dtype=np.float64)
        finite: list[float] = []
        dark = is_dark(self)
        for s in series:
            y = np.array([_finite(v) for v in s.values], dtype=np.float64)
            if len(y) != n or not np.isfinite(y).any():
                continue
            finite += y[np.isfinite(y)].tolist()
            connect = np.append(np.isfinite(y[:-1]) & np.isfinite(y[1:]), False)
            if last_alone and n > 1:
                connect[n - 2] = False
            curve = pg.PlotDataItem(x, np.nan_to_num(y, nan=0.0), connect=connect.astype(np.int32))
            self._style(curve, s, dark)
            self.plot.addItem(curve)
            self.legend.addItem(curve, s.name)
            self.curves[s.name] = curve
        self.plot.getAxis("bottom").setTicks([[(float(i), str(t)) for i, t in enumerate(labels)], []])
        self.plot.setXRange(-0.3, max(n - 1, 1) + 0.5, padding=0)
        self.plot.setYRange(min([0.0, *finite]) - 0.05, max([1.0, *finite]) + 0.05, padding=0)

    def export(self, path: str, width: int | None = None) -> None:
        """Write the plot with its legend as PNG or SVG, by the file's suffix."""
        if str(path).lower().endswith(".svg"):
            export_svg(self.view.ci, str(path))
            return
        exporter = pg.exporters.ImageExporter(self.view.ci)
        exporter.parameters()["width"] = int(width or self.view.width())  # 1:1: pyqtgraph does not scale the legend
        exporter.export(str(path))

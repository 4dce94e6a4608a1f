"""One token through the layers: its vector norm (left axis) and the cosine of each layer's vector
with the last layer's (right axis), against layer 0 (embeddings) .. L."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from semvec_studio.gui.plots.style import axis_label, is_dark, style_plot

NORM_COLOR = "#1f77b4"
COSINE_COLOR = "#d62728"
NORM_COLOR_DARK = "#6baed6"
COSINE_COLOR_DARK = "#fc8d59"


class LayerProfilePlot(QWidget):
    """``show_profile(token, norms, sims)``; ``norm_curve``/``cosine_curve`` hold the plotted data."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("Select a piece and choose “Show layers” (or double-click it) to see its vector through the layers."), self)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.view = pg.PlotWidget(self)
        self.plot = self.view.getPlotItem()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.showGrid(x=True, y=False, alpha=0.2)
        self.right = pg.ViewBox()
        self.plot.showAxis("right")
        self.plot.scene().addItem(self.right)
        self.plot.getAxis("right").linkToView(self.right)
        self.right.setXLink(self.plot)
        self.plot.vb.sigResized.connect(self._sync_views)
        norm_c, cos_c = self._colors()
        self.norm_curve = self.plot.plot([], [], pen=pg.mkPen(norm_c, width=2), symbol="o", symbolSize=7, symbolBrush=norm_c, symbolPen=None)
        self.cosine_curve = pg.PlotDataItem([], [], pen=pg.mkPen(cos_c, width=2, style=Qt.PenStyle.DashLine), symbol="s",
                                            symbolSize=7, symbolBrush=cos_c, symbolPen=None)
        self.right.addItem(self.cosine_curve)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        self._restyle()

    def _colors(self) -> tuple[str, str]:
        return (NORM_COLOR_DARK, COSINE_COLOR_DARK) if is_dark(self) else (NORM_COLOR, COSINE_COLOR)

    def _restyle(self) -> None:
        style_plot(self.view, self.plot, self)
        norm_c, cos_c = self._colors()
        axis_label(self.plot, "bottom", self.tr("layer (0 = embeddings)"), self)
        axis_label(self.plot, "left", self.tr("vector norm ●"), self, norm_c)
        axis_label(self.plot, "right", self.tr("cosine to final layer ■"), self, cos_c)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == event.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    def _sync_views(self) -> None:
        self.right.setGeometry(self.plot.vb.sceneBoundingRect())
        self.right.linkedViewChanged(self.plot.vb, self.right.XAxis)

    def show_profile(self, token: str, norms: np.ndarray, sims: np.ndarray) -> None:
        norms = np.asarray(norms, dtype=np.float64)
        sims = np.asarray(sims, dtype=np.float64)
        if norms.shape != sims.shape or norms.ndim != 1:
            raise ValueError("norms and sims must be 1-D arrays of the same length (one value per layer)")
        layers = np.arange(len(norms))
        self.norm_curve.setData(layers, norms)
        self.cosine_curve.setData(layers, sims)
        last = len(norms) - 1
        self.title.setText(self.tr("“{0}” through layers 0–{1}: vector norm (left, solid) and cosine to its layer-{1} vector (right, dashed)")
                           .format(token, last))
        self.plot.getAxis("bottom").setTicks([[(int(i), str(int(i))) for i in layers], []])
        self.plot.setXRange(-0.3, last + 0.3, padding=0)
        self.plot.setYRange(0.0, float(norms.max()) * 1.08 if len(norms) and norms.max() > 0 else 1.0, padding=0)
        lo = float(min(0.0, sims.min())) if len(sims) else 0.0
        self.right.setYRange(lo - 0.05, 1.05, padding=0)
        self._sync_views()

    def clear(self) -> None:
        self.norm_curve.setData([], [])
        self.cosine_curve.setData([], [])
        self.title.setText(self.tr("Select a piece and choose “Show layers” (or double-click it) to see its vector through the layers."))

    def point_count(self) -> int:
        x, _ = self.norm_curve.getData()
        return 0 if x is None else len(x)

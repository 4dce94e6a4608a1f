"""The live training curve: train loss per step (faint) with a smoothed line, validation loss per
evaluation on the same (left) axis, and the validation metric (accuracy, macro-F1) on a right axis
from 0 to 1. Points arrive in batches (``add_steps``/``add_eval``); the owner decides how often
to redraw (the training panel does it at most ~10 times a second). The loss axis can be log scale.
A linear probe is fitted in one go and has no curve: :meth:`LossPlot.show_summary` shows its
figures in the plot's place instead of a lone point.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from semvec_studio.gui.plots.style import axis_label, is_dark, style_plot

SMOOTHING = 0.9  # exponential moving average weight of the past, for runs of 80 steps or more
SMOOTHING_SPAN = 8  # shorter runs weigh the past less (1 - 8/steps), so the line does not lag behind
COLORS = {"train": "#1f77b4", "smooth": "#1f77b4", "val": "#d62728", "accuracy": "#2ca02c", "macro_f1": "#9467bd"}
COLORS_DARK = {"train": "#6baed6", "smooth": "#6baed6", "val": "#fc8d59", "accuracy": "#74c476", "macro_f1": "#bcbddc"}


class LossPlot(QWidget):
    """``add_steps([(step, loss), ...])``, ``add_eval(step, val_loss, accuracy, macro_f1)``, ``redraw()``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps: list[float] = []
        self.losses: list[float] = []
        self.evals: list[tuple[float, float, float, float]] = []
        self._smooth_acc = self._smooth_norm = 0.0
        self.smoothing = SMOOTHING
        self.smoothed: list[float] = []
        self.redraws = 0
        self.view = pg.PlotWidget(self)
        self.plot = self.view.getPlotItem()
        self.plot.setMenuEnabled(False)
        # no grid: pyqtgraph draws it inside each axis picture, ~40 ms a repaint in software rendering
        self.plot.addLegend(offset=(-10, 10), labelTextSize="9pt")
        self.right = pg.ViewBox()
        self.plot.showAxis("right")
        self.plot.scene().addItem(self.right)
        self.plot.getAxis("right").linkToView(self.right)
        self.right.setXLink(self.plot)
        self.right.setYRange(0, 1, padding=0.02)
        self.right.setMouseEnabled(x=False, y=False)
        self.plot.vb.sigResized.connect(self._sync_views)
        for axis in ("left", "right"):
            self.plot.getAxis(axis).enableAutoSIPrefix(False)  # "700 (x0.001)" reads worse than 0.7
        c = self._colors()
        self.train_curve = self.plot.plot([], [], pen=pg.mkPen(c["train"], width=1), name=self.tr("train loss"))
        self.train_curve.setOpacity(0.3)
        self.smooth_curve = self.plot.plot([], [], pen=pg.mkPen(c["smooth"], width=2), name=self.tr("train loss (smoothed)"))
        self.val_curve = self.plot.plot([], [], pen=pg.mkPen(c["val"], width=2), symbol="o", symbolSize=7, symbolBrush=c["val"],
                                        symbolPen=None, name=self.tr("validation loss"))
        self.metric_curves = {}
        for key, label, symbol in (("accuracy", self.tr("accuracy (right)"), "s"), ("macro_f1", self.tr("macro-F1 (right)"), "t")):
            curve = pg.PlotDataItem([], [], pen=pg.mkPen(c[key], width=2, style=Qt.PenStyle.DashLine), symbol=symbol, symbolSize=7,
                                    symbolBrush=c[key], symbolPen=None)
            self.right.addItem(curve)
            self.plot.legend.addItem(curve, label)
            self.metric_curves[key] = curve
        self.log_scale = QCheckBox(self.tr("Log scale"), self)
        self.log_scale.setToolTip(self.tr("Show the loss axis on a log scale: late, small improvements become visible."))
        self.log_scale.toggled.connect(self._set_log)
        self.readout = QLabel("", self)
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # long text never widens the window
        top = QHBoxLayout()
        top.addWidget(self.readout, 1)
        top.addWidget(self.log_scale)
        self.summary = QLabel("", self)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        self._restyle()

    # --- data --------------------------------------------------------------------------------

    def clear(self) -> None:
        self.steps.clear()
        self.losses.clear()
        self.smoothed.clear()
        self.evals.clear()
        self._smooth_acc = self._smooth_norm = 0.0
        self.readout.setText("")
        self.pages.setCurrentWidget(self.view)
        self.log_scale.setVisible(True)
        self.redraw()

    def show_summary(self, title: str, figures: dict[str, float]) -> None:
        """A run without a curve (a linear probe): its figures in the plot's place."""
        rows = "".join(f"<tr><td align='right'>{name}&nbsp;&nbsp;</td><td><b>{value:.4f}</b></td></tr>"
                       for name, value in figures.items() if value is not None and math.isfinite(value))
        self.summary.setText(f"<p>{title}</p><table align='center'>{rows}</table>")
        self.pages.setCurrentWidget(self.summary)
        self.log_scale.setVisible(False)
        self.readout.setText("")

    def set_total_steps(self, total: int) -> None:
        """Scale the smoothing to the run's length (call before its first points)."""
        self.smoothing = min(SMOOTHING, max(0.0, 1 - SMOOTHING_SPAN / max(total, 1)))

    def add_steps(self, points) -> None:
        """(step, train loss) pairs, in order; non-finite losses are kept out of the curve."""
        for step, loss in points:
            if not math.isfinite(loss):
                continue
            self.steps.append(float(step))
            self.losses.append(float(loss))
            w = self.smoothing
            self._smooth_acc = w * self._smooth_acc + (1 - w) * loss
            self._smooth_norm = w * self._smooth_norm + (1 - w)
            self.smoothed.append(self._smooth_acc / self._smooth_norm)

    def add_eval(self, step: float, val_loss: float, accuracy: float, macro_f1: float) -> None:
        self.evals.append((float(step), float(val_loss), float(accuracy), float(macro_f1)))

    def redraw(self) -> None:
        self.redraws += 1
        self.train_curve.setData(self.steps, self.losses)
        self.smooth_curve.setData(self.steps, self.smoothed)
        ev = np.asarray(self.evals, dtype=np.float64).reshape(-1, 4)
        self.val_curve.setData(ev[:, 0], ev[:, 1])
        self.metric_curves["accuracy"].setData(ev[:, 0], ev[:, 2])
        self.metric_curves["macro_f1"].setData(ev[:, 0], ev[:, 3])
        parts = []
        if self.steps:
            parts.append(self.tr("step {0}: loss {1} (smoothed)").format(int(self.steps[-1]), f"{self.smoothed[-1]:.4f}"))
        if self.evals:
            s, vl, acc, f1 = self.evals[-1]
            parts.append(self.tr("last evaluation (step {0}): val loss {1}, accuracy {2}, macro-F1 {3}").format(
                int(s), f"{vl:.4f}", f"{acc:.3f}", f"{f1:.3f}"))
        self.readout.setText("   ·   ".join(parts))

    # --- look --------------------------------------------------------------------------------

    def _set_log(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        self.plot.enableAutoRange()

    def _sync_views(self) -> None:
        self.right.setGeometry(self.plot.vb.sceneBoundingRect())
        self.right.linkedViewChanged(self.plot.vb, self.right.XAxis)

    def _colors(self) -> dict:
        return COLORS_DARK if is_dark(self) else COLORS

    def _restyle(self) -> None:
        style_plot(self.view, self.plot, self)
        c = self._colors()
        axis_label(self.plot, "bottom", self.tr("step"), self)
        axis_label(self.plot, "left", self.tr("loss (cross-entropy)"), self)
        axis_label(self.plot, "right", self.tr("validation accuracy / macro-F1"), self, c["accuracy"])

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() == event.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

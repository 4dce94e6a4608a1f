"""The Train tab's Progress page: the progress line and bar, the live loss plot and the run's log,
and how a run's events (start, step, eval, done) are drawn on them."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from semvec_studio.core.tasks import Event
from semvec_studio.gui.i18n import counted
from semvec_studio.gui.plots.loss_plot import LossPlot

PROBE_NOTE = QT_TRANSLATE_NOOP("ProgressPage", "A linear probe is fitted in one go (a logistic regression on the frozen "
                               "model's vectors), so it has no training curve. Its figures:")


def clock(seconds: float) -> str:
    """``seconds`` as m:ss or h:mm:ss ("–" when unknown)."""
    if not math.isfinite(seconds) or seconds < 0:
        return "–"
    m, s = divmod(int(round(seconds)), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressPage(QSplitter):
    """Progress line and bar over the loss plot, the log below; :meth:`draw` takes a batch of events."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.loss_plot = LossPlot()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.label = QLabel(self.tr("Choose a labelled file, check the columns and press Start."))
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(5000)
        self.log_view.setPlaceholderText(self.tr("The run's log."))
        top = QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        row.addWidget(self.label, 1)
        row.addWidget(self.bar)
        tv.addLayout(row)
        tv.addWidget(self.loss_plot, 1)
        self.addWidget(top)
        self.addWidget(self.log_view)
        self.setSizes([500, 150])
        self.method = "finetune"
        self.total_steps = 0
        self.start_step = self.last_step = 0
        self.started_at = 0.0

    def begin(self, method: str, resuming: bool) -> None:
        self.method = method
        self.total_steps = 0
        self.started_at = time.monotonic()
        if not resuming:
            self.loss_plot.clear()
            self.log_view.clear()
        self.bar.setRange(0, 0)  # busy until the first step
        self.label.setText(self.tr("Preparing: reading the data and loading the model…"))

    def log(self, msg: str) -> None:
        self.log_view.appendPlainText(f"{time.strftime('%H:%M:%S')}  {msg}")
        self.log_view.moveCursor(QTextCursor.MoveOperation.End)

    def draw(self, events: list[Event]) -> None:
        """Put a batch of a run's events on the plot, the progress line and the log."""
        steps, redraw = [], False
        for e in events:
            if e.kind == "step":
                steps.append((e["step"], e["loss"]))
                self.last_step = e["step"]
            elif e.kind == "start":
                self._on_start(e)
            elif e.kind == "eval" and self.method == "probe":
                self.loss_plot.show_summary(self.tr(PROBE_NOTE), {
                    self.tr("train loss"): e.get("train_loss"), self.tr("validation loss"): e["val_loss"],
                    self.tr("validation accuracy"): e["accuracy"], self.tr("validation macro-F1"): e["macro_f1"]})
            elif e.kind == "eval":
                self.loss_plot.add_eval(e["step"], e["val_loss"], e["accuracy"], e["macro_f1"])
                redraw = True  # the core logs the evaluation itself (the runner's log)
            elif e.kind == "done":
                self.log(self.tr("Done: {0} after {1} in {2}; kept the checkpoint of step {3}.").format(
                    e["status"], counted(e["step"], self.tr("{0} step"), self.tr("{0} steps")), clock(e["seconds"]), e.get("best_step")))
        if steps:
            self.loss_plot.add_steps(steps)
            redraw = True
        if redraw:
            self.loss_plot.redraw()

    def _on_start(self, e: Event) -> None:
        self.total_steps = int(e.get("total_steps") or 0)
        self.start_step = self.last_step = int(e.get("step") or 0)
        self.started_at = time.monotonic()
        if self.total_steps:
            self.bar.setRange(0, self.total_steps)
            if not self.loss_plot.steps:
                self.loss_plot.set_total_steps(self.total_steps)
        self.log(self.tr("{0} training / {1}, classes {2}; {3} on {4} in {5}").format(
            f"{e['train_rows']:,}", counted(e["val_rows"], self.tr("{0} validation row"), self.tr("{0} validation rows")),
            ", ".join(e["labels"]), counted(self.total_steps, self.tr("{0} step"), self.tr("{0} steps")), e["device"], e["precision"]))

    def show_running(self) -> None:
        """Steps done, time spent and time left, while a run goes."""
        if not self.total_steps:
            return
        done = self.last_step - self.start_step
        elapsed = time.monotonic() - self.started_at
        left = (self.total_steps - self.last_step) * elapsed / done if done > 0 else float("nan")
        self.bar.setValue(self.last_step)
        self.label.setText(self.tr("step {0} / {1} · elapsed {2} · about {3} left (or less, if it stops early)").format(
            f"{self.last_step:,}", f"{self.total_steps:,}", clock(elapsed), clock(left)))

    def show_stopped(self) -> None:
        """Where a run stopped (a finished run fills the bar in :meth:`show_finished`)."""
        if self.total_steps:
            self.bar.setRange(0, self.total_steps)
            self.bar.setValue(self.last_step)
        else:
            self.bar.setRange(0, 1)
            self.bar.setValue(0)

    def show_finished(self, text: str) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.label.setText(text)

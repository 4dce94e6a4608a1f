"""The Train tab: fine-tune a classifier (or fit a linear probe) on a labelled CSV while a live
loss plot updates, then read its report and use the model.

Work goes through the one runner, in its own group (:data:`TRAIN_GROUP`), so embedding in the
workbench never cancels a run. The core's ``train`` sends its events (``ctx.event``) through the
runner, which delivers them to :meth:`TrainingPanel.on_event` on the GUI thread; they are kept in
a list that a timer drains at most ``1 / REDRAW_S`` times a second, so a fast run (hundreds of
steps a second on a GPU) costs the window a redraw per 100 ms, not per step.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.tasks import Event
from semvec_studio.core.train.loop import resume_params, train
from semvec_studio.core.train.preview import csv_preview
from semvec_studio.core.train.review import review_run
from semvec_studio.core.train.runfolder import METRICS_FILE, is_resumable, read_json
from semvec_studio.gui import settings as st
from semvec_studio.gui.i18n import counted
from semvec_studio.gui.jobs import TRAIN_GROUP
from semvec_studio.gui.panels.training_progress import ProgressPage, clock
from semvec_studio.gui.panels.training_results import BeforeAfter, TrainingReport
from semvec_studio.gui.panels.training_setup import TrainingSetup

PREVIEW_GROUP = "train-preview"
REDRAW_S = 0.1
SETTINGS_KEY = "options/training"
PROGRESS_TAB, REPORT_TAB, MAPS_TAB = 0, 1, 2


class TrainingPanel(QWidget):
    useModelRequested = Signal(str)  # a fine-tuned output folder to load into the workbench
    runFinished = Signal(object)  # TrainResult
    reviewed = Signal(object)  # RunReview

    def __init__(self, runner, notifier, settings=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.notifier, self.settings = runner, notifier, settings
        self.job: int | None = None
        self.review_job: int | None = None
        self.preview_job: int | None = None
        self.preview = None
        self.events: list[Event] = []  # received from the runner, drawn by the timer
        self._output, self._method = "", "finetune"
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(int(REDRAW_S * 1000))
        self.timer.timeout.connect(self.drain)
        self.runner.log.connect(self._on_runner_log)
        if settings is not None:
            self.setup.restore(st.read_json(settings, SETTINGS_KEY, {}))
        self._update_buttons()

    # --- construction ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.setup = TrainingSetup()
        self.setup.previewRequested.connect(self.request_preview)
        self.setup.output_edit.textChanged.connect(lambda _t: self._update_buttons())
        self.setup.form.changed.connect(lambda _name: self._update_buttons())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.setup)
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setToolTip(self.tr("Start a new run with these settings (Ctrl+Return in this tab)."))
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop the run; the output folder keeps the last saved checkpoint, and Resume continues from it."))
        self.cancel_button.clicked.connect(self.cancel)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setToolTip(self.tr("Continue the unfinished run in the output folder from its last saved step, with its saved settings."))
        self.resume_button.clicked.connect(self.resume)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.cancel_button, self.resume_button):
            buttons.addWidget(b)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(scroll, 1)
        lv.addLayout(buttons)

        self.page = ProgressPage()
        self.loss_plot, self.progress, self.progress_label, self.log_view = (
            self.page.loss_plot, self.page.bar, self.page.label, self.page.log_view)
        self.report = TrainingReport()
        self.report.useModelRequested.connect(self.useModelRequested)
        self.maps = BeforeAfter()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.page, self.tr("Progress"))
        self.tabs.addTab(self.report, self.tr("Report"))
        self.tabs.addTab(self.maps, self.tr("Before / after"))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("training_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([430, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    # --- preview ---------------------------------------------------------------------------------------

    def open_csv(self, path: str) -> None:
        self.setup.set_csv(str(path))

    def request_preview(self) -> None:
        params = self.setup.params()
        if not params.csv:
            return
        self.setup.message.show_info(self.tr("Reading {0}…").format(Path(params.csv).name))
        self.preview_job = self.runner.submit(csv_preview, params, name=self.tr("Reading {0}").format(Path(params.csv).name), group=PREVIEW_GROUP,
                                              on_result=self._on_preview, on_error=self._on_preview_failed)

    def _on_preview(self, preview) -> None:
        self.preview_job = None
        self.preview = preview
        self.setup.set_preview(preview)
        self._update_buttons()

    def _on_preview_failed(self, exc, details: str) -> None:
        self.preview_job = None
        self.preview = None
        if isinstance(exc, SemvecError):
            self.setup.show_failure(exc.for_gui())
        else:
            self.notifier.unexpected(exc, details)
        self._update_buttons()

    # --- running -----------------------------------------------------------------------------------------

    def running(self) -> bool:
        return self.job is not None

    def start(self) -> int | None:
        """Start a new run with the form's settings; returns the runner job id (None if refused)."""
        if self.running():
            return None
        params = self.setup.params()
        problem = self._problem(params)
        if problem:
            self.setup.message.show_error(problem)
            return None
        out = Path(params.output)
        try:  # the default runs folder (Documents/SemVec Studio/runs) may not exist yet
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.setup.message.show_error(self.tr("{0}: cannot create the output's folder ({1}); choose another output folder.").format(
                out.parent, exc.strerror))
            return None
        if out.exists() and any(out.iterdir()):
            if is_resumable(params.output):
                question = self.tr("{0} holds an unfinished run. Start again from scratch and replace it? (Resume continues it instead.)").format(out)
            else:
                question = self.tr("{0} already exists. Replace it with this run?").format(out)
            if not self._confirm(question):
                return None
            params = dataclasses.replace(params, overwrite=True)
        return self._run(params)

    def resume(self) -> int | None:
        if self.running():
            return None
        try:
            params = resume_params(self.setup.output_edit.text().strip())
        except SemvecError as exc:
            self.setup.message.show_error(exc.for_gui())
            return None
        return self._run(params, resuming=True)

    def cancel(self) -> None:
        if self.job is not None:
            self.runner.cancel(self.job)
            self._log(self.tr("Cancelling: saving the current step…"))
        elif self.review_job is not None:
            self.runner.cancel(self.review_job)

    def _problem(self, params) -> str:
        if not params.csv:
            return self.tr("Choose a labelled file first.")
        if self.preview is None or Path(self.preview.path).resolve() != Path(params.csv).resolve():
            return self.tr("The file has not been read yet (or could not be); see the message above.")
        if self.preview.problem:
            return self.preview.problem
        if not params.output:
            return self.tr("Choose an output folder.")
        try:
            params.validate()
        except SemvecError as exc:
            return exc.for_gui()
        return ""

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Replace the output folder?"), question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _run(self, params, resuming: bool = False) -> int:
        self.save_settings()
        self.events.clear()
        self.page.begin(params.method, resuming)
        self.report.clear()
        self._output, self._method = params.output, params.method
        self.tabs.setCurrentIndex(PROGRESS_TAB)
        line = self.tr("Resuming {0} of {1} on {2} → {3}") if resuming else self.tr("Starting {0} of {1} on {2} → {3}")
        self._log(line.format(params.method, params.model, params.csv, params.output))
        self.job = self.runner.submit(train, params, on_event=self.on_event, name=self.tr("Training"), group=TRAIN_GROUP,
                                      on_result=self._on_done, on_error=self._on_failed, on_cancel=self._on_cancelled)
        self.timer.start()
        self._update_buttons()
        return self.job

    def save_settings(self) -> None:
        """Remember the form (every field the training table marks ``saved``) for the next session."""
        if self.settings is not None:
            st.write_json(self.settings, SETTINGS_KEY, self.setup.state())

    def on_event(self, event: Event) -> None:
        """An event of the running job (GUI thread, from the runner); drawn by the next :meth:`drain`."""
        self.events.append(event)

    def drain(self) -> None:
        """Move the events received since the last call onto the Progress page (GUI thread, ≤ 10 Hz)."""
        events, self.events = self.events, []
        self.page.draw(events)
        if self.job is not None:
            self.page.show_running()

    def _finish_job(self) -> None:
        self.drain()
        self.timer.stop()
        self.job = None
        self.page.show_stopped()
        self._update_buttons()

    def _on_done(self, result) -> None:
        self._finish_job()
        steps = counted(result.steps, self.tr("{0} step"), self.tr("{0} steps"))
        self.page.show_finished(f"{result.status} · {steps} · {clock(result.seconds)}")
        self.report.show_metrics(self._metrics_of(result), str(result.path), self._method)
        self.tabs.setCurrentIndex(REPORT_TAB)
        self.runFinished.emit(result)
        self.request_review(str(result.path))

    @staticmethod
    def _metrics_of(result) -> dict:
        try:
            return read_json(Path(result.path) / METRICS_FILE)
        except SemvecError:
            return dict(result.metrics)

    def _on_failed(self, exc, details: str) -> None:
        self._finish_job()
        self.progress_label.setText(self.tr("The run stopped with an error."))
        self._log(self.tr("Error: {0}").format(exc))
        if isinstance(exc, SemvecError):
            self.setup.message.show_error(exc.for_gui())
            self.notifier.status(self.tr("Training: {0}").format(exc.for_gui().split(";")[0]))
        else:
            self.notifier.unexpected(exc, details)

    def _on_cancelled(self) -> None:
        self._finish_job()
        resumable = is_resumable(self._output)
        self.progress_label.setText(self.tr("Cancelled. Resume continues from the last saved step.") if resumable else self.tr("Cancelled."))
        if resumable:
            self._log(self.tr("Cancelled at step {0}; the last saved checkpoint is in {1} — Resume continues from it.").format(
                self.page.last_step, self._output))

    # --- after a run ---------------------------------------------------------------------------------------

    def request_review(self, folder: str) -> int:
        device = self.setup.form.value("device")
        self._log(self.tr("Reviewing: predicting the validation texts and embedding them with the base and the trained model…"))
        self.review_job = self.runner.submit(review_run, folder, device=device, name=self.tr("Reviewing the run"), group=TRAIN_GROUP,
                                             on_result=self._on_review, on_error=self._on_review_failed,
                                             on_cancel=lambda: setattr(self, "review_job", None))
        self._update_buttons()
        return self.review_job

    def _on_review(self, review) -> None:
        self.review_job = None  # the metrics table is already filled from metrics.json (_on_done)
        self.report.show_review(review)
        self.maps.show_review(review)
        self._log(self.tr("Review ready: {0} of {1} misclassified.").format(
            f"{len(review.misclassified()):,}", counted(len(review.texts), self.tr("{0} validation text"), self.tr("{0} validation texts"))))
        self._update_buttons()
        self.reviewed.emit(review)

    def _on_review_failed(self, exc, details: str) -> None:
        self.review_job = None
        self._log(self.tr("The review failed: {0}").format(exc))
        self.notifier.error(exc, details)
        self._update_buttons()

    # --- helpers ---------------------------------------------------------------------------------------------

    def _log(self, msg: str) -> None:
        self.page.log(msg)

    def _on_runner_log(self, job_id: int, msg: str) -> None:
        if job_id in (self.job, self.review_job):
            self._log(msg)

    def _update_buttons(self) -> None:
        busy = self.job is not None
        problem = self.tr("A run is going.") if busy else self._problem(self.setup.params())
        self.start_button.setEnabled(not problem)
        self.start_button.setToolTip(problem or self.tr("Start a new run with these settings (Ctrl+Return in this tab)."))
        self.cancel_button.setEnabled(busy or self.review_job is not None)
        self.resume_button.setEnabled(not busy and is_resumable(self.setup.output_edit.text().strip()))
        self.setup.setEnabled(not busy)

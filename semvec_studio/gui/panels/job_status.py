"""A view's progress bar and status line for its own runner job.

The runner's ``progress`` signal carries no job id; it comes only from the job that is running,
and jobs run one at a time. So a :class:`JobStatus` follows the job it was given from the
runner's ``started`` for that id until :meth:`end`, and ignores every other job's progress.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QWidget

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.tasks import Progress
from semvec_studio.gui.i18n import translate

STEPS = 1000


def report_job_error(exc: BaseException, details: str, message, notifier=None) -> str:
    """Show a view's failed job in its inline ``message`` (through ``notifier`` when the view has
    one, which also keeps the traceback); returns the one line shown, for a ``failed`` signal."""
    text = exc.for_gui() if isinstance(exc, SemvecError) else translate("Notifier", "Unexpected error: {0}").format(
        f"{type(exc).__name__}: {exc}")
    if notifier is not None:
        notifier.error(exc, details, inline=message)
    else:
        message.show_error(text)
    return text


class JobStatus(QWidget):
    """``begin(job_id)`` when a job is submitted, ``end(text, done=...)`` when it is over."""

    def __init__(self, runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job: int | None = None
        self._live = False
        self.bar = QProgressBar()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setMaximumWidth(160)
        self.label = QLabel("")
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.bar)
        lay.addWidget(self.label, 1)
        runner.started.connect(self._on_started)
        runner.progress.connect(self._on_progress)

    def begin(self, job_id: int) -> None:
        self.job, self._live = job_id, False
        self.bar.setRange(0, 0)  # busy until the job reports
        self.label.setText(self.tr("Waiting for the runner…"))

    def cancelling(self) -> None:
        self.label.setText(self.tr("Cancelling…"))

    def end(self, text: str, *, done: bool) -> None:
        """The job is over: a full bar when it finished (``done``), an empty one otherwise."""
        self.job, self._live = None, False
        self.bar.setRange(0, 1)
        self.bar.setValue(1 if done else 0)
        self.label.setText(text)

    def _on_started(self, job_id: int, _name: str) -> None:
        self._live = self.job is not None and job_id == self.job

    def _on_progress(self, p: Progress, _eta: float) -> None:
        if not self._live:
            return
        if p.total:
            self.bar.setRange(0, STEPS)
            self.bar.setValue(int(STEPS * (p.fraction or 0.0)))
        else:
            self.bar.setRange(0, 0)
        self.label.setText(p.label())

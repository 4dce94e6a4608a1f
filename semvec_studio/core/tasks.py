"""Long jobs and whoever runs them: typed progress, structured events and cancel, in one contract.

Every long job is a plain function ``run(params, ctx) -> result``. Between batches or steps it
calls ``ctx.check_cancelled()`` and ``ctx.report(done, total, phase, unit=...)``; facts worth
keeping go to ``ctx.log(msg)``, and structured payloads that a display may draw (a training step,
an evaluation) to ``ctx.event(kind, **data)``. The core starts no threads: the CLI passes a tqdm
context (:mod:`semvec_studio.cli.progress`), the GUI its runner's context
(:mod:`semvec_studio.gui.runner`), tests a :class:`RecordingContext`.

A display never parses text to learn what is going on: a :class:`Progress` says what is done, of
how many, counted in which unit and in which phase.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from semvec_studio.core.errors import Cancelled

__all__ = ["Cancelled", "CancelToken", "Event", "NullContext", "Progress", "RecordingContext", "TaskContext", "UNITS"]

# What ``done`` and ``total`` count. "" when nothing is counted (a phase of unknown length).
UNITS = ("", "text", "row", "step", "iteration", "byte", "stage", "query", "pair")


@dataclass(frozen=True)
class Progress:
    """``done`` units of ``total`` (None: unknown) in ``phase``; ``detail`` is a short addition
    for display (e.g. "epoch 2/5")."""

    done: float
    total: float | None
    phase: str
    unit: str = ""
    detail: str = ""

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, max(0.0, self.done / self.total))

    def label(self) -> str:
        """The phase with its detail, for a status line: "training, epoch 2/5"."""
        return f"{self.phase}, {self.detail}" if self.detail else self.phase


@dataclass(frozen=True)
class Event:
    """A structured payload of a job (plain values only: numbers, strings, lists, dicts)."""

    kind: str
    data: dict = field(default_factory=dict)

    def __getitem__(self, key: str):
        return self.data[key]

    def get(self, key: str, default=None):
        return self.data.get(key, default)


class CancelToken:
    """A thread-safe flag shared by a job and the code that may cancel it."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class TaskContext:
    """What a job reports to. The base shows nothing and is cancellable through ``token``;
    a display overrides :meth:`on_progress`, :meth:`on_event` and :meth:`on_log`."""

    def __init__(self, token: CancelToken | None = None) -> None:
        self.token = token or CancelToken()

    def report(self, done: float, total: float | None = None, phase: str = "", *, unit: str = "",
               detail: str = "") -> None:
        """Progress: ``done`` of ``total`` ``unit``s in ``phase`` (see :class:`Progress`)."""
        self.on_progress(Progress(float(done), None if total is None else float(total), phase, unit, detail))

    def event(self, kind: str, **data) -> None:
        """A structured payload (see :class:`Event`)."""
        self.on_event(Event(kind, data))

    def check_cancelled(self) -> None:
        """Raise :class:`Cancelled` if the job should stop."""
        if self.token.cancelled:
            raise Cancelled()

    def log(self, msg: str) -> None:
        """A line for the job's log (warnings, facts worth keeping)."""
        self.on_log(msg)

    def on_progress(self, progress: Progress) -> None:
        pass

    def on_event(self, event: Event) -> None:
        pass

    def on_log(self, msg: str) -> None:
        pass


class NullContext(TaskContext):
    """Shows nothing; keeps the log lines in ``messages`` (for callers that show them later)."""

    def __init__(self, token: CancelToken | None = None) -> None:
        super().__init__(token)
        self.messages: list[str] = []

    def on_log(self, msg: str) -> None:
        self.messages.append(msg)


class RecordingContext(NullContext):
    """Records every progress report and event; cancels itself after ``cancel_after`` reports
    (for tests)."""

    def __init__(self, cancel_after: int | None = None) -> None:
        super().__init__()
        self.progress: list[Progress] = []
        self.events: list[Event] = []
        self.cancel_after = cancel_after

    def on_progress(self, progress: Progress) -> None:
        self.progress.append(progress)
        if self.cancel_after is not None and len(self.progress) >= self.cancel_after:
            self.token.cancel()

    def on_event(self, event: Event) -> None:
        self.events.append(event)

    @property
    def reports(self) -> list[tuple[float, float | None, str]]:
        """(done, total, phase) of every report."""
        return [(p.done, p.total, p.phase) for p in self.progress]

"""The contract between long jobs and whoever runs them.

Every long job is a plain function ``run(params, ctx) -> result`` that calls
``ctx.report(done, total, msg)`` and ``ctx.check_cancelled()`` between batches or steps.
The core starts no threads: the CLI passes a tqdm context, the GUI its runner's context, tests
a recording fake.
"""

from __future__ import annotations

import threading
from typing import Protocol, runtime_checkable

from semvec_studio.core.errors import Cancelled

__all__ = ["Cancelled", "TaskContext", "NullContext", "RecordingContext", "CancelToken"]


@runtime_checkable
class TaskContext(Protocol):
    def report(self, done: float, total: float | None = None, msg: str = "") -> None:
        """Progress: ``done`` units of ``total`` (None when unknown), with a short message."""

    def check_cancelled(self) -> None:
        """Raise :class:`Cancelled` if the job should stop."""

    def log(self, msg: str) -> None:
        """A line for the job's log (warnings, facts worth keeping)."""


class CancelToken:
    """A thread-safe flag shared by a job and the code that may cancel it."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class NullContext:
    """Runs a task with no progress display; cancellable through an optional token."""

    def __init__(self, token: CancelToken | None = None) -> None:
        self.token = token or CancelToken()
        self.messages: list[str] = []

    def report(self, done: float, total: float | None = None, msg: str = "") -> None:
        pass

    def check_cancelled(self) -> None:
        if self.token.cancelled:
            raise Cancelled()

    def log(self, msg: str) -> None:
        self.messages.append(msg)


class RecordingContext(NullContext):
    """Records every report; cancels itself after ``cancel_after`` reports (for tests)."""

    def __init__(self, cancel_after: int | None = None) -> None:
        super().__init__()
        self.reports: list[tuple[float, float | None, str]] = []
        self.cancel_after = cancel_after

    def report(self, done: float, total: float | None = None, msg: str = "") -> None:
        self.reports.append((done, total, msg))
        if self.cancel_after is not None and len(self.reports) >= self.cancel_after:
            self.token.cancel()

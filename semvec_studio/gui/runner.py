"""The one background runner: every long core task runs here, on one QThread.

``Runner.submit(fn, *args, **kwargs)`` runs ``fn(*args, ctx=ctx, **kwargs)`` on the worker thread,
where ``ctx`` is a :class:`RunnerContext` (a :class:`~semvec_studio.core.tasks.TaskContext`):
cancellable through a :class:`~semvec_studio.core.tasks.CancelToken`, with progress throttled to
at most ``1 / PROGRESS_INTERVAL_S`` reports a second and an ETA per phase. A job's structured
events (``ctx.event``: a training step, an evaluation) travel as signals too, unthrottled and in
order, to the job's ``on_event`` on the GUI thread, until a newer job of its group replaces it
(a cancelled job's last events still arrive: what a run did before it stopped).

Jobs belong to a *group*. The default group, :data:`HEAVY`, holds the one heavy job (load a model,
extract, export): submitting a new job cancels the previous job of its group and that job's result
is dropped (each job has an id; results of a superseded or cancelled job never reach the caller).
Light groups (a layer profile, reading a file) supersede only themselves. All jobs share the one
worker thread, so they run one after the other.

Only plain data crosses the thread boundary, as signal payloads: the job going in, its progress
(:class:`~semvec_studio.core.tasks.Progress`), events and log lines, and its result (or exception
with its traceback text) coming out. Workers never touch widgets.

Responsiveness: the worker holds the GIL only between torch operations, so the GUI thread runs
between them. The one long GIL hold is Python's full garbage collection, which scans every
tracked object (hundreds of thousands once torch and transformers are imported; the pause is in
README's responsiveness figures) and can be triggered by the worker's allocations. While a job runs, the objects that existed
before it sit in the collector's permanent generation (``gc.freeze``), so collections during the
job scan only what the job allocates; they return to the normal generations when it ends.
"""

from __future__ import annotations

import gc
import itertools
import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThread, Signal, Slot

from semvec_studio.core.tasks import Cancelled, CancelToken, Event, Progress, TaskContext

HEAVY = "heavy"
PROGRESS_INTERVAL_S = 0.1
_OK, _ERROR, _CANCELLED = "ok", "error", "cancelled"
_THREADS: weakref.WeakSet = weakref.WeakSet()


def running_threads() -> list[QThread]:
    """Runner threads that are still running (tests assert this is empty after each test)."""
    return [t for t in list(_THREADS) if t.isRunning()]


@dataclass
class Job:
    job_id: int
    name: str
    group: str
    fn: Callable
    args: tuple
    kwargs: dict
    token: CancelToken = field(default_factory=CancelToken)
    on_result: Callable | None = None
    on_error: Callable | None = None
    on_cancel: Callable | None = None
    on_event: Callable | None = None


class RunnerContext(TaskContext):
    """The TaskContext a job gets on the worker thread.

    Progress goes out at most once per ``interval`` seconds within a phase (a phase is one
    (phase, total) pair; the first report of a new phase always goes out), with the estimated
    seconds left in the phase, or -1 if unknown. Events and log lines go out as they come.
    """

    def __init__(self, token: CancelToken, emit_progress: Callable, emit_log: Callable, emit_event: Callable | None = None,
                 *, interval: float = PROGRESS_INTERVAL_S, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(token)
        self._emit_progress = emit_progress
        self._emit_log = emit_log
        self._emit_event = emit_event or (lambda event: None)
        self._interval = interval
        self._clock = clock
        self._last_emit = float("-inf")
        self._phase: tuple | None = None
        self._phase_start = (0.0, 0.0)

    def on_progress(self, p: Progress) -> None:
        now = self._clock()
        new_phase = (p.phase, p.total) != self._phase
        if new_phase:  # always shown: a display must never keep showing the phase that ended
            self._phase = (p.phase, p.total)
            self._phase_start = (now, p.done)
        elif now - self._last_emit < self._interval:
            return
        self._last_emit = now
        self._emit_progress(p, self.eta(p.done, p.total, now))

    def on_event(self, event: Event) -> None:
        self._emit_event(event)

    def on_log(self, msg: str) -> None:
        self._emit_log(msg)

    def eta(self, done: float, total: float | None, now: float) -> float:
        t0, done0 = self._phase_start
        if not total or done <= done0 or now <= t0:
            return -1.0
        rate = (done - done0) / (now - t0)
        return max(0.0, (total - done) / rate)


class _Worker(QObject):
    """Lives on the runner thread; runs the jobs it is sent, one at a time, in order."""

    began = Signal(int)
    progressed = Signal(int, object, float)  # job id, Progress, eta
    logged = Signal(int, str)
    evented = Signal(int, object)  # job id, Event
    ended = Signal(int, str, object, str)  # job id, outcome, result or exception, traceback text

    @Slot(object)
    def run(self, job: Job) -> None:
        if job.token.cancelled:
            self.ended.emit(job.job_id, _CANCELLED, None, "")
            return
        self.began.emit(job.job_id)
        ctx = RunnerContext(
            job.token,
            lambda p, eta: self.progressed.emit(job.job_id, p, eta),
            lambda m: self.logged.emit(job.job_id, m),
            lambda e: self.evented.emit(job.job_id, e),
        )
        outcome, payload, details = _OK, None, ""
        gc.freeze()  # see the module docstring: short collections while the job runs
        try:
            payload = job.fn(*job.args, ctx=ctx, **job.kwargs)
        except Cancelled:
            outcome = _CANCELLED
        except Exception as exc:  # every failure reaches the notifier, none kills the thread
            outcome, details = _ERROR, traceback.format_exc()
            payload = exc.with_traceback(None)  # do not keep the job's frames (and tensors) alive
        finally:
            gc.unfreeze()
        if job.token.cancelled:
            outcome, payload = _CANCELLED, None
        job.args = job.kwargs = ()  # release inputs (models, texts) as soon as the job is done
        self.ended.emit(job.job_id, outcome, payload, details)


class Runner(QObject):
    """Runs core task functions on one worker QThread; see the module docstring.

    Signals (always on the GUI thread):
      started(job_id, name); progress(Progress, eta) (eta -1 when unknown);
      finished(job_id, result); failed(job_id, exception, traceback_text); cancelled(job_id);
      log(job_id, msg); event(job_id, Event); busyChanged(bool).
    """

    started = Signal(int, str)
    progress = Signal(object, float)
    event = Signal(int, object)
    finished = Signal(int, object)
    failed = Signal(int, object, str)
    cancelled = Signal(int)
    log = Signal(int, str)
    busyChanged = Signal(bool)
    _send = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._jobs: dict[int, Job] = {}
        self._latest: dict[str, int] = {}
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._busy = False
        self._closed = False

    # --- public API ------------------------------------------------------------------------

    def submit(self, fn: Callable, *args, name: str = "", group: str = HEAVY,
               on_result: Callable | None = None, on_error: Callable | None = None,
               on_cancel: Callable | None = None, on_event: Callable | None = None, **kwargs) -> int:
        """Queue ``fn(*args, ctx=..., **kwargs)``; cancels the previous job of ``group``.

        ``on_result(result)``, ``on_error(exception, traceback_text)``, ``on_cancel()`` and
        ``on_event(event)`` are called on the GUI thread, before the matching signal, only for a
        job not superseded. Returns the job id.
        """
        if self._closed:
            raise RuntimeError("the runner has been shut down")
        self._ensure_thread()
        self.cancel_group(group)
        job = Job(next(self._ids), name or getattr(fn, "__name__", "job"), group, fn, args, kwargs,
                  on_result=on_result, on_error=on_error, on_cancel=on_cancel, on_event=on_event)
        self._jobs[job.job_id] = job
        self._latest[group] = job.job_id
        self._set_busy(True)
        self._send.emit(job)
        return job.job_id

    def cancel(self, job_id: int | None = None) -> None:
        """Ask one job (or, with no id, every queued and running job) to stop."""
        for job in list(self._jobs.values()):
            if job_id is None or job.job_id == job_id:
                job.token.cancel()

    def cancel_all(self, keep: tuple[str, ...] = ()) -> None:
        """Ask every queued and running job to stop, except those of the ``keep`` groups."""
        for job in list(self._jobs.values()):
            if job.group not in keep:
                job.token.cancel()

    def cancel_group(self, group: str) -> None:
        latest = self._latest.get(group)
        if latest in self._jobs:
            self._jobs[latest].token.cancel()

    def is_busy(self) -> bool:
        return self._busy

    def has_pending(self, group: str) -> bool:
        """True while the latest job of ``group`` is queued or running."""
        return group in self._latest

    def is_running(self, job_id: int) -> bool:
        """True while the job is queued or running and has not been asked to stop."""
        job = self._jobs.get(job_id)
        return job is not None and not job.token.cancelled

    @property
    def closed(self) -> bool:
        """True once :meth:`shutdown` has run: nothing more can be submitted."""
        return self._closed

    def shutdown(self) -> None:
        """Cancel every job and join the worker thread (call before the app quits)."""
        self._closed = True
        self.cancel()
        if self._thread is not None and self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
        self._jobs.clear()
        self._set_busy(False)

    # --- internals -------------------------------------------------------------------------

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        self._thread = QThread()
        self._thread.setObjectName("semvec-runner")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._send.connect(self._worker.run)
        self._worker.began.connect(self._on_began)
        self._worker.progressed.connect(self._on_progress)
        self._worker.logged.connect(self._on_log)
        self._worker.evented.connect(self._on_event)
        self._worker.ended.connect(self._on_ended)
        _THREADS.add(self._thread)
        self._thread.start()

    def _live(self, job_id: int) -> Job | None:
        job = self._jobs.get(job_id)
        if job is None or job.token.cancelled or self._latest.get(job.group) != job_id:
            return None
        return job

    @Slot(int)
    def _on_began(self, job_id: int) -> None:
        job = self._live(job_id)
        if job is not None:
            self.started.emit(job_id, job.name)

    @Slot(int, object, float)
    def _on_progress(self, job_id: int, progress: Progress, eta: float) -> None:
        if self._live(job_id) is not None:
            self.progress.emit(progress, eta)

    @Slot(int, object)
    def _on_event(self, job_id: int, event: Event) -> None:
        # Events are facts of a job that is still the latest of its group: they keep coming while a
        # cancelled job winds down (a training run's last steps before it saves its checkpoint).
        job = self._jobs.get(job_id)
        if job is not None and self._latest.get(job.group) == job_id:
            if job.on_event is not None:
                job.on_event(event)
            self.event.emit(job_id, event)

    @Slot(int, str)
    def _on_log(self, job_id: int, msg: str) -> None:
        if self._live(job_id) is not None:
            self.log.emit(job_id, msg)

    @Slot(int, str, object, str)
    def _on_ended(self, job_id: int, outcome: str, payload, details: str) -> None:
        live = self._live(job_id)
        job = self._jobs.pop(job_id, None)
        if job is not None and self._latest.get(job.group) == job_id:
            del self._latest[job.group]
        try:
            if live is not None and outcome == _OK:
                if job.on_result is not None:
                    job.on_result(payload)
                self.finished.emit(job_id, payload)
            elif live is not None and outcome == _ERROR:
                if job.on_error is not None:
                    job.on_error(payload, details)
                self.failed.emit(job_id, payload, details)
            else:
                if job is not None and job.on_cancel is not None and self._latest.get(job.group) is None:
                    job.on_cancel()
                self.cancelled.emit(job_id)
        finally:
            self._set_busy(bool(self._jobs))

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)

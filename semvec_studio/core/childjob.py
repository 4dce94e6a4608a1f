"""Run a job's function in a child process, as if it ran here: its progress, events and log lines
come back to the caller's :class:`TaskContext`, its result or typed error is returned or raised
here, and a cancel stops it.

Why: a job in a worker thread shares the GIL with the GUI thread, and a job that spends its time in
Python (the workspace import packs blocks of rows in Python) makes the window wait for it after
each call into Qt or SQLite. A child process has its own interpreter. The function is named as
``"package.module:function"`` and is called as ``function(*args, ctx=...)``, so it must take a
``ctx`` keyword; its arguments and result must pickle.

The child starts with the ``spawn`` method on every platform (no fork of a process with threads;
the desktop bundle's launcher calls ``multiprocessing.freeze_support()``). A cancel asks the child
to stop at its next ``ctx.check_cancelled()`` and waits :data:`STOP_WAIT_S` for it, then ends it.
A :class:`~semvec_studio.core.errors.SemvecError` keeps its class and wordings across the process
boundary; any other error becomes a :class:`ChildJobError` with the child's traceback.
"""

from __future__ import annotations

import importlib
import multiprocessing
import time
import traceback
from collections import deque
from collections.abc import Sequence

from semvec_studio.core.errors import Cancelled, SemvecError
from semvec_studio.core.tasks import NullContext, TaskContext

try:
    import fcntl
except ImportError:  # Windows: pipes keep their size
    fcntl = None

POLL_S = 0.05
STOP_WAIT_S = 10.0
PIPE_BYTES = 1 << 20  # a ChildStream's pipe, where the system allows it


class ChildJobError(RuntimeError):
    """The child process failed with an error that is not a user's mistake (a bug), or died."""


class _PipeContext(TaskContext):
    """The child's context: everything it reports goes down the pipe; cancelled when the parent says."""

    def __init__(self, conn, stop) -> None:
        super().__init__()
        self._conn, self._stop = conn, stop

    def on_progress(self, progress) -> None:
        self._conn.send(("progress", progress))

    def on_event(self, event) -> None:
        self._conn.send(("event", event))

    def on_log(self, msg: str) -> None:
        self._conn.send(("log", msg))

    def check_cancelled(self) -> None:
        if self._stop.is_set():
            raise Cancelled()


def _resolve(target: str):
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _child_main(target: str, args: tuple, conn, stop) -> None:
    try:
        result = _resolve(target)(*args, ctx=_PipeContext(conn, stop))
        conn.send(("result", result))
    except Cancelled:
        conn.send(("cancelled", None))
    except BaseException as exc:  # noqa: BLE001 - every failure is told to the parent
        _send_failure(conn, exc)
    finally:
        conn.close()


def _send_failure(conn, exc: BaseException) -> None:
    if isinstance(exc, SemvecError):
        conn.send(("error", (type(exc).__module__, type(exc).__qualname__, str(exc), dict(vars(exc)))))
    else:  # a bug: its traceback goes to the parent
        conn.send(("crash", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))


def _rebuilt(module: str, name: str, text: str, attrs: dict) -> Exception:
    try:
        cls = getattr(importlib.import_module(module), name)
        exc = cls.__new__(cls)
        Exception.__init__(exc, text)
        exc.__dict__.update(attrs)
        return exc
    except Exception:  # noqa: BLE001 - an error class this process cannot make: keep its words
        return SemvecError(text)


def run_in_child(target: str, args: Sequence = (), ctx: TaskContext | None = None):
    """``target(*args, ctx=...)`` in a child process (see the module); returns its result."""
    ctx = ctx or NullContext()
    mp = multiprocessing.get_context("spawn")
    receive, send = mp.Pipe(duplex=False)
    stop = mp.Event()
    proc = mp.Process(target=_child_main, args=(target, tuple(args), send, stop), daemon=True, name="semvec-child")
    proc.start()
    send.close()  # the child holds the only sending end: its death ends the pipe
    asked_to_stop: float | None = None  # when the cancel was passed on
    try:
        while True:
            if asked_to_stop is None and ctx.token.cancelled:
                stop.set()
                asked_to_stop = time.monotonic()
            if not receive.poll(POLL_S):
                if asked_to_stop is not None and time.monotonic() - asked_to_stop > STOP_WAIT_S:
                    raise Cancelled()  # it did not stop in time: ended below
                continue
            try:
                kind, payload = receive.recv()
            except EOFError:
                proc.join(STOP_WAIT_S)
                if asked_to_stop is not None:
                    raise Cancelled() from None
                raise ChildJobError(f"the background process ended without a result (exit code {proc.exitcode})") from None
            if kind == "progress":
                ctx.on_progress(payload)
            elif kind == "event":
                ctx.on_event(payload)
            elif kind == "log":
                ctx.log(payload)
            elif kind == "result":
                return payload
            elif kind == "cancelled":
                raise Cancelled()
            elif kind == "error":
                raise _rebuilt(*payload)
            else:
                raise ChildJobError(f"the background process failed: {payload}")
    finally:
        proc.join(1.0)
        if proc.is_alive():
            proc.terminate()
            proc.join(STOP_WAIT_S)
        if proc.is_alive():
            proc.kill()
            proc.join()
        receive.close()


def _stream_main(target: str, args: tuple, conn) -> None:
    try:
        for item in _resolve(target)(*args):
            conn.send(("item", item))
        conn.send(("end", None))
    except BaseException as exc:  # noqa: BLE001 - every failure is told to the parent
        _send_failure(conn, exc)
    finally:
        conn.close()


def _widen(conn) -> None:
    """Give a pipe a bigger buffer where the system allows it (Linux: up to 1 MiB by default), so a
    child can run further ahead while this process is busy elsewhere (loading a model's weights)."""
    if fcntl is None or not hasattr(fcntl, "F_SETPIPE_SZ"):
        return
    try:
        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except OSError:  # above the system's limit for this user: the default size
        pass


class ChildStream:
    """The items of a generator function run in a child process, in order: ``target(*args)``
    yields them there; here they are taken by iterating. The child runs ahead of the taker: items it
    has sent wait in the pipe, and :meth:`drain` (call it while doing other work) takes them in, up
    to ``ahead`` of them, so that the child is not held up by a full pipe. The child must have no
    side effects: :meth:`close` ends it wherever it is (the taker is done, failed or cancelled).
    Errors come back as :func:`run_in_child`'s do."""

    def __init__(self, target: str, args: Sequence = (), *, ahead: int = 16) -> None:
        mp = multiprocessing.get_context("spawn")
        self._conn, send = mp.Pipe(duplex=False)
        _widen(send)
        self._proc = mp.Process(target=_stream_main, args=(target, tuple(args), send), daemon=True, name="semvec-producer")
        self._proc.start()
        send.close()  # the child holds the only sending end: its death ends the pipe
        self._ahead = ahead
        self._ready: deque = deque()
        self._ended = False

    def __iter__(self) -> ChildStream:
        return self

    def __next__(self):
        while not self._ready:
            if self._ended:
                raise StopIteration
            self._take()
        return self._ready.popleft()

    def drain(self) -> None:
        """Take in what the child has sent so far (up to ``ahead`` items), without waiting."""
        while not self._ended and len(self._ready) < self._ahead and self._conn.poll(0):
            self._take()

    def _take(self) -> None:
        try:
            kind, payload = self._conn.recv()
        except EOFError:
            self._proc.join(STOP_WAIT_S)
            self._ended = True
            raise ChildJobError(f"the background process ended early (exit code {self._proc.exitcode})") from None
        if kind == "item":
            self._ready.append(payload)
        elif kind == "end":
            self._ended = True
        elif kind == "error":
            self._ended = True
            raise _rebuilt(*payload)
        else:
            self._ended = True
            raise ChildJobError(f"the background process failed: {payload}")

    def close(self) -> None:
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join(STOP_WAIT_S)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        self._conn.close()

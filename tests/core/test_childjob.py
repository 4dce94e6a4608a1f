"""run_in_child and ChildStream: a job's function (or a stream of items) in a child process, reported,
returned, raised and cancelled as if it ran in this one (the workspace import runs so, away from
the GUI's GIL; the encode loop's tokenising runs so, ahead of the forward passes)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from semvec_studio.core import childjob
from semvec_studio.core.childjob import ChildJobError, ChildStream, run_in_child
from semvec_studio.core.errors import Cancelled, InputError
from semvec_studio.core.tasks import TaskContext

T = "tests.core.childjob_targets:"


class Recorder(TaskContext):
    def __init__(self) -> None:
        super().__init__()
        self.progress, self.events, self.logs = [], [], []

    def on_progress(self, progress) -> None:
        self.progress.append(progress)

    def on_event(self, event) -> None:
        self.events.append(event)

    def on_log(self, msg: str) -> None:
        self.logs.append(msg)


def test_progress_events_logs_and_the_result_come_back():
    ctx = Recorder()
    assert run_in_child(T + "count", (5,), ctx) == 10
    assert ctx.logs == ["counting to 5"]
    assert [(p.done, p.total, p.phase, p.unit) for p in ctx.progress] == [(k, 5, "counting", "row") for k in range(1, 6)]
    assert [e["rows"] for e in ctx.events] == [1, 2, 3, 4, 5]
    assert {e["pid"] for e in ctx.events} != {os.getpid()}  # it ran in another process


def test_a_users_error_keeps_its_class_and_both_wordings():
    with pytest.raises(InputError) as caught:
        run_in_child(T + "malformed", ("data.csv",))
    err = caught.value
    assert str(err) == "data.csv: line 3 has 4 cells where the header has 2; fix it with --skip-bad-rows"
    assert err.for_gui() == "data.csv: line 3 has 4 cells where the header has 2; fix the file" and err.field == "file"


def _cancel_when(ctx: TaskContext, ready) -> None:
    def watch() -> None:
        while not ready():
            time.sleep(0.01)
        ctx.token.cancel()
    threading.Thread(target=watch, daemon=True).start()


def test_a_cancel_stops_the_child_at_its_next_check(tmp_path):
    ctx = Recorder()
    marker = tmp_path / "stopped"
    _cancel_when(ctx, lambda: ctx.progress)
    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        run_in_child(T + "until_cancelled", (str(marker),), ctx)
    assert time.monotonic() - t0 < 20
    assert marker.read_text() == "stopped cleanly"


def test_a_child_that_does_not_stop_is_ended(monkeypatch):
    monkeypatch.setattr(childjob, "STOP_WAIT_S", 0.5)
    ctx = Recorder()
    _cancel_when(ctx, lambda: ctx.progress)
    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        run_in_child(T + "stubborn", (), ctx)
    assert time.monotonic() - t0 < 15  # not the 60 s it sleeps
    assert not [p for p in __import__("multiprocessing").active_children() if p.name == "semvec-child"]


def test_a_child_that_dies_or_has_a_bug_gives_a_clear_error():
    with pytest.raises(ChildJobError, match="exit code 3"):
        run_in_child(T + "dies")
    with pytest.raises(ChildJobError, match="KeyError: 'missing'") as caught:
        run_in_child(T + "buggy")
    assert "childjob_targets.py" in str(caught.value)  # the child's traceback


def test_a_stream_comes_back_in_order_and_runs_ahead_of_its_taker():
    stream = ChildStream(T + "numbers", (50,), ahead=8)
    try:
        first = next(stream)
        deadline = time.monotonic() + 30
        while len(stream._ready) < 8 and time.monotonic() < deadline:  # the child made more while this one worked
            stream._conn.poll(1.0)  # wait for the child's next item, not a fixed time
            stream.drain()
        assert len(stream._ready) == 8  # no more than ``ahead`` taken in
        assert [first, *stream] == list(range(50))
    finally:
        stream.close()
    assert not stream._proc.is_alive()


def test_a_streams_error_or_death_reaches_the_taker():
    stream = ChildStream(T + "numbers", (10, 4))
    with pytest.raises(InputError, match="row 4: not a number"):
        list(stream)
    stream.close()
    stream = ChildStream(T + "numbers_then_death", (3,))
    with pytest.raises(ChildJobError, match="exit code 5"):
        list(stream)
    stream.close()


def test_closing_a_stream_early_ends_its_child():
    stream = ChildStream(T + "numbers", (10**9,), ahead=2)
    assert next(stream) == 0
    stream.close()
    assert not stream._proc.is_alive()

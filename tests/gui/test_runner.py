"""The one background runner: results, errors, cancel, superseded jobs, throttled progress, ETA,
and a joined thread after shutdown."""

from __future__ import annotations

import threading
import time

import pytest

from semvec_studio.core.errors import InputError
from semvec_studio.core.tasks import CancelToken
from semvec_studio.gui.runner import Runner, RunnerContext, running_threads

TIMEOUT_MS = 5000


@pytest.fixture
def runner():
    r = Runner()
    yield r
    r.shutdown()


def add(a, b, ctx):
    ctx.report(1, 1, "adding")
    return a + b


def until_cancelled(ctx, result="never seen"):
    """Reports progress until cancelled (then raises Cancelled through check_cancelled)."""
    i = 0
    while True:
        ctx.check_cancelled()
        ctx.report(i, None, "waiting")
        threading.Event().wait(0.002)
        i += 1


def ignores_cancel(gate: threading.Event, ctx):
    gate.wait(5)
    return "stale result"


def fails(ctx):
    raise InputError("data.csv, line 3: no 'text' column; pass one with --text-column")


def test_result_reaches_callback_and_signal(qtbot, runner):
    got = []
    with qtbot.waitSignal(runner.finished, timeout=TIMEOUT_MS) as blocker:
        job = runner.submit(add, 2, 3, on_result=got.append)
    assert blocker.args == [job, 5]
    assert got == [5]
    assert not runner.is_busy()


def test_error_carries_the_exception_and_traceback(qtbot, runner):
    errors = []
    with qtbot.waitSignal(runner.failed, timeout=TIMEOUT_MS) as blocker:
        job = runner.submit(fails, on_error=lambda exc, details: errors.append((exc, details)))
    job_id, exc, details = blocker.args
    assert job_id == job and isinstance(exc, InputError)
    assert "no 'text' column" in str(exc)
    assert "Traceback" in details and "fails" in details
    assert errors and errors[0][0] is exc


def test_cancel_stops_the_job_quickly(qtbot, runner):
    cancelled = []
    with qtbot.waitSignal(runner.progress, timeout=TIMEOUT_MS):
        job = runner.submit(until_cancelled, on_cancel=lambda: cancelled.append(True))
    start = time.perf_counter()
    with qtbot.waitSignal(runner.cancelled, timeout=TIMEOUT_MS) as blocker:
        runner.cancel()
    assert time.perf_counter() - start < 1.0
    assert blocker.args == [job]
    assert cancelled == [True]
    assert not runner.is_busy()


def test_new_job_supersedes_the_old_and_drops_its_result(qtbot, runner):
    gate = threading.Event()
    finished = []
    runner.finished.connect(lambda job_id, result: finished.append((job_id, result)))
    old = runner.submit(ignores_cancel, gate, on_result=finished.append)
    with qtbot.waitSignal(runner.finished, timeout=TIMEOUT_MS):
        new = runner.submit(add, 1, 1)
        gate.set()  # the old job now returns a result although it was cancelled
    assert finished == [(new, 2)]
    assert old != new


def test_light_groups_do_not_cancel_the_heavy_job(qtbot, runner):
    with qtbot.waitSignal(runner.progress, timeout=TIMEOUT_MS):
        heavy = runner.submit(until_cancelled)
    light = runner.submit(add, 1, 2, group="profile")
    assert runner.is_running(heavy) and runner.is_running(light)
    with qtbot.waitSignals([runner.cancelled, runner.finished], timeout=TIMEOUT_MS):
        runner.cancel(heavy)  # the light job was queued behind it on the one thread
    assert not runner.is_busy()


def test_shutdown_cancels_and_joins_the_thread(qtbot):
    runner = Runner()
    with qtbot.waitSignal(runner.progress, timeout=TIMEOUT_MS):
        runner.submit(until_cancelled)
    assert running_threads()
    runner.shutdown()
    assert not running_threads()
    with pytest.raises(RuntimeError):
        runner.submit(add, 1, 2)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_throttled_to_ten_per_second_with_an_eta():
    clock, emitted = FakeClock(), []
    ctx = RunnerContext(CancelToken(), lambda *p: emitted.append(p), lambda m: None, clock=clock)
    for i in range(1001):  # 1000 reports over 2 seconds
        ctx.report(i, 1000, "embedding", unit="text")
        clock.now += 0.002
    assert 19 <= len(emitted) <= 21
    progress, eta = emitted[-1]
    assert (progress.total, progress.phase, progress.unit) == (1000, "embedding", "text")
    assert eta == pytest.approx((1000 - progress.done) * 0.002, rel=0.05)
    assert emitted[0][1] == -1.0  # no rate yet at the first report


def test_unknown_total_has_no_eta():
    clock, emitted = FakeClock(), []
    ctx = RunnerContext(CancelToken(), lambda *p: emitted.append(p), lambda m: None, clock=clock)
    ctx.report(0, None, "reading")
    clock.now += 1
    ctx.report(5, None, "reading")
    assert [p.total for p, _ in emitted] == [None, None] and all(eta == -1.0 for _, eta in emitted)


def test_events_reach_the_jobs_callback_in_order_on_the_gui_thread(qtbot, runner):
    """Structured events (a training step) travel as runner signals, none dropped, none reordered."""
    import threading

    seen, threads = [], []

    def job(n, ctx=None):
        for i in range(n):
            ctx.event("step", step=i + 1, loss=1.0 / (i + 1))
        return n

    def on_event(event):
        seen.append((event.kind, event["step"]))
        threads.append(threading.current_thread() is threading.main_thread())

    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.submit(job, 500, on_event=on_event, group="train")
    assert seen == [("step", i) for i in range(1, 501)] and all(threads)


def test_the_first_report_of_a_new_phase_always_goes_out():
    """Training reports a step, then an evaluation, then steps again within the same 100 ms: the
    display must not keep showing "evaluating 100%" while the steps run."""
    clock, emitted = FakeClock(), []
    ctx = RunnerContext(CancelToken(), lambda *p: emitted.append(p), lambda m: None, clock=clock)
    ctx.report(10, 100, "training", unit="step")
    clock.now += 0.01
    ctx.report(64, 64, "evaluating", unit="text")
    clock.now += 0.01
    ctx.report(11, 100, "training", unit="step")
    clock.now += 0.01
    ctx.report(12, 100, "training", unit="step")  # same phase within the interval: throttled
    assert [(p.phase, p.done) for p, _ in emitted] == [("training", 10), ("evaluating", 64), ("training", 11)]


def test_a_cancelled_jobs_last_events_still_arrive(qtbot, runner):
    """A training run cancelled at step 3 saves at the step it reached: its last steps still reach the
    display, so the bar and the log say where it stopped; its result never does."""
    import threading

    seen, go = [], threading.Event()

    def job(ctx=None):
        for step in range(1, 6):
            ctx.event("step", step=step)
            if step == 3:
                go.wait(5)  # the GUI cancels here
        ctx.check_cancelled()
        return "a result that must be dropped"

    results = []
    job_id = runner.submit(job, on_event=lambda e: seen.append(e["step"]), on_result=results.append, group="train")
    qtbot.waitUntil(lambda: 3 in seen, timeout=5000)
    with qtbot.waitSignal(runner.cancelled, timeout=5000):
        runner.cancel(job_id)
        go.set()
    assert seen == [1, 2, 3, 4, 5] and results == []

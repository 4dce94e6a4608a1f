"""The Data view at 1,000,000 rows (issue: workspaces), pytest-qt offscreen, on the CSV of
test_workspace_speed.py (~90 MB, six columns, a label column):

- ``workspace_scroll``: the workspace open in the real DataView (1280 x 800), beside a peer: the
  same view of a workspace of the file's first 1,000 rows, measured in turns. The vertical scroll
  bar jumps to random positions (at 1,000,000 rows a page not read yet, each time: what dragging
  the bar does) and steps a screen at a time (what Page Down does); after each, the table is
  repainted synchronously (``viewport().repaint()`` and ``processEvents``). Median and p99 in ms;
  target (issue): <= 50 ms.
- ``workspace_gui_gaps``: a 5 ms QTimer on the GUI thread ticks while WorkspaceSession makes the
  workspace on the runner (a progress bar follows the runner, as the status bar does): its first
  rows, opened in the Data view, where the number key 1 labels the first row (the time from Create
  to that label committed, beside pandas read_csv of the same file in the same run, in turns,
  three times: medians); then the rest of the rows added on the runner while the Data view grows
  (the time until all are in); then (the first time) its word index built on the runner. The gaps
  between ticks are how long the GUI could not react: p99 and max for each phase. Targets (issue):
  the first rows browsable and a label edit committed within 2x pandas' time; p99 <= 50 ms while
  the workspace is made.

Asserted: a repaint at 1,000,000 rows takes at most twice one at 1,000 (medians, the same run:
"smooth at a million rows"; the absolute medians swing with this shared machine's load, so they
are reported against the target, not asserted), and the creation phase's gap p99 (the issue's
target, with a wide margin here). Run:
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -s tests/benchmarks/test_workspace_gui_speed.py
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressBar, QWidget

from semvec_studio.core.workspace.importing import ImportOptions, create_workspace
from semvec_studio.gui.notifier import Notifier
from semvec_studio.gui.panels.data_view import DataView
from semvec_studio.gui.panels.workspace_dialog import NewWorkspace
from semvec_studio.gui.runner import Runner
from semvec_studio.gui.workspace_session import WorkspaceSession
from tests.benchmarks.conftest import report
from tests.benchmarks.test_workspace_speed import ROWS, _write_csv

REPAINT_TARGET_MS = 50.0
GAP_TARGET_MS = 50.0
TICK_MS = 5
JUMPS, STEPS = 200, 200
PEER_ROWS = 1000
MAX_RATIO = 2.0  # a repaint at 1,000,000 rows against one at 1,000
LABELS = ImportOptions(label_column="label")  # what the New workspace dialog guesses for this file


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("workspace_gui") / "big.csv"
    _write_csv(path)
    return path


def _percentiles(ms: list[float]) -> tuple[float, float, float]:
    """(median, p99, max)."""
    values = np.asarray(ms)
    return float(np.median(values)), float(np.percentile(values, 99)), float(values.max())


def _repaint_ms(table, value: int) -> float:
    """Scroll the table to ``value`` and paint it now; the wall time in ms."""
    t0 = time.perf_counter()
    table.verticalScrollBar().setValue(value)
    table.viewport().repaint()
    QApplication.processEvents()
    return (time.perf_counter() - t0) * 1000.0


def _shown(qtbot, ws) -> DataView:
    view = DataView()
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    view.set_workspace(ws)
    _repaint_ms(view.table, 0)  # the first paint (fonts, the first page)
    return view


@pytest.mark.timeout(3600)
def test_scroll_repaint_at_a_million_rows(qtbot, big_csv, tmp_path):
    small_csv = tmp_path / "small.csv"
    with open(big_csv, encoding="utf-8", newline="") as fh:
        small_csv.write_text("".join(line for _, line in zip(range(PEER_ROWS + 1), fh)), encoding="utf-8", newline="")
    big, small = (create_workspace(tmp_path / f"{name}.semvec", [csv], LABELS) for name, csv in (("big", big_csv), ("small", small_csv)))
    views = [_shown(qtbot, big), _shown(qtbot, small)]
    try:
        tables = [v.table for v in views]
        assert views[0].model.rowCount() == ROWS and views[1].model.rowCount() == PEER_ROWS
        visible = tables[0].rowAt(tables[0].viewport().height() - 1) - tables[0].rowAt(0) + 1
        rng = np.random.default_rng(0)
        jumps: list[list[float]] = [[], []]
        steps: list[list[float]] = [[], []]
        for _ in range(JUMPS):  # in turns, so both see the same load
            for k, table in enumerate(tables):
                jumps[k].append(_repaint_ms(table, int(rng.integers(0, table.verticalScrollBar().maximum()))))
        for i in range(STEPS):
            for k, table in enumerate(tables):
                bar = table.verticalScrollBar()
                steps[k].append(_repaint_ms(table, (bar.maximum() // 2 + i * visible) % bar.maximum()))
        columns = views[0].model.columnCount()
    finally:
        for view in views:
            view.set_workspace(None)
        big.close()
        small.close()
    (jump_median, jump_p99, jump_max), (peer_jump, _, _) = (_percentiles(j) for j in jumps)
    (step_median, step_p99, step_max), (peer_step, _, _) = (_percentiles(s) for s in steps)
    report("workspace_scroll", rows=ROWS, visible_rows=visible, columns=columns, jumps=JUMPS,
           jump_median_ms=f"{jump_median:.1f}", jump_p99_ms=f"{jump_p99:.1f}", jump_max_ms=f"{jump_max:.1f}", steps=STEPS,
           step_median_ms=f"{step_median:.1f}", step_p99_ms=f"{step_p99:.1f}", step_max_ms=f"{step_max:.1f}",
           peer_rows=PEER_ROWS, peer_jump_median_ms=f"{peer_jump:.1f}", peer_step_median_ms=f"{peer_step:.1f}",
           jump_ratio=f"{jump_median / peer_jump:.2f}", step_ratio=f"{step_median / peer_step:.2f}",
           target_ms=REPAINT_TARGET_MS, within_target=jump_median <= REPAINT_TARGET_MS and step_median <= REPAINT_TARGET_MS,
           load=f"{os.getloadavg()[0]:.2f}")
    assert jump_median <= MAX_RATIO * peer_jump and step_median <= MAX_RATIO * peer_step


class Ticks:
    """A timer on the GUI thread; the gaps between its ticks are how long the GUI could not react."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))

    def phase(self, t0: float, t1: float) -> tuple[float, float, int]:
        """(p99, max, ticks) of the gaps that end between ``t0`` and ``t1``."""
        times = np.asarray(self.times)
        gaps = np.diff(times) * 1000.0
        inside = gaps[(times[1:] > t0) & (times[1:] <= t1)]
        return float(np.percentile(inside, 99)), float(inside.max()), len(inside)


def _make_in_the_gui(qtbot, tmp_path: Path, big_csv: Path, name: str, *, index: bool) -> dict:
    """Create in a WorkspaceSession with a DataView, as the New workspace dialog's Create does:
    the times from Create to the first rows shown in the Data view and a number key's label on one
    committed, to all rows in, and (``index``) to the word index built; the GUI's gaps in each phase."""
    runner, notifier = Runner(), Notifier()
    window = QWidget()
    qtbot.addWidget(window)
    settings = QSettings(str(tmp_path / f"settings-{name}.ini"), QSettings.Format.IniFormat)
    session = WorkspaceSession(runner, notifier, settings, window)
    view = DataView()
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    session.opened.connect(view.set_workspace)
    session.closing.connect(lambda _ws: view.set_workspace(None))
    progress = QProgressBar()  # the status bar's progress, updated from the runner
    qtbot.addWidget(progress)
    progress.show()
    runner.progress.connect(lambda p, eta: (progress.setRange(0, int(p.total or 0)), progress.setValue(int(p.done))))
    ticks = Ticks()
    out: dict = {}
    try:
        ticks.timer.start()
        qtbot.wait(200)
        t_submit = time.perf_counter()
        with qtbot.waitSignal(session.opened, timeout=600_000):
            session.create(NewWorkspace(str(tmp_path / f"{name}.semvec"), (str(big_csv),), LABELS, False))
        t_opened = time.perf_counter()
        ws, job = session.ws, session.import_job
        assert ws is not None and view.model.rowCount() == ws.row_count > 0 and job is not None
        index = view.model.index(0, 2)
        view.table.setCurrentIndex(index)
        qtbot.keyClick(view.table, Qt.Key.Key_1)  # the label whose key is 1, committed when the key is handled
        t_labelled = time.perf_counter()
        assert ws.row(0).label_source == "typed"
        out["head_rows"] = ws.row_count
        with qtbot.waitSignal(runner.finished, timeout=600_000, check_params_cb=lambda j, _r: j == job):
            pass
        t_all = time.perf_counter()
        assert ws.row_count == ROWS and view.model.rowCount() == ROWS and ws.row(0).label_source == "typed"
        t_indexed = t_all
        if index:
            with qtbot.waitSignal(runner.finished, timeout=600_000, check_params_cb=lambda j, _r: j == session.index_job):
                pass
            t_indexed = time.perf_counter()
        qtbot.wait(200)
        ticks.timer.stop()
    finally:
        session.close()
        runner.shutdown()
    out.update(first_s=t_labelled - t_submit, opened_s=t_opened - t_submit, all_s=t_all - t_submit, index_s=t_indexed - t_all,
               make=ticks.phase(t_submit, t_labelled), rest=ticks.phase(t_labelled, t_all))
    if index:
        out["index"] = ticks.phase(t_all, t_indexed)
    return out


@pytest.mark.timeout(3600)
def test_gui_gaps_while_a_million_row_workspace_is_made(qtbot, big_csv, tmp_path):
    """Three times, in turns with pandas read_csv of the same file (medians): Create to the first
    rows browsable and labelled with a key, to all rows in; the gaps while the first rows are made,
    while the rest comes and (the first time) while the word index is built."""
    pd = pytest.importorskip("pandas", reason="the comparison needs pandas (the 'bench' extra)")
    pandas_runs, runs = [], []
    for i in range(3):
        t0 = time.perf_counter()
        pd.read_csv(big_csv)
        pandas_runs.append(time.perf_counter() - t0)
        runs.append(_make_in_the_gui(qtbot, tmp_path, big_csv, f"made{i}", index=i == 0))
    pandas_s = float(np.median(pandas_runs))
    first_s, all_s = (float(np.median([r[k] for r in runs])) for k in ("first_s", "all_s"))
    make_p99, make_max = max(r["make"][0] for r in runs), max(r["make"][1] for r in runs)
    rest_p99, rest_max = max(r["rest"][0] for r in runs), max(r["rest"][1] for r in runs)
    index_p99, index_max, index_ticks = runs[0]["index"]
    report("workspace_gui_gaps", rows=ROWS, tick_ms=TICK_MS, head_rows=runs[0]["head_rows"], pandas_read_s=f"{pandas_s:.2f}",
           first_rows_labelled_s=f"{first_s:.3f}", ratio_to_pandas=f"{first_s / pandas_s:.2f}", all_rows_in_s=f"{all_s:.2f}",
           pandas_runs_s="/".join(f"{t:.2f}" for t in pandas_runs), first_runs_s="/".join(f"{r['first_s']:.3f}" for r in runs),
           opened_runs_s="/".join(f"{r['opened_s']:.3f}" for r in runs), all_runs_s="/".join(f"{r['all_s']:.2f}" for r in runs),
           make_gap_p99_ms=f"{make_p99:.1f}", make_gap_max_ms=f"{make_max:.1f}",
           rest_gap_p99_ms=f"{rest_p99:.1f}", rest_gap_max_ms=f"{rest_max:.1f}",
           index_s=f"{runs[0]['index_s']:.2f}", index_ticks=index_ticks, index_gap_p99_ms=f"{index_p99:.1f}",
           index_gap_max_ms=f"{index_max:.1f}", load=f"{os.getloadavg()[0]:.2f}")
    assert make_p99 <= GAP_TARGET_MS and rest_p99 <= GAP_TARGET_MS
    assert first_s <= 2 * pandas_s  # the issue's target: browsable and labels editable within 2x pandas' time

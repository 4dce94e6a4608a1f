"""Workspace speed (issue: workspaces) on a 1,000,000-row, ~90 MB CSV (SST-2 sentences repeated,
or generated ones without ../shared/data, plus five other columns), side by side in one run:
pandas read_csv (the issue's reference; timed alone and with `import pandas` in a fresh process,
as a user's script pays it), making the workspace until its rows can be browsed and labelled
(pandas and the making alternate, three times each: medians), the same with a label column, the
same with the csv module (the path without pyarrow, or for a file pyarrow is not trusted with),
the word index (a separate step), opening, one label edit (median of 200), a bulk label edit,
word searches, filters, pages of a view and a sort by text.

Targets (the issue's): rows browsable within 2x pandas' time (reference 1.7 s: <= 3.4 s), open
<= 1 s, a label edit <= 5 ms (medians). Open and the edit are asserted; creation is reported
against both pandas figures, because this machine is shared (the load average is printed).

``test_first_rows_speed`` (``workspace_first_rows``): the app's way (core.workspace.staged), in
turns with pandas read_csv, three times each (medians): from Create until the first rows are
browsable (a page read) and a label edit on one of them is committed, then until all 1,000,000
rows are in (the rest added by finish_import, in short transactions); then label edits made
every 20 ms while the rest comes, from a child process as the app adds it (``edit_wait_*``) and
from a thread of the same process (``thread_edit_wait_*``): how long each waited (median, p99, max).
Run: .venv/bin/python -m pytest -s --timeout=0 tests/benchmarks/test_workspace_speed.py
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from semvec_studio.core.childjob import run_in_child
from semvec_studio.core.workspace import arrow_tables, staged
from semvec_studio.core.workspace.importing import ImportOptions, create_workspace
from semvec_studio.core.workspace.search import build_index, search_words
from semvec_studio.core.workspace.store import Workspace
from semvec_studio.core.workspace.views import RowFilter, RowView
from tests.benchmarks.conftest import DATA, report

ROWS = 1_000_000
OPEN_TARGET_S, EDIT_TARGET_MS = 1.0, 5.0
REFERENCE_PANDAS_S = 1.7  # the reference machine


def _sentences() -> list[str]:
    sst2 = DATA / "sst2" / "train.tsv"
    if sst2.is_file():
        return [line.split("\t")[0].strip() for line in sst2.read_text(encoding="utf-8").splitlines()[1:]]
    rng = random.Random(0)
    words = "the a film movie story good bad funny dull long short moving great best worst actor plot scene music".split()
    return [" ".join(rng.choice(words) for _ in range(rng.randint(4, 14))) for _ in range(20_000)]


def _write_csv(path: Path) -> None:
    sentences, rng = _sentences(), random.Random(1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "label", "split", "score", "date"])
        for i in range(ROWS):
            writer.writerow([i, sentences[i % len(sentences)], "pos" if rng.random() < 0.55 else "neg",
                             "dev" if i % 10 == 0 else "train", f"{rng.random():.3f}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"])


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _median_ms(fn, n: int) -> float:
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def _made_s(path: Path, src: Path, options: ImportOptions = ImportOptions()) -> float:
    ws, seconds = _timed(lambda: create_workspace(path, [src], options))
    ws.close()
    return seconds


@pytest.mark.timeout(3600)
def test_workspace_speed(tmp_path, monkeypatch):
    pd = pytest.importorskip("pandas", reason="the comparison needs pandas (the 'bench' extra)")
    src = tmp_path / "big.csv"
    _write_csv(src)
    pandas_runs, create_runs = [], []
    for i in range(3):  # alternating, so both see the same load
        pandas_runs.append(_timed(lambda: pd.read_csv(src))[1])
        create_runs.append(_made_s(tmp_path / f"run{i}.semvec", src))
    pandas_s, create_s = statistics.median(pandas_runs), statistics.median(create_runs)
    fast, paths = arrow_tables.table_blocks, []

    def noted(*args):
        paths.append("csv_module" if (blocks := fast(*args)) is None else "pyarrow")
        return blocks

    with monkeypatch.context() as m:  # which reader made it: pyarrow (the parquet extra), else the csv module
        m.setattr(arrow_tables, "table_blocks", noted)
        _made_s(tmp_path / "which.semvec", src)
        m.setattr(arrow_tables, "table_blocks", lambda *args: None)
        csv_module_s = _made_s(tmp_path / "csv_module.semvec", src)
    cold = subprocess.run([sys.executable, "-c", "import time; t0 = time.perf_counter(); import pandas; pandas.read_csv(__import__('sys').argv[1]);"
                           " print(time.perf_counter() - t0)", str(src)], capture_output=True, text=True, check=True)
    pandas_cold_s = float(cold.stdout.strip())

    ws = Workspace.open(tmp_path / "run0.semvec")
    size_mb = ws.path.stat().st_size / 1e6
    _, index_s = _timed(lambda: build_index(ws))
    ws.close()
    create_labelled_s = _made_s(tmp_path / "labelled.semvec", src, ImportOptions(label_column="label"))

    opens = []
    for _ in range(5):
        t0 = time.perf_counter()
        ws = Workspace.open(tmp_path / "run0.semvec")
        opens.append(time.perf_counter() - t0)
        ws.close()
    open_s = statistics.median(opens)
    ws = Workspace.open(tmp_path / "run0.semvec")
    rng = np.random.default_rng(0)
    picks = rng.integers(0, ROWS, 200)
    edit_ms = _median_ms(lambda i: ws.set_label([int(picks[i])], "pos" if i % 2 else "neg"), 200)
    undo_ms = _median_ms(lambda i: ws.undo(), 50)
    _, bulk_s = _timed(lambda: ws.set_label(rng.choice(ROWS, 300_000, replace=False), "pos", source="bulk"))

    rare, rare_s = _timed(lambda: search_words(ws, "gorgeously", order="row"))
    common, common_s = _timed(lambda: search_words(ws, "funny", order="row"))
    top, ranked_s = _timed(lambda: search_words(ws, "funny movie", limit=100))
    phrase, phrase_s = _timed(lambda: search_words(ws, '"not funny"', order="row"))
    by_label, label_cold_s = _timed(lambda: RowView(ws, RowFilter(labels=("pos",))))
    _, label_s = _timed(lambda: RowView(ws, RowFilter(labels=("pos",))))
    unlabelled, unlabelled_s = _timed(lambda: RowView(ws, RowFilter(unlabelled=True)))
    _, source_s = _timed(lambda: RowView(ws, RowFilter(sources=(ws.sources()[0].id,), unlabelled=True)))
    _, words_view_s = _timed(lambda: RowView(ws, RowFilter(words="funny", labels=("pos",))))
    _, page_s = _timed(lambda: ws.rows(500_000, 500_100))
    _, deep_page_s = _timed(lambda: unlabelled.page(len(unlabelled) - 100, len(unlabelled)))
    _, regex_s = _timed(lambda: RowView(ws, RowFilter(regex=r"\bfunn(y|ier)\b")))
    _, sort_s = _timed(lambda: RowView(ws, sort="text"))
    ws.close()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report("workspace_speed", rows=ROWS, csv_mb=f"{src.stat().st_size / 1e6:.1f}", load=f"{load:.2f}",
           pandas_read_s=f"{pandas_s:.2f}", pandas_import_and_read_s=f"{pandas_cold_s:.2f}", create_s=f"{create_s:.2f}",
           ratio_to_pandas=f"{create_s / pandas_s:.1f}", ratio_to_pandas_with_import=f"{create_s / pandas_cold_s:.2f}",
           ratio_to_reference=f"{create_s / REFERENCE_PANDAS_S:.2f}", reader=paths[0],
           create_runs_s="/".join(f"{t:.2f}" for t in create_runs), pandas_runs_s="/".join(f"{t:.2f}" for t in pandas_runs),
           create_with_labels_s=f"{create_labelled_s:.2f}", ratio_with_labels=f"{create_labelled_s / pandas_s:.1f}",
           create_csv_module_s=f"{csv_module_s:.2f}", ratio_csv_module=f"{csv_module_s / pandas_s:.1f}",
           workspace_mb=f"{size_mb:.1f}", index_s=f"{index_s:.2f}", with_index_mb=f"{(tmp_path / 'run0.semvec').stat().st_size / 1e6:.1f}",
           open_s=f"{open_s:.3f}", edit_median_ms=f"{edit_ms:.2f}", undo_median_ms=f"{undo_ms:.2f}", bulk_label_300k_s=f"{bulk_s:.2f}")
    report("workspace_queries", rows=ROWS, rare_word_s=f"{rare_s:.4f}", rare_hits=len(rare), common_word_s=f"{common_s:.3f}",
           common_hits=len(common), ranked_top100_s=f"{ranked_s:.3f}", phrase_s=f"{phrase_s:.3f}", phrase_hits=len(phrase),
           label_filter_first_s=f"{label_cold_s:.3f}", label_filter_s=f"{label_s:.3f}", label_rows=len(by_label),
           unlabelled_s=f"{unlabelled_s:.3f}", source_filter_s=f"{source_s:.3f}", words_and_label_s=f"{words_view_s:.3f}",
           page_100_s=f"{page_s:.4f}", deep_filtered_page_100_s=f"{deep_page_s:.4f}", regex_filter_s=f"{regex_s:.2f}",
           sort_by_text_s=f"{sort_s:.2f}")
    assert len(top) == 100 and len(by_label) > 300_000
    assert open_s <= OPEN_TARGET_S
    assert edit_ms <= EDIT_TARGET_MS


def _first_rows_s(path: Path, src: Path, options: ImportOptions) -> tuple[float, float]:
    """(Create until the first rows are browsable and a label edit on them is committed, Create
    until all rows are in), as the app does it (begin, then the rest in its own connection)."""
    t0 = time.perf_counter()
    ws = staged.begin_workspace(path, [src], options)
    assert len(ws.rows(0, 100)) == 100
    ws.set_label([0], "first")
    first = time.perf_counter() - t0
    staged.finish_import(ws.path)
    ws.grow()
    every = time.perf_counter() - t0
    assert ws.row_count == ROWS and ws.row(0).label == "first"
    ws.close()
    return first, every


def _edit_waits_ms(path: Path, src: Path, options: ImportOptions, child: bool) -> tuple[list[float], int, float]:
    """Label edits every 20 ms on the first rows while the rest is added by a worker thread, in
    a child process as the app does (``child``) or in the thread itself: each edit's time in ms,
    the rows there were when the edits began, and how long the rest took."""
    ws = staged.begin_workspace(path, [src], options)
    head = ws.row_count
    done = threading.Event()
    t0 = time.perf_counter()
    if child:
        rest = lambda: run_in_child("semvec_studio.core.workspace.staged:finish_import", (str(ws.path),))  # noqa: E731
    else:
        rest = lambda: staged.finish_import(ws.path)  # noqa: E731
    worker = threading.Thread(target=lambda: (rest(), done.set()))
    worker.start()
    waits, i = [], 0
    while not done.is_set():
        t = time.perf_counter()
        ws.set_label([i % head], "pos" if i % 2 else "neg")
        waits.append((time.perf_counter() - t) * 1000)
        i += 1
        time.sleep(0.02)
    worker.join()
    rest_s = time.perf_counter() - t0
    ws.grow()
    assert ws.row_count == ROWS
    ws.close()
    return waits, head, rest_s


@pytest.mark.timeout(3600)
def test_first_rows_speed(tmp_path):
    pd = pytest.importorskip("pandas", reason="the comparison needs pandas (the 'bench' extra)")
    src = tmp_path / "big.csv"
    _write_csv(src)
    options = ImportOptions(label_column="label")  # what the New workspace dialog guesses for this file
    pandas_runs, first_runs, every_runs, whole_runs = [], [], [], []
    for i in range(3):  # in turns, so all see the same load
        pandas_runs.append(_timed(lambda: pd.read_csv(src))[1])
        first, every = _first_rows_s(tmp_path / f"staged{i}.semvec", src, options)
        first_runs.append(first)
        every_runs.append(every)
        whole_runs.append(_made_s(tmp_path / f"whole{i}.semvec", src, options))
    pandas_s, first_s, every_s, whole_s = (statistics.median(r) for r in (pandas_runs, first_runs, every_runs, whole_runs))
    waits, head, rest_s = _edit_waits_ms(tmp_path / "edits.semvec", src, options, child=True)
    thread_waits, _, thread_rest_s = _edit_waits_ms(tmp_path / "edits-thread.semvec", src, options, child=False)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report("workspace_first_rows", rows=ROWS, csv_mb=f"{src.stat().st_size / 1e6:.1f}", load=f"{load:.2f}", head_rows=head,
           pandas_read_s=f"{pandas_s:.2f}", first_rows_and_edit_s=f"{first_s:.3f}", ratio_to_pandas=f"{first_s / pandas_s:.2f}",
           all_rows_in_s=f"{every_s:.2f}", all_ratio_to_pandas=f"{every_s / pandas_s:.1f}", whole_at_once_s=f"{whole_s:.2f}",
           pandas_runs_s="/".join(f"{t:.2f}" for t in pandas_runs), first_runs_s="/".join(f"{t:.3f}" for t in first_runs),
           all_runs_s="/".join(f"{t:.2f}" for t in every_runs), whole_runs_s="/".join(f"{t:.2f}" for t in whole_runs),
           edits_while_importing=len(waits), edit_wait_median_ms=f"{statistics.median(waits):.2f}",
           edit_wait_p99_ms=f"{float(np.percentile(waits, 99)):.1f}", edit_wait_max_ms=f"{max(waits):.1f}", rest_s=f"{rest_s:.2f}",
           thread_edit_wait_median_ms=f"{statistics.median(thread_waits):.2f}",
           thread_edit_wait_p99_ms=f"{float(np.percentile(thread_waits, 99)):.1f}", thread_edit_wait_max_ms=f"{max(thread_waits):.1f}",
           thread_rest_s=f"{thread_rest_s:.2f}")
    assert first_s <= 2 * pandas_s  # the issue's target: browsable and labels editable within 2x pandas' time

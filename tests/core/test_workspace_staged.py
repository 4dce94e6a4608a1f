"""A workspace browsable before all its rows are in (core.workspace.staged): the first rows at once,
the rest in short transactions through another connection; the same rows and bytes as making it
whole; a label edit while the rest comes; an interrupted import (cancel, kill -9) opens with the
rows so far, says so and is completed by `semvec workspace add W --resume`; a malformed row after
the first rows stops the import with the rows before it and a one-line message; a file read
otherwise after its head (not UTF-8) has its first rows written again."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from semvec_studio.core.errors import Cancelled, InputError, UsageError
from semvec_studio.core.tasks import RecordingContext
from semvec_studio.core.workspace import staged
from semvec_studio.core.workspace.blocks import BLOCK_ROWS
from semvec_studio.core.workspace.exporting import export
from semvec_studio.core.workspace.importing import ImportOptions, add_files, create_workspace
from semvec_studio.core.workspace.store import Workspace
from tests.core.test_cli import cli
from tests.core.test_workspace import nasty_rows, write_csv
from tests.core.test_workspace_files import child, wait_for

LABELS = ImportOptions(label_column="label")
ROWS = 40 * BLOCK_ROWS + 321


@pytest.fixture(autouse=True)
def _small_head(monkeypatch):
    """A head of 4 blocks (from at most the first MiB: enough for 4 blocks with pyarrow and with the csv module), so a
    file of a few MB is imported in stages."""
    monkeypatch.setattr(staged, "HEAD_BYTES", 1 << 20)
    monkeypatch.setattr(staged, "HEAD_ROWS", 4 * BLOCK_ROWS)
    monkeypatch.setattr(staged, "COMMIT_BLOCKS", 4)


def _rows(n: int = ROWS, bad_at: int | None = None) -> list[list[str]]:
    rows = [[str(i), f'row {i}, "quoted", a text of some length {i % 13}', "abc"[i % 3] if i % 5 else ""] for i in range(n)]
    if bad_at is not None:
        rows[bad_at] = rows[bad_at] + ["one cell too many"]
    return rows


@pytest.fixture
def big(tmp_path) -> Path:
    return write_csv(tmp_path / "big.csv", ["id", "text", "label"], _rows(), bom=False)


def _same_as_whole(ws: Workspace, files: list[Path], tmp_path: Path, options: ImportOptions = LABELS,
                   typed: dict[int, str] | None = None) -> None:
    """``ws`` holds what making the workspace in one go from ``files`` (then typing the labels
    ``typed``) holds, byte for byte on export."""
    whole = create_workspace(tmp_path / "whole.semvec", files, options)
    try:
        for row, name in (typed or {}).items():
            whole.set_label([row], name)
        for w, name in ((ws, "staged"), (whole, "whole")):
            export(w, tmp_path / f"{name}.csv")
        assert (tmp_path / "staged.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
        facts = "SELECT name, format, encoding, size, sha256, header, text_column, label_column, first_row, row_count, skipped_blank," \
                " warnings FROM sources ORDER BY id"
        assert ws.conn.execute(facts).fetchall() == whole.conn.execute(facts).fetchall()
        assert ws.label_counts() == whole.label_counts() and [lb.name for lb in ws.labels()] == [lb.name for lb in whole.labels()]
        assert ws.row_count == whole.row_count and [s.complete for s in ws.sources()] == [True] * len(files)
        assert (ws.label_array()[0] == whole.label_array()[0]).all()
        assert ws.pending_import() is None and ws.import_line() is None
    finally:
        whole.close()


def test_the_first_rows_open_at_once_and_the_rest_is_the_whole_file(tmp_path, big):
    ws = begin = staged.begin_workspace(tmp_path / "w.semvec", [big], LABELS)
    try:
        assert begin.row_count == 4 * BLOCK_ROWS and not begin.sources()[0].complete
        assert "its import is not finished (4,096 rows so far" in begin.import_line() and "--resume" in begin.import_line()
        assert len(ws.label_array()[0]) == 4 * BLOCK_ROWS
        grown: list[int] = []
        ws.growth_listeners.append(grown.append)
        ctx = RecordingContext()
        added = staged.finish_import(ws.path, ctx)
        assert added == ROWS - 4 * BLOCK_ROWS
        assert ws.grow() == added and grown == [added] and ws.row_count == ROWS
        assert [e.data["rows"] for e in ctx.events if e.kind == "rows_added"][-1] == ROWS
        ws.set_label([ROWS - 1], "late")  # a row that came after the label array was read: it grows first
        assert len(ws.label_array()[0]) == ROWS and ws.label_array()[0][ROWS - 1] == ws.label("late").id
        _same_as_whole(ws, [big], tmp_path, typed={ROWS - 1: "late"})
        assert staged.finish_import(ws.path) == 0  # nothing left
    finally:
        ws.close()


def test_labels_edited_while_the_rest_comes_are_kept(tmp_path, big):
    ws = staged.begin_workspace(tmp_path / "w.semvec", [big], LABELS)
    try:
        done: list = []
        worker = threading.Thread(target=lambda: done.append(staged.finish_import(ws.path)))
        worker.start()
        waits = []
        for i in range(20):
            t0 = time.perf_counter()
            ws.set_label([i], "typed")
            waits.append(time.perf_counter() - t0)
        worker.join()
        assert done == [ROWS - 4 * BLOCK_ROWS]
        ws.grow()
        assert [r.label for r in ws.rows(0, 20)] == ["typed"] * 20 and ws.label_counts()["typed"] == 20
        assert ws.label_array()[0][:20].tolist() == [ws.label("typed").id] * 20
        ws.undo()
        assert ws.row(19).label == ("abc"[19 % 3] if 19 % 5 else None)
    finally:
        ws.close()


def test_small_files_and_other_formats_are_made_whole(tmp_path):
    small = write_csv(tmp_path / "small.csv", ["id", "text", "label"], _rows(300), bom=True)
    lines = tmp_path / "lines.txt"
    lines.write_text("".join(f"line {i}\n" for i in range(5000)), encoding="utf-8")
    with staged.begin_workspace(tmp_path / "w.semvec", [small], LABELS) as ws:
        assert ws.row_count == 300 and ws.pending_import() is None and ws.import_line() is None
    with staged.begin_workspace(tmp_path / "t.semvec", [lines, small]) as ws:  # the first file whole, the next to come
        assert ws.row_count == 5000 and ws.pending_import()["files"] == [[str(small), str(small.absolute())]]
        staged.finish_import(ws.path)
        ws.grow()
        _same_as_whole(ws, [lines, small], tmp_path, ImportOptions())


def test_several_files_one_after_the_other(tmp_path, big):
    header, rows = nasty_rows(3000)
    nasty = write_csv(tmp_path / "nasty.csv", header + ["label"], [r + [""] for r in rows])
    with staged.begin_workspace(tmp_path / "w.semvec", [big, nasty, big], LABELS) as ws:
        assert ws.row_count == 4 * BLOCK_ROWS and len(ws.pending_import()["files"]) == 2
        staged.finish_import(ws.path)
        ws.grow()
        _same_as_whole(ws, [big, nasty, big], tmp_path)


def test_a_cancelled_import_opens_with_its_rows_and_is_resumed_by_the_cli(tmp_path, big, capsys):
    ctx = RecordingContext()
    calls = []

    def stop_after_three():
        calls.append(1)
        if len(calls) > 3:
            raise Cancelled()

    ctx.check_cancelled = stop_after_three
    with staged.begin_workspace(tmp_path / "w.semvec", [big], LABELS) as ws:
        ws.set_label([1], "mine")
        with pytest.raises(Cancelled):
            staged.finish_import(ws.path, ctx)
        ws.grow()
        assert ws.row_count == (4 + 3 * 4) * BLOCK_ROWS  # the head and three transactions of four blocks
        with pytest.raises(UsageError, match="its import is not finished; add files when it is"):
            add_files(ws, [big], LABELS)  # its rows would go where the rest of big.csv's go
    rc, out, err = cli(capsys, "workspace", "info", tmp_path / "w.semvec")
    assert rc == 0 and "its import is not finished (16,384 rows so far" in out
    rc, out, _ = cli(capsys, "workspace", "info", tmp_path / "w.semvec", "--json")
    info = json.loads(out)
    assert info["rows"] == 16 * BLOCK_ROWS and info["sources"][0]["complete"] is False and info["import_pending"]["current"]
    rc, _, err = cli(capsys, "workspace", "add", tmp_path / "w.semvec", big)
    assert rc == 2 and "its import is not finished; complete it first with: semvec workspace add" in err
    rc, _, err = cli(capsys, "workspace", "add", tmp_path / "w.semvec", "--resume")
    assert rc == 0, err
    assert f"added {ROWS - 16 * BLOCK_ROWS:,} rows to w.semvec" in err
    with Workspace.open(tmp_path / "w.semvec") as ws:
        assert ws.row(1).label == "mine"
        _same_as_whole(ws, [big], tmp_path, typed={1: "mine"})
    rc, _, err = cli(capsys, "workspace", "add", tmp_path / "w.semvec", "--resume")
    assert rc == 0 and "nothing to resume" in err


SLOW_IMPORT = """
import sys, time
from semvec_studio.core.tasks import TaskContext
from semvec_studio.core.workspace import staged
from semvec_studio.core.workspace.blocks import BLOCK_ROWS
from semvec_studio.core.workspace.importing import ImportOptions
staged.HEAD_BYTES, staged.HEAD_ROWS, staged.COMMIT_BLOCKS = 1 << 20, 4 * BLOCK_ROWS, 4

class Slow(TaskContext):
    def on_event(self, event):
        print("rows", event.data["rows"], flush=True)
        time.sleep(0.2)

ws = staged.begin_workspace(sys.argv[1], [sys.argv[2]], ImportOptions(label_column="label"))
ws.set_label([2], "mine")
print("begun", ws.row_count, flush=True)
staged.finish_import(ws.path, Slow())
print("done", flush=True)
"""


def test_a_kill_9_during_the_import_leaves_a_workspace_that_opens_and_completes(tmp_path, big, capsys):
    proc = child(SLOW_IMPORT, str(tmp_path / "w.semvec"), str(big))
    try:
        wait_for(proc, "begun")
        wait_for(proc, "rows")
        line = wait_for(proc, "rows")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    so_far = int(line.split()[1])
    with Workspace.open(tmp_path / "w.semvec") as ws:
        assert so_far <= ws.row_count < ROWS and ws.row(2).label == "mine" and ws.check() == []
        assert "its import is not finished" in ws.import_line()
    rc, _, err = cli(capsys, "workspace", "add", tmp_path / "w.semvec", "--resume", "--quiet")
    assert rc == 0, err
    with Workspace.open(tmp_path / "w.semvec") as ws:
        _same_as_whole(ws, [big], tmp_path, typed={2: "mine"})


def test_a_malformed_row_after_the_first_rows_keeps_the_rows_before_it(tmp_path, capsys):
    bad = write_csv(tmp_path / "bad.csv", ["id", "text", "label"], _rows(bad_at=20_000), bom=False)
    with staged.begin_workspace(tmp_path / "w.semvec", [bad], LABELS) as ws:
        with pytest.raises(InputError, match=r"bad.csv, line 20002: 4 cells but the header has 3 columns") as err:
            staged.finish_import(ws.path)
        assert "\n" not in str(err.value)
        ws.grow()
        kept = ws.row_count
        assert 4 * BLOCK_ROWS <= kept <= 20_000 and kept % BLOCK_ROWS == 0
        assert ws.pending_import() is None and "holds only the first" in ws.import_line()
        assert "bad.csv, line 20002" in ws.import_line()
        assert ws.rows(kept - 1, kept)[0].text.startswith(f"row {kept - 1},")
    rc, out, _ = cli(capsys, "workspace", "info", tmp_path / "w.semvec")
    assert rc == 0 and f"holds only the first {kept:,} rows of {bad}" in out
    rc, _, err = cli(capsys, "workspace", "add", tmp_path / "w.semvec", "--resume")
    assert rc == 0 and "nothing to resume" in err


def test_a_file_read_otherwise_after_its_head_has_its_first_rows_written_again(tmp_path):
    """UTF-8 'é' in the head, a lone cp1252 byte later: the whole file is read as another
    encoding, and the head's rows are made the same as in a workspace made whole."""
    rows = _rows()
    rows[5][1] = "caf\u00e9 au lait"
    path = tmp_path / "mixed.csv"
    data = write_csv(tmp_path / "tmp.csv", ["id", "text", "label"], rows, bom=False).read_bytes()
    path.write_bytes(data + b"999999,na\xefve,a\n")
    with staged.begin_workspace(tmp_path / "w.semvec", [path], LABELS) as ws:
        assert ws.row(5).text == "caf\u00e9 au lait" and ws.sources()[0].encoding == "utf-8"
        staged.finish_import(ws.path)
        ws.grow()
        assert ws.row(5).text != "caf\u00e9 au lait"  # as the whole file's encoding reads it
        _same_as_whole(ws, [path], tmp_path)


def test_a_file_changed_before_the_import_is_resumed_stops_it(tmp_path, big):
    with staged.begin_workspace(tmp_path / "w.semvec", [big], LABELS) as ws:
        with big.open("a", encoding="utf-8") as fh:
            fh.write("1,more,a\n")
        with pytest.raises(InputError, match="big.csv: changed since its import began"):
            staged.finish_import(ws.path)
        ws.grow()
        assert ws.row_count == 4 * BLOCK_ROWS and "holds only the first 4,096 rows" in ws.import_line()

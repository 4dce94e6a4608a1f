"""The workspace file under stress: files that are not workspaces, newer, truncated or damaged
(each a one-line typed error, the file left byte-identical, no -wal/-shm/lock files made), a
`kill -9` in the middle of a transaction (all or nothing; the file opens), a second process (it
gets the workspace read-only), and format upgrades (a frozen version 1 file; a real upgrade step;
a failed one leaves the file as it was)."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from semvec_studio.core.workspace import schema
from semvec_studio.core.workspace.blocks import INSERT_BLOCK, pack_table_block
from semvec_studio.core.workspace.errors import (
    NewerWorkspaceError,
    NotAWorkspaceError,
    WorkspaceDamagedError,
    WorkspaceError,
    WorkspaceMissingError,
    WorkspaceReadOnlyError,
)
from semvec_studio.core.workspace.exporting import export
from semvec_studio.core.workspace.importing import add_files, create_workspace
from semvec_studio.core.workspace.search import build_index
from semvec_studio.core.workspace.store import Workspace
from tests.core.test_workspace import nasty_rows, write_csv

ROOT = Path(__file__).resolve().parents[2]
# sha256 of schema.V1_DDL: version 1's tables, frozen (a change to the format is a new migration step)
FROZEN_V1 = "25d9477957386a4ea2702f3e4776d41ca7c969b378cd6a7e61a754f0459564e3"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


@pytest.fixture
def made(tmp_path) -> Path:
    header, rows = nasty_rows(600)
    (tmp_path / "src").mkdir()
    src = write_csv(tmp_path / "src" / "rows.csv", header, rows)
    path = tmp_path / "w.semvec"
    with create_workspace(path, [src]) as ws:
        ws.set_label([0, 1], "a")
    return path


def child(code: str, *args: str) -> subprocess.Popen:
    """A Python child process running ``code`` (with ROOT importable), lines on stdin and stdout."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(proc: subprocess.Popen, word: str) -> str:
    line = proc.stdout.readline()
    assert line.startswith(word), (line, proc.stderr.read() if proc.poll() is not None else "")
    return line


# --- files that cannot be opened --------------------------------------------------------------


def _expect_refusal(path: Path, error, *needles: str) -> None:
    before, names = (digest(path) if path.is_file() else None), siblings(path)
    with pytest.raises(error) as err:
        Workspace.open(path)
    message = str(err.value)
    assert "\n" not in message and str(path) in message, message
    for needle in needles:
        assert needle in message, message
    assert siblings(path) == names  # no -wal, -shm or lock file
    if before is not None:
        assert digest(path) == before


def test_not_a_workspace(tmp_path):
    csv_file = tmp_path / "data.semvec"
    csv_file.write_text("id,text\n1,hello\n", encoding="utf-8")
    _expect_refusal(csv_file, NotAWorkspaceError, "not a SemVec workspace (it is a text file", "semvec workspace new")
    other = tmp_path / "other.semvec"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes(x)")
    conn.commit()
    conn.close()
    _expect_refusal(other, NotAWorkspaceError, "an SQLite database of another program")
    empty = tmp_path / "empty.semvec"
    empty.touch()
    _expect_refusal(empty, NotAWorkspaceError, "the file is empty")
    binary = tmp_path / "binary.semvec"
    binary.write_bytes(bytes(range(256)) * 8)
    _expect_refusal(binary, NotAWorkspaceError, "not an SQLite database")
    (tmp_path / "folder.semvec").mkdir()
    _expect_refusal(tmp_path / "folder.semvec", NotAWorkspaceError, "it is a folder")
    with pytest.raises(WorkspaceMissingError, match="no such workspace"):
        Workspace.open(tmp_path / "missing.semvec")


def test_newer_format_is_refused_untouched(made):
    conn = sqlite3.connect(made)
    conn.execute(f"PRAGMA user_version = {schema.current_version() + 1}")
    conn.commit()
    conn.close()
    _expect_refusal(made, NewerWorkspaceError, "made by a newer SemVec Studio", "update SemVec Studio", "was not changed")


def test_truncated_file(made):
    data = made.read_bytes()
    made.write_bytes(data[: len(data) // 2])
    _expect_refusal(made, WorkspaceDamagedError, "the workspace is damaged (truncated", "restore it from a backup")


def test_damaged_schema(made):
    data = bytearray(made.read_bytes())
    data[100:schema.PAGE_SIZE] = random.Random(1).randbytes(schema.PAGE_SIZE - 100)
    made.write_bytes(bytes(data))
    _expect_refusal(made, WorkspaceDamagedError, "the workspace is damaged")


def test_damaged_rows_found_on_reading_and_by_check(made):
    conn = sqlite3.connect(made)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'row_blocks'").fetchone()
    conn.close()
    data = bytearray(made.read_bytes())
    start = (root - 1) * schema.PAGE_SIZE
    data[start:start + schema.PAGE_SIZE] = b"\xff" * schema.PAGE_SIZE
    made.write_bytes(bytes(data))
    _expect_refusal(made, WorkspaceDamagedError, "database disk image is malformed")


def test_damaged_edit_log_open_but_check_finds_it(made, tmp_path):
    conn = sqlite3.connect(made)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'edit_rows'").fetchone()
    conn.close()
    data = bytearray(made.read_bytes())
    start = (root - 1) * schema.PAGE_SIZE
    data[start:start + schema.PAGE_SIZE] = b"\x0d" + b"\xee" * (schema.PAGE_SIZE - 1)
    made.write_bytes(bytes(data))
    with Workspace.open(made) as ws:
        assert ws.check()  # SQLite's integrity check lists the problems
        with pytest.raises(WorkspaceDamagedError, match="the workspace is damaged"):
            ws.undo()


# --- crashes and a second process -------------------------------------------------------------


STALL = """
import sys, time
import numpy as np
from semvec_studio.core.tasks import TaskContext
from semvec_studio.core.workspace.store import Workspace

class Stall(TaskContext):
    def on_progress(self, p):
        if p.total and p.total < {n}:  # the second group: the first one is logged already
            print("inside", flush=True)
            time.sleep(120)

ws = Workspace.open(sys.argv[1])
ws.set_label([0, 1, 2], "committed")
print("committed", flush=True)
n = ws.row_count
ws.set_labels(np.arange(n), ["x"] * (n - 10) + ["y"] * 10, source="bulk", ctx=Stall())
"""


@pytest.fixture
def big(tmp_path) -> Path:
    src = tmp_path / "big.txt"
    src.write_text("".join(f"text number {i}\n" for i in range(150_000)), encoding="utf-8")
    path = tmp_path / "big.semvec"
    create_workspace(path, [src]).close()
    return path


def test_kill_9_inside_a_labelling_transaction_loses_nothing_committed(big):
    proc = child(STALL.replace("{n}", "100"), str(big))
    try:
        wait_for(proc, "committed")
        wait_for(proc, "inside")
        wal = big.with_name(big.name + "-wal")
        assert wal.stat().st_size > 100_000  # the uncommitted edit reached the disk (in the -wal file)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        proc.kill()
    with Workspace.open(big) as ws:  # opens, writable: the lock died with the process
        assert not ws.read_only
        assert ws.label_counts() == {"committed": 3, None: 150_000 - 3}
        assert [e.description for e in ws.history()] == ["label 3 rows 'committed'"]
        assert ws.check() == []
        assert ws.set_label([5], "after") is not None


LOOP = """
import sys
import numpy as np
from semvec_studio.core.workspace.store import Workspace
ws = Workspace.open(sys.argv[1])
for k in range(10_000):
    ws.set_label(np.arange(k * 500, (k + 1) * 500) % ws.row_count, "L" + str(k % 3), source="bulk")
    print(k, flush=True)
"""


def test_kill_9_at_random_moments_keeps_every_committed_edit_whole(big):
    rng = random.Random(7)
    for _ in range(3):
        proc = child(LOOP, str(big))
        try:
            reported = int(wait_for(proc, ""))
            time.sleep(rng.uniform(0.05, 0.6))
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
            reported = max([reported] + [int(x) for x in proc.stdout.read().split()])
        finally:
            proc.kill()
        with Workspace.open(big) as ws:
            history = ws.history()
            assert len(history) >= reported + 1
            ids, _ = ws.label_array()
            for k in range(len(history)):  # every committed edit is there, whole
                assert (ids[k * 500:(k + 1) * 500] >= 0).all()
            assert (ids[len(history) * 500:] < 0).all()  # and nothing of an uncommitted one
            assert ws.check() == []
            for _ in history:
                ws.undo()
            assert ws.label_counts()[None] == ws.row_count


def test_a_checkpoint_cut_short_by_a_crash_leaves_a_workspace_that_opens_whole(tmp_path):
    """A kill -9 while SQLite copies the log into the main file leaves pages 1..k new and the rest
    old; the -wal file still holds every committed page, so the file must be read through it (the
    check before opening once read the torn main file alone and called the workspace damaged)."""
    src = tmp_path / "t.txt"
    src.write_text("".join(f"text number {i}\n" for i in range(20_000)), encoding="utf-8")
    path = tmp_path / "w.semvec"
    create_workspace(path, [src]).close()
    ws = Workspace.open(path)
    ws._conn.execute("PRAGMA wal_autocheckpoint = 0")  # keep the edit in the log until we say
    ws._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ws.set_label(list(range(20_000)), "all", source="bulk")
    before, log = path.read_bytes(), path.with_name(path.name + "-wal").read_bytes()
    ws._conn.execute("PRAGMA wal_checkpoint(FULL)")
    after = path.read_bytes()
    ws.close()
    page = 4096
    changed = [i for i in range(len(after) // page) if before[i * page:(i + 1) * page] != after[i * page:(i + 1) * page]]
    assert len(changed) > 10
    for k in (1, len(changed) // 2):
        crashed = tmp_path / f"crashed-{k}"
        crashed.mkdir()
        cut = changed[k] * page
        (crashed / "w.semvec").write_bytes(after[:cut] + before[cut:])
        (crashed / "w.semvec-wal").write_bytes(log)
        with Workspace.open(crashed / "w.semvec") as again:
            assert not again.read_only
            assert again.label_counts() == {"all": 20_000, None: 0}
            assert again.check() == []


HOLD = """
import sys
from semvec_studio.core.workspace.store import Workspace
ws = Workspace.open(sys.argv[1])
print("ready", ws.read_only, flush=True)
for line in sys.stdin:
    if line.strip() == "label":
        ws.set_label([4], "from-the-holder")
        print("labelled", flush=True)
    else:
        break
ws.close()
"""


def test_a_second_process_gets_the_workspace_read_only(made, tmp_path):
    holder = child(HOLD, str(made))
    try:
        assert wait_for(holder, "ready").split() == ["ready", "False"]
        with Workspace.open(made) as ws:
            assert ws.read_only and ws.open_elsewhere
            assert f"it is open in process {holder.pid}" in ws.read_only_reason
            assert "opened read-only; close it there to make changes" in ws.read_only_reason
            assert ws.row(0).label == "a" and ws.row_count == 600
            for write in (lambda: ws.set_label([1], "b"), lambda: ws.add_label("c"), ws.undo, lambda: ws.save_selection("s", [1]),
                          lambda: ws.set_setting("k", 1), lambda: add_files(ws, [made]), lambda: build_index(ws)):
                with pytest.raises(WorkspaceReadOnlyError, match="cannot be changed: it is open in process"):
                    write()
            export(ws, tmp_path / "read.csv")  # reading works
            holder.stdin.write("label\n")
            holder.stdin.flush()
            wait_for(holder, "labelled")
            assert ws.row(4).label == "from-the-holder"  # it sees the holder's committed edits
        holder.stdin.write("quit\n")
        holder.stdin.flush()
        holder.wait(30)
    finally:
        holder.kill()
    with Workspace.open(made) as ws:
        assert not ws.read_only
    assert not made.with_name(made.name + ".lock").exists()


def test_read_only_when_asked(made):
    with Workspace.open(made, read_only=True) as ws:
        assert ws.read_only and not ws.open_elsewhere
        with pytest.raises(WorkspaceReadOnlyError, match="it was opened read-only"):
            ws.set_label([0], "x")


def test_a_folder_that_cannot_be_written_gives_read_only(made, monkeypatch, tmp_path):
    from semvec_studio.core.workspace import lock

    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith(".lock"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(lock.os, "open", refuse)
    names = siblings(made)
    with Workspace.open(made) as ws:
        assert ws.read_only and "its folder cannot be written (Permission denied)" in ws.read_only_reason
        assert ws.row(0).label == "a"
        export(ws, tmp_path / "src" / "out.csv")  # a job's own connection works too
        with pytest.raises(WorkspaceReadOnlyError, match="its folder cannot be written"):
            ws.set_label([3], "b")
    assert siblings(made) == names


# --- format versions and upgrades -------------------------------------------------------------


def test_v1_ddl_is_frozen():
    """Version 1's tables never change: a change to the format is a new migration step."""
    assert hashlib.sha256(schema.V1_DDL.encode()).hexdigest() == FROZEN_V1


def build_v1_file(path: Path) -> None:
    """A version 1 workspace made from the frozen DDL by hand (not by this version's code), with
    rows, labels, an edit that can be undone, a selection and a setting."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA page_size = {schema.PAGE_SIZE}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(schema.V1_DDL)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [("format", schema.FORMAT), ("uuid", "v1-fixture"), ("created", "0"),
                                                       ("created_by", "0.0"), ("fts_rows", "0")])
    conn.execute("INSERT INTO sources VALUES (1, 'old.csv', '/old.csv', 'csv', 'utf-8', ',', 1, '[\"id\", \"text\"]', 'text', 1,"
                 " NULL, 0, 3, 0, 30, 'abc', 0, '[]')")
    conn.execute(INSERT_BLOCK, pack_table_block(0, 1, [2, 3, 4], ["one", "two", "three"], [["1", " one"], ["2", "two"], ["3", "three"]], 1))
    conn.execute("INSERT INTO labels(id, name, colour, key, position) VALUES (1, 'pos', '#1f77b4', 1, 0)")
    conn.execute("INSERT INTO row_labels VALUES (0, 1, 'imported', 0), (2, 1, 'typed', 5)")
    conn.execute("INSERT INTO edits VALUES (1, 5, 'label', 'label row 2 ''pos''', 0)")
    conn.execute("INSERT INTO edit_rows VALUES (1, 2, NULL, NULL, NULL, 1, 'typed', 5)")
    conn.execute("INSERT INTO selections(name, rows, created, updated) VALUES ('firsts', ?, 0, 0)", ((0).to_bytes(8, "little"),))
    conn.execute("INSERT INTO settings VALUES ('extract', '{\"pooling\": \"cls\"}')")
    conn.close()


def _check_v1_data(ws: Workspace) -> None:
    assert [(r.row, r.line, r.text, r.cells, r.label, r.label_source) for r in ws.rows(0, 3)] == [
        (0, 2, "one", ["1", " one"], "pos", "imported"), (1, 3, "two", ["2", "two"], None, None),
        (2, 4, "three", ["3", "three"], "pos", "typed")]
    assert ws.selection("firsts").tolist() == [0] and ws.setting("extract") == {"pooling": "cls"}
    assert ws.uuid == "v1-fixture"


def _objects(path: Path) -> set:
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'"))
    finally:
        conn.close()


def test_a_v1_file_opens_with_its_data(tmp_path, small_csv):
    build_v1_file(tmp_path / "v1.semvec")
    with Workspace.open(tmp_path / "v1.semvec") as ws:
        _check_v1_data(ws)
        assert ws.undo().rows.tolist() == [2] and ws.row(2).label is None
    create_workspace(tmp_path / "fresh.semvec", [small_csv]).close()
    assert _objects(tmp_path / "v1.semvec") == _objects(tmp_path / "fresh.semvec")


def _v2_to_v3(conn: sqlite3.Connection) -> None:
    """A real step, as a next version might add: a description for labels, and notes per row
    filled from the data (where each label came from)."""
    conn.execute("ALTER TABLE labels ADD COLUMN description TEXT NOT NULL DEFAULT ''")
    conn.execute("CREATE TABLE row_notes(row INTEGER PRIMARY KEY, note TEXT NOT NULL)")
    conn.execute("INSERT INTO row_notes SELECT row, 'label from ' || source FROM row_labels")


@pytest.fixture
def small_csv(tmp_path) -> Path:
    path = tmp_path / "small.csv"
    path.write_text("id,text\n1,hello\n", encoding="utf-8")
    return path


def test_upgrading_a_v1_file_to_v3_keeps_its_data(tmp_path, monkeypatch, small_csv):
    """Version 2 (how far each import got) and a next step after it, in one upgrade."""
    build_v1_file(tmp_path / "v1.semvec")
    monkeypatch.setattr(schema, "MIGRATIONS", [schema.v1_to_v2, _v2_to_v3])
    assert schema.current_version() == 3
    with Workspace.open(tmp_path / "v1.semvec") as ws:
        _check_v1_data(ws)
        assert ws.conn.execute("PRAGMA user_version").fetchone() == (3,)
        assert [(s.complete, s.import_note) for s in ws.sources()] == [(True, None)]  # a version 1 file's import was whole
        assert ws.pending_import() is None and ws.import_line() is None
        assert ws.conn.execute("SELECT row, note FROM row_notes ORDER BY row").fetchall() == [(0, "label from imported"),
                                                                                             (2, "label from typed")]
        assert ws.conn.execute("SELECT name, description FROM labels").fetchall() == [("pos", "")]
        ws.set_label([1], "neg")  # the upgraded file works as any other
    with Workspace.open(tmp_path / "v1.semvec") as ws:  # upgraded once, not again
        assert ws.label_counts() == {"pos": 2, "neg": 1, None: 0}
    create_workspace(tmp_path / "fresh.semvec", [small_csv]).close()  # a new file is v1 + the same steps
    assert _objects(tmp_path / "v1.semvec") == _objects(tmp_path / "fresh.semvec")


def test_a_failed_upgrade_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    build_v1_file(tmp_path / "v1.semvec")
    before = digest(tmp_path / "v1.semvec")

    def broken(conn):
        conn.execute("ALTER TABLE labels ADD COLUMN description TEXT")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(schema, "MIGRATIONS", [broken])
    with pytest.raises(WorkspaceError, match="cannot be upgraded from workspace format 1 to 2 .*disk on fire.*left as it was"):
        Workspace.open(tmp_path / "v1.semvec")
    assert digest(tmp_path / "v1.semvec") == before
    assert siblings(tmp_path / "v1.semvec") == ["v1.semvec"]
    monkeypatch.setattr(schema, "MIGRATIONS", [])
    with Workspace.open(tmp_path / "v1.semvec") as ws:
        _check_v1_data(ws)

"""Labels and the edit log: the label set, each row's label, and undo/redo that survive a restart.

Every user edit is one row of ``edits`` with the state of what it changed before and after it:
rows (``edit_rows``: label, where it came from, when) and labels (``edit_labels``: name, colour,
key, position as JSON, or NULL where the label did not exist). Doing, undoing and redoing an edit
are the same function (:func:`apply`) with one side or the other, so what is redone is exactly
what was done. The log is linear, like Qt's QUndoStack: undone edits wait to be redone until a
new edit drops them.

The functions here work inside a transaction the caller opened (:func:`transaction`).
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from semvec_studio.core.tasks import TaskContext
from semvec_studio.core.workspace.errors import RowError, WorkspaceError
from semvec_studio.core.workspace.schema import LABEL_SOURCES

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
MAX_NAME = 200
TARGET_CHUNK = 65536
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Label:
    id: int
    name: str
    colour: str
    key: int | None
    position: int

    def state(self) -> str:
        return json.dumps({"name": self.name, "colour": self.colour, "key": self.key, "position": self.position})


@dataclass(frozen=True)
class Edit:
    """One entry of the log, with what applying it (or undoing it) changed: ``rows``, and each
    one's label id (-1: none) and label source (index into LABEL_SOURCES; -1: none) afterwards."""

    id: int
    kind: str
    description: str
    time: float
    undone: bool
    rows: np.ndarray
    labels: np.ndarray
    sources: np.ndarray
    labels_changed: bool


BUSY_POLL_S = 0.001
BUSY_WAIT_S = 30.0


def begin_write(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE``, trying again every millisecond while another process writes (for at
    most :data:`BUSY_WAIT_S`). An import in a child process commits a short transaction every few
    ms: SQLite's own busy handler sleeps 1, 2, 5, 10 ... 100 ms between tries and can miss the
    gaps between them for seconds, which a label edit on the GUI thread would wait out."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + BUSY_WAIT_S
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
            time.sleep(BUSY_POLL_S)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_WAIT_S * 1000)}")


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed when the block ends well, rolled back otherwise."""
    begin_write(conn)
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


# --- the label set ----------------------------------------------------------------------------


def labels(conn: sqlite3.Connection) -> list[Label]:
    return [Label(*r) for r in conn.execute("SELECT id, name, colour, key, position FROM labels ORDER BY position, id")]


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or _CONTROL.search(name):
        raise RowError(f"label {name!r}: a label name must be 1 to {MAX_NAME} characters with no tabs or line breaks")
    return name


def check_colour(colour: str) -> str:
    if not _COLOUR.fullmatch(colour or ""):
        raise RowError(f"colour {colour!r}: give it as #rrggbb, e.g. #1f77b4")
    return colour.lower()


def check_key(key: int | None) -> int | None:
    if key is not None and not 1 <= int(key) <= 9:
        raise RowError(f"key {key}: a label's key is 1 to 9 (or none)")
    return None if key is None else int(key)


def find(conn: sqlite3.Connection, name: str) -> Label:
    for label in labels(conn):
        if label.name == name:
            return label
    known = ", ".join(repr(lb.name) for lb in labels(conn)) or "none yet"
    raise RowError(f"no label {name!r} in this workspace (labels: {known})")


def _new_label(conn: sqlite3.Connection, name: str, colour: str | None = None, key: int | None = None) -> Label:
    """Insert a label with the next free colour, key and position (not logged)."""
    existing = labels(conn)
    if any(lb.name == name for lb in existing):
        raise RowError(f"label {name!r} exists already; choose another name")
    used_colours = [lb.colour for lb in existing]
    colour = colour or next((c for c in PALETTE if c not in used_colours), PALETTE[len(existing) % len(PALETTE)])
    free_keys = [k for k in range(1, 10) if k not in {lb.key for lb in existing}]
    key = key if key is not None else (free_keys[0] if free_keys else None)
    position = max((lb.position for lb in existing), default=-1) + 1
    cur = conn.execute("INSERT INTO labels(name, colour, key, position) VALUES (?, ?, ?, ?)", (name, colour, key, position))
    return Label(cur.lastrowid, name, colour, key, position)


def ensure_labels(conn: sqlite3.Connection, names: Sequence[str]) -> dict[str, int]:
    """Ids of ``names``, creating the missing ones in order (for imported labels; not logged)."""
    ids = {lb.name: lb.id for lb in labels(conn)}
    for name in names:
        if name not in ids:
            ids[name] = _new_label(conn, check_name(name)).id
    return ids


# --- recording edits --------------------------------------------------------------------------


def new_edit(conn: sqlite3.Connection, kind: str, description: str) -> int:
    """Start an edit: drop the undone edits (they can no longer be redone) and log this one."""
    conn.execute("DELETE FROM edits WHERE undone = 1")
    return conn.execute("INSERT INTO edits(time, kind, description) VALUES (?, ?, ?)", (time.time(), kind, description)).lastrowid


def log_label(conn: sqlite3.Connection, edit: int, label_id: int, before: Label | None, after: Label | None) -> None:
    conn.execute("INSERT INTO edit_labels(edit, label, before, after) VALUES (?, ?, ?, ?)",
                 (edit, label_id, before.state() if before else None, after.state() if after else None))


def create_label(conn: sqlite3.Connection, edit: int, name: str, colour: str | None = None, key: int | None = None) -> Label:
    """A new label, logged as part of ``edit``."""
    label = _new_label(conn, check_name(name), colour, key)
    log_label(conn, edit, label.id, None, label)
    return label


def target_rows(conn: sqlite3.Connection, rows: np.ndarray, ctx: TaskContext | None = None) -> None:
    """Put ``rows`` in the connection's temporary table ``target`` (in chunks, with progress)."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS target(row INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.target")
    for start in range(0, len(rows), TARGET_CHUNK):
        part = rows[start:start + TARGET_CHUNK].tolist()
        conn.executemany("INSERT OR IGNORE INTO temp.target(row) VALUES (?)", ((r,) for r in part))
        if ctx is not None:
            ctx.report(start + len(part), len(rows), "labelling", unit="row")
            ctx.check_cancelled()


def log_target_rows(conn: sqlite3.Connection, edit: int, label_id: int | None, source: str | None) -> None:
    """Log the rows of ``temp.target`` whose label or its source would change to ``label_id``/``source``."""
    if label_id is None:
        conn.execute("INSERT INTO edit_rows SELECT ?, t.row, l.label, l.source, l.time, NULL, NULL, NULL"
                     " FROM temp.target t JOIN row_labels l ON l.row = t.row", (edit,))
        return
    conn.execute("INSERT INTO edit_rows SELECT ?, t.row, l.label, l.source, l.time, ?, ?, ?"
                 " FROM temp.target t LEFT JOIN row_labels l ON l.row = t.row"
                 " WHERE l.label IS NULL OR l.label != ? OR l.source != ?",
                 (edit, label_id, source, time.time(), label_id, source))


def log_rows_of_label(conn: sqlite3.Connection, edit: int, label_id: int, new_label: int | None) -> None:
    """Log every row labelled ``label_id`` moving to ``new_label`` (None: unlabelled), keeping
    where its label came from and when."""
    if new_label is None:
        conn.execute("INSERT INTO edit_rows SELECT ?, row, label, source, time, NULL, NULL, NULL FROM row_labels WHERE label = ?",
                     (edit, label_id))
    else:
        conn.execute("INSERT INTO edit_rows SELECT ?, row, label, source, time, ?, source, time FROM row_labels WHERE label = ?",
                     (edit, new_label, label_id))


def finish(conn: sqlite3.Connection, edit: int) -> Edit | None:
    """Apply a logged edit; an edit that changes nothing is dropped (returns None)."""
    has_rows = conn.execute("SELECT 1 FROM edit_rows WHERE edit = ? LIMIT 1", (edit,)).fetchone()
    has_labels = conn.execute("SELECT 1 FROM edit_labels WHERE edit = ? LIMIT 1", (edit,)).fetchone()
    if not has_rows and not has_labels:
        conn.execute("DELETE FROM edits WHERE id = ?", (edit,))
        return None
    return apply(conn, edit, "after")


# --- applying, undo, redo ---------------------------------------------------------------------


def apply(conn: sqlite3.Connection, edit: int, side: str) -> Edit:
    """Bring labels and rows to the ``side`` ("before" or "after") state of ``edit``."""
    if side not in ("before", "after"):
        raise ValueError(side)
    states = conn.execute(f"SELECT label, {side} FROM edit_labels WHERE edit = ?", (edit,)).fetchall()
    conn.executemany("UPDATE labels SET name = char(1) || id, key = NULL WHERE id = ?", [(i,) for i, _ in states])
    for label_id, state in states:
        if state is None:
            continue
        s = json.loads(state)
        values = (s["name"], s["colour"], s["key"], s["position"], label_id)
        if conn.execute("UPDATE labels SET name = ?, colour = ?, key = ?, position = ? WHERE id = ?", values).rowcount == 0:
            conn.execute("INSERT INTO labels(name, colour, key, position, id) VALUES (?, ?, ?, ?, ?)", values)
    conn.execute(f"DELETE FROM row_labels WHERE row IN (SELECT row FROM edit_rows WHERE edit = ? AND {side}_label IS NULL)", (edit,))
    conn.execute(f"INSERT OR REPLACE INTO row_labels(row, label, source, time) SELECT row, {side}_label, {side}_source, {side}_time"
                 f" FROM edit_rows WHERE edit = ? AND {side}_label IS NOT NULL", (edit,))
    conn.executemany("DELETE FROM labels WHERE id = ?", [(i,) for i, state in states if state is None])
    return _edit(conn, edit, side, bool(states))


def _edit(conn: sqlite3.Connection, edit: int, side: str, labels_changed: bool) -> Edit:
    kind, description, when, undone = conn.execute("SELECT kind, description, time, undone FROM edits WHERE id = ?", (edit,)).fetchone()
    changed = conn.execute(f"SELECT row, coalesce({side}_label, -1), {side}_source FROM edit_rows WHERE edit = ? ORDER BY row",
                           (edit,)).fetchall()
    codes = {name: i for i, name in enumerate(LABEL_SOURCES)}
    rows = np.fromiter((r for r, _, _ in changed), dtype=np.int64, count=len(changed))
    ids = np.fromiter((lb for _, lb, _ in changed), dtype=np.int64, count=len(changed))
    sources = np.fromiter((codes.get(s, -1) for _, _, s in changed), dtype=np.int8, count=len(changed))
    return Edit(edit, kind, description, when, bool(undone), rows, ids, sources, labels_changed)


def undo(conn: sqlite3.Connection, only: int | None = None) -> Edit | None:
    """Undo the latest edit not undone yet (None when there is none). ``only``: undo that edit
    only if it is the latest, None if it is undone already; a later edit raises
    :class:`WorkspaceError` naming it (a step of the review must not undo another view's edit)."""
    found = conn.execute("SELECT id, description FROM edits WHERE undone = 0 ORDER BY id DESC LIMIT 1").fetchone()
    if only is not None:
        state = conn.execute("SELECT undone FROM edits WHERE id = ?", (only,)).fetchone()
        if state is None or state[0]:
            return None
        if found[0] != only:
            raise WorkspaceError(f"a later edit, {found[1]}, came after this one; undo it first, then this one",
                                 gui=f"a later edit, {found[1]}, came after it; undo that one first where it was made (Ctrl+Z in the Data view)")
    if found is None:
        return None
    conn.execute("UPDATE edits SET undone = 1 WHERE id = ?", (found[0],))
    return apply(conn, found[0], "before")


def redo(conn: sqlite3.Connection) -> Edit | None:
    """Redo the earliest undone edit (None when there is none)."""
    found = conn.execute("SELECT id FROM edits WHERE undone = 1 ORDER BY id LIMIT 1").fetchone()
    if found is None:
        return None
    conn.execute("UPDATE edits SET undone = 0 WHERE id = ?", found)
    return apply(conn, found[0], "after")


@dataclass(frozen=True)
class LogEntry:
    id: int
    kind: str
    description: str
    time: float
    undone: bool


def history(conn: sqlite3.Connection) -> list[LogEntry]:
    """The log, oldest first (undone entries last: they are the redo stack)."""
    return [LogEntry(i, k, d, t, bool(u)) for i, k, d, t, u in conn.execute("SELECT id, kind, description, time, undone FROM edits ORDER BY id")]

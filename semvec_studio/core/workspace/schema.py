"""The workspace file format: tables, format version, migrations, and checking a file before opening it.

Format versions: a fresh file is made by :data:`V1_DDL` (frozen: never edit it) followed by every
step of :data:`MIGRATIONS` (``MIGRATIONS[i]`` moves a file from version ``i + 1`` to ``i + 2``), so
an upgraded file and a new one have the same tables by construction. Version 1 is the first
released format; version 2 (:func:`v1_to_v2`) records how far each file's import got, so a
workspace can be opened while its rows are still being added. A change to the tables is a new
function appended to :data:`MIGRATIONS`. An upgrade runs in one transaction: it completes or leaves the file as it was.

:func:`inspect_file` checks a file without changing a byte of it and without creating -wal or -shm
files (it reads the header itself, then opens the file ``immutable``, or read-only through its
-wal file when it has one, since the main file alone is torn after a checkpoint cut short): a missing file, a file that
is not a workspace (a CSV renamed ``.semvec``, another program's SQLite database), a truncated or
damaged one and one from a newer version each get a one-line typed error naming the file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from semvec_studio import __version__
from semvec_studio.core.workspace.errors import (
    NewerWorkspaceError,
    WorkspaceError,
    WorkspaceMissingError,
    damaged,
    not_a_workspace,
)

APPLICATION_ID = 0x53564D57  # "SVMW", in the SQLite header of every workspace
FORMAT = "semvec-workspace"
PAGE_SIZE = 8192
SQLITE_MAGIC = b"SQLite format 3\x00"
LABEL_SOURCES = ("imported", "typed", "bulk", "suggestion")

# The first released format. Frozen: a file of version 1 has exactly these tables. Change the
# format by appending a step to MIGRATIONS, never by editing this text.
V1_DDL = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT NOT NULL,
    delimiter TEXT,
    quoting INTEGER,
    header TEXT NOT NULL,
    text_column TEXT NOT NULL,
    text_index INTEGER,
    label_column TEXT,
    first_row INTEGER NOT NULL,
    row_count INTEGER NOT NULL,
    skipped_blank INTEGER NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    added REAL NOT NULL,
    warnings TEXT NOT NULL
);
CREATE TABLE row_blocks(
    first_row INTEGER PRIMARY KEY,
    source INTEGER NOT NULL REFERENCES sources(id),
    count INTEGER NOT NULL,
    packing INTEGER NOT NULL,
    lines BLOB NOT NULL,
    texts TEXT NOT NULL,
    cells TEXT NOT NULL
);
CREATE TABLE labels(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    colour TEXT NOT NULL,
    key INTEGER UNIQUE CHECK (key BETWEEN 1 AND 9),
    position INTEGER NOT NULL
);
CREATE TABLE row_labels(
    row INTEGER PRIMARY KEY,
    label INTEGER NOT NULL REFERENCES labels(id),
    source TEXT NOT NULL CHECK (source = 'imported' OR source = 'typed' OR source = 'bulk' OR source = 'suggestion'),
    time REAL NOT NULL
);
CREATE INDEX row_labels_by_label ON row_labels(label, row);
CREATE TABLE edits(
    id INTEGER PRIMARY KEY,
    time REAL NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
);
CREATE INDEX edits_by_state ON edits(undone, id);
CREATE TABLE edit_rows(
    edit INTEGER NOT NULL REFERENCES edits(id) ON DELETE CASCADE,
    row INTEGER NOT NULL,
    before_label INTEGER, before_source TEXT, before_time REAL,
    after_label INTEGER, after_source TEXT, after_time REAL,
    PRIMARY KEY (edit, row)
) WITHOUT ROWID;
CREATE TABLE edit_labels(
    edit INTEGER NOT NULL REFERENCES edits(id) ON DELETE CASCADE,
    label INTEGER NOT NULL,
    before TEXT,
    after TEXT,
    PRIMARY KEY (edit, label)
) WITHOUT ROWID;
CREATE TABLE selections(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    rows BLOB NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE rows_fts USING fts5(text, content='', tokenize='unicode61 remove_diacritics 2');
"""

Migration = Callable[[sqlite3.Connection], None]


def v1_to_v2(conn: sqlite3.Connection) -> None:
    """How far each file's import got: ``complete`` is 0 while its rows are still being added (its
    ``row_count`` is the rows committed so far), and ``import_note`` says why an import stopped
    before the end of the file (a malformed row; None when it did not). Files of version 1 were
    imported whole. The import still to do (the files not begun, the options) is the meta key
    ``import`` (a JSON object), absent when there is none."""
    conn.execute("ALTER TABLE sources ADD COLUMN complete INTEGER NOT NULL DEFAULT 1")
    conn.execute("ALTER TABLE sources ADD COLUMN import_note TEXT")


# MIGRATIONS[i] upgrades a file from version i + 1 to version i + 2, inside the caller's transaction.
MIGRATIONS: list[Migration] = [v1_to_v2]


def current_version() -> int:
    return 1 + len(MIGRATIONS)


@dataclass(frozen=True)
class FileFacts:
    """What :func:`inspect_file` read: the format version, and whether a -wal file is waiting."""

    version: int
    hot_wal: bool


# --- checking a file without touching it ------------------------------------------------------


def _looks_like(head: bytes) -> str:
    try:
        head[:96].decode("utf-8")  # the last bytes may cut a character in two
    except UnicodeDecodeError:
        return "it is not an SQLite database"
    if any(byte < 32 and byte not in (9, 10, 13) for byte in head):
        return "it is not an SQLite database"
    return "it is a text file, not a database"


def _header_int(head: bytes, start: int, size: int = 4) -> int:
    return int.from_bytes(head[start:start + size], "big")


def _check_header(path: Path, head: bytes, size: int, hot_wal: bool) -> None:
    if size == 0:
        raise not_a_workspace(path, "the file is empty")
    if not head.startswith(SQLITE_MAGIC):
        raise not_a_workspace(path, _looks_like(head))
    if size < 100:
        raise damaged(path, f"truncated: {size} bytes")
    page_size = _header_int(head, 16, 2)
    page_size = 65536 if page_size == 1 else page_size
    pages, counter, valid_for = _header_int(head, 28), _header_int(head, 24), _header_int(head, 92)
    if not hot_wal and page_size >= 512 and (size % page_size or (valid_for == counter and pages * page_size > size)):
        raise damaged(path, f"truncated: {size:,} bytes where the file says {pages * page_size:,}")
    if _header_int(head, 68) != APPLICATION_ID:
        raise not_a_workspace(path, "it is an SQLite database of another program")


def _checking_uri(path: Path, wal: bool) -> str:
    # With a -wal file, the main file alone may be torn (a checkpoint that a kill -9 cut short, or
    # one another process is running now): only a read through the log sees the committed state.
    return path.absolute().as_uri() + ("?mode=ro" if wal else "?mode=ro&immutable=1")


def inspect_file(path: str | os.PathLike) -> FileFacts:
    """Check ``path`` is a workspace this version can open; change nothing. Raises a typed error."""
    path = Path(path)
    if not path.exists():
        raise WorkspaceMissingError(f"{path}: no such workspace; check the path, or make one with: semvec workspace new {path} FILE",
                                    gui=f"{path}: no such workspace; check the path, or make a new workspace.")
    if path.is_dir():
        raise not_a_workspace(path, "it is a folder")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as err:
        raise WorkspaceError(f"{path}: cannot be read ({err.strerror or err}); check its permissions") from None
    wal = path.with_name(path.name + "-wal")
    hot_wal = wal.exists() and wal.stat().st_size > 0
    _check_header(path, head, size, hot_wal)
    version = _header_int(head, 60)
    check_version(path, version)
    try:
        conn = sqlite3.connect(_checking_uri(path, wal.exists()), uri=True, isolation_level=None, timeout=30)
    except sqlite3.Error as err:
        raise damaged(path, str(err)) from None
    try:
        check_content(conn, path, version)
    finally:
        conn.close()
    return FileFacts(version, hot_wal)


def check_version(path: Path, version: int) -> None:
    current = current_version()
    if version > current:
        raise NewerWorkspaceError(
            f"{path}: made by a newer SemVec Studio (workspace format {version}; this version reads formats 1 to {current});"
            " update SemVec Studio to open it; the file was not changed")
    if version < 1:
        raise damaged(path, "no format version in its header")


def check_content(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """The tables a file of ``version`` must have are there and readable, and it says it is a workspace."""
    try:
        names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
        fmt = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() if "meta" in names else None
    except sqlite3.DatabaseError as err:
        raise damaged(path, str(err)) from None
    if fmt is None or fmt[0] != FORMAT:
        raise damaged(path, "its table of facts is missing")
    if version == current_version():
        missing = sorted(expected_objects() - names)
        if missing:
            raise damaged(path, f"table or index '{missing[0]}' is missing")


_EXPECTED: dict[tuple, frozenset[str]] = {}


def expected_objects() -> frozenset[str]:
    """The names of the tables and indexes of a file of the current version."""
    key = tuple(MIGRATIONS)
    if key not in _EXPECTED:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.executescript(V1_DDL)
        for step in MIGRATIONS:
            step(conn)
        _EXPECTED[key] = frozenset(n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')"))
        conn.close()
    return _EXPECTED[key]


# --- connections, creation, upgrades ----------------------------------------------------------


def connect(path: str | os.PathLike, *, read_only: bool, immutable: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with the workspace's settings:
    write-ahead log, every commit synced to disk, foreign keys enforced. ``immutable``: a file in a
    folder that cannot be written (no -wal or -shm file can be made there); ignored when the file has
    a -wal file, whose committed pages only a read through the log sees."""
    path = Path(path).absolute()
    immutable = immutable and not path.with_name(path.name + "-wal").exists()
    uri = path.as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro" if read_only else "?mode=rw")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
    conn.execute("PRAGMA foreign_keys = ON")
    if not read_only:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


_GATES: dict[str, threading.Lock] = {}
_GATES_LOCK = threading.Lock()


def write_gate(path: str | os.PathLike) -> threading.Lock:
    """One lock per workspace file in this process, held around each write transaction by the
    open workspace and by an import in another thread: a label edit then waits for the import's
    current transaction only (a few ms). Left to SQLite's busy handler, whose sleeps grow to
    100 ms, it could miss the short gaps between the import's transactions for seconds."""
    key = os.path.realpath(path)
    with _GATES_LOCK:
        return _GATES.setdefault(key, threading.Lock())


def create_schema(conn: sqlite3.Connection) -> str:
    """Make the tables of a new workspace in the empty database ``conn`` (inside the caller's
    transaction, except the page size, set first); returns the workspace's new uuid."""
    conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    conn.execute("BEGIN")
    for statement in V1_DDL.split(";\n"):
        if statement.strip():
            conn.execute(statement)
    for step in MIGRATIONS:
        step(conn)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {current_version()}")
    ident = str(uuid.uuid4())
    conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", [
        ("format", FORMAT), ("uuid", ident), ("created", repr(time.time())), ("created_by", __version__), ("fts_rows", "0")])
    return ident


def upgrade(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Run the migrations from ``version`` to the current one in one transaction."""
    current = current_version()
    conn.execute("BEGIN IMMEDIATE")
    try:
        for step in MIGRATIONS[version - 1:]:
            step(conn)
        conn.execute(f"PRAGMA user_version = {current}")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'format'", (FORMAT,))
        conn.execute("COMMIT")
    except Exception as exc:
        conn.execute("ROLLBACK")
        raise WorkspaceError(f"{path}: cannot be upgraded from workspace format {version} to {current}"
                             f" ({type(exc).__name__}: {exc}); the file was left as it was; report this problem") from exc


def ready(conn: sqlite3.Connection, path: Path, may_write: bool) -> None:
    """The live file's version (a -wal file may hold a newer one than the header said): upgrade it
    when older and we may write, refuse it when newer; then check its tables."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    check_version(path, version)
    if version < current_version():
        if not may_write:
            raise WorkspaceError(f"{path}: needs upgrading to workspace format {current_version()}, and it is open"
                                      " in another process; close it there, then open it again")
        upgrade(conn, path, version)
        version = current_version()
    check_content(conn, path, version)

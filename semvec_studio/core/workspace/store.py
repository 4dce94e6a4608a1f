"""The :class:`Workspace`: open and close the file, rows by position, label edits with undo/redo, selections, settings.

Opening checks the file without touching it (:func:`~semvec_studio.core.workspace.schema.inspect_file`),
then takes the workspace's lock: the first opener may write; a second one (another window, another
process) gets it read-only, with :attr:`Workspace.read_only_reason` saying so, and every write
raises :class:`~semvec_studio.core.workspace.errors.WorkspaceReadOnlyError`. Every edit is its own
committed transaction. The connection belongs to the thread that opened the workspace; a job in
another thread opens its own with :meth:`Workspace.connect`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from semvec_studio.core.errors import OutputError
from semvec_studio.core.io.texts import Corpus
from semvec_studio.core.tasks import TaskContext
from semvec_studio.core.workspace import edits, labelling, row_labels, schema
from semvec_studio.core.workspace.edits import Edit, Label, LogEntry, transaction
from semvec_studio.core.workspace.errors import RowError, WorkspaceError, WorkspaceReadOnlyError, damaged
from semvec_studio.core.workspace.lock import WorkspaceLock
from semvec_studio.core.workspace.records import EXTENSION, Row, Source, data_dir_of
from semvec_studio.core.workspace.row_reader import RowReader

__all__ = ["EXTENSION", "Row", "Source", "Workspace", "data_dir_of"]

_CORRUPT = ("malformed", "not a database", "corrupt")


def _translated(method):
    """Turn SQLite's errors about the file into typed, one-line ones."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as err:
            raise self.translate(err) from err

    return wrapper


class Workspace:
    """An open workspace file. Use :meth:`open` (or :func:`~semvec_studio.core.workspace.importing.create_workspace`)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: WorkspaceLock, read_only_reason: str | None,
                 open_elsewhere: bool = False) -> None:
        self.path = path
        self.open_elsewhere = open_elsewhere  # another process has it open for writing
        self._conn = conn
        self._lock = lock
        self.read_only_reason = read_only_reason
        self._rows = RowReader()  # the sources, the block index, the blocks read last
        self._labels_cache: row_labels.LabelArrays | None = None  # see :meth:`label_array`
        self.growth_listeners: list = []  # called with the number of rows :meth:`grow` took in (views that follow them)
        self.refresh()

    # --- opening and closing ------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, *, read_only: bool = False, lock: WorkspaceLock | None = None) -> Workspace:
        """Open ``path``; read-only when asked, or when another process has it open for writing.
        ``lock``: the workspace's lock, already held (when the caller has just made the file)."""
        path = Path(path).absolute()
        schema.inspect_file(path)
        lock = lock or WorkspaceLock(path)
        elsewhere = not (lock.held or lock.acquire()) and lock.error is None
        if lock.error is not None:
            reason = f"its folder cannot be written ({lock.error}), so it was opened read-only; copy it to a folder you can write to"
        elif elsewhere:
            reason = f"it is open in {lock.holder().describe()}, so it was opened read-only; close it there to make changes"
        else:
            reason = "it was opened read-only" if read_only else None
        conn = None
        try:
            conn = schema.connect(path, read_only=not lock.held, immutable=lock.error is not None)
            schema.ready(conn, path, lock.held)
            return cls(path, conn, lock, reason, elsewhere)
        except BaseException as exc:
            if conn is not None:
                conn.close()
            lock.release()
            if isinstance(exc, sqlite3.DatabaseError):
                if any(word in str(exc) for word in _CORRUPT):
                    raise damaged(path, str(exc)) from exc
                raise WorkspaceError(f"{path}: cannot be opened ({exc}); try again in a moment") from exc
            raise

    def close(self) -> None:
        if self._conn is None:
            return
        self._conn.close()
        self._conn = None
        self._lock.release()

    @property
    def closed(self) -> bool:
        return self._conn is None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def connect(self) -> sqlite3.Connection:
        """A new connection to this workspace, for a job in another thread; writes through it only
        when this workspace is writable. The caller closes it."""
        return schema.connect(self.path, read_only=self.read_only, immutable=self._lock.error is not None)

    @contextlib.contextmanager
    def _transaction(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking turns with an import in another thread (see :func:`schema.write_gate`)."""
        with schema.write_gate(self.path), transaction(conn) as conn:
            yield conn

    def translate(self, err: sqlite3.DatabaseError) -> Exception:
        text = str(err)
        if any(word in text for word in _CORRUPT):
            return damaged(self.path, text)
        if "disk is full" in text or "disk I/O" in text:
            return OutputError(f"{self.path}: cannot be written ({text}); free some space, then try again")
        if "readonly" in text:
            return WorkspaceReadOnlyError(f"{self.path}: cannot be written ({text})")
        return err

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    def writable(self) -> sqlite3.Connection:
        """The connection, for a write; raises :class:`WorkspaceReadOnlyError` when read-only."""
        if self.read_only:
            raise WorkspaceReadOnlyError(f"{self.path}: cannot be changed: {self.read_only_reason}")
        return self._conn

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RowError(f"{self.path}: the workspace is closed")
        return self._conn

    @property
    def data_dir(self) -> Path:
        return data_dir_of(self.path)

    # --- facts --------------------------------------------------------------------------------

    @_translated
    def refresh(self) -> None:
        """Read the sources and the block index again (after rows were added, here or elsewhere)."""
        self._rows.load(self.conn)
        self.uuid = self.meta("uuid")
        self._labels_cache = None

    @_translated
    def grow(self) -> int:
        """Take in the rows an import in another connection committed since the last look (the
        import of a new workspace goes on in the background); keeps the caches of the rows already
        here, and extends :meth:`label_array`. Returns how many rows came."""
        added = self._rows.grow(self.conn)
        for listener in list(self.growth_listeners):
            listener(added)
        return added

    @property
    def row_count(self) -> int:
        """How many rows the workspace has (as of :meth:`refresh` or :meth:`grow`)."""
        return self._rows.row_count

    def pending_import(self) -> dict | None:
        """The import still to do (see :mod:`~semvec_studio.core.workspace.staged`), or None."""
        found = self.meta("import")
        return None if found is None else json.loads(found)

    def import_line(self) -> str | None:
        """One line when the rows are not all in: an import going on or interrupted (it can be
        completed), or one that stopped at a malformed row. None when every file's rows are in."""
        pending = self.pending_import()
        stopped = [s for s in self._rows.sources if not s.complete and s.import_note]
        if pending is not None:
            current = next((s for s in self._rows.sources if not s.complete), None)
            so_far = f"{self.row_count:,} rows so far"
            if current is not None:
                so_far += f", {current.row_count:,} of them from {current.name}"
            left = pending.get("files", [])
            if left:
                so_far += f"; {len(left)} more file{'s' if len(left) != 1 else ''} to add"
            return (f"{self.path}: its import is not finished ({so_far}); complete it with: semvec workspace add {self.path} --resume"
                    " (the app completes it when it opens the workspace)")
        if stopped:
            s = stopped[0]
            return f"{self.path}: holds only the first {s.row_count:,} rows of {s.name}: {s.import_note}"
        return None

    def meta(self, key: str, default: str | None = None) -> str | None:
        found = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return found[0] if found else default

    def sources(self) -> list[Source]:
        return list(self._rows.sources)

    def source_of(self, row: int) -> Source:
        return self._rows.source_of(row)

    def columns(self) -> list[str]:
        """The original columns of every source, in order of first appearance."""
        return self._rows.columns()

    # --- rows ---------------------------------------------------------------------------------

    @_translated
    def read_rows(self, rows: Sequence[int] | np.ndarray) -> list[Row]:
        """The rows numbered ``rows``, in that order (a page of a sorted or filtered view)."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        self._rows.check(rows)
        return self._rows.read(self.conn, rows) if len(rows) else []

    def rows(self, start: int, stop: int) -> list[Row]:
        """Rows ``start`` .. ``stop - 1`` in their order (cut to the rows there are)."""
        return self.read_rows(np.arange(max(0, start), min(stop, self.row_count), dtype=np.int64))

    def row(self, row: int) -> Row:
        return self.read_rows([row])[0]

    def iter_texts(self, start: int = 0, stop: int | None = None, conn: sqlite3.Connection | None = None) -> Iterator[tuple[int, list[str]]]:
        """``(first row, texts)`` a block at a time over rows ``start`` .. ``stop - 1``."""
        yield from self._rows.iter_texts(conn or self.conn, start, stop)

    def corpus(self, conn: sqlite3.Connection | None = None) -> Corpus:
        """The rows' non-empty texts as ``semvec extract`` reads their files: same texts, same origins."""
        return self._rows.corpus(conn or self.conn)

    # --- labels -------------------------------------------------------------------------------

    def labels(self) -> list[Label]:
        return edits.labels(self.conn)

    def label(self, name: str) -> Label:
        return edits.find(self.conn, name)

    @_translated
    def label_counts(self) -> dict[str | None, int]:
        """Rows per label name in label order, then None: the unlabelled rows."""
        return row_labels.label_counts(self.conn, self.row_count)

    def label_array(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's label id (-1: none) and label source (index into LABEL_SOURCES; -1: none),
        kept up to date by this workspace's edits (for filters and colouring a map)."""
        if self._labels_cache is None or len(self._labels_cache[0]) < self.row_count:  # none yet, or rows came (:meth:`grow`)
            self._labels_cache = row_labels.extended(self._labels_cache, self.conn, self.row_count)
        return self._labels_cache

    def label_counts_by_id(self) -> dict[int, int]:
        """Rows per label id (labels without rows left out): from :meth:`label_array` when it covers
        every row, else counted by SQLite (rows an import added since: no array of them is built)."""
        if self._labels_cache is not None and len(self._labels_cache[0]) == self.row_count:
            return row_labels.counted(self._labels_cache[0])
        return row_labels.counts_by_id(self.conn)

    def _edited(self, edit: Edit | None) -> Edit | None:
        if edit is not None and self._labels_cache is not None:
            ids, sources = self.label_array()  # (with the rows that came since it was read)
            ids[edit.rows] = edit.labels
            sources[edit.rows] = edit.sources
        return edit

    def set_label(self, rows: int | Sequence[int] | np.ndarray, label: str | None, source: str = "typed",
                  ctx: TaskContext | None = None) -> Edit | None:
        """Give ``rows`` the label named ``label`` (made if new; None clears it), in one edit.
        Returns the edit, or None when nothing changed. Cancelling through ``ctx`` changes nothing."""
        rows = np.unique(np.asarray(rows, dtype=np.int64).reshape(-1))
        return self.set_labels(rows, [label] * len(rows), source, ctx)

    @_translated
    def set_labels(self, rows: Sequence[int] | np.ndarray, labels: Sequence[str | None], source: str = "typed",
                   ctx: TaskContext | None = None) -> Edit | None:
        """Give each of ``rows`` its label in ``labels`` (None clears it; new names are made), all
        in one edit (one undo). Returns the edit, or None when nothing changed."""
        conn = self.writable()
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        self._rows.check(rows)
        with self._transaction(conn):
            done = labelling.label_rows(conn, rows, labels, source, ctx)
        return self._edited(done)

    def clear_label(self, rows: int | Sequence[int] | np.ndarray, ctx: TaskContext | None = None) -> Edit | None:
        return self.set_label(rows, None, ctx=ctx)

    @_translated
    def add_label(self, name: str, colour: str | None = None, key: int | None = None) -> Edit:
        """A new label (the next free colour and key 1-9 unless given)."""
        with self._transaction(self.writable()) as conn:
            return labelling.add_label(conn, name, colour, key)

    @_translated
    def change_label(self, name: str, *, new_name: str | None = None, colour: str | None = None,
                     key: int | None | str = "keep") -> Edit | None:
        """Rename a label, change its colour, or give it a key (1-9; None: no key). A key another
        label has moves to this one, and that label gets this one's old key."""
        with self._transaction(self.writable()) as conn:
            return labelling.change_label(conn, name, new_name, colour, key)

    @_translated
    def merge_labels(self, name: str, into: str) -> Edit:
        """Give the rows labelled ``name`` the label ``into`` and remove ``name``, in one edit."""
        with self._transaction(self.writable()) as conn:
            done = labelling.merge_labels(conn, name, into)
        return self._edited(done)

    @_translated
    def delete_label(self, name: str) -> Edit:
        """Remove a label; its rows become unlabelled (undo brings both back)."""
        with self._transaction(self.writable()) as conn:
            done = labelling.delete_label(conn, name)
        return self._edited(done)

    # --- undo and redo ------------------------------------------------------------------------

    @_translated
    def undo(self, only: int | None = None) -> Edit | None:
        """Undo the latest edit; ``only``: that edit, if it is the latest (see :func:`edits.undo`)."""
        conn = self.writable()
        with self._transaction(conn):
            done = edits.undo(conn, only)
        return self._edited(done)

    @_translated
    def redo(self) -> Edit | None:
        conn = self.writable()
        with self._transaction(conn):
            done = edits.redo(conn)
        return self._edited(done)

    def history(self) -> list[LogEntry]:
        return edits.history(self.conn)

    def can_undo(self) -> bool:
        return self.conn.execute("SELECT 1 FROM edits WHERE undone = 0 LIMIT 1").fetchone() is not None

    def can_redo(self) -> bool:
        return self.conn.execute("SELECT 1 FROM edits WHERE undone = 1 LIMIT 1").fetchone() is not None

    # --- selections and settings --------------------------------------------------------------

    @_translated
    def save_selection(self, name: str, rows: Sequence[int] | np.ndarray) -> None:
        """Keep ``rows`` under ``name`` (replacing a selection of that name)."""
        conn = self.writable()
        name = edits.check_name(name)
        rows = np.unique(np.asarray(rows, dtype=np.int64).reshape(-1))
        self._rows.check(rows)
        now = time.time()
        with self._transaction(conn):
            conn.execute("INSERT INTO selections(name, rows, created, updated) VALUES (?, ?, ?, ?) ON CONFLICT(name)"
                         " DO UPDATE SET rows = excluded.rows, updated = excluded.updated", (name, rows.astype("<i8").tobytes(), now, now))

    def selection(self, name: str) -> np.ndarray:
        found = self.conn.execute("SELECT rows FROM selections WHERE name = ?", (name,)).fetchone()
        if found is None:
            raise RowError(f"no selection {name!r} in this workspace (selections: {', '.join(self.selections()) or 'none'})")
        return np.frombuffer(found[0], dtype="<i8").astype(np.int64)

    def selections(self) -> list[str]:
        return [n for (n,) in self.conn.execute("SELECT name FROM selections ORDER BY name")]

    @_translated
    def delete_selection(self, name: str) -> None:
        conn = self.writable()
        with self._transaction(conn):
            conn.execute("DELETE FROM selections WHERE name = ?", (name,))

    def setting(self, key: str, default=None):
        """A saved setting (model, extraction options, a view's state): a JSON value."""
        found = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return json.loads(found[0]) if found else default

    def settings(self) -> dict:
        return {k: json.loads(v) for k, v in self.conn.execute("SELECT key, value FROM settings ORDER BY key")}

    @_translated
    def set_setting(self, key: str, value) -> None:
        conn = self.writable()
        with self._transaction(conn):
            conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False)))

    # --- checks -------------------------------------------------------------------------------

    def check(self) -> list[str]:
        """SQLite's full integrity check of the file: the problems found (none: an empty list)."""
        try:
            found = [msg for (msg,) in self.conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as err:
            return [str(err)]
        return [] if found == ["ok"] else found

"""A new workspace that can be browsed before all its rows are in: :func:`begin_workspace`, then :func:`finish_import`.

:func:`begin_workspace` makes the workspace from the first rows of the first file only (the head:
up to :data:`HEAD_ROWS` rows from its first :data:`HEAD_BYTES` bytes, read by the csv module), puts
the file in place and opens it: its rows can be browsed and labelled at once. What is left (the
rest of that file, the other files, the options) is written in the workspace (the meta key
``import``; the file's source has ``complete = 0`` and ``row_count`` = its rows so far).

:func:`finish_import` adds the rest, in its own connection (the app runs it in a child process,
:mod:`~semvec_studio.core.childjob`; ``semvec workspace add W --resume`` in its own): the file is read whole (its SHA-256 computed as it is read),
parsed (pyarrow where it can), and its blocks are committed a few at a time, each group its own
short transaction (:data:`COMMIT_BLOCKS`), packed before the transaction begins, so a label edit
in the open workspace waits a few ms at most. The blocks of the rows already in are compared with
the whole file's: a block the head read otherwise (a file that is not UTF-8 after its head) is
written again; a different number of rows means the file changed, and the import stops.

- Interrupted (kill -9, power loss, cancelled): the workspace opens with the rows committed so
  far, and says so (:meth:`Workspace.import_line`); :func:`finish_import` completes it (the file
  must have the size and modification time it had).
- A malformed row after the head: the import stops there; the rows before it stay, and the
  source's ``import_note`` keeps the one-line message (file and line), which
  :meth:`Workspace.import_line` shows. The files after it are not added.

Small files, and files the head cannot be read from exactly (not CSV/TSV, not UTF-8, rows too long
for the head), are read whole by :func:`begin_workspace`, as :func:`create_workspace` does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import os
import secrets
import sqlite3
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from semvec_studio.core.errors import InputError, OutputError, UsageError
from semvec_studio.core.io.decoding import check_file, decode_bytes
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.workspace import arrow_tables, edits, schema
from semvec_studio.core.workspace.blocks import BLOCK_ROWS, INSERT_BLOCK, PackedBlock
from semvec_studio.core.workspace.edits import transaction
from semvec_studio.core.workspace.importing import (
    _import_all,
    _indexes_made_after,
    _insert_labels,
    _no_cyclic_gc,
    _packed,
    _store_blocks,
    abandon,
    check_place,
    open_made,
    put_in_place,
    workspace_path,
)
from semvec_studio.core.workspace.lock import WorkspaceLock
from semvec_studio.core.workspace.readers import READERS, ImportOptions, Parsed, format_of
from semvec_studio.core.workspace.store import Workspace

__all__ = ["COMMIT_BLOCKS", "HEAD_BYTES", "HEAD_ROWS", "begin_workspace", "finish_import"]

HEAD_ROWS = 32 * BLOCK_ROWS  # rows browsable at once
HEAD_BYTES = 4 << 20  # read for them at most
COMMIT_BLOCKS = 16  # blocks per transaction of the rest (16,384 rows: a few ms of SQLite)
IMPORT_KEY = "import"
# While the rest is added (Python packing blocks, holding the GIL), another thread of the same
# process that waits for the GIL gets it within this many seconds instead of 5 ms (for a caller
# that runs the import in a thread; the app runs it in a child process, which shares no GIL).
SWITCH_S = 0.0005
_SOURCE_COLUMNS = ("name, path, format, encoding, size, sha256, delimiter, quoting, header, text_column, text_index, label_column,"
                   " first_row, row_count, skipped_blank, added, warnings, complete")


@dataclasses.dataclass
class _Head:
    name: str
    fmt: str
    encoding: str
    size: int
    mtime_ns: int
    parsed: Parsed
    blocks: list[PackedBlock]


def _read_head(path, options: ImportOptions) -> _Head | None:
    """The first rows of ``path`` when they can be read exactly from its head, else None."""
    name, fmt = os.fspath(path), format_of(path, options.fmt)
    check_file(path)
    if fmt not in ("csv", "tsv"):
        return None
    try:
        stat = os.stat(path)
        if stat.st_size <= 2 * HEAD_BYTES:
            return None
        with open(path, "rb") as fh:
            data = fh.read(HEAD_BYTES)
    except OSError:
        return None  # the whole read says what is wrong
    data = data[:data.rfind(b"\n") + 1]
    try:
        text, encoding, warnings = decode_bytes(data, name, options.encoding)
        if encoding not in ("utf-8", "utf-8-sig") or warnings:
            return None
        parsed = READERS[fmt](name, text, options)
        fast = arrow_tables.table_blocks(parsed, data, text, encoding)
        if fast is not None:  # pyarrow read every row of the head exactly (a row cut by its end would not parse)
            rows, blocks = fast
            kept = list(itertools.islice(blocks, min(HEAD_ROWS, rows - 1) // BLOCK_ROWS))
        else:
            kept = _csv_head(parsed)
    except InputError:
        return None  # maybe a row cut by the head's end: the whole read says where a real problem is
    if not kept:
        return None
    parsed.chunks = iter(())
    return _Head(name, fmt, encoding, stat.st_size, stat.st_mtime_ns, parsed, kept)


def _csv_head(parsed: Parsed) -> list[PackedBlock]:
    """The head's first full blocks by the csv module, all but the last block read (it may end in
    the row the head's end cut), at most :data:`HEAD_ROWS` rows."""
    chunks: list = []
    for chunk in parsed.chunks:
        if len(chunk[0]) < BLOCK_ROWS or len(chunks) * BLOCK_ROWS > HEAD_ROWS:
            break
        chunks.append(chunk)
    chunks = chunks[:min(len(chunks) - 1, HEAD_ROWS // BLOCK_ROWS)] if chunks else []
    parsed.chunks = iter(chunks)
    return list(_packed(parsed))


def begin_workspace(path: str | os.PathLike, files: Sequence[str | os.PathLike], options: ImportOptions = ImportOptions(), *,
                    overwrite: bool = False, ctx: TaskContext | None = None) -> Workspace:
    """Make the workspace ``path`` from the first rows of ``files`` and open it; the rest is left
    for :func:`finish_import` (see the module). Nothing is left on failure or cancel."""
    ctx = ctx or NullContext()
    path = workspace_path(path)
    check_place(path, overwrite)
    if not files:
        raise UsageError("no input given; pass at least one CSV, TSV, JSONL or TXT file")
    files = [[os.fspath(f), str(Path(f).absolute())] for f in files]  # (name as given, where it is)
    lock = WorkspaceLock(path)
    if not lock.acquire():
        raise OutputError(f"{path}: is open in {lock.holder().describe()}; close it there first, or choose another name")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        head = _read_head(files[0][0], options)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE", "temp_store = MEMORY"):
                conn.execute(f"PRAGMA {pragma}")
            schema.create_schema(conn)
            if head is None:
                with _indexes_made_after(conn, "row_labels"):
                    _import_all(conn, [files[0][0]], options, 0, ctx)
                rest: dict = {"files": files[1:]}
            else:
                rest = _store_head(conn, head, files[0][1], ctx) | {"files": files[1:]}
            if rest.get("current") or rest["files"]:
                rest["options"] = dataclasses.asdict(options)
                conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (IMPORT_KEY, json.dumps(rest, ensure_ascii=False)))
            conn.execute("COMMIT")
        finally:
            conn.close()
        put_in_place(tmp, path, overwrite)
    except BaseException as exc:
        abandon(tmp, lock, path, exc)
    return open_made(path, lock)


def _insert_source(conn: sqlite3.Connection, facts: tuple, parsed: Parsed, first_row: int) -> int:
    """A source row for a file whose rows are being added (``complete`` 0, no rows yet)."""
    name, path, fmt, encoding, size = facts
    return conn.execute(
        f"INSERT INTO sources({_SOURCE_COLUMNS}) VALUES (?,?,?,?,?,'',?,?,?,?,?,?,?,0,0,?,'[]',0)",
        (name, path, fmt, encoding, size, parsed.delimiter, parsed.quoting, json.dumps(parsed.header, ensure_ascii=False),
         parsed.text_column, parsed.text_index, parsed.label_column, first_row, time.time())).lastrowid


def _store_head(conn: sqlite3.Connection, head: _Head, path: str, ctx: TaskContext) -> dict:
    source = _insert_source(conn, (head.name, path, head.fmt, head.encoding, head.size), head.parsed, 0)
    with _no_cyclic_gc():
        rows = _store_blocks(conn, source, iter(head.blocks), 0, len(head.blocks) * BLOCK_ROWS, f"reading {Path(head.name).name}", ctx)
    conn.execute("UPDATE sources SET row_count = ? WHERE id = ?", (rows, source))
    return {"current": {"source": source, "size": head.size, "mtime_ns": head.mtime_ns}}


# --- the rest, in the background ----------------------------------------------------------------


def finish_import(path: str | os.PathLike, ctx: TaskContext | None = None) -> int:
    """Add the rows the workspace ``path`` is waiting for (see the module), through a connection of
    its own; returns how many were added. The caller holds the workspace open for writing (its
    lock). Raises :class:`InputError` (after recording it) when a malformed row stops the import."""
    ctx = ctx or NullContext()
    conn = schema.connect(path, read_only=False)
    _GATE_OF[id(conn)] = schema.write_gate(path)
    switches = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_S)  # see SWITCH_S
    try:
        conn.execute("PRAGMA synchronous = NORMAL")  # each commit durable on return but for a power loss: resumable then
        found = conn.execute("SELECT value FROM meta WHERE key = ?", (IMPORT_KEY,)).fetchone()
        if found is None:
            return 0
        rest = json.loads(found[0])
        options = ImportOptions(**rest.get("options", {}))
        added = 0
        while True:
            current = rest.get("current")
            if current is None:
                if not rest["files"]:
                    break
                current = _begin_file(conn, rest, options)
            added += _finish_file(conn, rest, current, options, ctx)
        with _transaction(conn):
            conn.execute("DELETE FROM meta WHERE key = ?", (IMPORT_KEY,))
        return added
    finally:
        sys.setswitchinterval(switches)
        _GATE_OF.pop(id(conn), None)
        conn.close()


_GATE_OF: dict[int, object] = {}  # id of finish_import's connection -> the workspace's write gate


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction of the import, taking turns with the open workspace's edits (:func:`schema.write_gate`)."""
    with _GATE_OF.get(id(conn)) or contextlib.nullcontext(), transaction(conn):
        yield conn


def _save(conn: sqlite3.Connection, rest: dict) -> None:
    conn.execute("UPDATE meta SET value = ? WHERE key = ?", (json.dumps(rest, ensure_ascii=False), IMPORT_KEY))


def _begin_file(conn: sqlite3.Connection, rest: dict, options: ImportOptions) -> dict:
    """Start the next file: its source row (no rows yet), in one transaction."""
    name, path = rest["files"][0]
    check_file(path)
    stat = os.stat(path)
    fmt = format_of(path, options.fmt)
    first_row = conn.execute("SELECT coalesce(max(first_row + row_count), 0) FROM sources").fetchone()[0]
    with _transaction(conn):
        parsed = Parsed([], "", None, None)
        source = _insert_source(conn, (name, path, fmt, "", stat.st_size), parsed, first_row)
        rest["files"] = rest["files"][1:]
        rest["current"] = {"source": source, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "new": True}
        _save(conn, rest)
    return rest["current"]


def _read_whole(name: str, path: str, current: dict) -> tuple[bytes, str]:
    """The file's bytes and their SHA-256, hashed as they are read; the file must be the one begun."""
    try:
        stat = os.stat(path)
        if (stat.st_size, stat.st_mtime_ns) != (current["size"], current["mtime_ns"]):
            raise InputError(f"{name}: changed since its import began (its size or time differs); the rows added so far are"
                             " kept; make a new workspace from the file to have all of its rows")
        digest, parts = hashlib.sha256(), []
        with open(path, "rb") as fh:
            while part := fh.read(1 << 22):
                digest.update(part)
                parts.append(part)
    except OSError as err:
        raise InputError(f"{name}: cannot be read ({err.strerror or err}); check it is still there") from None
    return b"".join(parts), digest.hexdigest()


def _finish_file(conn: sqlite3.Connection, rest: dict, current: dict, options: ImportOptions, ctx: TaskContext) -> int:
    """Add the rest of the current file's rows; returns how many were added."""
    record = conn.execute("SELECT name, path, format, first_row, row_count FROM sources WHERE id = ?", (current["source"],)).fetchone()
    name, path, fmt, first_row, done = record
    try:
        data, digest = _read_whole(name, path, current)
        text, encoding, warnings = decode_bytes(data, name, options.encoding)
        parsed = READERS[fmt](name, text, options)
        fast = arrow_tables.table_blocks(parsed, data, text, encoding) if parsed.body is not None else None
        if fast is not None:
            parsed.chunks = iter(())
            estimate, blocks = fast
        else:
            estimate, blocks = arrow_tables.count(text, "\n") + 1, _packed(parsed)
        del data, text
        current["estimate"] = estimate
        if current.pop("new", False):
            with _transaction(conn):
                conn.execute("UPDATE sources SET encoding = ?, header = ?, text_column = ?, text_index = ?, label_column = ?,"
                             " delimiter = ?, quoting = ? WHERE id = ?",
                             (encoding, json.dumps(parsed.header, ensure_ascii=False), parsed.text_column, parsed.text_index,
                              parsed.label_column, parsed.delimiter, parsed.quoting, current["source"]))
                _save(conn, rest)
        else:
            with _transaction(conn):
                _save(conn, rest)
        with _no_cyclic_gc():
            rows = _commit_blocks(conn, current["source"], blocks, first_row, done, estimate, f"reading {Path(name).name}", ctx)
    except InputError as err:
        _stopped(conn, current["source"], str(err))
        raise
    if not rows:
        message = f"{name}: no rows found; give at least one non-empty line, row or record"
        _stopped(conn, current["source"], message)
        raise InputError(message)
    with _transaction(conn):
        conn.execute("UPDATE sources SET header = ?, row_count = ?, skipped_blank = ?, sha256 = ?, warnings = ?, encoding = ?,"
                     " complete = 1 WHERE id = ?", (json.dumps(parsed.header, ensure_ascii=False), rows, parsed.skipped_blank, digest,
                                                   json.dumps(warnings + parsed.warnings), encoding, current["source"]))
        rest["current"] = None
        _save(conn, rest)
    for w in warnings + parsed.warnings:
        ctx.log(w)
    ctx.report(rows, rows, f"reading {Path(name).name}", unit="row")
    return rows - done


def _stopped(conn: sqlite3.Connection, source: int, message: str) -> None:
    """The import ends here: the rows so far stay, the source says why it has no more."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    with _transaction(conn):
        conn.execute("UPDATE sources SET import_note = ? WHERE id = ?", (message, source))
        conn.execute("DELETE FROM meta WHERE key = ?", (IMPORT_KEY,))


def _commit_blocks(conn: sqlite3.Connection, source: int, blocks: Iterator[PackedBlock], first_row: int, done: int, estimate: int,
                   phase: str, ctx: TaskContext) -> int:
    """Write the blocks after the ``done`` rows already in, :data:`COMMIT_BLOCKS` per transaction
    (packed before it begins); check those already in. Returns the file's rows."""
    row, batch, label_ids, now = first_row, [], {}, time.time()
    for values, labels in blocks:
        if row < first_row + done:
            _check_stored(conn, row, values, phase)
        else:
            batch.append((row, values, labels))
            if len(batch) == COMMIT_BLOCKS:
                ctx.check_cancelled()
                _commit(conn, source, batch, label_ids, now, row + values[0] - first_row)
                ctx.report(row + values[0] - first_row, max(estimate, row + values[0] - first_row), phase, unit="row")
                ctx.event("rows_added", rows=row + values[0])
                batch = []
        row += values[0]
    if batch:
        ctx.check_cancelled()
        _commit(conn, source, batch, label_ids, now, row - first_row)
        ctx.event("rows_added", rows=row)
    return row - first_row


def _check_stored(conn: sqlite3.Connection, row: int, values: tuple, phase: str) -> None:
    stored = conn.execute("SELECT count, lines, texts, cells, packing FROM row_blocks WHERE first_row = ?", (row,)).fetchone()
    if stored is None or stored[0] != values[0]:
        raise InputError(f"{phase.removeprefix('reading ')}: changed since its import began (row {row:,} no longer starts a block);"
                         " the rows added so far are kept; make a new workspace from the file to have all of its rows")
    if tuple(stored) != tuple(values):  # read otherwise by the head (e.g. not UTF-8 after it): written again
        with _transaction(conn):
            conn.execute("UPDATE row_blocks SET lines = ?, texts = ?, cells = ?, packing = ? WHERE first_row = ?", (*values[1:], row))


def _commit(conn: sqlite3.Connection, source: int, batch: list, label_ids: dict, now: float, rows: int) -> None:
    with _transaction(conn):
        for row, values, labels in batch:
            conn.execute(INSERT_BLOCK, (row, source, *values))
            if labels is not None:
                names, codes = labels
                new = [n for n in names if n and n not in label_ids]
                if new:
                    label_ids.update(edits.ensure_labels(conn, new))
                ids = [label_ids.get(n, 0) for n in names]
                _insert_labels(conn, row, [ids[c] for c in codes.tolist()], now)
        conn.execute("UPDATE sources SET row_count = ? WHERE id = ?", (rows, source))

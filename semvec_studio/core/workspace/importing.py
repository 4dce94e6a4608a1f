"""Files into a workspace: :func:`create_workspace` makes a new one, :func:`add_files` adds to an open one.

A new workspace is built in a hidden temporary file next to its name, in one transaction with no
journal, and renamed into place only when complete: a failed or cancelled import leaves nothing.
Adding files to an existing workspace is one transaction: all of them or none. The full-text index
is a separate step (:func:`semvec_studio.core.workspace.search.build_index`), so rows can be
browsed and labelled as soon as they are in.

A CSV or TSV file is parsed by pyarrow where it is installed and reads the file exactly as the csv
module does (:mod:`semvec_studio.core.workspace.arrow_tables`: about twice as fast on a million
rows), else by the csv module (:mod:`semvec_studio.core.workspace.readers`); both store the same.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np

from semvec_studio.core.errors import InputError, OutputError, UsageError
from semvec_studio.core.io.decoding import check_file, decode_bytes, decode_file
from semvec_studio.core.io.tables import parse_table
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.wording import count
from semvec_studio.core.workspace import arrow_tables, edits, schema
from semvec_studio.core.workspace.blocks import INSERT_BLOCK, PackedBlock, record_values, table_values
from semvec_studio.core.workspace.edits import transaction
from semvec_studio.core.workspace.lock import WorkspaceLock
from semvec_studio.core.workspace.readers import READERS, ImportOptions, Parsed, format_of
from semvec_studio.core.workspace.store import EXTENSION, Source, Workspace, data_dir_of

__all__ = ["ImportOptions", "add_files", "create_workspace", "read_row_labels", "workspace_path"]


def workspace_path(path: str | os.PathLike) -> Path:
    """``path`` as a workspace name: ``.semvec`` is added when it has no extension."""
    path = Path(path)
    if not path.suffix:
        path = path.with_name(path.name + EXTENSION)
    if path.suffix.lower() != EXTENSION:
        raise UsageError(f"{path}: a workspace's name ends in {EXTENSION} (e.g. {path.with_suffix(EXTENSION).name})")
    return path.absolute()


def check_place(path: Path, overwrite: bool) -> None:
    if not path.parent.is_dir():
        raise OutputError(f"{path.parent}: folder does not exist; create it first or choose another place for the workspace.")
    if not os.access(path.parent, os.W_OK):
        raise OutputError(f"{path.parent}: folder is not writable; choose another place for the workspace.")
    if path.exists() and not overwrite:
        what = f"{path}: exists already;"
        raise OutputError(f"{what} use --force to replace it, or choose another name",
                          gui=f"{what} choose another name, or allow replacing it.")


def create_workspace(path: str | os.PathLike, files: Sequence[str | os.PathLike], options: ImportOptions = ImportOptions(), *,
                     overwrite: bool = False, ctx: TaskContext | None = None) -> Workspace:
    """Make the workspace ``path`` from ``files`` and open it. Nothing is left on failure or cancel."""
    ctx = ctx or NullContext()
    path = workspace_path(path)
    check_place(path, overwrite)
    if not files:
        raise UsageError("no input given; pass at least one CSV, TSV, JSONL or TXT file")
    lock = WorkspaceLock(path)
    if not lock.acquire():
        raise OutputError(f"{path}: is open in {lock.holder().describe()}; close it there first, or choose another name")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "locking_mode = EXCLUSIVE", "cache_size = -65536",
                           "temp_store = MEMORY"):
                conn.execute(f"PRAGMA {pragma}")
            schema.create_schema(conn)
            with _indexes_made_after(conn, "row_labels"):  # one sort, not a million index inserts
                _import_all(conn, files, options, 0, ctx)
            conn.execute("COMMIT")
        finally:
            conn.close()
        put_in_place(tmp, path, overwrite)
    except BaseException as exc:
        abandon(tmp, lock, path, exc)
    return open_made(path, lock)


def abandon(tmp: Path, lock, path: Path, exc: BaseException) -> NoReturn:
    """A workspace being made failed: remove its temporary file, release its lock, and raise
    ``exc`` (a full disk or an unwritable folder as a one-line :class:`OutputError`)."""
    tmp.unlink(missing_ok=True)
    lock.release()
    if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
        raise OutputError(f"{path}: cannot be written ({exc}); free some space, or choose another place") from exc
    if isinstance(exc, OSError):  # writing the file or renaming it into place
        raise OutputError(f"{path}: cannot be written ({exc.strerror or exc}); check the folder, or choose another place") from exc
    raise exc


def open_made(path: Path, lock) -> Workspace:
    """Open a workspace just put in place with the lock taken to make it."""
    try:
        return Workspace.open(path, lock=lock)
    except BaseException:
        lock.release()
        raise


@contextlib.contextmanager
def _indexes_made_after(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """Drop ``table``'s indexes for the block, then make them again (with the same SQL)."""
    made = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                        (table,)).fetchall()
    for name, _ in made:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in made:
        conn.execute(sql)


def put_in_place(tmp: Path, path: Path, overwrite: bool) -> None:
    """Make the finished workspace file ``tmp`` the workspace ``path``, durably. Replacing one,
    its old -wal and -shm go first (they must never be replayed into the new file), and so does its
    data folder (made for the old rows)."""
    sync(tmp)
    if overwrite:
        for sidecar in ("-wal", "-shm"):
            path.with_name(path.name + sidecar).unlink(missing_ok=True)
        shutil.rmtree(data_dir_of(path), ignore_errors=True)
    os.replace(tmp, path)
    sync(path.parent)


def sync(path: Path) -> None:
    """Flush ``path`` (a file, or a folder's entries) to disk; folders cannot be on Windows."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def add_files(ws: Workspace, files: Sequence[str | os.PathLike], options: ImportOptions = ImportOptions(),
              ctx: TaskContext | None = None) -> list[Source]:
    """Add the rows of ``files`` after the workspace's rows, in one transaction; returns the new sources."""
    ctx = ctx or NullContext()
    conn = ws.writable()
    if not files:
        raise UsageError("no input given; pass at least one CSV, TSV, JSONL or TXT file")
    if ws.meta("import") is not None:  # its rows would go where the unfinished import's rows go
        raise UsageError(f"{ws.path}: its import is not finished; add files when it is (semvec workspace add {ws.path} --resume"
                         " completes it)", gui=f"{ws.path.name}: its rows are still being added; add more when they are all in.")
    known = {s.sha256: s.name for s in ws.sources()}
    try:
        with transaction(conn):
            ids = _import_all(conn, files, options, ws.row_count, ctx, known)
    except sqlite3.DatabaseError as err:
        raise ws.translate(err) from err
    ws.refresh()
    return [s for s in ws.sources() if s.id in ids]


def _import_all(conn: sqlite3.Connection, files, options: ImportOptions, first_row: int, ctx: TaskContext,
                known: dict[str, str] | None = None) -> list[int]:
    known = dict(known or {})
    ids = []
    for path in files:
        name, data, fmt = _read_bytes(path, options)
        digest = hashlib.sha256(data).hexdigest()
        if digest in known:
            ctx.log(f"{name}: has the same content as {known[digest]}, added before; its rows are added again")
        known[digest] = name
        text, encoding, warnings = decode_bytes(data, name, options.encoding)
        parsed = READERS[fmt](name, text, options)
        facts = (name, str(Path(path).absolute()), fmt, encoding, len(data), digest)
        fast = arrow_tables.table_blocks(parsed, data, text, encoding) if parsed.body is not None else None
        if fast is not None:
            parsed.chunks = iter(())  # nor the csv module's reader, nor the text it holds, are needed
            estimate, blocks = fast
        else:
            estimate, blocks = arrow_tables.count(text, "\n") + 1, _packed(parsed)
        del data, text  # a big file's bytes and text are not kept while its rows are stored
        source, rows = _store(conn, facts, parsed, blocks, first_row, estimate, ctx)
        if warnings + parsed.warnings:
            conn.execute("UPDATE sources SET warnings = ? WHERE id = ?", (json.dumps(warnings + parsed.warnings), source))
        for w in warnings + parsed.warnings:
            ctx.log(w)
        ids.append(source)
        first_row += rows
    return ids


def _read_bytes(path, options: ImportOptions) -> tuple[str, bytes, str]:
    name = os.fspath(path)
    fmt = format_of(path, options.fmt)
    check_file(path)
    try:
        return name, Path(path).read_bytes(), fmt
    except OSError as err:
        raise InputError(f"{name}: cannot be read ({err.strerror or err}); check its permissions") from None


def _packed(parsed: Parsed) -> Iterator[PackedBlock]:
    """The blocks of ``parsed`` as its reader reads them (the csv module, JSON lines, text lines)."""
    for lines, texts, cells, labels in parsed.chunks:
        if parsed.records:
            values = record_values(lines, texts, cells)
        else:
            values = table_values(lines, texts, cells, parsed.text_index)
        if labels is None:
            yield values, None
        else:
            index: dict[str, int] = {}
            codes = [index.setdefault(n, len(index)) for n in labels]
            yield values, (list(index), np.asarray(codes, dtype=np.int64))


INSERT_LABELS = ("INSERT INTO row_labels(row, label, source, time) SELECT ? + key, value, 'imported', ? FROM json_each(?)"
                 " WHERE value > 0")


def _insert_labels(conn: sqlite3.Connection, first_row: int, ids: list[int], now: float) -> None:
    """Row ``first_row + i`` gets label ``ids[i]`` (0: none), imported: one statement (a JSON array)
    rather than one insert per row, which takes twice as long."""
    try:
        conn.execute(INSERT_LABELS, (first_row, now, "[" + ",".join(map(str, ids)) + "]"))
    except sqlite3.OperationalError as err:  # an SQLite built without JSON
        if "json_each" not in str(err):
            raise
        conn.executemany("INSERT INTO row_labels(row, label, source, time) VALUES (?, ?, 'imported', ?)",
                         [(first_row + i, label, now) for i, label in enumerate(ids) if label])


def _store(conn: sqlite3.Connection, facts: tuple, parsed: Parsed, blocks: Iterator[PackedBlock], first_row: int, estimate: int,
           ctx: TaskContext) -> tuple[int, int]:
    """Write one file's rows (and labels) in blocks; returns (source id, rows)."""
    name = facts[0]
    source = conn.execute(
        "INSERT INTO sources(name, path, format, encoding, size, sha256, delimiter, quoting, header, text_column, text_index,"
        " label_column, first_row, row_count, skipped_blank, added, warnings) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0,0,?,'[]')",
        (*facts, parsed.delimiter, parsed.quoting, "[]", parsed.text_column, parsed.text_index, parsed.label_column, first_row,
         time.time())).lastrowid
    with _no_cyclic_gc():
        rows = _store_blocks(conn, source, blocks, first_row, estimate, f"reading {Path(name).name}", ctx)
    if not rows:
        raise InputError(f"{name}: no rows found ({count(parsed.skipped_blank, 'blank line')} skipped);"
                         " give at least one non-empty line, row or record")
    conn.execute("UPDATE sources SET header = ?, row_count = ?, skipped_blank = ? WHERE id = ?",
                 (json.dumps(parsed.header, ensure_ascii=False), rows, parsed.skipped_blank, source))
    ctx.report(rows, rows, f"reading {Path(name).name}", unit="row")
    return source, rows


def _store_blocks(conn: sqlite3.Connection, source: int, blocks: Iterator[PackedBlock], first_row: int, estimate: int,
                  phase: str, ctx: TaskContext) -> int:
    """Insert the blocks (and their labels) from row ``first_row`` on; returns how many rows."""
    row, label_ids, now = first_row, {}, time.time()
    for values, labels in blocks:
        ctx.check_cancelled()
        conn.execute(INSERT_BLOCK, (row, source, *values))
        if labels is not None:
            names, codes = labels
            new = [n for n in names if n and n not in label_ids]
            if new:
                label_ids.update(edits.ensure_labels(conn, new))
            ids = np.asarray([label_ids.get(n, 0) for n in names], dtype=np.int64)[codes]  # 0: no label
            _insert_labels(conn, row, ids.tolist(), now)
        row += values[0]
        ctx.report(row - first_row, max(estimate, row - first_row), phase, unit="row")
    return row - first_row


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The cycle collector off while rows are read: a block's rows are lists of strings (no cycles),
    and with a thousand of them alive the collector runs every few hundred rows, now and then
    walking every object of the process (a GUI process holds millions)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_row_labels(path: str | os.PathLike, row_count: int, *, encoding: str | None = None,
                    delimiter: str | None = None) -> tuple[np.ndarray, list[str | None]]:
    """Row numbers and labels from a CSV/TSV file with columns ``row`` (0-based) and ``label``
    (an empty label clears the row's label). Every problem names the file and line."""
    name, text, _, _ = decode_file(path, encoding)
    tab = "\t" if Path(path).suffix.lower() == ".tsv" else None
    table = parse_table(text, name, delimiter=delimiter, default_delimiter=tab)
    header_line = next((i for i, line in enumerate(text.splitlines(), start=1) if line.strip()), 1)
    lowered = [h.lower() for h in table.header]
    for wanted in ("row", "label"):
        if wanted not in lowered:
            listed = ", ".join(f"'{h}'" for h in table.header)
            raise InputError(f"{name}, line {header_line}: no column '{wanted}' (the columns are {listed});"
                             " give the file a header with the columns 'row' and 'label'")
    ri, li = lowered.index("row"), lowered.index("label")
    rows: list[int] = []
    labels: list[str | None] = []
    seen: dict[int, int] = {}
    for line, cells in zip(table.row_numbers, table.rows):
        try:
            row = int(cells[ri])
        except ValueError:
            raise InputError(f"{name}, line {line}: row '{cells[ri]}' is not a row number; give 0-based row numbers") from None
        if not 0 <= row < row_count:
            raise InputError(f"{name}, line {line}: row {row}: no such row; the workspace has rows 0 to {row_count - 1}")
        if row in seen:
            raise InputError(f"{name}, line {line}: row {row} is given a label again (first on line {seen[row]}); give each row once")
        seen[row] = line
        rows.append(row)
        labels.append(cells[li] or None)
    if not rows:
        raise InputError(f"{name}: no rows; give one row number and label per line")
    return np.asarray(rows, dtype=np.int64), labels

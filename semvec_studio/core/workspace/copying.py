"""Save a copy of a workspace under another name (the app's File > Save a copy as).

The copy is made with SQLite's online backup, so it holds every edit committed up to the moment
it is made, even while the workspace stays open and is being edited; it is written to a hidden
temporary name and renamed into place when complete. The derived-data folder is not copied: it is
rebuilt on demand beside the copy.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from pathlib import Path

from semvec_studio.core.errors import OutputError, UsageError
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.workspace.importing import check_place, put_in_place, workspace_path
from semvec_studio.core.workspace.lock import WorkspaceLock
from semvec_studio.core.workspace.store import Workspace

COPY_PAGES = 256  # pages per backup step: a step between checks for cancelling


def save_copy(ws: Workspace, target: str | os.PathLike, *, overwrite: bool = False, ctx: TaskContext | None = None) -> Path:
    """Copy ``ws`` to ``target`` (``.semvec`` added when it has no extension); returns the copy's path.
    Uses its own connection, so it may run in a worker thread. Nothing is left on failure or cancel."""
    ctx = ctx or NullContext()
    target = workspace_path(target)
    if target == ws.path:
        raise UsageError(f"{target}: is the workspace itself; choose another name for the copy")
    check_place(target, overwrite)
    lock = WorkspaceLock(target)
    if not lock.acquire():
        raise OutputError(f"{target}: is open in {lock.holder().describe()}; close it there first, or choose another name")
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        source = ws.connect()
        try:
            copy = sqlite3.connect(tmp)
            try:
                def step(_status: int, remaining: int, total: int) -> None:
                    ctx.report(total - remaining, total, "copying", unit="page")
                    ctx.check_cancelled()

                source.backup(copy, pages=COPY_PAGES, progress=step)
            finally:
                copy.close()
        finally:
            source.close()
        put_in_place(tmp, target, overwrite)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.DatabaseError):
            raise ws.translate(exc) if "full" not in str(exc) else OutputError(
                f"{target}: cannot be written ({exc}); free some space, or choose another place") from exc
        if isinstance(exc, OSError):
            raise OutputError(f"{target}: cannot be written ({exc.strerror or exc}); check the folder, or choose another place") from exc
        raise
    finally:
        lock.release()
    return target

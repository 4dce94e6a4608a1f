"""The window's open workspace: File > New workspace from file(s), Open, Recent, Save a copy as, Close.

A workspace is made on the runner (progress and Cancel in the status bar; a cancelled or failed
import leaves no file), then opened on the GUI thread, whose connection the Data view reads. The
word index is built afterwards on the runner, with its own connection, so rows can be browsed and
labelled at once. The last workspace is opened again at start (the setting
:data:`REOPEN_KEY`, on by default). What the views showed (the rows sent to them) and the model
and options are kept in the workspace, so opening it again shows them again.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.wording import count
from semvec_studio.core.workspace.copying import save_copy
from semvec_studio.core.workspace.importing import create_workspace
from semvec_studio.core.workspace.records import EXTENSION
from semvec_studio.core.workspace.search import build_index, index_pending
from semvec_studio.core.workspace.store import Workspace
from semvec_studio.gui import settings as st
from semvec_studio.gui.panels.workspace_dialog import NewWorkspace, NewWorkspaceDialog

RECENT_WORKSPACES = "recent/workspaces"
LAST_KEY = "workspace/last"
REOPEN_KEY = "workspace/reopen"
WORKSPACE_GROUP, INDEX_GROUP = "workspace", "index"
FILES_FILTER = "Texts and tables (*.csv *.tsv *.jsonl *.txt);;All files (*)"
WORKSPACE_FILTER = f"SemVec workspaces (*{EXTENSION})"


def _create(request: NewWorkspace, ctx) -> str:
    """On the runner: make the workspace, close it there (its connection is this thread's)."""
    ws = create_workspace(request.path, list(request.files), request.options, overwrite=request.overwrite, ctx=ctx)
    ws.close()
    return str(ws.path)


def _index(ws: Workspace, ctx) -> int:
    return build_index(ws, ctx=ctx)


def _copy(ws: Workspace, target: str, ctx) -> str:
    return str(save_copy(ws, target, overwrite=True, ctx=ctx))  # the save dialog asked about replacing


class WorkspaceSession(QObject):
    """Owns the open :class:`Workspace` (``ws``) of a window; ``opened(ws)`` and ``closing(ws)`` tell the views."""

    opened = Signal(object)
    chosen = Signal()  # the user made or opened one (not the start-up reopening): show its rows
    closing = Signal(object)
    closed = Signal()
    recentChanged = Signal()

    def __init__(self, runner, notifier, settings, parent_widget) -> None:
        super().__init__(parent_widget)
        self.runner, self.notifier, self.settings = runner, notifier, settings
        self.parent_widget = parent_widget
        self.ws: Workspace | None = None
        self.dialog: NewWorkspaceDialog | None = None
        self.create_job: int | None = None
        self.index_job: int | None = None
        self.last_folder = str(Path.home())

    # --- making one -------------------------------------------------------------------------------

    def choose_new(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self.parent_widget, "New workspace from file(s)", self.last_folder, FILES_FILTER)
        if files:
            self.new_from_files(files)

    def new_from_files(self, files: list[str]) -> NewWorkspaceDialog:
        """Ask where and how (the dialog), then make the workspace on the runner and open it."""
        self.last_folder = str(Path(files[0]).parent)
        dialog = NewWorkspaceDialog(files, self.parent_widget)
        dialog.accepted.connect(lambda: self.create(dialog.request()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def create(self, request: NewWorkspace) -> int:
        name = Path(request.path).name
        self.create_job = self.runner.submit(
            _create, request, name=f"Making {name}", group=WORKSPACE_GROUP,
            on_result=self._on_created, on_error=lambda exc, details: self.notifier.error(exc, details),
            on_cancel=lambda: self.notifier.status(f"Making {name} was cancelled; no file was left."),
        )
        return self.create_job

    def _on_created(self, path: str) -> None:
        self.create_job = None
        if self.open(path, chosen=True):
            self.notifier.status(f"Made {Path(path).name}: {count(self.ws.row_count, 'row')}")

    # --- opening and closing ----------------------------------------------------------------------

    def choose_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, "Open workspace", self.last_folder, WORKSPACE_FILTER)
        if path:
            self.open(path, chosen=True)

    def open(self, path: str | os.PathLike, *, chosen: bool = False) -> bool:
        """Open ``path`` (closing the open workspace first); errors go to the status bar."""
        path = str(Path(path).absolute())
        if self.ws is not None and str(self.ws.path) == path:
            return True
        try:
            ws = Workspace.open(path)
        except SemvecError as exc:
            self.notifier.error(exc)
            return False
        self.close()
        self.ws = ws
        self.last_folder = str(Path(path).parent)
        st.push_recent(self.settings, RECENT_WORKSPACES, path)
        self.settings.setValue(LAST_KEY, path)
        self.recentChanged.emit()
        self.opened.emit(ws)
        if chosen:
            self.chosen.emit()
        if ws.read_only:
            self.notifier.status(f"{Path(path).name} is read-only: {ws.read_only_reason}")
        else:
            self.start_index()
        return True

    def start_index(self) -> int | None:
        """Index the rows' words on the runner, when rows are not indexed yet."""
        if self.ws is None or self.ws.read_only or not index_pending(self.ws):
            return None
        self.index_job = self.runner.submit(
            _index, self.ws, name="Indexing words", group=INDEX_GROUP,
            on_result=lambda n: self.notifier.status(f"Word search is ready ({count(n, 'row')} indexed)"),
            on_error=lambda exc, details: self.notifier.error(exc, details),
        )
        return self.index_job

    def close(self) -> None:
        """Close the open workspace (the index job stops; what it indexed is kept)."""
        if self.ws is None:
            return
        if self.index_job is not None:
            self.runner.cancel(self.index_job)
            self.index_job = None
        self.closing.emit(self.ws)
        ws, self.ws = self.ws, None
        ws.close()
        self.closed.emit()

    def close_by_user(self) -> None:
        """File > Close workspace: also not reopened at the next start."""
        self.close()
        self.settings.setValue(LAST_KEY, "")

    def reopen_last(self) -> bool:
        """At start: open the last workspace when the setting asks for it and the file is there."""
        if str(self.settings.value(REOPEN_KEY, "true")).lower() not in ("true", "1"):
            return False
        last = str(self.settings.value(LAST_KEY, "") or "")
        return bool(last) and Path(last).is_file() and self.open(last)

    def recent(self) -> list[str]:
        return st.recent(self.settings, RECENT_WORKSPACES)

    # --- a copy -----------------------------------------------------------------------------------

    def choose_copy(self) -> None:
        if self.ws is None:
            return
        suggested = str(self.ws.path.with_name(self.ws.path.stem + " copy" + EXTENSION))
        path, _ = QFileDialog.getSaveFileName(self.parent_widget, "Save a copy as", suggested, WORKSPACE_FILTER)
        if path:
            self.save_copy(path)

    def save_copy(self, target: str) -> int | None:
        if self.ws is None:
            return None
        return self.runner.submit(
            _copy, self.ws, target, name=f"Copying to {Path(target).name}", group=WORKSPACE_GROUP,
            on_result=lambda path: self.notifier.status(f"Saved a copy as {path}"),
            on_error=lambda exc, details: self.notifier.error(exc, details),
            on_cancel=lambda: self.notifier.status("Copy cancelled; no file was left."),
        )

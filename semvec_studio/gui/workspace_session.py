"""The window's open workspace: File > New workspace from file(s), Open, Recent, Save a copy as, Close.

A workspace is made on the runner (progress and Cancel in the status bar; a cancelled or failed
import leaves no file), then opened on the GUI thread, whose connection the Data view reads. The
word index is built afterwards on the runner, with its own connection, so rows can be browsed and
labelled at once. The last workspace is opened again at start (the setting
:data:`REOPEN_KEY`, on by default). What the views showed (the rows sent to them) and the model
and options are kept in the workspace, so opening it again shows them again.

Pasted texts (the Data view's Paste texts, Ctrl+V) become rows: of the open workspace, or, when
none is open, of a new untitled one kept in the app's data folder (``untitled/``). An untitled
workspace is a workspace like any other (every edit committed, reopened after a crash), but
closing it asks whether to save it under a name (a copy made with SQLite's backup), to discard
it, or not to close.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from semvec_studio.core.errors import OutputError, SemvecError
from semvec_studio.core.wording import count
from semvec_studio.core.workspace.copying import save_copy
from semvec_studio.core.workspace.importing import add_files, create_workspace
from semvec_studio.core.workspace.readers import ImportOptions
from semvec_studio.core.workspace.records import EXTENSION
from semvec_studio.core.workspace.search import build_index, index_pending
from semvec_studio.core.workspace.store import Workspace, data_dir_of
from semvec_studio.gui import settings as st
from semvec_studio.gui.panels.workspace_dialog import NewWorkspace, NewWorkspaceDialog

RECENT_WORKSPACES = "recent/workspaces"
LAST_KEY = "workspace/last"
REOPEN_KEY = "workspace/reopen"
WORKSPACE_GROUP, INDEX_GROUP = "workspace", "index"
FILES_FILTER = "Texts and tables (*.csv *.tsv *.jsonl *.txt);;All files (*)"
WORKSPACE_FILTER = f"SemVec workspaces (*{EXTENSION})"
UNTITLED = "Untitled"
PASTE_LIMIT = 100_000  # pasted lines added at once (on the GUI thread: a paste is small; a file is a New workspace)


def untitled_folder() -> Path:
    return st.app_data_folder() / "untitled"


def pasted_file(texts: list[str]) -> Path:
    """The pasted texts as a text file (one a line) in the untitled folder: the rows' source."""
    folder = untitled_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / time.strftime("pasted %Y-%m-%d %H-%M-%S.txt")
    n = 1
    while path.exists():
        n += 1
        path = path.with_name(time.strftime(f"pasted %Y-%m-%d %H-%M-%S ({n}).txt"))
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    return path


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

    # --- pasted texts ------------------------------------------------------------------------------

    def is_untitled(self) -> bool:
        return self.ws is not None and self.ws.path.parent == untitled_folder().absolute()

    def paste_texts(self, text: str) -> int | None:
        """Each non-blank line of ``text`` becomes a row: of the open workspace, else of a new
        untitled one (made on the runner; returns its job id). Returns None when added at once."""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            self.notifier.status("Nothing to paste: the clipboard holds no text.")
            return None
        if len(lines) > PASTE_LIMIT:
            self.notifier.status(f"{len(lines):,} lines is too many to paste (at most {PASTE_LIMIT:,}): save them to a file and "
                                 "use File > New workspace from file(s)…")
            return None
        if self.ws is not None and self.ws.read_only:
            self.notifier.status(f"{self.ws.path.name} is read-only: {self.ws.read_only_reason}")
            return None
        try:
            source = pasted_file(lines)
            if self.ws is not None:
                add_files(self.ws, [source], ImportOptions(fmt="txt"))
                self.opened.emit(self.ws)  # the views read the new rows
                self.notifier.status(f"Added {count(len(lines), 'pasted row')} to {self.ws.path.name}")
                return None
            folder = untitled_folder()
            n = 1
            while (folder / f"{UNTITLED} {n}{EXTENSION}").exists():
                n += 1
        except SemvecError as exc:
            self.notifier.error(exc)
            return None
        except OSError as exc:
            self.notifier.error(OutputError(f"{untitled_folder()}: cannot keep the pasted texts there ({exc.strerror}); "
                                            "save them to a file and use File > New workspace from file(s)…"))
            return None
        return self.create(NewWorkspace(str(folder / f"{UNTITLED} {n}{EXTENSION}"), (str(source),), ImportOptions(fmt="txt"), False))

    def confirm_close(self) -> bool:
        """Before an untitled workspace with rows closes: Save (a name is asked), Discard or Cancel.
        False: the user chose Cancel (or cancelled the name), so nothing closes."""
        if not self.is_untitled() or self.ws.row_count == 0:
            return True
        answer = QMessageBox.question(
            self.parent_widget, "Save the untitled workspace?",
            f"{self.ws.path.stem} holds {count(self.ws.row_count, 'pasted row')} and their labels. Save it as a workspace file?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Discard:
            self.discard_untitled()
            return True
        suggested = str(Path(self.last_folder) / f"{UNTITLED}{EXTENSION}")
        path, _ = QFileDialog.getSaveFileName(self.parent_widget, "Save the workspace as", suggested, WORKSPACE_FILTER)
        return bool(path) and self.save_untitled(path)

    def save_untitled(self, target: str) -> bool:
        """Keep the untitled workspace as ``target`` (a complete copy, then the untitled one goes)."""
        ws = self.ws
        try:
            self.closing.emit(ws)  # the views' state goes into the file first
            saved = save_copy(ws, target, overwrite=True)
        except SemvecError as exc:
            self.notifier.error(exc)
            return False
        self.discard_untitled()
        st.push_recent(self.settings, RECENT_WORKSPACES, str(saved))
        self.settings.setValue(LAST_KEY, str(saved))
        self.recentChanged.emit()
        self.notifier.status(f"Saved as {saved}")
        return True

    def discard_untitled(self) -> None:
        """Close the untitled workspace and delete it (file, data folder, the pasted files' copies stay)."""
        if not self.is_untitled():
            return
        path = self.ws.path
        self.close()
        for leftover in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(data_dir_of(path), ignore_errors=True)
        if str(self.settings.value(LAST_KEY, "") or "") == str(path):
            self.settings.setValue(LAST_KEY, "")

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
        if not self.is_untitled():
            self.last_folder = str(Path(path).parent)
            st.push_recent(self.settings, RECENT_WORKSPACES, path)
        self.settings.setValue(LAST_KEY, path)  # an untitled one too: it is reopened after a crash
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
        """File > Close workspace: also not reopened at the next start (an untitled one asks first)."""
        if not self.confirm_close():
            return
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

"""The window's open workspace: File > New workspace from file(s), Open, Recent, Save a copy as, Close.

A workspace is made on the runner in two steps (progress and Cancel in the status bar): its first
rows (:func:`~semvec_studio.core.workspace.staged.begin_workspace`), which are opened on the GUI
thread at once, whose connection the Data view reads, so they can be browsed and labelled; then
the rest (:func:`~semvec_studio.core.workspace.staged.finish_import`, a short transaction every
16,384 rows, in a child process: :mod:`~semvec_studio.core.childjob`), while the Data view grows (:meth:`Workspace.grow`, a few times a
second). Cancelling the making of a workspace, in either step, leaves no file; a malformed row
after the first rows stops the import there, with a one-line message, and the rows before it stay.
A workspace whose import did not finish (the app was killed) is completed when it is opened, with a
message. The word index is built afterwards on the runner, with its own connection. The last workspace is opened again at start (the setting
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

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from semvec_studio.core.childjob import run_in_child
from semvec_studio.core.errors import OutputError, SemvecError
from semvec_studio.core.workspace.copying import save_copy
from semvec_studio.core.workspace.importing import add_files
from semvec_studio.core.workspace.readers import ImportOptions
from semvec_studio.core.workspace.records import EXTENSION
from semvec_studio.core.workspace.search import build_index, index_pending
from semvec_studio.core.workspace.staged import begin_workspace
from semvec_studio.core.workspace.store import Workspace, data_dir_of
from semvec_studio.gui import settings as st
from semvec_studio.gui.i18n import counted
from semvec_studio.gui.panels.workspace_dialog import NewWorkspace, NewWorkspaceDialog

RECENT_WORKSPACES = "recent/workspaces"
LAST_KEY = "workspace/last"
REOPEN_KEY = "workspace/reopen"
WORKSPACE_GROUP, INDEX_GROUP, IMPORT_GROUP = "workspace", "index", "import"
FINISH_IMPORT = "semvec_studio.core.workspace.staged:finish_import"
GROW_EVERY_S = 1.0  # the Data view takes in the rows the import added at most this often (each time: a repaint)
# shown translated (context "WorkspaceSession")
FILES_FILTER = QT_TRANSLATE_NOOP("WorkspaceSession", "Texts and tables (*.csv *.tsv *.jsonl *.txt);;All files (*)")
WORKSPACE_FILTER = QT_TRANSLATE_NOOP("WorkspaceSession", "SemVec workspaces (*.semvec)")
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


def _create(request: NewWorkspace, made: dict, ctx) -> str:
    """On the runner: make the workspace with its first rows, close it there (its connection is
    this thread's); ``made`` says it was put in place (a cancel then removes it)."""
    ws = begin_workspace(request.path, list(request.files), request.options, overwrite=request.overwrite, ctx=ctx)
    made["path"] = ws.path
    ws.close()
    return str(ws.path)


def _finish(path: str, ctx) -> int:
    """In a child process: packing the rows' blocks is Python work, which in a thread of this
    process would hold the GIL the window needs (its gaps: p99 98 ms; see README)."""
    return run_in_child(FINISH_IMPORT, (path,), ctx)


def remove_workspace(path: Path) -> None:
    """Delete a workspace's file, its -wal and -shm, and its data folder."""
    for leftover in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(data_dir_of(path), ignore_errors=True)


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
        self.import_job: int | None = None
        self.making: Path | None = None  # the workspace being made: a cancel of its import removes it
        self._grown = 0.0
        self.last_folder = str(Path.home())

    def _rows(self, n: int) -> str:
        return counted(n, self.tr("{0} row"), self.tr("{0} rows"))

    def _pasted_rows(self, n: int) -> str:
        return counted(n, self.tr("{0} pasted row"), self.tr("{0} pasted rows"))

    # --- making one -------------------------------------------------------------------------------

    def choose_new(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self.parent_widget, self.tr("New workspace from file(s)"), self.last_folder,
                                                self.tr(FILES_FILTER))
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
        made: dict = {}

        def cancelled() -> None:
            if "path" in made:  # put in place just before the cancel came
                remove_workspace(made["path"])
            self.notifier.status(self.tr("Making {0} was cancelled; no file was left.").format(name))

        self.create_job = self.runner.submit(
            _create, request, made, name=self.tr("Making {0}").format(name), group=WORKSPACE_GROUP,
            on_result=self._on_created, on_error=lambda exc, details: self.notifier.error(exc, details), on_cancel=cancelled,
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
            self.notifier.status(self.tr("Nothing to paste: the clipboard holds no text."))
            return None
        if len(lines) > PASTE_LIMIT:
            self.notifier.status(self.tr("{0} lines is too many to paste (at most {1}): save them to a file and "
                                         "use File > New workspace from file(s)…").format(f"{len(lines):,}", f"{PASTE_LIMIT:,}"))
            return None
        if self.ws is not None and self.ws.read_only:
            self.notifier.status(self.tr("{0} is read-only: {1}").format(self.ws.path.name, self.ws.read_only_reason))
            return None
        try:
            source = pasted_file(lines)
            if self.ws is not None:
                add_files(self.ws, [source], ImportOptions(fmt="txt"))
                self.opened.emit(self.ws)  # the views read the new rows
                self.notifier.status(self.tr("Added {0} to {1}").format(self._pasted_rows(len(lines)), self.ws.path.name))
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
            self.parent_widget, self.tr("Save the untitled workspace?"),
            self.tr("{0} holds {1} and their labels. Save it as a workspace file?").format(self.ws.path.stem,
                                                                                         self._pasted_rows(self.ws.row_count)),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Discard:
            self.discard_untitled()
            return True
        suggested = str(Path(self.last_folder) / f"{UNTITLED}{EXTENSION}")
        path, _ = QFileDialog.getSaveFileName(self.parent_widget, self.tr("Save the workspace as"), suggested, self.tr(WORKSPACE_FILTER))
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
        self.notifier.status(self.tr("Saved as {0}").format(saved))
        return True

    def discard_untitled(self) -> None:
        """Close the untitled workspace and delete it (file, data folder, the pasted files' copies stay)."""
        if not self.is_untitled():
            return
        path = self.ws.path
        self.close()
        remove_workspace(path)
        if str(self.settings.value(LAST_KEY, "") or "") == str(path):
            self.settings.setValue(LAST_KEY, "")

    def _on_created(self, path: str) -> None:
        self.create_job = None
        if not self.open(path, chosen=True, making=True):
            return
        if self.import_job is None:
            self.notifier.status(self.tr("Made {0}: {1}").format(Path(path).name, self._rows(self.ws.row_count)))

    # --- the rest of the rows, in the background ----------------------------------------------------

    def start_import(self, *, making: bool = False) -> int | None:
        """Add the rows the open workspace is waiting for on the runner (a new workspace's rest, or an
        import a crash cut short); the Data view grows as they come. None when there are none."""
        ws = self.ws
        if ws is None or ws.read_only or ws.pending_import() is None:
            return None
        self.making = ws.path if making else None
        name = ws.path.name
        if not making:
            self.notifier.status(self.tr("{0}: its import did not finish ({1} so far); adding the rest now").format(
                name, self._rows(ws.row_count)))
        self.import_job = self.runner.submit(
            _finish, str(ws.path), name=self.tr("Adding the rows of {0}").format(name), group=IMPORT_GROUP,
            on_event=self._on_import_event, on_result=self._on_imported, on_error=self._on_import_failed,
            on_cancel=lambda: self._on_import_cancelled(ws.path),
        )
        return self.import_job

    def grow(self) -> int:
        """Take in the rows the import committed (the Data view follows: it listens to the workspace)."""
        self._grown = time.monotonic()
        return 0 if self.ws is None else self.ws.grow()

    def _on_import_event(self, event) -> None:
        if event.kind == "rows_added" and time.monotonic() - self._grown >= GROW_EVERY_S:
            self.grow()

    def _on_imported(self, _added: int) -> None:
        self.import_job, self.making = None, None
        self.grow()
        if self.ws is not None:
            self.notifier.status(self.tr("Made {0}: {1}").format(self.ws.path.name, self._rows(self.ws.row_count)))
            self.start_index()

    def _on_import_failed(self, exc, details: str) -> None:
        self.import_job, self.making = None, None
        self.grow()  # the rows before the malformed one stay
        self.notifier.error(exc, details)

    def _on_import_cancelled(self, path: Path) -> None:
        if self.ws is None or self.ws.path != path:
            return  # closed by the user: its rows so far stay, and the import goes on when it is opened again
        self.import_job = None
        making, self.making = self.making, None
        if making == path:  # cancelled while it was made: no file is left
            self.close()
            remove_workspace(path)
            if str(self.settings.value(LAST_KEY, "") or "") == str(path):
                self.settings.setValue(LAST_KEY, "")
            self.notifier.status(self.tr("Making {0} was cancelled; no file was left.").format(path.name))
        else:
            self.grow()
            self.notifier.status(self.tr("Adding the rows of {0} was stopped ({1} so far); it goes on when the workspace is "
                                         "opened again").format(self.ws.path.name, self._rows(self.ws.row_count)))

    # --- opening and closing ----------------------------------------------------------------------

    def choose_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, self.tr("Open workspace"), self.last_folder, self.tr(WORKSPACE_FILTER))
        if path:
            self.open(path, chosen=True)

    def open(self, path: str | os.PathLike, *, chosen: bool = False, making: bool = False) -> bool:
        """Open ``path`` (closing the open workspace first); errors go to the status bar. An import
        it is waiting for goes on (``making``: it is the one being made)."""
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
        importing = self.start_import(making=making) is not None  # before the views' jobs: the rows come first
        self.opened.emit(ws)
        if chosen:
            self.chosen.emit()
        if ws.read_only:
            self.notifier.status(self.tr("{0} is read-only: {1}").format(Path(path).name, ws.read_only_reason))
        elif not importing:
            self.start_index()
        return True

    def start_index(self) -> int | None:
        """Index the rows' words on the runner, when rows are not indexed yet."""
        if self.ws is None or self.ws.read_only or not index_pending(self.ws):
            return None
        self.index_job = self.runner.submit(
            _index, self.ws, name=self.tr("Indexing words"), group=INDEX_GROUP,
            on_result=lambda n: self.notifier.status(self.tr("Word search is ready ({0} indexed)").format(self._rows(n))),
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
        if self.import_job is not None:  # its rows so far are kept; it goes on when the workspace is opened again
            self.making = None
            self.runner.cancel(self.import_job)
            self.import_job = None
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
        path, _ = QFileDialog.getSaveFileName(self.parent_widget, self.tr("Save a copy as"), suggested, self.tr(WORKSPACE_FILTER))
        if path:
            self.save_copy(path)

    def save_copy(self, target: str) -> int | None:
        if self.ws is None:
            return None
        return self.runner.submit(
            _copy, self.ws, target, name=self.tr("Copying to {0}").format(Path(target).name), group=WORKSPACE_GROUP,
            on_result=lambda path: self.notifier.status(self.tr("Saved a copy as {0}").format(path)),
            on_error=lambda exc, details: self.notifier.error(exc, details),
            on_cancel=lambda: self.notifier.status(self.tr("Copy cancelled; no file was left.")),
        )

"""File > Open vectors folder… (and the Map tab's button): a folder written by ``semvec extract``
(sharded or not) or exported by the app, loaded memory-mapped on the runner and mapped on the Map
tab in place of the app's vectors. A large set's neighbours come through the index ``semvec index``
saved beside it. A folder that is not one, or a run that did not finish, gets its one-line message
on the Map tab and the map shows what it showed before."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from semvec_studio.gui.jobs import open_vectors

LAST_FOLDER = "map/last_vectors_folder"  # settings: where the dialog starts
GROUP = "vectors-folder"  # runner group: a second folder opened supersedes the first


class VectorFolders(QObject):
    """Opens folders of vectors for ``window`` (a MainWindow); ``opened(folder)`` once the Map
    tab has one."""

    opened = Signal(str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.job: int | None = None

    def choose(self) -> None:
        start = str(self.window.settings.value(LAST_FOLDER, str(Path.home())))
        folder = QFileDialog.getExistingDirectory(self.window, self.tr("Open a folder of vectors"), start)
        if folder:
            self.open(folder)

    def open(self, folder: str) -> int:
        """Load ``folder`` on the runner, then map it; returns the job id."""
        self.job = self.window.runner.submit(
            open_vectors, str(folder), name=self.tr("Opening {0}").format(Path(folder).name), group=GROUP,
            on_result=lambda loaded: self._on_loaded(str(folder), *loaded), on_error=self._on_failed)
        return self.job

    def _on_loaded(self, folder: str, embset, words: list[str] | None) -> None:
        self.job = None
        window = self.window
        window.settings.setValue(LAST_FOLDER, str(Path(folder).parent))
        window.ensure_views()  # torch is imported by now (the job imported it)
        window.map_panel.open_folder(embset, folder, words)  # first: the tab then maps the folder, not the app's vectors
        window.views.setCurrentWidget(window.map_panel)
        window.notifier.status(self.tr("{0}: {1} rows × {2} dims from {3}").format(
            Path(folder).name, f"{len(embset):,}", embset.dim, folder))
        self.opened.emit(folder)

    def _on_failed(self, exc: BaseException, details: str) -> None:
        self.job = None
        panel = self.window.map_panel
        self.window.notifier.error(exc, details, inline=panel.controls.message if panel is not None else None)

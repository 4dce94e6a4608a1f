"""Export dialog: every format in the core registry (``exporters.EXPORTERS``), described.

The dialog only asks: ``exportRequested(level, folder, formats, overwrite)``; the main window runs
:func:`semvec_studio.core.io.exporters.save` on the runner (atomic: a temporary folder renamed into
place, so a failure or cancel leaves nothing), then calls :meth:`finish` or :meth:`show_error`.
The manifest (how the vectors were made) is always written alongside. The last folder is
remembered in the settings.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.io.exporters import EXPORTERS, save
from semvec_studio.core.io.vectors import LEVELS, EmbeddingSet
from semvec_studio.gui.notifier import InlineMessage

LAST_FOLDER = "export/last_folder"
LAST_FORMATS = "export/formats"
LEVEL_NAMES = {"token": "Tokens", "word": "Words", "sentence": "Texts"}


def format_available(name: str) -> bool:
    """True when the format's optional package is importable (checked without importing it)."""
    requires = EXPORTERS[name].requires
    return requires is None or importlib.util.find_spec(requires) is not None


def unused_folder(parent: Path, stem: str) -> Path:
    candidate, n = parent / stem, 2
    while candidate.exists():
        candidate, n = parent / f"{stem}-{n}", n + 1
    return candidate


class ExportDialog(QDialog):
    exportRequested = Signal(str, str, list, bool)  # level, folder, formats, overwrite

    def __init__(self, sets: dict[str, EmbeddingSet], level: str, settings: QSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export vectors")
        self.settings = settings
        self.sets = sets
        layout = QVBoxLayout(self)

        what = QGroupBox("Vectors")
        row = QHBoxLayout(what)
        self.levels = QButtonGroup(self)
        for i, lv in enumerate(LEVELS):
            embset = sets.get(lv)
            button = QRadioButton(f"{LEVEL_NAMES[lv]} ({len(embset):,} × {embset.dim})" if embset is not None else LEVEL_NAMES[lv])
            button.setEnabled(embset is not None)
            button.setProperty("level", lv)
            self.levels.addButton(button, i)
            row.addWidget(button)
            button.setChecked(lv == level and embset is not None)
        layout.addWidget(what)

        formats = QGroupBox("Formats (manifest.json with how the vectors were made is always written)")
        grid = QGridLayout(formats)
        grid.setColumnStretch(1, 1)
        remembered = set(self._remembered_formats())
        self.format_boxes: dict[str, QCheckBox] = {}
        for r, (name, exp) in enumerate(EXPORTERS.items()):
            box = QCheckBox(name)
            description = QLabel(exp.description)
            description.setWordWrap(True)
            available = format_available(name)
            box.setChecked(name == "npy" or (available and name in remembered))
            box.setEnabled(name != "npy" and available)
            if name == "npy":
                box.setToolTip("Always written: the form SemVec Studio and 'semvec' read back")
            if not available:
                note = f"needs the optional package '{exp.requires}': pip install 'semvec-studio[{exp.extra}]'"
                box.setToolTip(note)
                description.setText(f"{exp.description} — {note}")
                description.setEnabled(False)
            self.format_boxes[name] = box
            grid.addWidget(box, r, 0)
            grid.addWidget(description, r, 1)
        layout.addWidget(formats)

        where = QGroupBox("Folder (written atomically: complete or not at all)")
        folder_row = QHBoxLayout(where)
        self.folder = QLineEdit()
        self.browse = QPushButton("Browse…")
        self.overwrite = QCheckBox("Replace if it exists")
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        folder_row.addWidget(self.overwrite)
        layout.addWidget(where)
        self.message = InlineMessage()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        layout.addWidget(self.buttons)

        self.browse.clicked.connect(self.choose_folder)
        self.buttons.accepted.connect(self.request)
        self.buttons.rejected.connect(self.reject)
        self.levels.idToggled.connect(lambda _id, on: on and self._suggest_folder())
        self._suggest_folder()
        self.resize(760, self.sizeHint().height())

    # --- state ---------------------------------------------------------------------------------

    def level(self) -> str:
        button = self.levels.checkedButton()
        return button.property("level") if button is not None else ""

    def formats(self) -> list[str]:
        return [name for name, box in self.format_boxes.items() if box.isChecked()]

    def last_folder(self) -> Path:
        saved = self.settings.value(LAST_FOLDER)
        return Path(saved) if isinstance(saved, str) and Path(saved).is_dir() else Path.home()

    def _remembered_formats(self) -> list[str]:
        saved = self.settings.value(LAST_FORMATS)
        return saved.split(",") if isinstance(saved, str) else []

    def _suggest_folder(self) -> None:
        level = self.level() or "vectors"
        self.folder.setText(str(unused_folder(self.last_folder(), f"semvec-{level}")))

    def choose_folder(self) -> None:
        start = str(Path(self.folder.text()).parent) if self.folder.text() else str(self.last_folder())
        path, _ = QFileDialog.getSaveFileName(self, "Export to a new folder", self.folder.text() or start)
        if path:
            self.folder.setText(path)

    # --- asking and answering ------------------------------------------------------------------

    def request(self) -> None:
        level, folder = self.level(), self.folder.text().strip()
        if not level:
            self.message.show_error("Nothing to export: embed some texts first.")
            return
        if not folder:
            self.message.show_error("Give the folder to write (it is created; its parent must exist).")
            return
        self.settings.setValue(LAST_FOLDER, str(Path(folder).expanduser().absolute().parent))
        self.settings.setValue(LAST_FORMATS, ",".join(self.formats()))
        self.message.show_info(f"Writing {LEVEL_NAMES[level].lower()} to {folder}…")
        self.export_button.setEnabled(False)
        self.exportRequested.emit(level, str(Path(folder).expanduser()), self.formats(), self.overwrite.isChecked())

    def finish(self) -> None:
        self.export_button.setEnabled(True)
        self.accept()

    def show_error(self, text: str) -> None:
        self.export_button.setEnabled(True)
        self.message.show_error(text)

    def show_cancelled(self) -> None:
        self.export_button.setEnabled(True)
        self.message.show_info("Export cancelled; nothing was written.")


def start_export(runner, notifier, dialog: ExportDialog, level: str, folder: str, formats: list, overwrite: bool) -> int:
    """Write ``dialog``'s vectors of ``level`` on the runner (atomic); the dialog shows how it
    ended, and closing it cancels the export. Returns the job id."""
    embset = dialog.sets[level]

    def failed(exc, details):
        dialog.show_error(exc.for_gui()) if isinstance(exc, SemvecError) else notifier.unexpected(exc, details)

    def done(path):
        dialog.finish()
        notifier.status(f"Wrote {len(embset):,} {level} vectors ({', '.join(formats)}) to {path}")

    job = runner.submit(save, embset, folder, formats, overwrite=overwrite, group="export",
                        name=f"Exporting {len(embset):,} vectors", on_result=done, on_error=failed,
                        on_cancel=dialog.show_cancelled)
    dialog.rejected.connect(lambda: runner.cancel(job))
    return job

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

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings, Signal
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
from semvec_studio.gui.i18n import translate
from semvec_studio.gui.notifier import InlineMessage

LAST_FOLDER = "export/last_folder"
LAST_FORMATS = "export/formats"
LEVEL_NAMES = {"token": QT_TRANSLATE_NOOP("ExportDialog", "Tokens"), "word": QT_TRANSLATE_NOOP("ExportDialog", "Words"),
               "sentence": QT_TRANSLATE_NOOP("ExportDialog", "Texts")}
WRITING = {"token": QT_TRANSLATE_NOOP("ExportDialog", "tokens"), "word": QT_TRANSLATE_NOOP("ExportDialog", "words"),
           "sentence": QT_TRANSLATE_NOOP("ExportDialog", "texts")}
VECTOR_KIND = {"token": QT_TRANSLATE_NOOP("ExportDialog", "token"), "word": QT_TRANSLATE_NOOP("ExportDialog", "word"),
               "sentence": QT_TRANSLATE_NOOP("ExportDialog", "sentence")}
# The exporters' descriptions (core.io.exporters, English there), translated where shown; one that
# changes in the core shows in English until `make translations` picks up its new text here.
EXPORTER_DESCRIPTIONS = (
    QT_TRANSLATE_NOOP("Exporters", "vectors.npy + metadata.tsv + manifest.json (reloadable by SemVec Studio)"),
    QT_TRANSLATE_NOOP("Exporters", "one CSV table: metadata columns then d0..dN (spreadsheet-safe)"),
    QT_TRANSLATE_NOOP("Exporters", "TensorFlow Embedding Projector: vectors.tsv, metadata and config"),
    QT_TRANSLATE_NOOP("Exporters", "word2vec text format (gensim KeyedVectors), one line per distinct key"),
    QT_TRANSLATE_NOOP("Exporters", "Parquet table: metadata columns + fixed-size vector column, manifest in schema"),
)


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
        self.setWindowTitle(self.tr("Export vectors"))
        self.settings = settings
        self.sets = sets
        layout = QVBoxLayout(self)

        what = QGroupBox(self.tr("Vectors"))
        row = QHBoxLayout(what)
        self.levels = QButtonGroup(self)
        for i, lv in enumerate(LEVELS):
            embset = sets.get(lv)
            name = self.tr(LEVEL_NAMES[lv])
            button = QRadioButton(f"{name} ({len(embset):,} × {embset.dim})" if embset is not None else name)
            button.setEnabled(embset is not None)
            button.setProperty("level", lv)
            self.levels.addButton(button, i)
            row.addWidget(button)
            button.setChecked(lv == level and embset is not None)
        layout.addWidget(what)

        formats = QGroupBox(self.tr("Formats (manifest.json with how the vectors were made is always written)"))
        grid = QGridLayout(formats)
        grid.setColumnStretch(1, 1)
        remembered = set(self._remembered_formats())
        self.format_boxes: dict[str, QCheckBox] = {}
        for r, (name, exp) in enumerate(EXPORTERS.items()):
            box = QCheckBox(name)
            described = translate("Exporters", exp.description)
            description = QLabel(described)
            description.setWordWrap(True)
            available = format_available(name)
            box.setChecked(name == "npy" or (available and name in remembered))
            box.setEnabled(name != "npy" and available)
            if name == "npy":
                box.setToolTip(self.tr("Always written: the form SemVec Studio and 'semvec' read back"))
            if not available:
                note = self.tr("needs the optional package '{0}': pip install 'semvec-studio[{1}]'").format(exp.requires, exp.extra)
                box.setToolTip(note)
                description.setText(f"{described} — {note}")
                description.setEnabled(False)
            self.format_boxes[name] = box
            grid.addWidget(box, r, 0)
            grid.addWidget(description, r, 1)
        layout.addWidget(formats)

        where = QGroupBox(self.tr("Folder (written atomically: complete or not at all)"))
        folder_row = QHBoxLayout(where)
        self.folder = QLineEdit()
        self.browse = QPushButton(self.tr("Browse…"))
        self.overwrite = QCheckBox(self.tr("Replace if it exists"))
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.browse)
        folder_row.addWidget(self.overwrite)
        layout.addWidget(where)
        self.message = InlineMessage()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
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
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export to a new folder"), self.folder.text() or start)
        if path:
            self.folder.setText(path)

    # --- asking and answering ------------------------------------------------------------------

    def request(self) -> None:
        level, folder = self.level(), self.folder.text().strip()
        if not level:
            self.message.show_error(self.tr("Nothing to export: embed some texts first."))
            return
        if not folder:
            self.message.show_error(self.tr("Give the folder to write (it is created; its parent must exist)."))
            return
        self.settings.setValue(LAST_FOLDER, str(Path(folder).expanduser().absolute().parent))
        self.settings.setValue(LAST_FORMATS, ",".join(self.formats()))
        self.message.show_info(self.tr("Writing {0} to {1}…").format(self.tr(WRITING[level]), folder))
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
        self.message.show_info(self.tr("Export cancelled; nothing was written."))


def start_export(runner, notifier, dialog: ExportDialog, level: str, folder: str, formats: list, overwrite: bool) -> int:
    """Write ``dialog``'s vectors of ``level`` on the runner (atomic); the dialog shows how it
    ended, and closing it cancels the export. Returns the job id."""
    embset = dialog.sets[level]

    def failed(exc, details):
        dialog.show_error(exc.for_gui()) if isinstance(exc, SemvecError) else notifier.unexpected(exc, details)

    def done(path):
        dialog.finish()
        notifier.status(translate("ExportDialog", "Wrote {0} {1} vectors ({2}) to {3}").format(
            f"{len(embset):,}", translate("ExportDialog", VECTOR_KIND[level]), ", ".join(formats), path))

    job = runner.submit(save, embset, folder, formats, overwrite=overwrite, group="export",
                        name=translate("ExportDialog", "Exporting {0} vectors").format(f"{len(embset):,}"), on_result=done, on_error=failed,
                        on_cancel=dialog.show_cancelled)
    dialog.rejected.connect(lambda: runner.cancel(job))
    return job

"""New workspace from file(s): where the workspace goes, which column holds the texts and which the
labels, with a preview of the first file's first rows (only its head is read, whatever its size)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.workspace.preview import FilePreview, preview_file
from semvec_studio.core.workspace.readers import ImportOptions
from semvec_studio.core.workspace.records import EXTENSION
from semvec_studio.gui.notifier import InlineMessage
from semvec_studio.gui.workspace_model import one_line

NO_LABELS = QT_TRANSLATE_NOOP("NewWorkspaceDialog", "(no labels)")  # shown translated
MAX_PREVIEW_COLUMN = 320


@dataclass(frozen=True)
class NewWorkspace:
    """What the dialog asks for: make ``path`` from ``files`` with ``options``."""

    path: str
    files: tuple[str, ...]
    options: ImportOptions
    overwrite: bool


def default_path(files: list[str]) -> str:
    first = Path(files[0])
    return str(first.with_name(first.stem + EXTENSION))


class NewWorkspaceDialog(QDialog):
    def __init__(self, files: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.files = list(files)
        self.preview: FilePreview | None = None
        self.setWindowTitle(self.tr("New workspace"))
        names = ", ".join(Path(f).name for f in self.files)
        self.sources = QLabel(names if len(names) < 120 else self.tr("{0} files: {1}…").format(len(self.files), names[:110]))
        self.sources.setToolTip("\n".join(self.files))
        self.path = QLineEdit(default_path(self.files))
        browse = QPushButton(self.tr("Choose…"))
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        self.overwrite = QCheckBox(self.tr("Replace it if it exists"))
        self.text_column = QComboBox()
        self.label_column = QComboBox()
        form = QFormLayout()
        form.addRow(self.tr("From"), self.sources)
        form.addRow(self.tr("Workspace file"), where)
        form.addRow("", self.overwrite)
        form.addRow(self.tr("Text column"), self.text_column)
        form.addRow(self.tr("Label column"), self.label_column)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.note = QLabel()
        self.message = InlineMessage()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(760, 480)
        browse.clicked.connect(self._choose_path)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.text_column.currentIndexChanged.connect(self._on_columns_changed)
        self.label_column.currentIndexChanged.connect(self._on_columns_changed)
        self._read_preview()

    def _read_preview(self) -> None:
        try:
            self.preview = preview_file(self.files[0])
        except SemvecError as exc:
            self.message.show_error(exc.for_gui())
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return
        p = self.preview
        for combo in (self.text_column, self.label_column):
            combo.blockSignals(True)
        self.text_column.addItems(list(p.header))
        self.text_column.setCurrentText(p.text_column)
        self.label_column.addItem(self.tr(NO_LABELS))
        self.label_column.addItems(list(p.header))
        self.label_column.setCurrentText(p.label_column or self.tr(NO_LABELS))
        for combo in (self.text_column, self.label_column):
            combo.setEnabled(p.has_columns)
            combo.blockSignals(False)
        self.table.setColumnCount(len(p.header))
        self.table.setHorizontalHeaderLabels(list(p.header))
        self.table.setRowCount(len(p.rows))
        for r, row in enumerate(p.rows):
            for c, name in enumerate(p.header):
                self.table.setItem(r, c, QTableWidgetItem(one_line(row.get(name, ""), 200)))
        self.table.resizeColumnsToContents()
        for c in range(len(p.header)):
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), MAX_PREVIEW_COLUMN))
        self.table.horizontalHeader().setStretchLastSection(True)
        size = "" if p.whole else self.tr(" (the first rows of a long file)")
        self.note.setText(f"{Path(p.path).name}: {p.fmt.upper()}, {p.encoding}{size}")
        self._on_columns_changed()

    def _on_columns_changed(self) -> None:
        if self.preview is None:
            return
        text, label = self.text_column.currentText(), self.label_column.currentText()
        if self.preview.has_columns and text == label:
            self.message.show_error(self.tr("The text column and the label column are both '{0}': choose two different columns.").format(text))
        else:
            self.message.clear()
        if self.preview.has_columns:
            self.table.selectColumn(self.text_column.currentIndex())

    def _choose_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("New workspace"), self.path.text(),
                                              self.tr("SemVec workspaces ({0})").format(f"*{EXTENSION}"))
        if path:
            self.path.setText(path if path.endswith(EXTENSION) else path + EXTENSION)
            self.overwrite.setChecked(Path(self.path.text()).exists())  # the file dialog asked already

    def request(self) -> NewWorkspace:
        p = self.preview
        label = self.label_column.currentText()
        label = None if self.label_column.currentIndex() == 0 or not label else label  # 0: (no labels)
        text = self.text_column.currentText() or None
        if p is not None and p.fmt == "jsonl":
            options = ImportOptions(text_field=text, label_column=label)
        elif p is not None and p.fmt == "txt":
            options = ImportOptions()
        else:
            options = ImportOptions(text_column=text, label_column=label)
        return NewWorkspace(self.path.text().strip(), tuple(self.files), options, self.overwrite.isChecked())

    def _accept(self) -> None:
        path = self.path.text().strip()
        if not path:
            self.message.show_error(self.tr("Give the workspace a file name (e.g. reviews.semvec)."))
            return
        if self.message.kind == "error":
            return
        if Path(path).exists() and not self.overwrite.isChecked():
            self.message.show_error(self.tr("{0}: exists already; choose another name, or tick 'Replace it if it exists'.").format(path))
            return
        self.accept()

"""Text panel: paste or type texts (one per line), or open .txt/.csv/.tsv/.jsonl files.

Files are read on the runner (:func:`read_text_file`, streamed in blocks with progress); a table
opens a column picker with a preview. Dropping files on the panel opens them.

Texts are used exactly as they were read: the same file gives the same texts (and so the same
character offsets and vectors) here as in ``semvec extract``. The editor shows one text per line,
a line break inside a text (a CSV cell may hold one) as :data:`LINE_BREAK`; until the user edits
it, the texts are the ones read, byte for byte (runs of spaces, tabs, non-breaking spaces kept).
Once edited, each non-blank line is a text, stripped at its ends as a .txt file's lines are.
A keystroke costs no pass over the document: the count of texts is refreshed after typing pauses.

More texts than :data:`EDITOR_TEXTS` (a large file, or a paste of many lines) are not put in the
editor whole: it would take the window seconds to lay out and nobody edits 100,000 lines by hand.
The editor then shows the first of them, read-only, with a line saying how many there are; Clear
starts over. A paste of more lines than that becomes the texts at once (added to the ones there,
unless everything was selected), without passing through the editor.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.errors import InputError
from semvec_studio.core.io.decoding import decode_bytes
from semvec_studio.core.io.tables import Table, parse_table, pick_column
from semvec_studio.core.io.texts import EXTENSIONS, READERS, Corpus, ReadOptions
from semvec_studio.gui.i18n import counted, translate
from semvec_studio.gui.notifier import InlineMessage

READ_BLOCK = 1 << 20
PREVIEW_ROWS = 50
LINE_BREAK = "\u2424"  # ␤ SYMBOL FOR NEWLINE: how the editor shows a line break inside one text
SUMMARY_DELAY_MS = 300
EDITOR_TEXTS = 5_000  # above this many texts the editor shows a read-only preview
MAX_PREVIEW_COLUMN = 420  # pixels
FILE_FILTER = QT_TRANSLATE_NOOP("TextPanel", "Texts (*.txt *.csv *.tsv *.jsonl);;All files (*)")


def read_text_file(path: str, ctx=None) -> Corpus | Table:
    """Runner task: read one file in blocks (progress, cancellable) -> a Corpus, or a Table for
    .csv/.tsv (the user then picks the column)."""
    kind = EXTENSIONS.get(Path(path).suffix.lower())
    if kind is None:
        raise InputError(translate("ReadTextFile", "{0}: unknown file type '{1}'; open a {2} file.").format(
            path, Path(path).suffix or translate("ReadTextFile", "(none)"), ", ".join(EXTENSIONS)))
    if not os.path.isfile(path):
        raise InputError(translate("ReadTextFile", "{0}: no such file; check the path.").format(path))
    size = os.path.getsize(path)
    parts, done = [], 0
    try:
        with open(path, "rb") as fh:
            while block := fh.read(READ_BLOCK):
                parts.append(block)
                done += len(block)
                if ctx is not None:
                    ctx.check_cancelled()
                    ctx.report(done, size, translate("ReadTextFile", "reading {0}").format(Path(path).name))
    except OSError as err:
        raise InputError(translate("ReadTextFile", "{0}: cannot be read ({1}); check its permissions.").format(
            path, err.strerror or err)) from None
    text, encoding, warnings = decode_bytes(b"".join(parts), path)
    if kind in ("csv", "tsv"):
        table = parse_table(text, path, encoding=encoding, default_delimiter="\t" if kind == "tsv" else None)
        table.warnings[:0] = warnings
        return table
    opts = ReadOptions()
    corpus = READERS[kind](path, text, opts)
    corpus.warnings[:0] = warnings
    corpus.encodings[path] = encoding
    if not corpus.texts:
        raise InputError(translate("ReadTextFile", "{0}: no texts found ({1} blank lines skipped); give at least one non-empty line.").format(
            path, corpus.skipped_blank))
    return corpus


def table_texts(table: Table, column: int) -> list[str]:
    return [row[column].strip() for row in table.rows if row[column].strip()]


def table_columns(table: Table, column: int) -> dict[str, list[str]]:
    """The table's other columns, one value per text of :func:`table_texts` (same rows)."""
    keep = [row for row in table.rows if row[column].strip()]
    return {name: [row[c].strip() if c < len(row) else "" for row in keep]
            for c, name in enumerate(table.header) if c != column}


def editor_line(text: str) -> str:
    """How one text is shown on its line of the editor."""
    return text.replace("\r\n", LINE_BREAK).replace("\n", LINE_BREAK).replace("\r", LINE_BREAK)


class ColumnPickerDialog(QDialog):
    """Choose the column of a table that holds the texts, with a preview of its first rows."""

    def __init__(self, table: Table, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.setWindowTitle(self.tr("Choose the text column: {0}").format(Path(table.path).name))
        self.column = QComboBox()
        self.column.addItems(table.header)
        try:
            self.column.setCurrentIndex(pick_column(table.header, None, table.path))
        except InputError:
            self.column.setCurrentIndex(0)
        self.count = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Text column")))
        top.addWidget(self.column, 1)
        top.addWidget(self.count)
        self.preview = QTableWidget(min(PREVIEW_ROWS, len(table.rows)), len(table.header))
        self.preview.setHorizontalHeaderLabels(table.header)
        for r, row in enumerate(table.rows[:PREVIEW_ROWS]):
            for c, cell in enumerate(row):
                self.preview.setItem(r, c, QTableWidgetItem(cell))
        self.preview.setVerticalHeaderLabels([str(n) for n in table.row_numbers[:PREVIEW_ROWS]])
        self.preview.setWordWrap(False)
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.resizeColumnsToContents()
        for c in range(len(table.header)):
            self.preview.setColumnWidth(c, min(self.preview.columnWidth(c), MAX_PREVIEW_COLUMN))
        self.preview.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        delimiter = self.tr("tab") if table.delimiter == chr(9) else repr(table.delimiter)
        note = self.tr("{0} rows · delimiter {1} · {2}").format(f"{len(table.rows):,}", delimiter, table.encoding)
        layout.addWidget(QLabel(note + (" · " + "; ".join(table.warnings) if table.warnings else "")))
        layout.addWidget(self.preview, 1)
        layout.addWidget(buttons)
        self.resize(720, 420)
        self.column.currentIndexChanged.connect(self._update)
        self._update(self.column.currentIndex())

    def _update(self, index: int) -> None:
        self.preview.selectColumn(index)
        self.count.setText(self.tr("{0} texts").format(f"{len(table_texts(self.table, index)):,}"))

    def texts(self) -> list[str]:
        return table_texts(self.table, self.column.currentIndex())

    def columns(self) -> dict[str, list[str]]:
        return table_columns(self.table, self.column.currentIndex())


class _Editor(QPlainTextEdit):
    """Drops of files open them; a paste of more lines than :data:`EDITOR_TEXTS` is handed over
    as ``largePaste(text, replace_all)`` instead of being inserted."""

    filesDropped = Signal(list)
    largePaste = Signal(str, bool)

    def canInsertFromMimeData(self, source) -> bool:
        return source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source) -> None:
        files = [u.toLocalFile() for u in source.urls() if u.isLocalFile()] if source.hasUrls() else []
        if files:
            self.filesDropped.emit(files)
            return
        text = source.text() if source.hasText() else ""
        if text.count("\n") >= EDITOR_TEXTS:
            cursor = self.textCursor()
            everything = self.document().isEmpty() or (cursor.selectionStart() == 0
                                                        and cursor.selectionEnd() >= self.document().characterCount() - 1)
            self.largePaste.emit(text, everything)
            return
        super().insertFromMimeData(source)


class TextPanel(QWidget):
    """Emits ``fileLoaded(path, count)`` once a file's texts are in the editor, ``fileFailed(path)``
    when it could not be read."""

    fileLoaded = Signal(str, int)
    fileFailed = Signal(str)
    textsChanged = Signal()

    def __init__(self, runner, notifier, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.notifier = notifier
        self.setAcceptDrops(True)
        self.last_folder = str(Path.home())
        self._source = ""
        self._texts: list[str] = []  # exactly as read or set; the texts while the editor is unedited
        self._columns: dict[str, list[str]] = {}  # a table's other columns, one value per text of _texts
        self._edited = False  # the editor changed since set_texts (then the texts are its lines)
        self._setting = False
        self.picker: ColumnPickerDialog | None = None
        box = QGroupBox(self.tr("Texts"))
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open file…"))
        self.open_button.setToolTip(self.tr("Open .txt, .csv, .tsv or .jsonl (Ctrl+O); or drop files here"))
        self.clear_button = QPushButton(self.tr("Clear"))
        self.summary = QLabel()
        row.addWidget(self.open_button)
        row.addWidget(self.clear_button)
        row.addWidget(self.summary, 1)
        layout.addLayout(row)
        self.editor = _Editor()
        self.editor.setPlaceholderText(self.tr("Paste or type texts here, one per line…"))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        layout.addWidget(self.editor, 1)
        self.message = InlineMessage()
        layout.addWidget(self.message)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        self.open_button.clicked.connect(self.choose_file)
        self.clear_button.clicked.connect(lambda: self.set_texts([], ""))
        self.editor.filesDropped.connect(self.open_files)
        self.editor.largePaste.connect(self._on_large_paste)
        self.editor.textChanged.connect(self._on_edit)
        self._summary_timer = QTimer(self, singleShot=True, interval=SUMMARY_DELAY_MS)
        self._summary_timer.timeout.connect(self._update_summary)
        self._update_summary()

    # --- texts ---------------------------------------------------------------------------------

    def edited(self) -> bool:
        """True once the editor's text has changed (typed, pasted, or set on the editor itself)
        since :meth:`set_texts` put texts in it."""
        return self._edited

    def texts(self) -> list[str]:
        """The texts: as read or set while the editor is unedited; else one per non-blank line of
        the editor, stripped, with :data:`LINE_BREAK` back to a line break."""
        if not self.edited():
            return list(self._texts)
        lines = self.editor.toPlainText().split("\n")
        return [line.strip().replace(LINE_BREAK, "\n") for line in lines if line.strip()]

    def set_texts(self, texts: list[str], source: str = "", columns: dict[str, list[str]] | None = None) -> None:
        """Put ``texts`` in the editor (a read-only preview of the first :data:`EDITOR_TEXTS` when
        there are more); ``columns`` (a table's other columns, one value per text) travel with them
        as labels (see :meth:`columns_for`)."""
        self._texts = list(texts)
        self._columns = dict(columns or {})
        shown = texts if len(texts) <= EDITOR_TEXTS else texts[:EDITOR_TEXTS]
        lines = [editor_line(t) for t in shown]
        if len(texts) > EDITOR_TEXTS:
            lines.append(self.tr("… and {0} more: too many to edit here (press Clear to start over)").format(f"{len(texts) - EDITOR_TEXTS:,}"))
        self._setting = True
        try:
            self.editor.setPlainText("\n".join(lines))
            self.editor.setReadOnly(len(texts) > EDITOR_TEXTS)
        finally:
            self._setting = False
        self._edited = False
        self._source = source
        self.message.clear()
        self._update_summary()

    def set_column(self, name: str, values: list[str]) -> None:
        """Replace the column ``name`` that travels with the texts (one value per text), e.g. labels
        edited since the texts were set."""
        if len(values) == len(self._texts):
            self._columns[name] = list(values)

    def _on_large_paste(self, text: str, replace_all: bool) -> None:
        pasted = [line.strip() for line in text.split("\n") if line.strip()]
        before = [] if replace_all else self.texts()
        self.set_texts(before + pasted, self.tr("pasted text"))
        self.textsChanged.emit()

    def _on_edit(self) -> None:
        if not self._setting:
            self._edited = True
        self._summary_timer.start()  # refreshed when typing pauses, not at every key
        self.textsChanged.emit()

    def _update_summary(self) -> None:
        where = f" · {Path(self._source).name}" if self._source else ""
        if self.edited():  # no pass over a long document: its lines, counted by the editor
            lines = 0 if self.editor.document().isEmpty() else self.editor.blockCount()
            self.summary.setText(self.tr("{0} (blank ones skipped){1}").format(
                counted(lines, self.tr("{0} line"), self.tr("{0} lines")), where))
        else:
            n = counted(len(self._texts), self.tr("{0} text"), self.tr("{0} texts"))
            if len(self._texts) > EDITOR_TEXTS:
                self.summary.setText(self.tr("{0} (the first {1} shown){2}").format(n, f"{EDITOR_TEXTS:,}", where))
            else:
                self.summary.setText(n + where)
        self.summary.setToolTip(self._source)

    def show_error(self, text: str) -> None:
        self.message.show_error(text)

    def columns_for(self, texts: list[str]) -> dict[str, list[str]]:
        """The loaded table's other columns for ``texts`` (one value per text): by position when
        the texts are the table's, else by each text's first row in the table ('' if none)."""
        if not self._columns:
            return {}
        if texts == self._texts:
            return {name: list(values) for name, values in self._columns.items()}
        first: dict[str, int] = {}
        for i, text in enumerate(self._texts):
            first.setdefault(text, i)
        return {name: [values[first[t]] if t in first else "" for t in texts] for name, values in self._columns.items()}

    # --- files ----------------------------------------------------------------------------------

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open texts"), self.last_folder, translate("TextPanel", FILE_FILTER))
        if path:
            self.open_files([path])

    def open_files(self, paths: list[str], append: bool = False) -> None:
        """Read files on the runner, one after the other; the first replaces the editor's texts
        (unless ``append``), the others are added after it."""
        if not paths:
            return
        path, rest = str(paths[0]), list(paths[1:])
        self.last_folder = str(Path(path).parent)
        self.message.show_info(self.tr("Reading {0}…").format(Path(path).name))
        self.runner.submit(
            read_text_file, path, name=self.tr("Reading {0}").format(Path(path).name), group="text",
            on_result=lambda result: self._on_read(path, result, rest, append),
            on_error=lambda exc, details: self._on_failed(path, exc, details),
            on_cancel=self.message.clear,
        )

    def _on_failed(self, path: str, exc: BaseException, details: str) -> None:
        self.notifier.error(exc, details, inline=self.message)
        self.fileFailed.emit(path)

    def _on_read(self, path: str, result: Corpus | Table, rest: list[str], append: bool) -> None:
        if isinstance(result, Table):
            self.picker = picker = ColumnPickerDialog(result, self)
            picker.accepted.connect(lambda: self._accept_texts(path, picker.texts(), result.warnings, rest, append, picker.columns()))
            self.picker.rejected.connect(self.message.clear)
            self.picker.open()
            return
        self._accept_texts(path, result.texts, result.warnings, rest, append)

    def _accept_texts(self, path: str, texts: list[str], warnings: list[str], rest: list[str], append: bool,
                      columns: dict[str, list[str]] | None = None) -> None:
        if not texts:
            self.message.show_error(self.tr("{0}: that column has no texts; choose another column.").format(path))
            return
        before = self.texts() if append else []
        merged = {}
        if append:
            old = self.columns_for(before)
            for name in dict.fromkeys([*old, *(columns or {})]):
                merged[name] = old.get(name, [""] * len(before)) + (columns or {}).get(name, [""] * len(texts))
        else:
            merged = dict(columns or {})
        self.set_texts(before + texts, path, merged)
        if warnings:
            self.message.show_info("; ".join(warnings))
        self.fileLoaded.emit(path, len(texts))
        if rest:
            self.open_files(rest, append=True)

    # --- drag and drop ---------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() and not os.path.isdir(u.toLocalFile()) for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile() and not os.path.isdir(u.toLocalFile())]
        if files:
            event.acceptProposedAction()
            self.open_files(files)

"""The training panel's left column: the labelled file (preview, column choosers with guesses,
CSV options, class counts, warnings), the validation split, the base model, the method and its
hyperparameters (defaults from ``TrainParams``, each with a tooltip) and the output folder.

``params()`` turns the form into a ``TrainParams``; the panel runs it. This widget does no work
itself: it asks for a preview (``previewRequested``) when the file or its options change.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.checkpoints import DEFAULT_MODEL
from semvec_studio.core.errors import SemvecError
from semvec_studio.core.options import from_saved, saved_state
from semvec_studio.core.resources import demo_labelled_csv_path
from semvec_studio.core.train.params import MODEL, PROBE, TRAINING, VALIDATION, TrainParams
from semvec_studio.core.workspace.training import write_labelled
from semvec_studio.gui.forms import OptionsForm
from semvec_studio.gui.i18n import counted, translate
from semvec_studio.gui.notifier import InlineMessage

DEFAULTS = TrainParams()
CSV_FILTER = QT_TRANSLATE_NOOP("TrainingSetup", "Labelled tables (*.csv *.tsv *.txt);;All files (*)")
DELIMITERS = {"auto": None, ", (comma)": ",", "tab": "\t", "; (semicolon)": ";", "| (pipe)": "|"}
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "gb18030", "big5")
METHOD_NAMES = {"finetune": QT_TRANSLATE_NOOP("TrainingSetup", "Fine-tune the whole model"),
                "probe": QT_TRANSLATE_NOOP("TrainingSetup", "Linear probe (frozen encoder)")}
PREVIEW_SHOWN = 50
# fields with their own controls in the data and output boxes (file choosers, column choosers)
DATA_FIELDS = ("csv", "output", "text_column", "label_column", "delimiter", "encoding", "quoting", "val_csv")


def runs_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return Path(docs) / "SemVec Studio" / "runs"


class TrainingSetup(QWidget):
    previewRequested = Signal()  # the file, its reading options, the columns or the split changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last_folder = str(Path.home())
        self._output_auto = True  # the output folder follows the file until the user picks one
        self._building = True
        method = QComboBox()
        for value in DEFAULTS.__dataclass_fields__["method"].metadata["option"].choices:
            method.addItem(translate("TrainingSetup", METHOD_NAMES[value]) if value in METHOD_NAMES else value, value)
        self.form = OptionsForm(TrainParams, skip=DATA_FIELDS, custom={"method": method}, parent=self)
        self.form.changed.connect(self._on_form_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._data_box())
        layout.addWidget(self._model_box())
        layout.addWidget(self._output_box())
        layout.addStretch(1)
        self._on_method_changed()
        self._building = False

    # --- construction ----------------------------------------------------------------------------

    def _data_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Labelled data"))
        v = QVBoxLayout(box)
        row = QHBoxLayout()
        self.csv_edit = QLineEdit()
        self.csv_edit.setPlaceholderText(self.tr("a CSV/TSV file with a text column and a label column"))
        self.csv_edit.editingFinished.connect(self._on_path_edited)
        self.open_button = QPushButton(self.tr("Open…"))
        self.open_button.setToolTip(self.tr("Choose a labelled CSV or TSV file (one text and one label per row)."))
        self.open_button.clicked.connect(self.choose_csv)
        self.sample_button = QPushButton(self.tr("Sample"))
        self.sample_button.setToolTip(self.tr("Open the sample labelled file shipped with the app (280 short reviews, positive/negative)."))
        self.sample_button.clicked.connect(self.open_sample)
        self.workspace_button = QPushButton(self.tr("Workspace labels"))
        self.workspace_button.setToolTip(self.tr("Train on the labelled rows of the open workspace (written as text,label to its data folder)"))
        self.workspace_button.clicked.connect(self.use_workspace_labels)
        self.workspace_button.setEnabled(False)
        self.workspace = None  # the open workspace (the main window keeps it up to date)
        row.addWidget(self.csv_edit, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.sample_button)
        row.addWidget(self.workspace_button)
        v.addLayout(row)
        self.sample_button.setHidden(demo_labelled_csv_path() is None)  # only once parented: a parentless show() opens a window
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(120)
        self.table.setToolTip(self.tr("The first {0} rows of the file as they will be read.").format(PREVIEW_SHOWN))
        v.addWidget(self.table, 1)
        self.table_note = QLabel("")
        v.addWidget(self.table_note)
        form = QFormLayout()
        self.text_combo = QComboBox()
        self.text_combo.setToolTip(self.tr("The column with the texts to classify (guessed from names like 'text', 'sentence', 'review')."))
        self.label_combo = QComboBox()
        self.label_combo.setToolTip(self.tr("The column with the labels: any strings; each distinct value is a class."))
        for combo in (self.text_combo, self.label_combo):
            combo.currentIndexChanged.connect(self._request_preview)
        form.addRow(self.tr("Text column"), self.text_combo)
        form.addRow(self.tr("Label column"), self.label_combo)
        opts = QHBoxLayout()
        self.delimiter = QComboBox()
        self.delimiter.addItems(list(DELIMITERS))
        self.delimiter.setToolTip(self.tr("Field separator; 'auto' sniffs it (a .tsv file is tab-separated)."))
        self.encoding = QComboBox()
        self.encoding.addItems(list(ENCODINGS))
        self.encoding.setToolTip(self.tr("Text encoding; 'auto' reads UTF-8 (with or without BOM) and detects others, with a warning."))
        self.quoting = QCheckBox(self.tr("Quoted fields"))
        self.quoting.setChecked(True)
        self.quoting.setToolTip(self.tr("Untick for files whose texts contain bare \" characters and are not quoted (--no-quoting)."))
        for w in (self.delimiter, self.encoding):
            w.currentIndexChanged.connect(self._request_preview)
        self.quoting.toggled.connect(self._request_preview)
        opts.addWidget(self.delimiter)
        opts.addWidget(self.encoding)
        opts.addWidget(self.quoting)
        form.addRow(self.tr("Reading"), opts)
        split = QHBoxLayout()
        self.val_split = self.form["val_split"]
        self.val_edit = QLineEdit()
        self.val_edit.setPlaceholderText(self.tr("or a separate validation file"))
        self.val_edit.setToolTip(self.tr("A validation file with the same columns; when given, the split share is not used (--val-csv)."))
        self.val_edit.setClearButtonEnabled(True)
        self.val_edit.editingFinished.connect(self._on_val_edited)
        self.val_button = QPushButton("…")
        self.val_button.setToolTip(self.tr("Choose a validation file"))
        self.val_button.clicked.connect(self.choose_val_csv)
        split.addWidget(self.val_split)
        split.addWidget(self.val_edit, 1)
        split.addWidget(self.val_button)
        form.addRow(self.tr("Validation"), split)
        v.addLayout(form)
        self.counts = QLabel("")
        self.counts.setWordWrap(True)
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        v.addWidget(self.counts)
        self.message = InlineMessage()
        v.addWidget(self.message)
        return box

    def _model_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Model and settings"))
        form = QFormLayout(box)
        row = QHBoxLayout()
        self.model_edit = self.form["model"]
        self.model_button = QPushButton("…")
        self.model_button.setToolTip(self.tr("Choose a checkpoint folder"))
        self.model_button.clicked.connect(self.choose_model)
        row.addWidget(self.model_edit, 1)
        row.addWidget(self.model_button)
        form.addRow(self.form.label("model"), row)
        shown = ["method", *self.form.in_group(TRAINING, advanced=False), *self.form.in_group(VALIDATION, advanced=False),
                 *self.form.in_group(MODEL, advanced=False), *self.form.in_group(PROBE)]
        self._rows = {}
        for name in dict.fromkeys(shown):
            if name in ("model", "val_split"):
                continue
            form.addRow(self.form.label(name), self.form[name])
            self._rows[name] = self.form[name]
        more = QGroupBox(self.tr("More"))
        more.setCheckable(True)
        more.setChecked(False)
        more_form = QFormLayout(more)
        for name in self.form.in_group(TRAINING, advanced=True) + self.form.in_group("run", advanced=True):
            control = self.form[name]
            more_form.addRow("" if name in ("group_by_length", "keep_checkpoint") else self.form.label(name), control)
            self._rows[name] = control
        more.toggled.connect(lambda on: [w.setVisible(on) for w in more.findChildren(QWidget)])
        more.toggled.emit(False)
        form.addRow(more)
        self.more = more
        self._form = form
        self._more_form = more_form
        return box

    def _output_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Output folder"))
        row = QHBoxLayout(box)
        self.output_edit = QLineEdit()
        self.output_edit.setToolTip(self.tr("Where the model, loss.csv, metrics.json and params.json go. It is written atomically at every "
                                            "evaluation; a cancelled run can be resumed from it."))
        self.output_edit.textEdited.connect(lambda _t: setattr(self, "_output_auto", False))
        self.output_button = QPushButton("…")
        self.output_button.setToolTip(self.tr("Choose the output folder"))
        self.output_button.clicked.connect(self.choose_output)
        row.addWidget(self.output_edit, 1)
        row.addWidget(self.output_button)
        return box

    # --- user actions ------------------------------------------------------------------------------

    def choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a labelled file"), self.last_folder, translate("TrainingSetup", CSV_FILTER))
        if path:
            self.set_csv(path)

    def open_sample(self) -> None:
        path = demo_labelled_csv_path()
        if path is not None:
            self.set_csv(str(path))

    def choose_val_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a validation file"), self.last_folder, translate("TrainingSetup", CSV_FILTER))
        if path:
            self.val_edit.setText(path)
            self._on_val_edited()

    def choose_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the base checkpoint folder"), self.last_folder)
        if folder:
            self.model_edit.setText(folder)

    def choose_output(self) -> None:
        start = str(Path(self.output_edit.text() or runs_folder()).parent)
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the output folder"), start)
        if folder:
            self.output_edit.setText(folder)
            self._output_auto = False

    def set_workspace(self, ws) -> None:
        """The open workspace (None: none), whose labelled rows Workspace labels trains on."""
        self.workspace = ws
        self.workspace_button.setEnabled(ws is not None)

    def use_workspace_labels(self) -> bool:
        """Write the workspace's labelled rows as a training file and choose it."""
        if self.workspace is None:
            return False
        try:
            path, n = write_labelled(self.workspace)
        except SemvecError as exc:
            self.message.show_error(exc.for_gui())
            return False
        self.set_csv(str(path))
        self.message.show_info(self.tr("{0} of {1}, written to {2}").format(
            counted(n, self.tr("{0} labelled row"), self.tr("{0} labelled rows")), self.workspace.path.name, path))
        return True

    def set_csv(self, path: str) -> None:
        """Show ``path`` and ask for its preview; columns are guessed afresh."""
        self.csv_edit.setText(path)
        self.last_folder = str(Path(path).parent)
        for combo in (self.text_combo, self.label_combo):
            combo.blockSignals(True)
            combo.clear()
            combo.blockSignals(False)
        if self._output_auto:
            self.output_edit.setText(str(self.fresh_output()))
        self.previewRequested.emit()

    def fresh_output(self) -> Path:
        stem = Path(self.csv_edit.text()).stem or "run"
        return runs_folder() / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}"

    def _on_path_edited(self) -> None:
        if self.csv_edit.isModified():
            self.csv_edit.setModified(False)
            self.set_csv(self.csv_edit.text().strip())

    def _on_val_edited(self) -> None:
        self.val_split.setEnabled(not self.val_edit.text().strip())
        self._request_preview()

    def _request_preview(self, *_args) -> None:
        if not self._building and self.csv_edit.text().strip():
            self.previewRequested.emit()

    def _on_form_changed(self, name: str) -> None:
        if name == "method":
            self._on_method_changed()
        elif name in ("val_split", "seed"):
            self._request_preview()

    def _on_method_changed(self, *_args) -> None:
        probe = self.method_name() == "probe"
        probe_only = set(self.form.in_group(PROBE))
        finetune_only = set(self.form.in_group(TRAINING)) | set(self.form.in_group(VALIDATION)) - {"val_split"}
        finetune_only -= {"method", "max_length", "seed"}
        for name, control in self._rows.items():
            visible = not probe if name in finetune_only else probe if name in probe_only else True
            layout = self._form if self._form.indexOf(control) >= 0 else None
            if layout is not None:
                layout.setRowVisible(control, visible)
        self.more.setVisible(not probe)
        self._request_preview()

    # --- reading the form -----------------------------------------------------------------------

    def method_name(self) -> str:
        return self.form.value("method")

    def params(self, **overrides) -> TrainParams:
        """The form as ``TrainParams`` (columns None until the preview has filled the choosers)."""
        def text_of(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        return dataclasses.replace(DEFAULTS, **{
            **self.form.values(),
            "csv": self.csv_edit.text().strip(), "output": self.output_edit.text().strip(),
            "text_column": self.text_combo.currentText() or None, "label_column": self.label_combo.currentText() or None,
            "model": self.model_edit.text().strip() or DEFAULT_MODEL, "val_csv": text_of(self.val_edit),
            "delimiter": DELIMITERS[self.delimiter.currentText()],
            "encoding": None if self.encoding.currentText() == "auto" else self.encoding.currentText(),
            "quoting": self.quoting.isChecked(), **overrides,
        })

    def set_preview(self, preview) -> None:
        """Fill the table, the column choosers (keeping the user's choice), counts and warnings."""
        self.table.clear()
        self.table.setColumnCount(len(preview.header))
        self.table.setHorizontalHeaderLabels(preview.header)
        rows = preview.rows[:PREVIEW_SHOWN]
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, cell in enumerate(row[: len(preview.header)]):
                item = QTableWidgetItem(cell)
                item.setToolTip(cell[:500])
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for c in range(len(preview.header)):  # the text column takes the room the others leave
            text = preview.header[c] == preview.text_column
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if text else QHeaderView.ResizeMode.ResizeToContents)
        seps = {"\t": self.tr("tab-separated"), ",": self.tr("comma-separated"), ";": self.tr("semicolon-separated"),
                "|": self.tr("pipe-separated")}
        sep = seps.get(preview.delimiter) or self.tr("{0}-separated").format(repr(preview.delimiter))
        self.table_note.setText(self.tr("{0} rows · {1} · {2}").format(f"{preview.total_rows:,}", sep, preview.encoding))
        for combo, chosen in ((self.text_combo, preview.text_column), (self.label_combo, preview.label_column)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([""] + preview.header)
            combo.setCurrentIndex(combo.findText(chosen) if chosen else 0)
            combo.blockSignals(False)
        self.counts.setText(self.counts_text(preview.facts))
        lines = ([preview.problem] if preview.problem else []) + preview.warnings
        if preview.problem:
            self.message.show_error("\n".join(lines))
        elif lines:
            self.message.show_info("\n".join("• " + w for w in lines))
        else:
            self.message.clear()

    @staticmethod
    def counts_text(facts: dict) -> str:
        if not facts:
            return ""
        train, val = facts.get("class_counts", {}), facts.get("val_class_counts", {})
        classes = " · ".join(f"{k}: {v:,} + {val.get(k, 0):,}" for k, v in train.items())
        skipped = translate("TrainingSetup", " · {0} empty row(s) skipped").format(facts["skipped_empty"]) if facts.get("skipped_empty") else ""
        return translate("TrainingSetup", "{0}, {1} training + {2}{3}\nper class (train + validation): {4}").format(
            counted(len(train), translate("TrainingSetup", "{0} class"), translate("TrainingSetup", "{0} classes")), f"{facts['train_rows']:,}",
            counted(facts["val_rows"], translate("TrainingSetup", "{0} validation row"), translate("TrainingSetup", "{0} validation rows")),
            skipped, classes)

    def show_failure(self, text: str) -> None:
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.table_note.setText("")
        self.counts.setText("")
        self.message.show_error(text)

    # --- settings --------------------------------------------------------------------------------------

    def state(self) -> dict:
        """What the next session of the app starts with: every field the table marks ``saved``."""
        return {**saved_state(self.params()), "last_folder": self.last_folder}

    def restore(self, state: dict) -> None:
        """Put back what ``state()`` saved; unknown or bad values are ignored."""
        self._building = True
        try:
            self.form.set_values(saved_state(from_saved(DEFAULTS, state or {})))
            if isinstance((state or {}).get("last_folder"), str):
                self.last_folder = state["last_folder"]
        finally:
            self._building = False
        self._on_method_changed()

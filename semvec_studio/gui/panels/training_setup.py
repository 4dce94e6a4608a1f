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

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.models import DEFAULT_MODEL
from semvec_studio.core.resources import demo_labelled_csv_path
from semvec_studio.core.train.loop import METRICS, TrainParams
from semvec_studio.core.train.infer import PRECISIONS
from semvec_studio.gui.notifier import InlineMessage

DEFAULTS = TrainParams(csv="", output="")
CSV_FILTER = "Labelled tables (*.csv *.tsv *.txt);;All files (*)"
DELIMITERS = {"auto": None, ", (comma)": ",", "tab": "\t", "; (semicolon)": ";", "| (pipe)": "|"}
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16")
METHODS = {"Fine-tune the whole model": "finetune", "Linear probe (frozen encoder)": "probe"}
DEVICES = ("auto", "cpu", "cuda", "mps")
PREVIEW_SHOWN = 50


def runs_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    return Path(docs) / "SemVec Studio" / "runs"


def _spin(lo: int, hi: int, value: int, tip: str, special: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    box.setToolTip(tip)
    if special:
        box.setSpecialValueText(special)
    return box


def _dspin(lo: float, hi: float, value: float, step: float, decimals: int, tip: str, special: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    box.setToolTip(tip)
    if special:
        box.setSpecialValueText(special)  # shown at the minimum
    return box


class TrainingSetup(QWidget):
    previewRequested = Signal()  # the file, its reading options, the columns or the split changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last_folder = str(Path.home())
        self._output_auto = True  # the output folder follows the file until the user picks one
        self._building = True
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
        box = QGroupBox("Labelled data")
        v = QVBoxLayout(box)
        row = QHBoxLayout()
        self.csv_edit = QLineEdit()
        self.csv_edit.setPlaceholderText("a CSV/TSV file with a text column and a label column")
        self.csv_edit.editingFinished.connect(self._on_path_edited)
        self.open_button = QPushButton("Open…")
        self.open_button.setToolTip("Choose a labelled CSV or TSV file (one text and one label per row).")
        self.open_button.clicked.connect(self.choose_csv)
        self.sample_button = QPushButton("Sample")
        self.sample_button.setToolTip("Open the sample labelled file shipped with the app (280 short reviews, positive/negative).")
        self.sample_button.clicked.connect(self.open_sample)
        row.addWidget(self.csv_edit, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.sample_button)
        v.addLayout(row)
        self.sample_button.setHidden(demo_labelled_csv_path() is None)  # only once parented: a parentless show() opens a window
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(120)
        self.table.setToolTip(f"The first {PREVIEW_SHOWN} rows of the file as they will be read.")
        v.addWidget(self.table, 1)
        self.table_note = QLabel("")
        v.addWidget(self.table_note)
        form = QFormLayout()
        self.text_combo = QComboBox()
        self.text_combo.setToolTip("The column with the texts to classify (guessed from names like 'text', 'sentence', 'review').")
        self.label_combo = QComboBox()
        self.label_combo.setToolTip("The column with the labels: any strings; each distinct value is a class.")
        for combo in (self.text_combo, self.label_combo):
            combo.currentIndexChanged.connect(self._request_preview)
        form.addRow("Text column", self.text_combo)
        form.addRow("Label column", self.label_combo)
        opts = QHBoxLayout()
        self.delimiter = QComboBox()
        self.delimiter.addItems(list(DELIMITERS))
        self.delimiter.setToolTip("Field separator; 'auto' sniffs it (a .tsv file is tab-separated).")
        self.encoding = QComboBox()
        self.encoding.addItems(list(ENCODINGS))
        self.encoding.setToolTip("Text encoding; 'auto' reads UTF-8 (with or without BOM) and detects others, with a warning.")
        self.quoting = QCheckBox("Quoted fields")
        self.quoting.setChecked(True)
        self.quoting.setToolTip("Untick for files whose texts contain bare \" characters and are not quoted (--no-quoting).")
        for w in (self.delimiter, self.encoding):
            w.currentIndexChanged.connect(self._request_preview)
        self.quoting.toggled.connect(self._request_preview)
        opts.addWidget(self.delimiter)
        opts.addWidget(self.encoding)
        opts.addWidget(self.quoting)
        form.addRow("Reading", opts)
        split = QHBoxLayout()
        self.val_split = _dspin(0.05, 0.5, DEFAULTS.val_split, 0.05, 2,
                                "Share of the rows held out for validation, stratified by class and seeded (--val-split).")
        self.val_split.valueChanged.connect(self._request_preview)
        self.val_edit = QLineEdit()
        self.val_edit.setPlaceholderText("or a separate validation file")
        self.val_edit.setToolTip("A validation file with the same columns; when given, the split share is not used (--val-csv).")
        self.val_edit.setClearButtonEnabled(True)
        self.val_edit.editingFinished.connect(self._on_val_edited)
        self.val_button = QPushButton("…")
        self.val_button.setToolTip("Choose a validation file")
        self.val_button.clicked.connect(self.choose_val_csv)
        split.addWidget(self.val_split)
        split.addWidget(self.val_edit, 1)
        split.addWidget(self.val_button)
        form.addRow("Validation", split)
        v.addLayout(form)
        self.counts = QLabel("")
        self.counts.setWordWrap(True)
        self.counts.setTextFormat(Qt.TextFormat.PlainText)
        v.addWidget(self.counts)
        self.message = InlineMessage()
        v.addWidget(self.message)
        return box

    def _model_box(self) -> QGroupBox:
        box = QGroupBox("Model and settings")
        form = QFormLayout(box)
        row = QHBoxLayout()
        self.model_edit = QLineEdit(DEFAULT_MODEL)
        self.model_edit.setToolTip("The checkpoint to start from: 'default' (the bundled all-MiniLM-L6-v2) or a local Hugging Face folder.")
        self.model_button = QPushButton("…")
        self.model_button.setToolTip("Choose a checkpoint folder")
        self.model_button.clicked.connect(self.choose_model)
        row.addWidget(self.model_edit, 1)
        row.addWidget(self.model_button)
        form.addRow("Base model", row)
        self.method = QComboBox()
        self.method.addItems(list(METHODS))
        self.method.setToolTip("Fine-tune: train every weight (minutes; best results). Linear probe: a logistic regression on the "
                               "frozen model's pooled vectors (seconds; a quick baseline).")
        self.method.currentIndexChanged.connect(self._on_method_changed)
        form.addRow("Method", self.method)
        d = DEFAULTS
        self.epochs = _spin(1, 100, d.epochs, "Passes over the training rows (--epochs).")
        self.lr = _dspin(1e-6, 1e-2, d.lr, 1e-5, 6, "Peak learning rate of AdamW after the warm-up (--lr). 1e-4 suits small models; "
                         "large ones prefer 2e-5.")
        self.batch = _spin(1, 1024, d.batch_size, "Texts per step (--batch-size). Lower it if memory runs out.")
        self.max_length = _spin(8, 8192, d.max_length, "Longer texts are cut to this many tokens (--max-length).")
        self.weight_decay = _dspin(0, 1, d.weight_decay, 0.01, 3, "AdamW weight decay; not applied to biases and LayerNorm (--weight-decay).")
        self.warmup = _dspin(0, 0.9, d.warmup, 0.05, 2, "Fraction of the steps spent raising the learning rate from 0 (--warmup).")
        self.eval_every = _spin(0, 1_000_000, 0, "Evaluate every N steps; 'each epoch' evaluates at the end of every epoch (--eval-every).",
                                "each epoch")
        self.patience = _spin(0, 1000, d.patience or 0, "Stop after this many evaluations without improvement (--patience).", "never stop early")
        self.average = _dspin(0, 0.9999, d.average, 0.001, 4, "Evaluate and keep a moving average of the weights, this decay per "
                              "step (~1/(1-decay) steps; 0.995: ~200): steadier than any single step's weights (--average). "
                              "0: the raw weights.", "raw weights")
        self.ties = _dspin(0, 10, d.ties_within, 0.5, 2, "Validation figures within this many standard errors of the best are "
                           "ties (a small validation set cannot order them); the latest of them is kept (--ties-within). "
                           "0: strictly the best.", "strictly the best")
        self.metric_combo = QComboBox()
        self.metric_combo.addItems(list(METRICS))
        self.metric_combo.setToolTip("Picks the best checkpoint and drives early stopping (--metric). macro-F1 treats every class equally.")
        self.seed = _spin(0, 2**31 - 1, d.seed, "Seeds the split, the batch order and the new classifier head (--seed).")
        self.precision = QComboBox()
        self.precision.addItems(list(PRECISIONS))
        self.precision.setToolTip("auto: bfloat16 autocast only where the hardware computes bf16 natively (recent GPUs, AMX CPUs); "
                                  "elsewhere float32, which is faster there (--precision).")
        self.device = QComboBox()
        self.device.addItems(list(DEVICES))
        self.device.setToolTip("Where to train: auto picks a GPU when there is one (--device).")
        self.layer = _spin(-64, 64, d.layer, "Probe: which layer's vectors (-1 = last, 0 = embeddings) (--layer).")
        self.probe_c = _dspin(1e-4, 1e4, d.probe_c, 0.5, 4, "Probe: inverse regularisation strength of the logistic regression (--probe-c).")
        self._finetune_rows = []
        for label, w in (("Epochs", self.epochs), ("Learning rate", self.lr), ("Batch size", self.batch), ("Weight decay", self.weight_decay),
                         ("Warm-up", self.warmup), ("Evaluate", self.eval_every), ("Patience", self.patience), ("Best by", self.metric_combo),
                         ("Ties within (SE)", self.ties), ("Average", self.average),
                         ("Precision", self.precision)):
            form.addRow(label, w)
            self._finetune_rows.append(w)
        form.addRow("Max length", self.max_length)
        form.addRow("Seed", self.seed)
        form.addRow("Device", self.device)
        self._probe_rows = []
        for label, w in (("Probe layer", self.layer), ("Probe C", self.probe_c)):
            form.addRow(label, w)
            self._probe_rows.append(w)
        self._form = form
        return box

    def _output_box(self) -> QGroupBox:
        box = QGroupBox("Output folder")
        row = QHBoxLayout(box)
        self.output_edit = QLineEdit()
        self.output_edit.setToolTip("Where the model, loss.csv, metrics.json and params.json go. It is written atomically at every "
                                    "evaluation; a cancelled run can be resumed from it.")
        self.output_edit.textEdited.connect(lambda _t: setattr(self, "_output_auto", False))
        self.output_button = QPushButton("…")
        self.output_button.setToolTip("Choose the output folder")
        self.output_button.clicked.connect(self.choose_output)
        row.addWidget(self.output_edit, 1)
        row.addWidget(self.output_button)
        return box

    # --- user actions ------------------------------------------------------------------------------

    def choose_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a labelled file", self.last_folder, CSV_FILTER)
        if path:
            self.set_csv(path)

    def open_sample(self) -> None:
        path = demo_labelled_csv_path()
        if path is not None:
            self.set_csv(str(path))

    def choose_val_csv(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a validation file", self.last_folder, CSV_FILTER)
        if path:
            self.val_edit.setText(path)
            self._on_val_edited()

    def choose_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose the base checkpoint folder", self.last_folder)
        if folder:
            self.model_edit.setText(folder)

    def choose_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose the output folder", str(Path(self.output_edit.text() or runs_folder()).parent))
        if folder:
            self.output_edit.setText(folder)
            self._output_auto = False

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

    def _on_method_changed(self, *_args) -> None:
        probe = self.method_name() == "probe"
        for w in self._finetune_rows:
            self._form.setRowVisible(w, not probe)
        for w in self._probe_rows:
            self._form.setRowVisible(w, probe)
        self._request_preview()

    # --- reading the form -----------------------------------------------------------------------

    def method_name(self) -> str:
        return METHODS[self.method.currentText()]

    def params(self, **overrides) -> TrainParams:
        """The form as ``TrainParams`` (columns None until the preview has filled the choosers)."""
        def text_of(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        return dataclasses.replace(DEFAULTS, **{
            "csv": self.csv_edit.text().strip(), "output": self.output_edit.text().strip(),
            "text_column": self.text_combo.currentText() or None, "label_column": self.label_combo.currentText() or None,
            "model": self.model_edit.text().strip() or DEFAULT_MODEL, "val_csv": text_of(self.val_edit),
            "val_split": round(self.val_split.value(), 4), "delimiter": DELIMITERS[self.delimiter.currentText()],
            "encoding": None if self.encoding.currentText() == "auto" else self.encoding.currentText(),
            "quoting": self.quoting.isChecked(), "method": self.method_name(), "epochs": self.epochs.value(), "lr": self.lr.value(),
            "batch_size": self.batch.value(), "max_length": self.max_length.value(), "weight_decay": self.weight_decay.value(),
            "warmup": self.warmup.value(), "eval_every": self.eval_every.value() or None, "patience": self.patience.value() or None,
            "metric": self.metric_combo.currentText(), "average": round(self.average.value(), 6), "ties_within": self.ties.value(),
            "seed": self.seed.value(), "precision": self.precision.currentText(),
            "device": self.device.currentText(), "layer": self.layer.value(), "probe_c": self.probe_c.value(), **overrides,
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
        sep = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(preview.delimiter, repr(preview.delimiter))
        self.table_note.setText(f"{preview.total_rows:,} rows · {sep}-separated · {preview.encoding}")
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
        skipped = f" · {facts['skipped_empty']} empty row(s) skipped" if facts.get("skipped_empty") else ""
        return (f"{len(train)} classes, {facts['train_rows']:,} training + {facts['val_rows']:,} validation rows{skipped}\n"
                f"per class (train + validation): {classes}")

    def show_failure(self, text: str) -> None:
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.table_note.setText("")
        self.counts.setText("")
        self.message.show_error(text)

    # --- settings --------------------------------------------------------------------------------------

    def state(self) -> dict:
        p = self.params()
        keep = ("model", "method", "epochs", "lr", "batch_size", "max_length", "weight_decay", "warmup", "eval_every", "patience",
                "metric", "seed", "precision", "device", "layer", "probe_c", "val_split")
        return {**{k: getattr(p, k) for k in keep}, "last_folder": self.last_folder}

    def restore(self, state: dict) -> None:
        """Put back what ``state()`` saved; unknown or bad values are ignored."""
        self._building = True
        try:
            setters = {
                "model": lambda v: self.model_edit.setText(str(v)),
                "method": lambda v: self.method.setCurrentIndex(list(METHODS.values()).index(v)),
                "epochs": self.epochs.setValue, "lr": self.lr.setValue, "batch_size": self.batch.setValue,
                "max_length": self.max_length.setValue, "weight_decay": self.weight_decay.setValue, "warmup": self.warmup.setValue,
                "eval_every": lambda v: self.eval_every.setValue(v or 0), "patience": lambda v: self.patience.setValue(v or 0),
                "metric": lambda v: self.metric_combo.setCurrentIndex(self.metric_combo.findText(v)),
                "seed": self.seed.setValue, "precision": lambda v: self.precision.setCurrentIndex(self.precision.findText(v)),
                "device": lambda v: self.device.setCurrentIndex(self.device.findText(v)), "layer": self.layer.setValue,
                "probe_c": self.probe_c.setValue, "val_split": self.val_split.setValue,
                "last_folder": lambda v: setattr(self, "last_folder", str(v)),
            }
            for key, value in (state or {}).items():
                try:
                    if key in setters and value is not None:
                        setters[key](value)
                except (TypeError, ValueError):
                    continue
        finally:
            self._building = False
        self._on_method_changed()

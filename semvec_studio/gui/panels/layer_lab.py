"""The Layer lab: what each layer of the current model gives, as curves and a table.

One job on the app's runner (:func:`semvec_studio.core.compare.layers.run`, one forward pass with
every layer) measures, for every layer and the mean of the last four: linear-probe accuracy on the
current texts' labels with its control task and selectivity, word-similarity Spearman on a
word-pair file (WordSim-353, SimLex-999 or MEN, read on the runner), anisotropy and CKA to the last
layer. The curves export as PNG or SVG (pyqtgraph's exporters), the table as CSV. Bad input (an
unreadable pair file, texts without labels) is one line in the view.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.atomic import atomic_file
from semvec_studio.core.compare.layers import LayerLabParams, LayerLabResult, LayerRow
from semvec_studio.core.compare.layers import run as run_lab
from semvec_studio.core.compare.wordpairs import read_word_pairs
from semvec_studio.core.errors import OutputError, SemvecError
from semvec_studio.gui.notifier import InlineMessage
from semvec_studio.gui.panels.job_status import JobStatus, report_job_error
from semvec_studio.gui.plots.layer_curves import LayerCurves, Series

GROUP = "layer-lab"
# shown translated (context "LayerLabView")
PAIR_FILTER = QT_TRANSLATE_NOOP("LayerLabView", "Word pairs (*.csv *.tsv *.txt);;All files (*)")
PROBE_TIP = QT_TRANSLATE_NOOP("LayerLabView", "A linear probe (a logistic regression on each layer's mean-pooled text vectors, "
                              "cross-validated over the folds) with a control task of random labels fixed per word type; "
                              "selectivity = accuracy - control.")
NO_LABELS_TIP = QT_TRANSLATE_NOOP("LayerLabView", "The current texts have no label column: label them in the Data view (or open a "
                                  "labelled CSV) to probe them.")
LABEL_CANDIDATES = ("label", "labels", "class", "category", "tags", "target")


def _metric(name, get, light, dark, dash=False):
    return {"name": name, "get": get, "colors": (light, dark), "dash": dash}


# (name, value of a LayerRow or None, colour on light / dark, dashed): one curve and one column each
METRICS = (
    _metric(QT_TRANSLATE_NOOP("LayerLabView", "probe accuracy"), lambda r: r.probe.accuracy if r.probe else None, "#1f77b4", "#6baed6"),
    _metric(QT_TRANSLATE_NOOP("LayerLabView", "control"), lambda r: r.probe.control if r.probe else None, "#7f7f7f", "#bdbdbd", True),
    _metric(QT_TRANSLATE_NOOP("LayerLabView", "selectivity"), lambda r: r.probe.selectivity if r.probe else None, "#2ca02c", "#74c476"),
    _metric(QT_TRANSLATE_NOOP("LayerLabView", "word-sim. Spearman"), lambda r: r.word_similarity.spearman if r.word_similarity else None,
            "#d62728", "#fc8d59"),
    _metric(QT_TRANSLATE_NOOP("LayerLabView", "anisotropy"), lambda r: r.anisotropy, "#9467bd", "#bcbddc", True),
    _metric(QT_TRANSLATE_NOOP("LayerLabView", "CKA to last"), lambda r: r.cka_to_last, "#ff7f0e", "#fdae6b"),
)
# the table's columns (and the CSV export's header, in English); shown translated
TABLE_HEADERS = (QT_TRANSLATE_NOOP("LayerLabView", "layer"), "probe accuracy", "control", "selectivity", "word-sim. Spearman",
                 QT_TRANSLATE_NOOP("LayerLabView", "pairs covered"), "anisotropy", "CKA to last")


def _job(params: LayerLabParams, pairs_path: str | None, *, lm=None, ctx=None) -> LayerLabResult:
    """The lab on the runner: the pair file is read here, so a bad one is an error of the job."""
    if pairs_path:
        params = dataclasses.replace(params, word_pairs=read_word_pairs(pairs_path))
    return run_lab(params, ctx, lm=lm)


def row_cells(row: LayerRow) -> list:
    """One table line: the layer, then the numbers (None where not measured)."""
    ws = row.word_similarity
    values = [m["get"](row) for m in METRICS]
    covered = f"{ws.covered}/{ws.pairs}" if ws else None
    return [row.layer, *values[:4], covered, *values[4:]]


class LayerLabView(QWidget):
    """``LayerLabView(runner, parent, notifier=None)``; the window calls ``set_model(lm)`` and
    ``set_texts(texts, columns)`` (columns: name -> one value per text, e.g. the table's labels).
    ``run()`` (or the Run button) starts the job and returns its id.

    Signals: ``finished(LayerLabResult)``, ``failed(str)`` with the message shown, ``cancelled()``."""

    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, runner, parent: QWidget | None = None, *, notifier=None) -> None:
        super().__init__(parent)
        self.runner, self.notifier = runner, notifier
        self.lm = None
        self.texts: list[str] = []
        self.columns: dict[str, list[str]] = {}
        self.result: LayerLabResult | None = None
        self._job: int | None = None
        self._build()

    # --- construction ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.pairs_edit = QLineEdit()
        self.pairs_edit.setPlaceholderText(self.tr("optional: a WordSim-353 CSV, SimLex-999 TSV or MEN file"))
        self.pairs_edit.setClearButtonEnabled(True)
        self.pairs_edit.setToolTip(self.tr("Word pairs with human similarity scores: each layer's whole-word vectors (each word "
                                           "given alone) are scored by the Spearman correlation of their cosines with the scores."))
        self.browse = QToolButton()
        self.browse.setText(self.tr("Browse…"))
        self.browse.clicked.connect(self.choose_pairs)
        self.probe = QCheckBox(self.tr("Probe the labels of the current texts"))
        self.probe.setToolTip(self.tr(PROBE_TIP))
        self.label_column = QComboBox()
        self.label_column.setMinimumContentsLength(8)
        self.label_column.setToolTip(self.tr("The column of the table holding each text's label"))
        self.tags = QCheckBox(self.tr("a tag per word"))
        self.tags.setToolTip(self.tr("The label cell holds one tag per whole word of the text, separated by spaces (e.g. part of "
                                     "speech): the probe reads the words' vectors, and the control gives each word type one random tag"))
        self.folds = QSpinBox()
        self.folds.setRange(2, 20)
        self.folds.setValue(5)
        self.folds.setToolTip(self.tr("Cross-validation folds of the probe"))
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setToolTip(self.tr("Measure every layer of the current model (one forward pass)."))
        self.run_button.clicked.connect(lambda: self.run())
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.status = JobStatus(self.runner)
        self.progress, self.progress_label = self.status.bar, self.status.label
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel(self.tr("Word pairs")), 0, 0)
        pairs = QHBoxLayout()
        pairs.addWidget(self.pairs_edit, 1)
        pairs.addWidget(self.browse)
        grid.addLayout(pairs, 0, 1, 1, 4)
        grid.addWidget(self.run_button, 0, 5)
        grid.addWidget(self.probe, 1, 0, 1, 2)
        probe_row = QHBoxLayout()
        probe_row.addWidget(QLabel(self.tr("label column")))
        probe_row.addWidget(self.label_column)
        probe_row.addWidget(QLabel(self.tr("folds")))
        probe_row.addWidget(self.folds)
        probe_row.addStretch(1)
        grid.addLayout(probe_row, 1, 2, 1, 3)
        grid.addWidget(self.cancel_button, 1, 5)
        grid.addWidget(self.tags, 2, 0, 1, 2)  # its own line: the window must fit a 1,024-pixel screen
        grid.addWidget(self.status, 2, 2, 1, 4)
        grid.setColumnStretch(1, 1)
        self.message = InlineMessage()
        self.summary = QLabel(self.tr("Choose a word-pair file, or tick the probe to use the current texts' labels, then press Run."))
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.curves = LayerCurves(self)
        self.table = QTableWidget(0, len(TABLE_HEADERS))
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in TABLE_HEADERS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # every header whole (Stretch cut the long ones)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        exports = QHBoxLayout()
        exports.addWidget(QLabel(self.tr("Export")))
        self.png_button, self.svg_button, self.csv_button = QPushButton("PNG…"), QPushButton("SVG…"), QPushButton("CSV…")
        for button, kind in ((self.png_button, "png"), (self.svg_button, "svg"), (self.csv_button, "csv")):
            button.setEnabled(False)
            button.clicked.connect(lambda _=False, k=kind: self.choose_export(k))
            exports.addWidget(button)
        exports.addStretch(1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.curves)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setSizes([440, 240])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(grid)
        lay.addWidget(self.message)
        lay.addWidget(self.summary)
        lay.addWidget(self.splitter, 1)
        lay.addLayout(exports)
        self._update_probe_controls()

    # --- inputs from the window -----------------------------------------------------------------

    def set_model(self, lm) -> None:
        self.lm = lm

    def set_texts(self, texts, columns: dict[str, list[str]] | None = None) -> None:
        """The current texts and the table's columns (one value per text); a label column among
        them is offered for the probe."""
        self.texts = [str(t) for t in texts]
        self.columns = {name: list(values) for name, values in (columns or {}).items() if len(values) == len(self.texts)}
        keep = self.label_column.currentText()
        self.label_column.clear()
        names = [n for n in self.columns if n.lower() != "id"]
        self.label_column.addItems(names)
        preferred = next((n for n in names if n == keep), None) or next((n for n in names if n.lower() in LABEL_CANDIDATES), None)
        if preferred:
            self.label_column.setCurrentText(preferred)
            self.probe.setChecked(True)
        self._update_probe_controls()

    def set_word_pairs(self, path: str) -> None:
        self.pairs_edit.setText(str(path))

    def choose_pairs(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open a word-pair file"), str(Path(self.pairs_edit.text()).parent)
                                              if self.pairs_edit.text() else "", self.tr(PAIR_FILTER))
        if path:
            self.set_word_pairs(path)

    def _update_probe_controls(self) -> None:
        has = self.label_column.count() > 0
        self.label_column.setEnabled(has)
        self.probe.setToolTip(self.tr(PROBE_TIP) if has else self.tr(NO_LABELS_TIP))

    # --- running --------------------------------------------------------------------------------

    def running(self) -> bool:
        return self._job is not None

    def params(self) -> tuple[LayerLabParams, str | None]:
        """What to measure, as the controls say (check :meth:`problem` first), and the pair file's
        path (read on the runner). Texts without a label are left out of the probe."""
        pairs = self.pairs_edit.text().strip() or None
        texts, labels = (), None
        if self.probe.isChecked():
            column = self.columns.get(self.label_column.currentText(), [])
            kept = [(t, str(v).strip()) for t, v in zip(self.texts, column) if str(v or "").strip()]
            texts, labels = tuple(t for t, _ in kept), tuple(v for _, v in kept)
        if labels is not None and self.tags.isChecked():
            return LayerLabParams(texts=texts, tags=tuple(tuple(v.split()) for v in labels), word_pairs=None,
                                  folds=self.folds.value()), pairs
        return LayerLabParams(texts=texts, labels=labels, word_pairs=None, folds=self.folds.value()), pairs

    def problem(self) -> str:
        """Why the lab cannot run as the controls say ("" when it can)."""
        if self.lm is None:
            return self.tr("No model is loaded yet: load one first.")
        pairs = self.pairs_edit.text().strip()
        if pairs and not Path(pairs).is_file():
            return self.tr("{0}: no such file; choose a WordSim-353 CSV, SimLex-999 TSV or MEN file.").format(pairs)
        if self.probe.isChecked():
            if not self.texts:
                return self.tr("No texts to probe: put some labelled texts in the editor (or open a labelled CSV) first.")
            column = self.label_column.currentText()
            if not column or not any(str(v or "").strip() for v in self.columns.get(column, [])):
                return self.tr("The current texts have no labels: label them in the Data view or open a labelled CSV, "
                               "or untick the probe.")
        elif not pairs:
            return self.tr("Nothing to measure: choose a word-pair file, or tick the probe to use the current texts' labels.")
        return ""

    def run(self) -> int | None:
        """Start the lab on the runner; returns the job id, or None (the reason shown)."""
        self.message.clear()
        problem = self.problem()
        if problem:
            self.message.show_error(problem)
            self.failed.emit(problem)
            return None
        params, pairs = self.params()
        params = dataclasses.replace(params, device=self.lm.device)
        self._job = self.runner.submit(_job, params, pairs, lm=self.lm, name=self.tr("Layer lab"), group=GROUP,
                                       on_result=self._on_result, on_error=self._on_error, on_cancel=self._on_cancel)
        self._set_running(True)
        return self._job

    def cancel(self) -> None:
        if self._job is not None:
            self.runner.cancel(self._job)
            self.status.cancelling()

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.status.begin(self._job)
        else:
            self._job = None

    def _on_result(self, result: LayerLabResult) -> None:
        self._set_running(False)
        self.status.end(self.tr("Done."), done=True)
        self.show_result(result)
        self.finished.emit(result)

    def _on_error(self, exc: BaseException, details: str) -> None:
        self._set_running(False)
        self.status.end("", done=False)
        self.failed.emit(report_job_error(exc, details, self.message, self.notifier))

    def _on_cancel(self) -> None:
        self._set_running(False)
        self.status.end(self.tr("Cancelled."), done=False)
        self.message.show_info(self.tr("Layer lab cancelled."))
        self.cancelled.emit()

    # --- showing ----------------------------------------------------------------------------------

    def show_result(self, result: LayerLabResult) -> None:
        self.result = result
        rows = result.rows
        n_layers = len(rows) - 1  # the last row is the mean of the last few layers
        labels = [str(r.layer) for r in rows]
        if labels[-1].startswith("mean of last"):
            labels[-1] = self.tr("mean {0}").format(labels[-1][len("mean of "):]).replace(" ", "\u2009")
        self.curves.set_series([Series(self.tr(m["name"]), tuple(m["get"](r) for r in rows), *m["colors"], m["dash"]) for m in METRICS],
                               labels)
        self._fill_table(rows)
        facts = result.facts
        parts = [self.tr("{0}: {1} layers").format(facts.get("model", self.tr("model")), facts.get("layers", n_layers))]
        if "probe_rows" in facts:
            dropped = facts.get("dropped_rows")
            parts.append(self.tr("probe on {0} labelled texts").format(f"{facts['probe_rows']:,}")
                         + (self.tr(" ({0} in classes too small for the folds left out)").format(dropped) if dropped else ""))
        if "words" in facts:
            parts.append(self.tr("{0} words from the pair file").format(f"{facts['words']:,}"))
        parts.append(self.tr("{0} rows for anisotropy and CKA · {1} s").format(f"{facts.get('rows', 0):,}", f"{facts.get('seconds', 0):.1f}"))
        self.summary.setText(" · ".join(parts))
        for button in (self.png_button, self.svg_button, self.csv_button):
            button.setEnabled(True)

    def _fill_table(self, rows) -> None:
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for c, value in enumerate(row_cells(row)):
                if c == 0:
                    text = self.tr("0 (embeddings)") if value == 0 else str(value)
                elif value is None or (isinstance(value, float) and not math.isfinite(value)):
                    text = "–"
                else:
                    text = value if isinstance(value, str) else (f"{value:+.3f}" if TABLE_HEADERS[c] == "selectivity" else f"{value:.3f}")
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, c, item)

    # --- export -----------------------------------------------------------------------------------

    def choose_export(self, kind: str) -> None:
        filters = {"png": self.tr("PNG image (*.png)"), "svg": self.tr("SVG drawing (*.svg)"), "csv": self.tr("CSV table (*.csv)")}
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the layer lab as {0}").format(kind.upper()),
                                              str(Path.home() / f"layer-lab.{kind}"),
                                              filters[kind])
        if not path:
            return
        if not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        try:
            {"png": self.export_png, "svg": self.export_svg, "csv": self.export_csv}[kind](path)
        except SemvecError as exc:
            self.message.show_error(exc.for_gui())
            return
        except OSError as exc:
            self.message.show_error(self.tr("{0}: cannot write it ({1}); choose another place.").format(path, exc.strerror or exc))
            return
        self.message.show_info(self.tr("Saved {0}").format(path))

    def export_png(self, path: str, width: int | None = None) -> None:
        self.curves.export(path if str(path).lower().endswith(".png") else f"{path}.png", width)

    def export_svg(self, path: str) -> None:
        self.curves.export(path if str(path).lower().endswith(".svg") else f"{path}.svg")

    def export_csv(self, path: str) -> int:
        """The table as CSV (numbers unrounded, empty where not measured); returns the rows written."""
        if self.result is None:
            raise OutputError("nothing to export yet: run the layer lab first.")
        with atomic_file(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(TABLE_HEADERS)
            for row in self.result.rows:
                writer.writerow(["" if v is None or (isinstance(v, float) and not math.isfinite(v)) else v for v in row_cells(row)])
        return len(self.result.rows)

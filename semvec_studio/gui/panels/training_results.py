"""What the training panel shows when a run ends: the metrics table, the confusion matrix, the
misclassified validation texts (most confident first) and the before/after maps of the same
validation texts embedded by the base and the trained model, coloured by label."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.gui.plots.heatmap import Heatmap
from semvec_studio.gui.plots.style import axis_label, style_plot

# Tableau 10: distinct in light and dark themes; more classes than colours reuse them.
CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
MISCLASSIFIED_SHOWN = 500


def _item(value, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(value if isinstance(value, str) else f"{value:.4f}" if isinstance(value, float) else str(value))
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(columns: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(columns))
    t.setHorizontalHeaderLabels(columns)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    return t


class TrainingReport(QWidget):
    useModelRequested = Signal(str)  # the output folder
    suggestRequested = Signal(str)  # the output folder: its predictions become the open workspace's suggestions

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = ""
        self.headline = QLabel(self.tr("The report appears when a run ends."))
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.use_button = QPushButton(self.tr("Use this model in the workbench"))
        self.use_button.setToolTip(self.tr("Load the fine-tuned checkpoint as the workbench's model: its token, word and sentence vectors."))
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(lambda: self.useModelRequested.emit(self.path))
        self.suggest_button = QPushButton(self.tr("Suggest labels with this model"))
        self.suggest_button.setToolTip(self.tr("Predict every row of the open workspace with this classifier: its predictions become "
                                               "the suggestions of the Data view, the map and the review (until Suggest now)"))
        self.suggest_button.setEnabled(False)
        self.suggest_button.clicked.connect(lambda: self.suggestRequested.emit(self.path))
        self.use_note = QLabel(self.tr("A linear probe leaves the encoder unchanged, so the workbench would show the base model's "
                                       "vectors; fine-tune to get a model of its own."))
        self.use_note.setWordWrap(True)
        self.use_note.hide()
        use = QVBoxLayout()
        use.addWidget(self.use_button)
        use.addWidget(self.suggest_button)
        use.addWidget(self.use_note)
        top = QHBoxLayout()
        top.addWidget(self.headline, 2)
        top.addLayout(use, 1)
        self.metrics_table = _table([self.tr("class"), self.tr("precision"), self.tr("recall"), self.tr("F1"), self.tr("support")])
        self.metrics_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.confusion = Heatmap(value_name=self.tr("count"), annotate_max=12, value_format="{:.0f}")
        self.confusion.setMinimumHeight(200)
        self.misclassified = _table([self.tr("text"), self.tr("true"), self.tr("predicted"), self.tr("confidence")])
        self.misclassified.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.misclassified.setWordWrap(False)
        self.mis_title = QLabel(self.tr("Misclassified validation texts"))
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(self.metrics_table)
        upper.addWidget(self.confusion)
        upper.setSizes([300, 300])
        lower = QWidget()
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.mis_title)
        lv.addWidget(self.misclassified, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

    def show_metrics(self, metrics: dict, path: str, method: str) -> None:
        """The run's metrics.json (best checkpoint's validation report)."""
        self.path = path
        self.use_button.setEnabled(method == "finetune")
        self.suggest_button.setEnabled(bool(path))
        self.use_note.setVisible(method != "finetune")
        names = metrics.get("labels", [])
        best = self.tr(" (kept: step {0})").format(metrics["best_step"]) if metrics.get("best_step") else ""
        self.headline.setText(self.tr("{0}{1} · validation accuracy {2} · macro-F1 {3} · loss {4} · {5} rows · {6} s\n{7}").format(
            metrics.get("status", "finished"), best, f"{metrics.get('accuracy', float('nan')):.4f}",
            f"{metrics.get('macro_f1', float('nan')):.4f}", f"{metrics.get('loss', float('nan')):.4f}", f"{metrics.get('rows', 0):,}",
            f"{metrics.get('seconds', 0):.0f}", path))
        t = self.metrics_table
        per = metrics.get("per_class", {})
        t.setRowCount(len(names) + 2)
        for r, name in enumerate(names):
            c = per.get(name, {})
            t.setItem(r, 0, _item(name))
            for col, key in enumerate(("precision", "recall", "f1"), start=1):
                t.setItem(r, col, _item(float(c.get(key, float("nan"))), True))
            t.setItem(r, 4, _item(int(c.get("support", 0)), True))
        support = sum(int(per.get(n, {}).get("support", 0)) for n in names)
        macro = [float(np.mean([per.get(n, {}).get(k, 0.0) for n in names])) if names else float("nan") for k in ("precision", "recall")]
        rows = ((self.tr("macro average"), macro[0], macro[1], float(metrics.get("macro_f1", float("nan")))),
                (self.tr("accuracy"), None, None, float(metrics.get("accuracy", float("nan")))))
        for r, (name, p, rc, f) in enumerate(rows, start=len(names)):
            t.setItem(r, 0, _item(name))
            t.setItem(r, 1, _item(p, True) if p is not None else _item(""))
            t.setItem(r, 2, _item(rc, True) if rc is not None else _item(""))
            t.setItem(r, 3, _item(f, True))
            t.setItem(r, 4, _item(support, True))
        cm = np.asarray(metrics.get("confusion_matrix", []), dtype=np.float32)
        if cm.size:
            self.confusion.set_matrix(cm, names, names, levels=(0.0, float(cm.max()) or 1.0), cmap="sequential")
            self.confusion.set_axis_titles(self.tr("true class"), self.tr("predicted class"))

    def show_review(self, review) -> None:
        """Fill the misclassified list from a :class:`~semvec_studio.core.train.review.RunReview`."""
        wrong = review.misclassified()
        shown = wrong[:MISCLASSIFIED_SHOWN]
        self.mis_title.setText(self.tr("Misclassified validation texts: {0} of {1}").format(f"{len(wrong):,}", f"{len(review.texts):,}")
                               + (self.tr(" (the {0} most confident shown)").format(len(shown)) if len(shown) < len(wrong) else "")
                               + self.tr(" · most confident first"))
        t = self.misclassified
        t.setRowCount(len(shown))
        for r, i in enumerate(shown):
            text = _item(review.texts[i])
            text.setToolTip(review.texts[i][:1000])
            t.setItem(r, 0, text)
            t.setItem(r, 1, _item(review.labels[review.true[i]]))
            t.setItem(r, 2, _item(review.labels[review.predicted[i]]))
            t.setItem(r, 3, _item(float(review.confidence[i]), True))

    def clear(self) -> None:
        self.path = ""
        self.use_button.setEnabled(False)
        self.suggest_button.setEnabled(False)
        self.headline.setText(self.tr("The report appears when a run ends."))
        self.metrics_table.setRowCount(0)
        self.misclassified.setRowCount(0)
        self.mis_title.setText(self.tr("Misclassified validation texts"))
        self.confusion.clear()


class _Map(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = pg.PlotWidget(self)
        self.plot = self.view.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.setAspectLocked(False)
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextSize="9pt")
        self.items: list[pg.ScatterPlotItem] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        style_plot(self.view, self.plot, self)
        self.set_title(title)

    def set_title(self, title: str) -> None:
        self.plot.setTitle(title, size="10pt")

    def show_points(self, coords: np.ndarray, classes: np.ndarray, names, texts) -> None:
        for item in self.items:
            self.plot.removeItem(item)
        self.legend.clear()
        self.items = []
        for k, name in enumerate(names):
            rows = np.nonzero(classes == k)[0]
            color = CLASS_COLORS[k % len(CLASS_COLORS)]
            item = pg.ScatterPlotItem(coords[rows, 0], coords[rows, 1], size=6, brush=pg.mkBrush(color), pen=None,
                                      data=[texts[i] for i in rows], hoverable=True, tip=lambda x, y, data: data[:200])
            item.setOpacity(0.8)
            self.plot.addItem(item)
            self.legend.addItem(item, f"{name} ({len(rows)})")
            self.items.append(item)
        for axis in ("left", "bottom"):
            axis_label(self.plot, axis, self.tr("PC {0}").format("2" if axis == "left" else "1"), self)
        self.plot.autoRange()


class BeforeAfter(QWidget):
    """Two maps side by side: the validation texts by the base model and by the trained one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = QLabel(self.tr("When a run ends, its validation texts are embedded with the base and the trained model "
                                   "(mean-pooled last layer, PCA) and shown side by side, coloured by label."))
        self.note.setWordWrap(True)
        self.before = _Map(self.tr("Base model"))
        self.after = _Map(self.tr("Fine-tuned model"))
        maps = QSplitter(Qt.Orientation.Horizontal)
        maps.addWidget(self.before)
        maps.addWidget(self.after)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(maps, 1)

    def show_review(self, review) -> None:
        texts = [review.texts[i] for i in review.map_rows]
        true = review.true[review.map_rows]
        self.before.show_points(review.before, true, review.labels, texts)
        if review.after_colour_by == "predicted":
            self.after.set_title(self.tr("Base model, coloured by the probe's predictions"))
            self.after.show_points(review.after, review.predicted[review.map_rows], review.labels, texts)
        else:
            self.after.set_title(self.tr("Fine-tuned model"))
            self.after.show_points(review.after, true, review.labels, texts)
        if review.after_colour_by == "predicted":
            note = self.tr("{0} validation texts (a seeded sample when there are more), embedded by each model (mean-pooled last "
                           "layer) and projected with PCA; coloured by the true label on the left and by the probe's prediction on the right.")
        else:
            note = self.tr("{0} validation texts (a seeded sample when there are more), embedded by each model (mean-pooled last "
                           "layer) and projected with PCA; coloured by the true label.")
        self.note.setText(note.format(f"{len(texts):,}"))

    def point_counts(self) -> tuple[int, int]:
        return (sum(len(i.data) for i in self.before.items), sum(len(i.data) for i in self.after.items))

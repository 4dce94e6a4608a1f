"""The Compare view: two embeddings of the same rows side by side (two layers or layer mixes of the
current model, or the current model against another checkpoint folder: a base model and its
fine-tuned copy; or whole-word vectors against a static word-vector file), at the level of words
or texts (a static file: words only; the words it lacks are left out of both sides, and the view
says which).

One job on the app's runner (:func:`semvec_studio.core.compare.pair.run`) extracts both, maps
both to 2-D and turns B's map onto A's (orthogonal Procrustes), and measures each row's k-NN
overlap (Jaccard) and the linear CKA of the two spaces, with the layer-by-layer CKA heatmap of the
model(s) on the same rows from the same forward passes. The view shows two linked maps (hover,
selection, search and colour in one show in the other), the "most changed" table (lowest overlap
first), the selected row's two neighbour lists with what entered and what left, the CKA figure and
the heatmap. Changing k measures the overlap again on the vectors already there.
"""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.compare.overlap import knn_overlap
from semvec_studio.core.compare.pair import PairComparison, PairParams, SpaceSpec
from semvec_studio.core.compare.pair import run as run_pair
from semvec_studio.core.errors import UsageError
from semvec_studio.gui.map_data import search
from semvec_studio.gui.notifier import InlineMessage
from semvec_studio.gui.panels.compare_parts import (
    MostChanged,
    NeighbourLists,
    SideControls,
    describe_row,
    row_labels,
    short,
    text_ids,
)
from semvec_studio.gui.panels.job_status import JobStatus, report_job_error
from semvec_studio.gui.plots.heatmap import Heatmap
from semvec_studio.gui.plots.scatter import Scatter

GROUP = "compare"  # runner group: a new comparison supersedes the previous one only
K_GROUP = "compare-k"
SEARCH_DELAY_MS = 200
# the words below are shown translated (context "CompareView")
LEVELS = ((QT_TRANSLATE_NOOP("CompareView", "pieces"), "token"), (QT_TRANSLATE_NOOP("CompareView", "words"), "word"),
          (QT_TRANSLATE_NOOP("CompareView", "texts"), "sentence"))
ITEMS = {"token": (QT_TRANSLATE_NOOP("CompareView", "piece"), QT_TRANSLATE_NOOP("CompareView", "pieces")),
         "word": (QT_TRANSLATE_NOOP("CompareView", "word"), QT_TRANSLATE_NOOP("CompareView", "words")),
         "sentence": (QT_TRANSLATE_NOOP("CompareView", "text"), QT_TRANSLATE_NOOP("CompareView", "texts"))}
COLORS = ((QT_TRANSLATE_NOOP("CompareView", "neighbour overlap"), "overlap"), (QT_TRANSLATE_NOOP("CompareView", "text"), "text"),
          (QT_TRANSLATE_NOOP("CompareView", "one colour"), "none"))
HEATMAP_HINT = QT_TRANSLATE_NOOP("CompareView", "Compare to see the layer-by-layer linear CKA of the model on these rows.")
LEFT_OUT_TIP_WORDS = 300  # words listed in the left-out line's tooltip


def _job(params: PairParams, texts: list[str], *, lm=None, ctx=None) -> PairComparison:
    return run_pair(params, texts, ctx, lm=lm)


def _overlap_job(a, b, k: int, metric: str, *, ctx=None):
    return knn_overlap(a, b, k, metric, ctx=ctx)


class CompareView(QWidget):
    """``CompareView(runner, parent, notifier=None)``; the window calls ``set_model(lm)`` and
    ``set_texts(texts)``; ``compare()`` (or the Compare button) runs the job and returns its id.

    Signals: ``compared(PairComparison)`` when a comparison is on screen (again after k changed),
    ``failed(str)`` with the
    message shown, ``cancelled()``, ``rowSelected(int)`` (a row of the comparison)."""

    compared = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    rowSelected = Signal(int)
    searched = Signal(int)

    def __init__(self, runner, parent: QWidget | None = None, *, notifier=None) -> None:
        super().__init__(parent)
        self.runner, self.notifier = runner, notifier
        self.lm = None
        self.texts: list[str] = []
        self.result: PairComparison | None = None
        self.result_texts: list[str] = []  # the texts of the comparison on screen
        self.labels: list[str] = []  # each row's word or text
        self.list_labels: list[str] = []  # the same with where it is, for the neighbour lists
        self.current = -1
        self.search_hits = np.zeros(0, np.int64)
        self._job: int | None = None
        self._k_job: int | None = None
        self._build()

    # --- construction ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.side_a, self.side_b = SideControls("A"), SideControls("B")
        for side, default in ((self.side_a, (1,)), (self.side_b, (-1,))):
            side.set_num_layers(2, default)
        self.level = QComboBox()
        for text, level in LEVELS:
            self.level.addItem(self.tr(text), level)
        self.level.setCurrentIndex(self.level.findData("word"))
        self.level.setToolTip(self.tr("Compare the vectors of word pieces, of whole words, or of whole texts (mean-pooled)."))
        self.k = QSpinBox()
        self.k.setRange(1, 100)
        self.k.setValue(10)
        self.k.setToolTip(self.tr("Neighbours per row: each row's overlap is the Jaccard index of its k nearest neighbours in A and in B."))
        self.k.valueChanged.connect(self._on_k_changed)
        self.compare_button = QPushButton(self.tr("Compare"))
        self.compare_button.setToolTip(self.tr("Extract both sides for the current texts, map them and measure how they differ."))
        self.compare_button.clicked.connect(lambda: self.compare())
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.status = JobStatus(self.runner)
        self.progress, self.progress_label = self.status.bar, self.status.label
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.addWidget(self.side_a, 0, 0)
        grid.addWidget(self.side_b, 1, 0)
        grid.addWidget(QLabel(self.tr("Level")), 0, 1)
        grid.addWidget(self.level, 0, 2)
        grid.addWidget(QLabel("k"), 1, 1)
        grid.addWidget(self.k, 1, 2)
        grid.addWidget(self.compare_button, 0, 3)
        grid.addWidget(self.cancel_button, 1, 3)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # takes what is left: a 1,024-pixel screen
        grid.addWidget(self.status, 0, 4, 2, 1)
        grid.setColumnStretch(0, 2)  # the model boxes widen a little; the progress line takes the rest
        grid.setColumnStretch(4, 3)
        self.message = InlineMessage()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search words or texts in both maps…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaximumWidth(280)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.color = QComboBox()
        for text, key in COLORS:
            self.color.addItem(self.tr(text), key)
        self.color.currentIndexChanged.connect(lambda _i: self.apply_color())
        self.summary = QLabel(self.tr("Choose two sides (layers of a model, or a static word-vector file) and press Compare."))
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setWordWrap(True)  # a narrow window: the figures go on two lines, not cut
        bar = QHBoxLayout()
        bar.addWidget(self.search_edit)
        bar.addWidget(QLabel(self.tr("Colour by")))
        bar.addWidget(self.color)
        bar.addSpacing(12)
        bar.addWidget(self.summary, 1)
        self.left_out = QLabel()  # the words a static file lacks, left out of both sides
        self.left_out.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.left_out.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.left_out.hide()
        maps = QWidget()
        mlay = QGridLayout(maps)
        mlay.setContentsMargins(0, 0, 0, 0)
        self.title_a, self.title_b = QLabel("<b>A</b>"), QLabel("<b>B</b>")
        self.map_a, self.map_b = Scatter(), Scatter()
        for col, (title, scatter) in enumerate(((self.title_a, self.map_a), (self.title_b, self.map_b))):
            title.setTextFormat(Qt.TextFormat.RichText)
            title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            scatter.tooltip_provider = self._hover_html
            scatter.bar.axis.enableAutoSIPrefix(False)  # overlap is 0..1: no "(x0.001)"
            mlay.addWidget(title, 0, col)
            mlay.addWidget(scatter, 1, col)
        mlay.setRowStretch(1, 1)
        self.most_changed = MostChanged()
        self.neighbours = NeighbourLists()
        self.heatmap = Heatmap(self, value_name=self.tr("linear CKA"), annotate_max=16, label_chars=10, value_format="{:.2f}",
                               empty_hint=self.tr(HEATMAP_HINT))
        self.bottom = QSplitter(Qt.Orientation.Horizontal)
        for w in (self.most_changed, self.neighbours, self.heatmap):
            self.bottom.addWidget(w)
        self.bottom.setSizes([300, 420, 340])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(maps)
        self.splitter.addWidget(self.bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([460, 300])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(grid)
        lay.addWidget(self.message)
        lay.addLayout(bar)
        lay.addWidget(self.left_out)
        lay.addWidget(self.splitter, 1)
        self._connect()

    def _connect(self) -> None:
        for this, other in ((self.map_a, self.map_b), (self.map_b, self.map_a)):
            this.hovered.connect(lambda i, o=other: o.set_marks("current", [i] if i >= 0 else []))
            this.clicked.connect(self._on_clicked)
            this.selectionChanged.connect(lambda t=this, o=other: o.set_selection(t.selection, emit=False))
        self.most_changed.rowChosen.connect(self.select_row)
        self.neighbours.rowChosen.connect(self.select_row, Qt.ConnectionType.QueuedConnection)  # the lists refill after the signal

    # --- inputs from the window ---------------------------------------------------------------

    def set_model(self, lm) -> None:
        """The current model (a LoadedModel): the layer choices follow its layers."""
        self.lm = lm
        n = lm.num_layers if lm is not None else 2
        self.side_a.set_num_layers(n, (max(1, n // 2),))
        self.side_b.set_num_layers(n, (-1,))

    def set_texts(self, texts) -> None:
        """The texts whose words (or which) are compared; the comparison on screen stays until the next."""
        self.texts = [str(t) for t in texts]

    # --- running --------------------------------------------------------------------------------

    def running(self) -> bool:
        return self._job is not None

    def compare(self, spec_a: SpaceSpec | None = None, spec_b: SpaceSpec | None = None) -> int | None:
        """Compare two sides (default: as the controls say) on the current texts; returns the
        runner's job id, or None (with the reason shown) when there is nothing to compare."""
        self.message.clear()
        for side, spec in ((self.side_a, spec_a), (self.side_b, spec_b)):
            if spec is not None:
                side.show_spec(spec)
        spec_a, spec_b = spec_a or self.side_a.spec(), spec_b or self.side_b.spec()
        problem = self._problem(spec_a, spec_b)
        if problem:
            self.message.show_error(problem)
            self.failed.emit(problem)
            return None
        params = PairParams(spec_a, spec_b, level=self.level.currentData(), k=self.k.value(),
                            device=self.lm.device if self.lm is not None else "auto")
        item = self.tr(ITEMS[params.level][1])
        texts = list(self.texts)
        name = self.tr("Comparing the {0} of {1} texts").format(item, f"{len(texts):,}")
        self._job = self.runner.submit(_job, params, texts, lm=self.lm, name=name, group=GROUP,
                                       on_result=lambda result: self._on_result(result, texts), on_error=self._on_error,
                                       on_cancel=self._on_cancel)
        self._set_running(True)
        return self._job

    def _problem(self, spec_a: SpaceSpec, spec_b: SpaceSpec) -> str:
        for name, spec in (("A", spec_a), ("B", spec_b)):
            if spec.is_static and not spec.static:
                return self.tr("Side {0} is a static file: choose the file (word2vec, GloVe or fastText .vec) first.").format(name)
        contextual = [s for s in (spec_a, spec_b) if not s.is_static]
        if self.lm is None and (not contextual or any(s.model is None for s in contextual)):
            return self.tr("No model is loaded yet: load one (or choose a checkpoint folder for both sides).")
        if not self.texts:
            return self.tr("No texts to compare: put some texts in the editor (or open a file) first.")
        if spec_a == spec_b:
            if spec_a.is_static:
                return self.tr("A and B are the same static file: choose another layer, model or file for one side.")
            return self.tr("A and B are the same layers of the same model: choose another layer, model or file for one side.")
        return ""

    def cancel(self) -> None:
        if self._job is not None:
            self.runner.cancel(self._job)
            self.status.cancelling()

    def _set_running(self, running: bool) -> None:
        self.compare_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.status.begin(self._job)
        else:
            self._job = None

    def _on_result(self, result: PairComparison, texts: list[str]) -> None:
        self._set_running(False)
        self.status.end(self.tr("Done."), done=True)
        self.show_result(result, texts)

    def _on_error(self, exc: BaseException, details: str) -> None:
        self._set_running(False)
        self.status.end("", done=False)
        self.failed.emit(report_job_error(exc, details, self.message, self.notifier))

    def _on_cancel(self) -> None:
        self._set_running(False)
        self.status.end(self.tr("Cancelled."), done=False)
        self.message.show_info(self.tr("Comparison cancelled; the view shows the previous result.") if self.result is not None
                               else self.tr("Comparison cancelled."))
        self.cancelled.emit()

    # --- showing a comparison -----------------------------------------------------------------

    def show_result(self, result: PairComparison, texts: list[str] | None = None) -> None:
        """Show a comparison of ``texts`` (default: the current texts)."""
        self.result, self.current = result, -1
        self.result_texts = list(texts if texts is not None else self.texts)
        self.labels, self.list_labels = row_labels(result)
        self.k.blockSignals(True)
        self.k.setValue(result.overlap.k)
        self.k.blockSignals(False)
        item = self.tr(ITEMS[result.a.level][0])
        for title, scatter, name, coords in ((self.title_a, self.map_a, result.names[0], result.coords_a),
                                             (self.title_b, self.map_b, result.names[1], result.coords_b)):
            side = "A" if scatter is self.map_a else "B"
            title.setText(f"<b>{side}</b> · {html.escape(name)}" + (self.tr(" · aligned onto A") if side == "B" else ""))
            title.setToolTip(name)
            scatter.set_points(coords)
        self.neighbours.set_names(*result.names)
        self.neighbours.clear()
        self.most_changed.show_rows(result.overlap.overlap, self.labels, self._text_ids(result), item)
        self._show_summary()
        self._show_left_out(result)
        self._show_heatmap(result)
        self.apply_color()
        self.run_search()
        self.compared.emit(result)

    def _show_summary(self) -> None:
        r = self.result
        cka = self.tr("undefined") if not np.isfinite(r.cka) else f"{r.cka:.3f}"
        item = self.tr(ITEMS[r.a.level][1])
        self.summary.setText(self.tr("<span style='font-size:12pt'>Linear CKA(A, B) = <b>{0}</b></span> · mean neighbour overlap "
                                     "<b>{1}</b> (k = {2}, {3}) · {4} {5}").format(
            cka, f"{r.overlap.mean:.2f}", r.overlap.k, r.overlap.metric, f"{len(r):,}", item))
        self.summary.setToolTip(self.tr("Linear CKA compares the two spaces as wholes (1 = the same up to rotation and scale). "
                                        "A row's overlap is the Jaccard index of its k nearest neighbours in A and in B."))

    def _show_left_out(self, r: PairComparison) -> None:
        """Say which words a static side's file lacks (left out of both sides); hidden when none."""
        out = r.left_out
        if out is None:
            self.left_out.clear()
            self.left_out.hide()
            return
        self.left_out.setText(out.describe())
        more = len(out.words) - LEFT_OUT_TIP_WORDS
        self.left_out.setToolTip(self.tr("Not in the static file, so left out of both A and B:") + "\n"
                                 + ", ".join(out.words[:LEFT_OUT_TIP_WORDS]) + (self.tr(", and {0} more").format(f"{more:,}") if more > 0 else ""))
        self.left_out.show()

    def _show_heatmap(self, r: PairComparison) -> None:
        if r.layer_cka is None:
            self.heatmap.clear(self.tr(HEATMAP_HINT))
            return
        m = r.layer_cka
        rows = [str(i) for i in range(m.shape[0])]
        cols = list(r.heatmap_columns) if r.heatmap_columns else [str(j) for j in range(m.shape[1])]
        ticks = [self.tr("static")] * len(cols) if r.heatmap_columns else None  # the full name in the hover readout
        self.heatmap.set_matrix(m, rows, cols, levels=(0.0, 1.0), cmap="sequential", col_ticks=ticks)
        if r.heatmap_columns:
            static = r.models[r.kinds.index("static")]
            self.heatmap.set_axis_titles(self.tr("layer (0 = embeddings)"), self.tr("against {0}").format(short(Path(static).name, 30)))
        elif r.same_model:
            self.heatmap.set_axis_titles(self.tr("layer (0 = embeddings)"), self.tr("layer of {0}").format(short(r.models[0], 30)))
        else:
            self.heatmap.set_axis_titles(self.tr("layer of A's model ({0})").format(short(r.models[0], 20)),
                                         self.tr("layer of B's model ({0})").format(short(r.models[1], 20)))
        self.heatmap.set_marked(*r.heatmap_layers)

    @staticmethod
    def _text_ids(r: PairComparison) -> np.ndarray:
        return text_ids(r)

    def apply_color(self) -> None:
        r = self.result
        if r is None:
            return
        key = self.color.currentData()
        for scatter in (self.map_a, self.map_b):
            if key == "overlap":
                scatter.color_by_values(r.overlap.overlap, self.tr("overlap"))
            elif key == "text":
                scatter.color_by_categories(self._text_ids(r) + 1, self.tr("text {0}").format)
            else:
                scatter.color_single()

    # --- rows: hover, selection, search ---------------------------------------------------------

    def _hover_html(self, i: int) -> str:
        return describe_row(self.result, i, self.labels, self.result_texts) if self.result is not None else ""

    def _on_clicked(self, i: int) -> None:
        if i >= 0:
            self.select_row(i)
        else:
            self.clear_row()

    def select_row(self, i: int) -> None:
        """Select row ``i`` in both maps and the table, mark its neighbours in each map, list them."""
        r = self.result
        if r is None or not 0 <= i < len(r):
            return
        self.current = int(i)
        change = r.overlap.change(self.current)
        for scatter, rows in ((self.map_a, r.overlap.before[i]), (self.map_b, r.overlap.after[i])):
            scatter.set_selection([self.current], emit=False)
            scatter.set_marks("neighbours", rows)
        self.most_changed.select(self.current)
        where = self.tr("text {0}").format(i + 1 if r.a.level == "sentence" else int(self._text_ids(r)[i]) + 1)
        self.neighbours.show_change(
            self.tr("<b>{0}</b> ({1}) · overlap <b>{2}</b>: {3} left, {4} entered of {5}").format(
                html.escape(short(self.labels[i], 60)), where, f"{change.overlap:.2f}", len(change.left), len(change.entered),
                r.overlap.k), change, self.list_labels)
        self.rowSelected.emit(self.current)

    def clear_row(self) -> None:
        self.current = -1
        for scatter in (self.map_a, self.map_b):
            scatter.set_selection([], emit=False)
            scatter.set_marks("neighbours", [])
        self.neighbours.clear()

    def run_search(self) -> np.ndarray:
        """Mark the rows whose word or text contains the search box's text, in both maps."""
        self._search_timer.stop()
        query = self.search_edit.text()
        try:
            hits = search(self.labels, query) if self.result is not None else np.zeros(0, np.int64)
        except UsageError:
            hits = np.zeros(0, np.int64)
        for scatter in (self.map_a, self.map_b):
            scatter.set_marks("search", hits)
        self.search_hits = hits
        self.searched.emit(len(hits))
        return hits

    # --- k ----------------------------------------------------------------------------------------

    def _on_k_changed(self, k: int) -> None:
        """Measure the overlap again at the new k on the vectors on screen (light job)."""
        r = self.result
        if r is None or self.running():
            return
        self._k_job = self.runner.submit(_overlap_job, r.a.vectors, r.b.vectors, int(k), r.overlap.metric,
                                         name=self.tr("Neighbour overlap at k = {0}").format(k),
                                         group=K_GROUP, on_result=lambda ov, res=r: self._on_overlap(res, ov),
                                         on_error=self._on_k_error)

    def _on_k_error(self, exc: BaseException, details: str) -> None:
        self._k_job = None
        self.failed.emit(report_job_error(exc, details, self.message))

    def _on_overlap(self, r: PairComparison, overlap) -> None:
        self._k_job = None
        if r is not self.result:
            return
        self.result = dataclasses.replace(r, overlap=overlap)
        self.most_changed.show_rows(overlap.overlap, self.labels, self._text_ids(self.result),
                                    self.tr(ITEMS[r.a.level][0]))
        self._show_summary()
        self.apply_color()
        if self.current >= 0:
            self.select_row(self.current)
        self.compared.emit(self.result)

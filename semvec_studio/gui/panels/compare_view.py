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

This module holds the view itself: its jobs, and what it does with a comparison and with a row. Its
parts have their own modules: the controls (:mod:`~semvec_studio.gui.panels.compare_controls`, one
side's in :mod:`~semvec_studio.gui.panels.compare_side`), the linked maps
(:mod:`~semvec_studio.gui.panels.compare_maps`), the summary, left-out line and heatmap
(:mod:`~semvec_studio.gui.panels.compare_figures`), the "most changed" table
(:mod:`~semvec_studio.gui.panels.compare_most_changed`), the neighbour lists
(:mod:`~semvec_studio.gui.panels.compare_neighbours`) and the rows' labels
(:mod:`~semvec_studio.gui.panels.compare_rows`).
"""

from __future__ import annotations

import dataclasses
import html

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from semvec_studio.core.compare.overlap import knn_overlap
from semvec_studio.core.compare.pair import PairComparison, PairParams, SpaceSpec
from semvec_studio.core.compare.pair import run as run_pair
from semvec_studio.core.errors import UsageError
from semvec_studio.gui.map_data import search
from semvec_studio.gui.notifier import InlineMessage
from semvec_studio.gui.panels.compare_controls import CompareControls
from semvec_studio.gui.panels.compare_figures import CompareFigures, item_name
from semvec_studio.gui.panels.compare_maps import LinkedMaps
from semvec_studio.gui.panels.compare_most_changed import MostChanged
from semvec_studio.gui.panels.compare_neighbours import NeighbourLists
from semvec_studio.gui.panels.compare_rows import describe_row, row_labels, short, text_ids
from semvec_studio.gui.panels.job_status import report_job_error

GROUP = "compare"  # runner group: a new comparison supersedes the previous one only
K_GROUP = "compare-k"
SEARCH_DELAY_MS = 200


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
        self.controls = c = CompareControls(self.runner)
        self.side_a, self.side_b, self.level, self.k = c.side_a, c.side_b, c.level, c.k
        self.compare_button, self.cancel_button, self.status = c.compare_button, c.cancel_button, c.status
        self.progress, self.progress_label = self.status.bar, self.status.label
        self.search_edit, self.color = c.search_edit, c.color
        self.message = InlineMessage()
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.figures = CompareFigures(self)
        self.summary, self.left_out, self.heatmap = self.figures.summary, self.figures.left_out, self.figures.heatmap
        c.bar.addWidget(self.summary, 1)
        self.maps = LinkedMaps(self._hover_html)
        self.title_a, self.title_b, self.map_a, self.map_b = self.maps.title_a, self.maps.title_b, self.maps.map_a, self.maps.map_b
        self.most_changed = MostChanged()
        self.neighbours = NeighbourLists()
        self.bottom = QSplitter(Qt.Orientation.Horizontal)
        for w in (self.most_changed, self.neighbours, self.heatmap):
            self.bottom.addWidget(w)
        self.bottom.setSizes([300, 420, 340])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.maps)
        self.splitter.addWidget(self.bottom)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([460, 300])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(c.grid)
        lay.addWidget(self.message)
        lay.addLayout(c.bar)
        lay.addWidget(self.left_out)
        lay.addWidget(self.splitter, 1)
        self._connect()

    def _connect(self) -> None:
        self.k.valueChanged.connect(self._on_k_changed)
        self.compare_button.clicked.connect(lambda: self.compare())
        self.cancel_button.clicked.connect(self.cancel)
        self._search_timer.timeout.connect(self.run_search)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.color.currentIndexChanged.connect(lambda _i: self.apply_color())
        for scatter in self.maps.scatters():
            scatter.clicked.connect(self._on_clicked)
        self.most_changed.rowChosen.connect(self.select_row)
        self.neighbours.rowChosen.connect(self.select_row, Qt.ConnectionType.QueuedConnection)  # the lists refill after the signal

    # --- inputs from the window ---------------------------------------------------------------

    def set_model(self, lm) -> None:
        """The current model (a LoadedModel): the layer choices follow its layers."""
        self.lm = lm
        self.controls.set_num_layers(lm.num_layers if lm is not None else 2)

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
        item = item_name(params.level, plural=True)
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
        self.controls.set_running(running)
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
        self.maps.show_points(result)
        self.neighbours.set_names(*result.names)
        self.neighbours.clear()
        self.most_changed.show_rows(result.overlap.overlap, self.labels, text_ids(result), item_name(result.a.level))
        self.figures.show(result)
        self.apply_color()
        self.run_search()
        self.compared.emit(result)

    def apply_color(self) -> None:
        if self.result is not None:
            self.maps.color_by(self.color.currentData(), self.result)

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
        self.maps.select(self.current, r.overlap.before[i], r.overlap.after[i])
        self.most_changed.select(self.current)
        where = self.tr("text {0}").format(i + 1 if r.a.level == "sentence" else int(text_ids(r)[i]) + 1)
        self.neighbours.show_change(
            self.tr("<b>{0}</b> ({1}) · overlap <b>{2}</b>: {3} left, {4} entered of {5}").format(
                html.escape(short(self.labels[i], 60)), where, f"{change.overlap:.2f}", len(change.left), len(change.entered),
                r.overlap.k), change, self.list_labels)
        self.rowSelected.emit(self.current)

    def clear_row(self) -> None:
        self.current = -1
        self.maps.clear_selection()
        self.neighbours.clear()

    def run_search(self) -> np.ndarray:
        """Mark the rows whose word or text contains the search box's text, in both maps."""
        self._search_timer.stop()
        query = self.search_edit.text()
        try:
            hits = search(self.labels, query) if self.result is not None else np.zeros(0, np.int64)
        except UsageError:
            hits = np.zeros(0, np.int64)
        self.maps.mark("search", hits)
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
        self.most_changed.show_rows(overlap.overlap, self.labels, text_ids(self.result), item_name(r.a.level))
        self.figures.show_summary(self.result)
        self.apply_color()
        if self.current >= 0:
            self.select_row(self.current)
        self.compared.emit(self.result)

"""The Map tab: pieces, words or texts projected to 2-D (PCA, t-SNE, UMAP, custom axes) in a
level-of-detail scatter, with hover context, nearest neighbours in the original space, colour,
search, lasso and rectangle selection, Word in context and Layer path.

Every long computation (projection, k-means, a layer path, a big neighbour query, the TSV
export) runs on the main window's one runner; the panel only shows results. The exploring
actions (neighbours, selection, Word in context, Layer path, exports) are in
:class:`~semvec_studio.gui.panels.projection_explore.ExploreMixin`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from semvec_studio.core.errors import SemvecError, UsageError
from semvec_studio.core.projection.project import Projection, project
from semvec_studio.gui.map_data import (
    LEVEL_WORD, MapData, color_choices, color_values, describe, kmeans_clusters, search, short_context,
)
from semvec_studio.gui.panels.projection_controls import METHODS, ProjectionControls
from semvec_studio.gui.panels.projection_explore import ExploreMixin
from semvec_studio.gui.panels.projection_side import ExploreBox, MapToolbar, PointBox, SelectionBox
from semvec_studio.gui.plots.scatter import Scatter

SEARCH_DELAY_MS = 200
GROUP = "projection"  # runner group of projections: a new one supersedes the previous one only
DEFAULT_COLOR = "text"
CONTEXT_LABELS = 40  # Word in context writes each occurrence's context next to it up to this many


class ProjectionPanel(ExploreMixin, QWidget):
    """``set_data(sets, texts, columns, lm)`` after each embedding; ``project()`` maps the chosen
    level. ``projected`` when a map is on screen; ``neighboursShown`` when a point's neighbours are."""

    projected = Signal()
    neighboursShown = Signal()
    colored = Signal()
    searched = Signal(int)  # number of matches
    showTextRequested = Signal(int, str, int)  # text_id, level, position (-1: none)
    exportRequested = Signal(object)  # an EmbeddingSet (the selection)

    def __init__(self, runner, notifier, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner, self.notifier = runner, notifier
        self.sets: dict = {}
        self.texts: list[str] = []
        self.columns: dict[str, list[str]] = {}
        self.lm = None
        self.map: MapData | None = None
        self.main_map: MapData | None = None
        self.stale = False
        self.current = -1
        self._labels: list[str] | None = None
        self._kmeans: dict = {}
        self._job = None
        self.last_hover = ""
        self.search_hits = np.zeros(0, np.int64)
        self._build()

    # --- construction ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.toolbar = MapToolbar(self)
        self.caption = QLabel("Embed some texts, then press Project.", self)
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setContentsMargins(6, 2, 6, 0)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.scatter = Scatter(self)
        self.scatter.tooltip_provider = self._hover_html
        left = QWidget(self)
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.toolbar)
        lay.addWidget(self.caption)
        lay.addWidget(self.scatter, 1)
        self.controls = ProjectionControls(self)
        self.point_box = PointBox(self)
        self.selection_box = SelectionBox(self)
        self.explore = ExploreBox(self)
        right = QWidget(self)
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        for w, stretch in ((self.controls, 0), (self.point_box, 1), (self.selection_box, 0), (self.explore, 0)):
            side.addWidget(w, stretch)
        right.setMinimumWidth(290)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([620, 310])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.splitter)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self._connect()

    def _connect(self) -> None:
        self.controls.projectRequested.connect(self.project)
        self.controls.cancelRequested.connect(self.cancel)
        self.controls.levelChanged.connect(self._on_level_changed)
        self.toolbar.colorChanged.connect(self.apply_color)
        self.toolbar.searchChanged.connect(lambda *_: self._search_timer.start())
        self.toolbar.modeChanged.connect(self.scatter.set_mode)
        self.toolbar.styleChanged.connect(lambda size, opacity: self.scatter.set_point_style(size, opacity))
        self.toolbar.exportRequested.connect(self.choose_export)
        self.scatter.clicked.connect(self._on_clicked)
        self.scatter.doubleClicked.connect(self.show_point_text)
        self.scatter.selectionChanged.connect(self._on_selection)
        self.point_box.neighbourActivated.connect(self.jump_to)
        self.point_box.kChanged.connect(lambda _: self.current >= 0 and self.select_point(self.current))
        self.selection_box.exportRequested.connect(self.export_selection)
        self.selection_box.labelRequested.connect(self.ask_label)
        self.selection_box.showRequested.connect(self._show_selection_text)
        self.explore.contextRequested.connect(self.show_word_in_context)
        self.explore.pathRequested.connect(self.show_layer_path)
        self.explore.backRequested.connect(self.back_to_map)

    def _show_selection_text(self) -> None:
        if len(self.scatter.selection):
            self.show_point_text(int(self.scatter.selection[0]))

    # --- data ---------------------------------------------------------------------------------------

    def set_data(self, sets: dict, texts: list[str], columns: dict[str, list[str]] | None = None, lm=None) -> None:
        """New vectors: the old map no longer matches them; PCA maps them again at once when this
        tab is visible, other methods wait for Project."""
        self.sets, self.texts, self.columns, self.lm = sets, list(texts), dict(columns or {}), lm
        self.stale = True
        words = sets.get("word")
        if words is not None:
            self.explore.set_words(sorted({str(w).lower() for w in words.metadata["word"]}))
        if self.isVisible():
            self._auto_project()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self._auto_project()

    def _auto_project(self) -> None:
        if not self.stale or not self.sets:
            return  # (a projection of older vectors still running is superseded by the new one)
        if self.controls.current_method() == "pca":
            self.project()
        else:
            self.caption.setText("The vectors changed: press <b>Project</b> to map them.")

    def _on_level_changed(self, _level: str) -> None:
        if self.sets:
            self.stale = True
            self._auto_project()

    # --- projecting ----------------------------------------------------------------------------------

    def project(self) -> int | None:
        """Map the chosen level with the chosen method on the runner; returns the job id."""
        level = self.controls.current_level()
        embset = self.sets.get(level)
        self.controls.message.clear()
        if embset is None or len(embset) == 0:
            self.controls.message.show_error("Nothing to project yet: embed some texts first (Ctrl+Return).")
            return None
        try:
            params = self.controls.params(lambda text: self.resolve_row(embset, level, text))
        except SemvecError as exc:
            self.controls.message.show_error(str(exc))
            return None
        self.stale = False
        name = f"Projecting {len(embset):,} {LEVEL_WORD[level]}s ({METHODS[params.method]})"
        self._job = self.runner.submit(
            project, embset.vectors, params, name=name, group=GROUP,
            on_result=lambda proj: self._on_projected(level, embset, proj),
            on_error=self._on_failed, on_cancel=self._on_cancelled,
        )
        self.controls.set_running(True)
        return self._job

    def cancel(self) -> None:
        if self._job is not None:
            self.runner.cancel(self._job)

    def _finished(self) -> None:
        self._job = None
        self.controls.set_running(False)

    def _on_projected(self, level: str, embset, proj: Projection) -> None:
        self._finished()
        if self.sets.get(level) is not embset:
            return  # the vectors changed while it ran
        data = MapData("map", level, embset, np.asarray(proj.rows, np.int64), proj.coords, projection=proj)
        self.main_map = data
        self.show_map(data)

    def _on_failed(self, exc: BaseException, details: str) -> None:
        self._finished()
        self.notifier.error(exc, details, inline=self.controls.message)

    def _on_cancelled(self) -> None:
        self._finished()
        self.controls.message.show_info("Projection cancelled; the map shows the previous result.")

    @staticmethod
    def resolve_row(embset, level: str, text: str) -> int:
        """The first row whose piece/word/text equals ``text`` (case-insensitive): custom axes."""
        key = {"token": "token", "word": "word", "sentence": "text"}[level]
        want = text.strip().lower()
        for i, s in enumerate(embset.metadata[key]):
            if str(s).strip().lower() == want:
                return i
        raise UsageError(f"custom axes: no {LEVEL_WORD[level]} “{text}” among the {len(embset):,} rows; type one that occurs.")

    # --- showing a map -------------------------------------------------------------------------------

    def show_map(self, data: MapData) -> None:
        self.map, self._labels, self.current = data, None, -1
        self.scatter.set_points(data.coords)
        self.scatter.set_axis_titles(*self._axis_titles(data))
        self.caption.setText(self._caption(data))
        self.point_box.clear_point()
        self.explore.back.setVisible(data.kind != "map" and self.main_map is not None)
        keep = self.toolbar.color_key()
        if data.kind == "path":
            keep = "layer"
        elif data.kind == "context":
            keep = ("meta:label" if "label" in data.embset.metadata else "column:label" if "label" in self.columns
                    else "text")
        elif keep in ("none", "layer"):
            keep = DEFAULT_COLOR
        self.toolbar.set_choices(color_choices(data, self.columns), keep)
        self.apply_color(self.toolbar.color_key())
        self.run_search()
        self._on_selection()
        if data.kind == "context" and len(data) <= CONTEXT_LABELS:
            self.scatter.fit(padding=0.15)
            meta = data.embset.metadata
            self.scatter.set_point_labels(np.arange(len(data)), [
                short_context(self.texts[int(meta["text_id"][r])], int(meta["start"][r]), int(meta["end"][r]))
                for r in data.rows.tolist()])
        if data.kind == "path":
            n = len(data)
            self.scatter.fit(padding=0.15)  # room for the layer numbers
            self.scatter.set_path(np.arange(n), ["emb."] + [str(i) for i in range(1, n)])
        self.projected.emit()

    def _axis_titles(self, data: MapData) -> tuple[str, str]:
        proj = data.projection
        if proj is None:
            return "", ""
        if proj.method == "pca" and proj.explained_variance:
            ev = proj.explained_variance
            return f"PC1 ({100 * ev[0]:.1f} % of variance)", f"PC2 ({100 * ev[1]:.1f} %)"
        if proj.method == "axes":
            (a, b), (c, d) = proj.params.get("axes") or ((0, 1), (2, 3))
            lab = self._labels_of(data.embset, data.level)
            return f"{lab[a]} → {lab[b]}", f"{lab[c]} → {lab[d]}"
        name = METHODS.get(proj.method, proj.method)
        return f"{name} 1", f"{name} 2"

    @staticmethod
    def _labels_of(embset, level: str) -> list:
        return embset.metadata[{"token": "token", "word": "word", "sentence": "text"}[level]]

    def _caption(self, data: MapData) -> str:
        proj = data.projection
        noun = LEVEL_WORD[data.level] + ("s" if len(data) != 1 else "")
        method = METHODS.get(proj.method, proj.method) if proj is not None else ""
        if data.kind == "path":
            head = f"<b>Layer path</b> of {data.title}: {len(data)} layers, PCA"
        elif data.kind == "context":
            head = f"<b>Word in context</b>: every “{data.title}” ({len(data):,} occurrences), {method}"
        else:
            sampled = f" (a sample of {len(data):,} of {len(data.embset):,})" if len(data) < len(data.embset) else ""
            head = f"<b>{method}</b> of {len(data):,} {noun}{sampled}"
        facts = []
        if proj is not None and proj.quality:
            q = proj.quality
            facts.append(f"trustworthiness {q['trustworthiness']:.3f} · kNN overlap {q['knn_overlap']:.2f} "
                         f"(k={q['k']}, {q['sample']:,} rows)")
        return " · ".join([head, *facts])

    # --- colour ---------------------------------------------------------------------------------------

    def apply_color(self, key: str) -> None:
        data = self.map
        if data is None:
            return
        if key == "kmeans":
            self._color_kmeans(data, self.toolbar.k.value())
            return
        kind, values = color_values(data, key, self.columns, self.sets.get("word"))
        if kind == "categories":
            self.scatter.color_by_categories(values, "text {}".format if key == "text" else None)
        elif kind == "values":
            self.scatter.color_by_values(values, self.toolbar.color.currentText())
        else:
            self.scatter.color_single()
        self.colored.emit()

    def _color_kmeans(self, data: MapData, k: int) -> None:
        key = (id(data), k)
        if key in self._kmeans:
            self.scatter.color_by_categories([f"cluster {c + 1}" for c in self._kmeans[key]])
            self.colored.emit()
            return

        def done(labels):
            self._kmeans[key] = labels
            if self.map is data and self.toolbar.color_key() == "kmeans" and self.toolbar.k.value() == k:
                self._color_kmeans(data, k)

        self.runner.submit(kmeans_clusters, data.vectors(), k, name=f"k-means (k={k}) on {len(data):,} points", group="kmeans",
                           on_result=done, on_error=lambda exc, details: self.notifier.error(exc, details))

    # --- hover and search -----------------------------------------------------------------------------

    def _hover_html(self, i: int) -> str:
        if self.map is None or not 0 <= i < len(self.map):
            return ""
        self.last_hover = describe(self.map, i, self.texts, self.columns)
        return self.last_hover

    def labels(self) -> list[str]:
        if self._labels is None and self.map is not None:
            self._labels = self.map.labels()
        return self._labels or []

    def run_search(self) -> np.ndarray:
        """Highlight the points whose piece/word/text matches the search box."""
        self._search_timer.stop()
        text, regex = self.toolbar.search.text(), self.toolbar.regex.isChecked()
        self.toolbar.search.setStyleSheet("")
        self.toolbar.search.setToolTip("")
        try:
            hits = search(self.labels(), text, regex) if self.map is not None else np.zeros(0, np.int64)
        except UsageError as exc:
            self.toolbar.search.setStyleSheet("color: #d32f2f;")
            self.toolbar.search.setToolTip(str(exc))
            self.notifier.status(str(exc))
            hits = np.zeros(0, np.int64)
        self.scatter.set_marks("search", hits)
        if text and self.map is not None:
            self.notifier.status(f"{len(hits):,} of {len(self.map):,} points match “{text}”")
        self.search_hits = hits
        self.searched.emit(len(hits))
        return hits

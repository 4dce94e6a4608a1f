"""The Map tab: pieces, words or texts projected to 2-D (PCA, t-SNE, UMAP, custom axes) in a
level-of-detail scatter, with hover context, nearest neighbours in the original space, colour,
search, lasso and rectangle selection, Word in context and Layer path.

The map shows the app's vectors (``set_data``) or those of a folder written by ``semvec extract``
(``open_folder``: sharded or not, memory-mapped; a large set's neighbours come through the index
``semvec index`` saved beside it) until the app's vectors change again.

Every long computation (projection, k-means, a layer path, a big neighbour query, the TSV
export) runs on the main window's one runner; the panel only shows results. The panel holds the
state of what is on screen (the map, the chosen point) and owns a
:class:`~semvec_studio.gui.panels.projection_source.MapSource` for its inputs (the vectors, which
level is mapped when, and the projections), a
:class:`~semvec_studio.gui.panels.projection_explore.MapExplorer` for the exploring actions,
passing it the map each time, and a :class:`~semvec_studio.gui.panels.projection_colors.MapColors`
for the colours.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from semvec_studio.core.errors import UsageError
from semvec_studio.gui.map_data import (
    LABEL_COLUMN,
    MapData,
    axis_titles,
    caption,
    default_color,
    describe,
    occurrence_labels,
    search,
    text_position,
)
from semvec_studio.gui.panels.projection_colors import MapColors
from semvec_studio.gui.panels.projection_controls import ProjectionControls
from semvec_studio.gui.panels.projection_explore import MapExplorer
from semvec_studio.gui.panels.projection_side import ExploreBox, MapToolbar, PointBox, SelectionBox
from semvec_studio.gui.panels.projection_source import MapSource
from semvec_studio.gui.plots.scatter import Scatter

SEARCH_DELAY_MS = 200
CONTEXT_LABELS = 40  # Word in context writes each occurrence's context next to it up to this many
SIDE_MIN_WIDTH = 200  # the column of boxes beside the plot (its widest box sets more)


class ProjectionPanel(QWidget):
    """``set_data(sets, texts, columns, lm)`` after each embedding; ``project()`` maps the chosen
    level. ``level_source`` (optional) gives the level the rest of the app shows: the Map takes
    it when it opens and that level changed since. ``projected`` when a map is on screen;
    ``neighboursShown`` when a point's neighbours are."""

    projected = Signal()
    neighboursShown = Signal()
    colored = Signal()
    searched = Signal(int)  # number of matches
    showTextRequested = Signal(int, str, int)  # text_id, level, position (-1: none)
    textsLabelled = Signal(object, str)  # text numbers, label: a selection of texts labelled on the map
    exportRequested = Signal(object)  # an EmbeddingSet (the selection)
    openFolderRequested = Signal()  # the user asks to map a folder of vectors

    def __init__(self, runner, notifier, parent: QWidget | None = None, *,
                 level_source: Callable[[], str] | None = None) -> None:
        super().__init__(parent)
        self.runner, self.notifier = runner, notifier
        self.level_source = level_source
        self.map: MapData | None = None
        self.main_map: MapData | None = None
        self.current = -1
        self._color_chosen = False  # the user picked a colour for the current vectors
        self._labels: list[str] | None = None
        self.last_hover = ""
        self.search_hits = np.zeros(0, np.int64)
        self._build()

    # --- construction ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.toolbar = MapToolbar(self)
        self.caption = QLabel(self.tr("Embed some texts, then press Project."), self)
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
        right.setMinimumWidth(SIDE_MIN_WIDTH)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)  # a narrower window takes from both, mostly from the plot
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([640, 280])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.splitter)
        self.explorer = MapExplorer(self.scatter, self.point_box, self.selection_box, self.explore, self.runner,
                                    self.notifier, self)
        self.colors = MapColors(self.toolbar, self.scatter, self.runner, self.notifier, self)
        self.source = MapSource(self.controls, self.explore, self.caption, self.runner, self.notifier, self,
                                level_source=self.level_source)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self._connect()

    def _connect(self) -> None:
        self.controls.projectRequested.connect(self.project)
        self.controls.cancelRequested.connect(self.source.cancel)
        self.controls.levelChanged.connect(self.source.level_changed)
        self.source.mapped.connect(self._on_mapped)
        self.controls.openFolderRequested.connect(self.openFolderRequested)
        self.toolbar.colorChanged.connect(self._on_color_chosen)
        self.toolbar.searchChanged.connect(lambda *_: self._search_timer.start())
        self.toolbar.modeChanged.connect(self.scatter.set_mode)
        self.toolbar.styleChanged.connect(lambda size, opacity: self.scatter.set_point_style(size, opacity))
        self.toolbar.exportRequested.connect(lambda kind: self.explorer.choose_export(kind, self.map, self.columns))
        self.scatter.clicked.connect(self._on_clicked)
        self.scatter.doubleClicked.connect(self.show_point_text)
        self.scatter.selectionChanged.connect(lambda: self.explorer.update_selection(self.map))
        self.explorer.neighboursShown.connect(self.neighboursShown)
        self.colors.colored.connect(self.colored)
        self.point_box.neighbourActivated.connect(self.jump_to)
        self.point_box.kChanged.connect(lambda _: self.current >= 0 and self.select_point(self.current))
        self.selection_box.exportRequested.connect(self.export_selection)
        self.selection_box.labelRequested.connect(self.ask_label)
        self.selection_box.showRequested.connect(self._show_selection_text)
        self.explore.contextRequested.connect(self.show_word_in_context)
        self.explore.pathRequested.connect(self.show_layer_path)
        self.explore.backRequested.connect(self.back_to_map)

    # --- data (the source holds it, and makes the maps) ----------------------------------------------

    @property
    def sets(self) -> dict:
        """The vectors mapped, by level: the app's or a folder's."""
        return self.source.sets

    @property
    def texts(self) -> list[str]:
        return self.source.texts

    @property
    def columns(self) -> dict[str, list[str]]:
        return self.source.columns

    @property
    def folder(self) -> Path | None:
        """The folder whose vectors are mapped (None: the app's)."""
        return self.source.folder

    @property
    def map_store(self):
        """load(key) -> Projection | None and save(key, projection): maps kept (an open workspace)."""
        return self.source.map_store

    @map_store.setter
    def map_store(self, store) -> None:
        self.source.map_store = store

    def set_data(self, sets: dict, texts: list[str], columns: dict[str, list[str]] | None = None, lm=None) -> None:
        """New vectors: the old map no longer matches them; PCA maps them again at once when this
        tab is visible, other methods wait for Project."""
        self._color_chosen = False
        self.source.set_data(sets, texts, columns, lm)

    def open_folder(self, embset, folder: str | Path, words: list[str] | None = None) -> None:
        """Map the vectors of ``folder`` (``embset``, loaded from it) in place of the app's: their
        level is chosen, PCA maps them at once when this tab is visible. Their texts are not the
        Data tab's: a point's text is its own row's, and labels stay with the set (exported with a
        selection), not the workspace. ``set_data`` brings the app's vectors back. ``words``: the
        set's distinct words for Word in context, when the caller made them (off this thread)."""
        self.main_map = None
        self._color_chosen = False
        self.source.open_folder(embset, folder, words)

    def update_columns(self, columns: dict[str, list[str]]) -> None:
        """New values of the table's columns for the same points (labels edited in the Data view):
        the colours follow, the map stays (a folder's map has none of the table's columns)."""
        if self.folder is not None:
            return
        self.source.columns = dict(columns)
        if self.map is not None and self.map.kind == "map":
            self.show_colors(self.toolbar.color_key())

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.source.shown()

    def project(self) -> int | None:
        """Map the chosen level with the chosen method on the runner; returns the job id."""
        return self.source.project()

    def show_word_in_context(self, word: str) -> int | None:
        """Project every occurrence of ``word`` across the texts (runner); returns the job id."""
        return self.source.word_in_context(word, self.show_map)

    def _on_mapped(self, data: MapData) -> None:
        self.main_map = data
        self.show_map(data)

    # --- showing a map -------------------------------------------------------------------------------

    def show_map(self, data: MapData) -> None:
        self.map, self._labels, self.current = data, None, -1
        self.explorer.clear_point()
        self.scatter.set_points(data.coords)
        self.scatter.set_axis_titles(*axis_titles(data))
        source = self.tr("Folder <b>{0}</b>").format(html.escape(self.folder.name)) + " · " if self.folder is not None else ""
        self.caption.setText(source + caption(data))
        self.explore.back.setVisible(data.kind != "map" and self.main_map is not None)
        keep = self.toolbar.color_key()
        if data.kind == "path":
            keep = "layer"
        elif data.kind == "context" or keep in ("none", "layer") or not self._color_chosen:
            keep = default_color(data, self.columns)
        self.show_colors(keep)
        self.run_search()
        self.explorer.update_selection(data)
        if data.kind == "context" and len(data) <= CONTEXT_LABELS and self.texts:
            self.scatter.fit(padding=0.15)
            self.scatter.set_point_labels(np.arange(len(data)), occurrence_labels(data, self.texts))
        if data.kind == "path":
            n = len(data)
            self.scatter.fit(padding=0.15)  # room for the layer numbers
            self.scatter.set_path(np.arange(n), [self.tr("emb.")] + [str(i) for i in range(1, n)])
        self.projected.emit()

    def back_to_map(self) -> None:
        if self.main_map is not None:
            self.show_map(self.main_map)

    # --- colour ---------------------------------------------------------------------------------------

    def _on_color_chosen(self, key: str) -> None:
        self._color_chosen = True
        self.apply_color(key)

    def show_colors(self, keep: str) -> None:
        """Offer the colours of the map on screen, choose ``keep`` (when offered) and apply it."""
        self.colors.offer(self.map, self.columns, self.sets.get("word"), keep)

    def apply_color(self, key: str) -> None:
        self.colors.apply(self.map, key, self.columns, self.sets.get("word"))

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
            hits = search(self.labels(), text, regex) if self.map is not None and text else np.zeros(0, np.int64)  # (no labels built for nothing)
        except UsageError as exc:
            self.toolbar.search.setStyleSheet("color: #d32f2f;")
            self.toolbar.search.setToolTip(str(exc))
            self.notifier.status(str(exc))
            hits = np.zeros(0, np.int64)
        self.scatter.set_marks("search", hits)
        if text and self.map is not None:
            self.notifier.status(self.tr("{0} of {1} points match “{2}”").format(f"{len(hits):,}", f"{len(self.map):,}", text))
        self.search_hits = hits
        self.searched.emit(len(hits))
        return hits

    def selected_text_ids(self) -> np.ndarray:
        """The text numbers of the selected points (distinct, in order)."""
        rows = self.explorer.selected_rows(self.map)
        return np.unique(np.asarray(self.map.embset.metadata["text_id"], dtype=np.int64)[rows]) if len(rows) else np.zeros(0, np.int64)

    def mark_texts(self, text_ids) -> np.ndarray | None:
        """Highlight, as a search does, the points of texts ``text_ids`` (a search by meaning's
        best rows). Returns the points marked (None when there is no map)."""
        if self.map is None or self.folder is not None:  # a folder's text numbers are not the app's
            return None
        hits = np.flatnonzero(np.isin(self.map.text_ids(), np.asarray(text_ids, dtype=np.int64)))
        self.scatter.set_marks("search", hits)
        self.search_hits = hits
        self.searched.emit(len(hits))
        return hits

    # --- a point, the selection, Layer path (the explorer does the work) ---------------------------

    def _on_clicked(self, i: int) -> None:
        if i >= 0:
            self.select_point(i)
        else:
            self.current = -1
            self.explorer.clear_point()

    def select_point(self, i: int) -> None:
        """Show point ``i`` and list (and draw) its nearest neighbours in the original space."""
        data = self.map
        if data is None or not 0 <= i < len(data):
            return
        self.current = i
        self.explorer.show_point(data, i, describe(data, i, self.texts, self.columns), self.labels())

    def jump_to(self, i: int) -> None:
        """Select point ``i``, centre the view on it (keeping the zoom) and list its neighbours."""
        if self.map is not None and 0 <= i < len(self.map):
            self.explorer.centre_on(i)
            self.select_point(i)

    def show_point_text(self, i: int) -> None:
        """Ask the main window to show point ``i``'s text (its piece or word selected)."""
        if self.folder is not None:
            self.notifier.status(self.tr("These vectors come from {0}: their texts are not in the Data tab "
                                         "(hover or click a point to read its own).").format(self.folder.name))
            return
        if self.map is not None and 0 <= i < len(self.map):
            self.showTextRequested.emit(*text_position(self.map, i))

    def _show_selection_text(self) -> None:
        if len(self.scatter.selection):
            self.show_point_text(int(self.scatter.selection[0]))

    def selected_rows(self) -> np.ndarray:
        """Set rows of the selected points (unique, ascending)."""
        return self.explorer.selected_rows(self.map)

    def export_selection(self) -> None:
        rows = self.selected_rows()
        if len(rows):
            self.exportRequested.emit(self.map.embset.subset(rows))

    def ask_label(self) -> None:
        label = self.explorer.ask_label(self.map)
        if label is not None:
            self.label_selection(label)

    def label_selection(self, label: str) -> int:
        """Write ``label`` into the ``label`` column of the selected rows; returns how many. A
        selection of texts also goes out as ``textsLabelled`` (an open workspace keeps it)."""
        texts = self.selected_text_ids() if self.map is not None and self.map.level == "sentence" and self.folder is None else None
        kept = self.colors.style is not None and texts is not None  # a workspace's rows: the workspace keeps the labels
        n = len(texts) if kept else self.explorer.label_selection(self.map, label, self.columns)
        if n and texts is not None and len(texts):
            self.textsLabelled.emit(texts, label)
        if n:
            self.colors.forget_clusters()
            key = self.toolbar.color_key()
            labels = f"column:{LABEL_COLUMN}" if kept else f"meta:{LABEL_COLUMN}"
            self.show_colors(labels if key in ("none", "text", f"column:{LABEL_COLUMN}", f"meta:{LABEL_COLUMN}") else key)
            self.notifier.status(self.tr("Labelled {0} rows “{1}” (the 'label' column; exported with the vectors)").format(f"{n:,}", label))
        return n

    def show_layer_path(self) -> int | None:
        """The current point's vector at every layer, projected and joined by a line (runner)."""
        if self.folder is not None:
            self.explore.message.show_error(self.tr("Layer path needs the model and the texts these vectors came from: "
                                                    "embed the texts in the app to follow a point through the layers."))
            return None
        label = self.labels()[self.current] if self.map is not None and self.current >= 0 else ""
        return self.explorer.layer_path(self.map, self.current, label, self.source.lm, self.texts, self.show_map)

    def export_plot(self, path: str) -> None:
        self.explorer.export_plot(path)

    def export_coordinates(self, path: str) -> int:
        """Write the map's projection.tsv (x, y, row, the metadata and the table's columns) on the runner."""
        return self.explorer.export_coordinates(path, self.map, self.columns)

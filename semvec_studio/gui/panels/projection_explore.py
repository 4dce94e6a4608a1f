"""The Map tab's exploring actions as an object the panel owns (:class:`MapExplorer`): a point
and its nearest neighbours in the original space, the selection (its rows, a label for them),
Layer path, and the exports of the plot and of the coordinates.

Composition, not a mixin: the constructor takes the widgets the explorer drives, the runner and
the notifier; every action takes the map it works on (and the texts, the table's columns or the
model when it needs them) as arguments, so the explorer holds no copy of the panel's state, only
the neighbour query it is waiting for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from semvec_studio.core.extract.analysis import layer_path
from semvec_studio.core.projection import index as ann_index
from semvec_studio.core.projection.files import PROJECTION_FILE, write_coordinates
from semvec_studio.core.projection.neighbours import neighbours, neighbours_index
from semvec_studio.gui.i18n import translate
from semvec_studio.gui.map_data import MapData, coordinate_columns, path_map, set_labels, table_labels
from semvec_studio.gui.panels.projection_side import ExploreBox, PointBox, SelectionBox
from semvec_studio.gui.plots.scatter import Scatter

NEIGHBOURS_SYNC_CELLS = 8_000_000  # rows x dims up to which a neighbour query runs at once on the GUI thread
EXPORT_FILTERS = {"png": QT_TRANSLATE_NOOP("MapExplorer", "PNG image (*.png)"), "svg": QT_TRANSLATE_NOOP("MapExplorer", "SVG drawing (*.svg)"),
                  "tsv": QT_TRANSLATE_NOOP("MapExplorer", "Tab-separated values (*.tsv)")}


def big_set_neighbours(vectors, i: int, k: int, metric: str, ctx=None) -> tuple[np.ndarray, np.ndarray, str]:
    """On the runner: point ``i``'s neighbours, through the index ``semvec index`` saved beside the
    vectors when the set has :data:`~semvec_studio.core.projection.index.ANN_MIN_ROWS` rows or more
    (loaded here the first time, then kept), exact otherwise; with the index's description, or ""."""
    ann = neighbours_index(vectors, metric, "auto", ann_index.ANN_MIN_ROWS)
    if ann is None:
        return (*neighbours(vectors, [i], k, metric, ctx=ctx), "")
    return (*neighbours(vectors, [i], k, metric, index=ann, ann_min_rows=0, ctx=ctx), ann.description)


class MapExplorer(QObject):
    """Drives ``scatter`` and the side boxes for one map at a time, which each call names.
    ``show_point`` lists a point's neighbours at once when the map's vectors have at most
    ``sync_cells`` cells (rows x dims), else on the runner (group "neighbours"), then emits
    ``neighboursShown``; a late answer for another point or map is dropped."""

    neighboursShown = Signal()

    def __init__(self, scatter: Scatter, point_box: PointBox, selection_box: SelectionBox, explore_box: ExploreBox,
                 runner, notifier, dialog_parent: QWidget, *, sync_cells: int = NEIGHBOURS_SYNC_CELLS) -> None:
        super().__init__(dialog_parent)
        self.scatter, self.point_box, self.selection_box, self.explore_box = scatter, point_box, selection_box, explore_box
        self.runner, self.notifier, self.dialog_parent = runner, notifier, dialog_parent
        self.sync_cells = sync_cells
        self._waiting: tuple[MapData, int] | None = None  # the point whose neighbours are on their way

    # --- a point and its neighbours ---------------------------------------------------------------

    def show_point(self, data: MapData, i: int, html: str, labels: list[str]) -> None:
        """Mark point ``i`` of ``data``, show ``html`` for it and list (and draw) its neighbours."""
        self._waiting = (data, i)
        self.scatter.set_marks("current", [i])
        self.point_box.show_point(html)
        vectors = data.vectors()
        k, metric = self.point_box.k.value(), metric_of(data)

        def show(result) -> None:
            idx, sims, how = result
            self._show_neighbours(data, i, labels, idx[0], sims[0], metric, how)

        if vectors.shape[0] * vectors.shape[1] <= self.sync_cells:
            show((*neighbours(vectors, [i], k, metric), ""))
            return
        self.runner.submit(big_set_neighbours, vectors, i, k, metric, name=self.tr("Nearest neighbours"), group="neighbours",
                           on_result=show, on_error=lambda exc, details: self.notifier.error(exc, details))

    def clear_point(self) -> None:
        self._waiting = None
        self.scatter.set_marks("current", [])
        self.scatter.set_marks("neighbours", [])
        self.point_box.clear_point()

    def _show_neighbours(self, data: MapData, i: int, labels: list[str], idx: np.ndarray, sims: np.ndarray,
                         metric: str, how: str = "") -> None:
        if self._waiting is None or self._waiting[0] is not data or self._waiting[1] != i:
            return  # another point (or map) was chosen meanwhile
        layer = self.tr("layer {0}")
        items = [(int(j), labels[int(j)] if data.kind != "path" else layer.format(int(data.layers[int(j)])), float(s))
                 for j, s in zip(idx, sims)]
        self.point_box.show_neighbours(items, metric, how)
        self.scatter.set_marks("neighbours", idx)
        self.neighboursShown.emit()

    def centre_on(self, i: int) -> None:
        """Centre the view on point ``i``, keeping the zoom, and select it."""
        (x, y), = self.scatter.positions([i])
        vb = self.scatter.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        vb.setRange(xRange=(x - (x1 - x0) / 2, x + (x1 - x0) / 2), yRange=(y - (y1 - y0) / 2, y + (y1 - y0) / 2), padding=0)
        self.scatter.set_selection([i])

    # --- the selection ----------------------------------------------------------------------------

    def selected_rows(self, data: MapData | None) -> np.ndarray:
        """Set rows of the selected points of ``data`` (unique, ascending)."""
        if data is None or not len(self.scatter.selection):
            return np.zeros(0, np.int64)
        return np.unique(data.rows[self.scatter.selection])

    def update_selection(self, data: MapData | None) -> None:
        """Show the selection's size; a layer path's points (one row) cannot be exported or labelled."""
        n = len(self.scatter.selection)
        self.selection_box.set_count(n)
        rows_ok = n > 0 and not (data is not None and data.kind == "path")
        self.selection_box.export.setEnabled(rows_ok)
        self.selection_box.label.setEnabled(rows_ok)

    def ask_label(self, data: MapData | None) -> str | None:
        text, ok = QInputDialog.getText(self.dialog_parent, self.tr("Label the selection"),
                                        self.tr("Label for {0} rows:").format(f"{len(self.selected_rows(data)):,}"))
        return text.strip() if ok else None

    def label_selection(self, data: MapData | None, label: str, columns: dict[str, list[str]]) -> int:
        """Write ``label`` into the ``label`` column of the selected rows (a new column starts from
        the table's labels); returns how many rows."""
        rows = self.selected_rows(data)
        if not len(rows) or data.kind == "path":
            return 0
        embset = data.embset
        set_labels(embset, rows, label, table_labels(embset, columns) if "label" not in embset.metadata else None)
        return len(rows)

    # --- Layer path -------------------------------------------------------------------------------

    def layer_path(self, data: MapData | None, i: int, label: str, lm, texts: list[str],
                   on_map: Callable[[MapData], None]) -> int | None:
        """Point ``i``'s vector at every layer of ``lm``, projected on the runner; ``on_map`` gets
        the path's map. Returns the job id, or None (and an inline message) when it cannot run."""
        message = self.explore_box.message
        message.clear()
        if data is None or i < 0 or data.kind == "path":
            message.show_error(self.tr("Click a point first: its vector at every layer is shown as a path."))
            return None
        if lm is None:
            message.show_error(self.tr("Layer path needs the model: load one and embed the texts again."))
            return None
        r = int(data.rows[i])
        meta = data.embset.metadata
        position = int(meta["position"][r]) if data.level != "sentence" else 0
        return self.runner.submit(
            layer_path, lm, texts[int(meta["text_id"][r])], data.level, position, dict(data.embset.manifest),
            name=self.tr("Layer path of “{0}”").format(label), group="layer-path",
            on_result=lambda result: on_map(path_map(data, i, label, *result)),
            on_error=lambda exc, details: self.notifier.error(exc, details, inline=message))

    # --- exports ----------------------------------------------------------------------------------

    def choose_export(self, kind: str, data: MapData | None, columns: dict[str, list[str]]) -> None:
        """Ask where to write the plot (``"png"``, ``"svg"``) or the coordinates (``"tsv"``), then write it."""
        if data is None:
            self.notifier.status(self.tr("Nothing to export yet: project some vectors first."))
            return
        name = PROJECTION_FILE if kind == "tsv" else f"map.{kind}"
        path, _ = QFileDialog.getSaveFileName(self.dialog_parent, self.tr("Export"), str(Path.home() / name),
                                              translate("MapExplorer", EXPORT_FILTERS[kind]))
        if path and kind == "tsv":
            self.export_coordinates(path, data, columns)
        elif path:
            self.export_plot(path)

    def export_plot(self, path: str) -> None:
        self.scatter.export(path)
        self.notifier.status(self.tr("Wrote the plot to {0}").format(path))

    def export_coordinates(self, path: str, data: MapData, columns: dict[str, list[str]]) -> int:
        """Write x, y, the set row and every metadata column of the points of ``data``, then the
        table's columns (runner job, atomic file): the writer of ``semvec project``'s projection.tsv."""
        metadata, per_point = coordinate_columns(data, columns)
        def done(written: str) -> None:
            self.notifier.status(self.tr("Wrote {0} points with their metadata to {1}").format(f"{len(data):,}", written))

        return self.runner.submit(write_coordinates, path, data.coords, data.rows, metadata, per_point=per_point,
                                  name=self.tr("Writing coordinates"), group="export", on_result=done,
                                  on_error=lambda exc, details: self.notifier.error(exc, details))


def metric_of(data: MapData) -> str:
    """The metric the map was made with (t-SNE, UMAP), else cosine: neighbours are listed in it."""
    proj = data.projection
    return (proj.params.get("metric") if proj is not None else None) or "cosine"

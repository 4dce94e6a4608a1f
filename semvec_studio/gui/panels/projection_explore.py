"""The Map tab's exploring actions, mixed into :class:`ProjectionPanel`: a point and its nearest
neighbours, the selection (export, label, show its text), Word in context, Layer path, and the
exports of the plot and of the coordinates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog, QInputDialog

from semvec_studio.core.projection.project import neighbours
from semvec_studio.gui.map_data import (
    LABEL_COLUMN, MapData, describe, layer_path, project_rows, set_labels, word_rows, write_coordinates,
)

NEIGHBOURS_SYNC_CELLS = 8_000_000  # rows x dims up to which a neighbour query runs at once (~10 ms)
MIN_CONTEXT = 3


class ExploreMixin:
    """Needs the panel's ``map``, ``scatter``, ``runner``, ``notifier`` and boxes."""

    # --- one point and its neighbours ---------------------------------------------------------------

    def _on_clicked(self, i: int) -> None:
        if i >= 0:
            self.select_point(i)
        else:
            self.current = -1
            self.scatter.set_marks("current", [])
            self.scatter.set_marks("neighbours", [])
            self.point_box.clear_point()

    def select_point(self, i: int) -> None:
        """Show point ``i`` and list (and draw) its nearest neighbours in the original space."""
        data = self.map
        if data is None or not 0 <= i < len(data):
            return
        self.current = i
        self.scatter.set_marks("current", [i])
        self.point_box.show_point(describe(data, i, self.texts, self.columns))
        vectors = data.vectors()
        k = self.point_box.k.value()
        metric = self._metric(data)
        if vectors.shape[0] * vectors.shape[1] <= NEIGHBOURS_SYNC_CELLS:
            idx, sims = neighbours(vectors, [i], k, metric)
            self._show_neighbours(data, i, idx[0], sims[0], metric)
            return
        self.runner.submit(neighbours, vectors, [i], k, metric, name="Nearest neighbours", group="neighbours",
                           on_result=lambda res: self._show_neighbours(data, i, res[0][0], res[1][0], metric),
                           on_error=lambda exc, details: self.notifier.error(exc, details))

    @staticmethod
    def _metric(data: MapData) -> str:
        proj = data.projection
        return (proj.params.get("metric") if proj is not None else None) or "cosine"

    def _show_neighbours(self, data: MapData, i: int, idx: np.ndarray, sims: np.ndarray, metric: str) -> None:
        if self.map is not data or self.current != i:
            return  # another point (or map) was chosen meanwhile
        labels = self.labels()
        items = [(int(j), labels[int(j)] if data.kind != "path" else f"layer {int(data.layers[int(j)])}", float(s))
                 for j, s in zip(idx, sims)]
        self.point_box.show_neighbours(items, metric)
        self.scatter.set_marks("neighbours", idx)
        self.neighboursShown.emit()

    def jump_to(self, i: int) -> None:
        """Select point ``i``, centre the view on it (keeping the zoom) and list its neighbours."""
        if self.map is None or not 0 <= i < len(self.map):
            return
        (x, y), = self.scatter.positions([i])
        vb = self.scatter.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        vb.setRange(xRange=(x - (x1 - x0) / 2, x + (x1 - x0) / 2), yRange=(y - (y1 - y0) / 2, y + (y1 - y0) / 2), padding=0)
        self.scatter.set_selection([i])
        self.select_point(i)

    def show_point_text(self, i: int) -> None:
        """Ask the main window to show point ``i``'s text (its piece or word selected)."""
        data = self.map
        if data is None or not 0 <= i < len(data):
            return
        r = int(data.rows[i])
        meta = data.embset.metadata
        position = int(meta["position"][r]) if data.level != "sentence" else -1
        self.showTextRequested.emit(int(meta["text_id"][r]), data.level, position)

    # --- selection ------------------------------------------------------------------------------------

    def selected_rows(self) -> np.ndarray:
        """Set rows of the selected points (unique, ascending)."""
        if self.map is None or not len(self.scatter.selection):
            return np.zeros(0, np.int64)
        return np.unique(self.map.rows[self.scatter.selection])

    def _on_selection(self) -> None:
        n = len(self.scatter.selection)
        self.selection_box.set_count(n)
        path = self.map is not None and self.map.kind == "path"
        self.selection_box.export.setEnabled(n > 0 and not path)
        self.selection_box.label.setEnabled(n > 0 and not path)

    def export_selection(self) -> None:
        rows = self.selected_rows()
        if len(rows):
            self.exportRequested.emit(self.map.embset.subset(rows))

    def ask_label(self) -> None:
        text, ok = QInputDialog.getText(self, "Label the selection", f"Label for {len(self.selected_rows()):,} rows:")
        if ok:
            self.label_selection(text.strip())

    def label_selection(self, label: str) -> int:
        """Write ``label`` into the ``label`` column of the selected rows; returns how many."""
        rows = self.selected_rows()
        if not len(rows) or self.map.kind == "path":
            return 0
        embset = self.map.embset
        initial = None
        if LABEL_COLUMN not in embset.metadata and LABEL_COLUMN in self.columns:
            table = self.columns[LABEL_COLUMN]
            initial = [table[t] if 0 <= t < len(table) else "" for t in np.asarray(embset.metadata["text_id"]).tolist()]
        set_labels(embset, rows, label, initial)
        self._kmeans.clear()
        key = self.toolbar.color_key()
        self.show_colors(keep=f"meta:{LABEL_COLUMN}" if key in ("none", "text", f"column:{LABEL_COLUMN}") else key)
        self.notifier.status(f"Labelled {len(rows):,} rows “{label}” (the 'label' column; exported with the vectors)")
        return len(rows)

    def show_colors(self, keep: str) -> None:
        from semvec_studio.gui.map_data import color_choices

        self.toolbar.set_choices(color_choices(self.map, self.columns), keep)
        self.apply_color(self.toolbar.color_key())

    # --- Word in context and Layer path -------------------------------------------------------------

    def show_word_in_context(self, word: str) -> int | None:
        """Project every occurrence of ``word`` across the texts (runner); returns the job id."""
        self.explore.message.clear()
        words = self.sets.get("word")
        word = word.strip()
        if words is None or not word:
            self.explore.message.show_error("Type a word that occurs in the texts, e.g. bank.")
            return None
        rows = word_rows(words, word)
        if len(rows) < MIN_CONTEXT:
            self.explore.message.show_error(f"“{word}” occurs {len(rows)} time{'s' if len(rows) != 1 else ''}; "
                                            f"Word in context needs at least {MIN_CONTEXT} occurrences.")
            return None
        params = self.controls.params()

        def done(proj):
            self._finished()
            data = MapData("context", "word", words, rows[np.asarray(proj.rows)], proj.coords, title=word, projection=proj)
            self.show_map(data)

        self._job = self.runner.submit(project_rows, words, rows, params, name=f"Word in context: {len(rows)} × “{word}”",
                                       group="projection", on_result=done, on_error=self._on_failed,
                                       on_cancel=self._on_cancelled)
        self.controls.set_running(True)
        return self._job

    def show_layer_path(self) -> int | None:
        """The current point's vector at every layer, projected and joined by a line (runner)."""
        self.explore.message.clear()
        data, i = self.map, self.current
        if data is None or i < 0 or data.kind == "path":
            self.explore.message.show_error("Click a point first: its vector at every layer is shown as a path.")
            return None
        if self.lm is None:
            self.explore.message.show_error("Layer path needs the model: load one and embed the texts again.")
            return None
        r = int(data.rows[i])
        meta = data.embset.metadata
        t = int(meta["text_id"][r])
        position = int(meta["position"][r]) if data.level != "sentence" else 0
        label = self.labels()[i]

        def done(result):
            per_layer, proj = result
            n = len(per_layer)
            path = MapData("path", data.level, data.embset, np.full(n, r, np.int64), proj.coords, title=f"“{label}”",
                           projection=proj, layers=np.arange(n), _vectors=per_layer)
            self.show_map(path)

        return self.runner.submit(layer_path, self.lm, self.texts[t], data.level, position, dict(data.embset.manifest),
                                  name=f"Layer path of “{label}”", group="layer-path", on_result=done,
                                  on_error=lambda exc, details: self.notifier.error(exc, details, inline=self.explore.message))

    def back_to_map(self) -> None:
        if self.main_map is not None:
            self.show_map(self.main_map)

    # --- exports --------------------------------------------------------------------------------------

    def choose_export(self, kind: str) -> None:
        if self.map is None:
            self.notifier.status("Nothing to export yet: project some vectors first.")
            return
        filters = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)", "tsv": "Tab-separated values (*.tsv)"}
        name = "projection.tsv" if kind == "tsv" else f"map.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, "Export", str(Path.home() / name), filters[kind])
        if not path:
            return
        if kind == "tsv":
            self.export_coordinates(path)
        else:
            self.export_plot(path)

    def export_plot(self, path: str) -> None:
        self.scatter.export(path)
        self.notifier.status(f"Wrote the plot to {path}")

    def export_coordinates(self, path: str) -> int:
        """Write x, y, the set row and every metadata column of the points (runner job, atomic
        file; the columns of ``semvec project``'s projection.tsv, plus the table's columns)."""
        data = self.map
        meta = {k: (v[data.rows] if isinstance(v, np.ndarray) else [v[r] for r in data.rows.tolist()])
                for k, v in data.embset.metadata.items()}
        if data.kind == "path":
            meta["layer"] = np.asarray(data.layers, np.int64)
        tids = data.text_ids().tolist()
        for name, values in self.columns.items():
            if name not in meta:
                meta[name] = [values[t] if 0 <= t < len(values) else "" for t in tids]
        return self.runner.submit(write_coordinates, path, data.coords, data.rows, meta, name="Writing coordinates", group="export",
                                  on_result=lambda p: self.notifier.status(f"Wrote {len(data):,} points with their metadata to {p}"),
                                  on_error=lambda exc, details: self.notifier.error(exc, details))


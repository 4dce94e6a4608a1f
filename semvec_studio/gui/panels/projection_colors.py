"""The Map tab's colours (:class:`MapColors`, owned by the panel): what the points of a map can
be coloured by, the chosen colouring applied to the scatter, and k-means clusters computed on the
runner and kept per map and k."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from semvec_studio.core.projection.clusters import kmeans_clusters
from semvec_studio.gui.i18n import translate
from semvec_studio.gui.label_colors import SUGGESTED, SUGGESTED_TEXT, LabelStyle, label_classes, suggested_classes
from semvec_studio.gui.map_data import LABEL_COLUMN, MapData, color_choices, color_values
from semvec_studio.gui.panels.projection_side import MapToolbar
from semvec_studio.gui.plots.scatter import Scatter


class MapColors(QObject):
    """Colours ``scatter`` as ``toolbar`` says; ``colored`` once the points have their colours.
    Every call takes the map and the table's columns (and the word-level set, for the word of
    each piece) as arguments."""

    colored = Signal()

    def __init__(self, toolbar: MapToolbar, scatter: Scatter, runner, notifier, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.toolbar, self.scatter, self.runner, self.notifier = toolbar, scatter, runner, notifier
        self._clusters: dict = {}  # (id(map), k) -> cluster of each point
        self._data: MapData | None = None  # the map last coloured: a late k-means result must be for it
        self.style: LabelStyle | None = None  # the open workspace's label colours and suggestions

    def offer(self, data: MapData, columns: dict[str, list[str]], words, keep: str) -> None:
        """Offer the colours of ``data``, choose ``keep`` (when offered) and apply it."""
        choices = color_choices(data, columns)
        if self.style is not None and self.style.suggested is not None and LABEL_COLUMN in columns:
            at = next((i + 1 for i, (key, _) in enumerate(choices) if key == f"column:{LABEL_COLUMN}"), len(choices))
            choices.insert(at, (SUGGESTED, translate("LabelColors", SUGGESTED_TEXT)))
        self.toolbar.set_choices(choices, keep)
        self.apply(data, self.toolbar.color_key(), columns, words)

    def apply(self, data: MapData | None, key: str, columns: dict[str, list[str]], words) -> None:
        if data is None:
            return
        self._data = data
        if key == "kmeans":
            self._kmeans(data, self.toolbar.k.value())
            return
        if self._color_by_workspace_labels(data, key, columns):
            self.colored.emit()
            return
        kind, values = color_values(data, key, columns, words)
        if kind == "categories":
            self.scatter.color_by_categories(values, self.tr("text {0}").format if key == "text" else None)
        elif kind == "values":
            self.scatter.color_by_values(values, self.toolbar.color.currentText())
        else:
            self.scatter.color_single()
        self.colored.emit()

    def _color_by_workspace_labels(self, data: MapData, key: str, columns: dict[str, list[str]]) -> bool:
        """The label column (and the suggested labels) in the workspace's colours; False when the
        map is not of a workspace's rows or ``key`` is not about labels."""
        style = self.style
        if style is None or LABEL_COLUMN not in columns or key not in (f"column:{LABEL_COLUMN}", SUGGESTED):
            return False
        texts = data.text_ids().tolist()
        given = columns[LABEL_COLUMN]
        labels = [given[t] if 0 <= t < len(given) else "" for t in texts]
        if key == SUGGESTED and style.suggested is not None:
            guess = [style.suggested[t] if 0 <= t < len(style.suggested) else "" for t in texts]
            conf = style.confidence[np.asarray(texts, dtype=np.int64)] if len(texts) else np.zeros(0)
            self.scatter.color_by_classes(*suggested_classes(labels, guess, conf, style))
        else:
            self.scatter.color_by_classes(*label_classes(labels, style))
        return True

    def forget_clusters(self) -> None:
        """Drop the kept k-means clusters (the rows' vectors or labels changed)."""
        self._clusters.clear()

    def _kmeans(self, data: MapData, k: int) -> None:
        key = (id(data), k)
        if key in self._clusters:
            cluster = self.tr("cluster {0}")
            self.scatter.color_by_categories([cluster.format(c + 1) for c in self._clusters[key]])
            self.colored.emit()
            return

        def done(labels) -> None:
            self._clusters[key] = labels
            if self._data is data and self.toolbar.color_key() == "kmeans" and self.toolbar.k.value() == k:
                self._kmeans(data, k)

        self.runner.submit(kmeans_clusters, data.vectors(), k, name=self.tr("k-means (k={0}) on {1} points").format(k, f"{len(data):,}"),
                           group="kmeans", on_result=done, on_error=lambda exc, details: self.notifier.error(exc, details))

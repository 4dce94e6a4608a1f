"""The Compare view's figures of a comparison (:class:`CompareFigures`): the summary line (the
linear CKA of A and B, the mean neighbour overlap at k, how many rows), the line that names the words
a static word-vector file lacks (left out of both sides; hidden when none), and the layer-by-layer
linear CKA heatmap of the model(s) on the same rows.

A plain object the Compare view owns: it makes the three widgets and shows a comparison in them;
the view lays them out.

Its strings keep the "CompareView" translation context they had when this code was part of
compare_view.py (``translate("CompareView", ...)``), so the committed translations still apply.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from semvec_studio.core.compare.pair import PairComparison
from semvec_studio.gui.i18n import QT_TRANSLATE_NOOP, translate
from semvec_studio.gui.panels.compare_rows import short
from semvec_studio.gui.plots.heatmap import Heatmap

# the words below are shown translated (context "CompareView")
ITEMS = {"token": (QT_TRANSLATE_NOOP("CompareView", "piece"), QT_TRANSLATE_NOOP("CompareView", "pieces")),
         "word": (QT_TRANSLATE_NOOP("CompareView", "word"), QT_TRANSLATE_NOOP("CompareView", "words")),
         "sentence": (QT_TRANSLATE_NOOP("CompareView", "text"), QT_TRANSLATE_NOOP("CompareView", "texts"))}
HEATMAP_HINT = QT_TRANSLATE_NOOP("CompareView", "Compare to see the layer-by-layer linear CKA of the model on these rows.")
LEFT_OUT_TIP_WORDS = 300  # words listed in the left-out line's tooltip


def item_name(level: str, plural: bool = False) -> str:
    """What a row of a comparison at ``level`` is ("word", "texts"...), translated."""
    return translate("CompareView", ITEMS[level][1 if plural else 0])


class CompareFigures:
    """See the module doc. ``parent``: the view (the heatmap's first parent)."""

    def __init__(self, parent: QWidget) -> None:
        self.summary = QLabel(translate("CompareView", "Choose two sides (layers of a model, or a static word-vector file) and press Compare."))
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setWordWrap(True)  # a narrow window: the figures go on two lines, not cut
        self.left_out = QLabel()  # the words a static file lacks, left out of both sides
        self.left_out.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.left_out.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.left_out.hide()
        self.heatmap = Heatmap(parent, value_name=translate("CompareView", "linear CKA"), annotate_max=16, label_chars=10,
                               value_format="{:.2f}", empty_hint=translate("CompareView", HEATMAP_HINT))

    def show(self, r: PairComparison) -> None:
        """Show comparison ``r``'s summary, the words it left out and its layer-by-layer CKA."""
        self.show_summary(r)
        self.show_left_out(r)
        self.show_heatmap(r)

    def show_summary(self, r: PairComparison) -> None:
        cka = translate("CompareView", "undefined") if not np.isfinite(r.cka) else f"{r.cka:.3f}"
        self.summary.setText(translate("CompareView", "<span style='font-size:12pt'>Linear CKA(A, B) = <b>{0}</b></span> · mean neighbour "
                                                      "overlap <b>{1}</b> (k = {2}, {3}) · {4} {5}").format(
            cka, f"{r.overlap.mean:.2f}", r.overlap.k, r.overlap.metric, f"{len(r):,}", item_name(r.a.level, plural=True)))
        self.summary.setToolTip(translate("CompareView", "Linear CKA compares the two spaces as wholes (1 = the same up to rotation and "
                                                         "scale). A row's overlap is the Jaccard index of its k nearest neighbours in A and "
                                                         "in B."))

    def show_left_out(self, r: PairComparison) -> None:
        """Say which words a static side's file lacks (left out of both sides); hidden when none."""
        out = r.left_out
        if out is None:
            self.left_out.clear()
            self.left_out.hide()
            return
        self.left_out.setText(out.describe())
        more = len(out.words) - LEFT_OUT_TIP_WORDS
        self.left_out.setToolTip(translate("CompareView", "Not in the static file, so left out of both A and B:") + "\n"
                                 + ", ".join(out.words[:LEFT_OUT_TIP_WORDS])
                                 + (translate("CompareView", ", and {0} more").format(f"{more:,}") if more > 0 else ""))
        self.left_out.show()

    def show_heatmap(self, r: PairComparison) -> None:
        if r.layer_cka is None:
            self.heatmap.clear(translate("CompareView", HEATMAP_HINT))
            return
        m = r.layer_cka
        rows = [str(i) for i in range(m.shape[0])]
        cols = list(r.heatmap_columns) if r.heatmap_columns else [str(j) for j in range(m.shape[1])]
        ticks = [translate("CompareView", "static")] * len(cols) if r.heatmap_columns else None  # the full name in the hover readout
        self.heatmap.set_matrix(m, rows, cols, levels=(0.0, 1.0), cmap="sequential", col_ticks=ticks)
        layer = translate("CompareView", "layer (0 = embeddings)")
        if r.heatmap_columns:
            static = r.models[r.kinds.index("static")]
            self.heatmap.set_axis_titles(layer, translate("CompareView", "against {0}").format(short(Path(static).name, 30)))
        elif r.same_model:
            self.heatmap.set_axis_titles(layer, translate("CompareView", "layer of {0}").format(short(r.models[0], 30)))
        else:
            self.heatmap.set_axis_titles(translate("CompareView", "layer of A's model ({0})").format(short(r.models[0], 20)),
                                         translate("CompareView", "layer of B's model ({0})").format(short(r.models[1], 20)))
        self.heatmap.set_marked(*r.heatmap_layers)

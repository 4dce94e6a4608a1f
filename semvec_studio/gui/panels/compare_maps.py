"""The Compare view's two linked maps (:class:`LinkedMaps`): A's and B's 2-D maps side by side, each
under its title. A hover in one marks the same row in the other, and a selection in one is the
selection in the other; the view shows a comparison's points in both, colours both alike, and marks
a row's neighbours (A's in A, B's in B) and the search's hits in both.

Its strings keep the "CompareView" translation context they had when this code was part of
compare_view.py (``translate("CompareView", ...)``), so the committed translations still apply.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from semvec_studio.gui.i18n import translate
from semvec_studio.gui.panels.compare_rows import text_ids
from semvec_studio.gui.plots.scatter import Scatter


class LinkedMaps(QWidget):
    """``LinkedMaps(tooltip_provider, parent=None)``: ``tooltip_provider(row) -> str`` gives a
    hovered point's rich-text tooltip in either map. :attr:`map_a` and :attr:`map_b` are the two
    :class:`~semvec_studio.gui.plots.scatter.Scatter` plots, :attr:`title_a` and :attr:`title_b`
    their titles."""

    def __init__(self, tooltip_provider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title_a, self.title_b = QLabel("<b>A</b>"), QLabel("<b>B</b>")
        self.map_a, self.map_b = Scatter(), Scatter()
        for col, (title, scatter) in enumerate(((self.title_a, self.map_a), (self.title_b, self.map_b))):
            title.setTextFormat(Qt.TextFormat.RichText)
            title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            scatter.tooltip_provider = tooltip_provider
            scatter.bar.axis.enableAutoSIPrefix(False)  # overlap is 0..1: no "(x0.001)"
            lay.addWidget(title, 0, col)
            lay.addWidget(scatter, 1, col)
        lay.setRowStretch(1, 1)
        for this, other in ((self.map_a, self.map_b), (self.map_b, self.map_a)):
            this.hovered.connect(lambda i, o=other: o.set_marks("current", [i] if i >= 0 else []))
            this.selectionChanged.connect(lambda t=this, o=other: o.set_selection(t.selection, emit=False))

    def scatters(self) -> tuple[Scatter, Scatter]:
        return self.map_a, self.map_b

    def show_points(self, result) -> None:
        """Show a :class:`~semvec_studio.core.compare.pair.PairComparison`'s two maps (B's turned
        onto A's) under the names of their sides."""
        for title, scatter, side, name, coords in ((self.title_a, self.map_a, "A", result.names[0], result.coords_a),
                                                   (self.title_b, self.map_b, "B", result.names[1], result.coords_b)):
            title.setText(f"<b>{side}</b> · {html.escape(name)}" + (translate("CompareView", " · aligned onto A") if side == "B" else ""))
            title.setToolTip(name)
            scatter.set_points(coords)

    def color_by(self, key: str, result) -> None:
        """Colour both maps' points by ``key``: "overlap" (each row's neighbour overlap), "text"
        (which text a row is in) or anything else (one colour)."""
        for scatter in self.scatters():
            if key == "overlap":
                scatter.color_by_values(result.overlap.overlap, translate("CompareView", "overlap"))
            elif key == "text":
                scatter.color_by_categories(text_ids(result) + 1, translate("CompareView", "text {0}").format)
            else:
                scatter.color_single()

    def select(self, row: int, neighbours_a, neighbours_b) -> None:
        """Select ``row`` in both maps (telling no one) and mark its neighbours in A and in B."""
        for scatter, rows in ((self.map_a, neighbours_a), (self.map_b, neighbours_b)):
            scatter.set_selection([row], emit=False)
            scatter.set_marks("neighbours", rows)

    def clear_selection(self) -> None:
        for scatter in self.scatters():
            scatter.set_selection([], emit=False)
            scatter.set_marks("neighbours", [])

    def mark(self, name: str, rows) -> None:
        """Mark ``rows`` in both maps as ``name`` (e.g. "search")."""
        for scatter in self.scatters():
            scatter.set_marks(name, rows)

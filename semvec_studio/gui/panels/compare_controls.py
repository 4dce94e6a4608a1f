"""The Compare view's controls (:class:`CompareControls`): what to compare (sides A and B, the
level, k), Compare and Cancel beside the job's progress line, laid out in
:attr:`CompareControls.grid`; and how to look at a comparison (a search in both maps, what the
points are coloured by), laid out in :attr:`CompareControls.bar`.

A plain object the Compare view owns: it makes the widgets and lays them out; the view puts the two
layouts in place, adds its summary line to the end of the bar and connects the widgets' signals.

Its strings keep the "CompareView" translation context they had when this code was part of
compare_view.py (``translate("CompareView", ...)``), so the committed translations still apply.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QSpinBox

from semvec_studio.gui.i18n import QT_TRANSLATE_NOOP, translate
from semvec_studio.gui.panels.compare_side import SideControls
from semvec_studio.gui.panels.job_status import JobStatus

# the words below are shown translated (context "CompareView")
LEVELS = ((QT_TRANSLATE_NOOP("CompareView", "pieces"), "token"), (QT_TRANSLATE_NOOP("CompareView", "words"), "word"),
          (QT_TRANSLATE_NOOP("CompareView", "texts"), "sentence"))
COLORS = ((QT_TRANSLATE_NOOP("CompareView", "neighbour overlap"), "overlap"), (QT_TRANSLATE_NOOP("CompareView", "text"), "text"),
          (QT_TRANSLATE_NOOP("CompareView", "one colour"), "none"))


class CompareControls:
    """See the module doc. ``runner``: the app's runner, whose job the progress line follows."""

    def __init__(self, runner) -> None:
        self.side_a, self.side_b = SideControls("A"), SideControls("B")
        self.set_num_layers(2)
        self.level = QComboBox()
        for text, level in LEVELS:
            self.level.addItem(translate("CompareView", text), level)
        self.level.setCurrentIndex(self.level.findData("word"))
        self.level.setToolTip(translate("CompareView", "Compare the vectors of word pieces, of whole words, or of whole texts (mean-pooled)."))
        self.k = QSpinBox()
        self.k.setRange(1, 100)
        self.k.setValue(10)
        self.k.setToolTip(translate("CompareView", "Neighbours per row: each row's overlap is the Jaccard index of its k nearest neighbours "
                                                   "in A and in B."))
        self.compare_button = QPushButton(translate("CompareView", "Compare"))
        self.compare_button.setToolTip(translate("CompareView", "Extract both sides for the current texts, map them and measure how they "
                                                                "differ."))
        self.cancel_button = QPushButton(translate("CompareView", "Cancel"))
        self.cancel_button.setEnabled(False)
        self.status = JobStatus(runner)
        self.grid = self._grid()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(translate("CompareView", "Search words or texts in both maps…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaximumWidth(280)
        self.color = QComboBox()
        for text, key in COLORS:
            self.color.addItem(translate("CompareView", text), key)
        self.bar = QHBoxLayout()
        self.bar.addWidget(self.search_edit)
        self.bar.addWidget(QLabel(translate("CompareView", "Colour by")))
        self.bar.addWidget(self.color)
        self.bar.addSpacing(12)

    def _grid(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.addWidget(self.side_a, 0, 0)
        grid.addWidget(self.side_b, 1, 0)
        grid.addWidget(QLabel(translate("CompareView", "Level")), 0, 1)
        grid.addWidget(self.level, 0, 2)
        grid.addWidget(QLabel("k"), 1, 1)
        grid.addWidget(self.k, 1, 2)
        grid.addWidget(self.compare_button, 0, 3)
        grid.addWidget(self.cancel_button, 1, 3)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # takes what is left: a 1,024-pixel screen
        grid.addWidget(self.status, 0, 4, 2, 1)
        grid.setColumnStretch(0, 2)  # the model boxes widen a little; the progress line takes the rest
        grid.setColumnStretch(4, 3)
        return grid

    def set_num_layers(self, num_layers: int) -> None:
        """Offer the layers of a model of ``num_layers``: by default, A a middle layer and B the last."""
        self.side_a.set_num_layers(num_layers, (max(1, num_layers // 2),))
        self.side_b.set_num_layers(num_layers, (-1,))

    def set_running(self, running: bool) -> None:
        """Compare while no comparison runs; Cancel while one does."""
        self.compare_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

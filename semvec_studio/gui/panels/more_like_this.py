"""More like this: the unlabelled rows most like the rows with one label, ranked by the cosine of
their sentence vectors (see :mod:`semvec_studio.core.labelling.similar`), with their scores and
texts, so the user looks before labelling. "Label the checked rows" gives the ticked rows the
label in one edit (source "bulk"; Ctrl+Z in the Data view undoes it); untick the ones that do not
belong first, or lower "Rows" to keep only the best.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.workspace.store import Workspace
from semvec_studio.gui.i18n import counted
from semvec_studio.gui.notifier import InlineMessage
from semvec_studio.gui.workspace_model import one_line

DEFAULT_ROWS = 50
MAX_ROWS = 5000


class MoreLikeThisDialog(QDialog):
    """``rankRequested(label, n)``: rank the rows (the window's suggestions run the job and call
    :meth:`set_ranked`); ``edited(edit)`` once the checked rows are labelled."""

    rankRequested = Signal(str, int)
    edited = Signal(object)

    def __init__(self, ws: Workspace, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws, self.label = ws, label
        self.rows = np.zeros(0, np.int64)
        self.setWindowTitle(self.tr("More like “{0}”").format(label))
        self.n = QSpinBox()
        self.n.setRange(1, MAX_ROWS)
        self.n.setValue(DEFAULT_ROWS)
        self.rank_button = QPushButton(self.tr("Rank"))
        self.summary = QLabel(self.tr("Unlabelled rows most like the rows labelled “{0}”, best first.").format(label))
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Row"), self.tr("Score"), self.tr("Text")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.message = InlineMessage()
        self.apply_button = QPushButton(self.tr("Label the checked rows “{0}”").format(label))
        self.apply_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Rows:")))
        top.addWidget(self.n)
        top.addWidget(self.rank_button)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.apply_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self.rank_button.clicked.connect(self.rank)
        self.apply_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.close)
        self.resize(720, 480)

    def rank(self) -> None:
        self.message.show_info(self.tr("Ranking…"))
        self.rankRequested.emit(self.label, self.n.value())

    def set_ranked(self, ranked) -> None:
        """Show a core Ranked (workspace rows and cosine scores), every row checked."""
        self.rows = np.asarray(ranked.rows, dtype=np.int64)
        found = self.ws.read_rows(self.rows) if len(self.rows) else []
        self.table.setRowCount(len(found))
        for i, (row, score) in enumerate(zip(found, np.asarray(ranked.scores).tolist())):
            first = QTableWidgetItem(str(row.row))
            first.setFlags(first.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            first.setCheckState(Qt.CheckState.Checked)
            text = QTableWidgetItem(one_line(row.text, 300))
            text.setToolTip(row.text[:2000])
            for column, item in enumerate((first, QTableWidgetItem(f"{score:.3f}"), text)):
                self.table.setItem(i, column, item)
        self.message.clear()
        self.summary.setText(self.tr(
            "{0} most like the rows labelled “{1}”, best first (cosine of the sentence vectors). Untick those that do not belong.").format(
            counted(len(found), self.tr("{0} unlabelled row"), self.tr("{0} unlabelled rows")), self.label)
            + (f" {ranked.note}" if ranked.note else ""))  # a large set's index (core's words): say so
        self.summary.setMinimumHeight(self.summary.heightForWidth(max(self.summary.width(), 300)))  # every wrapped line shows
        self.apply_button.setEnabled(bool(len(found)))

    def checked_rows(self) -> np.ndarray:
        keep = [i for i in range(self.table.rowCount()) if self.table.item(i, 0).checkState() == Qt.CheckState.Checked]
        return self.rows[keep] if len(self.rows) else self.rows

    def apply(self) -> None:
        rows = self.checked_rows()
        if not len(rows):
            self.message.show_info(self.tr("No row is checked."))
            return
        try:
            edit = self.ws.set_label(rows, self.label, "bulk")
        except SemvecError as exc:
            self.message.show_error(exc.for_gui())
            return
        self.message.show_info(self.tr("Labelled {0} “{1}” (Ctrl+Z in the Data view undoes it).").format(
            counted(len(rows), self.tr("{0} row"), self.tr("{0} rows")), self.label))
        self.apply_button.setEnabled(False)
        self.edited.emit(edit)

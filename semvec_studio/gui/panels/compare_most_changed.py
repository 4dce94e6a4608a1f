"""The Compare view's "most changed" table (:class:`MostChanged`): every row of the comparison with
its neighbour overlap, its word (or text) and its text number, lowest overlap first and sortable by
any column; a table model over the comparison's rows (:class:`OverlapModel`) behind a sorting
proxy."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from semvec_studio.gui.panels.compare_rows import ROW_ROLE, short

SORT_ROLE = Qt.ItemDataRole.UserRole + 3


class OverlapModel(QAbstractTableModel):
    """One line per row of the comparison: its overlap, its word (or text) and its text number."""

    HEADERS = (QT_TRANSLATE_NOOP("OverlapModel", "overlap"), QT_TRANSLATE_NOOP("OverlapModel", "word"),
               QT_TRANSLATE_NOOP("OverlapModel", "text"))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.overlap = np.zeros(0)
        self.labels: list[str] = []
        self.text_ids = np.zeros(0, np.int64)
        self.item_name = self.tr("word")

    def reset(self, overlap: np.ndarray, labels: list[str], text_ids: np.ndarray, item_name: str) -> None:
        self.beginResetModel()
        self.overlap, self.labels, self.text_ids, self.item_name = np.asarray(overlap), labels, np.asarray(text_ids), item_name
        self.endResetModel()

    def set_overlap(self, overlap: np.ndarray) -> None:
        self.overlap = np.asarray(overlap)
        if len(self.overlap):
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.overlap) - 1, 0))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.overlap)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt API)
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.item_name if section == 1 else self.tr(self.HEADERS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == SORT_ROLE:
            return (float(self.overlap[r]), self.labels[r].lower(), int(self.text_ids[r]))[c]
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{self.overlap[r]:.2f}", short(self.labels[r]), str(int(self.text_ids[r]) + 1))[c]
        if role == Qt.ItemDataRole.ToolTipRole and c == 1:
            return self.labels[r]
        if role == Qt.ItemDataRole.TextAlignmentRole and c != 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROW_ROLE:
            return r
        return None


class MostChanged(QWidget):
    """The "most changed" table: every row, lowest overlap first; sortable by any column."""

    rowChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("<b>Most changed</b>"))
        self.model = OverlapModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip(self.tr("Rows whose nearest neighbours changed most between A and B (Jaccard overlap of the k "
                                      "nearest neighbours in the original spaces; 0 = none shared). Click a header to sort."))
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.title)
        lay.addWidget(self.table, 1)

    def show_rows(self, overlap: np.ndarray, labels: list[str], text_ids: np.ndarray, item_name: str) -> None:
        self.model.reset(overlap, labels, text_ids, item_name)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.scrollToTop()

    def shown_rows(self) -> list[int]:
        """Comparison rows in the table's order, top first."""
        return [int(self.proxy.index(i, 0).data(ROW_ROLE)) for i in range(self.proxy.rowCount())]

    def shown_overlaps(self) -> list[float]:
        return [float(self.proxy.index(i, 0).data(SORT_ROLE)) for i in range(self.proxy.rowCount())]

    def current_row(self) -> int:
        """The comparison row of the current line (-1: none)."""
        index = self.table.currentIndex()
        return int(index.data(ROW_ROLE)) if index.isValid() else -1

    def select(self, row: int) -> None:
        """Make comparison row ``row`` current without telling anyone (the view already knows)."""
        source = self.model.index(row, 0)
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            return
        self.table.selectionModel().blockSignals(True)
        self.table.selectionModel().setCurrentIndex(
            index, self.table.selectionModel().SelectionFlag.ClearAndSelect | self.table.selectionModel().SelectionFlag.Rows)
        self.table.selectionModel().blockSignals(False)
        self.table.scrollTo(index)
        self.table.viewport().update()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.rowChosen.emit(int(current.data(ROW_ROLE)))

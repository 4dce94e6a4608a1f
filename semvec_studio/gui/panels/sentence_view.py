"""Sentence view: the texts with their vector norms, a text-by-text cosine matrix and the texts
most similar to the selected one (matrix products on unit vectors, on the GUI thread).

Layout: the texts on the left, full height; the matrix on the right above the most similar
texts, so it gets a roughly square area (a square matrix reads best with square-ish cells)
instead of a tall strip beside two tables. The selected text's row and column are marked.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.extract.analysis import cosine_matrix, most_similar
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.rows import unit_rows
from semvec_studio.gui.plots.heatmap import Heatmap, elide

HEATMAP_CAP = 500  # texts in the similarity matrix; larger sets show their first HEATMAP_CAP
HEATMAP_HINT = QT_TRANSLATE_NOOP("SentenceView", "Embed some texts: their cosine similarity matrix appears here.")
TOP_K = 10
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class SentenceTableModel(QAbstractTableModel):
    """Read-only table of texts: id, text, vector norm. Sorting is a numpy argsort of the rows
    (``order``), so thousands of texts sort at once instead of through Python comparisons."""

    HEADERS = (QT_TRANSLATE_NOOP("SentenceTableModel", "id"), QT_TRANSLATE_NOOP("SentenceTableModel", "text"),
               QT_TRANSLATE_NOOP("SentenceTableModel", "norm"))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.ids = np.zeros(0, np.int64)
        self.texts: list[str] = []
        self.norms = np.zeros(0, np.float32)
        self.order = np.zeros(0, np.int64)  # table row -> set row
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    def set_rows(self, ids: np.ndarray, texts: list[str], norms: np.ndarray) -> None:
        self.beginResetModel()
        self.ids, self.texts, self.norms = ids, texts, norms
        self.order = self._sorted_order(*self._sort)
        self.endResetModel()

    def set_row(self, table_row: int) -> int:
        return int(self.order[table_row])

    def table_row(self, set_row: int) -> int:
        return int(np.nonzero(self.order == set_row)[0][0])

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt API)
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        r, c = int(self.order[index.row()]), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(int(self.ids[r])), " ".join(self.texts[r].split()), f"{self.norms[r]:.3f}")[c]
        if role == Qt.ItemDataRole.ToolTipRole and c == 1:
            return self.texts[r]
        if role == Qt.ItemDataRole.TextAlignmentRole and c != 1:
            return int(_RIGHT)
        return None

    def _sorted_order(self, column: int, order: Qt.SortOrder) -> np.ndarray:
        if column == 1:
            keys = np.asarray([t.lower() for t in self.texts], dtype=object)
            idx = np.asarray(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)
        else:
            idx = np.argsort(self.ids if column == 0 else self.norms, kind="stable").astype(np.int64)
        return idx[::-1].copy() if order == Qt.SortOrder.DescendingOrder else idx

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self.order
        self._sort = (column, order)
        self.order = self._sorted_order(column, order)
        where = np.empty_like(self.order)
        where[self.order] = np.arange(len(self.order))
        old = self.persistentIndexList()
        self.changePersistentIndexList(old, [self.index(int(where[before[i.row()]]), i.column()) for i in old])
        self.layoutChanged.emit()


class SentenceView(QWidget):
    """``show_sentences(set)``, ``clear()``; ``textSelected(text_id)`` when a text is chosen."""

    textSelected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sentences: EmbeddingSet | None = None
        self.unit = np.zeros((0, 0), np.float32)
        self.shown_matrix = np.zeros((0, 0), np.float32)
        self.similar: list[tuple[int, float]] = []
        self._build()
        self.clear()

    def _build(self) -> None:
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.table_model = SentenceTableModel(self)
        self.table = self._build_table()
        self.heatmap = Heatmap(self, max_tick_labels=60, label_chars=24, value_name=self.tr("cosine"), annotate_max=30,
                               empty_hint=self.tr(HEATMAP_HINT))
        self.heatmap.set_axis_titles(self.tr("text"), self.tr("text"))
        self.cap_note = QLabel(self)
        self.cap_note.setWordWrap(True)
        self.similar_title = QLabel(self.tr("Most similar texts"), self)
        self.similar_table = self._build_similar_table()
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self._stack(self.cap_note, self.heatmap))
        right.addWidget(self._stack(self.similar_title, self.similar_table))
        right.setStretchFactor(0, 1)
        right.setSizes([460, 240])
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 540])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.splitter, 1)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.heatmap.cellClicked.connect(lambda r, _c: self.select_row(r))
        self.similar_table.cellDoubleClicked.connect(self._on_similar_double_clicked)

    def _stack(self, *widgets: QWidget) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for w in widgets:
            layout.addWidget(w, 1 if not isinstance(w, QLabel) else 0)
        return page

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.table_model)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().lineSpacing() + 8)
        header = table.horizontalHeader()  # fixed widths: ResizeToContents measures every row
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        return table

    def _build_similar_table(self) -> QTableWidget:
        table = QTableWidget(0, 3, self)
        table.setHorizontalHeaderLabels([self.tr("cosine"), self.tr("id"), self.tr("text")])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().lineSpacing() + 8)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.setToolTip(self.tr("Double-click a text to select it."))
        return table

    # --- public interface ---------------------------------------------------------------------

    def show_sentences(self, sentences: EmbeddingSet) -> None:
        self.sentences = sentences
        n = len(sentences)
        self.unit = unit_rows(sentences.vectors) if n else np.zeros((0, sentences.dim), np.float32)
        ids = np.asarray(sentences.metadata["text_id"], dtype=np.int64)
        texts = [str(t) for t in sentences.metadata["text"]]
        self.table_model.set_rows(ids, texts, np.linalg.norm(np.asarray(sentences.vectors, np.float32), axis=1))
        self._fit_number_columns(ids)
        self.caption.setText(self._caption(sentences))
        self._show_heatmap(ids, texts)
        self._show_similar(None)

    def clear(self) -> None:
        self.sentences = None
        self.unit = np.zeros((0, 0), np.float32)
        self.shown_matrix = np.zeros((0, 0), np.float32)
        self.table_model.set_rows(np.zeros(0, np.int64), [], np.zeros(0, np.float32))
        self.heatmap.clear()
        self.caption.setText(self.tr("No sentence vectors yet: embed some texts."))
        self.cap_note.setText("")
        self._show_similar(None)

    def select_row(self, row: int) -> None:
        """Select the set's row ``row`` (not the sorted table's) in the table."""
        index = self.table_model.index(self.table_model.table_row(row), 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def select_text_id(self, text_id: int) -> None:
        hit = np.nonzero(self.table_model.ids == text_id)[0]
        if len(hit):
            self.select_row(int(hit[0]))

    def selected_row(self) -> int | None:
        index = self.table.currentIndex()
        return self.table_model.set_row(index.row()) if index.isValid() else None

    def similarity_matrix(self) -> np.ndarray:
        """The cosine matrix on screen (the first HEATMAP_CAP texts)."""
        return self.shown_matrix

    # --- internals ------------------------------------------------------------------------------

    def _fit_number_columns(self, ids: np.ndarray) -> None:
        fm = self.table.fontMetrics()
        pad = 2 * fm.horizontalAdvance("M")
        widest_id = str(int(ids.max())) if len(ids) else "0"
        self.table.setColumnWidth(0, max(fm.horizontalAdvance(widest_id), fm.horizontalAdvance("id")) + pad + 12)
        self.table.setColumnWidth(2, fm.horizontalAdvance("000.000") + pad)

    def _caption(self, s: EmbeddingSet) -> str:
        man = s.manifest or {}
        bits = [self.tr("{0} texts").format(len(s)), self.tr("{0} dimensions").format(s.dim)]
        if man.get("pooling"):
            bits.append(self.tr("{0} pooling").format(man["pooling"]))
        if man.get("normalize"):
            bits.append(self.tr("normalised"))
        return " · ".join(bits) + self.tr(" — select a text for its nearest neighbours; click a heatmap row to select it.")

    def _show_heatmap(self, ids: np.ndarray, texts: list[str]) -> None:
        n = len(ids)
        shown = min(n, HEATMAP_CAP)
        if shown == 0:
            self.shown_matrix = np.zeros((0, 0), np.float32)
            self.heatmap.clear()
            self.cap_note.setText("")
            return
        self.shown_matrix = cosine_matrix(self.unit[:shown], normalized=True)
        labels = [f"#{int(i)} {' '.join(t.split())}" for i, t in zip(ids[:shown], texts[:shown])]
        ticks = [f"#{int(i)}" for i in ids[:shown]]
        self.heatmap.set_matrix(self.shown_matrix, row_labels=labels, col_labels=labels, levels=(-1.0, 1.0), col_ticks=ticks)
        self.cap_note.setText(
            self.tr("Cosine similarity of the first {0} of {1} texts (the matrix is capped at {0}); "
                    "the “most similar” list searches all of them.").format(HEATMAP_CAP, n) if n > HEATMAP_CAP
            else self.tr("Cosine similarity between the {0} texts.").format(n)
        )

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.sentences is None:
            self._show_similar(None)
            self.heatmap.set_marked(None, None)
            return
        row = self.table_model.set_row(current.row())
        self._show_similar(row)
        self.heatmap.set_marked(row, row)
        self.textSelected.emit(int(self.table_model.ids[row]))

    def _show_similar(self, row: int | None) -> None:
        self.similar = [] if row is None else most_similar(self.unit, row, TOP_K)
        t = self.similar_table
        t.setRowCount(len(self.similar))
        for n, (j, cos) in enumerate(self.similar):
            cells = (f"{cos:+.3f}", str(int(self.table_model.ids[j])), " ".join(self.table_model.texts[j].split()))
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, j)
                if c < 2:
                    item.setTextAlignment(_RIGHT)
                else:
                    item.setToolTip(self.table_model.texts[j])
                t.setItem(n, c, item)
        if row is None:
            self.similar_title.setText(self.tr("Most similar texts: select a text"))
        else:
            self.similar_title.setText(self.tr("Most similar to #{0}: {1}").format(int(self.table_model.ids[row]),
                                                                                     elide(self.table_model.texts[row], 70)))

    def _on_similar_double_clicked(self, r: int, _c: int) -> None:
        item = self.similar_table.item(r, 0)
        if item is not None:
            self.select_row(int(item.data(Qt.ItemDataRole.UserRole)))

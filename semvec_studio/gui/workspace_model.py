"""The Data view's table model: a workspace's rows (a :class:`RowView`), read from SQLite a page at a time.

Qt asks only for the cells it paints, so the model holds a few pages of rows (:data:`PAGE_ROWS`
each, the last :data:`PAGES_KEPT` used) whatever the number of rows; a million rows cost a page
read per scroll step, not a million Python objects. The label cell is editable: an edit is one
committed workspace edit (source "typed"), undone with Ctrl+Z.
"""

from __future__ import annotations

import time
from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.workspace.edits import Edit
from semvec_studio.core.workspace.store import Row, Workspace
from semvec_studio.core.workspace.views import RowView
from semvec_studio.gui.i18n import QT_TRANSLATE_NOOP, translate

PAGE_ROWS = 256
PAGES_KEPT = 32
SHOWN_CHARS = 400  # of a long text in its cell (the whole text is in the tooltip, up to TIP_CHARS)
TIP_CHARS = 2000
LINE_BREAK = "\u2424"  # ␤: a line break inside one text, shown on its one line
ROW_COLUMN, LABEL_COLUMN, TEXT_COLUMN = 0, 1, 2
_FIXED = ("#", QT_TRANSLATE_NOOP("RowTableModel", "Label"), QT_TRANSLATE_NOOP("RowTableModel", "Text"))
SCORE = QT_TRANSLATE_NOOP("RowTableModel", "Score")  # after the text, in a ranked view (a search by meaning): the row's cosine to the query
# after the text once there are suggestions (unlabelled rows only)
SUGGESTED, CONFIDENCE = QT_TRANSLATE_NOOP("RowTableModel", "Suggested"), QT_TRANSLATE_NOOP("RowTableModel", "Confidence")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def one_line(text: str, limit: int = SHOWN_CHARS) -> str:
    text = text.replace("\r\n", LINE_BREAK).replace("\n", LINE_BREAK).replace("\r", LINE_BREAK)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RowTableModel(QAbstractTableModel):
    """Row number, label, text, then the other original columns of the files."""

    labelEdited = Signal(object)  # the Edit a typed label made
    editFailed = Signal(object)  # the exception (a user error: read-only, a bad name)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.view: RowView | None = None
        self._extra: list[str] = []  # the columns after the text: those made here (suggestions, score), then the files' others
        self._made = 0
        self._label_columns: set[str] = set()
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()
        self._colours: dict[str, QColor] = {}
        self._suggested = None  # (predicted label id by workspace row, confidence by row, {label id: name}) or None
        self._shown = 0  # rows shown: len(view) when the model was last reset or grew

    # --- content --------------------------------------------------------------------------------

    @property
    def ws(self) -> Workspace | None:
        return None if self.view is None else self.view.ws

    def set_view(self, view: RowView | None) -> None:
        self.beginResetModel()
        self.view = view
        self._pages.clear()
        if view is None:
            self._suggested = None
        self._set_columns()
        self._read_labels()
        self._shown = 0 if view is None else len(view)
        self.endResetModel()

    def _set_columns(self) -> None:
        view = self.view
        if view is None:
            self._extra, self._made = [], 0
            return
        texts = {s.text_column for s in view.ws.sources() if s.text_index is not None}
        made = ([SUGGESTED, CONFIDENCE] if self._suggested is not None else []) + ([SCORE] if view.scores is not None else [])
        self._made = len(made)
        self._extra = made + [c for c in view.ws.columns() if c not in texts]
        self._label_columns = {s.label_column for s in view.ws.sources() if s.label_column}

    def set_suggestions(self, predicted: np.ndarray | None, confidence: np.ndarray | None = None, names: dict | None = None) -> None:
        """Show each unlabelled row's suggested label and its confidence (None: hide the columns)."""
        self.beginResetModel()
        self._suggested = None if predicted is None else (predicted, confidence, dict(names or {}))
        self._set_columns()
        self._shown = 0 if self.view is None else len(self.view)
        self.endResetModel()

    def suggestion(self, position: int) -> tuple[str, float] | None:
        """The suggested label and confidence of the unlabelled row at ``position`` (None: none)."""
        if self._suggested is None or self.view is None:
            return None
        predicted, confidence, names = self._suggested
        row = self.view.row_at(position)
        if row >= len(predicted) or predicted[row] < 0 or self.row(position).label:
            return None
        name = names.get(int(predicted[row]))
        return None if name is None else (name, float(confidence[row]))

    def _read_labels(self) -> None:
        self._colours = {} if self.ws is None else {lb.name: QColor(lb.colour) for lb in self.ws.labels()}

    def refresh(self) -> None:
        """Read the rows again (after an edit, undo or redo): the visible cells repaint."""
        self._pages.clear()
        self._read_labels()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))

    def rows_grew(self) -> None:
        """The view's rows grew at their end (an import went on): insert them, keeping the scroll
        position, the current row and the selection."""
        shown = 0 if self.view is None else len(self.view)
        if shown <= self._shown:
            return
        self._pages.pop((self._shown - 1) // PAGE_ROWS, None)  # the last page read may have been short
        self.beginInsertRows(QModelIndex(), self._shown, shown - 1)
        self._shown = shown
        self.endInsertRows()

    def row(self, position: int) -> Row:
        page, offset = divmod(position, PAGE_ROWS)
        rows = self._pages.get(page)
        if rows is None:
            rows = self.view.page(page * PAGE_ROWS, (page + 1) * PAGE_ROWS)
            self._pages[page] = rows
            if len(self._pages) > PAGES_KEPT:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return rows[offset]

    def rows_at(self, positions: list[int]) -> np.ndarray:
        """The row numbers at ``positions`` of the view."""
        return np.asarray([self.view.row_at(p) for p in positions], dtype=np.int64)

    def made_columns(self) -> int:
        """How many columns this model made after the text (Suggested, Confidence, Score)."""
        return self._made

    def extra_columns(self) -> list[str]:
        """The original columns shown after the text."""
        return self._extra[self._made:]

    def _extra_name(self, column: int) -> str | None:
        """The name of a column this model made (Suggested, Confidence, Score); None for the others."""
        return self._extra[column - len(_FIXED)] if len(_FIXED) <= column < len(_FIXED) + self._made else None

    def is_score(self, column: int) -> bool:
        return self.view is not None and self.view.scores is not None and self._extra_name(column) == SCORE

    def column_name(self, column: int) -> str:
        """The header of ``column``: a file's label column is '… (file)', beside the Label the user edits."""
        if column < len(_FIXED):
            return translate("RowTableModel", _FIXED[column])
        name = self._extra[column - len(_FIXED)]
        if column < len(_FIXED) + self._made:
            return translate("RowTableModel", name)  # Suggested, Confidence, Score
        return self.tr("{0} (file)").format(name) if name in self._label_columns else name

    # --- Qt model -------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.view is None else self._shown

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_FIXED) + len(self._extra)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and section < self.columnCount():
            return self.column_name(section)
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == LABEL_COLUMN and self.ws is not None and not self.ws.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.view is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            row = self.row(index.row())
            if column == ROW_COLUMN:
                return str(row.row)
            if column == LABEL_COLUMN:
                return row.label or ""
            if column == TEXT_COLUMN:
                return one_line(row.text)
            if self.is_score(column):
                return f"{self.view.score_at(index.row()):.3f}"
            extra = self._extra_name(column)
            if extra in (SUGGESTED, CONFIDENCE):
                found = self.suggestion(index.row())
                return "" if found is None else found[0] if extra == SUGGESTED else f"{found[1]:.2f}"
            return one_line(str(row.values().get(self._extra[column - len(_FIXED)], "")))
        if role == Qt.ItemDataRole.DecorationRole and column == LABEL_COLUMN:
            label = self.row(index.row()).label
            return self._colours.get(label) if label else None
        if role == Qt.ItemDataRole.DecorationRole and self._extra_name(column) == SUGGESTED:
            found = self.suggestion(index.row())
            if found is not None and found[0] in self._colours:
                faded = QColor(self._colours[found[0]])
                faded.setAlphaF(0.25 + 0.75 * found[1])
                return faded
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(self.row(index.row()), column)
        if role == Qt.ItemDataRole.TextAlignmentRole and (column == ROW_COLUMN or self._extra_name(column) in (SCORE, CONFIDENCE)):
            return _RIGHT
        return None

    def _tooltip(self, row: Row, column: int) -> str | None:
        if column == LABEL_COLUMN:
            if not row.label:
                return self.tr("No label: type one, or press its number key")
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(row.label_time)) if row.label_time else ""
            return f"{row.label} ({row.label_source}{', ' + when if when else ''})"
        if column == TEXT_COLUMN:
            text = row.text if len(row.text) <= TIP_CHARS else row.text[:TIP_CHARS] + "…"
            return self.tr("{0}\n\n{1}, line {2}").format(text, row.source.name, row.line)
        if column == ROW_COLUMN:
            return self.tr("Row {0}: {1}, line {2}").format(row.row, row.source.name, row.line)
        if self.is_score(column):
            return self.tr("Search by meaning: the cosine of this row's sentence vector to the query's")
        if self._extra_name(column) in (SUGGESTED, CONFIDENCE):
            return self.tr("The label the suggestions give this unlabelled row, and their confidence in it: Enter accepts it, a number key gives another label")  # noqa: E501
        return None

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != LABEL_COLUMN or self.ws is None:
            return False
        name = str(value or "").strip() or None
        edit = self.label_rows([index.row()], name)
        return edit is not None

    def label_rows(self, positions: list[int], name: str | None, source: str = "typed") -> Edit | None:
        """Give the rows at ``positions`` the label ``name`` (None clears it), in one edit."""
        if self.ws is None or not positions:
            return None
        try:
            edit = self.ws.set_label(self.rows_at(positions), name, source)
        except SemvecError as exc:
            self.editFailed.emit(exc)
            return None
        self.refresh()
        if edit is not None:
            self.labelEdited.emit(edit)
        return edit

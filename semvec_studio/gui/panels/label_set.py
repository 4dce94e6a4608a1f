"""The label set of the open workspace, beside the Data view's table: each label's colour, key
(1-9), name, how many rows have it and how many more the suggestions give it; New, Rename, Merge
into, Delete, Colour and Key act on the chosen label. Every change is one workspace edit (Ctrl+Z
in the Data view undoes it, also after a restart).

Counts come from the workspace's label array (numpy, so a million rows cost a few milliseconds)
and are refreshed after each edit; "Suggested" counts the unlabelled rows each label is
predicted for by the last suggestions (see :mod:`semvec_studio.gui.suggestions`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QGridLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.workspace.edits import Label
from semvec_studio.core.workspace.store import Workspace
from semvec_studio.gui.i18n import QT_TRANSLATE_NOOP, translate
from semvec_studio.gui.notifier import InlineMessage

KEY_COLUMN, NAME_COLUMN, ROWS_COLUMN, SUGGESTED_COLUMN = range(4)
_HEADERS = (QT_TRANSLATE_NOOP("LabelSetPanel", "Key"), QT_TRANSLATE_NOOP("LabelSetPanel", "Label"),
            QT_TRANSLATE_NOOP("LabelSetPanel", "Rows"), QT_TRANSLATE_NOOP("LabelSetPanel", "Suggested"))
NO_KEY = QT_TRANSLATE_NOOP("LabelSetPanel", "none")


def swatch(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class LabelSetPanel(QWidget):
    """See the module doc. ``edited(edit)`` after every change it makes; ``chosen(name)`` when a
    label is double-clicked (the Data view filters to it)."""

    edited = Signal(object)
    chosen = Signal(str)
    suggestRequested = Signal()  # retrain the suggestions now
    reviewRequested = Signal()  # open the review queues
    moreLikeRequested = Signal(str)  # rows like those with this label
    labelShownRequested = Signal(str)  # give this label to every row the Data view shows

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws: Workspace | None = None
        self.suggested: dict[int, int] = {}  # label id -> unlabelled rows predicted to have it
        self._labels: list[Label] = []
        self._build()
        self.set_workspace(None)

    def _build(self) -> None:
        self.title = QLabel(self.tr("<b>Labels</b>"))
        self.table = QTableWidget(0, len(_HEADERS))
        self.table.setHorizontalHeaderLabels([translate("LabelSetPanel", h) for h in _HEADERS])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        for column in (KEY_COLUMN, ROWS_COLUMN, SUGGESTED_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip(self.tr("Double-click a label to show its rows"))
        self.message = InlineMessage()
        self.new_button = QPushButton(self.tr("New…"))
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.merge_button = QPushButton(self.tr("Merge into…"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.colour_button = QPushButton(self.tr("Colour…"))
        self.key_button = QPushButton(self.tr("Key…"))
        self.merge_button.setToolTip(self.tr("Give this label's rows another label and remove this one"))
        self.delete_button.setToolTip(self.tr("Remove this label; its rows become unlabelled (Ctrl+Z brings both back)"))
        self.key_button.setToolTip(self.tr("The number key (1-9) that gives this label in the Data view and the review"))
        self.suggest_status = QLabel(self.tr("Suggestions: none yet"))
        self.suggest_status.setWordWrap(True)
        self.suggest_button = QPushButton(self.tr("Suggest now"))
        self.suggest_button.setToolTip(self.tr("Retrain the suggestions on the labelled rows now (they also retrain every few edits): a logistic regression on the rows' sentence vectors from the model's second-to-last layer, mean-pooled, which measured best"))  # noqa: E501
        self.review_button = QPushButton(self.tr("Review…"))
        self.review_button.setToolTip(self.tr("Step through a queue with the keyboard: most uncertain, likely mistakes, a diverse start"))
        self.more_button = QPushButton(self.tr("More like this…"))
        self.more_button.setToolTip(self.tr("Unlabelled rows most like the rows with this label, scores shown; label the best after a look"))
        self.label_shown_button = QPushButton(self.tr("Label shown…"))
        self.label_shown_button.setToolTip(self.tr("Give this label to every row the Data view shows now (a search result, a filter)"))
        buttons = QGridLayout()
        for i, b in enumerate((self.new_button, self.rename_button, self.merge_button, self.delete_button,
                               self.colour_button, self.key_button, self.more_button, self.label_shown_button)):
            buttons.addWidget(b, i // 2, i % 2)
        loop = QGridLayout()
        loop.addWidget(self.suggest_button, 0, 0)
        loop.addWidget(self.review_button, 0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addWidget(self.suggest_status)
        layout.addLayout(loop)
        self.new_button.clicked.connect(self.ask_new)
        self.rename_button.clicked.connect(self.ask_rename)
        self.merge_button.clicked.connect(self.ask_merge)
        self.delete_button.clicked.connect(self.delete_current)
        self.colour_button.clicked.connect(self.ask_colour)
        self.key_button.clicked.connect(self.ask_key)
        self.suggest_button.clicked.connect(self.suggestRequested)
        self.review_button.clicked.connect(self.reviewRequested)
        self.more_button.clicked.connect(lambda: self._for_current(self.moreLikeRequested))
        self.label_shown_button.clicked.connect(lambda: self._for_current(self.labelShownRequested))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(self._on_double_clicked)

    # --- content ----------------------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.suggested = {}
        self.message.clear()
        self.refresh()

    def set_suggested(self, counts: dict[int, int]) -> None:
        self.suggested = dict(counts)
        self.refresh()

    def refresh(self) -> None:
        """Read the labels and their counts again (after any edit, undo or redo)."""
        current = self.current()
        self._labels = [] if self.ws is None else self.ws.labels()
        counts = {} if self.ws is None else self.ws.label_counts_by_id()
        self.table.setRowCount(len(self._labels))
        for i, lb in enumerate(self._labels):
            key = QTableWidgetItem(str(lb.key) if lb.key else "")
            key.setIcon(swatch(lb.colour))
            name = QTableWidgetItem(lb.name)
            name.setToolTip(lb.name)
            rows = QTableWidgetItem(f"{counts.get(lb.id, 0):,}")
            suggested = QTableWidgetItem(f"{self.suggested[lb.id]:,}" if lb.id in self.suggested else "")
            for item in (rows, suggested):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            suggested.setToolTip(self.tr("Unlabelled rows the suggestions give this label"))
            for column, item in ((KEY_COLUMN, key), (NAME_COLUMN, name), (ROWS_COLUMN, rows), (SUGGESTED_COLUMN, suggested)):
                self.table.setItem(i, column, item)
        if self.ws is not None:
            labelled = sum(counts.values())
            self.title.setText(self.tr("<b>Labels</b> · {0} of {1} rows labelled").format(f"{labelled:,}", f"{self.ws.row_count:,}"))
        else:
            self.title.setText(self.tr("<b>Labels</b>"))
        if current is not None:
            self.select(current.name)
        self._update_buttons()

    def current(self) -> Label | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self._labels):
            return None
        return self._labels[rows[0].row()]

    def select(self, name: str) -> bool:
        for i, lb in enumerate(self._labels):
            if lb.name == name:
                self.table.selectRow(i)
                return True
        return False

    def _update_buttons(self) -> None:
        writable = self.ws is not None and not self.ws.read_only
        chosen = writable and self.current() is not None
        self.new_button.setEnabled(writable)
        for b in (self.rename_button, self.merge_button, self.delete_button, self.colour_button, self.key_button):
            b.setEnabled(chosen)
        self.merge_button.setEnabled(chosen and len(self._labels) > 1)
        self.more_button.setEnabled(chosen)
        self.label_shown_button.setEnabled(chosen)
        for b in (self.suggest_button, self.review_button):
            b.setEnabled(writable)

    def _for_current(self, signal) -> None:
        lb = self.current()
        if lb is None:
            self.message.show_info(self.tr("Choose a label in the list first."))
            return
        signal.emit(lb.name)

    def _on_double_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self._labels):
            self.chosen.emit(self._labels[row].name)

    # --- edits ------------------------------------------------------------------------------------

    def _apply(self, fn, *args, **kwargs) -> bool:
        """Run one workspace edit; a user error shows under the table and changes nothing."""
        try:
            edit = fn(*args, **kwargs)
        except SemvecError as exc:
            self.message.show_error(exc.for_gui())
            return False
        self.message.clear()
        self.refresh()
        self.edited.emit(edit)
        return True

    def add(self, name: str) -> bool:
        ok = self._apply(self.ws.add_label, name)
        if ok:
            self.select(name.strip())
        return ok

    def rename(self, name: str, new_name: str) -> bool:
        ok = self._apply(self.ws.change_label, name, new_name=new_name)
        if ok:
            self.select(new_name.strip())
        return ok

    def merge(self, name: str, into: str) -> bool:
        ok = self._apply(self.ws.merge_labels, name, into)
        if ok:
            self.select(into)
        return ok

    def delete(self, name: str) -> bool:
        return self._apply(self.ws.delete_label, name)

    def recolour(self, name: str, colour: str) -> bool:
        return self._apply(self.ws.change_label, name, colour=colour)

    def rekey(self, name: str, key: int | None) -> bool:
        return self._apply(self.ws.change_label, name, key=key)

    # --- the buttons' dialogs ---------------------------------------------------------------------

    def ask_new(self) -> None:
        if self.ws is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("New label"), self.tr("Name of the new label:"))
        if ok and name.strip():
            self.add(name)

    def ask_rename(self) -> None:
        lb = self.current()
        if lb is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("Rename label"), self.tr("New name for “{0}”:").format(lb.name), text=lb.name)
        if ok and name.strip() and name.strip() != lb.name:
            self.rename(lb.name, name)

    def ask_merge(self) -> None:
        lb = self.current()
        if lb is None:
            return
        others = [other.name for other in self._labels if other.id != lb.id]
        into, ok = QInputDialog.getItem(self, self.tr("Merge labels"), self.tr("Give the rows labelled “{0}” the label:").format(lb.name),
                                        others, 0, False)
        if ok and into:
            self.merge(lb.name, into)

    def delete_current(self) -> None:
        lb = self.current()
        if lb is not None:
            self.delete(lb.name)

    def ask_colour(self) -> None:
        lb = self.current()
        if lb is None:
            return
        colour = QColorDialog.getColor(QColor(lb.colour), self, self.tr("Colour of “{0}”").format(lb.name))
        if colour.isValid():
            self.recolour(lb.name, colour.name())

    def ask_key(self) -> None:
        lb = self.current()
        if lb is None:
            return
        none = translate("LabelSetPanel", NO_KEY)
        choices = [none] + [str(k) for k in range(1, 10)]
        now = choices.index(str(lb.key)) if lb.key else 0
        key, ok = QInputDialog.getItem(self, self.tr("Label key"),
                                       self.tr("Number key for “{0}” (a key another label has moves here):").format(lb.name),
                                       choices, now, False)
        if ok:
            self.rekey(lb.name, None if key == none else int(key))

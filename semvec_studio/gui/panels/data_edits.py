"""The edits the Data view makes in the open workspace (:class:`DataEdits`), and the label cell's
editor (:class:`LabelDelegate`).

In the table (not while a cell is edited): a label's number key (1-9) labels the selected rows, or
the current one; 0, Delete or Backspace clears; Enter gives them their suggested labels; Space
skips. With one row selected the cursor then moves to the next row. Besides: undo and redo (the
workspace's edit log), Paste texts (the clipboard's lines become rows) and Save selection (the
selected rows under a name).

Composition, not a mixin: the constructor takes the table, its model, the message line and a
function that says which workspace is open (the view's); it makes the edit buttons (Undo, Redo,
Save selection…, Paste texts) and the keys legend, and what the view does about an edit goes out
as signals. The strings keep the "DataView" translation context they had when this code was
part of data_view.py (``translate("DataView", ...)``), so the committed translations still apply.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QInputDialog,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QWidget,
)

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.workspace.store import Workspace
from semvec_studio.gui.i18n import counted, translate
from semvec_studio.gui.notifier import InlineMessage
from semvec_studio.gui.workspace_model import TEXT_COLUMN, RowTableModel


class LabelDelegate(QStyledItemDelegate):
    """The label cell's editor: the workspace's labels to choose from, or a new name to type."""

    def __init__(self, model: RowTableModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model

    def createEditor(self, parent, option, index):
        box = QComboBox(parent)
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.addItem("")
        box.addItems([lb.name for lb in self.model.ws.labels()] if self.model.ws is not None else [])
        return box

    def setEditorData(self, editor, index) -> None:
        editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.lineEdit().selectAll()

    def setModelData(self, editor, model, index) -> None:
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class DataEdits(QObject):
    """See the module doc. Makes the edit buttons and the keys legend (the view lays them out) and
    filters ``table``'s keys; ``dialog_parent`` (the view) parents the Save selection dialog and
    this object. A label set in the table reaches the view as the model's ``labelEdited``.

    ``acceptRequested(rows)``: give these rows their suggested labels. ``pasteRequested(text)``:
    each line a new row. ``stepped(edit)``: an undo or redo was made (the view follows it).
    ``selectionSaved``: a named selection was made (the view lists it)."""

    acceptRequested = Signal(object)
    pasteRequested = Signal(str)
    stepped = Signal(object)
    selectionSaved = Signal()

    def __init__(self, table: QTableView, model: RowTableModel, message: InlineMessage,
                 workspace: Callable[[], Workspace | None], dialog_parent: QWidget) -> None:
        super().__init__(dialog_parent)
        self.table, self.model, self.message, self.dialog_parent = table, model, message, dialog_parent
        self._workspace = workspace
        self.keys = QLabel()  # the legend: which number key gives which label
        self.keys.setWordWrap(True)
        self.undo_button = QPushButton(translate("DataView", "Undo"))
        self.redo_button = QPushButton(translate("DataView", "Redo"))
        self.save_selection = QPushButton(translate("DataView", "Save selection…"))
        self.save_selection.setToolTip(translate("DataView", "Keep the selected rows under a name (the Selection filter shows them again)"))
        self.paste_button = QPushButton(translate("DataView", "Paste texts"))
        self.paste_button.setToolTip(translate(
            "DataView",
            "Each line on the clipboard becomes a row (Ctrl+V in the table): of this workspace, or of a new untitled one when none is open"))
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.save_selection.clicked.connect(self.ask_save_selection)
        self.paste_button.clicked.connect(self.paste)
        table.installEventFilter(self)

    @property
    def ws(self) -> Workspace | None:
        return self._workspace()

    def show_keys(self) -> None:
        """The legend says which number key gives which label (after the labels changed)."""
        if self.ws is None:
            self.keys.clear()
            return
        keyed = [f"{lb.key} {lb.name}" for lb in sorted(self.ws.labels(), key=lambda lb: lb.key or 99) if lb.key]
        if self.ws.read_only:
            self.keys.setText(translate("DataView", "Read-only: labels cannot be changed here."))
        elif keyed:
            self.keys.setText(translate("DataView", "Keys: {0} · 0 clears · Ctrl+Z undoes").format(" · ".join(keyed)))
        else:
            self.keys.setText(translate(
                "DataView", "No labels yet: New… under Labels (right) makes one; its number key then labels the selected rows"))

    def update_buttons(self) -> None:
        """Undo, Redo, Paste texts and Save selection enabled when they can do something."""
        writable = self.ws is not None and not self.ws.read_only
        self.undo_button.setEnabled(writable and self.ws.can_undo())
        self.redo_button.setEnabled(writable and self.ws.can_redo())
        self.paste_button.setEnabled(self.ws is None or writable)
        self.save_selection.setEnabled(writable)

    # --- the table's selection ----------------------------------------------------------------

    def selected_positions(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def selected_rows(self) -> np.ndarray:
        return self.model.rows_at(self.selected_positions())

    def select_positions(self, positions: list[int]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for p in positions:
            selection.select(self.model.index(p, 0), flags)
        if positions:
            selection.setCurrentIndex(self.model.index(positions[-1], TEXT_COLUMN), QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(self.model.index(positions[-1], TEXT_COLUMN))

    def _positions_or_current(self) -> list[int]:
        positions = self.selected_positions()
        if not positions and self.table.currentIndex().isValid():
            positions = [self.table.currentIndex().row()]
        return positions

    # --- labelling ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress and not self.table.state() == QAbstractItemView.State.EditingState:
            key, mods = event.key(), event.modifiers()
            if mods & ~(Qt.KeyboardModifier.KeypadModifier) == Qt.KeyboardModifier.NoModifier:
                if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
                    self.label_key(key - Qt.Key.Key_0)
                    return True
                if key in (Qt.Key.Key_0, Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                    self.label_selected(None)
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.accept_selected()
                    return True
                if key == Qt.Key.Key_Space:
                    self.move_on(self.selected_positions() or [self.table.currentIndex().row()])
                    return True
        return super().eventFilter(watched, event)

    def label_key(self, key: int) -> None:
        if self.ws is None:
            return
        found = [lb for lb in self.ws.labels() if lb.key == key]
        if not found:
            self.message.show_info(translate(
                "DataView",
                "No label has the key {0}: New… under Labels makes one (the first nine get the keys 1-9), and Key… moves a key.").format(key))
            return
        self.label_selected(found[0].name)

    def label_selected(self, name: str | None) -> None:
        """Label the selected rows (one edit); with one row selected, move to the next row."""
        positions = self._positions_or_current()
        if not positions or self.ws is None:
            return
        edit = self.model.label_rows(positions, name)
        if edit is not None:
            self.move_on(positions)

    def move_on(self, positions: list[int]) -> None:
        """After labelling (or skipping, Space) one row: the cursor goes to the next row."""
        if len(positions) == 1 and 0 <= positions[0] and positions[0] + 1 < self.model.rowCount():
            self.select_positions([positions[0] + 1])

    def accept_selected(self) -> None:
        """Enter: the selected rows (or the current one) take their suggested labels; then move on."""
        positions = self._positions_or_current()
        if not positions or self.ws is None or self.ws.read_only:
            return
        if all(self.model.suggestion(p) is None for p in positions):
            self.message.show_info(translate(
                "DataView", "No suggestion to accept here: Suggest now (under Labels) makes them; a labelled row keeps its label."))
            return
        self.acceptRequested.emit(self.model.rows_at(positions))
        self.move_on(positions)

    # --- undo and redo ------------------------------------------------------------------------

    def undo(self) -> None:
        self._step(self.ws.undo if self.ws is not None else None, "undo")

    def redo(self) -> None:
        self._step(self.ws.redo if self.ws is not None else None, "redo")

    def _step(self, fn, what: str) -> None:
        if fn is None or self.ws.read_only:
            return
        try:
            edit = fn()
        except SemvecError as exc:
            self.message.show_error(exc.for_gui())
            return
        if edit is None:
            self.message.show_info(translate("DataView", "Nothing to undo.") if what == "undo" else translate("DataView", "Nothing to redo."))
            return
        done = translate("DataView", "Undone: {0}") if what == "undo" else translate("DataView", "Redone: {0}")
        self.message.show_info(done.format(edit.description))
        self.stepped.emit(edit)

    # --- new rows, named selections -----------------------------------------------------------

    def paste(self) -> None:
        """The clipboard's lines become rows (see :class:`WorkspaceSession.paste_texts`)."""
        if self.ws is not None and self.ws.read_only:
            return
        self.pasteRequested.emit(QApplication.clipboard().text())

    def ask_save_selection(self) -> None:
        rows = self.selected_rows()
        if not len(rows):
            self.message.show_info(translate("DataView", "Select some rows first (click, Shift+click, Ctrl+click)."))
            return
        name, ok = QInputDialog.getText(self.dialog_parent, translate("DataView", "Save selection"),
                                        translate("DataView", "Name for these {0} rows:").format(f"{len(rows):,}"))
        if ok and name.strip():
            self.keep_selection(name.strip(), rows)

    def keep_selection(self, name: str, rows: np.ndarray) -> bool:
        try:
            self.ws.save_selection(name, rows)
        except SemvecError as exc:
            self.message.show_error(exc.for_gui())
            return False
        self.selectionSaved.emit()
        self.message.show_info(translate("DataView", "Saved {0} as '{1}' (the Selection filter shows them).").format(
            counted(len(rows), translate("DataView", "{0} row"), translate("DataView", "{0} rows")), name))
        return True

"""The Data view: every row of the open workspace in a virtual table, with search, filters, sort,
labelling from the keyboard, undo and redo, named selections, and "send to the views".

Labelling: select rows and press a label's number key (1-9; the legend under the table says
which), 0 or Delete clears; with one row selected the cursor then moves to the next row, so a
column of texts is labelled at one key per row. The label cell can also be typed into (a new name
makes a new label). Every edit is committed at once; Ctrl+Z and Ctrl+Shift+Z undo and redo, also
after the workspace was closed and opened again. A filter that depends on labels (e.g. Unlabelled)
keeps a row just labelled until the filters change or Refresh (F5) is pressed, so the cursor does
not jump.

Search by meaning (the "Meaning" search mode, Return): the window embeds the query with the
current model and ranks every row by the cosine of its sentence vector (kept in the workspace's
data folder) to the query's; the table shows the rows best first with a Score column, and the
label, file and selection filters still apply. The map marks the ranked rows it shows.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.workspace.store import Workspace
from semvec_studio.core.workspace.views import RowFilter, RowView
from semvec_studio.gui.i18n import QT_TRANSLATE_NOOP, counted, translate
from semvec_studio.gui.notifier import InlineMessage
from semvec_studio.gui.panels.label_set import LabelSetPanel
from semvec_studio.gui.workspace_model import LABEL_COLUMN, ROW_COLUMN, TEXT_COLUMN, RowTableModel

SEND_LIMIT = 5000  # rows sent to the views at once (the views hold every vector in memory)
SEARCH_MODES = ((QT_TRANSLATE_NOOP("DataView", "Words"), "words"), (QT_TRANSLATE_NOOP("DataView", "Contains"), "contains"),
                (QT_TRANSLATE_NOOP("DataView", "Regex"), "regex"), (QT_TRANSLATE_NOOP("DataView", "Meaning"), "meaning"))
SORTS = ((QT_TRANSLATE_NOOP("DataView", "Row order"), "row"), (QT_TRANSLATE_NOOP("DataView", "Text"), "text"),
         (QT_TRANSLATE_NOOP("DataView", "Label"), "label"), (QT_TRANSLATE_NOOP("DataView", "Search rank"), "rank"))
_SORT_OF_COLUMN = {ROW_COLUMN: "row", LABEL_COLUMN: "label", TEXT_COLUMN: "text"}
ALL, UNLABELLED = "\x00all", "\x00unlabelled"
_WORDS_HINT = QT_TRANSLATE_NOOP("DataView", 'Search words: plain words, "a phrase", prefix*')


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


class DataView(QWidget):
    """See the module doc. ``sendRequested(rows)``: show these row numbers in the other views."""

    sendRequested = Signal(object)
    pasteRequested = Signal(str)  # the clipboard's text: each line a new row (the session adds them)
    meaningRequested = Signal(str)  # rank the rows by meaning to this query (the window runs the job)
    edited = Signal()  # a label edit, undo or redo (the window updates its title and views)
    acceptRequested = Signal(object)  # Enter: give these rows their suggested labels (the window's suggestions do it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws: Workspace | None = None
        self.model = RowTableModel(self)
        self._descending = False
        self.ranking = None  # the last search by meaning (core.workspace.meaning.Ranking) while its query is in the box
        self._build()
        self.set_workspace(None)

    # --- construction -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(translate("DataView", _WORDS_HINT))
        self.search_mode = QComboBox()
        for text, mode in SEARCH_MODES:
            self.search_mode.addItem(translate("DataView", text), mode)
        self.search_mode.setToolTip(self.tr('Words: the word index (whole words, "phrases", prefix*), ranked; Contains: a piece of text anywhere; Regex: a Python regular expression; Meaning: rows ranked by the cosine of their sentence vectors to the query\'s (Return)'))  # noqa: E501
        self.label_filter = QComboBox()
        self.label_filter.setToolTip(self.tr("Show the rows with this label"))
        self.source_filter = QComboBox()
        self.source_filter.setToolTip(self.tr("Show the rows of one file"))
        self.selection_filter = QComboBox()
        self.selection_filter.setToolTip(self.tr("Show a named selection"))
        self.sort = QComboBox()
        for text, key in SORTS:
            self.sort.addItem(translate("DataView", text), key)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Apply the filters again (F5): rows labelled since leave a label filter"))
        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.search_mode)
        for w in (self.label_filter, self.source_filter, self.selection_filter, self.sort):
            top.addWidget(w, 1)
        top.addWidget(self.refresh_button)
        self.message = InlineMessage()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(LABEL_COLUMN, LabelDelegate(self.model, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # a million rows: no per-row sizing
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(False)
        self.table.installEventFilter(self)
        self.counts = QLabel()
        self.counts.setWordWrap(True)  # a long query or message wraps instead of widening the window
        self.keys = QLabel()
        self.keys.setWordWrap(True)
        self.labels_panel = LabelSetPanel()
        self.new_label = self.labels_panel.new_button
        self.undo_button = QPushButton(self.tr("Undo"))
        self.redo_button = QPushButton(self.tr("Redo"))
        self.save_selection = QPushButton(self.tr("Save selection…"))
        self.save_selection.setToolTip(self.tr("Keep the selected rows under a name (the Selection filter shows them again)"))
        self.paste_button = QPushButton(self.tr("Paste texts"))
        self.paste_button.setToolTip(self.tr(
            "Each line on the clipboard becomes a row (Ctrl+V in the table): of this workspace, or of a new untitled one when none is open"))
        self.send_button = QPushButton(self.tr("Send to views"))
        self.send_button.setToolTip(self.tr(
            "Show the selected rows (or, with one row or none selected, the rows shown here, up to {0}) in the token, text and map views").format(
            f"{SEND_LIMIT:,}"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.keys, 1)
        for w in (self.paste_button, self.undo_button, self.redo_button, self.save_selection, self.send_button):
            bottom.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.counts)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("data_split")
        self.split.addWidget(self.table)
        self.split.addWidget(self.labels_panel)
        self.split.setStretchFactor(0, 1)
        self.split.setCollapsible(0, False)
        self.split.setSizes([560, 230])
        layout.addWidget(self.split, 1)
        layout.addLayout(bottom)
        self._timer = QTimer(self, singleShot=True, interval=350)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._on_search_changed)
        self.search.returnPressed.connect(self._on_return)
        self.search_mode.currentIndexChanged.connect(self._on_mode_changed)
        for combo in (self.label_filter, self.source_filter, self.selection_filter, self.sort):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        header.sectionClicked.connect(self._on_header_clicked)
        self.refresh_button.clicked.connect(self.apply_filters)
        self.labels_panel.edited.connect(self._on_label_set_edited)
        self.labels_panel.chosen.connect(self.filter_label)
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.save_selection.clicked.connect(self.ask_save_selection)
        self.send_button.clicked.connect(self.send)
        self.paste_button.clicked.connect(self.paste)
        self.model.labelEdited.connect(self._on_edited)
        self.model.editFailed.connect(lambda exc: self.message.show_error(exc.for_gui()))
        for keys, slot in ((QKeySequence.StandardKey.Undo, self.undo), (QKeySequence.StandardKey.Redo, self.redo),
                           (QKeySequence("Ctrl+Shift+Z"), self.redo), (QKeySequence("F5"), self.apply_filters),
                           (QKeySequence.StandardKey.Paste, self.paste)):
            action = QAction(self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    # --- the workspace ----------------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None) -> None:
        old = getattr(self, "ws", None)
        if old is not None and self._rows_added in old.growth_listeners:
            old.growth_listeners.remove(self._rows_added)
        if ws is not None:
            ws.growth_listeners.append(self._rows_added)
        self.ws = ws
        self.ranking = None
        self.message.clear()
        self.labels_panel.set_workspace(ws)
        for w in (self.search, self.search_mode, self.label_filter, self.source_filter, self.selection_filter, self.sort,
                  self.refresh_button, self.table, self.send_button, self.save_selection):
            w.setEnabled(ws is not None)
        self._fill_combos()
        if ws is None:
            self.model.set_view(None)
            self.counts.setText(self.tr(
                "No workspace is open: File > New workspace from file(s)…, File > Open workspace…, or Paste texts (one a line) into an untitled workspace"))  # noqa: E501
            self._update_buttons()
            return
        if ws.read_only:
            self.message.show_info(self.tr("Read-only: {0}.").format(ws.read_only_reason))
        self.apply_filters()

    def _rows_added(self, _added: int) -> None:
        """An import added rows (the workspace grew): the unfiltered table takes them in where it
        is; a filtered or sorted one is made again when the import is done."""
        view = self.model.view
        if view is None:
            return
        if view.order is None:
            self.model.rows_grew()
        elif self.ws.pending_import() is None:
            self.apply_filters()
        if self.ws.pending_import() is None:
            self._fill_combos()  # the files, with their rows
            self.labels_panel.refresh()  # the labels the file's label column brought
        self._update_counts()

    def _fill_combos(self) -> None:
        ws = self.ws
        kept = (self.label_filter.currentData(), self.source_filter.currentData(), self.selection_filter.currentData())
        for combo in (self.label_filter, self.source_filter, self.selection_filter):
            combo.blockSignals(True)
            combo.clear()
        self.label_filter.addItem(self.tr("All labels"), ALL)
        self.label_filter.addItem(self.tr("Unlabelled"), UNLABELLED)
        self.source_filter.addItem(self.tr("All files"), ALL)
        self.selection_filter.addItem(self.tr("No selection"), ALL)
        if ws is not None:
            for lb in ws.labels():
                self.label_filter.addItem(lb.name, lb.name)
            for source in ws.sources():
                self.source_filter.addItem(f"{source.name.rsplit('/', 1)[-1]} ({source.row_count:,})", source.id)
            for name in ws.selections():
                self.selection_filter.addItem(name, name)
        for combo, value in zip((self.label_filter, self.source_filter, self.selection_filter), kept):
            found = combo.findData(value)
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)
        self.selection_filter.setVisible(self.selection_filter.count() > 1)
        self._update_keys()

    def _update_keys(self) -> None:
        if self.ws is None:
            self.keys.clear()
            return
        keyed = [f"{lb.key} {lb.name}" for lb in sorted(self.ws.labels(), key=lambda lb: lb.key or 99) if lb.key]
        if self.ws.read_only:
            self.keys.setText(self.tr("Read-only: labels cannot be changed here."))
        elif keyed:
            self.keys.setText(self.tr("Keys: {0} · 0 clears · Ctrl+Z undoes").format(" · ".join(keyed)))
        else:
            self.keys.setText(self.tr("No labels yet: New… under Labels (right) makes one; its number key then labels the selected rows"))

    def filter(self) -> RowFilter:
        query = self.search.text().strip()
        mode = self.search_mode.currentData()
        label = self.label_filter.currentData()
        source = self.source_filter.currentData()
        selection = self.selection_filter.currentData()
        return RowFilter(
            labels=() if label in (ALL, UNLABELLED, None) else (label,),
            unlabelled=label == UNLABELLED,
            sources=() if source in (ALL, None) else (source,),
            selection=None if selection in (ALL, None) else selection,
            words=query if query and mode == "words" else None,  # "meaning" ranks the rows instead (see show_ranking)
            contains=query if query and mode == "contains" else None,
            regex=query if query and mode == "regex" else None,
        )

    def apply_filters(self) -> None:
        """Make the view anew from the search, filters and sort (keeps the current row when it is still shown)."""
        self._timer.stop()
        if self.ws is None:
            return
        current = self.current_row()
        sort = self.sort.currentData()
        f = self.filter()
        if sort == "rank" and not f.words:
            sort = "row"
        ranked = self.ranking is not None and self.meaning_query() == self.ranking.query
        try:
            if ranked:
                view = RowView.ranked(self.ws, self.ranking.rows, self.ranking.scores, f)
            else:
                view = RowView(self.ws, f, sort, descending=self._descending)
        except SemvecError as exc:
            self.message.show_error(exc.for_gui())
            return
        if not self.ws.read_only or self.message.kind == "error":
            self.message.clear()
        if self.ws.read_only:
            self.message.show_info(self.tr("Read-only: {0}.").format(self.ws.read_only_reason))
        self.model.set_view(view)
        self.size_columns()
        self._update_counts()
        position = None if current is None else view.position(current)
        if position is not None:
            self.select_positions([position])
        self._update_buttons()

    def size_columns(self) -> None:
        """Row number and label narrow, the text wide (all the room left when few columns follow it)."""
        header = self.table.horizontalHeader()
        digits = self.fontMetrics().horizontalAdvance("0" * max(3, len(str(self.ws.row_count))))
        self.table.setColumnWidth(ROW_COLUMN, digits + 16)
        self.table.setColumnWidth(LABEL_COLUMN, max(120, self.fontMetrics().horizontalAdvance("M" * 8)))
        made = self.model.made_columns()  # Suggested, Confidence, Score: right after the text, narrow
        extra = self.model.columnCount() - TEXT_COLUMN - 1 - made
        for column in range(TEXT_COLUMN + 1, self.model.columnCount()):
            self.table.setColumnWidth(column, 140 if column > TEXT_COLUMN + made else 96)
        header.setStretchLastSection(False)
        if extra <= 2:
            header.setSectionResizeMode(TEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        else:  # many file columns: the text keeps what the made columns leave of the view, then the rest scroll
            header.setSectionResizeMode(TEXT_COLUMN, QHeaderView.ResizeMode.Interactive)
            room = self.table.viewport().width() - sum(self.table.columnWidth(c) for c in (ROW_COLUMN, LABEL_COLUMN)) - 96 * made
            self.table.setColumnWidth(TEXT_COLUMN, max(320, room) if made else 520)

    def _update_counts(self) -> None:
        if self.ws is None or self.model.view is None:
            return
        shown, total = len(self.model.view), self.ws.row_count
        rows = counted(total, self.tr("{0} row"), self.tr("{0} rows"))
        what = rows if shown == total else self.tr("{0} of {1}").format(f"{shown:,}", rows)
        if self.model.view.scores is not None:
            what += self.tr(" · ranked by meaning to “{0}” ({1}), best first").format(self.ranking.query, self.ranking.model)
        if self.ws.pending_import() is not None:  # no count over every row each time some come: when they are all in
            self.counts.setText(what + self._importing())
            return
        self.counts.setText(self.tr("{0} · {1} unlabelled").format(what, f"{self.ws.label_counts()[None]:,}") + self._importing())

    def _importing(self) -> str:
        """" · importing FILE: N of about M rows" while an import goes on; a stopped one's note."""
        pending = self.ws.pending_import()
        if pending is None:
            stopped = next((s for s in self.ws.sources() if not s.complete and s.import_note), None)
            return "" if stopped is None else self.tr(" · only the first {0} rows of {1} are in: {2}").format(
                f"{stopped.row_count:,}", stopped.name.rsplit('/', 1)[-1], stopped.import_note)
        current = pending.get("current") or {}
        source = next((s for s in self.ws.sources() if s.id == current.get("source")), None)
        if source is None:
            return self.tr(" · importing more files")
        return self.tr(" · importing {0}: {1} of about {2} rows").format(
            source.name.rsplit('/', 1)[-1], f"{source.row_count:,}", f"{max(source.row_count, current.get('estimate', 0)):,}")

    def _update_buttons(self) -> None:
        writable = self.ws is not None and not self.ws.read_only
        self.undo_button.setEnabled(writable and self.ws.can_undo())
        self.redo_button.setEnabled(writable and self.ws.can_redo())
        self.paste_button.setEnabled(self.ws is None or writable)
        self.save_selection.setEnabled(writable)

    def _on_search_changed(self, text: str) -> None:
        if self.search_mode.currentData() == "words" or not text.strip():
            self._timer.start()  # the word index answers at once; a scan or a search by meaning waits for Return

    def meaning_query(self) -> str | None:
        """The query of a search by meaning in the box (None in another mode or when empty)."""
        query = self.search.text().strip()
        return query if query and self.search_mode.currentData() == "meaning" else None

    def _on_return(self) -> None:
        query = self.meaning_query()
        if query is None:
            self.apply_filters()
        elif self.ranking is not None and self.ranking.query == query:
            self.apply_filters()
        else:
            self.message.show_info(self.tr("Ranking the rows by meaning to “{0}”…").format(query))
            self.meaningRequested.emit(query)

    def show_ranking(self, ranking) -> None:
        """Show the rows of a search by meaning (a core Ranking), best first, with their scores."""
        if self.ws is None or ranking.query != self.meaning_query():
            return  # the box changed while the rows were ranked
        self.ranking = ranking
        self.message.clear()
        self.apply_filters()
        self.table.scrollToTop()

    def ranked_rows(self, limit: int) -> np.ndarray:
        """The first ``limit`` rows of the search by meaning on screen (empty when none)."""
        view = self.model.view
        if view is None or view.scores is None:
            return np.zeros(0, dtype=np.int64)
        return view.rows_at(0, limit)

    def _on_mode_changed(self) -> None:
        mode = self.search_mode.currentData()
        self.search.setPlaceholderText(translate("DataView", _WORDS_HINT) if mode == "words" else
                                       self.tr("Search a piece of text (Return)") if mode == "contains" else
                                       self.tr("Search by meaning: describe what you look for (Return)") if mode == "meaning" else
                                       self.tr("Search a regular expression (Return)"))
        if self.search.text().strip():
            self._on_return() if mode == "meaning" else self.apply_filters()

    def _on_filter_changed(self) -> None:
        self.apply_filters()

    def _on_header_clicked(self, column: int) -> None:
        key = _SORT_OF_COLUMN.get(column)
        if key is None:
            return
        if self.sort.currentData() == key:
            self._descending = not self._descending
        else:
            self._descending = False
        self.sort.blockSignals(True)
        self.sort.setCurrentIndex(self.sort.findData(key))
        self.sort.blockSignals(False)
        self.apply_filters()

    # --- selection ----------------------------------------------------------------------------

    def selected_positions(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def selected_rows(self) -> np.ndarray:
        return self.model.rows_at(self.selected_positions())

    def current_row(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or self.model.view is None:
            return None
        return self.model.view.row_at(index.row())

    def select_positions(self, positions: list[int]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for p in positions:
            selection.select(self.model.index(p, 0), flags)
        if positions:
            selection.setCurrentIndex(self.model.index(positions[-1], TEXT_COLUMN), QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(self.model.index(positions[-1], TEXT_COLUMN))

    def show_row(self, row: int) -> bool:
        """Select row number ``row`` (clearing the filters when they hide it)."""
        if self.model.view is None:
            return False
        position = self.model.view.position(row)
        if position is None:
            self.search.clear()
            for combo in (self.label_filter, self.source_filter, self.selection_filter):
                combo.setCurrentIndex(0)
            self.apply_filters()
            position = self.model.view.position(row)
        if position is None:
            return False
        self.select_positions([position])
        return True

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
            self.message.show_info(self.tr(
                "No label has the key {0}: New… under Labels makes one (the first nine get the keys 1-9), and Key… moves a key.").format(key))
            return
        self.label_selected(found[0].name)

    def label_selected(self, name: str | None) -> None:
        """Label the selected rows (one edit); with one row selected, move to the next row."""
        positions = self.selected_positions()
        if not positions and self.table.currentIndex().isValid():
            positions = [self.table.currentIndex().row()]
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
        positions = self.selected_positions()
        if not positions and self.table.currentIndex().isValid():
            positions = [self.table.currentIndex().row()]
        if not positions or self.ws is None or self.ws.read_only:
            return
        if all(self.model.suggestion(p) is None for p in positions):
            self.message.show_info(self.tr("No suggestion to accept here: Suggest now (under Labels) makes them; a labelled row keeps its label."))
            return
        self.acceptRequested.emit(self.model.rows_at(positions))
        self.move_on(positions)

    def edited_elsewhere(self, edit) -> None:
        """A label edit made outside the table (a map selection): the rows, counts and buttons follow."""
        self.model.refresh()
        self._on_edited(edit)

    def _on_edited(self, _edit) -> None:
        self.message.clear() if self.message.kind == "error" else None
        if self.label_filter.count() - 2 != len(self.ws.labels()):
            self._fill_combos()  # a typed label made a new one
        self.labels_panel.refresh()
        self._update_counts()
        self._update_buttons()
        self.edited.emit()

    def _on_label_set_edited(self, edit) -> None:
        """The label panel renamed, merged, deleted, recoloured or re-keyed a label (or made one)."""
        self._fill_combos()
        self.model.refresh()
        self._update_counts()
        self._update_buttons()
        self.edited.emit()

    def filter_label(self, name: str) -> None:
        """Show the rows with label ``name`` (a double-click in the label panel)."""
        found = self.label_filter.findData(name)
        if found >= 0:
            self.label_filter.setCurrentIndex(found)

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
            self.message.show_info(self.tr("Nothing to undo.") if what == "undo" else self.tr("Nothing to redo."))
            return
        self.message.show_info((self.tr("Undone: {0}") if what == "undo" else self.tr("Redone: {0}")).format(edit.description))
        self._fill_combos()
        self.labels_panel.refresh()
        self.model.refresh()
        self._update_counts()
        self._update_buttons()
        if len(edit.rows):
            position = self.model.view.position(int(edit.rows[0]))
            if position is not None:
                self.table.scrollTo(self.model.index(position, TEXT_COLUMN))
        self.edited.emit()

    def paste(self) -> None:
        """The clipboard's lines become rows (see :class:`WorkspaceSession.paste_texts`)."""
        if self.ws is not None and self.ws.read_only:
            return
        self.pasteRequested.emit(QApplication.clipboard().text())

    def ask_save_selection(self) -> None:
        rows = self.selected_rows()
        if not len(rows):
            self.message.show_info(self.tr("Select some rows first (click, Shift+click, Ctrl+click)."))
            return
        name, ok = QInputDialog.getText(self, self.tr("Save selection"), self.tr("Name for these {0} rows:").format(f"{len(rows):,}"))
        if ok and name.strip():
            self.keep_selection(name.strip(), rows)

    def keep_selection(self, name: str, rows: np.ndarray) -> bool:
        try:
            self.ws.save_selection(name, rows)
        except SemvecError as exc:
            self.message.show_error(exc.for_gui())
            return False
        self._fill_combos()
        self.message.show_info(self.tr("Saved {0} as '{1}' (the Selection filter shows them).").format(
            counted(len(rows), self.tr("{0} row"), self.tr("{0} rows")), name))
        return True

    # --- to the other views -------------------------------------------------------------------

    def rows_to_send(self) -> tuple[np.ndarray, int]:
        """The selected rows (two or more), else the rows shown; cut to :data:`SEND_LIMIT`.
        Returns (rows, how many there were before the cut)."""
        rows = self.selected_rows()
        if len(rows) < 2 and self.model.view is not None:
            rows = self.model.view.rows_at(0, len(self.model.view))
        return rows[:SEND_LIMIT], len(rows)

    def send(self) -> None:
        rows, total = self.rows_to_send()
        if not len(rows):
            self.message.show_info(self.tr("No rows to send: the filters hide every row."))
            return
        if total > len(rows):
            self.message.show_info(self.tr("The first {0} of {1} rows went to the views; select rows or filter to choose others.").format(
                f"{len(rows):,}", f"{total:,}"))
        self.sendRequested.emit(rows)

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

The parts: the search and filter bar is a :class:`~semvec_studio.gui.panels.data_filters.FilterBar`;
the edits (labelling keys, undo and redo, pasted texts, named selections, the label cell's editor)
are a :class:`~semvec_studio.gui.panels.data_edits.DataEdits`. This module lays them out beside the
table, the label panel and the buttons, makes the rows shown and keeps the counts and buttons current.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.workspace.store import Workspace
from semvec_studio.core.workspace.views import RowView
from semvec_studio.gui.i18n import counted
from semvec_studio.gui.notifier import InlineMessage
from semvec_studio.gui.panels.data_edits import DataEdits, LabelDelegate
from semvec_studio.gui.panels.data_filters import UNLABELLED, FilterBar
from semvec_studio.gui.panels.label_set import LabelSetPanel
from semvec_studio.gui.workspace_model import LABEL_COLUMN, ROW_COLUMN, TEXT_COLUMN, RowTableModel

__all__ = ["SEND_LIMIT", "UNLABELLED", "DataView"]  # UNLABELLED: the label filter's entry, also from here (screenshots)

SEND_LIMIT = 5000  # rows sent to the views at once (the views hold every vector in memory)


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
        self.ranking = None  # the last search by meaning (core.workspace.meaning.Ranking) while its query is in the box
        self._build()
        self._connect()
        self.set_workspace(None)

    # --- construction -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.filters = FilterBar(self)
        # the bar's widgets also under the names they had here (the window, screenshots and tests use them)
        self.search, self.search_mode, self.refresh_button = self.filters.search, self.filters.search_mode, self.filters.refresh_button
        self.label_filter, self.source_filter, self.selection_filter, self.sort = self.filters.combos()
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
        self.edits = DataEdits(self.table, self.model, self.message, lambda: self.ws, self)  # filters the table's keys
        # the edit buttons and the keys legend also under the names they had here (tests use them)
        self.keys, self.undo_button, self.redo_button = self.edits.keys, self.edits.undo_button, self.edits.redo_button
        self.save_selection, self.paste_button = self.edits.save_selection, self.edits.paste_button
        self.counts = QLabel()
        self.counts.setWordWrap(True)  # a long query or message wraps instead of widening the window
        self.labels_panel = LabelSetPanel()
        self.new_label = self.labels_panel.new_button
        self.send_button = QPushButton(self.tr("Send to views"))
        self.send_button.setToolTip(self.tr(
            "Show the selected rows (or, with one row or none selected, the rows shown here, up to {0}) in the token, text and map views").format(
            f"{SEND_LIMIT:,}"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.keys, 1)
        for w in (self.paste_button, self.undo_button, self.redo_button, self.save_selection, self.send_button):
            bottom.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(self.filters.layout)
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

    def _connect(self) -> None:
        bar, edits = self.filters, self.edits
        bar.timer.timeout.connect(self.apply_filters)
        bar.search.returnPressed.connect(self._on_return)
        bar.search_mode.currentIndexChanged.connect(self._on_mode_changed)
        for combo in bar.combos():
            combo.currentIndexChanged.connect(self.apply_filters)
        self.table.horizontalHeader().sectionClicked.connect(self._on_header_clicked)
        bar.refresh_button.clicked.connect(self.apply_filters)
        self.labels_panel.edited.connect(self._on_label_set_edited)
        self.labels_panel.chosen.connect(bar.show_label)
        self.send_button.clicked.connect(self.send)
        self.model.labelEdited.connect(self._on_edited)
        self.model.editFailed.connect(lambda exc: self.message.show_error(exc.for_gui()))
        edits.acceptRequested.connect(self.acceptRequested)
        edits.pasteRequested.connect(self.pasteRequested)
        edits.stepped.connect(self._on_step)
        edits.selectionSaved.connect(self._fill_combos)
        for keys, slot in ((QKeySequence.StandardKey.Undo, edits.undo), (QKeySequence.StandardKey.Redo, edits.redo),
                           (QKeySequence("Ctrl+Shift+Z"), edits.redo), (QKeySequence("F5"), self.apply_filters),
                           (QKeySequence.StandardKey.Paste, edits.paste)):
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
        for w in (*self.filters.widgets(), self.table, self.send_button, self.save_selection):
            w.setEnabled(ws is not None)
        self._fill_combos()
        if ws is None:
            self.model.set_view(None)
            self.counts.setText(self.tr(
                "No workspace is open: File > New workspace from file(s)…, File > Open workspace…, or Paste texts (one a line) into an untitled workspace"))  # noqa: E501
            self.edits.update_buttons()
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
        self.filters.fill(self.ws)
        self.edits.show_keys()

    def apply_filters(self) -> None:
        """Make the view anew from the search, filters and sort (keeps the current row when it is still shown)."""
        self.filters.timer.stop()
        if self.ws is None:
            return
        current = self.current_row()
        f = self.filters.row_filter()
        sort = self.filters.sort_key(f)
        ranked = self.ranking is not None and self.meaning_query() == self.ranking.query
        try:
            if ranked:
                view = RowView.ranked(self.ws, self.ranking.rows, self.ranking.scores, f)
            else:
                view = RowView(self.ws, f, sort, descending=self.filters.descending)
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
        self.edits.update_buttons()

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

    def meaning_query(self) -> str | None:
        """The query of a search by meaning in the box (None in another mode or when empty)."""
        return self.filters.meaning_query()

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
        self.filters.show_mode_hint()
        if self.filters.search.text().strip():
            self._on_return() if self.filters.search_mode.currentData() == "meaning" else self.apply_filters()

    def _on_header_clicked(self, column: int) -> None:
        if self.filters.sort_by_column(column):
            self.apply_filters()

    # --- selection (the edits' table selection) -----------------------------------------------

    def selected_rows(self) -> np.ndarray:
        return self.edits.selected_rows()

    def current_row(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or self.model.view is None:
            return None
        return self.model.view.row_at(index.row())

    def select_positions(self, positions: list[int]) -> None:
        self.edits.select_positions(positions)

    def show_row(self, row: int) -> bool:
        """Select row number ``row`` (clearing the filters when they hide it)."""
        if self.model.view is None:
            return False
        position = self.model.view.position(row)
        if position is None:
            self.filters.clear()
            self.apply_filters()
            position = self.model.view.position(row)
        if position is None:
            return False
        self.select_positions([position])
        return True

    # --- following edits ----------------------------------------------------------------------

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
        self.edits.update_buttons()
        self.edited.emit()

    def _on_label_set_edited(self, edit) -> None:
        """The label panel renamed, merged, deleted, recoloured or re-keyed a label (or made one)."""
        self._fill_combos()
        self.model.refresh()
        self._update_counts()
        self.edits.update_buttons()
        self.edited.emit()

    def _on_step(self, edit) -> None:
        """An undo or redo (the edits' ``stepped``): filters, labels, rows, counts and buttons follow;
        the table shows the first row it changed."""
        self._fill_combos()
        self.labels_panel.refresh()
        self.model.refresh()
        self._update_counts()
        self.edits.update_buttons()
        if len(edit.rows):
            position = self.model.view.position(int(edit.rows[0]))
            if position is not None:
                self.table.scrollTo(self.model.index(position, TEXT_COLUMN))
        self.edited.emit()

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

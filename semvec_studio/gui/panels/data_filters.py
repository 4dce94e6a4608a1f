"""The Data view's search and filter bar (:class:`FilterBar`): the search box and its mode (words,
contains, regex, meaning), the label, file and selection filters, the sort and Refresh; what they
choose, as a core :class:`~semvec_studio.core.workspace.views.RowFilter` and a sort.

A plain object the Data view owns: it makes the widgets, lays them out in :attr:`FilterBar.layout`
and answers for them; the view puts that layout on top, connects the widgets' signals and makes the
rows.
Typing in the box restarts :attr:`FilterBar.timer` (words, or an emptied box: the view applies the
filters when it fires); the other modes wait for Return.

Its strings keep the "DataView" translation context they had when this code was part of
data_view.py (``translate("DataView", ...)``), so the committed translations still apply.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from semvec_studio.core.workspace.store import Workspace
from semvec_studio.core.workspace.views import RowFilter
from semvec_studio.gui.i18n import QT_TRANSLATE_NOOP, translate
from semvec_studio.gui.workspace_model import LABEL_COLUMN, ROW_COLUMN, TEXT_COLUMN

SEARCH_MODES = ((QT_TRANSLATE_NOOP("DataView", "Words"), "words"), (QT_TRANSLATE_NOOP("DataView", "Contains"), "contains"),
                (QT_TRANSLATE_NOOP("DataView", "Regex"), "regex"), (QT_TRANSLATE_NOOP("DataView", "Meaning"), "meaning"))
SORTS = ((QT_TRANSLATE_NOOP("DataView", "Row order"), "row"), (QT_TRANSLATE_NOOP("DataView", "Text"), "text"),
         (QT_TRANSLATE_NOOP("DataView", "Label"), "label"), (QT_TRANSLATE_NOOP("DataView", "Search rank"), "rank"))
SORT_OF_COLUMN = {ROW_COLUMN: "row", LABEL_COLUMN: "label", TEXT_COLUMN: "text"}
ALL, UNLABELLED = "\x00all", "\x00unlabelled"
WORDS_HINT = QT_TRANSLATE_NOOP("DataView", 'Search words: plain words, "a phrase", prefix*')


class FilterBar:
    """See the module doc. ``parent`` (the view) owns the typing timer."""

    def __init__(self, parent: QWidget) -> None:
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(translate("DataView", WORDS_HINT))
        self.search_mode = QComboBox()
        for text, mode in SEARCH_MODES:
            self.search_mode.addItem(translate("DataView", text), mode)
        self.search_mode.setToolTip(translate("DataView", 'Words: the word index (whole words, "phrases", prefix*), ranked; Contains: a piece of text anywhere; Regex: a Python regular expression; Meaning: rows ranked by the cosine of their sentence vectors to the query\'s (Return)'))  # noqa: E501
        self.label_filter = QComboBox()
        self.label_filter.setToolTip(translate("DataView", "Show the rows with this label"))
        self.source_filter = QComboBox()
        self.source_filter.setToolTip(translate("DataView", "Show the rows of one file"))
        self.selection_filter = QComboBox()
        self.selection_filter.setToolTip(translate("DataView", "Show a named selection"))
        self.sort = QComboBox()
        for text, key in SORTS:
            self.sort.addItem(translate("DataView", text), key)
        self.refresh_button = QPushButton(translate("DataView", "Refresh"))
        self.refresh_button.setToolTip(translate("DataView", "Apply the filters again (F5): rows labelled since leave a label filter"))
        self.layout = QHBoxLayout()
        self.layout.addWidget(self.search, 3)
        self.layout.addWidget(self.search_mode)
        for w in self.combos():
            self.layout.addWidget(w, 1)
        self.layout.addWidget(self.refresh_button)
        self.descending = False  # the sort's direction: a second click on a column's header turns it
        self.timer = QTimer(parent, singleShot=True, interval=350)
        self.search.textChanged.connect(self._on_search_changed)

    def combos(self) -> tuple[QComboBox, ...]:
        """The label, file and selection filters and the sort: a change applies at once."""
        return self.label_filter, self.source_filter, self.selection_filter, self.sort

    def widgets(self) -> tuple[QWidget, ...]:
        """Every widget of the bar, in its order (enabled only while a workspace is open)."""
        return self.search, self.search_mode, *self.combos(), self.refresh_button

    def _on_search_changed(self, text: str) -> None:
        if self.search_mode.currentData() == "words" or not text.strip():
            self.timer.start()  # the word index answers at once; a scan or a search by meaning waits for Return

    def fill(self, ws: Workspace | None) -> None:
        """The workspace's labels, files and named selections in the filters (keeping what each
        showed when it is still there; no change signal)."""
        filters = (self.label_filter, self.source_filter, self.selection_filter)
        kept = tuple(combo.currentData() for combo in filters)
        for combo in filters:
            combo.blockSignals(True)
            combo.clear()
        self.label_filter.addItem(translate("DataView", "All labels"), ALL)
        self.label_filter.addItem(translate("DataView", "Unlabelled"), UNLABELLED)
        self.source_filter.addItem(translate("DataView", "All files"), ALL)
        self.selection_filter.addItem(translate("DataView", "No selection"), ALL)
        if ws is not None:
            for lb in ws.labels():
                self.label_filter.addItem(lb.name, lb.name)
            for source in ws.sources():
                self.source_filter.addItem(f"{source.name.rsplit('/', 1)[-1]} ({source.row_count:,})", source.id)
            for name in ws.selections():
                self.selection_filter.addItem(name, name)
        for combo, value in zip(filters, kept):
            found = combo.findData(value)
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)
        self.selection_filter.setVisible(self.selection_filter.count() > 1)

    def row_filter(self) -> RowFilter:
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
            words=query if query and mode == "words" else None,  # "meaning" ranks the rows instead (see DataView.show_ranking)
            contains=query if query and mode == "contains" else None,
            regex=query if query and mode == "regex" else None,
        )

    def sort_key(self, row_filter: RowFilter) -> str:
        """The sort chosen; "rank" (the word index's) only when ``row_filter`` searches words, else row order."""
        sort = self.sort.currentData()
        return "row" if sort == "rank" and not row_filter.words else sort

    def meaning_query(self) -> str | None:
        """The query of a search by meaning in the box (None in another mode or when empty)."""
        query = self.search.text().strip()
        return query if query and self.search_mode.currentData() == "meaning" else None

    def show_mode_hint(self) -> None:
        """The search box's placeholder says what the chosen mode searches."""
        mode = self.search_mode.currentData()
        if mode == "words":
            hint = translate("DataView", WORDS_HINT)
        elif mode == "contains":
            hint = translate("DataView", "Search a piece of text (Return)")
        elif mode == "meaning":
            hint = translate("DataView", "Search by meaning: describe what you look for (Return)")
        else:
            hint = translate("DataView", "Search a regular expression (Return)")
        self.search.setPlaceholderText(hint)

    def sort_by_column(self, column: int) -> bool:
        """A click on column ``column``'s header: sort by it (the other way round when it is the sort
        already), without a change signal. False when the column does not sort."""
        key = SORT_OF_COLUMN.get(column)
        if key is None:
            return False
        if self.sort.currentData() == key:
            self.descending = not self.descending
        else:
            self.descending = False
        self.sort.blockSignals(True)
        self.sort.setCurrentIndex(self.sort.findData(key))
        self.sort.blockSignals(False)
        return True

    def clear(self) -> None:
        """An empty search box and every filter at its first entry (all rows)."""
        self.search.clear()
        for combo in (self.label_filter, self.source_filter, self.selection_filter):
            combo.setCurrentIndex(0)

    def show_label(self, name: str) -> None:
        """Filter on label ``name`` (a double-click in the label panel)."""
        found = self.label_filter.findData(name)
        if found >= 0:
            self.label_filter.setCurrentIndex(found)

"""The review mode: one row at a time from a queue, driven by the keyboard.

Queues (see :mod:`semvec_studio.core.labelling.strategies`): the most uncertain rows (smallest
margin between the two likeliest labels), likely mistakes (a given label that an out-of-fold model
contradicts with confidence), a diverse start (the rows nearest k-means centres: for the first
labels, before there is a model) and random rows.

Keys: Enter accepts the suggestion, 1-9 give that key's label, Space skips, Ctrl+Z undoes the last
step (and goes back to its row), Esc closes. Each step is one committed workspace edit (sources:
"suggestion" for an accepted suggestion, "typed" for a key), so the Data view's undo and the edit
log see it too. A step reads one row and writes one label: it stays well under 50 ms.
"""

from __future__ import annotations

import html
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.workspace.store import Workspace
from semvec_studio.gui.i18n import QT_TRANSLATE_NOOP, translate
from semvec_studio.gui.notifier import InlineMessage

QUEUES = ((QT_TRANSLATE_NOOP("ReviewDialog", "Most uncertain"), "margin"), (QT_TRANSLATE_NOOP("ReviewDialog", "Likely mistakes"), "mistakes"),
          (QT_TRANSLATE_NOOP("ReviewDialog", "Diverse start"), "diverse"), (QT_TRANSLATE_NOOP("ReviewDialog", "Highest entropy"), "entropy"),
          (QT_TRANSLATE_NOOP("ReviewDialog", "Random"), "random"))
SCORE_WORDS = {"margin": QT_TRANSLATE_NOOP("ReviewDialog", "uncertainty"), "entropy": QT_TRANSLATE_NOOP("ReviewDialog", "entropy"),
               "mistakes": QT_TRANSLATE_NOOP("ReviewDialog", "likely wrong"), "diverse": QT_TRANSLATE_NOOP("ReviewDialog", "cluster share"),
               "random": QT_TRANSLATE_NOOP("ReviewDialog", "random")}
KEYS_HINT = QT_TRANSLATE_NOOP("ReviewDialog", "Enter accepts the suggestion · 1-9 give a label · Space skips · Ctrl+Z undoes · Esc closes")


class ReviewDialog(QDialog):
    """``queueRequested(strategy)``: rank a new queue (the window's suggestions run it and call
    :meth:`set_queue`); ``edited(edit)`` after each labelling step or undo."""

    queueRequested = Signal(str)
    edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Review"))
        self.ws: Workspace | None = None
        self.queue = None  # core.labelling.loop.Queue
        self.position = 0
        self.names: dict[int, str] = {}
        self.history: list[tuple[int, object]] = []  # (position, edit or None) of each step, for undo
        self.step_ms: list[float] = []  # how long each step took (the review's responsiveness)
        self._build()

    def _build(self) -> None:
        self.kind = QComboBox()
        for text, key in QUEUES:
            self.kind.addItem(translate("ReviewDialog", text), key)
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.setToolTip(self.tr("Rank the rows again with the latest labels and suggestions"))
        self.where = QLabel()
        self.where.setMinimumWidth(self.fontMetrics().horizontalAdvance("000 of 000") + 8)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Queue:")))
        top.addWidget(self.kind)
        top.addWidget(self.start_button)
        top.addStretch(1)
        top.addWidget(self.where)
        self.text = QTextBrowser()
        font = QFont(self.text.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.text.setFont(font)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.message = InlineMessage()
        self.accept_button = QPushButton(self.tr("Accept (Enter)"))
        self.skip_button = QPushButton(self.tr("Skip (Space)"))
        self.undo_button = QPushButton(self.tr("Undo (Ctrl+Z)"))
        self.labels_line = QLabel()
        self.labels_line.setWordWrap(True)
        buttons = QHBoxLayout()
        for b in (self.accept_button, self.skip_button, self.undo_button):
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.info)
        layout.addWidget(self.labels_line)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(translate("ReviewDialog", KEYS_HINT)))
        self.start_button.clicked.connect(self.start)
        self.accept_button.clicked.connect(self.accept_suggestion)
        self.skip_button.clicked.connect(self.skip)
        self.undo_button.clicked.connect(self.undo)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo)
        for w in (self.kind, self.start_button, self.text):
            w.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.resize(640, 420)
        self._show_current()

    # --- the queue ------------------------------------------------------------------------------------

    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.queue, self.position, self.history = None, 0, []
        self._show_current()

    def start(self) -> None:
        self.message.show_info(self.tr("Ranking the rows…"))
        self.queueRequested.emit(self.kind.currentData())

    def set_queue(self, queue) -> None:
        self.queue, self.position, self.history = queue, 0, []
        self.message.clear()
        if queue.note:
            self.message.show_info(queue.note)
        if not len(queue):
            self.message.show_info(self.tr("This queue is empty: no given label looks wrong.") if queue.strategy == "mistakes"
                                   else self.tr("This queue is empty: every row with a vector has a label."))
        self._show_current()
        self.setFocus()

    def current_row(self) -> int | None:
        if self.queue is None or self.position >= len(self.queue):
            return None
        return int(self.queue.rows[self.position])

    def _show_current(self) -> None:
        self.names = {} if self.ws is None else {lb.id: lb.name for lb in self.ws.labels()}
        keyed = [] if self.ws is None else sorted((lb.key, lb.name) for lb in self.ws.labels() if lb.key)
        self.labels_line.setText(" · ".join(f"<b>{k}</b> {html.escape(n)}" for k, n in keyed) or self.tr("No labels yet: make some under Labels."))
        row = self.current_row()
        has = row is not None
        for b in (self.accept_button, self.skip_button):
            b.setEnabled(has)
        self.undo_button.setEnabled(bool(self.history))
        if self.queue is None:
            self.where.setText("")
            self.text.setPlainText(self.tr("Choose a queue and press Start."))
            self.info.setText("")
            return
        self.where.setText(self.tr("{0} of {1}").format(f"{min(self.position + 1, len(self.queue)):,}", f"{len(self.queue):,}"))
        if not has:
            self.text.setPlainText(self.tr("The queue is done: Start ranks a new one with the latest labels."))
            self.info.setText("")
            return
        found = self.ws.row(row)
        self.text.setPlainText(found.text)
        score = translate("ReviewDialog", SCORE_WORDS.get(self.queue.strategy, "score"))
        parts = [self.tr("Row {0}").format(row), f"{score} {float(self.queue.scores[self.position]):.3f}"]
        if found.label:
            parts.append(self.tr("given: <b>{0}</b> ({1})").format(html.escape(found.label), found.label_source))
        suggestion = self.suggestion()
        if suggestion is not None:
            parts.append(self.tr("suggested: <b>{0}</b> ({1})").format(html.escape(suggestion[0]), f"{suggestion[1]:.2f}"))
        else:
            parts.append(self.tr("no suggestion yet"))
        self.info.setText(" · ".join(parts))

    def suggestion(self) -> tuple[str, float] | None:
        if self.current_row() is None:
            return None
        label_id = int(self.queue.suggested[self.position])
        name = self.names.get(label_id)
        return None if name is None else (name, float(self.queue.confidence[self.position]))

    # --- steps ----------------------------------------------------------------------------------------

    def _label(self, name: str, source: str) -> None:
        row = self.current_row()
        if row is None or self.ws is None:
            return
        started = time.perf_counter()
        try:
            edit = self.ws.set_label(row, name, source)
        except SemvecError as exc:
            self.message.show_error(exc.for_gui())
            return
        self.history.append((self.position, edit))
        self.position += 1
        self.message.clear()
        self._show_current()
        self.step_ms.append((time.perf_counter() - started) * 1000)
        if edit is not None:
            self.edited.emit(edit)

    def accept_suggestion(self) -> None:
        suggestion = self.suggestion()
        if suggestion is None:
            self.message.show_info(self.tr("No suggestion for this row: give it a label with its number key, or skip it."))
            return
        self._label(suggestion[0], "suggestion")

    def label_key(self, key: int) -> None:
        found = [lb for lb in self.ws.labels() if lb.key == key] if self.ws is not None else []
        if not found:
            self.message.show_info(self.tr("No label has the key {0}.").format(key))
            return
        self._label(found[0].name, "typed")

    def skip(self) -> None:
        if self.current_row() is None:
            return
        started = time.perf_counter()
        self.history.append((self.position, None))
        self.position += 1
        self._show_current()
        self.step_ms.append((time.perf_counter() - started) * 1000)

    def undo(self) -> None:
        """Go back one step; a step that labelled its row is undone in the workspace too."""
        if not self.history or self.ws is None:
            return
        position, edit = self.history[-1]
        if edit is not None:
            try:
                undone = self.ws.undo(only=edit.id)  # this step's edit, never a later one made in another view
            except SemvecError as exc:
                self.message.show_error(self.tr("This step's label was not undone: {0}").format(exc.for_gui()))
                return
            if undone is not None:
                self.edited.emit(undone)
        self.history.pop()
        self.position = position
        self.message.show_info(self.tr("Undone.") if edit is not None else self.tr("Back one row."))
        self._show_current()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods == Qt.KeyboardModifier.NoModifier:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept_suggestion()
                return
            if key == Qt.Key.Key_Space:
                self.skip()
                return
            if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
                self.label_key(key - Qt.Key.Key_0)
                return
        super().keyPressEvent(event)

"""A read-only text box that highlights character spans of the text it shows.

Spans are Python string offsets (what the tokenizer's offsets give); Qt counts UTF-16 code units,
so positions are mapped both ways for texts with characters outside the BMP (emoji, rare CJK).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextEdit, QWidget

from semvec_studio.gui.plots.style import is_dark

MAX_LINES = 5  # taller texts scroll
HOVER_LIGHT, HOVER_DARK = "#ffd54f", "#8d6e00"
SECOND_LIGHT, SECOND_DARK = "#90caf9", "#1e5a8c"


class SpanText(QTextEdit):
    """``show_text(text)``, ``highlight([(start, end), ...])``; ``charHovered(i)`` (-1 on leave)."""

    charHovered = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._text = ""
        self._qt_pos: np.ndarray | None = None  # Python index -> Qt position, when they differ
        self._spans: list[tuple[int, int]] = []
        self.viewport().setMouseTracking(True)
        self.viewport().installEventFilter(self)

    def show_text(self, text: str) -> None:
        self._text = text
        if any(ord(c) > 0xFFFF for c in text):
            self._qt_pos = np.concatenate([[0], np.cumsum([2 if ord(c) > 0xFFFF else 1 for c in text])]).astype(np.int64)
        else:
            self._qt_pos = None
        self.setPlainText(text)
        self.highlight([])
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as the text (one line at least, MAX_LINES at most), so short texts waste no space."""
        self.document().setTextWidth(self.viewport().width())
        line = self.fontMetrics().lineSpacing()
        doc = self.document().size().height()
        chrome = 2 * self.frameWidth() + 4
        self.setFixedHeight(int(min(max(doc, line * 1.4), line * MAX_LINES + 8) + chrome))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()

    def clear_text(self) -> None:
        self.show_text("")

    def to_qt(self, i: int) -> int:
        i = max(0, min(i, len(self._text)))
        return int(self._qt_pos[i]) if self._qt_pos is not None else i

    def from_qt(self, q: int) -> int:
        if self._qt_pos is None:
            return q
        return int(np.searchsorted(self._qt_pos, q, side="right") - 1)

    def highlight(self, spans: list[tuple[int, int]]) -> None:
        """Mark each (start, end) span; the first in amber, any others in blue."""
        self._spans = [(int(s), int(e)) for s, e in spans if 0 <= s < e]
        dark = is_dark(self)
        selections = []
        for n, (s, e) in enumerate(self._spans):
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            colour = (HOVER_DARK if dark else HOVER_LIGHT) if n == 0 else (SECOND_DARK if dark else SECOND_LIGHT)
            fmt.setBackground(QColor(colour))
            sel.format = fmt
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.to_qt(s))
            cursor.setPosition(self.to_qt(e), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            selections.append(sel)
        self.setExtraSelections(selections)
        if self._spans:
            c = QTextCursor(self.document())
            c.setPosition(self.to_qt(self._spans[0][0]))
            self.setTextCursor(c)
            self.ensureCursorVisible()

    def highlighted_spans(self) -> list[tuple[int, int]]:
        return list(self._spans)

    def highlighted_text(self) -> str:
        """The text of the first highlighted span as the widget holds it ('' when none)."""
        sels = self.extraSelections()
        return sels[0].cursor.selectedText() if sels else ""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if obj is self.viewport():
            if event.type() == QEvent.Type.MouseMove:
                self.charHovered.emit(self.char_at(event.position().toPoint()))
            elif event.type() == QEvent.Type.Leave:
                self.charHovered.emit(-1)
        return super().eventFilter(obj, event)

    def char_at(self, viewport_pos) -> int:
        """Python index of the character under a viewport position, or -1 past the text's end."""
        q = self.cursorForPosition(viewport_pos).position()
        rect = self.cursorRect(self.cursorForPosition(viewport_pos))
        if not self._text or abs(rect.center().y() - viewport_pos.y()) > rect.height():
            return -1
        i = self.from_qt(q)
        # cursorForPosition gives the nearest gap; the character is left of it when the pointer is.
        if i > 0 and viewport_pos.x() < rect.x():
            i -= 1
        return i if i < len(self._text) else -1

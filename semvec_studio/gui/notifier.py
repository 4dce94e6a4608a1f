"""The one place messages reach the user.

- ``status(msg)``: a transient line in the status bar.
- ``error(exc, details, inline=...)``: a :class:`SemvecError` is a problem the user can fix; its
  one-line message is shown inline where the user acted (an :class:`InlineMessage`) and in the
  status bar. Anything else is a bug: a dialog says so, with the traceback behind "Show Details".
- ``excepthook``: installed as ``sys.excepthook`` by the app, so an exception in a slot ends up
  in the same dialog instead of a silent console line.
"""

from __future__ import annotations

import traceback

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QSizePolicy, QStatusBar, QWidget

from semvec_studio.core.errors import SemvecError

STATUS_MS = 8000
_COLOURS = {"error": ("#ff8a80", "#b00020"), "info": ("#90caf9", "#0d47a1")}  # (dark, light)
_BREAK_AFTER = "/\\_.,;="  # let long paths and identifiers wrap in narrow labels


def breakable(text: str) -> str:
    """Insert zero-width spaces after path separators so a QLabel can wrap long paths."""
    return "".join(c + "\u200b" if c in _BREAK_AFTER else c for c in text)


class InlineMessage(QLabel):
    """A word-wrapped message under the control the user acted on; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)  # wraps, never widens its panel
        self.kind = ""
        self._colour = ""
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(text, "error")

    def show_info(self, text: str) -> None:
        self._show(text, "info")

    def clear(self) -> None:  # noqa: A003 - QLabel.clear
        self.kind = ""
        super().clear()
        self.hide()

    def message(self) -> str:
        return self.text().replace("\u200b", "")

    def _show(self, text: str, kind: str) -> None:
        self.kind = kind
        self.setText(breakable(text))
        self._restyle()
        self.show()

    def _restyle(self) -> None:
        dark = QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128
        colour = _COLOURS.get(self.kind, ("", ""))[0 if dark else 1]
        if colour != self._colour:  # a style sheet change is itself a palette change: no loop
            self._colour = colour
            self.setStyleSheet(f"color: {colour};" if colour else "")

    def changeEvent(self, event) -> None:  # follow the system's light/dark palette
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and self.kind:
            self._restyle()


class Notifier(QObject):
    """Routes messages and errors to the status bar, inline labels or a details dialog."""

    message = Signal(str)  # every status line, for tests and logs

    def __init__(self, status_bar: QStatusBar | None = None, parent_widget: QWidget | None = None) -> None:
        super().__init__(parent_widget)
        self._status_bar = status_bar
        self._parent = parent_widget
        self.last_dialog: QMessageBox | None = None
        self._error = ""  # the error the status bar shows, until the user moves on

    def status(self, msg: str, timeout_ms: int = STATUS_MS) -> None:
        if self._status_bar is not None:
            self._status_bar.showMessage(msg, timeout_ms)
        self._error = ""
        self.message.emit(msg)

    def _status_error(self, msg: str) -> None:
        self.status(msg)
        self._error = msg

    def clear_error(self) -> None:
        """The user moved on (another job, another view): an error in the status bar is stale."""
        if self._error and self._status_bar is not None and self._status_bar.currentMessage() == self._error:
            self._status_bar.clearMessage()
        self._error = ""

    def error(self, exc: BaseException | str, details: str = "", inline: InlineMessage | None = None) -> None:
        """Show a user error inline (and in the status bar); an unexpected one in a dialog."""
        if isinstance(exc, SemvecError):
            text = exc.for_gui()
            if inline is not None:
                inline.show_error(text)
            self._status_error(text if inline is None else self.tr("Error: {0}").format(text.split(";")[0]))
            return
        if isinstance(exc, str):
            if inline is not None:
                inline.show_error(exc)
            self._status_error(exc)
            return
        self.unexpected(exc, details)

    def unexpected(self, exc: BaseException, details: str = "") -> None:
        """A bug: a non-blocking dialog with the message and the traceback behind Details."""
        summary = f"{type(exc).__name__}: {exc}"
        self._status_error(self.tr("Unexpected error: {0}").format(summary.splitlines()[0][:200]))
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(self.tr("Unexpected error"))
        box.setText(self.tr("Something went wrong inside SemVec Studio. This is a bug; the app should still work."))
        box.setInformativeText(summary[:500])
        box.setDetailedText(details or "".join(traceback.format_exception(exc)))
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setModal(False)
        box.show()
        self.last_dialog = box

    def excepthook(self, etype, value, tb) -> None:
        if issubclass(etype, KeyboardInterrupt):
            return
        self.unexpected(value, "".join(traceback.format_exception(etype, value, tb)))

"""Number keys label the text on screen in the Tokens & words and Texts views, as in the Data view:
with a workspace open, 1-9 give the current text (the one whose pieces the token view shows, the
selected row of the texts table) that key's label, one committed edit (source "typed"; Ctrl+Z in
the Data view undoes it). Without a workspace the keys do what they did before."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt

from semvec_studio.core.errors import SemvecError


class ViewLabelKeys(QObject):
    """Installed on the token view's tree and the texts view's table by the window."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.targets: dict = {}  # watched widget -> callable giving the current text id (or None)

    def watch(self, widget, current_text) -> None:
        self.targets[widget] = current_text
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if watched in self.targets and event.type() == QEvent.Type.KeyPress:
            key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if mods == Qt.KeyboardModifier.NoModifier and Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
                return self.label_current(self.targets[watched](), key - Qt.Key.Key_0)
        return super().eventFilter(watched, event)

    def label_current(self, text_id: int | None, key: int) -> bool:
        """Label text ``text_id`` of the views with the label of ``key``; False when no workspace
        row stands behind the text (the key then goes to the view)."""
        w = self.window
        ws, rows = w.session.ws, w.bridge.rows
        if ws is None or rows is None or text_id is None or not 0 <= text_id < len(rows):
            return False
        found = [lb for lb in ws.labels() if lb.key == key]
        if not found:
            w.notifier.status(self.tr("No label has the key {0}: make one under Labels in the Data view").format(key))
            return True
        try:
            w.bridge.label_texts([text_id], found[0].name, source="typed")
        except SemvecError as exc:
            w.notifier.error(exc)
        return True

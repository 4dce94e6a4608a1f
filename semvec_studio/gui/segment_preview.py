"""The live preview of word segmentation (issue 16): as the user moves the cursor in the Texts panel
or edits a line, the status bar shows the words the Vectors panel's Words setting (and its user
dictionary) cuts the line at the cursor (or the selected text) into, e.g. "Words (auto): 我 | 去 |
银行 | 存钱", so a user dictionary's effect is seen before anything is embedded. The cutting runs on
the runner (jieba loads its dictionary on first use, about a second), a light job that replaces
the previous preview; it waits :data:`DELAY_MS` after the last keystroke."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from semvec_studio.core.extract.segmenters import preview_words

DELAY_MS = 250
PREVIEW_GROUP = "segment-preview"
MAX_CHARS = 400  # of a long line, the part previewed


class SegmentPreview(QObject):
    """``shown(text)`` with each preview put in the status bar."""

    shown = Signal(str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.last = ""
        self._timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self._timer.timeout.connect(self.update)
        self._settings_changed = False
        editor = window.text_panel.editor
        editor.cursorPositionChanged.connect(self._timer.start)
        editor.textChanged.connect(self._timer.start)
        window.controls.segmenter.currentIndexChanged.connect(lambda _: self._on_settings())
        window.controls.optionsChanged.connect(self._on_settings)

    def _on_settings(self) -> None:
        self._settings_changed = True
        self._timer.start()

    def current_text(self) -> str:
        """The selected text (its first line), else the line at the cursor."""
        cursor = self.window.text_panel.editor.textCursor()
        text = cursor.selectedText().replace("\u2029", "\n").split("\n")[0] if cursor.hasSelection() else cursor.block().text()
        return text.strip()[:MAX_CHARS]

    def update(self) -> int | None:
        from_settings, self._settings_changed = self._settings_changed, False
        if self.window.runner.closed:
            return None  # the window closed while the preview waited for its delay
        if not (from_settings or self.window.text_panel.editor.hasFocus()):
            return None  # texts put in the editor by the app (a file, the Data view): not the user's line
        text = self.current_text()
        options = self.window.controls.options()
        if not text or options.segmenter == "tokenizer":
            return None
        name = options.segmenter
        return self.window.runner.submit(
            preview_words, text, name, options.user_dict or None, name=self.tr("Cutting the line into words"),
            group=PREVIEW_GROUP, on_result=lambda words: self._show(name, words),
            on_error=lambda exc, details: self.window.notifier.error(exc, details))

    def _show(self, name: str, words: list[str]) -> None:
        if not words:
            return  # auto on a line without Chinese: its words are the tokenizer's
        self.last = self.tr("Words ({0}): {1}").format(name, " | ".join(words))
        self.window.notifier.status(self.last)
        self.shown.emit(self.last)

"""The live segmentation preview: moving the cursor to a line of the Texts panel (or editing it)
shows, in the status bar, the words the Words setting cuts it into; a jieba user dictionary word
becomes one word at once."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor

from tests.gui.conftest import EMBED_MS

pytest.importorskip("jieba", reason="the Chinese word segmenter is the zh extra")
MS = 30_000


def move_to_line(editor, line: int) -> None:
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.movePosition(QTextCursor.MoveOperation.Down, n=line)
    editor.setTextCursor(cursor)


def test_the_words_of_the_line_at_the_cursor_follow_the_segmenter_and_the_user_dictionary(qtbot, make_window, tiny_bert, tmp_path):
    window = make_window(tiny_bert)
    qtbot.waitUntil(lambda: getattr(window, "segment_preview", None) is not None, timeout=EMBED_MS)
    preview = window.segment_preview
    editor = window.text_panel.editor
    editor.setPlainText("The bank raised rates.\n我去银行存钱，顺便买了一些水果。\n")
    window.controls.segmenter.setCurrentIndex(window.controls.segmenter.findData("jieba"))
    editor.setFocus()  # the user clicks into the texts
    qtbot.waitUntil(editor.hasFocus, timeout=MS)
    with qtbot.waitSignal(preview.shown, timeout=MS) as blocker:
        move_to_line(editor, 1)
    assert blocker.args[0] == "Words (jieba): 我 | 去 | 银行 | 存钱 | ， | 顺便 | 买 | 了 | 一些 | 水果 | 。"
    words = tmp_path / "dict.txt"
    words.write_text("银行存钱 10 n\n", encoding="utf-8")
    with qtbot.waitSignal(preview.shown, timeout=MS) as blocker:
        window.controls.set_user_dict(str(words))
    assert "银行存钱" in blocker.args[0].split(": ", 1)[1].split(" | ")
    assert window.statusBar().currentMessage() == blocker.args[0] or preview.last == blocker.args[0]
    move_to_line(editor, 0)  # a preview waits for its delay while the window closes: nothing is submitted
    window.close()
    assert preview.update() is None

"""What a word is, chosen in the app (issue 16): the Words control (auto with jieba, the
tokenizer's words, between spaces) and a jieba user dictionary change the whole-word rows of a
Chinese text on a tiny character-vocabulary BERT, the cache keeps each choice apart, and a bad
dictionary is one line in the Texts panel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from semvec_studio.core.extract.segmenters import jieba_installed
from tests.gui.conftest import EMBED_MS, embed

needs_jieba = pytest.mark.skipif(not jieba_installed(), reason="jieba (the zh extra) is not installed: pip install 'semvec-studio[zh]'")
TEXT = "我们在北京大学学习自然语言处理"


def words(window) -> list[str]:
    return [str(w) for w in window.sets["word"].metadata["word"]]


def choose(window, segmenter: str) -> None:
    combo = window.controls.segmenter
    combo.setCurrentIndex(combo.findData(segmenter))


@needs_jieba
def test_the_words_control_and_a_user_dictionary_decide_the_chinese_words(qtbot, make_window, tiny_chinese, tmp_path,
                                                                         monkeypatch):
    import jieba

    window = make_window(tiny_chinese)
    choose(window, "tokenizer")
    embed(qtbot, window, [TEXT])
    assert words(window) == list(TEXT)  # a character-level tokenizer: one word per character
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        choose(window, "auto")  # the options changed: embedded again
    assert words(window) == jieba.lcut(TEXT)
    assert "".join(words(window)) == TEXT
    user = tmp_path / "terms.txt"
    user.write_text("自然语言处理 5 n\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(user), ""))
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        qtbot.mouseClick(window.controls.dict_button, Qt.MouseButton.LeftButton)
    assert words(window)[-1] == "自然语言处理" and window.controls.dict_button.toolTip() == str(user)
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        qtbot.mouseClick(window.controls.dict_clear, Qt.MouseButton.LeftButton)
    assert words(window) == jieba.lcut(TEXT)  # from the cache: the dictionary is part of the key
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        choose(window, "tokenizer")
    assert words(window) == list(TEXT)


def test_a_bad_user_dictionary_is_one_line_and_nothing_runs(qtbot, make_window, tiny_chinese, tmp_path):
    window = make_window(tiny_chinese)
    embed(qtbot, window, [TEXT])
    before = window.sets
    window.controls.set_user_dict(str(tmp_path / "missing.txt"), emit=False)
    assert window.embed() is None
    message = window.text_panel.message.text().replace("\u200b", "")  # (break opportunities in a long path)
    assert "missing.txt" in message and "\n" not in message
    assert window.sets is before
    choose(window, "whitespace")  # a dictionary with a segmenter that uses none: refused too
    window.controls.set_user_dict(str(tmp_path), emit=False)
    assert window.embed() is None

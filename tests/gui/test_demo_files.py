"""File > Demo files: the English and Chinese demo texts open in the Texts panel and are embedded
(the Chinese ones with the auto word segmenter: jieba's words over Chinese characters), and the
labelled demo files open in the Train tab."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMenu

from semvec_studio.core.resources import demo_path
from tests.gui.conftest import EMBED_MS

MS = 60_000


def demo_action(window, text: str):
    """File > Demo files > the entry starting with ``text``."""
    demos = next(m for m in window.findChildren(QMenu) if m.title() == "Demo files")
    return next(a for a in demos.actions() if a.text().startswith(text))


@pytest.mark.parametrize("language, first", [("en", "English texts"), ("zh", "Chinese texts")])
def test_the_demo_texts_open_and_are_embedded(qtbot, make_window, tiny_bert, language, first):
    window = make_window(tiny_bert)
    expected = [line.strip() for line in demo_path("corpus", language).read_text(encoding="utf-8").splitlines() if line.strip()]
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        demo_action(window, first).trigger()
    assert window.texts == expected
    if language == "zh":
        assert window.controls.segmenter.currentData() == "auto"


def test_the_labelled_demo_files_open_in_the_train_tab(qtbot, make_window, tiny_bert):
    from semvec_studio.gui.main_window import TRAIN_TAB

    window = make_window(tiny_bert)
    qtbot.waitUntil(lambda: window.training_panel is not None, timeout=MS)
    demo_action(window, "Chinese reviews").trigger()
    assert window.views.currentIndex() == TRAIN_TAB
    assert window.training_panel.setup.csv_edit.text() == str(demo_path("labelled", "zh"))

"""The Texts panel as a user meets it: a file reads into exactly the texts (and vectors) that
`semvec extract` reads from it, typing costs no pass over the document, and a paste of many lines
becomes the texts without being laid out line by line in the editor."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from semvec_studio.cli import main as cli_main
from semvec_studio.core.io.texts import read_texts
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.gui.panels.text_panel import EDITOR_TEXTS, LINE_BREAK, TextPanel
from tests.gui.conftest import EMBED_MS

ODD_SPACING = [
    "Double  spaces between  words",
    "a\ttab and\t\ttwo tabs",
    "non\u00a0breaking\u00a0spaces here",
    "  leading and trailing  ",
    "plain text",
]


def test_a_file_gives_the_texts_and_vectors_semvec_extract_gives(qtbot, make_window, tiny_roberta, tmp_path):
    """Runs of spaces, tabs and no-break spaces stay as they are (a byte-level BPE model gives
    other vectors otherwise), in the app as on the command line."""
    corpus = tmp_path / "odd.txt"
    corpus.write_text("\n".join(ODD_SPACING) + "\n", encoding="utf-8")
    window = make_window(tiny_roberta)
    with qtbot.waitSignal(window.text_panel.fileLoaded, timeout=EMBED_MS):
        window.text_panel.open_files([str(corpus)])
    expected = read_texts([corpus]).texts
    assert window.text_panel.texts() == expected
    assert "Double  spaces between  words" in expected and "a\ttab and\t\ttwo tabs" in expected
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        window.actions.embed.trigger()
    out = tmp_path / "cli"
    assert cli_main(["extract", str(corpus), "--model", str(tiny_roberta), "-o", str(out), "--level", "token", "--quiet"]) == 0
    cli = EmbeddingSet.load(out)
    app = window.sets["token"]
    assert list(cli.metadata["token"]) == list(app.metadata["token"])
    assert np.array_equal(cli.metadata["start"], app.metadata["start"])
    assert np.allclose(cli.vectors, app.vectors, atol=1e-5)


def test_a_line_break_inside_a_csv_cell_survives_and_editing_reads_the_lines(qtbot, make_window, tiny_bert, tmp_path):
    window = make_window(tiny_bert)
    panel = window.text_panel
    panel.set_texts(["first line\nsecond line of the same text", "another text"])
    assert panel.editor.toPlainText().splitlines()[0] == f"first line{LINE_BREAK}second line of the same text"
    assert panel.texts() == ["first line\nsecond line of the same text", "another text"]
    panel.editor.setFocus()
    panel.editor.moveCursor(panel.editor.textCursor().MoveOperation.End)
    qtbot.keyClick(panel.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(panel.editor, "  a typed text ")
    assert panel.texts() == ["first line\nsecond line of the same text", "another text", "a typed text"]


def test_typing_makes_no_pass_over_the_document(qtbot, tiny_bert):
    """The count of texts is refreshed after typing pauses, not at every key (it used to split the
    whole document at every keystroke: 0.65 s a key at 854,000 lines)."""
    from semvec_studio.gui.notifier import Notifier
    from semvec_studio.gui.runner import Runner

    runner = Runner()
    panel = TextPanel(runner, Notifier())
    qtbot.addWidget(panel)
    panel.show()
    calls = []
    real = panel.texts
    panel.texts = lambda: calls.append(1) or real()  # noqa: B023 - counts the full passes
    panel.editor.setPlainText("\n".join(f"line {i}" for i in range(2000)))
    panel.editor.setFocus()
    qtbot.keyClicks(panel.editor, "typed")
    assert calls == [], "no full pass while typing"
    qtbot.waitUntil(lambda: "2,000 lines" in panel.summary.text(), timeout=2000)
    runner.shutdown()


def test_a_paste_of_many_lines_becomes_the_texts_without_filling_the_editor(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    panel = window.text_panel
    n = EDITOR_TEXTS * 3
    QApplication.clipboard().setText("\n".join(f"pasted text number {i}" for i in range(n)))
    panel.editor.setFocus()
    panel.editor.selectAll()
    panel.editor.paste()  # what Ctrl+V does
    texts = panel.texts()
    assert len(texts) == n and texts[-1] == f"pasted text number {n - 1}"
    assert panel.editor.blockCount() == EDITOR_TEXTS + 1 and panel.editor.isReadOnly()
    assert f"{n:,} texts" in panel.summary.text()
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert panel.texts() == [] and not panel.editor.isReadOnly()

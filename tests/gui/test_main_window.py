"""The main window end to end: start-up on the real default model, a bad checkpoint, pasted
text filling the views, the results cache, cancelling a long extraction, settings."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from semvec_studio.core.extract import encode
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import DEFAULT_MODEL, load_model
from semvec_studio.gui.main_window import SENTENCES_TAB, TOKENS_TAB
from semvec_studio.gui.panels.token_view import SIMILARITY_TAB, VECTORS_TAB
from tests.checkpoints import sentences
from tests.gui.conftest import EMBED_MS, LOAD_MS, embed

PASTED = ["The bank of the river was muddy.", "She put money in the bank account.", "A quick brown fox."]


@pytest.fixture
def extract_calls(monkeypatch):
    """Every call of core.extract.encode.extract (the forward passes), with its options."""
    calls = []

    def counting(lm, texts, options=ExtractOptions(), ctx=None, sinks=None, **kwargs):
        calls.append(options)
        return extract(lm, texts, options, ctx, sinks, **kwargs)

    monkeypatch.setattr(encode, "extract", counting)
    return calls


@pytest.mark.slow
def test_startup_opens_at_once_then_loads_the_default_model_and_embeds_the_demo(qtbot, make_window):
    started = time.perf_counter()
    window = make_window(DEFAULT_MODEL, demo=True, wait=False)
    assert window.isVisible() and window.lm is None  # the window is up before the model
    assert time.perf_counter() - started < 5
    assert "Loading" in window.model_panel.message.message()
    assert window.status_area.cancel.isVisible()
    with qtbot.waitSignal(window.embedded, timeout=LOAD_MS + EMBED_MS):
        pass
    assert window.lm.info.num_layers == 6 and window.lm.hidden_size == 384
    assert "6 layers × 384 dims" in window.model_panel.fact_labels["Size"].text()
    assert window.model_panel.message.isHidden()
    n = len(window.text_panel.texts())
    assert n >= 10 and len(window.sets["sentence"]) == n
    assert window.sentence_view.table_model.rowCount() == n
    assert window.token_view.piece_count() > 0
    assert window.controls.slider.maximum() == 6 and window.controls.slider.value() == 6


def test_bad_checkpoint_shows_inline_error_and_the_app_stays_usable(qtbot, make_window, tiny_bert, tiny_roberta, broken_checkpoint):
    window = make_window(tiny_bert)
    bad = broken_checkpoint("no_config")
    with qtbot.waitSignal(window.runner.failed, timeout=LOAD_MS):
        window.model_panel.request(str(bad))
    message = window.model_panel.message
    assert message.isVisible() and message.kind == "error"
    assert "config.json" in message.message() and "still loaded" in message.message()
    assert window.notifier.last_dialog is None  # a user error is not a crash dialog
    assert window.lm.info.path == str(tiny_bert.resolve())
    embed(qtbot, window, PASTED)  # still usable with the previous model
    assert len(window.sets["sentence"]) == 3
    with qtbot.waitSignal(window.modelLoaded, timeout=LOAD_MS):
        window.model_panel.request(str(tiny_roberta))
    assert message.isHidden()
    assert window.lm.info.model_type == "roberta"
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        pass  # what was shown is re-embedded with the new model
    assert window.sets["token"].manifest["model"]["architecture"].startswith("Roberta")


def test_remote_code_checkpoint_is_refused_inline(qtbot, make_window, tiny_bert, broken_checkpoint):
    window = make_window(tiny_bert)
    with qtbot.waitSignal(window.runner.failed, timeout=LOAD_MS):
        window.model_panel.request(str(broken_checkpoint("remote_code")))
    assert "trust_remote_code" in window.model_panel.message.message()


@pytest.mark.parametrize("confirm", [False, True])
def test_pickle_weights_need_explicit_confirmation(qtbot, make_window, tiny_bert, broken_checkpoint, monkeypatch, confirm):
    window = make_window(tiny_bert)
    asked = []
    monkeypatch.setattr(window.model_panel, "confirm_pickle", lambda spec: asked.append(spec) or confirm)
    signal = window.modelLoaded if confirm else window.runner.failed
    with qtbot.waitSignal(signal, timeout=LOAD_MS):
        window.model_panel.request(str(broken_checkpoint("pickle_only")))
    assert len(asked) == 1
    if confirm:
        assert window.lm.info.weights_format == "pickle"
    else:
        assert "pickle" in window.model_panel.message.message()
        assert window.lm.info.weights_format == "safetensors"


def test_pasted_text_fills_the_token_table_and_heatmap(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    embed(qtbot, window, PASTED)
    lm = load_model(tiny_bert, device="cpu")
    ref = extract(lm, PASTED, ExtractOptions(levels=("token", "word")))
    for text_id in (0, 2):
        window.sentence_view.select_text_id(text_id)
        pieces = int(np.sum(ref["token"].metadata["text_id"] == text_id))
        words = int(np.sum(ref["word"].metadata["text_id"] == text_id))
        view = window.token_view
        assert view.piece_count() == pieces and view.word_count() == words
        assert view.tree_model.rowCount() == words  # pieces are grouped under their words
        assert view.vectors.image_shape() == (pieces, 32)
        view.tabs.setCurrentIndex(SIMILARITY_TAB)  # the word-by-word matrix is computed when shown
        assert view.similarity.image_shape() == (words, words)
        view.tabs.setCurrentIndex(VECTORS_TAB)
        assert view.rows.text == PASTED[text_id]
    assert len(window.sets["token"]) == len(ref["token"])
    np.testing.assert_allclose(window.sets["token"].vectors, ref["token"].vectors, atol=1e-5)
    assert window.actions.export.isEnabled()
    window.controls.set_level("sentence")
    assert window.views.currentIndex() == SENTENCES_TAB
    window.controls.set_level("word")
    assert window.views.currentIndex() == TOKENS_TAB and window.token_view.rows_words.isChecked()


def test_empty_text_asks_for_texts_inline(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    window.text_panel.editor.setPlainText("  \n\n")
    assert window.embed() is None
    assert "No texts" in window.text_panel.message.message()


def test_changing_the_layer_recomputes_and_the_cache_avoids_a_second_pass(qtbot, make_window, tiny_bert, extract_calls):
    window = make_window(tiny_bert)
    embed(qtbot, window, PASTED)
    assert len(extract_calls) == 1 and set(extract_calls[0].levels) == {"token", "word", "sentence"}
    last = window.sets["token"].vectors.copy()
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        window.controls.set_layer(1)
    assert len(extract_calls) == 2 and extract_calls[1].layers == (1,)
    assert window.sets["token"].manifest["layers_resolved"] == [1]
    assert not np.allclose(window.sets["token"].vectors, last)
    hits = window.cache.hits
    with qtbot.waitSignal(window.embedded, timeout=1000):
        window.controls.set_layer(2)  # back to the last layer: from the cache, no job
    assert len(extract_calls) == 2 and window.cache.hits == hits + 3
    np.testing.assert_array_equal(window.sets["token"].vectors, last)
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        window.controls.word_pooling.setCurrentIndex(window.controls.word_pooling.findData("max"))
    assert len(extract_calls) == 3 and extract_calls[2].levels == ("word",)  # only what is missing
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        window.controls.layer_mode.setCurrentIndex(window.controls.layer_mode.findData("concat-last-4"))
    assert extract_calls[3].layers == (1, 2) and extract_calls[3].layer_combine == "concat"
    assert window.sets["token"].dim == 64


def test_cancel_during_a_long_extraction_ends_within_a_second(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    embed(qtbot, window, PASTED)
    shown = window.sets
    window.text_panel.set_texts(sentences(20_000))
    with qtbot.waitSignal(window.runner.progress, timeout=EMBED_MS, check_params_cb=lambda p, eta: p.phase == "embedding" and p.done > 0):
        job = window.embed()
    assert job is not None and window.status_area.progress.isVisible()
    started = time.perf_counter()
    with qtbot.waitSignal(window.runner.cancelled, timeout=5000) as blocker:
        window.actions.cancel.trigger()  # Esc
    assert time.perf_counter() - started < 1.0
    assert blocker.args == [job]
    assert window.sets is shown  # nothing partial reached the views
    assert window.token_view.rows.text in PASTED
    assert not window.runner.is_busy() and not window.status_area.progress.isVisible()


def test_layer_profile_runs_on_the_runner(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    embed(qtbot, window, PASTED)
    view = window.token_view
    view.select_piece(1)
    with qtbot.waitSignal(window.runner.finished, timeout=EMBED_MS):
        view.request_layer_profile()
    assert view.layers_plot.point_count() > 0


def test_settings_persist_options_recent_files_and_layout(qtbot, make_window, tiny_bert, tmp_path):
    corpus = tmp_path / "texts.txt"
    corpus.write_text("one text\nanother text\n", encoding="utf-8")
    window = make_window(tiny_bert)
    with qtbot.waitSignal(window.text_panel.fileLoaded, timeout=EMBED_MS):
        window.text_panel.open_files([str(corpus)])
    window.controls.set_layer(1)
    window.controls.normalize.setChecked(True)
    window.close()
    again = make_window(tiny_bert)
    assert again.controls.slider.value() == 1 and again.controls.normalize.isChecked()
    assert [a.toolTip() for a in again.actions.recent_files.actions()] == [str(corpus)]
    assert again.model_panel.recent.count() == 2  # "Recent…" + the tiny model


def test_dropping_a_folder_loads_a_model_and_a_file_opens_texts(qtbot, make_window, tiny_bert, tiny_roberta, tmp_path):
    window = make_window(tiny_bert)
    corpus = tmp_path / "dropped.txt"
    corpus.write_text("dropped text\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tiny_roberta)), QUrl.fromLocalFile(str(corpus))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignals([window.modelLoaded, window.text_panel.fileLoaded], timeout=LOAD_MS):
        window.dropEvent(event)
    assert window.lm.info.model_type == "roberta"
    assert window.text_panel.texts() == ["dropped text"]


def test_shortcuts_are_bound(make_window, tiny_bert):
    window = make_window(tiny_bert)
    a = window.actions
    assert a.open_texts.shortcut().toString() == "Ctrl+O"
    assert a.open_model.shortcut().toString() == "Ctrl+Shift+O"
    assert a.embed.shortcut().toString() == "Ctrl+Return"
    assert a.cancel.shortcut().toString() == "Esc"
    assert a.export.shortcut().toString() == "Ctrl+E"


def test_unexpected_errors_open_a_dialog_with_details(make_window, tiny_bert):
    window = make_window(tiny_bert)
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        window.notifier.excepthook(type(exc), exc, exc.__traceback__)
    box = window.notifier.last_dialog
    assert box is not None and box.isVisible()
    assert "ZeroDivisionError" in box.detailedText() and "boom" in box.informativeText()
    box.close()


def test_ctrl_return_in_the_editor_embeds(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    window.text_panel.editor.setPlainText("typed text")
    window.activateWindow()
    window.text_panel.editor.setFocus()
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        qtbot.keyClick(window.text_panel.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.text_panel.texts() == ["typed text"]  # no newline was typed


def test_the_window_module_imports_no_torch_so_the_window_opens_at_once():
    import subprocess
    import sys

    code = ("import sys, semvec_studio.gui.main_window, semvec_studio.launch; "
            "heavy = [m for m in ('torch', 'transformers', 'pyqtgraph') if m in sys.modules]; "
            "sys.exit(f'imported at start-up: {heavy}' if heavy else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr

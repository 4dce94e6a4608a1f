"""Export dialog (every registry format, atomic writes, remembered folder), opening files in the
text panel (column picker for tables, JSONL, errors inline), and ``--screenshots``."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from semvec_studio.core.io.exporters import EXPORTERS
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.gui.panels.export_dialog import ExportDialog, format_available
from semvec_studio.gui.screenshots import STEPS
from tests.gui.conftest import EMBED_MS, embed

TEXTS = ["The bank of the river was muddy.", "She put money in the bank account.", "A quick brown fox."]
REPO = Path(__file__).resolve().parents[2]


def test_export_dialog_lists_every_registry_format(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    embed(qtbot, window, TEXTS)
    window.open_export()
    dialog = window.export_dialog
    assert list(dialog.format_boxes) == list(EXPORTERS)
    assert dialog.format_boxes["npy"].isChecked() and not dialog.format_boxes["npy"].isEnabled()
    for name, box in dialog.format_boxes.items():
        assert box.isEnabled() == (name != "npy" and format_available(name))
    dialog.reject()


def test_export_from_the_dialog_writes_the_files_and_remembers_the_folder(qtbot, make_window, tiny_bert, tmp_path):
    window = make_window(tiny_bert)
    embed(qtbot, window, TEXTS)
    window.controls.set_level("word")
    window.open_export()
    dialog = window.export_dialog
    assert dialog.level() == "word"
    out = tmp_path / "exports" / "words"
    out.parent.mkdir()
    dialog.folder.setText(str(out))
    for name in ("csv", "projector", "word2vec"):
        dialog.format_boxes[name].setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=EMBED_MS):
        dialog.export_button.click()
    names = {p.name for p in out.iterdir()}
    assert {"vectors.npy", "metadata.tsv", "manifest.json", "vectors.csv", "vectors.tsv", "projector_metadata.tsv",
            "projector_config.pbtxt", "vectors.w2v.txt"} <= names
    back = EmbeddingSet.load(out)
    assert back.level == "word" and len(back) == len(window.sets["word"])
    np.testing.assert_array_equal(np.asarray(back.vectors), window.sets["word"].vectors)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["weights_sha256"] == window.lm.info.weights_sha256
    assert "Wrote" in window.statusBar().currentMessage()
    again = ExportDialog(window.sets, "word", window.settings)
    qtbot.addWidget(again)
    assert Path(again.folder.text()).parent == out.parent  # the last folder is remembered
    assert again.format_boxes["csv"].isChecked()


def test_export_into_an_existing_folder_is_refused_inline(qtbot, make_window, tiny_bert, tmp_path):
    window = make_window(tiny_bert)
    embed(qtbot, window, TEXTS)
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine", encoding="utf-8")
    window.open_export()
    dialog = window.export_dialog
    dialog.folder.setText(str(taken))
    with qtbot.waitSignal(window.runner.failed, timeout=EMBED_MS):
        dialog.export_button.click()
    assert dialog.isVisible() and "already exists" in dialog.message.message()
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]
    dialog.reject()


def test_cancelled_export_leaves_no_partial_folder(qtbot, make_window, tiny_bert, tmp_path, monkeypatch):
    window = make_window(tiny_bert)
    embed(qtbot, window, TEXTS)
    started = []

    def slow_csv(embset, folder, ctx):  # the csv writer, but it waits for the cancel
        started.append(True)
        while True:
            ctx.check_cancelled()
            ctx.report(0, 1, "writing vectors.csv")

    monkeypatch.setitem(EXPORTERS, "csv", dataclasses.replace(EXPORTERS["csv"], write=slow_csv))
    window.open_export()
    dialog = window.export_dialog
    out = tmp_path / "never"
    dialog.folder.setText(str(out))
    dialog.format_boxes["csv"].setChecked(True)
    with qtbot.waitSignal(window.runner.progress, timeout=EMBED_MS, check_params_cb=lambda p, e: "csv" in p.phase):
        dialog.export_button.click()
    with qtbot.waitSignal(window.runner.cancelled, timeout=5000):
        window.actions.cancel.trigger()
    assert started and not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".never")]  # no .partial folder
    assert "nothing was written" in dialog.message.message()
    dialog.reject()


def test_csv_opens_a_column_picker_with_a_preview(qtbot, make_window, tiny_bert, tmp_path):
    window = make_window(tiny_bert)
    table = tmp_path / "labelled.csv"
    table.write_text('id,sentence,label\n1,"Hello, world",a\n2,Second text,b\n3,,c\n', encoding="utf-8")
    with qtbot.waitSignal(window.runner.finished, timeout=EMBED_MS):
        window.text_panel.open_files([str(table)])
    picker = window.text_panel.picker
    assert picker is not None and picker.isVisible()
    assert picker.column.currentText() == "sentence"  # the 'sentence' column is found
    assert picker.preview.rowCount() == 3 and picker.preview.columnCount() == 3
    assert picker.count.text() == "2 texts"
    picker.column.setCurrentIndex(2)
    assert picker.count.text() == "3 texts"
    picker.column.setCurrentIndex(1)
    with qtbot.waitSignal(window.text_panel.fileLoaded, timeout=1000):
        picker.accept()
    assert window.text_panel.texts() == ["Hello, world", "Second text"]


def test_jsonl_and_several_files_are_read_in_order(qtbot, make_window, tiny_bert, tmp_path):
    window = make_window(tiny_bert)
    first = tmp_path / "a.jsonl"
    first.write_text('{"text": "one"}\n\n{"text": "two"}\n', encoding="utf-8")
    second = tmp_path / "b.txt"
    second.write_text("three\n", encoding="utf-8")
    with qtbot.waitSignal(window.text_panel.fileLoaded, timeout=EMBED_MS, check_params_cb=lambda p, n: p.endswith("b.txt")):
        window.text_panel.open_files([str(first), str(second)])
    assert window.text_panel.texts() == ["one", "two", "three"]


def test_a_bad_file_is_reported_inline(qtbot, make_window, tiny_bert, tmp_path):
    window = make_window(tiny_bert)
    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"text": "fine"}\nnot json\n', encoding="utf-8")
    with qtbot.waitSignal(window.text_panel.fileFailed, timeout=EMBED_MS):
        window.text_panel.open_files([str(bad)])
    message = window.text_panel.message.message()
    assert "line 2" in message and "JSON" in message


def test_startup_files_are_read_and_embedded(qtbot, make_window, tiny_bert, tmp_path):
    corpus = tmp_path / "start.txt"
    corpus.write_text("first text\nsecond text\n", encoding="utf-8")
    window = make_window(tiny_bert, files=[corpus], wait=False)
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        pass
    assert len(window.sets["sentence"]) == 2


@pytest.mark.slow
@pytest.mark.timeout(900)  # 16 views, one of them a real fine-tuning run of the default model: minutes on 2 cores
def test_screenshots_mode_writes_every_view(tmp_path):
    out = tmp_path / "shots"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-m", "semvec_studio", "--screenshots", str(out)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=840)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for step in STEPS:
        image = QImage(str(out / f"{step.name}.png"))
        assert (image.width(), image.height()) == (1280, 800), step.name
    assert {s.name for s in STEPS} >= {"model_panel", "text_panel", "token_view", "word_heatmap", "word_similarity",
                                       "layers_view", "sentence_view", "export_dialog", "data_view", "compare_view",
                                       "layer_lab"}

"""Workspaces in the app (pytest-qt, offscreen, a tiny random BERT): make one from the sample CSV
with the New workspace dialog, label rows with the number keys in the Data view, close the window,
open it again (the labels, the rows the views showed and the map are back); undo, search, typed
labels, send to views, a copy, the read-only second opener, a file that is not a workspace, and
cancelling the making of a workspace (no file is left)."""

from __future__ import annotations

import multiprocessing
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QInputDialog

from semvec_studio.core.resources import demo_corpus_path
from semvec_studio.core.workspace.store import Workspace
from tests.gui.conftest import EMBED_MS

MS = 30_000


@pytest.fixture
def reviews() -> Path:
    path = demo_corpus_path().with_name("reviews.csv")
    assert path.is_file()
    return path


def click_row(qtbot, table, position: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    index = table.model().index(position, 2)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, table.visualRect(index).center())


def make_workspace(qtbot, window, files, path: Path, label_column: str | None = None):
    """File > New workspace from file(s): the dialog (as the user fills it), Create, and wait until it is open."""
    dialog = window.session.new_from_files([str(f) for f in files])
    dialog.path.setText(str(path))
    dialog.label_column.setCurrentText(label_column or "(no labels)")
    with qtbot.waitSignal(window.session.opened, timeout=MS):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    return window.session.ws


def new_label(qtbot, window, monkeypatch, name: str) -> None:
    """The Data view's New label… button, the name typed into its question."""
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (name, True))
    qtbot.mouseClick(window.data_view.new_label, Qt.MouseButton.LeftButton)


def labels_shown(window, positions) -> list[str]:
    model = window.data_view.model
    return [model.index(p, 1).data() for p in positions]


def test_a_workspace_made_from_the_sample_csv_keeps_its_labels_and_map_across_a_restart(
        qtbot, make_window, tiny_bert, reviews, tmp_path, monkeypatch):
    from semvec_studio.gui.main_window import DATA_TAB, MAP_TAB

    window = make_window(tiny_bert)
    target = tmp_path / "reviews.semvec"
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):  # its first rows go to the views
        ws = make_workspace(qtbot, window, [reviews], target)
    assert ws.row_count == 280 and window.windowTitle().startswith("reviews.semvec — ")
    window.views.setCurrentIndex(DATA_TAB)
    view = window.data_view
    assert view.model.rowCount() == 280 and view.counts.text() == "280 rows · 280 unlabelled"
    new_label(qtbot, window, monkeypatch, "positive")
    new_label(qtbot, window, monkeypatch, "negative")
    assert "1 positive · 2 negative" in view.keys.text()
    click_row(qtbot, view.table, 0)
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_1):  # one key per row; the cursor moves down
        qtbot.keyClick(view.table, key)
    assert labels_shown(window, range(4)) == ["positive", "negative", "positive", ""]
    assert [(r.label, r.label_source) for r in ws.rows(0, 3)] == [("positive", "typed"), ("negative", "typed"), ("positive", "typed")]
    assert view.counts.text() == "280 rows · 277 unlabelled"
    with qtbot.waitSignal(window.map_panel.projected, timeout=MS):
        window.views.setCurrentIndex(MAP_TAB)
    qtbot.waitUntil(lambda: "positive" in window.map_panel.scatter.categories.names, timeout=MS)  # the edits colour the map
    points = len(window.map_panel.scatter)
    texts = list(window.texts)
    window.close()
    assert target.is_file() and not Path(str(target) + ".lock").exists()

    again = make_window(tiny_bert)  # the same settings: the last workspace opens again
    with qtbot.waitSignal(again.embedded, timeout=EMBED_MS):
        pass
    assert again.session.ws is not None and again.session.ws.path == target
    assert labels_shown(again, range(4)) == ["positive", "negative", "positive", ""]
    assert again.texts == texts
    again.views.setCurrentIndex(MAP_TAB)  # (it reopens on the Map, whose kept map may be back before this)
    qtbot.waitUntil(lambda: again.map_panel.map is not None, timeout=MS)
    assert len(again.map_panel.scatter) == points
    assert {"positive", "negative"} <= set(again.map_panel.scatter.categories.names)
    again.views.setCurrentIndex(DATA_TAB)
    again.data_view.table.setFocus()
    qtbot.keyClick(again.data_view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo across the restart
    assert labels_shown(again, range(3)) == ["positive", "negative", ""]
    qtbot.keyClick(again.data_view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert labels_shown(again, range(3)) == ["positive", "negative", "positive"]


def test_search_filters_typed_labels_and_send_to_views(qtbot, make_window, tiny_bert, reviews, tmp_path):
    from semvec_studio.gui.main_window import DATA_TAB, SENTENCES_TAB

    window = make_window(tiny_bert)
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        ws = make_workspace(qtbot, window, [reviews], tmp_path / "r.semvec", label_column="label")
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=MS)  # the word index is built
    window.views.setCurrentIndex(DATA_TAB)
    view = window.data_view
    assert view.model.headerData(3, Qt.Orientation.Horizontal) == "label (file)"
    qtbot.keyClicks(view.search, "boring")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    hits = [view.model.row(p) for p in range(view.model.rowCount())]
    assert hits and all("boring" in r.text.lower() for r in hits)
    assert len(hits) == sum("boring" in t.lower() for t in (r.text for r in ws.rows(0, ws.row_count)))
    view.search.clear()
    view.label_filter.setCurrentIndex(view.label_filter.findData("negative"))
    assert view.model.rowCount() == ws.label_counts()["negative"]
    view.label_filter.setCurrentIndex(0)
    # type a new label into the label cell of row 5
    index = view.model.index(5, 1)
    view.table.scrollTo(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=view.table.visualRect(index).center())
    qtbot.keyClick(view.table, Qt.Key.Key_F2)  # (or a double click) edits the cell
    editor = view.table.viewport().findChild(QComboBox)
    assert editor is not None and editor.count() == 1 + len(ws.labels())  # blank (clears), then each label
    editor.setCurrentText("mixed")
    qtbot.keyClick(editor.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ws.row(5).label == "mixed", timeout=MS)  # the view commits the edit when the editor closes
    assert ws.row(5).label_source == "typed"
    assert view.label_filter.findData("mixed") >= 0  # a new label appears among the filters
    # select rows 10..12 and send them to the views
    click_row(qtbot, view.table, 10)
    click_row(qtbot, view.table, 12, Qt.KeyboardModifier.ShiftModifier)
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        qtbot.mouseClick(view.send_button, Qt.MouseButton.LeftButton)
    assert window.texts == [r.text for r in ws.rows(10, 13)]
    assert ws.setting("views.rows") == [10, 11, 12]
    window.views.setCurrentIndex(SENTENCES_TAB)
    assert window.sentence_view.table_model.rowCount() == 3


def test_save_a_copy_keeps_every_edit_and_the_workspace_stays_open(qtbot, make_window, tiny_bert, reviews, tmp_path):
    window = make_window(tiny_bert)
    ws = make_workspace(qtbot, window, [reviews], tmp_path / "a.semvec", label_column="label")
    ws.set_label([0, 1], "checked")
    messages = []
    window.notifier.message.connect(messages.append)
    window.session.save_copy(str(tmp_path / "copy"))
    qtbot.waitUntil(lambda: any(m.startswith("Saved a copy as") for m in messages), timeout=MS)
    with Workspace.open(tmp_path / "copy.semvec") as copy:
        assert copy.row_count == 280 and copy.label_counts() == ws.label_counts()
    assert window.session.ws is ws and not ws.closed
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_a_second_opener_gets_it_read_only_and_cannot_label(qtbot, make_window, tiny_bert, reviews, tmp_path):
    window = make_window(tiny_bert)
    ws = make_workspace(qtbot, window, [reviews], tmp_path / "a.semvec", label_column="label")
    window.session.close()
    holder = Workspace.open(tmp_path / "a.semvec")  # another window (or process) has it open
    try:
        assert window.session.open(tmp_path / "a.semvec")
        view = window.data_view
        assert window.session.ws.read_only and "(read-only)" in window.windowTitle()
        assert view.message.message().startswith("Read-only: it is open in")
        click_row(qtbot, view.table, 0)
        before = window.session.ws.row(0).label
        qtbot.keyClick(view.table, Qt.Key.Key_2)
        assert window.session.ws.row(0).label == before
        assert not view.model.flags(view.model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable
    finally:
        holder.close()
    del ws


@pytest.mark.parametrize("content", [b"text,label\nhello,a\n", b"SQLite format 3\x00" + bytes(200)])
def test_a_file_that_is_not_a_workspace_gets_one_line_and_is_left_as_it_was(qtbot, make_window, tiny_bert, tmp_path, content):
    window = make_window(tiny_bert)
    path = tmp_path / "fake.semvec"
    path.write_bytes(content)
    messages = []
    window.notifier.message.connect(messages.append)
    assert not window.session.open(path)
    assert window.session.ws is None and path.read_bytes() == content
    assert messages and str(path) in messages[-1] and "\n" not in messages[-1]


def test_cancelling_the_making_of_a_workspace_leaves_no_file(qtbot, make_window, tiny_bert, tmp_path):
    window = make_window(tiny_bert)
    big = tmp_path / "big.csv"
    big.write_text("text,label\n" + "".join(f"row number {i} of a long file,{i % 3}\n" for i in range(400_000)), encoding="utf-8")
    dialog = window.session.new_from_files([str(big)])
    dialog.path.setText(str(tmp_path / "big.semvec"))
    with qtbot.waitSignal(window.runner.started, timeout=MS):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.runner.cancelled, timeout=MS):
        qtbot.mouseClick(window.status_area.cancel, Qt.MouseButton.LeftButton)
    assert window.session.ws is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv", "settings"]  # no workspace, no partial file


def test_the_new_workspace_dialog_previews_the_head_of_a_file_and_refuses_the_same_column_twice(qtbot, make_window, tiny_bert,
                                                                                               reviews, tmp_path):
    window = make_window(tiny_bert)
    copy = tmp_path / "reviews.csv"
    shutil.copy(reviews, copy)
    dialog = window.session.new_from_files([str(copy)])
    assert dialog.path.text() == str(tmp_path / "reviews.semvec")
    assert dialog.text_column.currentText() == "text" and dialog.label_column.currentText() == "label"
    assert dialog.table.rowCount() == 20 and dialog.table.item(0, 0).text() == "The concert was not as charming as everyone said."
    dialog.label_column.setCurrentText("text")
    assert "both 'text'" in dialog.message.message()
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and not (tmp_path / "reviews.semvec").exists()
    dialog.reject()
    assert window.session.ws is None


def test_search_by_meaning_ranks_the_rows_shows_scores_and_marks_the_map(qtbot, make_window, tiny_bert, reviews, tmp_path):
    from semvec_studio.gui.main_window import DATA_TAB, MAP_TAB

    window = make_window(tiny_bert)
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        ws = make_workspace(qtbot, window, [reviews], tmp_path / "m.semvec", label_column="label")
    with qtbot.waitSignal(window.map_panel.projected, timeout=MS):
        window.views.setCurrentIndex(MAP_TAB)
    window.views.setCurrentIndex(DATA_TAB)
    view = window.data_view
    target = ws.rows(37, 38)[0]
    view.search_mode.setCurrentIndex(view.search_mode.findData("meaning"))
    qtbot.keyClicks(view.search, target.text)
    assert view.model.view.scores is None  # nothing is ranked before Return
    with qtbot.waitSignal(window.runner.finished, timeout=MS):
        qtbot.keyClick(view.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.model.view.scores is not None, timeout=MS)
    model = view.model
    assert model.rowCount() == 280 and model.headerData(3, Qt.Orientation.Horizontal) == "Score"
    assert model.row(0).row == 37 and model.index(0, 3).data() == "1.000"  # the row whose text is the query
    scores = [float(model.index(p, 3).data()) for p in range(model.rowCount())]
    assert scores == sorted(scores, reverse=True)
    assert "ranked by meaning" in view.counts.text()
    point_of_37 = int(list(window.bridge.rows).index(37))
    marked = set(window.map_panel.map.text_ids()[window.map_panel.search_hits].tolist())
    assert point_of_37 in marked and len(marked) == 20  # the map marks the texts of the best 20 rows
    view.label_filter.setCurrentIndex(view.label_filter.findData("negative"))  # filters still apply, the order stays
    shown = [model.row(p) for p in range(model.rowCount())]
    assert shown and all(r.label == "negative" for r in shown)
    assert [float(model.index(p, 3).data()) for p in range(model.rowCount())] == sorted(
        (float(model.index(p, 3).data()) for p in range(model.rowCount())), reverse=True)
    view.search.clear()  # back to the rows in their order, without scores
    qtbot.waitUntil(lambda: model.view.scores is None, timeout=MS)
    assert model.headerData(3, Qt.Orientation.Horizontal) == "label (file)"


def test_pasted_texts_make_an_untitled_workspace_that_survives_a_crash_and_asks_to_be_saved(
        qtbot, make_window, tiny_bert, tmp_path, temporary_settings, monkeypatch):
    from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

    from semvec_studio.gui.main_window import DATA_TAB

    window = make_window(tiny_bert)
    window.views.setCurrentIndex(DATA_TAB)
    QApplication.clipboard().setText("The bank raised rates.\n\n  We sat on the river bank.\nCats and dogs.\n")
    with qtbot.waitSignal(window.session.opened, timeout=MS):
        qtbot.mouseClick(window.data_view.paste_button, Qt.MouseButton.LeftButton)
    ws = window.session.ws
    untitled = temporary_settings.parent / "untitled" / "Untitled 1.semvec"
    assert ws.path == untitled and window.session.is_untitled() and window.windowTitle().startswith("Untitled 1.semvec")
    assert [r.text for r in ws.rows(0, ws.row_count)] == ["The bank raised rates.", "We sat on the river bank.", "Cats and dogs."]
    QApplication.clipboard().setText("A fourth text.")
    window.data_view.table.setFocus()
    qtbot.keyClick(window.data_view.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # more rows, same workspace
    assert ws.row_count == 4 and window.data_view.model.rowCount() == 4
    ws.set_label([1], "river")
    window.interrupt()  # gone without a question, as after a crash: the untitled workspace is kept and opens again

    again = make_window(tiny_bert)
    assert again.session.ws is not None and again.session.ws.path == untitled and again.session.ws.row_count == 4
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[1]) or QMessageBox.StandardButton.Cancel)
    again.actions.close_workspace.trigger()
    assert asked == ["Save the untitled workspace?"] and again.session.ws is not None  # Cancel: nothing closed
    target = tmp_path / "kept.semvec"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    again.actions.close_workspace.trigger()
    assert again.session.ws is None and not untitled.exists()
    with Workspace.open(target) as kept:
        assert kept.row_count == 4 and kept.rows(1, 2)[0].label == "river"
    assert str(target) in again.session.recent()


def test_discarding_an_untitled_workspace_deletes_it(qtbot, make_window, tiny_bert, temporary_settings, monkeypatch):
    from PySide6.QtWidgets import QApplication, QMessageBox

    window = make_window(tiny_bert)
    QApplication.clipboard().setText("one\ntwo")
    with qtbot.waitSignal(window.session.opened, timeout=MS):
        qtbot.mouseClick(window.data_view.paste_button, Qt.MouseButton.LeftButton)
    path = window.session.ws.path
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    window.close()
    assert not path.exists() and not (path.parent / "Untitled 1.semvec-data").exists()


def test_the_last_map_comes_back_from_the_data_folder_and_is_made_again_when_the_folder_is_gone(
        qtbot, make_window, tiny_bert, reviews, tmp_path, monkeypatch):
    import numpy as np

    import semvec_studio.gui.panels.projection_source as source_module
    from semvec_studio.gui.main_window import MAP_TAB

    window = make_window(tiny_bert)
    target = tmp_path / "maps.semvec"
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        make_workspace(qtbot, window, [reviews], target)
    with qtbot.waitSignal(window.map_panel.projected, timeout=MS):
        window.views.setCurrentIndex(MAP_TAB)
    coords = window.map_panel.map.coords.copy()
    kept = tmp_path / "maps.semvec-data" / "maps"
    assert len(list(kept.iterdir())) == 1
    window.close()

    projections = []
    real_project = source_module.project
    monkeypatch.setattr(source_module, "project", lambda *a, **k: projections.append(1) or real_project(*a, **k))
    again = make_window(tiny_bert)
    with qtbot.waitSignal(again.embedded, timeout=EMBED_MS):
        pass
    again.views.setCurrentIndex(MAP_TAB)
    qtbot.waitUntil(lambda: again.map_panel.map is not None, timeout=MS)
    np.testing.assert_array_equal(again.map_panel.map.coords, coords)
    assert projections == []  # read from the data folder, not projected again
    again.close()

    import shutil
    shutil.rmtree(tmp_path / "maps.semvec-data")  # the data folder is disposable
    third = make_window(tiny_bert)
    with qtbot.waitSignal(third.embedded, timeout=EMBED_MS):
        pass
    third.views.setCurrentIndex(MAP_TAB)
    qtbot.waitUntil(lambda: third.map_panel.map is not None, timeout=MS)
    assert projections == [1] and len(third.map_panel.map.coords) == len(coords)
    np.testing.assert_allclose(np.abs(third.map_panel.map.coords), np.abs(coords), atol=1e-4)  # PCA again (up to a sign)
    assert len(list(kept.iterdir())) == 1


def test_the_train_tab_trains_on_the_workspaces_labelled_rows(qtbot, make_window, tiny_bert, tmp_path):
    import json

    from semvec_studio.gui.main_window import TRAIN_TAB
    from tests.core.test_train import write_toy

    toy = write_toy(tmp_path / "toy.csv")
    unlabelled = tmp_path / "plain.txt"
    unlabelled.write_text("one text\nanother text\n", encoding="utf-8")
    window = make_window(tiny_bert)
    make_workspace(qtbot, window, [unlabelled], tmp_path / "plain.semvec")
    window.views.setCurrentIndex(TRAIN_TAB)
    panel = window.training_panel
    setup = panel.setup
    qtbot.mouseClick(setup.workspace_button, Qt.MouseButton.LeftButton)  # no labels yet: a message, no file chosen
    assert "no row has a label yet" in setup.message.text() and setup.csv_edit.text() == ""

    ws = make_workspace(qtbot, window, [toy], tmp_path / "toy.semvec", label_column="label")
    ws.set_label([0], None)  # one row unlabelled: it is not trained on
    setup.model_edit.setText(str(tiny_bert))
    setup.form["epochs"].setValue(1)
    setup.form["batch_size"].setValue(8)
    setup.output_edit.setText(str(tmp_path / "run"))
    setup._output_auto = False
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=MS)  # the word index
    with qtbot.waitSignal(panel.runner.finished, timeout=MS):  # the preview of the file it writes
        qtbot.mouseClick(setup.workspace_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.start_button.isEnabled(), timeout=MS)
    written = tmp_path / "toy.semvec-data" / "training" / "labelled.csv"
    assert setup.csv_edit.text() == str(written)
    assert written.read_text(encoding="utf-8").count("\n") == ws.row_count  # header + every labelled row
    with qtbot.waitSignal(panel.runFinished, timeout=120_000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert sum(map(sum, metrics["confusion_matrix"])) > 0


def test_texts_labelled_on_the_map_are_kept_in_the_workspace_and_undone_in_the_data_view(
        qtbot, make_window, tiny_bert, reviews, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from semvec_studio.gui.main_window import DATA_TAB, MAP_TAB

    window = make_window(tiny_bert)
    window.controls.set_level("sentence")
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        ws = make_workspace(qtbot, window, [reviews], tmp_path / "bulk.semvec")
    window.views.setCurrentIndex(MAP_TAB)
    panel = window.map_panel
    qtbot.waitUntil(lambda: panel.map is not None and panel.map.level == "sentence", timeout=MS)
    panel.scatter.set_selection([3, 7, 8, 40])  # as a lasso leaves it
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("gift", True))
    qtbot.mouseClick(panel.selection_box.label, Qt.MouseButton.LeftButton)
    rows = window.bridge.rows[[3, 7, 8, 40]]
    assert [(r.label, r.label_source) for r in ws.read_rows(rows)] == [("gift", "bulk")] * 4
    window.views.setCurrentIndex(DATA_TAB)
    view = window.data_view
    assert "276 unlabelled" in view.counts.text() and view.label_filter.findData("gift") >= 0
    assert not window.session.dialog.isVisible()
    window.activateWindow()  # (offscreen Qt leaves the closed New workspace dialog as the active window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=MS)
    click_row(qtbot, view.table, 0)
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one edit: undone at once
    assert [r.label for r in ws.read_rows(rows)] == [None] * 4 and "280 unlabelled" in view.counts.text()


# --- a big file: its first rows at once, the rest in the background ------------------------------------


@pytest.fixture
def staged_small(monkeypatch):
    """Stages as a 1,000,000-row file has them, for a 40,000-row one: a head of 4 blocks (made in
    this process), then the rest in the app's child process, 4 blocks per transaction, each a
    little slower (``tests/gui/slow_import.py``), so the test acts while the rest is still coming."""
    from semvec_studio.core.workspace import staged
    from semvec_studio.gui import workspace_session

    monkeypatch.setattr(staged, "HEAD_BYTES", 1 << 18)
    monkeypatch.setattr(staged, "HEAD_ROWS", 4 * 1024)
    monkeypatch.setattr(workspace_session, "FINISH_IMPORT", "tests.gui.slow_import:finish_import")
    return staged


def big_csv(tmp_path: Path, rows: int = 40_000) -> Path:
    path = tmp_path / "big.csv"
    path.write_text("id,text,label\n" + "".join(f"{i},row number {i} of a long file,{'abc'[i % 3]}\n" for i in range(rows)),
                    encoding="utf-8")
    return path


def test_a_big_file_is_browsable_and_labelled_before_all_its_rows_are_in(qtbot, make_window, tiny_bert, tmp_path, monkeypatch,
                                                                         staged_small):
    from semvec_studio.gui.main_window import DATA_TAB

    window = make_window(tiny_bert)
    ws = make_workspace(qtbot, window, [big_csv(tmp_path)], tmp_path / "big.semvec", "label")
    job = window.session.import_job
    assert ws.row_count == 4096 and job is not None and window.runner.is_running(job)
    qtbot.waitUntil(lambda: any(p.name == "semvec-child" for p in multiprocessing.active_children()), timeout=MS)  # away from the GUI's GIL
    window.views.setCurrentIndex(DATA_TAB)
    view = window.data_view
    assert view.model.rowCount() == ws.row_count < 40_000 and "importing big.csv:" in view.counts.text()
    new_label(qtbot, window, monkeypatch, "mine")
    click_row(qtbot, view.table, 2)
    qtbot.keyClick(view.table, Qt.Key.Key_0 + ws.label("mine").key)  # committed while the rest comes
    assert ws.row(2).label == "mine" and labels_shown(window, [2]) == ["mine"] and view.current_row() == 3
    assert window.runner.is_running(job)
    with qtbot.waitSignal(window.runner.finished, timeout=MS, check_params_cb=lambda j, _r: j == job):
        pass
    assert ws.row_count == 40_000 and view.model.rowCount() == 40_000 and view.current_row() == 3
    assert ws.row(2).label == "mine" and ws.row(39_999).text == "row number 39999 of a long file"
    assert ws.label_counts()["mine"] == 1 and ws.pending_import() is None
    assert view.counts.text().startswith("40,000 rows · 0 unlabelled") and "importing" not in view.counts.text()
    panel = view.labels_panel  # its counts take in the labels of the rows that came after it was shown
    shown = {panel.table.item(i, 1).text(): panel.table.item(i, 2).text() for i in range(panel.table.rowCount())}
    assert shown == {"a": "13,334", "b": "13,333", "c": "13,332", "mine": "1"}  # row 2 was a "c"
    assert "40,000 of 40,000 rows labelled" in panel.title.text()
    assert window.session.index_job is not None  # the word index comes after the rows


def test_cancelling_while_the_rest_of_the_rows_comes_leaves_no_file(qtbot, make_window, tiny_bert, tmp_path, staged_small):
    window = make_window(tiny_bert)
    ws = make_workspace(qtbot, window, [big_csv(tmp_path)], tmp_path / "big.semvec")
    ws.set_label([1], "mine")
    job = window.session.import_job
    qtbot.waitUntil(lambda: window.status_area.job_id == job, timeout=MS)  # the status bar shows the import, with Cancel
    with qtbot.waitSignal(window.runner.cancelled, timeout=MS, check_params_cb=lambda j: j == job):
        qtbot.mouseClick(window.status_area.cancel, Qt.MouseButton.LeftButton)
    assert window.session.ws is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv", "settings"]  # no workspace, no partial file


def test_an_interrupted_import_is_completed_when_the_workspace_opens(qtbot, make_window, tiny_bert, tmp_path, staged_small):
    from semvec_studio.core.workspace.importing import ImportOptions

    with staged_small.begin_workspace(tmp_path / "cut.semvec", [big_csv(tmp_path)], ImportOptions(label_column="label")) as ws:
        ws.set_label([7], "mine")  # then the app was killed: the rest never came
    window = make_window(tiny_bert)
    messages = []
    window.notifier.message.connect(messages.append)
    assert window.session.open(tmp_path / "cut.semvec", chosen=True)
    job = window.session.import_job
    assert job is not None and any("its import did not finish (4,096 rows so far); adding the rest now" in m for m in messages)
    with qtbot.waitSignal(window.runner.finished, timeout=MS, check_params_cb=lambda j, _r: j == job):
        pass
    ws = window.session.ws
    assert ws.row_count == 40_000 and ws.row(7).label == "mine" and window.data_view.model.rowCount() == 40_000
    assert ws.import_line() is None and "Made cut.semvec: 40,000 rows" in messages[-1]


def test_a_malformed_row_after_the_first_rows_is_one_line_and_the_rows_before_it_stay(qtbot, make_window, tiny_bert, tmp_path,
                                                                                      staged_small):
    path = big_csv(tmp_path)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('40000,"a quote left open\n')
    window = make_window(tiny_bert)
    messages = []
    window.notifier.message.connect(messages.append)
    ws = make_workspace(qtbot, window, [path], tmp_path / "big.semvec", "label")
    job = window.session.import_job
    with qtbot.waitSignal(window.runner.failed, timeout=MS, check_params_cb=lambda j, *_: j == job):
        pass
    assert str(path) in messages[-1] and "line 40002" in messages[-1] and "\n" not in messages[-1]
    assert window.session.ws is ws and 4096 <= ws.row_count <= 40_000 and window.data_view.model.rowCount() == ws.row_count
    assert "holds only the first" in ws.import_line()
    assert "only the first" in window.data_view.counts.text()

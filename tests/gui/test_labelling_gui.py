"""The labelling loop in the app (pytest-qt, offscreen, a tiny random BERT, the sample reviews CSV):
lasso a region of the map and label it, suggestions retrain and colour the map and the Data view,
the review queue stepped through with the keyboard and undone, the label set's buttons, "more like
this", labelling the rows a search shows, and Enter accepting a suggestion (never over a given label)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QColorDialog, QInputDialog, QMessageBox

from semvec_studio.core.resources import demo_corpus_path
from tests.gui.conftest import EMBED_MS
from tests.gui.test_projection import drag, fast_mouse  # noqa: F401 - fast_mouse is a fixture
from tests.gui.test_workspace_gui import click_row, make_workspace


@pytest.fixture
def reviews() -> Path:
    return demo_corpus_path().with_name("reviews.csv")

MS = 60_000


def open_reviews(qtbot, window, csv, target, level: str = "sentence"):
    window.controls.set_level(level)
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        ws = make_workspace(qtbot, window, [csv], target.with_suffix(".semvec"))
    window.activateWindow()  # (offscreen Qt leaves the closed New workspace dialog as the active window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=MS)
    return ws


def lasso_and_label(qtbot, window, monkeypatch, points: list[QPoint], name: str) -> np.ndarray:
    """Draw a lasso on the map, press Label… and type ``name``: returns the workspace rows labelled."""
    panel = window.map_panel
    sc = panel.scatter
    panel.toolbar.modes.button(1).click()  # Lasso
    with qtbot.waitSignal(sc.selectionChanged, timeout=MS):
        drag(sc.graphics.viewport(), points)
    assert len(sc.selection) >= 3
    rows = window.bridge.rows[sc.selection]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (name, True))
    qtbot.mouseClick(panel.selection_box.label, Qt.MouseButton.LeftButton)
    return rows


def side_loop(scatter, left: bool) -> list[QPoint]:
    """A lasso around the left (or right) third of the plot's view box, in viewport pixels."""
    box = scatter.graphics.mapFromScene(scatter.vb.sceneBoundingRect()).boundingRect().adjusted(4, 4, -4, -4)
    third = box.width() // 3
    x0, x1 = (box.left(), box.left() + third) if left else (box.right() - third, box.right())
    corners = [(x0, box.top()), (x1, box.top()), (x1, box.bottom()), (x0, box.bottom()), (x0, box.top() + 1)]
    points = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:]):
        points += [QPoint(int(ax + (bx - ax) * t), int(ay + (by - ay) * t)) for t in np.linspace(0, 1, 10, endpoint=False)]
    return points + [QPoint(*map(int, corners[-1]))]


def suggest_now(qtbot, window) -> None:
    controller = window.suggestions
    with qtbot.waitSignal(controller.updated, timeout=MS):
        qtbot.mouseClick(window.data_view.labels_panel.suggest_button, Qt.MouseButton.LeftButton)


@pytest.mark.timeout(600)
def test_lasso_label_suggest_colour_review_with_the_keyboard_and_undo(
        qtbot, make_window, tiny_bert, reviews, tmp_path, monkeypatch, fast_mouse):  # noqa: F811
    from semvec_studio.gui.main_window import DATA_TAB, MAP_TAB

    window = make_window(tiny_bert)
    ws = open_reviews(qtbot, window, reviews, tmp_path / "loop")
    window.views.setCurrentIndex(MAP_TAB)
    panel = window.map_panel
    qtbot.waitUntil(lambda: panel.map is not None and panel.map.level == "sentence", timeout=MS)
    qtbot.waitExposed(panel)
    left = lasso_and_label(qtbot, window, monkeypatch, side_loop(panel.scatter, True), "left")
    right = lasso_and_label(qtbot, window, monkeypatch, side_loop(panel.scatter, False), "right")
    assert {r.label_source for r in ws.read_rows(left)} == {"bulk"}
    ids, _ = ws.label_array()
    assert (ids >= 0).sum() == len(np.union1d(left, right))
    # the map shows the workspace's label colours, unlabelled grey
    colours = {lb.name: lb.colour for lb in ws.labels()}
    cats = panel.scatter.categories
    assert cats.colors[cats.names.index("left")] == colours["left"]

    window.views.setCurrentIndex(DATA_TAB)
    suggest_now(qtbot, window)
    s = window.suggestions.suggestions
    assert s.ready and s.labelled == (ids >= 0).sum()
    unlabelled = np.flatnonzero(ids < 0)
    assert len(unlabelled) == 0 or (s.predicted[unlabelled] >= 0).all()
    assert [r.label for r in ws.read_rows(left)] == ["left"] * len(left)  # never overwritten
    view = window.data_view
    assert view.model.headerData(3, Qt.Orientation.Horizontal) == "Suggested"
    assert "suggests" in view.labels_panel.suggest_status.text()
    # the map can be coloured by the suggested labels (opacity: confidence)
    window.views.setCurrentIndex(MAP_TAB)
    assert panel.toolbar.color.findData("suggested") >= 0
    panel.toolbar.color.setCurrentIndex(panel.toolbar.color.findData("suggested"))
    names = panel.scatter.categories.names
    assert "left" in names and "right" in names

    # the review: the most uncertain rows, stepped through with the keyboard
    window.views.setCurrentIndex(DATA_TAB)
    qtbot.mouseClick(view.labels_panel.review_button, Qt.MouseButton.LeftButton)
    review = window.suggestions.review
    review.kind.setCurrentIndex(review.kind.findData("margin"))
    qtbot.mouseClick(review.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review.queue is not None, timeout=MS)
    queue = review.queue
    if len(unlabelled) < 3:
        pytest.fail("the lasso labelled nearly every row; the queue needs unlabelled rows")
    assert len(queue) and set(queue.rows.tolist()) <= set(unlabelled.tolist())
    margins = s.margin[queue.rows]
    assert np.all(np.diff(margins) >= -1e-6)  # most uncertain first
    first, second, third = (int(r) for r in queue.rows[:3])
    review.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is review, timeout=MS)
    suggested = review.suggestion()[0]
    qtbot.keyClick(review, Qt.Key.Key_Return)  # accept
    assert (ws.row(first).label, ws.row(first).label_source) == (suggested, "suggestion")
    key_of_right = next(lb.key for lb in ws.labels() if lb.name == "right")
    qtbot.keyClick(review, Qt.Key.Key_0 + key_of_right)  # another label
    assert (ws.row(second).label, ws.row(second).label_source) == ("right", "typed")
    qtbot.keyClick(review, Qt.Key.Key_Space)  # skip
    assert ws.row(third).label is None and review.current_row() == int(queue.rows[3])
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # back over the skip
    assert review.current_row() == third
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the label
    assert ws.row(second).label is None and review.current_row() == second
    assert ws.row(first).label == suggested
    assert max(review.step_ms) < 1000  # (the 50 ms figure is measured in tests/benchmarks)
    review.close()


def test_label_set_buttons_rename_merge_delete_recolour_rekey_and_undo(qtbot, make_window, tiny_bert, reviews, tmp_path, monkeypatch):
    window = make_window(tiny_bert)
    ws = open_reviews(qtbot, window, reviews, tmp_path / "set")
    panel = window.data_view.labels_panel
    for name in ("good", "bad", "meh"):
        monkeypatch.setattr(QInputDialog, "getText", lambda *a, n=name, **k: (n, True))
        qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert [lb.name for lb in ws.labels()] == ["good", "bad", "meh"]
    ws.set_label([0, 1, 2], "good")
    ws.set_label([3, 4], "meh")
    panel.refresh()
    assert panel.table.item(0, 2).text() == "3" and panel.table.item(2, 2).text() == "2"
    assert "5 of 280 rows labelled" in panel.title.text()

    panel.select("good")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("great", True))
    qtbot.mouseClick(panel.rename_button, Qt.MouseButton.LeftButton)
    assert ws.row(0).label == "great" and window.data_view.label_filter.findData("great") >= 0

    panel.select("meh")
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("great", True))
    qtbot.mouseClick(panel.merge_button, Qt.MouseButton.LeftButton)
    assert [lb.name for lb in ws.labels()] == ["great", "bad"] and ws.row(3).label == "great"
    assert panel.table.item(0, 2).text() == "5"

    panel.select("bad")
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: __import__("PySide6.QtGui").QtGui.QColor("#123456"))
    qtbot.mouseClick(panel.colour_button, Qt.MouseButton.LeftButton)
    assert ws.label("bad").colour == "#123456"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("1", True))
    qtbot.mouseClick(panel.key_button, Qt.MouseButton.LeftButton)  # key 1 moves from great to bad (and bad's key to great)
    assert ws.label("bad").key == 1 and ws.label("great").key == 2

    panel.select("great")
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert [lb.name for lb in ws.labels()] == ["bad"] and ws.row(0).label is None
    window.data_view.table.setFocus()
    qtbot.keyClick(window.data_view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the delete is undone
    assert [lb.name for lb in ws.labels()] == ["great", "bad"] and ws.row(0).label == "great"
    assert panel.table.rowCount() == 2

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("bad", True))  # a name taken: a message, no change
    panel.select("great")
    qtbot.mouseClick(panel.rename_button, Qt.MouseButton.LeftButton)
    assert "exists already" in panel.message.text().replace("\u200b", "") and ws.row(0).label == "great"


def test_more_like_this_labels_the_checked_rows_and_label_shown_labels_a_search(
        qtbot, make_window, tiny_bert, reviews, tmp_path, monkeypatch):
    window = make_window(tiny_bert)
    ws = open_reviews(qtbot, window, reviews, tmp_path / "more")
    view, panel = window.data_view, window.data_view.labels_panel
    ws.add_label("seed")
    ws.add_label("other")
    ws.set_label([0, 1, 2], "seed")
    ws.set_label([5, 6], "other")
    view.edited_elsewhere(None)
    panel.select("seed")
    qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
    dialog = window.suggestions.more
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=MS)
    n = dialog.table.rowCount()
    assert n == min(50, 275)
    scores = [float(dialog.table.item(i, 1).text()) for i in range(n)]
    assert scores == sorted(scores, reverse=True)
    shown = [int(dialog.table.item(i, 0).text()) for i in range(n)]
    assert not set(shown) & {0, 1, 2, 5, 6}  # unlabelled rows only
    dialog.table.item(1, 0).setCheckState(Qt.CheckState.Unchecked)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    labelled = [r for i, r in enumerate(shown) if i != 1]
    assert [(r.label, r.label_source) for r in ws.read_rows(labelled)] == [("seed", "bulk")] * len(labelled)
    assert ws.row(shown[1]).label is None
    assert panel.table.item(0, 2).text() == str(3 + len(labelled))
    dialog.close()

    # a search, then Label shown…
    qtbot.keyClicks(view.search, "boring")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    hits = view.model.view.rows_at(0, len(view.model.view))
    assert len(hits)
    panel.select("other")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(panel.label_shown_button, Qt.MouseButton.LeftButton)
    assert {r.label for r in ws.read_rows(hits)} == {"other"}
    window.activateWindow()  # (offscreen Qt leaves the closed dialog as the active window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=MS)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "other" not in {r.label for r in ws.read_rows(hits) if r.row not in (5, 6)}


def labelled_with_suggestions(qtbot, window, reviews, target):
    """The sample reviews in a workspace, rows 0-7 labelled a and b in turn, suggestions made."""
    ws = open_reviews(qtbot, window, reviews, target)
    ws.set_label([0, 2, 4, 6], "a")
    ws.set_label([1, 3, 5, 7], "b")
    window.data_view.edited_elsewhere(None)
    suggest_now(qtbot, window)
    return ws


def test_enter_accepts_a_suggestion_and_never_overwrites_a_given_label(qtbot, make_window, tiny_bert, reviews, tmp_path):
    window = make_window(tiny_bert)
    ws = labelled_with_suggestions(qtbot, window, reviews, tmp_path / "enter")
    view = window.data_view
    s = window.suggestions.suggestions
    click_row(qtbot, view.table, 8)
    expected = view.model.index(8, 3).data()
    assert expected in ("a", "b") and s.predicted[view.model.view.row_at(8)] >= 0
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    row = view.model.view.row_at(8)
    assert (ws.row(row).label, ws.row(row).label_source) == (expected, "suggestion")
    assert view.current_row() == view.model.view.row_at(9)  # moved on
    click_row(qtbot, view.table, 0)  # a labelled row: Enter changes nothing
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert ws.row(0).label == "a" and ws.row(0).label_source == "typed"
    assert "No suggestion to accept" in view.message.text().replace("\u200b", "")
    assert window.suggestions.accept(np.arange(8)) == 0  # given labels are never overwritten


def test_number_keys_label_the_text_shown_in_the_token_and_texts_views(qtbot, make_window, tiny_bert, reviews, tmp_path):
    from semvec_studio.gui.main_window import SENTENCES_TAB, TOKENS_TAB

    window = make_window(tiny_bert)
    ws = open_reviews(qtbot, window, reviews, tmp_path / "views", level="token")
    ws.add_label("liked")
    ws.add_label("disliked")
    window.views.setCurrentIndex(TOKENS_TAB)
    tokens = window.token_view
    qtbot.waitUntil(lambda: tokens.rows is not None, timeout=MS)
    tokens.tree.setFocus()
    qtbot.keyClick(tokens.tree, Qt.Key.Key_2)
    row = int(window.bridge.rows[tokens.rows.text_id])
    assert (ws.row(row).label, ws.row(row).label_source) == ("disliked", "typed")
    assert "disliked" in window.data_view.labels_panel.table.item(1, 1).text()
    assert window.data_view.labels_panel.table.item(1, 2).text() == "1"

    window.views.setCurrentIndex(SENTENCES_TAB)
    texts = window.sentence_view
    qtbot.waitUntil(lambda: texts.table_model.rowCount() > 5, timeout=MS)
    texts.select_row(5)
    texts.table.setFocus()
    qtbot.keyClick(texts.table, Qt.Key.Key_1)
    chosen = texts.selected_row()
    assert ws.row(int(window.bridge.rows[chosen])).label == "liked"
    assert ws.row(int(window.bridge.rows[chosen])).text == window.texts[chosen]


def test_a_trained_runs_predictions_become_the_suggestions(qtbot, make_window, tiny_bert, reviews, tmp_path):
    import json

    from semvec_studio.cli import main
    from semvec_studio.core.workspace.training import write_labelled
    from semvec_studio.gui.main_window import TRAIN_TAB

    window = make_window(tiny_bert)
    ws = open_reviews(qtbot, window, reviews, tmp_path / "handoff")
    ws.set_labels(list(range(40)), ["up" if i % 2 else "down" for i in range(40)], "typed")
    window.data_view.edited_elsewhere(None)
    path, _ = write_labelled(ws)  # what the Train tab's "Workspace labels" trains on
    run = tmp_path / "run"
    assert main(["train", "--csv", str(path), "-o", str(run), "--model", str(tiny_bert), "--max-steps", "2",
                 "--batch-size", "8", "--val-split", "0.2", "--quiet"]) == 0
    window.views.setCurrentIndex(TRAIN_TAB)
    report = window.training_panel.report
    report.show_metrics(json.loads((run / "metrics.json").read_text()), str(run), "finetune")  # as when the run ends
    with qtbot.waitSignal(window.suggestions.updated, timeout=MS):
        qtbot.mouseClick(report.suggest_button, Qt.MouseButton.LeftButton)
    fitted = window.suggestions.fitted
    assert fitted.source == str(run) and fitted.suggestions.ready
    assert (fitted.suggestions.predicted[40:] >= 0).all()  # every unlabelled row has the trained model's suggestion
    assert "trained model" in window.data_view.labels_panel.suggest_status.text()
    for _ in range(6):  # edits do not replace a trained model's suggestions with the fast model's
        ws.set_label([100], "up")
        window.data_view.edited_elsewhere(None)
    assert window.suggestions.job is None and window.suggestions.fitted.source == str(run)


@pytest.mark.timeout(600)
def test_the_reviews_undo_never_undoes_an_edit_made_in_the_data_view(qtbot, make_window, tiny_bert, reviews, tmp_path):
    """Ctrl+Z in the review undoes its own step only: after a label typed in the Data view, it says
    so and changes nothing; once that edit is undone there, the review's step is undone."""
    window = make_window(tiny_bert)
    ws = labelled_with_suggestions(qtbot, window, reviews, tmp_path / "undo")
    view = window.data_view
    qtbot.mouseClick(view.labels_panel.review_button, Qt.MouseButton.LeftButton)
    review = window.suggestions.review
    review.kind.setCurrentIndex(review.kind.findData("margin"))
    qtbot.mouseClick(review.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review.queue is not None, timeout=MS)
    first = review.current_row()
    review.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is review, timeout=MS)
    qtbot.keyClick(review, Qt.Key.Key_Return)  # the review labels its first row
    accepted = ws.row(first).label
    assert accepted is not None
    other = next(p for p in range(view.model.rowCount()) if view.model.view.row_at(p) not in (first, review.current_row())
                 and ws.row(view.model.view.row_at(p)).label is None)
    row = view.model.view.row_at(other)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=MS)
    click_row(qtbot, view.table, other)
    qtbot.keyClick(view.table, Qt.Key.Key_1)  # meanwhile, a label typed in the Data view
    assert ws.row(row).label_source == "typed"
    review.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is review, timeout=MS)
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ws.row(row).label is not None and ws.row(first).label == accepted  # neither undone
    assert "not undone" in review.message.text().replace("\u200b", "")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=MS)
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the Data view's edit, undone there
    assert ws.row(row).label is None
    review.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is review, timeout=MS)
    qtbot.keyClick(review, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # now the review's own step
    assert ws.row(first).label is None and review.current_row() == first
    review.close()


def test_more_like_this_on_a_large_set_says_it_asked_the_index(qtbot, make_window, tiny_bert, reviews, tmp_path, monkeypatch):
    pytest.importorskip("faiss", reason="the 'ann' extra")
    from semvec_studio.core.projection import index as ann  # noqa: PLC0415 - beside the test that needs faiss

    monkeypatch.setattr(ann, "ANN_MIN_ROWS", 100)  # the 280 reviews count as a large set: their vectors get an index
    window = make_window(tiny_bert)
    ws = open_reviews(qtbot, window, reviews, tmp_path / "indexed")
    ws.add_label("seed")
    ws.set_label([0, 1, 2], "seed")
    window.data_view.edited_elsewhere(None)
    panel = window.data_view.labels_panel
    panel.select("seed")
    qtbot.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
    dialog = window.suggestions.more
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=MS)
    assert "Candidates from the index: approximate (faiss IVF" in dialog.summary.text()
    shown = [int(dialog.table.item(i, 0).text()) for i in range(dialog.table.rowCount())]
    assert len(shown) == 50 and not set(shown) & {0, 1, 2}
    dialog.grab().save(str(tmp_path / "more_like_index.png"))
    dialog.close()

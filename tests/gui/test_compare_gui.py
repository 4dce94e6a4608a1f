"""The Compare view and the Layer lab, acting as the user (pytest-qt, offscreen, real mouse and
keys) on a tiny BERT and the demo corpus: two layers compared, linked maps (a click or a hover in
one shows in the other, a search marks both), the "most changed" table sorted by overlap as the
core computes it, a row's neighbour lists with what entered and what left, k measured again,
cancel (of a queued and of a running job), a static word-vector file as side B (the words it lacks
left out of both sides and named in the view; a damaged file, the texts level and a missing gensim
as one line), the layer lab's one row per layer and its exports, and bad input as one line in the
view."""

from __future__ import annotations

import csv
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog

from semvec_studio.core.compare.cka import linear_cka
from semvec_studio.core.compare.overlap import knn_overlap
from semvec_studio.core.compare.pair import SpaceSpec
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import load_model
from semvec_studio.gui.panels import compare_view
from semvec_studio.gui.panels.compare_neighbours import ENTERED, KEPT, LEFT
from semvec_studio.gui.panels.compare_view import CompareView
from semvec_studio.gui.panels.layer_lab import TABLE_HEADERS, LayerLabView
from semvec_studio.gui.runner import Runner

ROOT = Path(__file__).resolve().parents[2]
CORPUS = (ROOT / "resources" / "demo" / "corpus.txt").read_text(encoding="utf-8").splitlines()
MS = 60_000
PROBE_TEXTS = [
    "She deposited the cheque at the bank before noon.",
    "We had a picnic on the grassy bank of the river.",
    "The bank raised its interest rates again this year.",
    "Fishermen lined the muddy river bank at dawn.",
    "Investors moved their money to another bank.",
    "The river flooded the fields after the storm.",
    "Stock markets fell sharply after the announcement.",
    "A boat drifted slowly down the river.",
]
PROBE_LABELS = ["finance", "nature", "finance", "nature", "finance", "nature", "finance", "nature"]
MEN_PAIRS = "bank money 8.0\nriver bank 6.5\ncat dog 7.0\napple orange 6.0\nking queen 8.5\nbook paper 5.0\n"


@pytest.fixture(scope="module")
def lm(tiny_bert):
    return load_model(tiny_bert, device="cpu")


@pytest.fixture
def fast_mouse():
    """pyqtgraph drops mouse moves closer than 10 ms apart; synthetic events come faster."""
    old = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    yield
    pg.setConfigOption("mouseRateLimit", old)


@pytest.fixture
def runner():
    r = Runner()
    yield r
    r.shutdown()


@pytest.fixture
def view(qtbot, runner, lm):
    v = CompareView(runner)
    qtbot.addWidget(v)
    v.resize(1300, 860)
    v.set_model(lm)
    v.set_texts(CORPUS)
    v.show()
    qtbot.waitExposed(v)
    return v


@pytest.fixture
def lab(qtbot, runner, lm):
    v = LayerLabView(runner)
    qtbot.addWidget(v)
    v.resize(1100, 760)
    v.set_model(lm)
    v.show()
    qtbot.waitExposed(v)
    return v


def choose_layers(view, a: str, b: str) -> None:
    for side, text in ((view.side_a, a), (view.side_b, b)):
        index = side.layer.findText(text)
        assert index >= 0, f"no layer entry {text!r}"
        side.layer.setCurrentIndex(index)


def compare(qtbot, view):
    with qtbot.waitSignal(view.compared, timeout=MS):
        qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    return view.result


def isolated_point(scatter, min_px: float = 14.0) -> int:
    """A point with no other point within ``min_px`` pixels (so the pointer picks it)."""
    pos = np.array([[scatter.view_pos_of(i).x(), scatter.view_pos_of(i).y()] for i in range(len(scatter))], dtype=float)
    d = np.linalg.norm(pos[:, None] - pos[None], axis=2)
    np.fill_diagonal(d, np.inf)
    w, h = scatter.graphics.width(), scatter.graphics.height()
    inside = (pos[:, 0] > 20) & (pos[:, 1] > 20) & (pos[:, 0] < w - 20) & (pos[:, 1] < h - 20)
    ok = np.flatnonzero((d.min(axis=1) > min_px) & inside)
    assert len(ok), "no isolated point on the map"
    return int(ok[0])


def click_table_line(qtbot, table, line: int, column: int = 1) -> None:
    index = table.model().index(line, column)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def click_header(qtbot, table, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def core_spaces(lm, layers_a: int, layers_b: int):
    sets = [extract(lm, CORPUS, ExtractOptions(levels=("word",), layers=(layer,)))["word"] for layer in (layers_a, layers_b)]
    return sets[0].vectors, sets[1].vectors


# --- the compare view -------------------------------------------------------------------------------


def test_two_layers_give_the_cores_overlap_and_cka_and_most_changed_is_sorted(qtbot, view, lm):
    choose_layers(view, "layer 0 (embeddings)", "last layer (2)")
    result = compare(qtbot, view)
    a, b = core_spaces(lm, 0, 2)
    reference = knn_overlap(a, b, 10)
    assert len(result) == len(a) == len(view.map_a) == len(view.map_b)
    np.testing.assert_allclose(result.overlap.overlap, reference.overlap)
    assert result.cka == pytest.approx(linear_cka(a, b), abs=1e-6)
    assert f"{result.cka:.3f}" in view.summary.text()
    assert result.names == ("layer 0 (embeddings)", "last layer (2)")
    assert "layer 0" in view.title_a.text() and "last layer" in view.title_b.text()

    table = view.most_changed
    shown = table.shown_overlaps()
    assert shown == sorted(shown)  # ascending by overlap
    lowest = reference.overlap.min()
    assert shown[0] == pytest.approx(lowest) and lowest < 1.0
    first = table.shown_rows()[:5]
    assert first == reference.most_changed(5).tolist()  # the lowest overlaps really come first (ties: lower row)
    assert table.table.model().index(0, 1).data() == view.labels[first[0]]

    click_header(qtbot, table.table, 0)  # the overlap column again: descending
    assert table.shown_overlaps() == sorted(shown, reverse=True)
    click_header(qtbot, table.table, 0)
    assert table.shown_overlaps() == shown

    assert view.heatmap.image_shape() == (lm.num_layers + 1, lm.num_layers + 1)
    np.testing.assert_allclose(np.diag(result.layer_cka), 1.0, atol=1e-6)


def test_a_click_in_map_a_selects_the_row_in_map_b_and_a_hover_marks_it(qtbot, view, fast_mouse):
    choose_layers(view, "layer 1", "last layer (2)")
    result = compare(qtbot, view)
    i = isolated_point(view.map_a)
    with qtbot.waitSignal(view.rowSelected, timeout=MS, check_params_cb=lambda row: row == i):
        qtbot.mouseClick(view.map_a.graphics.viewport(), Qt.MouseButton.LeftButton, pos=view.map_a.view_pos_of(i))
    assert list(view.map_a.selection) == [i] and list(view.map_b.selection) == [i]
    assert view.map_a.marks["neighbours"].tolist() == result.overlap.before[i].tolist()
    assert view.map_b.marks["neighbours"].tolist() == result.overlap.after[i].tolist()
    assert view.most_changed.current_row() == i  # the table follows

    j = isolated_point(view.map_b)
    with qtbot.waitSignal(view.map_b.hovered, timeout=MS, check_params_cb=lambda row: row == j):
        qtbot.mouseMove(view.map_b.graphics.viewport(), view.map_b.view_pos_of(j))
    assert view.map_a.marks["current"].tolist() == [j]  # hovering B marks the same row in A
    with qtbot.waitSignal(view.map_b.hovered, timeout=MS, check_params_cb=lambda row: row == -1):
        qtbot.mouseMove(view.map_b.graphics.viewport(), QPoint(2, 2))
    assert view.map_a.marks["current"].tolist() == []

    with qtbot.waitSignal(view.rowSelected, timeout=MS, check_params_cb=lambda row: row == j):
        qtbot.mouseClick(view.map_b.graphics.viewport(), Qt.MouseButton.LeftButton, pos=view.map_b.view_pos_of(j))
    assert list(view.map_a.selection) == [j]  # and the other way round


def test_search_marks_the_matches_in_both_maps(qtbot, view):
    compare(qtbot, view)
    with qtbot.waitSignal(view.searched, timeout=MS):
        qtbot.keyClicks(view.search_edit, "bank")
    expected = [i for i, w in enumerate(view.labels) if "bank" in w.lower()]
    assert expected and view.search_hits.tolist() == expected
    assert view.map_a.marks["search"].tolist() == expected == view.map_b.marks["search"].tolist()


def test_the_neighbour_lists_show_what_entered_and_what_left(qtbot, view):
    choose_layers(view, "layer 0 (embeddings)", "last layer (2)")
    result = compare(qtbot, view)
    row = view.most_changed.shown_rows()[0]
    change = result.overlap.change(row)
    assert change.entered and change.left
    with qtbot.waitSignal(view.rowSelected, timeout=MS, check_params_cb=lambda r: r == row):
        click_table_line(qtbot, view.most_changed.table, 0)
    a, b = view.neighbours.items("a"), view.neighbours.items("b")
    assert [r for r, _ in a] == [r for r, _ in change.before] and [r for r, _ in b] == [r for r, _ in change.after]
    assert [r for r, s in a if s == LEFT] == change.left and all(s in (LEFT, KEPT) for _, s in a)
    assert [r for r, s in b if s == ENTERED] == change.entered and all(s in (ENTERED, KEPT) for _, s in b)
    assert view.neighbours.list_a.item(0).text().startswith(("− ", "  "))
    assert any(view.neighbours.list_b.item(k).text().startswith("+ ") for k in range(view.neighbours.list_b.count()))
    assert list(view.map_b.selection) == [row]
    assert f"overlap <b>{change.overlap:.2f}</b>" in view.neighbours.title.text()

    neighbour = change.entered[0]  # a neighbour activated (click, Enter): it becomes the selected row
    lst = view.neighbours.list_b
    item = next(lst.item(k) for k in range(lst.count()) if view.neighbours.items("b")[k][0] == neighbour)
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=lst.visualItemRect(item).center())
    with qtbot.waitSignal(view.rowSelected, timeout=5_000, check_params_cb=lambda r: r == neighbour):
        qtbot.keyClick(lst, Qt.Key.Key_Return)
    assert view.current == neighbour and list(view.map_a.selection) == [neighbour]


def test_changing_k_measures_the_overlap_again(qtbot, view, lm):
    choose_layers(view, "layer 0 (embeddings)", "last layer (2)")
    compare(qtbot, view)
    view.k.setFocus()
    view.k.selectAll()
    with qtbot.waitSignal(view.compared, timeout=MS):
        qtbot.keyClicks(view.k, "5")
    a, b = core_spaces(lm, 0, 2)
    assert view.result.overlap.k == 5
    np.testing.assert_allclose(view.result.overlap.overlap, knn_overlap(a, b, 5).overlap)
    assert "k = 5" in view.summary.text()
    assert view.most_changed.shown_overlaps() == sorted(view.result.overlap.overlap.tolist())


def test_texts_level_and_a_comparison_asked_for_in_code(qtbot, view):
    view.level.setCurrentIndex(view.level.findData("sentence"))
    with qtbot.waitSignal(view.compared, timeout=MS):
        job = view.compare(SpaceSpec((-2, -1)), SpaceSpec((0,)))
    assert isinstance(job, int)
    assert len(view.result) == len(CORPUS) and view.result.a.level == "sentence"
    assert view.side_a.layer.currentText() == "mean of last 2"  # the controls show what was compared
    assert view.result.names[0] == "mean of layers 1–2"


def test_word_pieces_level_compares_every_piece(qtbot, view, lm):
    view.level.setCurrentIndex(view.level.findData("token"))
    choose_layers(view, "layer 0 (embeddings)", "last layer (2)")
    result = compare(qtbot, view)
    a, b = (extract(lm, CORPUS, ExtractOptions(levels=("token",), layers=(layer,)))["token"] for layer in (0, 2))
    assert result.a.level == "token" and len(result) == len(a) == len(view.map_a)
    np.testing.assert_allclose(result.overlap.overlap, knn_overlap(a.vectors, b.vectors, 10).overlap)
    assert view.labels == [str(t) for t in a.metadata["token"]]
    assert "pieces" in view.summary.text()


def test_cancel_a_queued_comparison(qtbot, view, runner):
    gate = threading.Event()
    runner.submit(lambda ctx=None: gate.wait(20), name="blocker", group="blocker")
    qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    assert view.running() and view.cancel_button.isEnabled() and not view.compare_button.isEnabled()
    with qtbot.assertNotEmitted(view.compared), qtbot.waitSignal(view.cancelled, timeout=MS):
        qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
        gate.set()
    assert view.result is None and not view.running()
    assert view.compare_button.isEnabled() and not view.cancel_button.isEnabled()
    assert "cancelled" in view.message.message()


def test_cancel_a_running_comparison(qtbot, view, runner, monkeypatch):
    stopped = threading.Event()

    def endless(params, texts, ctx=None, *, lm=None):
        try:
            while True:
                ctx.report(0, None, "waiting to be cancelled")
                ctx.check_cancelled()
                time.sleep(0.01)
        finally:
            stopped.set()

    monkeypatch.setattr(compare_view, "run_pair", endless)
    with qtbot.waitSignal(runner.progress, timeout=MS):
        qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.progress_label.text() == "waiting to be cancelled", timeout=MS)
    with qtbot.waitSignal(view.cancelled, timeout=MS):
        qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    assert stopped.is_set() and not view.running() and view.progress_label.text() == "Cancelled."


def test_problems_are_one_line_in_the_view(qtbot, view, tmp_path):
    view.set_texts([])
    with qtbot.waitSignal(view.failed, timeout=MS):
        qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    assert "No texts" in view.message.message() and not view.running()
    view.set_texts(CORPUS)
    choose_layers(view, "layer 1", "layer 1")
    with qtbot.waitSignal(view.failed, timeout=MS):
        qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    assert "same layers" in view.message.message()
    missing = tmp_path / "no-such-model"
    view.side_b.model.setText(str(missing))
    with qtbot.waitSignal(view.failed, timeout=MS):
        qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    assert "no-such-model" in view.message.message() and "\n" not in view.message.message()


# --- a static word-vector file as one side ----------------------------------------------------------------

LEFT_OUT_WORD = "river"  # in 4 of PROBE_TEXTS, not in the static file


@pytest.fixture
def static_file(lm, tmp_path):
    """A word2vec text file with a random vector for each word of PROBE_TEXTS but LEFT_OUT_WORD;
    returns its path and the vectors as read back (by word)."""
    pytest.importorskip("gensim")
    words = [w for w in dict.fromkeys(word_rows(lm).metadata["word"]) if w != LEFT_OUT_WORD]
    rng = np.random.default_rng(1)
    lines = [f"{len(words)} 6"] + [w + " " + " ".join(f"{x:.5f}" for x in rng.normal(size=6)) for w in words]
    path = tmp_path / "vecs.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, {line.split()[0]: np.array(line.split()[1:], dtype=np.float32) for line in lines[1:]}


def word_rows(lm, layer: int = -1):
    return extract(lm, PROBE_TEXTS, ExtractOptions(levels=("word",), layers=(layer,)))["word"]


@pytest.fixture
def static_view(view):
    """The compare view on PROBE_TEXTS with side B a static file (chosen in its kind box)."""
    view.set_texts(PROBE_TEXTS)
    choose_layers(view, "last layer (2)", "last layer (2)")
    view.side_b.kind.setCurrentIndex(view.side_b.kind.findText("static file"))
    return view


def click_compare_expecting_failure(qtbot, view) -> str:
    with qtbot.waitSignal(view.failed, timeout=MS):
        qtbot.mouseClick(view.compare_button, Qt.MouseButton.LeftButton)
    text = view.message.message()
    assert "\n" not in text and view.message.kind == "error" and not view.running() and view.compare_button.isEnabled()
    return text


def test_a_static_file_side_leaves_out_its_missing_words_on_both_sides(qtbot, static_view, lm, static_file, monkeypatch):
    view, (path, table) = static_view, static_file
    side = view.side_b
    assert side.static.isVisible() and side.limit.isVisible() and not side.layer.isVisible() and not side.model.isVisible()
    assert side.limit.value() == 200_000 and view.side_a.layer.isVisible()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    qtbot.mouseClick(side.browse, Qt.MouseButton.LeftButton)  # the "…" button chooses a file for a static side
    assert side.static.text() == str(path)
    result = compare(qtbot, view)

    full = word_rows(lm)
    words = list(full.metadata["word"])
    keep = [i for i, w in enumerate(words) if w != LEFT_OUT_WORD]
    assert len(keep) == len(words) - 4
    a, b = full.vectors[keep], np.stack([table[words[i]] for i in keep])
    assert list(result.a.metadata["word"]) == list(result.b.metadata["word"]) == [words[i] for i in keep]
    assert LEFT_OUT_WORD not in view.labels and len(view.map_a) == len(view.map_b) == len(keep)
    assert len(view.most_changed.shown_rows()) == len(keep)
    np.testing.assert_allclose(result.b.vectors, b, atol=1e-6)
    np.testing.assert_allclose(result.overlap.overlap, knn_overlap(a, b, 10).overlap)
    assert result.cka == pytest.approx(linear_cka(a, b), abs=1e-5)
    assert f"{result.cka:.3f}" in view.summary.text() and f"{len(keep)} words" in view.summary.text()
    assert view.left_out.isVisible()
    assert view.left_out.text() == (f"static: 1 of {len(set(words))} words not in vecs.txt "
                                    f"(left out, 4 of {len(words)} rows): {LEFT_OUT_WORD}")
    assert "static vecs.txt" in view.title_b.text() and "static vecs.txt" in view.neighbours.head_b.text()
    assert view.heatmap.image_shape() == (lm.num_layers + 1, 1)  # each layer against the static vectors

    side.kind.setCurrentIndex(side.kind.findText("model layer"))  # two layers again: nothing left out, the line goes
    choose_layers(view, "layer 1", "last layer (2)")
    compare(qtbot, view)
    assert not view.left_out.isVisible() and len(view.result) == len(words)


def test_a_damaged_static_file_is_a_message_and_the_view_stays_usable(qtbot, static_view, static_file, tmp_path):
    view, (path, _) = static_view, static_file
    assert "choose the file" in click_compare_expecting_failure(qtbot, view)  # no file yet
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("3 4\nbank 0.1 0.2 0.3 0.4\nriver 0.5 oops\n", encoding="utf-8")
    qtbot.keyClicks(view.side_b.static, str(damaged))
    text = click_compare_expecting_failure(qtbot, view)
    assert "damaged.txt" in text and "line 3" in text and view.result is None
    view.side_b.static.clear()
    qtbot.keyClicks(view.side_b.static, str(path))
    assert len(compare(qtbot, view)) > 0 and view.message.message() == ""


def test_a_static_side_refuses_texts_and_a_missing_gensim(qtbot, static_view, static_file, monkeypatch):
    view, (path, _) = static_view, static_file
    qtbot.keyClicks(view.side_b.static, str(path))
    view.level.setCurrentIndex(view.level.findText("texts"))
    assert "words level" in click_compare_expecting_failure(qtbot, view)
    view.level.setCurrentIndex(view.level.findText("words"))
    monkeypatch.setitem(sys.modules, "gensim.models", None)  # the optional static extra not installed
    text = click_compare_expecting_failure(qtbot, view)
    assert "needs the optional package 'gensim'" in text and "semvec-studio[static]" in text


# --- the layer lab ----------------------------------------------------------------------------------------


def test_layer_lab_gives_one_row_per_layer_and_exports_them(qtbot, lab, lm, tmp_path, monkeypatch):
    pairs = tmp_path / "men.txt"
    pairs.write_text(MEN_PAIRS, encoding="utf-8")
    lab.set_texts(PROBE_TEXTS * 2, {"id": [str(i) for i in range(16)], "label": PROBE_LABELS * 2})
    assert lab.probe.isChecked() and lab.label_column.currentText() == "label"
    lab.folds.setValue(2)
    qtbot.keyClicks(lab.pairs_edit, str(pairs))
    with qtbot.waitSignal(lab.finished, timeout=MS):
        qtbot.mouseClick(lab.run_button, Qt.MouseButton.LeftButton)
    layers = [str(r.layer) for r in lab.result.rows]
    assert layers == [str(k) for k in range(lm.num_layers + 1)] + [f"mean of last {lm.num_layers}"]
    assert lab.table.rowCount() == lm.num_layers + 2
    assert lab.table.item(0, 0).text() == "0 (embeddings)"
    assert lab.table.item(0, TABLE_HEADERS.index("pairs covered")).text() == "6/6"
    for name in ("probe accuracy", "control", "selectivity", "word-sim. Spearman", "anisotropy", "CKA to last"):
        x, y = lab.curves.curves[name].getData()
        assert x is not None and len(x) == lm.num_layers + 2, name
    assert lab.curves.curves["CKA to last"].getData()[1][lm.num_layers] == pytest.approx(1.0)

    written = {}
    for kind, button in (("csv", lab.csv_button), ("png", lab.png_button), ("svg", lab.svg_button)):
        target = tmp_path / f"lab.{kind}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target, **k: (str(t), ""))
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert target.is_file() and target.stat().st_size > 0, kind
        written[kind] = target
    with open(written["csv"], encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == list(TABLE_HEADERS)
    assert [line[0] for line in lines[1:]] == layers
    probe = [float(line[1]) for line in lines[1:]]
    assert probe == pytest.approx([r.probe.accuracy for r in lab.result.rows])
    assert written["png"].read_bytes()[:4] == b"\x89PNG" and b"<svg" in written["svg"].read_bytes()[:2000]


def test_layer_lab_bad_input_is_a_message(qtbot, lab, tmp_path):
    bad = tmp_path / "pairs.txt"
    bad.write_text("this is not\na word pair file at all\n", encoding="utf-8")
    qtbot.keyClicks(lab.pairs_edit, str(bad))
    with qtbot.waitSignal(lab.failed, timeout=MS):
        qtbot.mouseClick(lab.run_button, Qt.MouseButton.LeftButton)
    text = lab.message.message()
    assert "pairs.txt" in text and "not a word-pair file" in text and "\n" not in text
    assert lab.message.kind == "error" and lab.result is None and not lab.running()

    lab.pairs_edit.clear()
    lab.set_texts(PROBE_TEXTS, {})  # no label column
    qtbot.mouseClick(lab.probe, Qt.MouseButton.LeftButton, pos=QPoint(6, lab.probe.height() // 2))
    assert lab.probe.isChecked()
    with qtbot.waitSignal(lab.failed, timeout=MS):
        qtbot.mouseClick(lab.run_button, Qt.MouseButton.LeftButton)
    assert "no labels" in lab.message.message()

    lab.probe.setChecked(False)
    lab.pairs_edit.setText(str(tmp_path / "missing.csv"))
    with qtbot.waitSignal(lab.failed, timeout=MS):
        qtbot.mouseClick(lab.run_button, Qt.MouseButton.LeftButton)
    assert "missing.csv: no such file" in lab.message.message()


def test_layer_lab_probes_a_tag_per_word(qtbot, lab, lm):
    texts = ["the dog runs", "a cat sleeps", "the bird sings", "a fish swims"] * 3
    tags = ["DET NOUN VERB"] * len(texts)
    lab.set_texts(texts, {"tags": tags})
    assert lab.probe.isChecked() and lab.label_column.currentText() == "tags"
    qtbot.mouseClick(lab.tags, Qt.MouseButton.LeftButton, pos=QPoint(6, lab.tags.height() // 2))
    assert lab.tags.isChecked()
    lab.folds.setValue(2)
    with qtbot.waitSignal(lab.finished, timeout=MS):
        qtbot.mouseClick(lab.run_button, Qt.MouseButton.LeftButton)
    assert lab.result.facts["probe_rows"] == 3 * len(texts)  # the words' rows, not the texts'
    assert all(0.0 <= r.probe.accuracy <= 1.0 for r in lab.result.rows)
    lab.set_texts(texts, {"tags": ["DET NOUN"] * len(texts)})  # a tag short for every text
    with qtbot.waitSignal(lab.failed, timeout=MS):
        qtbot.mouseClick(lab.run_button, Qt.MouseButton.LeftButton)
    assert "2 tags but the model splits it into 3 words" in lab.message.message().replace("\u200b", "")

"""The Map tab (ProjectionPanel) on real vectors from a tiny BERT: projecting, following the app's
level, hover, click to neighbours, search, lasso and rectangle selection, colour by label, k-means,
Word in context, Layer path, exports (the same projection.tsv as `semvec project`), the tab's
minimum width, and cancelling a running t-SNE (pytest-qt, offscreen, real mouse events)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.models import load_model
from semvec_studio.gui.notifier import Notifier
from semvec_studio.gui.panels.projection_panel import ProjectionPanel
from semvec_studio.gui.plots.scatter_data import points_in_polygon_exact
from semvec_studio.gui.runner import Runner

TEXTS = [
    "She deposited the cheque at the bank before noon.",
    "We had a picnic on the grassy bank of the river.",
    "The bank raised its interest rates again this year.",
    "Fishermen lined the muddy river bank at dawn.",
    "A bat flew out of the cave at dusk.",
    "Stock markets fell sharply after the announcement.",
    "The river flooded the fields after the storm.",
    "Investors moved their savings to another bank.",
]
LABELS = ["finance", "nature", "finance", "nature", "nature", "finance", "nature", "finance"]
COLUMNS = {"id": [str(i + 1) for i in range(len(TEXTS))], "label": LABELS}
MS = 30_000


@pytest.fixture(scope="module")
def lm(tiny_bert):
    return load_model(tiny_bert, device="cpu")


@pytest.fixture(scope="module")
def sets(lm):
    return extract(lm, TEXTS, ExtractOptions(levels=("token", "word", "sentence")))


@pytest.fixture
def fresh_sets(sets):
    """Copies whose metadata dicts a test may change (labels)."""
    return {lv: EmbeddingSet(s.vectors, dict(s.metadata), dict(s.manifest), s.level) for lv, s in sets.items()}


@pytest.fixture
def fast_mouse():
    """pyqtgraph drops mouse moves closer than 10 ms apart; synthetic events come faster."""
    old = pg.getConfigOption("mouseRateLimit")
    pg.setConfigOption("mouseRateLimit", 0)
    yield
    pg.setConfigOption("mouseRateLimit", old)


@pytest.fixture
def panel(qtbot):
    runner = Runner()
    panel = ProjectionPanel(runner, Notifier())
    qtbot.addWidget(panel)
    panel.resize(1100, 720)
    yield panel
    runner.shutdown()


def show_map(qtbot, panel, sets, lm=None, columns=COLUMNS, level="word"):
    panel.controls.set_level(level)
    with qtbot.waitSignal(panel.projected, timeout=MS):
        panel.show()  # PCA maps new vectors as soon as the tab is visible
        panel.set_data(sets, TEXTS, columns, lm)
    qtbot.waitExposed(panel)
    return panel.map


def isolated_point(panel, min_px: float = 14.0) -> int:
    """A point with no other point within ``min_px`` pixels (so the pointer picks it)."""
    sc = panel.scatter
    pos = np.array([[sc.view_pos_of(i).x(), sc.view_pos_of(i).y()] for i in range(len(sc))], dtype=float)
    d = np.linalg.norm(pos[:, None] - pos[None], axis=2)
    np.fill_diagonal(d, np.inf)
    inside = (pos[:, 0] > 20) & (pos[:, 1] > 20) & (pos[:, 0] < sc.graphics.width() - 20) & (pos[:, 1] < sc.graphics.height() - 20)
    ok = np.flatnonzero((d.min(axis=1) > min_px) & inside)
    assert len(ok), "no isolated point on the map"
    return int(ok[0])


def drag(vp, points: list[QPoint], modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """Press at the first point, move through the others with the left button held, release."""
    from PySide6.QtTest import QTest

    QTest.mousePress(vp, Qt.MouseButton.LeftButton, modifiers, points[0])
    for p in points[1:]:
        ev = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(p), QPointF(vp.mapToGlobal(p)), Qt.MouseButton.NoButton,
                         Qt.MouseButton.LeftButton, modifiers)
        QApplication.sendEvent(vp, ev)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, modifiers, points[-1])


def view_polygon(scatter, points: list[QPoint]) -> np.ndarray:
    out = []
    for p in points:
        v = scatter.vb.mapSceneToView(scatter.graphics.mapToScene(p))
        out.append((v.x(), v.y()))
    return np.array(out)


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=1, keepdims=True)


# --- projecting and reading the map ---------------------------------------------------------------


def test_pca_map_shows_every_word_with_quality_and_explained_variance(qtbot, panel, sets):
    data = show_map(qtbot, panel, sets)
    words = sets["word"]
    assert len(panel.scatter) == len(words) and data.kind == "map"
    assert np.array_equal(np.sort(data.rows), np.arange(len(words)))
    caption = panel.caption.text()
    assert "PCA" in caption and "trustworthiness" in caption and "kNN overlap" in caption
    assert "PC1" in panel.scatter.plot.getAxis("bottom").labelText
    assert not panel.controls.running and panel.controls.button.text() == "Project"


def test_the_map_follows_the_apps_level_when_it_opens(qtbot, sets):
    runner = Runner()
    app_level = {"level": "sentence"}  # what the Vectors panel says
    panel = ProjectionPanel(runner, Notifier(), level_source=lambda: app_level["level"])
    qtbot.addWidget(panel)
    panel.resize(1100, 720)
    try:
        panel.set_data(sets, TEXTS, {}, None)
        with qtbot.waitSignal(panel.projected, timeout=MS):
            panel.show()  # opening the tab: the app's level, mapped at once (PCA)
        assert panel.controls.current_level() == "sentence" and panel.map.level == "sentence"
        assert len(panel.map) == len(TEXTS) and panel.toolbar.color_key() == "text"
        with qtbot.waitSignal(panel.projected, timeout=MS):
            panel.controls.set_level("token")  # picked on the Map: kept while the app's level stays
        panel.hide()
        panel.show()
        assert panel.controls.current_level() == "token"
        panel.hide()
        app_level["level"] = "word"
        with qtbot.waitSignal(panel.projected, timeout=MS):
            panel.show()
        assert panel.controls.current_level() == "word" and panel.map.level == "word"
    finally:
        runner.shutdown()


def test_hover_shows_the_word_in_its_context(qtbot, panel, sets, fast_mouse):
    data = show_map(qtbot, panel, sets)
    i = isolated_point(panel)
    vp = panel.scatter.graphics.viewport()
    with qtbot.waitSignal(panel.scatter.hovered, timeout=MS, check_params_cb=lambda j: j == i):
        qtbot.mouseMove(vp, panel.scatter.view_pos_of(i))
    r = int(data.rows[i])
    meta = sets["word"].metadata
    text = TEXTS[int(meta["text_id"][r])]
    word = text[int(meta["start"][r]):int(meta["end"][r])]
    assert f"<b><u>{word}</u></b>" in panel.last_hover  # the word marked inside its text
    assert f"label: {LABELS[int(meta['text_id'][r])]}" in panel.last_hover
    with qtbot.waitSignal(panel.scatter.hovered, timeout=MS, check_params_cb=lambda j: j == -1):
        qtbot.mouseMove(vp, QPoint(2, 2))  # off every point


def test_click_lists_neighbours_in_the_original_space_and_double_click_jumps(qtbot, panel, sets, fast_mouse):
    data = show_map(qtbot, panel, sets)
    i = isolated_point(panel)
    with qtbot.waitSignal(panel.neighboursShown, timeout=MS):
        qtbot.mouseClick(panel.scatter.graphics.viewport(), Qt.MouseButton.LeftButton, pos=panel.scatter.view_pos_of(i))
    assert panel.current == i and list(panel.scatter.selection) == [i]
    u = unit(sets["word"].vectors[data.rows])
    sims = u @ u[i]
    sims[i] = -np.inf
    expected = np.argsort(-sims, kind="stable")[:10]
    shown = panel.point_box.neighbour_points()
    assert shown == [int(j) for j in expected]
    assert np.array_equal(panel.scatter.marks["neighbours"], expected)
    first = panel.point_box.table.item(0, 2).text()
    assert first == f"{sims[expected[0]]:.3f}"
    item = panel.point_box.table.item(2, 1)
    with qtbot.waitSignal(panel.neighboursShown, timeout=MS):
        panel.point_box.table.cellDoubleClicked.emit(item.row(), 1)
    assert panel.current == expected[2] and list(panel.scatter.selection) == [expected[2]]
    (x, y), = panel.scatter.positions([expected[2]])
    (x0, x1), (y0, y1) = panel.scatter.vb.viewRange()
    assert abs((x0 + x1) / 2 - x) < 1e-6 * max(1, abs(x)) + (x1 - x0) * 0.01  # centred on the neighbour


def test_neighbours_of_a_big_set_come_from_the_runner(qtbot, panel, sets):
    data = show_map(qtbot, panel, sets)
    panel.explorer.sync_cells = 0  # every query counts as big
    with qtbot.waitSignal(panel.neighboursShown, timeout=MS):
        panel.select_point(4)
        assert panel.runner.has_pending("neighbours")
    u = unit(sets["word"].vectors[data.rows])
    sims = u @ u[4]
    sims[4] = -np.inf
    assert panel.point_box.neighbour_points() == [int(j) for j in np.argsort(-sims, kind="stable")[:10]]


def test_neighbours_of_a_set_with_a_saved_index_come_through_it(qtbot, panel, sets, tmp_path, monkeypatch):
    """A folder indexed with `semvec index`, opened and mapped whole: from ANN_MIN_ROWS rows (here
    lowered to the set's size) the runner asks the index for candidates, scores them exactly, and
    the list says which index proposed them."""
    pytest.importorskip("faiss", reason="the index needs the ann extra (faiss-cpu)")
    from semvec_studio.core.io.exporters import save
    from semvec_studio.core.projection import index as ann_index
    from semvec_studio.core.projection.index import build_index
    from semvec_studio.core.projection.index_files import save_index

    save(sets["word"], tmp_path / "words")
    loaded = EmbeddingSet.load(tmp_path / "words")
    save_index(build_index(np.asarray(loaded.vectors)), tmp_path / "words")
    data = show_map(qtbot, panel, {**sets, "word": loaded})
    assert data.vectors() is loaded.vectors  # the whole set: its memory-mapped file, beside its index
    monkeypatch.setattr(ann_index, "ANN_MIN_ROWS", len(loaded))
    panel.explorer.sync_cells = 0
    with qtbot.waitSignal(panel.neighboursShown, timeout=MS):
        panel.select_point(4)
    assert "approximate (faiss IVF" in panel.point_box.title.text()
    u = unit(np.asarray(loaded.vectors))
    sims = u @ u[4]
    sims[4] = -np.inf
    expected = [int(j) for j in np.argsort(-sims, kind="stable")[:10]]
    assert panel.point_box.neighbour_points() == expected  # recall 1.0 at this size: every cell probed
    assert panel.point_box.table.item(0, 2).text() == f"{sims[expected[0]]:.3f}"  # exact scores
    monkeypatch.setattr(ann_index, "ANN_MIN_ROWS", len(loaded) + 1)  # below the threshold: exact, and it says nothing
    with qtbot.waitSignal(panel.neighboursShown, timeout=MS):
        panel.select_point(5)
    assert "approximate" not in panel.point_box.title.text()


def test_search_highlights_plain_and_regex_matches(qtbot, panel, sets):
    data = show_map(qtbot, panel, sets)
    labels = data.labels()
    with qtbot.waitSignal(panel.searched, timeout=MS):
        panel.toolbar.search.setText("BANK")
    expected = [i for i, s in enumerate(labels) if "bank" in s.lower()]
    assert len(expected) >= 5 and list(panel.scatter.marks["search"]) == expected
    with qtbot.waitSignal(panel.searched, timeout=MS):
        panel.toolbar.search.setText("^ri")
        panel.toolbar.regex.setChecked(True)
    assert list(panel.scatter.marks["search"]) == [i for i, s in enumerate(labels) if s.lower().startswith("ri")]
    with qtbot.waitSignal(panel.searched, timeout=MS, check_params_cb=lambda n: n == 0):
        panel.toolbar.search.setText("(unclosed")
    assert "regular expression" in panel.toolbar.search.toolTip()


def test_lasso_and_rectangle_select_the_points_inside(qtbot, panel, fresh_sets, fast_mouse):
    data = show_map(qtbot, panel, fresh_sets)
    sc = panel.scatter
    vp = sc.graphics.viewport()
    panel.toolbar.modes.button(1).click()  # Lasso
    assert sc.vb.mode == "lasso"
    c = QPoint(vp.width() // 2, vp.height() // 2)
    loop = [c + QPoint(int(150 * np.cos(a)), int(110 * np.sin(a) + 20 * np.sin(3 * a))) for a in np.linspace(0, 2 * np.pi, 40)]
    with qtbot.waitSignal(sc.selectionChanged, timeout=MS):
        drag(vp, loop)
    poly = view_polygon(sc, loop)
    xy = data.coords.astype(np.float64)
    inside = np.flatnonzero(points_in_polygon_exact(xy[:, 0], xy[:, 1], poly))
    assert len(inside) >= 5
    assert np.array_equal(sc.selection, inside)
    assert f"{len(inside):,} points selected" in panel.selection_box.count.text()
    panel.toolbar.modes.button(2).click()  # Rectangle; Shift adds to the selection
    corner = [QPoint(10, 10), QPoint(60, 40), QPoint(120, 90)]
    with qtbot.waitSignal(sc.selectionChanged, timeout=MS):
        drag(vp, corner, Qt.KeyboardModifier.ShiftModifier)
    rect = view_polygon(sc, [corner[0], corner[-1]])
    (ax, ay), (bx, by) = rect
    in_rect = np.flatnonzero((xy[:, 0] >= min(ax, bx)) & (xy[:, 0] <= max(ax, bx)) & (xy[:, 1] >= min(ay, by)) & (xy[:, 1] <= max(ay, by)))
    assert np.array_equal(sc.selection, np.union1d(inside, in_rect))
    # the selection can be labelled: a 'label' column, offered as a colour
    n = panel.label_selection("picked")
    words = fresh_sets["word"]
    assert n == len(np.unique(data.rows[sc.selection]))
    assert {words.metadata["label"][r] for r in data.rows[sc.selection]} == {"picked"}
    assert panel.toolbar.color_key() == "meta:label" and "picked" in panel.scatter.categories.names


def test_colour_by_label_column_has_a_legend(qtbot, panel, sets):
    data = show_map(qtbot, panel, sets)
    assert panel.toolbar.color_key() == "column:label"  # a table with labels: the map starts coloured by them
    cats = panel.scatter.categories
    assert cats.names == ["finance", "nature"]
    tids = sets["word"].metadata["text_id"][data.rows]
    assert [cats.names[c] for c in cats.codes] == [LABELS[t] for t in tids]
    assert len(panel.scatter.legend.items) == 2
    with qtbot.waitSignal(panel.colored, timeout=MS):
        panel.toolbar.set_color_key("norm")  # a continuous value: a colour bar instead of a legend
    assert panel.scatter.categories is None and panel.scatter.value_range is not None
    with qtbot.waitSignal(panel.projected, timeout=MS):
        panel.project()
    assert panel.toolbar.color_key() == "norm"  # the user's choice stays for the same vectors
    with qtbot.waitSignal(panel.projected, timeout=MS):
        panel.set_data(sets, TEXTS, {}, None)  # new vectors without labels: coloured by text
    assert panel.toolbar.color_key() == "text"


def test_kmeans_colour_runs_on_the_runner(qtbot, panel, sets):
    show_map(qtbot, panel, sets)
    panel.toolbar.k.setValue(3)
    with qtbot.waitSignal(panel.colored, timeout=MS):
        panel.toolbar.set_color_key("kmeans")
    assert panel.scatter.categories.names == ["cluster 1", "cluster 2", "cluster 3"]


def test_word_in_context_and_layer_path(qtbot, panel, sets, lm, tmp_path):
    show_map(qtbot, panel, sets, lm)
    with qtbot.waitSignal(panel.projected, timeout=MS):
        panel.show_word_in_context("Bank")
    data = panel.map
    assert data.kind == "context" and set(s.lower() for s in data.labels()) == {"bank"}
    assert len(data) == sum(t.lower().count("bank") for t in TEXTS)
    assert panel.toolbar.color_key() == "column:label" and panel.explore.back.isVisible()
    panel.select_point(0)
    with qtbot.waitSignal(panel.projected, timeout=MS):
        panel.show_layer_path()
    path = panel.map
    assert path.kind == "path" and len(path) == lm.num_layers + 1
    xs, _ys = panel.scatter.path.getData()
    assert len(xs) == lm.num_layers + 1 and panel.toolbar.color_key() == "layer"
    assert "<b>Layer path</b> of “bank”" in panel.caption.text()
    with qtbot.waitSignal(panel.runner.finished, timeout=MS):
        panel.export_coordinates(str(tmp_path / "path.tsv"))  # one point per layer: a 'layer' column
    lines = [line.split("\t") for line in (tmp_path / "path.tsv").read_text(encoding="utf-8").splitlines()]
    assert lines[0][:3] == ["x", "y", "row"] and "layer" in lines[0] and "label" in lines[0]
    assert [r[lines[0].index("layer")] for r in lines[1:]] == [str(i) for i in range(lm.num_layers + 1)]
    assert {r[2] for r in lines[1:]} == {str(int(path.rows[0]))}
    with qtbot.waitSignal(panel.projected, timeout=MS):
        panel.back_to_map()
    assert panel.map is panel.main_map
    assert not panel.show_word_in_context("zzzz")  # too rare: an inline message, no job
    assert "needs at least" in panel.explore.message.message()


def test_exports_png_svg_and_coordinates(qtbot, panel, sets, tmp_path):
    data = show_map(qtbot, panel, sets)
    panel.export_plot(str(tmp_path / "map.png"))
    panel.export_plot(str(tmp_path / "map.svg"))
    assert (tmp_path / "map.png").stat().st_size > 2000
    assert "<svg" in (tmp_path / "map.svg").read_text(encoding="utf-8")[:2000]
    with qtbot.waitSignal(panel.runner.finished, timeout=MS):
        panel.export_coordinates(str(tmp_path / "projection.tsv"))
    lines = (tmp_path / "projection.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    assert header[:4] == ["x", "y", "row", "text_id"] and "word" in header and "label" in header
    assert len(lines) == len(data) + 1
    first = lines[1].split("\t")
    assert abs(float(first[0]) - float(data.coords[0, 0])) < 1e-4 and int(first[2]) == data.rows[0]


def test_projection_errors_are_shown_inline(qtbot, panel, sets):
    show_map(qtbot, panel, sets)
    panel.controls.set_method("axes")
    panel.controls.axis_ends[0][0].setText("nosuchword")
    assert panel.project() is None
    assert "nosuchword" in panel.controls.message.message()


def synthetic_words(n: int, dim: int = 48, seed: int = 0) -> EmbeddingSet:
    rng = np.random.default_rng(seed)
    words = [f"w{i % 500}" for i in range(n)]
    meta = {"text_id": np.arange(n, dtype=np.int64) // 10, "position": np.arange(n, dtype=np.int64) % 10,
            "word": words, "start": np.zeros(n, np.int64), "end": np.full(n, 3, np.int64), "pieces": words}
    return EmbeddingSet(rng.normal(size=(n, dim)).astype(np.float32), meta, {}, "word")


def test_the_coordinate_export_writes_what_semvec_project_writes(qtbot, panel, tmp_path):
    from semvec_studio.cli import main
    from semvec_studio.core.io.exporters import save

    words = synthetic_words(300)
    folder = save(words, tmp_path / "out")
    assert main(["project", str(folder), "--method", "pca", "--seed", "0", "--quiet"]) == 0
    loaded = EmbeddingSet.load(folder)
    texts = [f"text {i}" for i in range(30)]
    with qtbot.waitSignal(panel.projected, timeout=MS):
        panel.show()
        panel.set_data({"word": loaded}, texts, {}, None)  # the same vectors: PCA, seed 0, all rows
    with qtbot.waitSignal(panel.runner.finished, timeout=MS):
        panel.export_coordinates(str(tmp_path / "map.tsv"))
    cli_lines = (folder / "projection.tsv").read_text(encoding="utf-8").splitlines()
    map_lines = (tmp_path / "map.tsv").read_text(encoding="utf-8").splitlines()
    assert map_lines[0].split("\t") == ["x", "y", "row", *loaded.metadata]
    assert map_lines == cli_lines  # the same columns, numbers and cells


def test_map_data_imports_no_qt():
    import subprocess
    import sys

    code = ("import sys, semvec_studio.gui.map_data; "
            "sys.exit(1 if any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_map_of_texts_starts_coloured_by_text_only_while_the_legend_has_a_colour_each():
    from semvec_studio.gui.map_data import TEXT_COLOUR_POINTS  # noqa: PLC0415 - this test's subject
    from semvec_studio.gui.plots.scatter_data import CATEGORY_COLORS  # noqa: PLC0415 - this test's subject

    assert TEXT_COLOUR_POINTS == len(CATEGORY_COLORS)  # map_data imports no Qt, so it keeps its own count


def test_cancel_a_running_tsne_keeps_the_previous_map(qtbot, panel):
    words = synthetic_words(4000)
    texts = [f"text {i}" for i in range(400)]
    sets = {"word": words}
    with qtbot.waitSignal(panel.projected, timeout=MS):
        panel.show()
        panel.set_data(sets, texts, {}, None)
    before = panel.map
    panel.controls.set_method("tsne")
    with qtbot.waitSignal(panel.runner.progress, timeout=120_000, check_params_cb=lambda p, eta: "t-SNE: " in p.phase and p.done > 0):
        panel.controls.button.click()  # Project
    assert panel.controls.running and panel.controls.button.text() == "Cancel"
    with qtbot.waitSignal(panel.runner.cancelled, timeout=MS):
        panel.controls.button.click()  # Cancel
    assert not panel.controls.running and panel.controls.button.text() == "Project"
    assert panel.map is before and "cancelled" in panel.controls.message.message()


# --- in the main window ------------------------------------------------------------------------------


def test_map_tab_uses_the_tables_label_column_and_links_to_the_token_view(qtbot, make_window, tiny_bert, tmp_path):
    from semvec_studio.gui.main_window import MAP_TAB, TOKENS_TAB
    from tests.gui.conftest import EMBED_MS, embed

    window = make_window(tiny_bert)
    table = tmp_path / "labelled.csv"
    rows = "\n".join(f'{i},"{t}",{lab}' for i, (t, lab) in enumerate(zip(TEXTS, LABELS), start=1))
    table.write_text("id,text,label\n" + rows + "\n", encoding="utf-8")
    with qtbot.waitSignal(window.runner.finished, timeout=EMBED_MS):
        window.text_panel.open_files([str(table)])
    with qtbot.waitSignal(window.text_panel.fileLoaded, timeout=1000):
        window.text_panel.picker.accept()  # the 'text' column; 'id' and 'label' travel with the texts
    embed(qtbot, window)
    panel = window.map_panel
    assert panel.columns == {"id": [str(i) for i in range(1, len(TEXTS) + 1)], "label": LABELS}
    window.controls.set_level("word")  # (shows the Tokens & words tab)
    with qtbot.waitSignal(panel.projected, timeout=MS):
        window.views.setCurrentIndex(MAP_TAB)  # PCA maps the new vectors when the tab is shown
    assert len(panel.scatter) == len(window.sets["word"])
    assert panel.toolbar.color_key() == "column:label"  # coloured by the table's labels from the start
    assert panel.scatter.categories.names == ["finance", "nature"]
    assert window.minimumSizeHint().width() <= 1024  # the Map fits a 1024-pixel-wide screen
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=MS)
    data = panel.map
    words = window.sets["word"].metadata
    i = next(j for j, r in enumerate(data.rows) if words["word"][r] == "river" and words["text_id"][r] == 1)
    panel.show_point_text(i)  # double-click / "Show text": the Tokens & words view, the word selected
    assert window.views.currentIndex() == TOKENS_TAB and window.token_view.rows.text_id == 1
    assert "river" in window.token_view.highlighted_text()
    window.views.setCurrentIndex(MAP_TAB)
    panel.scatter.set_selection([i, (i + 1) % len(data)])
    panel.export_selection()  # the export dialog, offering just the selected rows
    dialog = window.export_dialog
    assert dialog is not None and len(dialog.sets["word"]) == 2
    dialog.reject()

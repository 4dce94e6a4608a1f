"""File > Open vectors folder… and the Map tab's button of the same name: a folder written by
`semvec extract` (here sharded) is mapped whole in place of the app's vectors, its points read
their own rows' texts, a large one's neighbours come through the index `semvec index` saved
beside it, its labels stay with the set (never the workspace's texts), a folder that is not one
gets a one-line message and leaves the map as it was, and embedding the texts again brings the
app's vectors back (pytest-qt, offscreen, the real window and a tiny BERT)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from semvec_studio.cli import main as cli_main
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.gui.main_window import MAP_TAB
from tests.gui.conftest import embed
from tests.gui.test_projection import TEXTS as MAP_TEXTS

MS = 60_000
TEXTS = [
    *MAP_TEXTS,  # eight texts, five with "bank"
    "The orchestra tuned up before the concert.",
    "Rain fell on the roof all night.",
    "The committee approved the budget on Tuesday.",
    "The train was late because of the snow.",
    "Children played football in the park.",
    "The museum opened a new gallery of old maps.",
    "He forgot his umbrella on the bus.",
    "The soup needed more salt.",
    "A storm knocked down the old oak tree.",
]
APP_TEXTS = ["A short text of the app.", "Another one about a river bank."]


@pytest.fixture(scope="module")
def folder(tiny_bert, tmp_path_factory):
    """Sentence vectors of TEXTS in shards of 4 input rows, as `semvec extract --shard-rows` writes them."""
    work = tmp_path_factory.mktemp("vectors")
    source = work / "texts.txt"
    source.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    out = work / "reviews-vectors"
    code = cli_main(["extract", str(source), "--model", str(tiny_bert), "--level", "sentence", "--shard-rows", "4",
                     "-o", str(out), "--quiet"])
    assert code == 0 and (out / "part-00002").is_dir()
    return out


@pytest.fixture
def chosen(monkeypatch):
    """The folder the (offscreen) folder dialog answers with: ``chosen.folder = path``."""
    class Chosen:
        folder = ""

    answer = Chosen()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *_a, **_k: str(answer.folder)))
    return answer


def open_from_map_tab(qtbot, window, chosen, folder) -> None:
    """Click the Map tab's "Open vectors folder…" and wait for the folder's map."""
    chosen.folder = folder
    window.views.setCurrentIndex(MAP_TAB)
    panel = window.map_panel
    qtbot.mouseClick(panel.controls.open_folder, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.folder == folder and panel.map is not None
                    and panel.map.embset is next(iter(panel.sets.values())), timeout=MS)


def test_a_sharded_folder_is_mapped_whole_with_its_own_texts_until_the_app_embeds_again(qtbot, make_window, tiny_bert,
                                                                                          folder, chosen):
    window = make_window(tiny_bert)
    embed(qtbot, window, APP_TEXTS)
    open_from_map_tab(qtbot, window, chosen, folder)
    panel = window.map_panel
    loaded = EmbeddingSet.load(folder)
    assert panel.folder == folder and panel.controls.current_level() == "sentence"
    assert len(panel.map) == len(loaded) == len(TEXTS)  # every row of the three shards
    assert f"Folder <b>{folder.name}</b>" in panel.caption.text() and "PCA" in panel.caption.text()
    assert panel.toolbar.color_key() == "none"  # 17 texts, one point each: more than the legend's colours
    assert np.array_equal(np.asarray(panel.map.vectors()), np.asarray(loaded.vectors))
    last = len(TEXTS) - 1  # a row of the last shard: its hover shows its own text, not the app's
    assert TEXTS[-1] in panel._hover_html(last) and APP_TEXTS[0] not in panel._hover_html(0)
    assert window.views.currentIndex() == MAP_TAB

    # a point's neighbours are the folder's rows, exact at this size
    with qtbot.waitSignal(panel.neighboursShown, timeout=MS):
        panel.select_point(0)
    u = np.asarray(loaded.vectors) / np.linalg.norm(np.asarray(loaded.vectors), axis=1, keepdims=True)
    sims = u @ u[0]
    sims[0] = -np.inf
    k = len(panel.point_box.neighbour_points())
    assert panel.point_box.neighbour_points() == [int(j) for j in np.argsort(-sims, kind="stable")[:k]]

    # labels go to the set (and its exported selection), not to the workspace's texts
    panel.scatter.set_selection([0, 1])
    with qtbot.assertNotEmitted(panel.textsLabelled):
        assert panel.label_selection("finance") == 2
    assert list(panel.map.embset.metadata["label"][:3]) == ["finance", "finance", ""]

    # its texts are not the Data tab's: a double-click says so and shows nothing there
    with qtbot.assertNotEmitted(panel.showTextRequested):
        panel.show_point_text(3)
    assert folder.name in window.statusBar().currentMessage()

    # another level than the folder's: one line says which one it holds
    panel.controls.set_level("word")
    qtbot.mouseClick(panel.controls.button, Qt.MouseButton.LeftButton)
    assert "holds vectors of one level only" in panel.controls.message.message()
    panel.controls.set_level("sentence")

    # embedding the texts again brings the app's vectors back
    embed(qtbot, window, [*APP_TEXTS, "A third text."])
    assert panel.folder is None
    qtbot.waitUntil(lambda: panel.map.embset is window.sets[panel.controls.current_level()], timeout=MS)
    assert "Folder" not in panel.caption.text() and len(panel.map) == len(window.sets[panel.controls.current_level()])


def test_a_word_folder_offers_its_words_for_word_in_context_and_layer_path_says_what_it_needs(
        qtbot, make_window, tiny_bert, chosen, tmp_path):
    source = tmp_path / "texts.txt"
    source.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    words = tmp_path / "word-vectors"
    assert cli_main(["extract", str(source), "--model", str(tiny_bert), "--level", "word", "-o", str(words), "--quiet"]) == 0
    window = make_window(tiny_bert)
    open_from_map_tab(qtbot, window, chosen, words)
    panel = window.map_panel
    assert panel.controls.current_level() == "word" and len(panel.map) == len(EmbeddingSet.load(words))
    offered = panel.explore.completer.model().stringList()
    assert "bank" in offered and offered == sorted(offered)
    assert "word <b>" in panel._hover_html(0) and "<u>" not in panel._hover_html(0)  # no text to mark the word in
    panel.explore.word.setText("bank")
    with qtbot.waitSignal(panel.projected, timeout=MS):
        qtbot.mouseClick(panel.explore.context, Qt.MouseButton.LeftButton)
    assert panel.map.kind == "context" and len(panel.map) == sum(t.lower().count("bank") for t in TEXTS)
    assert f"Folder <b>{words.name}</b>" in panel.caption.text()
    panel.select_point(0)
    qtbot.mouseClick(panel.explore.path, Qt.MouseButton.LeftButton)
    assert "needs the model and the texts" in panel.explore.message.message()


def test_a_large_folders_neighbours_come_through_its_saved_index(qtbot, make_window, tiny_bert, folder, chosen,
                                                                 tmp_path, monkeypatch):
    pytest.importorskip("faiss", reason="the index needs the ann extra (faiss-cpu)")
    from semvec_studio.core.projection import index as ann_index

    indexed = tmp_path / folder.name
    shutil.copytree(folder, indexed)
    assert cli_main(["index", str(indexed), "--quiet"]) == 0  # writes indexed/index/
    monkeypatch.setattr(ann_index, "ANN_MIN_ROWS", 5)  # this folder counts as a large set
    window = make_window(tiny_bert)
    open_from_map_tab(qtbot, window, chosen, indexed)
    panel = window.map_panel
    panel.explorer.sync_cells = 0  # the query goes to the runner, as a large set's does
    with qtbot.waitSignal(panel.neighboursShown, timeout=MS):
        panel.select_point(2)
    assert "approximate (faiss IVF" in panel.point_box.title.text()
    vectors = np.asarray(EmbeddingSet.load(indexed).vectors)
    u = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = u @ u[2]
    sims[2] = -np.inf
    shown = panel.point_box.neighbour_points()
    assert shown == [int(j) for j in np.argsort(-sims, kind="stable")[: len(shown)]]  # every cell probed at this size


def test_a_folder_that_is_not_one_gets_one_line_and_the_map_stays(qtbot, make_window, tiny_bert, folder, chosen, tmp_path):
    window = make_window(tiny_bert)
    open_from_map_tab(qtbot, window, chosen, folder)
    panel = window.map_panel
    before = panel.map
    unfinished = tmp_path / "unfinished"
    shutil.copytree(folder, unfinished)
    manifest = json.loads((unfinished / "manifest.json").read_text(encoding="utf-8"))
    manifest["complete"] = False
    (unfinished / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for bad, says in ((tiny_bert, "choose a folder written by 'semvec extract'"), (unfinished, "--resume")):
        chosen.folder = bad
        window.actions.open_vectors.trigger()  # File > Open vectors folder…
        assert window.vector_folders.job is not None
        qtbot.waitUntil(lambda: window.vector_folders.job is None, timeout=MS)
        message = panel.controls.message.message()
        assert says in message and str(bad.name) in message, message
        assert panel.map is before and panel.folder == folder  # the map shows what it showed
    assert window.isEnabled()

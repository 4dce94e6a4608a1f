"""TokenView, SentenceView and Heatmap filled with real vectors from a tiny BERT (pytest-qt, offscreen)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QApplication

from semvec_studio.core.extract.analysis import layer_profile
from semvec_studio.core.extract.encode import ExtractOptions, extract
from semvec_studio.core.models import load_model
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.gui.panels.sentence_view import HEATMAP_CAP, TOP_K, SentenceView
from semvec_studio.gui.panels.token_tree import INDEX_ROLE, KIND_ROLE
from semvec_studio.gui.panels.token_view import LAYERS_TAB, SIMILARITY_TAB, TokenView
from semvec_studio.gui.plots.heatmap import Heatmap

TEXTS = [
    "The bank raised interest rates.",
    "We sat on the river bank and watched the unbelievably calm water.",
    "Short.",
    "I 🍕 love pizza at the bank",  # a character outside the BMP: Qt and Python offsets differ
    "Tokenisation splits unbelievable words.",
    "Stock markets fell sharply after the announcement.",
]


@pytest.fixture(scope="module")
def lm(tiny_bert):
    return load_model(tiny_bert, device="cpu")


@pytest.fixture(scope="module")
def sets(lm):
    return extract(lm, TEXTS, ExtractOptions(levels=("token", "word", "sentence")))


@pytest.fixture
def token_view(qtbot, sets):
    view = TokenView()
    qtbot.addWidget(view)
    view.resize(1100, 650)
    view.show()
    qtbot.waitExposed(view)
    return view


def rows_of(s: EmbeddingSet, t: int) -> np.ndarray:
    return np.nonzero(s.metadata["text_id"] == t)[0]


def show(view: TokenView, sets, t: int) -> None:
    view.show_text(TEXTS[t], t, sets["token"], sets["word"])


# --- TokenView --------------------------------------------------------------------------------


def test_pieces_are_grouped_under_their_words(token_view, sets):
    tok, words = sets["token"], sets["word"]
    t = 1
    show(token_view, sets, t)
    trows, wrows = rows_of(tok, t), rows_of(words, t)
    assert token_view.piece_count() == len(trows)
    assert token_view.word_count() == len(wrows)
    model = token_view.tree_model
    assert model.rowCount() == len(wrows)  # no special tokens: every piece belongs to a word
    assert any(model.item(r, 0).rowCount() > 1 for r in range(model.rowCount()))  # some word has several pieces
    for r, w in enumerate(wrows):
        parent = model.item(r, 0)
        assert parent.data(KIND_ROLE) == "word" and parent.text() == words.metadata["word"][w]
        pieces = [parent.child(c, 0).text() for c in range(parent.rowCount())]
        assert " ".join(pieces) == words.metadata["pieces"][w]
        assert all(parent.child(c, 2).text() == parent.text() for c in range(parent.rowCount()))
    total = sum(model.item(r, 0).rowCount() for r in range(model.rowCount()))
    assert total == len(trows)


def test_tree_columns_show_id_span_and_norm(token_view, sets):
    tok = sets["token"]
    show(token_view, sets, 0)
    first = token_view.tree_model.item(0, 0)
    piece = first.child(0, 0)
    k = piece.data(INDEX_ROLE)
    row = rows_of(tok, 0)[k]
    cells = [first.child(0, c).text() for c in range(5)]
    assert cells[0] == tok.metadata["token"][row]
    assert cells[1] == str(tok.metadata["token_id"][row])
    assert cells[3] == f"{tok.metadata['start'][row]}–{tok.metadata['end'][row]}"
    assert float(cells[4]) == pytest.approx(float(np.linalg.norm(tok.vectors[row])), abs=1e-3)


def test_heatmaps_have_one_row_per_piece_or_word(token_view, sets):
    tok, words = sets["token"], sets["word"]
    t = 4
    show(token_view, sets, t)
    n_pieces, n_words = len(rows_of(tok, t)), len(rows_of(words, t))
    assert token_view.vectors.image_shape() == (n_pieces, tok.dim)
    assert token_view.vectors.image.image.shape == (n_pieces, tok.dim)
    np.testing.assert_allclose(token_view.vectors.matrix, tok.vectors[rows_of(tok, t)])
    token_view.rows_words.setChecked(True)
    assert token_view.vectors.image_shape() == (n_words, words.dim)
    assert token_view.similarity.matrix is None  # computed when its tab is first shown
    token_view.tabs.setCurrentIndex(SIMILARITY_TAB)
    sim = token_view.similarity.matrix
    assert sim.shape == (n_words, n_words)
    np.testing.assert_allclose(np.diag(sim), 1.0, atol=1e-5)
    assert token_view.similarity.levels == (-1.0, 1.0)


def test_selecting_a_piece_or_word_highlights_its_span(token_view, sets):
    tok, words = sets["token"], sets["word"]
    t = 1
    show(token_view, sets, t)
    trows = rows_of(tok, t)
    for k in (0, 3, len(trows) - 1):
        token_view.select_piece(k)
        s, e = tok.metadata["start"][trows[k]], tok.metadata["end"][trows[k]]
        assert token_view.highlighted_text() == TEXTS[t][s:e]
    w = rows_of(words, t)[5]
    token_view.select_word(5)
    assert token_view.highlighted_text() == words.metadata["word"][w] == TEXTS[t][words.metadata["start"][w] : words.metadata["end"][w]]


def test_highlight_maps_offsets_past_a_non_bmp_character(token_view, sets):
    tok = sets["token"]
    t = 3
    show(token_view, sets, t)
    trows = rows_of(tok, t)
    for k in range(len(trows)):
        token_view.select_piece(k)
        s, e = tok.metadata["start"][trows[k]], tok.metadata["end"][trows[k]]
        assert token_view.highlighted_text() == TEXTS[t][s:e]
    assert token_view.highlighted_text() == "bank"


def test_hovering_a_tree_row_highlights_it_and_leaving_restores_the_selection(qtbot, token_view, sets):
    tok = sets["token"]
    t = 1
    show(token_view, sets, t)
    token_view.select_piece(0)
    selected = token_view.highlighted_text()
    item = token_view.tree_model.item(4, 0).child(0, 0)
    rect = token_view.tree.visualRect(item.index())
    qtbot.mouseMove(token_view.tree.viewport(), rect.center())
    qtbot.waitUntil(lambda: token_view.highlighted_text() != selected, timeout=2000)
    row = rows_of(tok, t)[item.data(INDEX_ROLE)]
    assert token_view.highlighted_text() == TEXTS[t][tok.metadata["start"][row] : tok.metadata["end"][row]]
    QApplication.sendEvent(token_view.tree.viewport(), QEvent(QEvent.Type.Leave))
    assert token_view.highlighted_text() == selected


@pytest.mark.parametrize("t,word", [(1, "unbelievably"), (3, "pizza")])
def test_hovering_the_text_highlights_the_piece_under_the_pointer(qtbot, token_view, sets, t, word):
    tok = sets["token"]
    show(token_view, sets, t)
    box = token_view.text_box
    i = TEXTS[t].index(word) + len(word) - 2  # a character inside the word's last piece
    cursor = box.textCursor()
    cursor.setPosition(box.to_qt(i))
    rect = box.cursorRect(cursor)  # the gap before character i
    qtbot.mouseMove(box.viewport(), QPoint(rect.x() + 2, rect.center().y()))
    qtbot.waitUntil(lambda: token_view.highlighted_text() != "", timeout=2000)
    rows = rows_of(tok, t)
    hit = [r for r in rows if tok.metadata["start"][r] <= i < tok.metadata["end"][r]]
    assert len(hit) == 1
    assert token_view.highlighted_text() == TEXTS[t][tok.metadata["start"][hit[0]] : tok.metadata["end"][hit[0]]]


def test_hovering_the_heatmap_reads_out_the_cell_and_highlights_its_piece(qtbot, token_view, sets):
    tok = sets["token"]
    t = 0
    show(token_view, sets, t)
    hm = token_view.vectors
    with qtbot.waitSignal(hm.cellHovered, timeout=2000) as blocker:
        hm._on_mouse_moved(hm.scene_pos_of(2, 7))
    assert blocker.args == [2, 7]
    row = rows_of(tok, t)[2]
    assert tok.metadata["token"][row] in hm.readout.text()
    assert f"{tok.vectors[row, 7]:+.4f}" in hm.readout.text()
    assert token_view.highlighted_text() == TEXTS[t][tok.metadata["start"][row] : tok.metadata["end"][row]]


def test_layer_profile_is_requested_and_plotted(qtbot, token_view, sets, lm):
    tok = sets["token"]
    t = 1
    show(token_view, sets, t)
    k = 4
    token_view.select_piece(k)
    position = int(tok.metadata["position"][rows_of(tok, t)[k]])
    with qtbot.waitSignal(token_view.layerProfileRequested, timeout=2000) as blocker:
        token_view.layers_button.click()
    assert blocker.args == [t, position]
    piece, norms, sims = layer_profile(lm, TEXTS[t], position)
    assert piece == tok.metadata["token"][rows_of(tok, t)[k]]
    token_view.show_layer_profile(piece, norms, sims)
    assert token_view.tabs.currentIndex() == LAYERS_TAB
    assert token_view.layers_plot.point_count() == lm.num_layers + 1
    x, y = token_view.layers_plot.norm_curve.getData()
    np.testing.assert_allclose(y, norms, rtol=1e-6)
    assert list(x) == list(range(lm.num_layers + 1))
    np.testing.assert_allclose(token_view.layers_plot.cosine_curve.getData()[1], sims, rtol=1e-6)


def test_double_click_and_layers_tab_request_the_profile(qtbot, token_view, sets):
    tok = sets["token"]
    t = 0
    show(token_view, sets, t)
    item = token_view.tree_model.item(1, 0).child(0, 0)
    position = int(tok.metadata["position"][rows_of(tok, t)[item.data(INDEX_ROLE)]])
    rect = token_view.tree.visualRect(item.index())
    qtbot.mouseClick(token_view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # Qt 6 wants the press first
    with qtbot.waitSignal(token_view.layerProfileRequested, timeout=2000) as blocker:
        qtbot.mouseDClick(token_view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [t, position]
    token_view.tabs.setCurrentIndex(0)
    token_view.select_piece(0)
    with qtbot.waitSignal(token_view.layerProfileRequested, timeout=2000) as blocker:
        token_view.tabs.setCurrentIndex(LAYERS_TAB)  # a new piece on the layers tab asks by itself
    assert blocker.args == [t, int(tok.metadata["position"][rows_of(tok, t)[0]])]


def test_special_tokens_empty_texts_and_missing_words(token_view, lm):
    texts = ["The bank.", ""]
    out = extract(lm, texts, ExtractOptions(levels=("token", "word"), include_special=True))
    token_view.show_text(texts[0], 0, out["token"], out["word"])
    n = len(rows_of(out["token"], 0))
    assert token_view.piece_count() == n
    model = token_view.tree_model
    specials = [model.item(r, 0) for r in range(model.rowCount()) if model.item(r, 0).data(KIND_ROLE) == "piece"]
    assert [i.text() for i in specials] == ["[CLS]", "[SEP]"]  # pieces of no word stay top-level
    token_view.select_piece(0)
    assert token_view.highlighted_text() == ""
    token_view.select_piece(1)
    assert token_view.highlighted_text() == "The"
    token_view.tabs.setCurrentIndex(SIMILARITY_TAB)
    token_view.show_text(texts[1], 1, out["token"], out["word"])
    assert token_view.word_count() == 0 and token_view.similarity.image_shape() == (0, 0)
    token_view.show_text(texts[0], 0, out["token"], None)  # no word set: groups come from the pieces
    assert token_view.word_count() == 3 and not token_view.rows_words.isEnabled()
    assert token_view.vectors.image_shape() == (n, out["token"].dim)


def test_clear_empties_everything(token_view, sets):
    show(token_view, sets, 0)
    token_view.tabs.setCurrentIndex(SIMILARITY_TAB)
    assert token_view.similarity.image_shape() != (0, 0)
    token_view.clear()
    assert token_view.piece_count() == 0 and token_view.word_count() == 0
    assert token_view.tree_model.rowCount() == 0
    assert token_view.vectors.image_shape() == (0, 0) and token_view.similarity.image_shape() == (0, 0)
    assert token_view.highlighted_text() == ""
    assert not token_view.layers_button.isEnabled()


# --- SentenceView -----------------------------------------------------------------------------


@pytest.fixture
def sentence_view(qtbot):
    view = SentenceView()
    qtbot.addWidget(view)
    view.resize(1100, 650)
    view.show()
    qtbot.waitExposed(view)
    return view


def brute_top(vectors: np.ndarray, i: int, k: int) -> list[int]:
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cos = unit @ unit[i]
    return [j for j in np.argsort(-cos, kind="stable") if j != i][:k]


def test_sentence_matrix_and_most_similar(qtbot, sentence_view, sets):
    sent = sets["sentence"]
    sentence_view.show_sentences(sent)
    n = len(sent)
    assert sentence_view.similarity_matrix().shape == (n, n)
    assert sentence_view.heatmap.image_shape() == (n, n)
    assert sentence_view.table_model.rowCount() == n
    with qtbot.waitSignal(sentence_view.textSelected, timeout=2000) as blocker:
        sentence_view.select_row(2)
    assert blocker.args == [int(sent.metadata["text_id"][2])]
    similar = sentence_view.similar
    assert len(similar) == min(TOP_K, n - 1)
    assert 2 not in [j for j, _ in similar]
    cos = [c for _, c in similar]
    assert cos == sorted(cos, reverse=True)
    assert [j for j, _ in similar] == brute_top(sent.vectors, 2, TOP_K)
    assert sentence_view.similar_table.rowCount() == len(similar)
    assert sentence_view.similar_table.item(0, 0).text() == f"{cos[0]:+.3f}"


def test_sorted_table_still_emits_the_right_text_id(qtbot, sentence_view, sets):
    sent = sets["sentence"]
    sentence_view.show_sentences(sent)
    sentence_view.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    top = int(np.argmax(np.linalg.norm(sent.vectors, axis=1)))
    with qtbot.waitSignal(sentence_view.textSelected, timeout=2000) as blocker:
        sentence_view.table.setCurrentIndex(sentence_view.table_model.index(0, 0))
    assert blocker.args == [int(sent.metadata["text_id"][top])]
    assert sentence_view.selected_row() == top
    sentence_view.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # the selection follows its text
    assert sentence_view.selected_row() == top
    shown = [sentence_view.table_model.index(r, 1).data() for r in range(len(sent))]
    assert shown == sorted(shown, key=str.lower)


def test_clicking_the_heatmap_and_a_similar_text_selects_it(qtbot, sentence_view, sets):
    sentence_view.show_sentences(sets["sentence"])
    hm = sentence_view.heatmap
    with qtbot.waitSignal(sentence_view.textSelected, timeout=2000) as blocker:
        hm.cellClicked.emit(3, 1)
    assert blocker.args == [3]
    j = sentence_view.similar[0][0]
    with qtbot.waitSignal(sentence_view.textSelected, timeout=2000) as blocker:
        sentence_view.similar_table.cellDoubleClicked.emit(0, 2)
    assert blocker.args == [j]


def test_large_sets_cap_the_heatmap_but_search_all_texts(qtbot, sentence_view):
    rng = np.random.default_rng(0)
    n = HEATMAP_CAP + 100
    vectors = rng.normal(size=(n, 16)).astype(np.float32)
    vectors[-1] = vectors[0] * 3  # same direction as text 0, outside the heatmap
    s = EmbeddingSet(vectors, {"text_id": np.arange(n, dtype=np.int64), "text": [f"text {i}" for i in range(n)]}, {}, "sentence")
    sentence_view.show_sentences(s)
    assert sentence_view.similarity_matrix().shape == (HEATMAP_CAP, HEATMAP_CAP)
    assert f"first {HEATMAP_CAP} of {n}" in sentence_view.cap_note.text()
    sentence_view.select_row(0)
    assert sentence_view.similar[0][0] == n - 1
    assert sentence_view.similar[0][1] == pytest.approx(1.0, abs=1e-5)


def test_sentence_clear(sentence_view, sets):
    sentence_view.show_sentences(sets["sentence"])
    sentence_view.select_row(1)
    sentence_view.clear()
    assert sentence_view.table_model.rowCount() == 0
    assert sentence_view.similar_table.rowCount() == 0
    assert sentence_view.heatmap.image_shape() == (0, 0)


# --- Heatmap ----------------------------------------------------------------------------------


def test_heatmap_labels_levels_and_readout(qtbot):
    hm = Heatmap(value_name="cosine", annotate_max=5)
    qtbot.addWidget(hm)
    hm.resize(500, 400)
    hm.show()
    qtbot.waitExposed(hm)
    m = np.array([[1.0, -0.5, 0.25], [0.1, 0.2, 0.3]], dtype=np.float32)
    hm.set_matrix(m, row_labels=["alpha", "beta"], col_labels=["x", "y", "z"], levels=(-1, 1))
    assert hm.image_shape() == (2, 3) and hm.levels == (-1.0, 1.0)
    assert hm.readout_at(0, 1) == "alpha · y: cosine -0.5000"
    assert hm.cell_at(hm.scene_pos_of(1, 2)) == (1, 2)
    assert len(hm._annotations) == 6
    hm.set_matrix(np.arange(12, dtype=np.float32).reshape(3, 4), cmap="sequential")
    lo, hi = hm.levels
    assert 0 <= lo < hi <= 11
    with pytest.raises(ValueError):
        hm.set_matrix(m, cmap="rainbow")

"""TokenView, SentenceView and Heatmap filled with real vectors from tiny BERT and GPT-2 checkpoints
(pytest-qt, offscreen), alone and in the main window at 1280x800."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QApplication

from semvec_studio.core.extract.analysis import layer_profile
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.models import load_model
from semvec_studio.gui.panels.sentence_view import HEATMAP_CAP, TOP_K, SentenceView
from semvec_studio.gui.panels.token_tree import INDEX_ROLE, KIND_ROLE, PIECE_ROLE
from semvec_studio.gui.panels.token_view import LAYERS_TAB, SIMILARITY_TAB, TokenView
from semvec_studio.gui.plots.heatmap import Heatmap, compact_value
from tests.gui.conftest import embed

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
        pieces = [parent.child(c, 0).data(PIECE_ROLE) for c in range(parent.rowCount())]
        assert " ".join(pieces) == words.metadata["pieces"][w]
    total = sum(model.item(r, 0).rowCount() for r in range(model.rowCount()))
    assert total == len(trows)


def test_tree_columns_show_id_span_and_norm(token_view, sets):
    tok = sets["token"]
    show(token_view, sets, 0)
    first = token_view.tree_model.item(0, 0)
    piece = first.child(0, 0)
    k = piece.data(INDEX_ROLE)
    row = rows_of(tok, 0)[k]
    cells = [first.child(0, c).text() for c in range(4)]
    assert piece.data(PIECE_ROLE) == tok.metadata["token"][row]
    s, e = tok.metadata["start"][row], tok.metadata["end"][row]
    assert cells[0] == TEXTS[0][s:e]  # "The" for the lower-cased piece "the": the text it stands for
    assert cells[1] == str(tok.metadata["token_id"][row])
    assert cells[2] == f"{s}–{e}"
    assert float(cells[3]) == pytest.approx(float(np.linalg.norm(tok.vectors[row])), abs=1e-3)


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


def tree_items(model) -> list:
    """Every first-column item of the tree, parents before their children."""
    out = []
    for r in range(model.rowCount()):
        item = model.item(r, 0)
        out.append(item)
        out.extend(item.child(c, 0) for c in range(item.rowCount()))
    return out


GPT2_TEXT = "Double  spaces and a café at the bank"


@pytest.fixture(scope="module")
def gpt2_sets(tiny_gpt2):
    lm = load_model(tiny_gpt2, device="cpu")
    return extract(lm, [GPT2_TEXT, "tab\there\nand\u00a0there"], ExtractOptions(levels=("token", "word")))


def test_byte_level_pieces_show_the_text_they_stand_for(qtbot, token_view, gpt2_sets):
    tok, words = gpt2_sets["token"], gpt2_sets["word"]
    token_view.show_text(GPT2_TEXT, 0, tok, words)
    items = tree_items(token_view.tree_model)
    shown = [i.text() for i in items]
    assert not any("Ã" in t or "Ġ" in t for t in shown)  # "café" is not "c a f Ã ©", "Ġbank" not "Gbank"
    assert "é 1/2" in shown and "é 2/2" in shown and "␣ban" in shown
    word_rows = [i for i in items if i.data(KIND_ROLE) == "word"]
    assert [i.text() for i in word_rows] == GPT2_TEXT.split()  # no empty word row
    for i in word_rows:
        s, e = token_view.rows.word_span(i.data(INDEX_ROLE))
        assert GPT2_TEXT[s:e] == i.text()
    space = [i for i in items if i.data(PIECE_ROLE) == "Ġ"]
    assert len(space) == 2 and all(i.parent() is None and i.text() == "␣ space" for i in space)  # token rows, no word
    ban = next(i for i in items if i.data(PIECE_ROLE) == "Ġban")
    assert "Ġban" in ban.toolTip()
    labels = token_view.vectors.shown_labels("left")
    assert "é 1/2" in labels and "␣ban" in labels and not any("Ã" in t for t in labels)
    k = ban.data(INDEX_ROLE)
    token_view.vectors._on_mouse_moved(token_view.vectors.scene_pos_of(k, 0))
    assert "␣ban (Ġban)" in token_view.vectors.readout.text()
    token_view.select_piece(k)
    with qtbot.waitSignal(token_view.layerProfileRequested, timeout=2000):
        token_view.layers_button.click()
    assert "“␣ban”" in token_view.layers_plot.title.text()


def test_whitespace_pieces_of_other_kinds_stay_top_level(token_view, gpt2_sets):
    text = "tab\there\nand\u00a0there"
    token_view.show_text(text, 1, gpt2_sets["token"], gpt2_sets["word"])
    items = tree_items(token_view.tree_model)
    top = [i.text() for i in items if i.parent() is None and i.data(KIND_ROLE) == "piece"]
    assert top == ["⇥ tab", "↵ newline", "⍽ nbsp 1/2", "⍽ nbsp 2/2"]
    assert [i.text() for i in items if i.data(KIND_ROLE) == "word"] == text.split()


def test_unknown_pieces_are_marked_fit_their_column_and_warn(qtbot, token_view, lm):
    texts = ["我 a 你", "I 🍕 love pizza"]  # the tiny BERT has no CJK pieces and no emoji
    out = extract(lm, texts, ExtractOptions(levels=("token", "word")))
    token_view.show_text(texts[0], 0, out["token"], out["word"])
    unknown = [i for i in tree_items(token_view.tree_model) if i.data(PIECE_ROLE) == "[UNK]"]
    assert len(unknown) == 2 and all(i.text() == "[UNK]" and "unknown piece" in i.toolTip() for i in unknown)
    assert unknown[0].foreground().color().name() != token_view.tree.palette().text().color().name()
    fm = token_view.tree.fontMetrics()
    for item in unknown:  # the words above them are one narrow character: the column still fits "[UNK]"
        assert token_view.tree.visualRect(item.index()).width() >= fm.horizontalAdvance("[UNK]") + 8
    assert "(2 unknown)" in token_view.caption.text()
    assert token_view.warning.isVisible() and "(2 of 3 pieces unknown)" in token_view.warning.message()
    token_view.show_text(texts[1], 1, out["token"], out["word"])
    assert "(1 unknown)" in token_view.caption.text()
    assert token_view.warning.isHidden()  # one emoji is not a text in another language


@pytest.mark.slow
def test_chinese_text_on_the_default_model_warns_inline(qtbot, token_view):
    lm = load_model("default", device="cpu")
    texts = ["我们在河边的银行里存钱，然后去公园散步。", "The bank raised interest rates."]
    out = extract(lm, texts, ExtractOptions(levels=("token", "word")))
    enc = lm.tokenizer(texts[0]).encodings[0]
    pieces = [t for t, special in zip(enc.tokens, enc.special_tokens_mask) if not special]
    n_unknown = pieces.count(lm.tokenizer.unk_token)
    assert n_unknown > len(pieces) / 2
    token_view.show_text(texts[0], 0, out["token"], out["word"])
    warning = token_view.warning
    assert warning.isVisible()
    assert f"does not cover this text ({n_unknown} of {len(pieces)} pieces unknown); choose a model for its language" in warning.message()
    unknown = [i for i in tree_items(token_view.tree_model) if i.data(PIECE_ROLE) == "[UNK]"]
    assert len(unknown) == n_unknown
    fm = token_view.tree.fontMetrics()
    assert all(token_view.tree.visualRect(i.index()).width() >= fm.horizontalAdvance("[UNK]") + 8 for i in unknown)
    token_view.show_text(texts[1], 1, out["token"], out["word"])
    assert warning.isHidden()


def test_the_selected_word_is_marked_in_the_similarity_matrix(token_view, sets):
    show(token_view, sets, 1)
    token_view.tabs.setCurrentIndex(SIMILARITY_TAB)
    sim = token_view.similarity
    assert sim.marked == (None, None)
    token_view.select_word(3)
    assert sim.marked == (3, 3)
    assert sim.marks[0].isVisible() and sim.marks[0].rect().y() == 3 and sim.marks[1].rect().x() == 3
    k = int(token_view.rows.pieces_of_word(5)[0])
    token_view.select_piece(k)
    assert sim.marked == (5, 5)
    assert token_view.vectors.marked == (k, None)  # the piece's row in the vectors heatmap


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


def test_empty_heatmap_shows_a_hint_instead_of_axes(qtbot):
    hm = Heatmap(empty_hint="Embed some texts…")
    qtbot.addWidget(hm)
    hm.resize(500, 400)
    hm.show()
    qtbot.waitExposed(hm)
    assert hm.hint.isVisible() and hm.hint.text() == "Embed some texts…"
    assert not hm.plot.getAxis("left").isVisible() and not hm.plot.getAxis("bottom").isVisible()
    assert max(abs(v) for r in hm.plot.vb.viewRange() for v in r) <= 1
    hm.set_matrix(np.eye(3, dtype=np.float32))
    assert hm.hint.isHidden() and hm.plot.getAxis("left").isVisible()
    hm.clear("Nothing here.")
    assert hm.hint.isVisible() and hm.hint.text() == "Nothing here." and hm.image_shape() == (0, 0)


def test_values_are_written_in_cells_that_fit_them(qtbot):
    hm = Heatmap(value_name="cosine", annotate_max=40)
    qtbot.addWidget(hm)
    hm.resize(600, 500)
    hm.show()
    qtbot.waitExposed(hm)
    m = np.corrcoef(np.random.default_rng(0).normal(size=(8, 20))).astype(np.float32)
    hm.set_matrix(m, levels=(-1, 1))
    qtbot.waitUntil(lambda: len(hm._annotations) == 64 and all(a.isVisible() for a in hm._annotations), timeout=3000)
    assert hm._annotations[1].textItem.toPlainText() == compact_value(float(m[0, 1]))
    hm.resize(160, 120)  # cells too small for their values
    qtbot.waitUntil(lambda: not any(a.isVisible() for a in hm._annotations), timeout=3000)


def test_every_label_that_fits_is_shown_and_columns_turn_upright(qtbot):
    hm = Heatmap(value_name="cosine")
    qtbot.addWidget(hm)
    hm.resize(520, 480)
    hm.show()
    qtbot.waitExposed(hm)
    words = ["deposited", "the", "cheque", "at", "riverbank", "before", "noon", "and", "walked", "home",
             "slowly", "through", "quiet", "streets", "tonight"]
    hm.set_matrix(np.eye(15, dtype=np.float32), row_labels=words, col_labels=words)
    qtbot.waitUntil(lambda: hm.shown_labels("bottom") == words and hm.shown_labels("left") == words, timeout=3000)
    assert hm.bottom_axis.vertical  # wider than a column: they read upwards instead of being dropped
    hm.set_marked(4, 4)
    assert hm.marks[0].rect().getRect() == (0, 4, 15, 1) and hm.marks[1].rect().getRect() == (4, 0, 1, 15)
    assert hm.left_axis.marked == 4 and hm.bottom_axis.marked == 4
    hm.resize(520, 140)  # too short for 15 rows: a regular subset
    qtbot.waitUntil(lambda: 1 < len(hm.shown_labels("left")) < 15, timeout=3000)


# --- in the main window at 1280x800 ---------------------------------------------------------------

LONG_SENTENCE = "She quietly deposited the heavy cheque at the old river bank before noon today."  # 15 words


@pytest.fixture
def window_1280(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    window.resize(1280, 800)
    window.text_panel.set_texts([LONG_SENTENCE, *TEXTS])
    embed(qtbot, window)
    return window


def test_texts_tab_gives_the_matrix_room(qtbot, window_1280):
    window = window_1280
    window.views.setCurrentWidget(window.sentence_view)
    vb = window.sentence_view.heatmap.plot.vb
    qtbot.waitUntil(lambda: vb.sceneBoundingRect().width() >= 280 and vb.sceneBoundingRect().height() >= 280, timeout=5000)


def test_word_similarity_at_1280x800_shows_every_word_and_the_values(qtbot, window_1280):
    window = window_1280
    view = window.token_view
    window.views.setCurrentWidget(view)
    window.sentence_view.select_text_id(0)
    words = list(view.rows.words["word"])
    assert len(words) == 15
    view.tabs.setCurrentIndex(SIMILARITY_TAB)
    sim = view.similarity
    qtbot.waitUntil(lambda: sim.shown_labels("bottom") == words and sim.shown_labels("left") == words, timeout=5000)
    qtbot.waitUntil(lambda: len(sim._annotations) == len(words) ** 2 and sim._annotations[0].isVisible(), timeout=5000)
    view.select_word(words.index("bank"))
    assert sim.marked == (words.index("bank"),) * 2

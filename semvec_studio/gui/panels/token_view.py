"""Token and word view: one text's pieces grouped under their words, with the text above (the
hovered or selected piece highlighted), a heatmap of the vectors, the words' cosine matrix and
one piece's path through the layers.

Pieces are shown as the text they stand for, never as stored (``Ġbank``, ``Ã©``): see
:mod:`semvec_studio.core.extract.pieces`. A text the model's vocabulary does not cover (many
unknown pieces) gets an inline warning above the pieces.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.extract.analysis import cosine_matrix
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.gui.notifier import InlineMessage
from semvec_studio.gui.panels.span_text import SpanText
from semvec_studio.gui.panels.token_tree import INDEX_ROLE, KIND_ROLE, TextRows, TokenTreeDelegate, fill_tree_model, select_text
from semvec_studio.gui.plots.heatmap import Heatmap
from semvec_studio.gui.plots.layer_plot import LayerProfilePlot
from semvec_studio.gui.plots.style import is_dark

VECTORS_TAB, SIMILARITY_TAB, LAYERS_TAB = 0, 1, 2
TREE_MAX_MIN_WIDTH = 520
# shown translated: self.tr(EMPTY_CAPTION)
EMPTY_CAPTION = QT_TRANSLATE_NOOP("TokenView", "No text selected: embed some text and pick one in the sentence list.")
VECTORS_HINT = QT_TRANSLATE_NOOP("TokenView", "Embed some texts: the vectors of the selected text's pieces appear here.")
SIMILARITY_HINT = QT_TRANSLATE_NOOP("TokenView", "Embed some texts: the cosine similarity of the selected text's words appears here.")
NO_WORDS_HINT = QT_TRANSLATE_NOOP("TokenView", "This text has no words to compare.")



def _page(page: QWidget, bar: QHBoxLayout, body: QWidget) -> QWidget:
    """A tab page: a row of controls over ``body``."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(2, 2, 2, 2)
    layout.addLayout(bar)
    layout.addWidget(body, 1)
    return page

class TokenView(QWidget):
    """``show_text(text, text_id, tokens, words)``, ``clear()``, ``show_layer_profile(...)``."""

    layerProfileRequested = Signal(int, int)  # (text_id, token position incl. special tokens)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: TextRows | None = None
        self._similarity_stale = False
        self.tree_model = QStandardItemModel(self)
        self._piece_items: dict = {}
        self._word_items: dict = {}
        self._profile_key: tuple[int, int] | None = None
        self._build()
        self.clear()

    # --- construction -------------------------------------------------------------------------

    def _build(self) -> None:
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.warning = InlineMessage(self)
        self.text_box = SpanText(self)
        self.tree = self._build_tree()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_vectors_tab(), self.tr("Vectors"))
        self.similarity = Heatmap(self, max_tick_labels=60, label_chars=14, value_name=self.tr("cosine"), annotate_max=40,
                                  empty_hint=self.tr(SIMILARITY_HINT))
        self.similarity.set_axis_titles(self.tr("word"), self.tr("word"))
        self.tabs.addTab(self.similarity, self.tr("Word similarity"))
        self.tabs.addTab(self._build_layers_tab(), self.tr("Layers"))
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([300, 900])  # the tree at its minimum (every column shown), the plots the rest
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.warning)
        layout.addWidget(self.text_box)
        layout.addWidget(self.splitter, 1)
        self._connect()

    def _build_tree(self) -> QTreeView:
        tree = QTreeView(self)
        tree.setModel(self.tree_model)
        tree.setItemDelegate(TokenTreeDelegate(tree))
        tree.setUniformRowHeights(True)
        tree.setAlternatingRowColors(True)
        tree.setMouseTracking(True)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._tree_viewport = tree.viewport()
        self._tree_viewport.installEventFilter(self)  # (events may come before self.tree is set)
        return tree

    def _build_vectors_tab(self) -> QWidget:
        page = QWidget(self)
        self.rows_pieces = QRadioButton(self.tr("pieces"), page)
        self.rows_words = QRadioButton(self.tr("whole words"), page)
        self.rows_pieces.setChecked(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Rows:"), page))
        bar.addWidget(self.rows_pieces)
        bar.addWidget(self.rows_words)
        bar.addStretch(1)
        self.vectors = Heatmap(page, max_tick_labels=60, label_chars=14, value_name=self.tr("value"), empty_hint=self.tr(VECTORS_HINT))
        self.vectors.set_axis_titles(self.tr("piece"), self.tr("dimension"))
        return _page(page, bar, self.vectors)

    def _build_layers_tab(self) -> QWidget:
        page = QWidget(self)
        self.layers_button = QPushButton(self.tr("Show layers of the selected piece"), page)
        self.layers_button.setToolTip(self.tr("Run the model once more with every layer's output for this text (or double-click a piece)."))
        self.layers_plot = LayerProfilePlot(page)
        bar = QHBoxLayout()
        bar.addWidget(self.layers_button)
        bar.addStretch(1)
        return _page(page, bar, self.layers_plot)

    def _connect(self) -> None:
        self.tree.selectionModel().currentChanged.connect(self._on_current_changed)
        self.tree.entered.connect(self._on_tree_hovered)
        self.tree.doubleClicked.connect(self._on_double_clicked)
        self.rows_pieces.toggled.connect(self._refresh_vectors)
        self.vectors.cellHovered.connect(self._on_vectors_hovered)
        self.similarity.cellHovered.connect(self._on_similarity_hovered)
        self.text_box.charHovered.connect(self._on_char_hovered)
        self.layers_button.clicked.connect(self.request_layer_profile)
        self.tabs.currentChanged.connect(self._on_tab_changed)

    # --- public interface ---------------------------------------------------------------------

    def show_text(self, text: str, text_id: int, tokens: EmbeddingSet, words: EmbeddingSet) -> None:
        """Show the pieces and words of ``text_id`` (rows of the full token and word sets)."""
        self.rows = select_text(text, text_id, tokens, words)
        self._profile_key = None
        self.text_box.show_text(text)
        self._piece_items, self._word_items = fill_tree_model(self.tree_model, self.rows, is_dark(self))
        self.tree.expandAll()  # before fitting: collapsed pieces would not be measured
        self._fit_tree_columns()
        self.caption.setText(self._caption(tokens))
        warning = self.rows.coverage_warning()
        if warning:
            self.warning.show_error(warning)
        else:
            self.warning.clear()
        has_words = self.rows.n_words > 0 and bool(np.isfinite(self.rows.word_vectors).all())
        self.rows_words.setEnabled(has_words)
        if not has_words:
            self.rows_pieces.setChecked(True)
        self._refresh_vectors()
        self.similarity.clear(self.tr(SIMILARITY_HINT) if has_words else self.tr(NO_WORDS_HINT))
        self._similarity_stale = has_words  # computed when its tab is shown: N x N for long texts
        self._refresh_similarity()
        self.layers_plot.clear()
        self._update_layers_button()

    def clear(self) -> None:
        self.rows = None
        self._profile_key = None
        self._piece_items, self._word_items = {}, {}
        self.tree_model.clear()
        self.text_box.clear_text()
        self.caption.setText(self.tr(EMPTY_CAPTION))
        self.warning.clear()
        self.vectors.clear()
        self.similarity.clear(self.tr(SIMILARITY_HINT))
        self._similarity_stale = False
        self.layers_plot.clear()
        self._update_layers_button()

    def show_layer_profile(self, token: str, norms: np.ndarray, sims_to_final: np.ndarray) -> None:
        """Plot a piece's layers; ``token`` (the stored piece) is shown as the piece's label."""
        k = self.selected_piece()
        if self._profile_key is None and k is not None:
            self._profile_key = (self.rows.text_id, int(self.rows.pieces["position"][k]))
        self.layers_plot.show_profile(self._profile_label(token), norms, sims_to_final)
        self.tabs.blockSignals(True)  # showing the result must not ask for it again
        self.tabs.setCurrentIndex(LAYERS_TAB)
        self.tabs.blockSignals(False)

    def piece_count(self) -> int:
        return 0 if self.rows is None else self.rows.n_pieces

    def word_count(self) -> int:
        return 0 if self.rows is None else self.rows.n_words

    def select_piece(self, k: int) -> None:
        """Make piece ``k`` (row of the text's pieces, 0-based) the current row of the tree."""
        self.tree.setCurrentIndex(self._piece_items[k])

    def select_word(self, w: int) -> None:
        self.tree.setCurrentIndex(self._word_items[w])

    def selected_piece(self) -> int | None:
        """The current piece, or the first piece of the current word; None when nothing is."""
        kind, k = self._kind_index(self.tree.currentIndex())
        if kind == "word":
            pieces = self.rows.pieces_of_word(k)
            return int(pieces[0]) if len(pieces) else None
        return k if kind == "piece" else None

    def highlighted_text(self) -> str:
        return self.text_box.highlighted_text()

    def request_layer_profile(self) -> None:
        """Ask (through ``layerProfileRequested``) for the layers of the selected piece."""
        k = self.selected_piece()
        if k is None or self.rows is None:
            return
        self._profile_key = (self.rows.text_id, int(self.rows.pieces["position"][k]))
        self.layers_plot.title.setText(self.tr("Computing the layers of “{0}”…").format(self.rows.piece_label(k)))
        self.layerProfileRequested.emit(*self._profile_key)

    # --- views ----------------------------------------------------------------------------------

    def _profile_label(self, token: str) -> str:
        """The label of the piece whose layers are shown (``token`` when it is not on screen)."""
        r = self.rows
        if r is None or self._profile_key is None or self._profile_key[0] != r.text_id:
            return token
        hit = np.nonzero(np.asarray(r.pieces["position"]) == self._profile_key[1])[0]
        return r.piece_label(int(hit[0])) if len(hit) else token

    def _caption(self, tokens: EmbeddingSet) -> str:
        r = self.rows
        man = tokens.manifest or {}
        layers = man.get("layers_resolved") or man.get("layers")
        how = []
        if layers is not None:
            combine = f" ({man.get('layer_combine')})" if len(layers) > 1 else ""
            listed = ", ".join(str(x) for x in layers)
            how.append((self.tr("layers {0}") if len(layers) > 1 else self.tr("layer {0}")).format(listed) + combine)
        if man.get("word_pooling"):
            how.append(self.tr("word pooling: {0}").format(man["word_pooling"]))
        unknown = r.unknown_count()
        pieces = self.tr("{0} pieces in {1} words").format(r.n_pieces, r.n_words)
        pieces += self.tr(" ({0} unknown)").format(unknown) if unknown else ""
        facts = [self.tr("Text {0}").format(r.text_id), pieces, self.tr("{0} dimensions").format(tokens.dim), *how]
        return " · ".join(facts) + self.tr(" — hover or select a piece to see it in the text; double-click for its layers.")

    def _fit_tree_columns(self) -> None:
        """Size the columns to their contents once (not live: that re-measures on every change)."""
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setResizeContentsPrecision(300)  # rows measured: enough, and fast for long texts
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col in range(self.tree_model.columnCount()):
            self.tree.resizeColumnToContents(col)
            self.tree.setColumnWidth(col, self.tree.columnWidth(col) + 8)
        self.tree.setColumnWidth(0, min(self.tree.columnWidth(0) + 16, 240))
        need = sum(self.tree.columnWidth(c) for c in range(self.tree_model.columnCount()))
        need += self.tree.verticalScrollBar().sizeHint().width() + 2 * self.tree.frameWidth() + 4
        self.tree.setMinimumWidth(min(need, TREE_MAX_MIN_WIDTH))  # every column visible; the plots take the rest

    def _refresh_vectors(self, *_args) -> None:
        r = self.rows
        if r is None or r.n_pieces == 0:
            self.vectors.clear()
            return
        if self.rows_pieces.isChecked():
            self.vectors.set_axis_titles(self.tr("piece"), self.tr("dimension"))
            self.vectors.set_matrix(r.piece_vectors, row_labels=r.readout_labels(), row_ticks=[p.label for p in r.labels])
        else:
            self.vectors.set_axis_titles(self.tr("word"), self.tr("dimension"))
            self.vectors.set_matrix(r.word_vectors, row_labels=list(r.words["word"]))
        self._update_marks()

    def _refresh_similarity(self) -> None:
        r = self.rows
        if not self._similarity_stale or self.tabs.currentIndex() != SIMILARITY_TAB:
            return
        self._similarity_stale = False
        labels = list(r.words["word"])
        self.similarity.set_matrix(cosine_matrix(r.word_vectors), row_labels=labels, col_labels=labels, levels=(-1.0, 1.0))
        self._update_marks()

    def _update_marks(self) -> None:
        """Mark the selected word's row and column in the similarity matrix and the selected
        piece's (or word's) row in the vectors heatmap."""
        kind, k = self._kind_index(self.tree.currentIndex())
        piece = k if kind == "piece" and self.rows is not None else None
        word = k if kind == "word" else (self.rows.word_of_piece(k) if piece is not None else -1)
        word = word if word >= 0 else None
        self.similarity.set_marked(word, word)
        self.vectors.set_marked(piece if self.rows_pieces.isChecked() else word, None)

    def _update_layers_button(self) -> None:
        self.layers_button.setEnabled(self.rows is not None and self.selected_piece() is not None)

    # --- highlighting ---------------------------------------------------------------------------

    def _kind_index(self, index: QModelIndex) -> tuple[str | None, int]:
        if not index.isValid():
            return None, -1
        first = index.siblingAtColumn(0)
        return first.data(KIND_ROLE), first.data(INDEX_ROLE)

    def _span_of(self, kind: str | None, k: int) -> tuple[int, int] | None:
        if self.rows is None or kind is None or k < 0:
            return None
        return self.rows.piece_span(k) if kind == "piece" else self.rows.word_span(k)

    def _show_spans(self, *spans) -> None:
        self.text_box.highlight([s for s in spans if s is not None])

    def _restore_selection_highlight(self) -> None:
        self._show_spans(self._span_of(*self._kind_index(self.tree.currentIndex())))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_spans(self._span_of(*self._kind_index(current)))
        self._update_marks()
        self._update_layers_button()
        if self.tabs.currentIndex() == LAYERS_TAB:
            self._auto_request()

    def _on_tree_hovered(self, index: QModelIndex) -> None:
        self._show_spans(self._span_of(*self._kind_index(index)))

    def _on_double_clicked(self, index: QModelIndex) -> None:
        self.tree.setCurrentIndex(index)
        self.request_layer_profile()

    def _on_vectors_hovered(self, row: int, _col: int) -> None:
        if row < 0:
            self._restore_selection_highlight()
        else:
            self._show_spans(self._span_of("piece" if self.rows_pieces.isChecked() else "word", row))

    def _on_similarity_hovered(self, row: int, col: int) -> None:
        if row < 0:
            self._restore_selection_highlight()
        else:
            self._show_spans(self._span_of("word", row), self._span_of("word", col) if col != row else None)

    def _on_char_hovered(self, i: int) -> None:
        r = self.rows
        if r is None or i < 0:
            self._restore_selection_highlight()
            return
        hit = np.nonzero((r.pieces["start"] <= i) & (i < r.pieces["end"]))[0] if r.n_pieces else []
        if len(hit):
            self._show_spans(r.piece_span(int(hit[0])))
        else:
            self._restore_selection_highlight()

    def _on_tab_changed(self, index: int) -> None:
        if index == LAYERS_TAB:
            self._auto_request()
        elif index == SIMILARITY_TAB:
            self._refresh_similarity()

    def _auto_request(self) -> None:
        k = self.selected_piece()
        if k is not None and self._profile_key != (self.rows.text_id, int(self.rows.pieces["position"][k])):
            self.request_layer_profile()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if obj is self._tree_viewport and event.type() == QEvent.Type.Leave:
            self._restore_selection_highlight()
        return super().eventFilter(obj, event)

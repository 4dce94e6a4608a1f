"""The rows of one text, cut from token- and word-level EmbeddingSets, and the tree model that
shows its pieces grouped under their whole words.

Pieces are shown as the text they stand for (:mod:`semvec_studio.core.extract.pieces`), the
stored piece in the tooltip and in ``PIECE_ROLE``; unknown pieces are drawn in a warning colour.
A piece's word is its parent row, so the tree has no word column: that width goes to the plots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QStyledItemDelegate

from semvec_studio.core.extract.pieces import Piece, coverage_warning, piece_labels
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.gui.i18n import translate

# short: the plots beside the tree need the width (shown translated, context "TokenTree")
HEADERS = (QT_TRANSLATE_NOOP("TokenTree", "piece"), QT_TRANSLATE_NOOP("TokenTree", "id"), QT_TRANSLATE_NOOP("TokenTree", "chars"),
           QT_TRANSLATE_NOOP("TokenTree", "norm"))
HEADER_TIPS = (QT_TRANSLATE_NOOP("TokenTree", "The piece as the text it stands for (the stored piece in its tooltip); words hold "
                                 "their pieces"),
               QT_TRANSLATE_NOOP("TokenTree", "Token id in the model's vocabulary"),
               QT_TRANSLATE_NOOP("TokenTree", "Character span in the text (start–end)"), QT_TRANSLATE_NOOP("TokenTree", "Vector norm"))
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "word" or "piece"
INDEX_ROLE = Qt.ItemDataRole.UserRole + 2  # row within TextRows.pieces / TextRows.words
PIECE_ROLE = Qt.ItemDataRole.UserRole + 3  # the stored piece ("Ġbank") of a piece row
UNKNOWN_LIGHT, UNKNOWN_DARK = "#c62828", "#ff8a80"


@dataclass
class TextRows:
    """One text's pieces and words: metadata columns (numpy arrays or lists) and vectors."""

    text: str
    text_id: int
    pieces: dict
    piece_vectors: np.ndarray
    words: dict
    word_vectors: np.ndarray
    labels: list[Piece]  # how each piece is shown

    @property
    def n_pieces(self) -> int:
        return len(self.piece_vectors)

    @property
    def n_words(self) -> int:
        return len(self.word_vectors)

    def piece_span(self, k: int) -> tuple[int, int]:
        return int(self.pieces["start"][k]), int(self.pieces["end"][k])

    def word_span(self, k: int) -> tuple[int, int]:
        return int(self.words["start"][k]), int(self.words["end"][k])

    def pieces_of_word(self, k: int) -> np.ndarray:
        return np.nonzero(self.pieces["word_index"] == self.words["position"][k])[0]

    def word_of_piece(self, k: int) -> int:
        """Row in ``words`` of piece ``k``'s word, or -1 (special tokens, whitespace)."""
        hit = np.nonzero(self.words["position"] == self.pieces["word_index"][k])[0]
        return int(hit[0]) if len(hit) and self.pieces["word_index"][k] >= 0 else -1

    def piece_label(self, k: int) -> str:
        return self.labels[k].label

    def readout_labels(self) -> list[str]:
        """Each piece's label, followed by the stored piece where they differ (for readouts)."""
        return [p.label if p.label == t else f"{p.label} ({t})" for p, t in zip(self.labels, self.pieces["token"])]

    def unknown_count(self) -> int:
        return sum(p.unknown for p in self.labels)

    def coverage_warning(self) -> str | None:
        if not self.n_pieces:
            return None
        return coverage_warning(self.pieces["token"], self.pieces["start"], self.pieces["end"], self.text)


def _rows_of(s: EmbeddingSet | None, text_id: int) -> tuple[dict, np.ndarray]:
    if s is None or len(s) == 0:
        return {}, np.zeros((0, 0), np.float32)
    idx = np.nonzero(np.asarray(s.metadata["text_id"]) == text_id)[0]
    cols = {}
    for name, col in s.metadata.items():
        if isinstance(col, np.ndarray):
            cols[name] = col[idx]
        elif name in ("text_id", "position", "token_id", "word_index", "start", "end"):
            cols[name] = np.asarray([col[i] for i in idx], dtype=np.int64)
        else:
            cols[name] = [col[i] for i in idx]
    return cols, np.asarray(s.vectors[idx], dtype=np.float32)


def select_text(text: str, text_id: int, tokens: EmbeddingSet, words: EmbeddingSet | None) -> TextRows:
    """The rows of ``text_id`` from the token and word sets, in position order."""
    pieces, pvec = _rows_of(tokens, text_id)
    wcols, wvec = _rows_of(words, text_id)
    if not wcols:  # no word set: derive word groups from the pieces, without vectors
        wcols, wvec = _derive_words(text, pieces, pvec.shape[1] if pvec.ndim == 2 else 0)
    labels = piece_labels(pieces["token"], pieces["start"], pieces["end"], text) if pieces else []
    return TextRows(text, text_id, pieces, pvec, wcols, wvec, labels)


def _derive_words(text: str, pieces: dict, dim: int) -> tuple[dict, np.ndarray]:
    if not pieces:
        empty = np.zeros(0, np.int64)
        return {"position": empty, "word": [], "start": empty.copy(), "end": empty.copy()}, np.zeros((0, dim), np.float32)
    positions = sorted({int(w) for w in pieces["word_index"] if w >= 0})
    starts, ends = [], []
    for w in positions:
        sel = pieces["word_index"] == w
        starts.append(int(pieces["start"][sel].min()))
        ends.append(int(pieces["end"][sel].max()))
    cols = {"position": np.asarray(positions, np.int64), "word": [text[s:e] for s, e in zip(starts, ends)],
            "start": np.asarray(starts, np.int64), "end": np.asarray(ends, np.int64)}
    return cols, np.full((len(positions), dim), np.nan, np.float32)


_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter  # built once: enum operations are slow in PySide6


NUMBER_COLUMNS = (1, 2, 3)


class TokenTreeDelegate(QStyledItemDelegate):
    """Word rows in bold, number columns right-aligned: done while painting the visible rows,
    which is far cheaper than setting a font and an alignment on each of thousands of items."""

    def initStyleOption(self, option, index) -> None:  # noqa: N802 (Qt API)
        super().initStyleOption(option, index)
        if index.column() in NUMBER_COLUMNS:
            option.displayAlignment = _RIGHT
        elif index.column() == 0 and index.data(KIND_ROLE) == "word":
            option.font.setBold(True)


def _item(text: str, kind: str | None = None, index: int | None = None) -> QStandardItem:
    item = QStandardItem(text)  # the tree has no edit triggers, so items need no flags changed
    if kind is not None:
        item.setData(kind, KIND_ROLE)
        item.setData(index, INDEX_ROLE)
    return item


def _norm_texts(vectors: np.ndarray) -> list[str]:
    norms = np.linalg.norm(vectors, axis=1) if len(vectors) else np.zeros(0)
    return ["" if not np.isfinite(n) else f"{n:.3f}" for n in norms.tolist()]


def _span_text(s: int, e: int) -> str:
    return "—" if s < 0 else f"{s}–{e}"


def _piece_row(rows: TextRows, k: int, norm: str, unknown: QBrush) -> list[QStandardItem]:
    s, e = rows.piece_span(k)
    piece = rows.labels[k]
    first = _item(piece.label, "piece", k)
    first.setData(str(rows.pieces["token"][k]), PIECE_ROLE)
    first.setToolTip(piece.note)
    if piece.unknown:  # few per text: a per-item colour costs nothing here
        first.setForeground(unknown)
    return [first, _item(str(int(rows.pieces["token_id"][k]))), _item(_span_text(s, e)), _item(norm)]


def _word_row(rows: TextRows, w: int, norm: str) -> list[QStandardItem]:
    s, e = rows.word_span(w)
    return [_item(str(rows.words["word"][w]), "word", w), _item(""), _item(_span_text(s, e)), _item(norm)]


def fill_tree_model(model: QStandardItemModel, rows: TextRows, dark: bool = False) -> tuple[dict[int, QPersistentModelIndex],
                                                                                             dict[int, QPersistentModelIndex]]:
    """Words as parent rows with their pieces as children; pieces of no word (special tokens,
    whitespace) stay top-level.

    Returns the index of each piece's and each word's first cell, keyed by their row in ``rows``
    (persistent indexes, not the items: a Python wrapper kept for an item the model deletes can be
    handed back by PySide for another object later made at the same address).
    """
    model.clear()
    unknown = QBrush(QColor(UNKNOWN_DARK if dark else UNKNOWN_LIGHT))
    piece_items: dict[int, QStandardItem] = {}
    model.setHorizontalHeaderLabels([translate("TokenTree", h) for h in HEADERS])
    for c, tip in enumerate(HEADER_TIPS):
        model.horizontalHeaderItem(c).setToolTip(translate("TokenTree", tip))
    word_items: dict[int, QStandardItem] = {}
    word_row_of = {int(p): w for w, p in enumerate(rows.words["position"])}
    piece_norms, word_norms = _norm_texts(rows.piece_vectors), _norm_texts(rows.word_vectors)
    root = model.invisibleRootItem()
    for k in range(rows.n_pieces):
        w = word_row_of.get(int(rows.pieces["word_index"][k]), -1)
        if w < 0:
            items = _piece_row(rows, k, piece_norms[k], unknown)
            root.appendRow(items)
            piece_items[k] = items[0]
            continue
        if w not in word_items:
            items = _word_row(rows, w, word_norms[w])
            root.appendRow(items)
            word_items[w] = items[0]
        items = _piece_row(rows, k, piece_norms[k], unknown)
        word_items[w].appendRow(items)
        piece_items[k] = items[0]
    return ({k: QPersistentModelIndex(item.index()) for k, item in piece_items.items()},
            {w: QPersistentModelIndex(item.index()) for w, item in word_items.items()})

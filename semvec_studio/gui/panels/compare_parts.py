"""Widgets of the Compare view: the choice of one side (a layer or layer mix of the current model or
of another checkpoint folder, or a static word-vector file), the "most changed" table (a model over the comparison's rows, sorted
by a proxy), and a row's two neighbour lists with what entered and what left."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.compare.pair import SpaceSpec
from semvec_studio.gui.i18n import translate

LAST_MIX = 4
SIDE_KINDS = ((QT_TRANSLATE_NOOP("SideControls", "model layer"), "model"), (QT_TRANSLATE_NOOP("SideControls", "static file"), "static"))
STATIC_LIMIT = 200_000  # the first (most frequent) words read from a static file, by default
STATIC_LIMIT_MAX = 100_000_000
STATIC_FILTER = QT_TRANSLATE_NOOP("SideControls", "Word vectors (*.txt *.vec *.bin *.w2v *.glove);;All files (*)")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the comparison row a list item stands for
STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # "kept", "left" or "entered"
SORT_ROLE = Qt.ItemDataRole.UserRole + 3
KEPT, LEFT, ENTERED = "kept", "left", "entered"
MARKS = {KEPT: "  ", LEFT: "− ", ENTERED: "+ "}
STATE_NAMES = {KEPT: QT_TRANSLATE_NOOP("NeighbourLists", "kept"), LEFT: QT_TRANSLATE_NOOP("NeighbourLists", "left"),
               ENTERED: QT_TRANSLATE_NOOP("NeighbourLists", "entered")}
STATE_COLORS = {LEFT: ("#ff8a80", "#c62828"), ENTERED: ("#69f0ae", "#2e7d32")}  # (dark, light)
LABEL_CHARS = 48
CONTEXT_CHARS = 90


def short(text: str, chars: int = LABEL_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= chars else text[: chars - 1] + "…"


def layer_choices(num_layers: int) -> list[tuple[str, tuple[int, ...]]]:
    """The layer combo's entries for a model of ``num_layers`` layers: each layer, the last one,
    and the mean of the last four (negative indices, so they fit another model too)."""
    last = min(LAST_MIX, num_layers)
    out = [(translate("SideControls", "layer 0 (embeddings)"), (0,))]
    out += [(translate("SideControls", "layer {0}").format(k), (k,)) for k in range(1, num_layers)]
    out.append((translate("SideControls", "last layer ({0})").format(num_layers), (-1,)))
    if last > 1:
        out.append((translate("SideControls", "mean of last {0}").format(last), tuple(range(-last, 0))))
    return out


def text_ids(result) -> np.ndarray:
    """The text number (from 0) of each row of a :class:`~semvec_studio.core.compare.pair.PairComparison`."""
    return np.asarray(result.a.metadata.get("text_id", np.arange(len(result))), dtype=np.int64)


def row_labels(result) -> tuple[list[str], list[str]]:
    """Each row's word (or text), and the same with where it is, for the neighbour lists."""
    meta = result.a.metadata
    if result.a.level == "sentence":
        labels = [str(t) for t in meta["text"]]
        return labels, [f"{i + 1}: {t}" for i, t in enumerate(labels)]
    labels = [str(w) for w in meta["token" if result.a.level == "token" else "word"]]
    where = translate("CompareRows", "{0} (text {1})")
    return labels, [where.format(w, t + 1) for w, t in zip(labels, text_ids(result).tolist())]


def describe_row(result, i: int, labels: list[str], texts: list[str]) -> str:
    """Rich text for a hovered row: the word inside its text (or the text), and its overlap."""
    if not 0 <= i < len(result):
        return ""
    overlap = translate("CompareRows", "overlap {0}").format(f"{result.overlap.overlap[i]:.2f}")
    text_n = translate("CompareRows", "text {0}")
    if result.a.level == "sentence":
        return f"{html.escape(short(labels[i], 200))}<br>{text_n.format(i + 1)} · {overlap}"
    meta = result.a.metadata
    t = int(meta["text_id"][i])
    context = ""
    if 0 <= t < len(texts) and "start" in meta:
        text, s, e = texts[t], int(meta["start"][i]), int(meta["end"][i])
        pad = CONTEXT_CHARS // 2
        context = (f"<br>{'…' if s > pad else ''}{html.escape(text[max(0, s - pad):s])}<b><u>{html.escape(text[s:e])}</u></b>"
                   f"{html.escape(text[e:e + pad])}{'…' if e + pad < len(text) else ''}")
    return f"<b>{html.escape(labels[i])}</b> · {text_n.format(t + 1)}{context}<br>{overlap}"


class SideControls(QWidget):
    """One side of the comparison: its kind (``kind``: "model" or "static"); for a model, a layer
    (or mix) and the model (empty: the current one); for a static word-vector file, its path and
    how many of its first (most frequent) words to read (``limit``, 0: all)."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side = name
        self.name = QLabel(f"<b>{name}</b>")
        self.kind = QComboBox()
        for text, kind in SIDE_KINDS:
            self.kind.addItem(self.tr(text), kind)
        self.kind.setToolTip(self.tr("What gives side {0}'s vectors: a layer (or mean of layers) of a model, or a static "
                                     "word-vector file (word2vec, GloVe or fastText .vec; whole words only).").format(name))
        self.kind.currentIndexChanged.connect(self._on_kind)
        self.layer = QComboBox()
        self.layer.setToolTip(self.tr("Which layer (or mean of layers) gives side {0}'s vectors.").format(name))
        self.layer.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.layer.activated.connect(self._on_activated)
        self._chosen = False  # the user picked a layer: it stays when the model changes
        self.of = QLabel(self.tr("of"))
        self.model = QLineEdit()
        self.model.setPlaceholderText(self.tr("the current model"))
        self.model.setClearButtonEnabled(True)
        self.model.setToolTip(self.tr("Leave empty for the current model, or choose another local checkpoint folder for side {0} "
                                      "(e.g. the base model and its fine-tuned checkpoint).").format(name))
        self.static = QLineEdit()
        self.static.setPlaceholderText(self.tr("a word2vec, GloVe or fastText .vec file"))
        self.static.setClearButtonEnabled(True)
        self.static.setToolTip(self.tr("The static word-vector file for side {0}: word2vec (binary or text), GloVe (text) "
                                       "or fastText .vec. Each word of the texts gets its vector; words it lacks are left out of both "
                                       "sides.").format(name))
        self.limit_label = QLabel(self.tr("first"))
        self.limit = QSpinBox()
        self.limit.setRange(0, STATIC_LIMIT_MAX)
        self.limit.setSingleStep(50_000)
        self.limit.setGroupSeparatorShown(True)
        self.limit.setSpecialValueText(self.tr("all words"))
        self.limit.setSuffix(self.tr(" words"))
        self.limit.setValue(STATIC_LIMIT)
        self.limit.setToolTip(self.tr("Read only the first (most frequent) words of a big file: quicker, and less memory. 0: all words."))
        for combo, chars in ((self.kind, 8), (self.layer, 10)):  # the window must still fit a 1,024-pixel screen
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(chars)
        for edit, least in ((self.model, 110), (self.static, 200)):  # a file's name is longer than "the current model"
            edit.setMinimumWidth(least)
            edit.setMaximumWidth(420)
        self.browse = QToolButton()
        self.browse.setText("…")
        self.browse.clicked.connect(self.choose)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.name, self.kind, self.layer, self.of):
            row.addWidget(w)
        row.addWidget(self.model, 1)
        row.addWidget(self.static, 1)
        row.addWidget(self.browse)
        row.addWidget(self.limit_label)
        row.addWidget(self.limit)
        row.addStretch(1)
        self._on_kind()

    def is_static(self) -> bool:
        return self.kind.currentData() == "static"

    def set_kind(self, kind: str) -> None:
        """Show the controls of a ``kind`` side ("model" or "static")."""
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))

    def _on_kind(self, _index: int = 0) -> None:
        static = self.is_static()
        for w in (self.layer, self.of, self.model):
            w.setVisible(not static)
        for w in (self.static, self.limit_label, self.limit):
            w.setVisible(static)
        self.browse.setToolTip(self.tr("Choose a static word-vector file") if static else self.tr("Choose a checkpoint folder"))
        self.changed.emit()

    def set_num_layers(self, num_layers: int, default: tuple[int, ...]) -> None:
        """Offer the layers of a model of ``num_layers``: the user's choice stays when it still
        exists, else ``default`` is chosen."""
        keep = self.layer.currentData() if self._chosen else None
        self.layer.blockSignals(True)
        self.layer.clear()
        for text, layers in layer_choices(num_layers):
            self.layer.addItem(text, layers)
        index = self.find(keep) if keep is not None else -1
        self.layer.setCurrentIndex(index if index >= 0 else max(0, self.find(default)))
        self.layer.blockSignals(False)

    def find(self, layers) -> int:
        """The combo entry for ``layers`` (a tuple of indices), or -1."""
        wanted = tuple(layers)
        return next((i for i in range(self.layer.count()) if tuple(self.layer.itemData(i)) == wanted), -1)

    def show_spec(self, spec: SpaceSpec) -> None:
        """Show ``spec`` in the controls (a comparison asked for in code shows what it compares)."""
        self.set_kind("static" if spec.is_static else "model")
        if spec.is_static:
            self.static.setText(spec.static)
            self.limit.setValue(spec.limit or 0)
            return
        index = self.find(spec.layers)
        if index >= 0:
            self.layer.setCurrentIndex(index)
        self.model.setText(spec.model or "")

    def _on_activated(self, _index: int) -> None:
        self._chosen = True

    def choose(self) -> None:
        if self.is_static():
            self.choose_file()
        else:
            self.choose_folder()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a checkpoint folder"), self.model.text())
        if folder:
            self.model.setText(folder)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a static word-vector file for side {0}").format(self.side),
                                              self.static.text(), self.tr(STATIC_FILTER))
        if path:
            self.static.setText(path)

    def spec(self) -> SpaceSpec:
        if self.is_static():
            return SpaceSpec.static_file(self.static.text().strip(), self.limit.value() or None)
        return SpaceSpec(tuple(self.layer.currentData() or (-1,)), self.model.text().strip() or None)


class OverlapModel(QAbstractTableModel):
    """One line per row of the comparison: its overlap, its word (or text) and its text number."""

    HEADERS = (QT_TRANSLATE_NOOP("OverlapModel", "overlap"), QT_TRANSLATE_NOOP("OverlapModel", "word"),
               QT_TRANSLATE_NOOP("OverlapModel", "text"))

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.overlap = np.zeros(0)
        self.labels: list[str] = []
        self.text_ids = np.zeros(0, np.int64)
        self.item_name = self.tr("word")

    def reset(self, overlap: np.ndarray, labels: list[str], text_ids: np.ndarray, item_name: str) -> None:
        self.beginResetModel()
        self.overlap, self.labels, self.text_ids, self.item_name = np.asarray(overlap), labels, np.asarray(text_ids), item_name
        self.endResetModel()

    def set_overlap(self, overlap: np.ndarray) -> None:
        self.overlap = np.asarray(overlap)
        if len(self.overlap):
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.overlap) - 1, 0))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.overlap)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt API)
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.item_name if section == 1 else self.tr(self.HEADERS[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == SORT_ROLE:
            return (float(self.overlap[r]), self.labels[r].lower(), int(self.text_ids[r]))[c]
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{self.overlap[r]:.2f}", short(self.labels[r]), str(int(self.text_ids[r]) + 1))[c]
        if role == Qt.ItemDataRole.ToolTipRole and c == 1:
            return self.labels[r]
        if role == Qt.ItemDataRole.TextAlignmentRole and c != 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ROW_ROLE:
            return r
        return None


class MostChanged(QWidget):
    """The "most changed" table: every row, lowest overlap first; sortable by any column."""

    rowChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("<b>Most changed</b>"))
        self.model = OverlapModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip(self.tr("Rows whose nearest neighbours changed most between A and B (Jaccard overlap of the k "
                                      "nearest neighbours in the original spaces; 0 = none shared). Click a header to sort."))
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.title)
        lay.addWidget(self.table, 1)

    def show_rows(self, overlap: np.ndarray, labels: list[str], text_ids: np.ndarray, item_name: str) -> None:
        self.model.reset(overlap, labels, text_ids, item_name)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.scrollToTop()

    def shown_rows(self) -> list[int]:
        """Comparison rows in the table's order, top first."""
        return [int(self.proxy.index(i, 0).data(ROW_ROLE)) for i in range(self.proxy.rowCount())]

    def shown_overlaps(self) -> list[float]:
        return [float(self.proxy.index(i, 0).data(SORT_ROLE)) for i in range(self.proxy.rowCount())]

    def current_row(self) -> int:
        """The comparison row of the current line (-1: none)."""
        index = self.table.currentIndex()
        return int(index.data(ROW_ROLE)) if index.isValid() else -1

    def select(self, row: int) -> None:
        """Make comparison row ``row`` current without telling anyone (the view already knows)."""
        source = self.model.index(row, 0)
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            return
        self.table.selectionModel().blockSignals(True)
        self.table.selectionModel().setCurrentIndex(
            index, self.table.selectionModel().SelectionFlag.ClearAndSelect | self.table.selectionModel().SelectionFlag.Rows)
        self.table.selectionModel().blockSignals(False)
        self.table.scrollTo(index)
        self.table.viewport().update()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.rowChosen.emit(int(current.data(ROW_ROLE)))


def _state_color(widget: QWidget, state: str) -> QColor | None:
    if state not in STATE_COLORS:
        return None
    dark = widget.palette().color(QPalette.ColorRole.Base).lightness() < 128
    return QColor(STATE_COLORS[state][0 if dark else 1])


class NeighbourLists(QWidget):
    """A row's k nearest neighbours in A and in B side by side: in A, those that left (not among
    B's); in B, those that entered (not among A's); shared ones plain."""

    rowChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("Select a point, or a line of the table, to see its neighbours in A and in B."))
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)  # wraps, never widens the view
        self.head_a, self.head_b = QLabel(self.tr("<b>In A</b>")), QLabel(self.tr("<b>In B</b>"))
        self.list_a, self.list_b = QListWidget(), QListWidget()
        for lst in (self.list_a, self.list_b):
            lst.setMinimumWidth(120)
            lst.itemActivated.connect(lambda item: self.rowChosen.emit(int(item.data(ROW_ROLE))))  # double-click or Enter
            lst.setToolTip(self.tr("Double-click a neighbour (or press Enter on it) to select it."))
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        cols = QHBoxLayout()
        cols.setContentsMargins(0, 0, 0, 0)
        for head, lst in ((self.head_a, self.list_a), (self.head_b, self.list_b)):
            col = QVBoxLayout()
            col.setSpacing(2)
            col.addWidget(head)
            col.addWidget(lst, 1)
            cols.addLayout(col, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.title)
        lay.addLayout(cols, 1)
        lay.addWidget(self.legend)
        self._legend()

    def _legend(self) -> None:
        left, entered = (_state_color(self, s).name() for s in (LEFT, ENTERED))
        self.legend.setText(self.tr("<span style='color:{0}'>− left</span>: not among B's neighbours · "
                                    "<span style='color:{1}'>+ entered</span>: new in B").format(left, entered))

    def set_names(self, name_a: str, name_b: str) -> None:
        self.head_a.setText(self.tr("<b>In A</b>") + f" · {name_a}")
        self.head_b.setText(self.tr("<b>In B</b>") + f" · {name_b}")
        for head, name in ((self.head_a, name_a), (self.head_b, name_b)):
            head.setToolTip(name)

    def show_change(self, title: str, change, labels: list[str]) -> None:
        """``change``: a :class:`~semvec_studio.core.compare.overlap.RowChange`."""
        self.title.setText(title)
        left, entered = set(change.left), set(change.entered)
        self._fill(self.list_a, change.before, lambda r: LEFT if r in left else KEPT, labels)
        self._fill(self.list_b, change.after, lambda r: ENTERED if r in entered else KEPT, labels)

    def _fill(self, lst: QListWidget, neighbours, state_of, labels: list[str]) -> None:
        lst.clear()
        bold = QFont(lst.font())
        bold.setBold(True)
        for row, sim in neighbours:
            state = state_of(row)
            item = QListWidgetItem(f"{MARKS[state]}{short(labels[row], 32)}   {sim:.2f}")
            item.setData(ROW_ROLE, int(row))
            item.setData(STATE_ROLE, state)
            item.setToolTip(f"{labels[row]}\n" + self.tr("similarity {0} · {1}").format(f"{sim:.3f}", self.tr(STATE_NAMES[state])))
            color = _state_color(self, state)
            if color is not None:
                item.setForeground(QBrush(color))
                item.setFont(bold)
            lst.addItem(item)

    def clear(self) -> None:  # noqa: A003 (a QWidget has no clear; this empties the lists)
        self.title.setText(self.tr("Select a point, or a line of the table, to see its neighbours in A and in B."))
        self.list_a.clear()
        self.list_b.clear()

    def items(self, side: str) -> list[tuple[int, str]]:
        """(row, state) of each line of list ``side`` ("a" or "b"), top first."""
        lst = self.list_a if side == "a" else self.list_b
        return [(int(lst.item(i).data(ROW_ROLE)), str(lst.item(i).data(STATE_ROLE))) for i in range(lst.count())]

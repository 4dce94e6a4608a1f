"""The Compare view's neighbour lists (:class:`NeighbourLists`): a row's k nearest neighbours in A
and in B side by side, each line marked as kept, left (in A, not among B's) or entered (in B, not
among A's), in colours that suit a light or a dark palette."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QSizePolicy, QVBoxLayout, QWidget

from semvec_studio.gui.panels.compare_rows import ROW_ROLE, short

STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # "kept", "left" or "entered"
KEPT, LEFT, ENTERED = "kept", "left", "entered"
MARKS = {KEPT: "  ", LEFT: "− ", ENTERED: "+ "}
STATE_NAMES = {KEPT: QT_TRANSLATE_NOOP("NeighbourLists", "kept"), LEFT: QT_TRANSLATE_NOOP("NeighbourLists", "left"),
               ENTERED: QT_TRANSLATE_NOOP("NeighbourLists", "entered")}
STATE_COLORS = {LEFT: ("#ff8a80", "#c62828"), ENTERED: ("#69f0ae", "#2e7d32")}  # (dark, light)


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

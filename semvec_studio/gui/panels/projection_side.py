"""Widgets around the Map tab's scatter: the toolbar above it (colour, search, selection tools,
point size, opacity, export) and the boxes beside it (the point and its neighbours, the
selection, Word in context and Layer path)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.gui.i18n import counted
from semvec_studio.gui.notifier import InlineMessage
from semvec_studio.gui.plots.scatter_items import LASSO, PAN, RECT

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
POINT_ROLE = Qt.ItemDataRole.UserRole + 1


def _slider(lo: int, hi: int, value: int, tip: str) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(lo, hi)
    s.setValue(value)
    s.setMinimumWidth(40)  # gives way in a narrow window
    s.setMaximumWidth(80)
    s.setToolTip(tip)
    return s


class MapToolbar(QWidget):
    """Two rows above the plot. Signals carry no widgets, only values."""

    colorChanged = Signal(str)  # colour-by key
    searchChanged = Signal(str, bool)  # text, regex
    modeChanged = Signal(str)
    styleChanged = Signal(float, float)  # point size (px), opacity (0..1)
    exportRequested = Signal(str)  # "png" | "svg" | "tsv"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.color = QComboBox()
        self.color.setMinimumContentsLength(10)
        self.color.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.k = QSpinBox()
        self.k.setRange(2, 50)
        self.k.setValue(8)
        self.k.setPrefix("k = ")
        self.k.setToolTip(self.tr("Number of k-means clusters (computed in the original space)"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search pieces, words or texts…"))
        self.search.setClearButtonEnabled(True)
        self.regex = QCheckBox(self.tr("regex"))
        self.export = QToolButton()
        self.export.setText(self.tr("Export"))
        self.export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export)
        for key, text in (("png", self.tr("Plot as PNG…")), ("svg", self.tr("Plot as SVG…")), ("tsv", self.tr("Coordinates with metadata (TSV)…"))):
            menu.addAction(text).triggered.connect(lambda _=False, k=key: self.exportRequested.emit(k))
        self.export.setMenu(menu)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel(self.tr("Colour by")))
        top.addWidget(self.color)
        top.addWidget(self.k)
        top.addSpacing(8)
        top.addWidget(self.search, 1)
        top.addWidget(self.regex)
        top.addWidget(self.export)
        self.modes = QButtonGroup(self)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        for i, (mode, text, tip) in enumerate(((PAN, self.tr("Pan"), self.tr("Drag to pan, wheel to zoom, click a point to select it")),
                                               (LASSO, self.tr("Lasso"), self.tr("Drag a freehand shape to select (Shift adds, Ctrl removes)")),
                                               (RECT, self.tr("Rectangle"), self.tr("Drag a rectangle to select (Shift adds, Ctrl removes)")))):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setProperty("mode", mode)
            button.setChecked(i == 0)
            self.modes.addButton(button, i)
            bottom.addWidget(button)
        bottom.addSpacing(12)
        self.size = _slider(2, 20, 6, self.tr("Point size in pixels"))
        self.opacity = _slider(5, 100, 80, self.tr("Point opacity"))
        bottom.addWidget(QLabel(self.tr("Size")))
        bottom.addWidget(self.size)
        bottom.addWidget(QLabel(self.tr("Opacity")))
        bottom.addWidget(self.opacity)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(bottom)
        self.color.currentIndexChanged.connect(lambda _: self._on_color())
        self.k.valueChanged.connect(lambda _: self._on_color())
        self.search.textChanged.connect(lambda text: self.searchChanged.emit(text, self.regex.isChecked()))
        self.regex.toggled.connect(lambda on: self.searchChanged.emit(self.search.text(), on))
        self.modes.idClicked.connect(lambda i: self.modeChanged.emit(self.modes.button(i).property("mode")))
        for s in (self.size, self.opacity):
            s.valueChanged.connect(lambda _: self.styleChanged.emit(float(self.size.value()), self.opacity.value() / 100))
        self._on_color()

    def set_choices(self, choices: list[tuple[str, str]], keep: str | None = None) -> None:
        """Fill the colour-by menu; keep the current key when it is still offered."""
        current = keep or self.color_key()
        self.color.blockSignals(True)
        self.color.clear()
        for key, text in choices:
            self.color.addItem(text, key)
        index = self.color.findData(current)
        self.color.setCurrentIndex(max(index, 0))
        self.color.blockSignals(False)
        self.k.setVisible(self.color_key() == "kmeans")

    def color_key(self) -> str:
        return self.color.currentData() or "none"

    def set_color_key(self, key: str) -> None:
        index = self.color.findData(key)
        if index >= 0:
            self.color.setCurrentIndex(index)

    def set_mode(self, mode: str) -> None:
        for button in self.modes.buttons():
            if button.property("mode") == mode:
                button.setChecked(True)
        self.modeChanged.emit(mode)

    def _on_color(self) -> None:
        self.k.setVisible(self.color_key() == "kmeans")
        self.colorChanged.emit(self.color_key())


class PointBox(QGroupBox):
    """The selected point (rich text) and its nearest neighbours in the original space."""

    neighbourActivated = Signal(int)  # point index (double-click)
    kChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Selected point"))
        self.caption = QLabel(self.tr("Click a point to see it and its nearest neighbours."))
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.k = QSpinBox()
        self.k.setRange(1, 100)
        self.k.setValue(10)
        self.k.setToolTip(self.tr("How many neighbours to list"))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["#", self.tr("neighbour"), self.tr("similarity")])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setToolTip(self.tr("Double-click a neighbour to jump to it"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        row = QHBoxLayout()
        self.title = QLabel(self.tr("Nearest neighbours"))
        self.title.setToolTip(self.tr("Nearest in the original vector space, not on the map"))
        self.title.setWordWrap(True)  # an approximate answer names its index
        row.addWidget(self.title, 1)
        row.addWidget(self.k)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.table.cellDoubleClicked.connect(self._on_double)
        self.k.valueChanged.connect(self.kChanged)

    def show_point(self, html: str) -> None:
        self.caption.setText(html)

    def show_neighbours(self, items: list[tuple[int, str, float]], metric: str = "cosine", how: str = "") -> None:
        """``items``: (point index, label, similarity), best first; ``how``: the approximate index
        that proposed them (its description; the similarities are exact), or "" for an exact search."""
        self.title.setText(self.tr("Nearest neighbours ({0})").format(metric) if not how else
                           self.tr("Nearest neighbours ({0}, {1})").format(metric, how))
        self.table.setHorizontalHeaderLabels(["#", self.tr("neighbour"), self.tr("cosine") if metric == "cosine" else self.tr("−distance")])
        self.table.setRowCount(len(items))
        for r, (point, label, sim) in enumerate(items):
            cells = (QTableWidgetItem(str(r + 1)), QTableWidgetItem(" ".join(label.split())), QTableWidgetItem(f"{sim:.3f}"))
            cells[0].setData(POINT_ROLE, point)
            cells[1].setToolTip(label)
            cells[0].setTextAlignment(_RIGHT)
            cells[2].setTextAlignment(_RIGHT)
            for c, cell in enumerate(cells):
                self.table.setItem(r, c, cell)

    def clear_point(self) -> None:
        self.caption.setText(self.tr("Click a point to see it and its nearest neighbours."))
        self.table.setRowCount(0)

    def neighbour_points(self) -> list[int]:
        return [self.table.item(r, 0).data(POINT_ROLE) for r in range(self.table.rowCount())]

    def _on_double(self, row: int, _col: int) -> None:
        self.neighbourActivated.emit(int(self.table.item(row, 0).data(POINT_ROLE)))


class SelectionBox(QGroupBox):
    exportRequested = Signal()
    labelRequested = Signal()
    showRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Selection"))
        self.count = QLabel()
        self.count.setWordWrap(True)
        self.export = QPushButton(self.tr("Export…"))
        self.export.setToolTip(self.tr("Write the selected vectors with their metadata and manifest"))
        self.label = QPushButton(self.tr("Label…"))
        self.label.setToolTip(self.tr("Write a label for the selected rows into the 'label' metadata column"))
        self.show_text = QPushButton(self.tr("Show text"))
        self.show_text.setToolTip(self.tr("Show the first selected point's text in the Tokens & words view"))
        buttons = QGridLayout()  # two columns: the box stays narrow
        for i, b in enumerate((self.export, self.label, self.show_text)):
            buttons.addWidget(b, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count)
        layout.addLayout(buttons)
        self.export.clicked.connect(self.exportRequested)
        self.label.clicked.connect(self.labelRequested)
        self.show_text.clicked.connect(self.showRequested)
        self.set_count(0)

    def set_count(self, n: int) -> None:
        empty = self.tr("Nothing selected: click a point, or use Lasso or Rectangle.")
        self.count.setText(counted(n, self.tr("{0} point selected"), self.tr("{0} points selected")) if n else empty)
        for b in (self.export, self.label, self.show_text):
            b.setEnabled(n > 0)


class ExploreBox(QGroupBox):
    contextRequested = Signal(str)
    pathRequested = Signal()
    backRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Explore"))
        self.word = QLineEdit()
        self.word.setPlaceholderText(self.tr("a word, e.g. bank"))
        self.word.setToolTip(self.tr("Every occurrence of this word across the loaded texts, as points"))
        self.completer = QCompleter([], self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.word.setCompleter(self.completer)
        self.context = QPushButton(self.tr("Word in context"))
        self.path = QPushButton(self.tr("Layer path"))
        self.path.setToolTip(self.tr("The selected point's vector at every layer, projected together and joined by a line"))
        self.back = QPushButton(self.tr("Back to the map"))
        self.back.hide()
        self.message = InlineMessage()
        row = QHBoxLayout()
        row.addWidget(self.word, 1)
        row.addWidget(self.context)
        row2 = QHBoxLayout()
        row2.addWidget(self.path)
        row2.addWidget(self.back)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(row2)
        layout.addWidget(self.message)
        self.context.clicked.connect(lambda: self.contextRequested.emit(self.word.text()))
        self.word.returnPressed.connect(lambda: self.contextRequested.emit(self.word.text()))
        self.path.clicked.connect(self.pathRequested)
        self.back.clicked.connect(self.backRequested)

    def set_words(self, words: list[str]) -> None:
        self.completer.model().setStringList(words)

"""The Map tab's projection settings: what to project (level), how (PCA, t-SNE, UMAP, custom
axes, with their parameters), the Project button (Cancel while a projection runs), and the button
that opens a folder of vectors instead of the app's."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QWidget,
)

from semvec_studio.core.projection.base import ProjectionParams
from semvec_studio.core.projection.methods import METHODS, method_available
from semvec_studio.core.projection.neighbours import METRICS
from semvec_studio.gui.i18n import translate
from semvec_studio.gui.map_data import METHOD_NAMES
from semvec_studio.gui.notifier import InlineMessage

LEVELS = {"token": QT_TRANSLATE_NOOP("ProjectionControls", "Tokens (pieces)"), "word": QT_TRANSLATE_NOOP("ProjectionControls", "Whole words"),
          "sentence": QT_TRANSLATE_NOOP("ProjectionControls", "Texts")}
METHOD_TIPS = {
    "pca": QT_TRANSLATE_NOOP("ProjectionControls",
                             "Principal components: fast, linear, the same every time; axes show the variance they explain."),
    "tsne": QT_TRANSLATE_NOOP("ProjectionControls", "t-SNE keeps local neighbourhoods; distances between clusters mean little. Seconds to minutes."),
    "umap": QT_TRANSLATE_NOOP("ProjectionControls",
                              "UMAP keeps local and some global structure. Needs umap-learn (pip install 'semvec-studio[umap]')."),
    "axes": QT_TRANSLATE_NOOP(
        "ProjectionControls",
        "x runs from the vector of one item to another (e.g. man → woman), y likewise (Embedding Projector's custom projection)."),
}
NO_OPTIONS = {"pca": QT_TRANSLATE_NOOP("ProjectionControls", "No parameters: the two directions of largest variance.")}  # methods without a page


def _form() -> tuple[QWidget, QFormLayout]:
    page = QWidget()
    form = QFormLayout(page)
    form.setContentsMargins(0, 0, 0, 0)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return page, form


class ProjectionControls(QGroupBox):
    """``params(resolve_row)`` builds the :class:`ProjectionParams`; ``projectRequested`` when
    the button is pressed while idle, ``cancelRequested`` while running."""

    projectRequested = Signal()
    cancelRequested = Signal()
    levelChanged = Signal(str)
    openFolderRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Projection"))
        self.running = False
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.level = QComboBox()
        for key, text in LEVELS.items():
            self.level.addItem(translate("ProjectionControls", text), key)
        self.level.setCurrentIndex(self.level.findData("word"))
        self.level.setToolTip(self.tr("Which vectors to put on the map"))
        form.addRow(self.tr("Project"), self.level)
        self.method = QComboBox()
        self.pages = QStackedWidget()
        pages = {"tsne": self._tsne_page, "umap": self._umap_page, "axes": self._axes_page}
        for key, method in METHODS.items():  # the registry's order; a method without options gets a note
            self.method.addItem(translate("MapData", METHOD_NAMES.get(key, key)), key)
            item = self.method.model().item(self.method.count() - 1)
            item.setToolTip(translate("ProjectionControls", METHOD_TIPS[key]) if key in METHOD_TIPS else "")
            if not method_available(key):
                item.setEnabled(False)
                item.setText(self.tr("{0} (needs {1})").format(item.text(), method.requires.package))
            note = translate("ProjectionControls", NO_OPTIONS[key]) if key in NO_OPTIONS else self.tr("No parameters.")
            self.pages.addWidget(pages[key]() if key in pages else self._note_page(note))
        form.addRow(self.tr("Method"), self.method)
        form.addRow(self.pages)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(self.tr("The same seed and inputs give the same map"))
        self.sample = QSpinBox()
        self.sample.setRange(0, 10_000_000)
        self.sample.setSingleStep(1000)
        self.sample.setSpecialValueText(self.tr("all rows"))
        self.sample.setToolTip(self.tr("Project a seeded random sample of at most this many rows (0: all rows)"))
        form.addRow(self.tr("Seed"), self.seed)  # one per row: the column beside the map stays narrow
        form.addRow(self.tr("Rows"), self.sample)
        self.button = QPushButton(self.tr("Project"))
        self.button.setToolTip(self.tr("Compute the map on the runner (progress and Cancel in the status bar)"))
        self.open_folder = QPushButton(self.tr("Open vectors folder…"))
        self.open_folder.setToolTip(self.tr("Map the vectors of a folder written by 'semvec extract' (sharded or not) "
                                            "instead of the app's; embedding the texts again brings the app's back"))
        self.message = InlineMessage()
        form.addRow(self.button)
        form.addRow(self.open_folder)
        form.addRow(self.message)
        self.method.currentIndexChanged.connect(self._on_method)
        self.level.currentIndexChanged.connect(lambda _: self.levelChanged.emit(self.current_level()))
        self.button.clicked.connect(self._on_button)
        self.open_folder.clicked.connect(self.openFolderRequested)
        self._on_method()

    # --- pages ----------------------------------------------------------------------------------

    def _note_page(self, text: str) -> QWidget:
        page, form = _form()
        note = QLabel(text)
        note.setWordWrap(True)
        form.addRow(note)
        return page

    def _metric(self) -> QComboBox:
        combo = QComboBox()
        combo.addItems(list(METRICS))
        return combo

    def _tsne_page(self) -> QWidget:
        page, form = _form()
        self.perplexity = QDoubleSpinBox()
        self.perplexity.setRange(2.0, 200.0)
        self.perplexity.setValue(30.0)
        self.learning_rate = QLineEdit()
        self.learning_rate.setPlaceholderText("auto")  # i18n: data (the value it stands for)
        self.tsne_metric = self._metric()
        form.addRow(self.tr("Perplexity"), self.perplexity)
        form.addRow(self.tr("Learning rate"), self.learning_rate)
        form.addRow(self.tr("Metric"), self.tsne_metric)
        return page

    def _umap_page(self) -> QWidget:
        page, form = _form()
        self.n_neighbors = QSpinBox()
        self.n_neighbors.setRange(2, 500)
        self.n_neighbors.setValue(15)
        self.min_dist = QDoubleSpinBox()
        self.min_dist.setRange(0.0, 1.0)
        self.min_dist.setSingleStep(0.05)
        self.min_dist.setValue(0.1)
        self.umap_metric = self._metric()
        form.addRow(self.tr("Neighbours"), self.n_neighbors)
        form.addRow(self.tr("Min. distance"), self.min_dist)
        form.addRow(self.tr("Metric"), self.umap_metric)
        return page

    def _axes_page(self) -> QWidget:
        page, form = _form()
        self.axis_ends = []
        for name, (a, b) in (("x", ("man", "woman")), ("y", ("good", "bad"))):
            row = QHBoxLayout()
            ends = (QLineEdit(), QLineEdit())
            for edit, hint in zip(ends, (a, b)):
                edit.setPlaceholderText(hint)
                edit.setToolTip(self.tr("A piece, word or text of this level (the first match is used)"))
            row.addWidget(ends[0], 1)
            row.addWidget(QLabel("→"))
            row.addWidget(ends[1], 1)
            self.axis_ends.append(ends)
            form.addRow(self.tr("{0} from").format(name), row)
        return page

    # --- state ------------------------------------------------------------------------------------

    def current_level(self) -> str:
        return self.level.currentData()

    def set_level(self, level: str) -> None:
        self.level.setCurrentIndex(self.level.findData(level))

    def current_method(self) -> str:
        return self.method.currentData()

    def set_method(self, method: str) -> None:
        self.method.setCurrentIndex(self.method.findData(method))

    def params(self, resolve_row=None) -> ProjectionParams:
        """The chosen parameters; custom axes ask ``resolve_row(text) -> row`` for each end
        (it raises a UsageError when nothing matches)."""
        method = self.current_method()
        lr_text = self.learning_rate.text().strip()
        try:
            lr = "auto" if not lr_text or lr_text == "auto" else float(lr_text)
        except ValueError:
            lr = lr_text  # core.projection.validate says what is wrong with it
        metric = self.umap_metric.currentText() if method == "umap" else self.tsne_metric.currentText()
        axes = None
        if method == "axes" and resolve_row is not None:
            axes = tuple((resolve_row(a.text() or a.placeholderText()), resolve_row(b.text() or b.placeholderText()))
                         for a, b in self.axis_ends)
        return ProjectionParams(method=method, seed=self.seed.value(), perplexity=self.perplexity.value(),
                                learning_rate=lr, n_neighbors=self.n_neighbors.value(), min_dist=self.min_dist.value(),
                                metric=metric, sample=self.sample.value() or None, axes=axes)

    def set_running(self, running: bool) -> None:
        self.running = running
        self.button.setText(self.tr("Cancel") if running else self.tr("Project"))
        self.button.setToolTip(self.tr("Stop the projection") if running else self.tr("Compute the map (progress in the status bar)"))

    def _on_button(self) -> None:
        (self.cancelRequested if self.running else self.projectRequested).emit()

    def _on_method(self, *_args) -> None:
        index = self.method.currentIndex()
        self.pages.setCurrentIndex(index)
        for i in range(self.pages.count()):  # the stack is only as tall as the page shown
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            self.pages.widget(i).setSizePolicy(policy, policy)
        self.pages.adjustSize()
        tip = METHOD_TIPS.get(self.current_method())
        self.method.setToolTip(translate("ProjectionControls", tip) if tip else "")

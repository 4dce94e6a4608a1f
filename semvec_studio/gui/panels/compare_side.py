"""One side of the Compare view's comparison (:class:`SideControls`): a layer or layer mix
(:func:`layer_choices`) of the current model or of another checkpoint folder, or a static
word-vector file (word2vec, GloVe or fastText .vec) and how many of its first words to read; what
they choose, as a core :class:`~semvec_studio.core.compare.pair.SpaceSpec`."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QToolButton, QWidget

from semvec_studio.core.compare.pair import SpaceSpec
from semvec_studio.gui.i18n import translate

LAST_MIX = 4
SIDE_KINDS = ((QT_TRANSLATE_NOOP("SideControls", "model layer"), "model"), (QT_TRANSLATE_NOOP("SideControls", "static file"), "static"))
STATIC_LIMIT = 200_000  # the first (most frequent) words read from a static file, by default
STATIC_LIMIT_MAX = 100_000_000
STATIC_FILTER = QT_TRANSLATE_NOOP("SideControls", "Word vectors (*.txt *.vec *.bin *.w2v *.glove);;All files (*)")


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
        self._make_static(name)
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

    def _make_static(self, name: str) -> None:
        """The static-file controls: the file's path and how many of its first words to read."""
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

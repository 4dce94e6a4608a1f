"""Controls: level, layer(s) and their combination, word and sentence pooling, normalise, what a
word is (the segmenter and a jieba user dictionary), Embed.

Every level is extracted in one pass; the level chooses which view is in front and what the
export dialog offers first. Layer, pooling and normalisation changes emit ``optionsChanged`` so
the main window can recompute (from the cache when it can).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.gui.i18n import translate

# Shown translated (context "ControlsPanel"), e.g. translate("ControlsPanel", LEVEL_LABELS["word"]).
LEVEL_LABELS = {"token": QT_TRANSLATE_NOOP("ControlsPanel", "Tokens (word pieces)"),
                "word": QT_TRANSLATE_NOOP("ControlsPanel", "Whole words"),
                "sentence": QT_TRANSLATE_NOOP("ControlsPanel", "Texts (sentences)")}
SINGLE, MEAN_LAST4, CONCAT_LAST4 = "single", "mean-last-4", "concat-last-4"
LAYER_MODES = {SINGLE: QT_TRANSLATE_NOOP("ControlsPanel", "One layer"), MEAN_LAST4: QT_TRANSLATE_NOOP("ControlsPanel", "Mean of last 4"),
               CONCAT_LAST4: QT_TRANSLATE_NOOP("ControlsPanel", "Concat of last 4")}
DEFAULT_POOLING = "mean"
SEGMENTER_LABELS = {"auto": QT_TRANSLATE_NOOP("ControlsPanel", "auto (Chinese: jieba)"),
                    "tokenizer": QT_TRANSLATE_NOOP("ControlsPanel", "the tokenizer's"),
                    "whitespace": QT_TRANSLATE_NOOP("ControlsPanel", "between spaces"),
                    "jieba": QT_TRANSLATE_NOOP("ControlsPanel", "jieba (whole text)")}
SEGMENTER_TIPS = QT_TRANSLATE_NOOP("ControlsPanel", "What a whole word is. auto: runs of Chinese characters are cut into words by jieba "
                                   "(one character a word without it), everything else as the tokenizer says; the tokenizer's: its word "
                                   "ids; between spaces: pre-segmented text; jieba: the whole text cut by jieba.")


@dataclass(frozen=True)
class ControlOptions:
    level: str
    layer_mode: str
    layer: int  # the slider: 0 = embeddings .. L
    word_pooling: str
    pooling: str
    normalize: bool
    segmenter: str = "auto"
    user_dict: str = ""  # a jieba user dictionary file ("" none)

    def layers(self, num_layers: int) -> tuple[int, ...]:
        """Resolved layer indices (0 = embeddings .. ``num_layers``)."""
        if self.layer_mode == SINGLE:
            return (min(max(self.layer, 0), num_layers),)
        n = min(4, num_layers)
        return tuple(range(num_layers - n + 1, num_layers + 1))

    @property
    def layer_combine(self) -> str:
        return "concat" if self.layer_mode == CONCAT_LAST4 else "mean"

    def describe(self, num_layers: int) -> str:
        if self.layer_mode == SINGLE:
            layer = self.layers(num_layers)[0]
            if layer == 0:
                return translate("ControlOptions", "embeddings (layer 0)")
            return translate("ControlOptions", "layer {0} of {1}").format(layer, num_layers)
        if self.layer_mode == CONCAT_LAST4:
            return translate("ControlOptions", "concat of last 4")
        return translate("ControlOptions", "mean of last 4")


class ControlsPanel(QWidget):
    optionsChanged = Signal()
    levelChanged = Signal(str)
    embedRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._num_layers = 0
        box = QGroupBox(self.tr("Vectors"))
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.level = QComboBox()
        for name, label in LEVEL_LABELS.items():
            self.level.addItem(self.tr(label), name)
        form.addRow(self.tr("Level"), self.level)
        self.layer_mode = QComboBox()
        for name, label in LAYER_MODES.items():
            self.layer_mode.addItem(self.tr(label), name)
        form.addRow(self.tr("Layers"), self.layer_mode)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setTracking(False)  # recompute when released, not at every pixel of a drag
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider_label = QLabel()
        self.slider_label.setMinimumWidth(self.slider_label.fontMetrics().horizontalAdvance("emb. 00/00"))
        row = QHBoxLayout()
        row.addWidget(self.slider, 1)
        row.addWidget(self.slider_label)
        form.addRow(self.tr("Layer"), row)
        self.word_pooling = QComboBox()
        self.pooling = QComboBox()
        self.set_poolers([DEFAULT_POOLING], [DEFAULT_POOLING])
        form.addRow(self.tr("Word pooling"), self.word_pooling)
        form.addRow(self.tr("Text pooling"), self.pooling)
        self.normalize = QCheckBox(self.tr("L2-normalise each vector"))
        form.addRow("", self.normalize)
        self.segmenter = QComboBox()
        for name, label in SEGMENTER_LABELS.items():
            self.segmenter.addItem(self.tr(label), name)
        self.segmenter.setToolTip(self.tr(SEGMENTER_TIPS))
        self.user_dict = ""
        self.dict_button = QPushButton(self.tr("Dict…"))
        self.dict_button.setToolTip(self._dict_tip())
        self.dict_clear = QPushButton("×")
        self.dict_clear.setToolTip(self.tr("No user dictionary"))
        self.dict_clear.setFixedWidth(self.dict_clear.fontMetrics().horizontalAdvance("×") + 16)
        self.segmenter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.segmenter.setMinimumContentsLength(6)
        words_row = QHBoxLayout()  # one row: the window must fit an 800-pixel-high screen, a model error shown too
        words_row.addWidget(self.segmenter, 1)
        words_row.addWidget(self.dict_button)
        words_row.addWidget(self.dict_clear)
        form.addRow(self.tr("Words"), words_row)
        self.embed_button = QPushButton(self.tr("Embed"))
        self.embed_button.setToolTip(self.tr("Compute the vectors of the texts (Ctrl+Return)"))
        self.embed_button.setDefault(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        outer.addWidget(self.embed_button)
        self.set_num_layers(0)
        self.level.currentIndexChanged.connect(lambda _: self.levelChanged.emit(self.current_level()))
        self.layer_mode.currentIndexChanged.connect(self._on_mode)
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderMoved.connect(self._show_layer)
        for combo in (self.word_pooling, self.pooling):
            combo.currentIndexChanged.connect(lambda _: self.optionsChanged.emit())
        self.normalize.toggled.connect(lambda _: self.optionsChanged.emit())
        self.segmenter.currentIndexChanged.connect(self._on_segmenter)
        self.dict_button.clicked.connect(self.choose_user_dict)
        self.dict_clear.clicked.connect(lambda: self.set_user_dict(""))
        self.embed_button.clicked.connect(self.embedRequested)

    # --- state -------------------------------------------------------------------------------

    def current_level(self) -> str:
        return self.level.currentData()

    def options(self) -> ControlOptions:
        return ControlOptions(
            level=self.current_level(), layer_mode=self.layer_mode.currentData(), layer=self.slider.value(),
            word_pooling=self.word_pooling.currentData() or DEFAULT_POOLING,
            pooling=self.pooling.currentData() or DEFAULT_POOLING, normalize=self.normalize.isChecked(),
            segmenter=self.segmenter.currentData() or "auto", user_dict=self.user_dict,
        )

    def state(self) -> dict:
        return asdict(self.options())

    def restore(self, state: dict) -> None:
        """Apply saved options (unknown or invalid values are ignored) without emitting."""
        self.blockSignals(True)
        try:
            for combo, key in ((self.level, "level"), (self.layer_mode, "layer_mode"),
                               (self.word_pooling, "word_pooling"), (self.pooling, "pooling"), (self.segmenter, "segmenter")):
                index = combo.findData(state.get(key))
                if index >= 0:
                    combo.setCurrentIndex(index)
            if isinstance(state.get("layer"), int):
                self.slider.setValue(state["layer"])
            self.normalize.setChecked(bool(state.get("normalize", False)))
            saved_dict = state.get("user_dict")
            self.set_user_dict(saved_dict if isinstance(saved_dict, str) and Path(saved_dict).is_file() else "", emit=False)
        finally:
            self.blockSignals(False)
        self._update_enabled()
        self._show_layer(self.slider.value())

    def set_level(self, level: str) -> None:
        index = self.level.findData(level)
        if index >= 0:
            self.level.setCurrentIndex(index)

    def set_layer(self, layer: int) -> None:
        """Choose one layer (as the user would with the slider)."""
        self.layer_mode.setCurrentIndex(self.layer_mode.findData(SINGLE))
        self.slider.setValue(layer)

    def set_num_layers(self, num_layers: int) -> None:
        """Range the slider over 0..L; a fresh model starts on its last layer."""
        previous = self._num_layers
        self._num_layers = num_layers
        self.slider.blockSignals(True)
        value = self.slider.value()
        self.slider.setRange(0, max(num_layers, 0))
        if previous != num_layers or value > num_layers:
            self.slider.setValue(num_layers)
        self.slider.blockSignals(False)
        self._show_layer(self.slider.value())
        self._update_enabled()

    def set_poolers(self, word: Sequence[str], sentence: Sequence[str]) -> None:
        """Fill the pooling choices from the core registries (keeps the current choice)."""
        for combo, names in ((self.word_pooling, word), (self.pooling, sentence)):
            current = combo.currentData() or DEFAULT_POOLING
            combo.blockSignals(True)
            combo.clear()
            for name in names:
                combo.addItem(name, name)
            index = combo.findData(current)
            combo.setCurrentIndex(index if index >= 0 else max(combo.findData(DEFAULT_POOLING), 0))
            combo.blockSignals(False)

    def set_user_dict(self, path: str, *, emit: bool = True) -> None:
        """Use the jieba user dictionary ``path`` ("" none)."""
        self.user_dict = str(path or "")
        name = Path(self.user_dict).name
        self.dict_button.setText((name if len(name) <= 8 else name[:7] + "…") if self.user_dict else self.tr("Dict…"))
        self.dict_button.setToolTip(self.user_dict or self._dict_tip())
        self._update_enabled()
        if emit:
            self.optionsChanged.emit()

    def _dict_tip(self) -> str:
        return self.tr("A jieba user dictionary (UTF-8, 'word [frequency] [tag]' a line): each of its words stays one word "
                       "(auto and jieba)")

    def choose_user_dict(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a jieba user dictionary"), str(Path(self.user_dict).parent)
                                              if self.user_dict else "", self.tr("Dictionaries (*.txt *.dict);;All files (*)"))
        if path:
            self.set_user_dict(path)

    # --- reactions ---------------------------------------------------------------------------

    def _on_segmenter(self, _index: int) -> None:
        self._update_enabled()
        self.optionsChanged.emit()

    def _on_mode(self, _index: int) -> None:
        self._update_enabled()
        self.optionsChanged.emit()

    def _on_slider(self, value: int) -> None:
        self._show_layer(value)
        self.optionsChanged.emit()

    def _show_layer(self, value: int) -> None:
        self.slider_label.setText("–" if not self._num_layers else self.tr("emb.") if value == 0 else f"{value}/{self._num_layers}")

    def _update_enabled(self) -> None:
        single = self.layer_mode.currentData() == SINGLE
        self.slider.setEnabled(single and self._num_layers > 0)
        self.slider_label.setEnabled(single)
        uses_dict = self.segmenter.currentData() in ("auto", "jieba")
        self.dict_button.setEnabled(uses_dict)
        self.dict_clear.setEnabled(uses_dict and bool(self.user_dict))

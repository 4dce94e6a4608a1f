"""Model panel: choose a checkpoint (dialog, drag and drop, recent list), device and dtype; show
the model's facts; show load errors inline with what to do.

The panel only asks: it emits ``loadRequested(spec, device, dtype, allow_pickle)`` and the main
window runs the load on the runner, then calls :meth:`show_loaded` or :meth:`show_failure`.
Pickle-only weights are loaded only after the user confirms (:meth:`confirm_pickle`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from semvec_studio.core.checkpoints import DEFAULT_MODEL, DTYPES
from semvec_studio.core.errors import PickleWeightsError, SemvecError
from semvec_studio.gui.notifier import InlineMessage, breakable

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")
# The facts shown (keys of fact_labels), each row titled with its translation (context "ModelPanel").
FACTS = (QT_TRANSLATE_NOOP("ModelPanel", "Model"), QT_TRANSLATE_NOOP("ModelPanel", "Architecture"),
         QT_TRANSLATE_NOOP("ModelPanel", "Size"), QT_TRANSLATE_NOOP("ModelPanel", "Vocabulary"),
         QT_TRANSLATE_NOOP("ModelPanel", "Parameters"), QT_TRANSLATE_NOOP("ModelPanel", "Max length"),
         QT_TRANSLATE_NOOP("ModelPanel", "Tokenizer"), QT_TRANSLATE_NOOP("ModelPanel", "Weights"))


def dropped_model_folder(mime) -> str | None:
    """A dropped folder (or a file inside a model folder) -> the folder path, else None."""
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.is_dir():
                return str(path)
            if path.name in ("config.json", "tokenizer.json") or path.suffix in (".safetensors", ".bin"):
                return str(path.parent)
    return None


class ModelPanel(QWidget):
    loadRequested = Signal(str, str, str, bool)  # spec, device, dtype, allow_pickle

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self._spec = DEFAULT_MODEL
        box = QGroupBox(self.tr("Model"))
        layout = QVBoxLayout(box)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open folder…"))
        self.open_button.setToolTip(self.tr("Open a local Hugging Face checkpoint folder (Ctrl+Shift+O); or drop it here"))
        self.default_button = QPushButton(self.tr("Default model"))
        self.default_button.setToolTip(self.tr("The bundled all-MiniLM-L6-v2"))
        self.recent = QComboBox()
        self.recent.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.recent.setMinimumContentsLength(6)
        self.recent.setToolTip(self.tr("Recently opened checkpoints"))
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.default_button)
        buttons.addWidget(self.recent, 1)
        layout.addLayout(buttons)
        where = QHBoxLayout()
        self.device = QComboBox()
        self.device.addItems(DEVICE_CHOICES)
        self.dtype = QComboBox()
        self.dtype.addItems(DTYPES)
        where.addWidget(QLabel(self.tr("Device")))
        where.addWidget(self.device, 1)
        where.addWidget(QLabel(self.tr("dtype")))
        where.addWidget(self.dtype, 1)
        layout.addLayout(where)
        self.facts = QFormLayout()
        self.facts.setHorizontalSpacing(10)
        self.facts.setVerticalSpacing(2)
        self.fact_labels: dict[str, QLabel] = {}
        for name in FACTS:
            label = QLabel("–")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)  # long names and paths wrap instead of widening the column
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.fact_labels[name] = label
            self.facts.addRow(self.tr(name), label)
        layout.addLayout(self.facts)
        self.message = InlineMessage()
        layout.addWidget(self.message)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        self.open_button.clicked.connect(self.choose_folder)
        self.default_button.clicked.connect(lambda: self.request(DEFAULT_MODEL))
        self.recent.activated.connect(self._on_recent)
        self.device.activated.connect(lambda _: self.request(self._spec))
        self.dtype.activated.connect(lambda _: self.request(self._spec))
        self.set_recent([])

    # --- asking for a model --------------------------------------------------------------------

    def choose_folder(self) -> None:
        start = self._spec if Path(self._spec).is_dir() else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a checkpoint folder"), start)
        if folder:
            self.request(folder)

    def request(self, spec: str, *, allow_pickle: bool = False) -> None:
        self._spec = spec
        self.loadRequested.emit(spec, self.device.currentText(), self.dtype.currentText(), allow_pickle)

    def set_device_dtype(self, device: str, dtype: str) -> None:
        for combo, value in ((self.device, device), (self.dtype, dtype)):
            index = combo.findText(value)
            if index >= 0:
                combo.setCurrentIndex(index)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        self.recent.addItem(self.tr("Recent…"), None)
        for path in paths:
            self.recent.addItem(Path(path).name or path, path)
            self.recent.setItemData(self.recent.count() - 1, path, Qt.ItemDataRole.ToolTipRole)
        self.recent.setEnabled(bool(paths))

    def _on_recent(self, index: int) -> None:
        path = self.recent.itemData(index)
        self.recent.setCurrentIndex(0)
        if path:
            self.request(path)

    # --- showing what happened ------------------------------------------------------------------

    def show_loading(self, spec: str) -> None:
        self.message.show_info(self.tr("Loading the default model…") if spec == DEFAULT_MODEL else self.tr("Loading {0}…").format(spec))

    def show_loaded(self, lm) -> None:
        info = lm.info
        self.message.clear()
        values = {
            "Model": info.name,
            "Architecture": f"{info.architecture} ({info.model_type})",
            "Size": self.tr("{0} layers × {1} dims, {2} heads").format(info.num_layers, info.hidden_size, info.num_heads),
            "Vocabulary": f"{info.vocab_size:,}",
            "Parameters": f"{info.parameters:,}" if info.parameters else self.tr("unknown"),
            "Max length": self.tr("{0} tokens").format(lm.max_length),
            "Tokenizer": info.tokenizer_kind,
            "Weights": f"{info.weights_format}, sha256 {info.weights_sha256[:12]}…",
        }
        values["Model"] = self.tr("{0} on {1}, {2}").format(info.name, lm.device, lm.dtype)
        for name, value in values.items():
            self.fact_labels[name].setText(breakable(value) if name == "Model" else value)
            self.fact_labels[name].setToolTip(info.path if name == "Model" else value)
        self.fact_labels["Weights"].setToolTip(f"{', '.join(info.weights_files)}\nSHA-256 {info.weights_sha256}")
        if lm.warnings:
            self.message.show_info(" ".join(lm.warnings))

    def show_failure(self, exc: BaseException, spec: str, device: str, dtype: str) -> bool:
        """Show a load error inline. For pickle weights, ask; returns True if a retry was requested."""
        if isinstance(exc, PickleWeightsError) and self.confirm_pickle(spec):
            self.request(spec, allow_pickle=True)
            return True
        kept = self.fact_labels["Model"].text().replace("\u200b", "")
        tail = self.tr(" The previous model ({0}) is still loaded.").format(kept) if kept != "–" else ""
        self.message.show_error((exc.for_gui() if isinstance(exc, SemvecError) else str(exc)) + tail)
        return False

    def confirm_pickle(self, spec: str) -> bool:
        """Ask before loading pickle weights, which can run code (tests replace this method)."""
        answer = QMessageBox.warning(
            self, self.tr("Load pickle weights?"),
            breakable(self.tr("{0} has only pickle weights (*.bin) and no .safetensors.\n\n"
                              "Loading a pickle file can run arbitrary code. Load it only if you trust where the "
                              "checkpoint came from.\n\nLoad it anyway?").format(spec)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # --- drag and drop ---------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if dropped_model_folder(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        folder = dropped_model_folder(event.mimeData())
        if folder:
            event.acceptProposedAction()
            self.request(folder)

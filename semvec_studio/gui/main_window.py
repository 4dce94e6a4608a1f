"""The main window: model, texts and controls on the left; the open workspace's Data view and the
token/word, sentence, map and train views on the right; progress, ETA and Cancel in the status
bar. All model work goes through the one runner: the window owns a
:class:`~semvec_studio.gui.model_loader.ModelLoader` for its model and an
:class:`~semvec_studio.gui.embedding.Embedding` for its texts' vectors, and shows the result.

The window appears before torch is imported: the views (whose modules import the core's torch
code) are created once the first model load has imported torch on the runner thread.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QSplitter, QTabWidget

from semvec_studio.core.checkpoints import DEFAULT_MODEL
from semvec_studio.gui import settings as st
from semvec_studio.gui import window_settings
from semvec_studio.gui.chrome import StatusArea, ask_stop_training, build_menus, demo_texts, dropped_paths
from semvec_studio.gui.embedding import Embedding, texts_count
from semvec_studio.gui.i18n import counted, translate
from semvec_studio.gui.jobs import TRAIN_GROUP
from semvec_studio.gui.model_loader import ModelLoader
from semvec_studio.gui.notifier import Notifier
from semvec_studio.gui.panels.controls_panel import ControlsPanel
from semvec_studio.gui.panels.data_view import DataView
from semvec_studio.gui.panels.export_dialog import ExportDialog, start_export
from semvec_studio.gui.panels.model_panel import ModelPanel
from semvec_studio.gui.panels.text_panel import TextPanel
from semvec_studio.gui.runner import Runner
from semvec_studio.gui.suggestions import Suggestions
from semvec_studio.gui.vector_folder import VectorFolders
from semvec_studio.gui.view_labelling import ViewLabelKeys
from semvec_studio.gui.workspace_bridge import LABEL, WorkspaceBridge
from semvec_studio.gui.workspace_session import WorkspaceSession

DATA_TAB, TOKENS_TAB, SENTENCES_TAB, MAP_TAB, COMPARE_TAB, LAYERS_TAB, TRAIN_TAB = range(7)
# The tabs' titles in English: also the key under which the open tab is saved (the tab bar's tab data)
VIEW_TITLES = (QT_TRANSLATE_NOOP("MainWindow", "Data"), QT_TRANSLATE_NOOP("MainWindow", "Tokens && words"),
               QT_TRANSLATE_NOOP("MainWindow", "Texts"), QT_TRANSLATE_NOOP("MainWindow", "Map"),
               QT_TRANSLATE_NOOP("MainWindow", "Compare"), QT_TRANSLATE_NOOP("MainWindow", "Layers"),
               QT_TRANSLATE_NOOP("MainWindow", "Train"))
HEAVY_TABS = (TOKENS_TAB, SENTENCES_TAB, MAP_TAB, COMPARE_TAB, LAYERS_TAB, TRAIN_TAB)  # made once torch is imported


class MainWindow(QMainWindow):
    modelLoaded = Signal(object)  # LoadedModel
    embedded = Signal()  # the views show a new result

    def __init__(self, model: str = DEFAULT_MODEL, files=(), demo: bool | None = None, settings=None) -> None:
        super().__init__()
        self.setWindowTitle("SemVec Studio")
        self.setAcceptDrops(True)
        self.settings = settings or st.open_settings()
        self.runner = Runner(self)
        self.status_area = StatusArea(self.statusBar(), self.runner)
        self.notifier = Notifier(self.statusBar(), self)
        self.model_loader = ModelLoader(self)
        self.embedding = Embedding(self)
        self.cache = self.embedding.cache  # the results cache (by what made them)
        self.lm = None  # the loaded model (set by the model loader)
        self.sets: dict = {}
        self.texts: list[str] = []
        self.token_view = self.sentence_view = self.map_panel = self.training_panel = None
        self.compare_view = self.layer_lab = None
        self.heavy = None  # semvec_studio.gui.views, once a model has loaded
        self.export_dialog = None
        self.interrupted = False  # closed by Ctrl-C in the terminal (the app then exits 130)
        self._initial = (model or DEFAULT_MODEL, [str(f) for f in files], (not files) if demo is None else demo)
        self._text_id = 0
        self._build()
        window_settings.restore_layout(self)

    # --- construction ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.model_panel = ModelPanel()
        self.text_panel = TextPanel(self.runner, self.notifier)
        self.controls = ControlsPanel()
        self.data_view = DataView()
        self.session = WorkspaceSession(self.runner, self.notifier, self.settings, self)
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.setObjectName("left_splitter")
        for w in (self.model_panel, self.text_panel, self.controls):
            self.left.addWidget(w)
            self.left.setCollapsible(self.left.indexOf(w), False)
        self.left.setStretchFactor(1, 1)
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(self.data_view, translate("MainWindow", VIEW_TITLES[DATA_TAB]))
        for title in VIEW_TITLES[1:]:
            waiting = QLabel(self.tr("The views appear when the model is loaded…"))
            waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.views.addTab(waiting, translate("MainWindow", title))
        for index, title in enumerate(VIEW_TITLES):
            self.views.tabBar().setTabData(index, title)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.views)
        self.splitter.setCollapsible(1, False)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 900])
        self.views.setCurrentIndex(TOKENS_TAB)  # until a workspace is open (or the last session's tab is restored)
        self.setCentralWidget(self.splitter)
        self.views.currentChanged.connect(self._on_view_changed)
        self.vector_folders = VectorFolders(self)
        self.actions = build_menus(self)
        self.model_panel.loadRequested.connect(self.load_model)
        self.model_panel.set_recent(st.recent(self.settings, st.RECENT_MODELS))
        self.text_panel.fileLoaded.connect(self._on_file_loaded)
        self.text_panel.fileFailed.connect(lambda _path: setattr(self.embedding, "pending", False))
        self.controls.embedRequested.connect(self.embed)
        self.controls.optionsChanged.connect(self.embedding.options_changed)
        self.controls.levelChanged.connect(self.show_level)
        self.runner.log.connect(lambda _job, msg: self.notifier.status(msg))
        self.runner.started.connect(lambda *_: self.notifier.clear_error())  # the user moved on
        self.status_area.cancelRequested.connect(self.cancel_job)
        self.bridge = WorkspaceBridge(self)
        self.suggestions = Suggestions(self)
        self.session.opened.connect(lambda _ws: self.suggestions.reset())
        self.session.closed.connect(self.suggestions.reset)
        self.embedded.connect(self.suggestions.push_style)
        self.view_keys = ViewLabelKeys(self)
        self.session.recentChanged.connect(self.actions.refresh_recent)
        self.session.chosen.connect(lambda: self.views.setCurrentIndex(DATA_TAB))

    def ensure_views(self) -> None:
        """Create the token/word, sentence and map views (their modules import torch and
        pyqtgraph: call this only once the runner has imported torch, i.e. after a model load)."""
        if self.token_view is not None:
            return
        from semvec_studio.gui import views as heavy  # noqa: PLC0415 - pyqtgraph and torch only once a model has loaded

        self.heavy = heavy
        current = self.views.currentIndex()
        made = heavy.build(self)
        self.token_view, self.sentence_view, self.map_panel = made.tokens, made.sentences, made.map
        self.compare_view, self.layer_lab, self.training_panel = made.compare, made.layers, made.training
        self.map_panel.map_store = self.bridge.maps  # maps kept in the open workspace's data folder
        self.map_panel.textsLabelled.connect(self.bridge.label_texts)  # a map selection's labels go into the workspace
        self.training_panel.setup.set_workspace(self.session.ws)  # Workspace labels trains on its labelled rows
        self.view_keys.watch(self.token_view.tree, lambda: None if self.token_view.rows is None else int(self.token_view.rows.text_id))
        self.view_keys.watch(self.sentence_view.table, self.sentence_view.selected_row)
        self.views.blockSignals(True)  # no transient tab changes (they would hide and show the left column)
        for index, view in zip(HEAVY_TABS, made.all()):
            title = VIEW_TITLES[index]
            old = self.views.widget(index)
            self.views.removeTab(index)
            old.deleteLater()
            self.views.insertTab(index, view, translate("MainWindow", title))
            self.views.tabBar().setTabData(index, title)
        self.views.setCurrentIndex(current)
        self.views.blockSignals(False)
        self._on_view_changed(current)
        window_settings.restore_view_layouts(self, made.with_splitters())

    # --- start-up ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the start-up model and texts (a workspace named among the FILEs, the FILEs, the last
        workspace, or the demo corpus); embed them when ready."""
        model, files, demo = self._initial
        device = self.model_panel.device.currentText()
        dtype = self.model_panel.dtype.currentText()
        self.load_model(model, device, dtype, False)
        workspaces = [f for f in files if f.lower().endswith(".semvec")]
        files = [f for f in files if f not in workspaces]
        if workspaces:
            self.session.open(workspaces[0], chosen=True)
        elif not files and self.session.reopen_last():
            pass  # the workspace puts back the rows its views showed
        elif files:
            self.embedding.pending = True
            self.text_panel.open_files(files)
        elif demo:
            texts, source = demo_texts()
            self.text_panel.set_texts(texts, source)
            self.embedding.pending = True

    # --- model (the model loader does the work) ----------------------------------------------------

    def load_model(self, spec: str, device: str = "auto", dtype: str = "float32", allow_pickle: bool = False) -> int:
        return self.model_loader.load(spec, device, dtype, allow_pickle)

    def model_loading(self) -> bool:
        return self.model_loader.loading()

    def model_spec(self) -> str:
        """The loaded model as it was asked for (a folder, or the default's name)."""
        return self.model_loader.spec()

    def options_ready(self) -> bool:
        """True once the vector options were restored (they then mean what the user chose)."""
        return self.model_loader.options_restored

    def update_title(self) -> None:
        ws = self.session.ws
        parts = [self.tr("{0} (read-only)").format(ws.path.name) if ws.read_only else ws.path.name] if ws is not None else []
        if self.lm is not None:
            parts.append(self.lm.info.name)
        self.setWindowTitle(" — ".join([*parts, "SemVec Studio"]))

    # --- embedding (the embedding does the work) and showing the vectors ---------------------------

    def embed(self) -> int | None:
        """Embed the editor's texts with the current options; from the cache when possible.
        Returns the runner job id, or None when nothing had to run."""
        return self.embedding.embed()

    def embed_when_ready(self, switch_to_map: bool = False) -> None:
        """Embed the texts now, or as soon as the model has loaded; optionally show the Map."""
        self.embedding.when_ready()
        if switch_to_map:
            self.views.setCurrentIndex(MAP_TAB)

    def refresh_labels(self, rows) -> None:
        """New labels for the texts the views show (``rows``: workspace rows, one per text)."""
        labels = [r.label or "" for r in rows]
        self.text_panel.set_column(LABEL, labels)
        if self.map_panel is not None and self.texts:
            columns = self.text_panel.columns_for(self.texts)
            self.map_panel.update_columns(columns)
            self.layer_lab.set_texts(self.texts, columns)

    def _on_file_loaded(self, path: str, n: int) -> None:
        st.push_recent(self.settings, st.RECENT_FILES, str(Path(path).absolute()))
        self.actions.refresh_recent()
        self.notifier.status(self.tr("Read {0} from {1}").format(texts_count(n), Path(path).name))
        self.embedding.file_read()

    def show_vectors(self, texts: list[str], sets: dict) -> None:
        """Show new vectors (``sets``, by level) of ``texts`` in every view."""
        self.ensure_views()
        self.sets, self.texts = sets, texts
        self._text_id = self._text_id if self._text_id < len(texts) else 0
        self.sentence_view.blockSignals(True)
        self.sentence_view.show_sentences(sets["sentence"])
        self.sentence_view.select_text_id(self._text_id)
        self.sentence_view.blockSignals(False)
        self.show_text(self._text_id)
        opts = self.controls.options()
        tokens, words = sets["token"], sets["word"]
        self.notifier.status(self.tr("{0} · {1} · {2} · {3} dims · {4}").format(
            texts_count(len(texts)), counted(len(tokens), self.tr("{0} piece"), self.tr("{0} pieces")),
            counted(len(words), self.tr("{0} word"), self.tr("{0} words")), tokens.dim, opts.describe(self.lm.num_layers)))
        self.actions.export.setEnabled(True)
        columns = self.text_panel.columns_for(texts)
        self.map_panel.set_data(sets, texts, columns, self.lm)
        self.compare_view.set_texts(texts)
        self.layer_lab.set_texts(texts, columns)
        self.embedded.emit()

    def show_text(self, text_id: int) -> None:
        if not self.sets or not 0 <= text_id < len(self.texts):
            return
        self._text_id = text_id
        self.token_view.show_text(self.texts[text_id], text_id, self.sets["token"], self.sets["word"])

    def show_in_tokens(self, text_id: int, level: str, position: int = -1) -> None:
        """Show text ``text_id`` in the Tokens & words view with the piece or word at
        ``position`` selected (from the Map tab)."""
        if not self.sets or not 0 <= text_id < len(self.texts):
            return
        self.views.setCurrentIndex(TOKENS_TAB)
        self.sentence_view.blockSignals(True)
        self.sentence_view.select_text_id(text_id)
        self.sentence_view.blockSignals(False)
        self.show_text(text_id)
        rows = self.token_view.rows
        if rows is None or position < 0 or level == "sentence":
            return
        table = rows.pieces if level == "token" else rows.words
        hit = np.nonzero(np.asarray(table["position"]) == position)[0] if len(table.get("position", [])) else []
        if len(hit):
            (self.token_view.select_piece if level == "token" else self.token_view.select_word)(int(hit[0]))

    def show_level(self, level: str) -> None:
        self.views.setCurrentIndex(SENTENCES_TAB if level == "sentence" else TOKENS_TAB)
        if self.token_view is not None and level in ("token", "word"):
            button = self.token_view.rows_words if level == "word" else self.token_view.rows_pieces
            if button.isEnabled():
                button.setChecked(True)

    def request_layer_profile(self, text_id: int, position: int) -> None:
        """One piece's vector through the layers (the Tokens view's Layers tab), on the runner."""
        if self.lm is None or not 0 <= text_id < len(self.texts):
            return
        self.runner.submit(
            self.heavy.layer_profile, self.lm, self.texts[text_id], position, group="profile", name=self.tr("Layers of one piece"),
            on_result=lambda result: self.token_view.show_layer_profile(*result),
            on_error=lambda exc, details: self.notifier.error(exc, details),
        )

    def cancel_job(self, job_id: int) -> None:
        """The status bar's Cancel: stop the job it shows (a training run keeps its checkpoint)."""
        if self.training_panel is not None and job_id in (self.training_panel.job, self.training_panel.review_job):
            self.training_panel.cancel()
        else:
            self.runner.cancel(job_id)
        self.notifier.status(self.tr("Cancelling…"))

    def cancel(self) -> None:
        """Esc: in the Train tab, stop the run; elsewhere, stop the workbench's jobs (never a run)."""
        if self.views.currentIndex() == TRAIN_TAB and self.training_panel is not None:
            self.training_panel.cancel()
        elif self.runner.is_busy():
            self.runner.cancel_all(keep=(TRAIN_GROUP,))
            self.notifier.status(self.tr("Cancelling…"))

    # --- training ----------------------------------------------------------------------------------

    def _on_view_changed(self, index: int) -> None:
        self.left.setVisible(index != TRAIN_TAB)  # the model/texts/controls column is the workbench's
        self.notifier.clear_error()

    def open_training_file(self) -> None:
        self.views.setCurrentIndex(TRAIN_TAB)
        if self.training_panel is not None:
            self.training_panel.setup.choose_csv()

    def use_trained_model(self, folder: str) -> int:
        """Load a fine-tuned checkpoint as the workbench's model and show its vectors."""
        self.views.setCurrentIndex(TOKENS_TAB)
        self.embedding.pending = bool(self.text_panel.texts())
        return self.load_model(folder, self.model_panel.device.currentText(), self.model_panel.dtype.currentText(), False)

    # --- export ------------------------------------------------------------------------------------

    def open_export(self, sets: dict | None = None, level: str | None = None) -> None:
        """The export dialog for every level, or for ``sets`` (e.g. a selection on the Map)."""
        if not self.sets:
            self.notifier.status(self.tr("Nothing to export yet: embed some texts first (Ctrl+Return)."))
            return
        dialog = ExportDialog(sets or self.sets, level or self.controls.current_level(), self.settings, self)
        dialog.exportRequested.connect(lambda *args: self._export(dialog, *args))
        self.export_dialog = dialog
        dialog.open()

    def _export(self, dialog, level: str, folder: str, formats: list, overwrite: bool) -> int:
        return start_export(self.runner, self.notifier, dialog, level, folder, formats, overwrite)

    # --- drag and drop, settings, closing ----------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if any(dropped_paths(event.mimeData())):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        folders, files = dropped_paths(event.mimeData())
        if folders or files:
            event.acceptProposedAction()
        if folders:
            self.model_panel.request(folders[0])
        workspaces = [f for f in files if f.lower().endswith(".semvec")]
        files = [f for f in files if f not in workspaces]
        if workspaces:
            self.session.open(workspaces[0], chosen=True)
        if files:
            self.text_panel.open_files(files)

    def save_settings(self) -> None:
        window_settings.save_settings(self, options=self.model_loader.options_restored)

    def interrupt(self) -> None:
        """Ctrl-C in the terminal: close as the close button does, without asking (a training run
        stops and keeps its checkpoint); the app exits 130."""
        self.interrupted = True
        self.close()

    def training_running(self) -> bool:
        return self.training_panel is not None and self.training_panel.running()

    def closeEvent(self, event) -> None:
        """Close at once: the window goes away first, then running jobs are stopped (an
        extraction within a batch; a training run saves its checkpoint) and the thread joined."""
        if self.training_running() and not self.interrupted and not ask_stop_training(self):
            event.ignore()
            return
        if not self.interrupted and not self.session.confirm_close():  # an untitled workspace: Save, Discard or Cancel
            event.ignore()
            return
        self.save_settings()
        self.hide()
        QApplication.processEvents()  # let the window disappear before the wait
        self.runner.shutdown()
        self.session.close()  # keeps the model and options in the workspace
        super().closeEvent(event)

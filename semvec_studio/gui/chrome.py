"""The main window's chrome: menus and shortcuts, the status-bar progress area, the question
asked when it closes during a run, drop parsing, and the demo texts (found by :mod:`semvec_studio.core.resources`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QMessageBox, QProgressBar, QPushButton, QSizePolicy, QStatusBar

import semvec_studio
from semvec_studio.core.resources import demo_corpus_path, demo_path
from semvec_studio.gui import settings as st
from semvec_studio.gui.i18n import QT_TRANSLATE_NOOP, language_menu, translate

FALLBACK_DEMO = [
    "She deposited the cheque at the bank before noon.",
    "We had a picnic on the grassy bank of the river.",
    "The cat sat on the mat and purred.",
    "Transformers split unbelievable words into smaller pieces.",
]


def demo_texts() -> tuple[list[str], str]:
    path = demo_corpus_path()
    if path is None:
        return list(FALLBACK_DEMO), ""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()], str(path)


def dropped_paths(mime) -> tuple[list[str], list[str]]:
    """(folders, files) among the local paths of a drop."""
    if not mime.hasUrls():
        return [], []
    paths = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
    return [p for p in paths if os.path.isdir(p)], [p for p in paths if os.path.isfile(p)]


def format_seconds(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return translate("Duration", "{0} s").format(seconds)
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return translate("Duration", "{0} min {1} s").format(minutes, f"{seconds:02d}")
    return translate("Duration", "{0} h {1} min").format(minutes // 60, f"{minutes % 60:02d}")


JOB_LABEL_CHARS = 28  # the job's name is shown up to this many characters (whole in the tooltip)


class StatusArea(QObject):
    """Job name, progress bar, ETA and Cancel button at the right of the status bar; shown while
    the runner is busy. Updates arrive at most ~10 times a second (the runner throttles them).
    Cancel asks to stop the job it shows (``cancelRequested(job_id)``; the window decides how)."""

    cancelRequested = Signal(int)

    def __init__(self, bar: QStatusBar, runner) -> None:
        super().__init__(bar)
        self.runner = runner
        self.job_id: int | None = None
        self.job = QLabel()
        self.job.setMinimumWidth(self.job.fontMetrics().horizontalAdvance("M" * (JOB_LABEL_CHARS // 2)))
        self.job.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.job.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setFixedWidth(220)
        self.progress.setTextVisible(True)
        self.eta = QLabel()
        self.eta.setMinimumWidth(self.eta.fontMetrics().horizontalAdvance(self.tr("~{0} left").format("00 min 00 s")))
        self.cancel = QPushButton(self.tr("Cancel"))
        self.cancel.setToolTip(self.tr("Stop the running job (Esc)"))
        for w in (self.job, self.progress, self.eta, self.cancel):
            bar.addPermanentWidget(w)
        runner.started.connect(self._on_started)
        runner.progress.connect(self._on_progress)
        runner.busyChanged.connect(self._on_busy)
        self.cancel.clicked.connect(self._on_cancel_clicked)
        self._on_busy(False)

    def _on_cancel_clicked(self) -> None:
        if self.job_id is not None:
            self.cancelRequested.emit(self.job_id)

    def _on_started(self, job_id: int, name: str) -> None:
        self.job_id = job_id
        shown = name if len(name) <= JOB_LABEL_CHARS else name[: JOB_LABEL_CHARS - 1] + "…"
        self.job.setText(shown)
        self.job.setToolTip(name)
        self.progress.setRange(0, 0)
        self.eta.clear()

    def _on_progress(self, p, eta: float) -> None:
        fraction = p.fraction
        if fraction is not None:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * fraction))
            label = p.label()
            self.progress.setFormat(f"{label} %p%" if label else "%p%")
        else:
            self.progress.setRange(0, 0)
        self.eta.setText(self.tr("~{0} left").format(format_seconds(eta)) if eta >= 0 else "")

    def _on_busy(self, busy: bool) -> None:
        for w in (self.job, self.progress, self.eta, self.cancel):
            w.setVisible(busy)
        if not busy:
            self.job_id = None
            self.job.clear()
            self.eta.clear()


def ask_stop_training(parent) -> bool:
    """Closing during a training run: True to stop it (keeping its checkpoint) and close."""
    box = QMessageBox(QMessageBox.Icon.Question, translate("Chrome", "A training run is going"),
                      translate("Chrome", "A training run is still going. Stop it and close? The last saved checkpoint is kept, "
                                "and Resume in the Train tab continues from it."), parent=parent)
    stop = box.addButton(translate("Chrome", "Stop and close"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(translate("Chrome", "Keep training"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stop)
    box.exec()
    return box.clickedButton() is stop


@dataclass
class WindowActions:
    open_texts: QAction
    open_model: QAction
    open_vectors: QAction
    embed: QAction
    cancel: QAction
    export: QAction
    recent_files: QMenu
    recent_workspaces: QMenu
    save_copy: QAction
    close_workspace: QAction
    window: object

    def refresh_recent(self) -> None:
        w = self.window
        for menu, paths, open_one in ((self.recent_files, st.recent(w.settings, st.RECENT_FILES), lambda p: w.text_panel.open_files([p])),
                                      (self.recent_workspaces, w.session.recent(), lambda p: w.session.open(p, chosen=True))):
            menu.clear()
            for path in paths:
                action = menu.addAction(Path(path).name)
                action.setToolTip(path)
                action.setStatusTip(path)
                action.triggered.connect(lambda _=False, p=path, f=open_one: f(p))
            menu.setEnabled(bool(paths))
        self.refresh_workspace()

    def refresh_workspace(self) -> None:
        """Save a copy and Close need an open workspace."""
        is_open = self.window.session.ws is not None
        self.save_copy.setEnabled(is_open)
        self.close_workspace.setEnabled(is_open)


def _action(window, menu: QMenu, text: str, shortcut, slot, tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


# The View menu's entries, one per tab of the main window, in order (translated where shown).
VIEW_MENU_TITLES = (QT_TRANSLATE_NOOP("Chrome", "Data"), QT_TRANSLATE_NOOP("Chrome", "Tokens and words"),
                    QT_TRANSLATE_NOOP("Chrome", "Texts"), QT_TRANSLATE_NOOP("Chrome", "Map"),
                    QT_TRANSLATE_NOOP("Chrome", "Compare"), QT_TRANSLATE_NOOP("Chrome", "Layers"),
                    QT_TRANSLATE_NOOP("Chrome", "Train"))


# File > Demo files: the shipped texts to embed and labelled files to train on, English and Chinese.
DEMO_ENTRIES = (
    (("corpus", "en"), QT_TRANSLATE_NOOP("Chrome", "English texts (bank, bat, …: words in several senses)")),
    (("corpus", "zh"), QT_TRANSLATE_NOOP("Chrome", "Chinese texts (行, 打, 花, …: words in several senses)")),
    (("labelled", "en"), QT_TRANSLATE_NOOP("Chrome", "English reviews, labelled (for the Train tab)")),
    (("labelled", "zh"), QT_TRANSLATE_NOOP("Chrome", "Chinese reviews, labelled (for the Train tab)")),
)


def open_demo(window, kind: str, language: str) -> bool:
    """Open a shipped demo file: texts go to the Texts panel (and are embedded), a labelled file
    to the Train tab. Chinese texts switch the Words control to the Chinese segmenter."""
    path = demo_path(kind, language)
    if path is None:
        window.notifier.status(translate("Chrome", "This installation has no demo files"))
        return False
    if kind == "labelled":
        if window.training_panel is None:
            window.notifier.status(translate("Chrome", "The Train tab appears when the model is loaded; try again then"))
            return False
        window.views.setCurrentIndex(window.views.indexOf(window.training_panel))
        window.training_panel.setup.set_csv(str(path))
        return True
    if language == "zh":
        found = window.controls.segmenter.findData("auto")
        if found >= 0:
            window.controls.segmenter.setCurrentIndex(found)  # auto: jieba's words over Chinese characters
    window.text_panel.open_files([str(path)])
    window.embed_when_ready()  # once the file is read
    return True


def add_demo_actions(window, menu: QMenu) -> None:
    for (kind, language), text in DEMO_ENTRIES:
        _action(window, menu, translate("Chrome", text), None, lambda _=False, k=kind, lang=language: open_demo(window, k, lang))


def build_menus(window) -> WindowActions:
    """File / Run / View / Help menus with the app's shortcuts (View ends with Language)."""
    bar = window.menuBar()
    file_menu = bar.addMenu(translate("Chrome", "&File"))
    session = window.session
    _action(window, file_menu, translate("Chrome", "New workspace from file(s)…"), "Ctrl+N", session.choose_new,
            translate("Chrome", "Make a workspace (a .semvec file) from CSV, TSV, JSONL or TXT files: its rows, labels and views are kept"))
    _action(window, file_menu, translate("Chrome", "Open workspace…"), "Ctrl+Alt+O", session.choose_open,
            translate("Chrome", "Open a .semvec workspace"))
    recent_workspaces = file_menu.addMenu(translate("Chrome", "Recent workspaces"))
    save_copy = _action(window, file_menu, translate("Chrome", "Save a copy as…"), None, session.choose_copy,
                        translate("Chrome", "Write a copy of the workspace, with every edit made so far, under another name"))
    close_workspace = _action(window, file_menu, translate("Chrome", "Close workspace"), "Ctrl+W", session.close_by_user,
                              translate("Chrome", "Close the workspace (every edit is saved already)"))
    file_menu.addSeparator()
    open_texts = _action(window, file_menu, translate("Chrome", "Open texts…"), "Ctrl+O", window.text_panel.choose_file,
                         translate("Chrome", "Open a .txt, .csv, .tsv or .jsonl file, one text per line or row"))
    open_model = _action(window, file_menu, translate("Chrome", "Open model folder…"), "Ctrl+Shift+O", window.model_panel.choose_folder,
                         translate("Chrome", "Open a local Hugging Face checkpoint folder"))
    recent_files = file_menu.addMenu(translate("Chrome", "Recent texts"))
    open_vectors = _action(window, file_menu, translate("Chrome", "Open vectors folder…"), None, window.vector_folders.choose,
                           translate("Chrome", "Map the vectors of a folder written by 'semvec extract' (sharded or not) on the Map tab"))
    _action(window, file_menu, translate("Chrome", "Open labelled file for training…"), "Ctrl+Shift+T", window.open_training_file,
            translate("Chrome", "Choose a labelled CSV/TSV in the Train tab to fine-tune a classifier on it"))
    demos = file_menu.addMenu(translate("Chrome", "Demo files"))
    add_demo_actions(window, demos)
    file_menu.addSeparator()
    export = _action(window, file_menu, translate("Chrome", "Export vectors…"), "Ctrl+E", window.open_export,
                     translate("Chrome", "Write the vectors in the formats of your choice, with their manifest"))
    export.setEnabled(False)
    file_menu.addSeparator()
    _action(window, file_menu, translate("Chrome", "Quit"), QKeySequence.StandardKey.Quit, window.close)
    run_menu = bar.addMenu(translate("Chrome", "&Run"))
    embed = _action(window, run_menu, translate("Chrome", "Embed"), "Ctrl+Return", window.embed,
                    translate("Chrome", "Compute the vectors of the texts"))
    embed.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
    cancel = _action(window, run_menu, translate("Chrome", "Cancel"), "Esc", window.cancel, translate("Chrome", "Stop the running job"))
    view_menu = bar.addMenu(translate("Chrome", "&View"))
    for index, title in enumerate(VIEW_MENU_TITLES):
        _action(window, view_menu, translate("Chrome", title), f"Ctrl+{index + 1}", lambda _=False, i=index: window.views.setCurrentIndex(i))
    view_menu.addSeparator()
    view_menu.addMenu(language_menu(window, window.settings))
    help_menu = bar.addMenu(translate("Chrome", "&Help"))
    _action(window, help_menu, translate("Chrome", "About SemVec Studio"), None, lambda: QMessageBox.about(
        window, translate("Chrome", "About SemVec Studio"),
        translate("Chrome", "SemVec Studio {0}\nToken, word and sentence vectors of transformer models.").format(semvec_studio.__version__)))
    actions = WindowActions(open_texts, open_model, open_vectors, embed, cancel, export, recent_files, recent_workspaces, save_copy,
                            close_workspace, window)
    session.opened.connect(lambda _ws: actions.refresh_workspace())
    session.closed.connect(actions.refresh_workspace)
    actions.refresh_recent()
    return actions

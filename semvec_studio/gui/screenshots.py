"""``semvec-studio --screenshots DIR``: drive every main view and save ``DIR/<view>.png``.

With ``--lang zh_CN`` the window is in Chinese and the Chinese steps run instead
(:data:`STEPS_ZH`): the token view of a Chinese sentence cut into words by jieba, the map of the
Chinese sample reviews coloured by their label, and the Train tab on them.

Steps are a registry (:data:`STEPS`, filled with :func:`screenshot_step`): a later view (a
projection, training) adds its picture by registering one function. A step puts its view in
front and returns an optional dialog to draw over the window. If the step started runner jobs,
the driver waits for the runner to become idle (its ``busyChanged`` signal) before grabbing, so
the pictures never depend on timing.
"""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from semvec_studio.core.io.tables import parse_table
from semvec_studio.core.resources import DEMO_CORPUS_ZH, DEMO_LABELLED_CSV, DEMO_LABELLED_CSV_ZH, resource_path
from semvec_studio.core.train.preview import csv_preview
from semvec_studio.core.workspace.readers import ImportOptions
from semvec_studio.gui.i18n import translate
from semvec_studio.gui.main_window import COMPARE_TAB, DATA_TAB, LAYERS_TAB, MAP_TAB, TOKENS_TAB, TRAIN_TAB
from semvec_studio.gui.panels.data_view import UNLABELLED
from semvec_studio.gui.panels.export_dialog import ExportDialog
from semvec_studio.gui.panels.text_panel import ColumnPickerDialog, table_columns, table_texts
from semvec_studio.gui.panels.workspace_dialog import NewWorkspace

WATCHDOG_MS = 600_000  # a safety net only: a step that never finishes fails the run
DEMO_TABLE = "id,text,label\n" + "\n".join(
    f'{i},"{t}",{lab}' for i, (t, lab) in enumerate([
        ("She deposited the cheque at the bank before noon.", "finance"),
        ("We had a picnic on the grassy bank of the river.", "nature"),
        ("The bank raised its interest rates again this year.", "finance"),
        ("Fishermen lined the muddy river bank at dawn.", "nature"),
        ("A bat flew out of the cave at dusk.", "nature"),
        ("Stock markets fell sharply after the announcement.", "finance"),
    ], start=1))


@dataclass(frozen=True)
class ScreenshotStep:
    name: str
    prepare: Callable  # (window) -> QWidget | None: a dialog to draw over the window
    expect_error: bool = False  # the step shows an error on purpose


STEPS: list[ScreenshotStep] = []
STEPS_ZH: list[ScreenshotStep] = []  # --lang zh_CN: the Chinese pictures


def screenshot_step(name: str, *, expect_error: bool = False, steps: list[ScreenshotStep] = STEPS):
    """Decorator: register ``prepare(window)`` as the screenshot ``name``.png (in order), in
    ``steps`` (:data:`STEPS`, or :data:`STEPS_ZH` for the Chinese ones)."""

    def register(prepare: Callable) -> Callable:
        steps[:] = [s for s in steps if s.name != name]
        steps.append(ScreenshotStep(name, prepare, expect_error))
        return prepare

    return register


def steps_for(language: str | None) -> list[ScreenshotStep]:
    """The steps of a run in ``language`` ("zh_CN": the Chinese ones; else the English ones)."""
    return list(STEPS_ZH if language == "zh_CN" else STEPS)


def _tokens_tab(window, sub_tab: int, level: str = "token", piece: str = "bank") -> None:
    window.controls.set_level(level)
    window.sentence_view.select_text_id(0)
    view = window.token_view
    view.tabs.setCurrentIndex(sub_tab)
    pieces = list(view.rows.pieces["token"]) if view.rows is not None else []
    if piece in pieces:
        view.select_piece(pieces.index(piece))


@screenshot_step("model_panel")
def _model_panel(window):
    _tokens_tab(window, 0)
    window.model_panel.open_button.setFocus()


@screenshot_step("text_panel")
def _text_panel(window):

    window.text_panel.editor.setFocus()
    return ColumnPickerDialog(parse_table(DEMO_TABLE, "labelled.csv"), window)


@screenshot_step("token_view")
def _token_view(window):
    _tokens_tab(window, 0)


@screenshot_step("word_heatmap")
def _word_heatmap(window):
    _tokens_tab(window, 0, level="word")


@screenshot_step("word_similarity")
def _word_similarity(window):
    _tokens_tab(window, 1, level="word")


@screenshot_step("layers_view")
def _layers_view(window):
    _tokens_tab(window, 2)  # the Layers tab asks for the selected piece's profile (a runner job)
    window.token_view.request_layer_profile()


@screenshot_step("sentence_view")
def _sentence_view(window):
    window.controls.set_level("sentence")
    window.sentence_view.select_text_id(0)


@screenshot_step("export_dialog")
def _export_dialog(window):

    window.controls.set_level("word")
    dialog = ExportDialog(window.sets, "word", window.settings, window)
    dialog.folder.setText(str(Path("~/semvec-exports/demo-words")))  # the same picture for everyone
    dialog.format_boxes["csv"].setChecked(True)
    return dialog


@screenshot_step("compare_view")
def _compare_view(window):
    """Compare: layer 2 against the last layer of the demo corpus's words, the word "bank" that
    changed most selected with its two neighbour lists."""
    from semvec_studio.core.compare.pair import SpaceSpec  # noqa: PLC0415 - torch, loaded by now

    view = window.compare_view
    window.views.setCurrentIndex(COMPARE_TAB)

    def select(result) -> None:
        view.compared.disconnect(select)
        rows = [i for i, w in enumerate(view.labels) if w.lower() == "bank"]
        if rows:
            view.select_row(min(rows, key=lambda i: result.overlap.overlap[i]))

    view.compared.connect(select)
    view.compare(SpaceSpec((2,)), SpaceSpec((-1,)))


@screenshot_step("projection")
def _projection(window):
    """The Map: the labelled demo table's words (PCA), coloured by its label column, the word
    "bank" of the first text selected with its nearest neighbours listed and drawn."""

    table = parse_table(DEMO_TABLE, "labelled.csv")
    column = table.header.index("text")
    texts = table_texts(table, column)
    panel = window.map_panel
    panel.controls.set_level("word")
    panel.controls.set_method("pca")

    def select() -> None:
        if panel.map is None or panel.texts != texts or panel.map.embset is not window.sets.get("word"):
            return  # a map of the previous texts: wait for the labelled table's
        panel.projected.disconnect(select)
        panel.toolbar.set_color_key("column:label")
        labels = [s.lower() for s in panel.labels()]
        first = [i for i, s in enumerate(labels) if s == "bank" and panel.map.text_ids()[i] == 0]
        if first:
            panel.scatter.set_selection(first[:1])
            panel.select_point(first[0])

    panel.projected.connect(select)
    window.text_panel.set_texts(texts, "labelled.csv", table_columns(table, column))
    window.embed()
    window.views.setCurrentIndex(MAP_TAB)


@screenshot_step("training_report")
def _training(window):
    """The Train tab after a real run (the default model fine-tuned with default settings on the
    sample labelled CSV, resources/demo/reviews.csv): its report; the next steps show its loss
    curve and its before/after maps."""

    window.views.setCurrentIndex(TRAIN_TAB)
    panel = window.training_panel
    out = Path(tempfile.mkdtemp(prefix="semvec-screenshot-run-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    panel.setup.set_csv(str(resource_path(DEMO_LABELLED_CSV)))
    panel.setup.output_edit.setText(str(out / "reviews-run"))
    panel.runner.cancel_group("train-preview")  # read here instead, so that Start finds the preview at once
    panel._on_preview(csv_preview(panel.setup.params()))
    panel.start()


@screenshot_step("training_progress")
def _training_progress(window):
    window.training_panel.tabs.setCurrentIndex(0)


@screenshot_step("training_before_after")
def _training_before_after(window):
    window.training_panel.tabs.setCurrentIndex(2)


@screenshot_step("model_error", expect_error=True)
def _model_error(window):

    window.views.setCurrentIndex(TOKENS_TAB)
    window.controls.set_level("token")
    window.model_panel.request("/nonexistent/checkpoint")  # fails inline; the loaded model stays


class ScreenshotDriver(QObject):
    """Starts the window offscreen, waits for the demo's vectors, then runs every step."""

    def __init__(self, window, folder: Path, size: tuple[int, int] = (1280, 800),
                 steps: list[ScreenshotStep] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.folder = Path(folder)
        self.size = size
        self.steps = list(STEPS if steps is None else steps)
        self.current: ScreenshotStep | None = None
        self.overlay: QWidget | None = None
        self.saved: list[Path] = []
        self.exit_code = 0
        self._waiting = False

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        runner = self.window.runner
        runner.failed.connect(self._on_failed)
        runner.busyChanged.connect(self._on_busy, Qt.ConnectionType.QueuedConnection)
        self.window.embedded.connect(self._on_first_result, Qt.ConnectionType.QueuedConnection)
        unexpected = translate("Notifier", "Unexpected error: {0}").split("{0}")[0]  # the status line of a bug, as shown
        self.window.notifier.message.connect(lambda msg: msg.startswith(unexpected) and self._fail(msg))
        QTimer.singleShot(WATCHDOG_MS, lambda: self._fail("timed out waiting for a view"))
        self.window.resize(*self.size)
        self.window.show()
        self.window.start()

    def _on_first_result(self) -> None:
        self.window.embedded.disconnect(self._on_first_result)
        self._wait_then(self._next)

    def _wait_then(self, then: Callable) -> None:
        self._then = then
        if self.window.runner.is_busy():
            self._waiting = True
        else:
            QTimer.singleShot(0, then)  # after the events already queued (layouts, repaints)

    def _on_busy(self, busy: bool) -> None:
        if not busy and self._waiting and not self.window.runner.is_busy():
            self._waiting = False
            QTimer.singleShot(0, self._then)

    def _next(self) -> None:
        if self.exit_code:
            return
        if not self.steps:
            print(f"semvec-studio: saved {len(self.saved)} screenshots to {self.folder}", file=sys.stderr)
            QApplication.quit()
            return
        self.current = self.steps.pop(0)
        self.window.resize(*self.size)
        self.overlay = self.current.prepare(self.window)
        if self.overlay is not None:
            self.overlay.show()
        self._wait_then(self._capture)

    def _capture(self) -> None:
        if self.exit_code:
            return
        QApplication.processEvents()
        picture = self.window.grab()
        if self.overlay is not None:
            over = self.overlay.grab()
            painter = QPainter(picture)
            top_left = QPoint((picture.width() - over.width()) // 2, (picture.height() - over.height()) // 2)
            painter.fillRect(picture.rect(), QColor(0, 0, 0, 70))  # dim the window behind the dialog
            painter.drawPixmap(top_left, over)
            painter.end()
            self.overlay.close()
            self.overlay.deleteLater()
            self.overlay = None
        path = self.folder / f"{self.current.name}.png"
        if not picture.save(str(path)):
            self._fail(f"cannot write {path}")
            return
        self.saved.append(path)
        self._next()

    def _on_failed(self, _job_id: int, exc: BaseException, details: str) -> None:
        if self.current is None or not self.current.expect_error:
            self._fail(f"{type(exc).__name__}: {exc}\n{details}")

    def _fail(self, message: str) -> None:
        if self.exit_code:
            return
        self.exit_code = 1
        print(f"semvec-studio --screenshots: {message}", file=sys.stderr)
        QApplication.exit(1)


def _temporary_folder(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@screenshot_step("data_view")
def _data_view(window):
    """The Data view: a workspace made from the sample labelled CSV (its labels imported), its rows
    ranked by meaning to a query, best first with their scores."""
    session, view = window.session, window.data_view

    def opened(ws) -> None:
        session.opened.disconnect(opened)
        view.search_mode.setCurrentIndex(view.search_mode.findData("meaning"))
        view.search.setText("a waste of money")  # i18n: data
        window.bridge.search_meaning(view.meaning_query())

    session.opened.connect(opened)
    path = _temporary_folder("semvec-screenshot-ws-") / "reviews.semvec"
    session.create(NewWorkspace(str(path), (str(resource_path(DEMO_LABELLED_CSV)),), ImportOptions(label_column="label"), False))
    window.views.setCurrentIndex(DATA_TAB)


@screenshot_step("layer_lab")
def _layer_lab(window):
    """Layers: the layer lab on the workspace's rows (the sample reviews), a probe of their labels
    at every layer with its control task."""
    window.views.setCurrentIndex(LAYERS_TAB)
    window.layer_lab.run()


@screenshot_step("labelling_data")
def _labelling_data(window):
    """The labelling loop in the Data view: the sample reviews' workspace with only its first 60
    rows labelled, the suggestions retrained (Suggested and Confidence columns, the Labels panel's
    counts)."""
    ws, view = window.session.ws, window.data_view
    ws.clear_label(list(range(60, ws.row_count)))
    view.search.clear()
    view.search_mode.setCurrentIndex(view.search_mode.findData("words"))
    view.edited_elsewhere(None)
    window.views.setCurrentIndex(DATA_TAB)
    view.label_filter.setCurrentIndex(view.label_filter.findData(UNLABELLED))  # the rows with suggestions
    view.labels_panel.select("positive")
    window.suggestions.request(auto=False)


@screenshot_step("labelling_map")
def _labelling_map(window):
    """The Map of the same rows coloured by suggested label: the given labels solid, the others in
    their suggestion's colour, as opaque as it is confident."""
    panel = window.map_panel

    def colour() -> None:
        if panel.map is None or panel.map.level != "sentence":
            return
        panel.projected.disconnect(colour)
        window.views.setCurrentIndex(MAP_TAB)
        panel.toolbar.set_color_key("suggested")

    if panel.map is not None and panel.map.level == "sentence" and panel.map.kind == "map":
        window.views.setCurrentIndex(MAP_TAB)
        panel.toolbar.set_color_key("suggested")
        return
    panel.projected.connect(colour)
    window.controls.set_level("sentence")  # (shows the Texts tab: the Map is put in front once it is made)
    panel.controls.set_level("sentence")
    window.views.setCurrentIndex(MAP_TAB)
    panel.project()


@screenshot_step("labelling_review")
def _labelling_review(window):
    """The review: the most uncertain rows one at a time, from the keyboard."""
    window.views.setCurrentIndex(DATA_TAB)
    review = window.suggestions.open_review()
    review.kind.setCurrentIndex(review.kind.findData("margin"))
    review.start()
    window.suggestions.review = None  # the driver closes and deletes the dialog once it is drawn
    return review


screenshot_step("model_error", expect_error=True)(_model_error)  # last: its message stays in the model panel


# --- the Chinese pictures (--lang zh_CN) ------------------------------------------------------

def _chinese_texts() -> list[str]:
    lines = resource_path(DEMO_CORPUS_ZH).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


@screenshot_step("token_view_zh", steps=STEPS_ZH)
def _token_view_zh(window):
    """Tokens and words: a sentence of the Chinese demo corpus, its characters grouped under the
    words jieba cut it into (the tree), with the word rows' vectors."""
    window.controls.segmenter.setCurrentIndex(window.controls.segmenter.findData("jieba"))
    window.text_panel.set_texts(_chinese_texts(), str(resource_path(DEMO_CORPUS_ZH)))

    def show() -> None:
        window.embedded.disconnect(show)
        window.controls.set_level("word")
        window.sentence_view.select_text_id(0)
        window.views.setCurrentIndex(TOKENS_TAB)
        view = window.token_view
        view.tabs.setCurrentIndex(0)
        view.rows_words.setChecked(True)
        view.tree.expandAll()
        if view.word_count():
            view.select_word(min(1, view.word_count() - 1))

    window.embedded.connect(show)
    window.embed()


@screenshot_step("word_similarity_zh", steps=STEPS_ZH)
def _word_similarity_zh(window):
    window.views.setCurrentIndex(TOKENS_TAB)
    window.token_view.tabs.setCurrentIndex(1)


@screenshot_step("projection_zh", steps=STEPS_ZH)
def _projection_zh(window):
    """The Map: the Chinese sample reviews (resources/demo/reviews_zh.csv), one point per text
    (PCA), coloured by their label column (正面 / 负面)."""
    path = resource_path(DEMO_LABELLED_CSV_ZH)
    table = parse_table(path.read_text(encoding="utf-8"), path.name)
    column = table.header.index("text")
    texts = table_texts(table, column)
    panel = window.map_panel
    window.controls.set_level("sentence")  # the Map follows the window's level
    panel.controls.set_level("sentence")
    panel.controls.set_method("pca")

    def colour() -> None:
        if panel.map is None or panel.texts != texts or panel.map.embset is not window.sets.get("sentence"):
            return  # a map of the previous texts: wait for the reviews'
        panel.projected.disconnect(colour)
        panel.toolbar.set_color_key("column:label")

    panel.projected.connect(colour)
    window.text_panel.set_texts(texts, path.name, table_columns(table, column))
    window.embed()
    window.views.setCurrentIndex(MAP_TAB)


@screenshot_step("training_zh", steps=STEPS_ZH)
def _training_zh(window):
    """The Train tab on the Chinese sample reviews: a short real run of the default model (one
    epoch), its report."""
    window.views.setCurrentIndex(TRAIN_TAB)
    panel = window.training_panel
    out = _temporary_folder("semvec-screenshot-run-")
    panel.setup.set_csv(str(resource_path(DEMO_LABELLED_CSV_ZH)))
    panel.setup.output_edit.setText(str(out / "reviews-zh-run"))
    panel.setup.form.set_value("epochs", 1)
    panel.runner.cancel_group("train-preview")
    panel._on_preview(csv_preview(panel.setup.params()))
    panel.start()


@screenshot_step("training_progress_zh", steps=STEPS_ZH)
def _training_progress_zh(window):
    window.training_panel.tabs.setCurrentIndex(0)

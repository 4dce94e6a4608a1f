"""The English ``--screenshots`` pictures (:data:`semvec_studio.gui.screenshot_registry.STEPS`), in order.

The model panel, the text panel and its column picker, the token, word and sentence views, the
export dialog, Compare, the Map, the Train tab after a real run, then the workspace's views (the
Data view, the layer lab, the labelling loop), and last the model panel's inline error. Each step
is registered with :func:`~semvec_studio.gui.screenshot_registry.screenshot_step` when this
module is imported.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from semvec_studio.core.io.tables import parse_table
from semvec_studio.core.resources import DEMO_LABELLED_CSV, resource_path
from semvec_studio.core.train.preview import csv_preview
from semvec_studio.core.workspace.readers import ImportOptions
from semvec_studio.gui.main_window import COMPARE_TAB, DATA_TAB, LAYERS_TAB, MAP_TAB, TOKENS_TAB, TRAIN_TAB
from semvec_studio.gui.panels.data_view import UNLABELLED
from semvec_studio.gui.panels.export_dialog import ExportDialog
from semvec_studio.gui.panels.text_panel import ColumnPickerDialog, table_columns, table_texts
from semvec_studio.gui.panels.workspace_dialog import NewWorkspace
from semvec_studio.gui.screenshot_registry import screenshot_step, temporary_folder

DEMO_TABLE = "id,text,label\n" + "\n".join(
    f'{i},"{t}",{lab}' for i, (t, lab) in enumerate([
        ("She deposited the cheque at the bank before noon.", "finance"),
        ("We had a picnic on the grassy bank of the river.", "nature"),
        ("The bank raised its interest rates again this year.", "finance"),
        ("Fishermen lined the muddy river bank at dawn.", "nature"),
        ("A bat flew out of the cave at dusk.", "nature"),
        ("Stock markets fell sharply after the announcement.", "finance"),
    ], start=1))


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
    path = temporary_folder("semvec-screenshot-ws-") / "reviews.semvec"
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

"""The Chinese ``--screenshots`` pictures (``--lang zh_CN``:
:data:`semvec_studio.gui.screenshot_registry.STEPS_ZH`), in order.

The token view of a sentence of the Chinese demo corpus cut into words by jieba, its word
similarities, the Map of the Chinese sample reviews coloured by their label, and the Train tab
after a short real run on them. Each step is registered with
:func:`~semvec_studio.gui.screenshot_registry.screenshot_step` when this module is imported.
"""

from __future__ import annotations

from semvec_studio.core.io.tables import parse_table
from semvec_studio.core.resources import DEMO_CORPUS_ZH, DEMO_LABELLED_CSV_ZH, resource_path
from semvec_studio.core.train.preview import csv_preview
from semvec_studio.gui.main_window import MAP_TAB, TOKENS_TAB, TRAIN_TAB
from semvec_studio.gui.panels.text_panel import table_columns, table_texts
from semvec_studio.gui.screenshot_registry import STEPS_ZH, screenshot_step, temporary_folder


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
    out = temporary_folder("semvec-screenshot-run-")
    panel.setup.set_csv(str(resource_path(DEMO_LABELLED_CSV_ZH)))
    panel.setup.output_edit.setText(str(out / "reviews-zh-run"))
    panel.setup.form.set_value("epochs", 1)
    panel.runner.cancel_group("train-preview")
    panel._on_preview(csv_preview(panel.setup.params()))
    panel.start()


@screenshot_step("training_progress_zh", steps=STEPS_ZH)
def _training_progress_zh(window):
    window.training_panel.tabs.setCurrentIndex(0)

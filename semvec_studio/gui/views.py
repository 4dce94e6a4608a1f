"""The main window's heavy views (Tokens & words, Texts, Map, Compare, Layers, Train), made and wired together once
the first model load has imported torch on the runner thread: their modules import pyqtgraph and
the core's torch code, which the window must not load before it first shows."""

from __future__ import annotations

from dataclasses import dataclass

from semvec_studio.core.extract.analysis import layer_profile
from semvec_studio.core.extract.pooling import SENTENCE_POOLERS, WORD_POOLERS
from semvec_studio.gui.panels.compare_view import CompareView
from semvec_studio.gui.panels.layer_lab import LayerLabView
from semvec_studio.gui.panels.projection_panel import ProjectionPanel
from semvec_studio.gui.panels.sentence_view import SentenceView
from semvec_studio.gui.panels.token_view import TokenView
from semvec_studio.gui.panels.training_panel import TrainingPanel
from semvec_studio.gui.segment_preview import SegmentPreview

__all__ = ["SENTENCE_POOLERS", "WORD_POOLERS", "Views", "build", "layer_profile"]


@dataclass
class Views:
    tokens: TokenView
    sentences: SentenceView
    map: ProjectionPanel
    compare: CompareView
    layers: LayerLabView
    training: TrainingPanel

    def all(self) -> tuple:
        """In the order of their tabs."""
        return (self.tokens, self.sentences, self.map, self.compare, self.layers, self.training)

    def with_splitters(self) -> tuple:
        """The views whose splitter the window remembers."""
        return (self.tokens, self.sentences, self.map, self.training)


def build(window) -> Views:
    """The heavy views of ``window`` (a MainWindow), connected to it."""
    views = Views(TokenView(), SentenceView(),
                  ProjectionPanel(window.runner, window.notifier, level_source=window.controls.current_level),
                  CompareView(window.runner, notifier=window.notifier), LayerLabView(window.runner, notifier=window.notifier),
                  TrainingPanel(window.runner, window.notifier, window.settings))
    views.map.showTextRequested.connect(window.show_in_tokens)
    views.map.openFolderRequested.connect(window.vector_folders.choose)
    views.map.exportRequested.connect(lambda subset: window.open_export({subset.level: subset}, subset.level))
    views.training.useModelRequested.connect(window.use_trained_model)
    views.training.report.suggestRequested.connect(window.suggestions.use_run)  # a trained classifier feeds the suggestions
    window.segment_preview = SegmentPreview(window)  # the words of the line at the cursor, in the status bar
    views.tokens.layerProfileRequested.connect(window.request_layer_profile)
    views.sentences.textSelected.connect(window.show_text)
    return views

"""The main window's four views (Tokens & words, Texts, Map, Train), made and wired together once
the first model load has imported torch on the runner thread: their modules import pyqtgraph and
the core's torch code, which the window must not load before it first shows."""

from __future__ import annotations

from dataclasses import dataclass

from semvec_studio.core.extract.analysis import layer_profile
from semvec_studio.core.extract.pooling import SENTENCE_POOLERS, WORD_POOLERS
from semvec_studio.gui.panels.projection_panel import ProjectionPanel
from semvec_studio.gui.panels.sentence_view import SentenceView
from semvec_studio.gui.panels.token_view import TokenView
from semvec_studio.gui.panels.training_panel import TrainingPanel

__all__ = ["SENTENCE_POOLERS", "WORD_POOLERS", "Views", "build", "layer_profile"]


@dataclass
class Views:
    tokens: TokenView
    sentences: SentenceView
    map: ProjectionPanel
    training: TrainingPanel

    def all(self) -> tuple:
        return (self.tokens, self.sentences, self.map, self.training)


def build(window) -> Views:
    """The four views of ``window`` (a MainWindow), connected to it."""
    views = Views(TokenView(), SentenceView(),
                  ProjectionPanel(window.runner, window.notifier, level_source=window.controls.current_level),
                  TrainingPanel(window.runner, window.notifier, window.settings))
    views.map.showTextRequested.connect(window.show_in_tokens)
    views.map.exportRequested.connect(lambda subset: window.open_export({subset.level: subset}, subset.level))
    views.training.useModelRequested.connect(window.use_trained_model)
    views.tokens.layerProfileRequested.connect(window.request_layer_profile)
    views.sentences.textSelected.connect(window.show_text)
    return views

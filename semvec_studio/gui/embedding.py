"""The editor's texts embedded for the main window (:class:`Embedding`, which the window owns): with
the loaded model and the controls' vector options, from the results cache when it holds every
level, else on the runner, only the levels missing (one job at a time: a new request, or a model
load, cancels the one running). The result goes to the window's views (``show_vectors``).

``pending`` means "embed as soon as you can": the texts are embedded once the model has loaded
(``model_ready``) or the file being read is in (``file_read``).

Its words are the window's (translation context ``MainWindow``, as when this was part of it), so
their translations stay.
"""

from __future__ import annotations

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.extract.segmenters import check_segmenter
from semvec_studio.core.io.vectors import LEVELS
from semvec_studio.gui.cache import EmbedRequest, ResultsCache, texts_hash
from semvec_studio.gui.i18n import counted, translate
from semvec_studio.gui.jobs import embed_levels


def texts_count(n: int) -> str:
    """A number of texts in the window's words: 1 text, 3 texts."""
    return counted(n, translate("MainWindow", "{0} text"), translate("MainWindow", "{0} texts"))


class Embedding:
    """Embeds the texts of ``window`` (a MainWindow); ``cache`` keeps every level made, keyed by
    what made it."""

    def __init__(self, window) -> None:
        self.window = window
        self.cache = ResultsCache()
        self.job: int | None = None
        self.pending = False

    def embed(self) -> int | None:
        """Embed the editor's texts with the current options; from the cache when possible.
        Returns the runner job id, or None when nothing had to run."""
        w = self.window
        texts = w.text_panel.texts()
        if not texts:
            w.text_panel.show_error(translate("MainWindow", "No texts: paste or type at least one line, or open a file (Ctrl+O)."))
            return None
        if w.model_loading():
            self.pending = True
            w.notifier.status(translate("MainWindow", "The texts are embedded as soon as the model is loaded."))
            return None
        if w.lm is None:
            w.model_panel.message.show_error(translate("MainWindow", "No model is loaded: choose the default model or open a checkpoint "
                                                                     "folder (Ctrl+Shift+O)."))
            return None
        self.pending = False
        w.text_panel.message.clear()
        opts = w.controls.options()
        info = w.lm.info
        try:
            user_dict = check_segmenter(opts.segmenter, opts.user_dict or None)
        except SemvecError as exc:
            w.text_panel.show_error(exc.for_gui())
            return None
        request = EmbedRequest(info.weights_sha256, info.path, w.lm.dtype, texts_hash(texts), opts.layers(w.lm.num_layers),
                               opts.layer_combine, opts.word_pooling, opts.pooling, opts.normalize, opts.segmenter,
                               opts.user_dict, user_dict.sha256 if user_dict is not None else "")
        missing = self.cache.missing(request)
        have = {lv: self.cache.get(request, lv) for lv in LEVELS if lv not in missing}
        self.cancel()
        if not missing:
            self.job = None
            w.show_vectors(texts, have)
            return None
        self.job = w.runner.submit(
            embed_levels, w.lm, texts, request.extract_options(), missing,
            name=translate("MainWindow", "Embedding {0}").format(texts_count(len(texts))),
            on_result=lambda sets: self._on_embedded(request, texts, {**have, **sets}),
            on_error=lambda exc, details: w.notifier.error(exc, details, inline=w.text_panel.message),
            on_cancel=lambda: w.notifier.status(translate("MainWindow", "Embedding cancelled; the views still show the previous result.")),
        )
        return self.job

    def cancel(self) -> None:
        """Cancel the embedding running, if any (the views keep what they show)."""
        if self.job is not None:
            self.window.runner.cancel(self.job)

    def when_ready(self) -> None:
        """Embed the texts now, or as soon as the model has loaded."""
        self.pending = True
        if self.window.lm is not None and not self.window.model_loading():
            self.maybe_embed()

    def model_ready(self) -> None:
        """A model has loaded: embed what was waiting, or embed again what the views show."""
        if self.pending or self.window.sets:
            self.maybe_embed()

    def file_read(self) -> None:
        """A file of texts has been read: embed it when that was asked for and the model is ready."""
        if self.pending and not self.window.model_loading():
            self.maybe_embed()

    def options_changed(self) -> None:
        """New vector options: embed what the views show again with them."""
        if self.window.sets and not self.window.model_loading():
            self.embed()

    def maybe_embed(self) -> None:
        if self.window.runner.has_pending("text"):
            return  # embedded when the file has been read
        if self.window.text_panel.texts():
            self.embed()
        else:
            self.pending = False

    def _on_embedded(self, request: EmbedRequest, texts: list[str], sets: dict) -> None:
        self.job = None
        self.cache.put(request, sets)
        self.window.show_vectors(texts, sets)

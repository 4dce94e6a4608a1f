"""The workbench's model, loaded for the main window (:class:`ModelLoader`, which the window owns):
one load at a time on the runner (its progress and Cancel in the status bar; a load cancels the
embedding running). The model that loads becomes the window's ``lm``: the views are made with the
first one (torch is imported by then), the vector options are put back the first time, and what
was waiting to be embedded is embedded with it. A failure or a cancel leaves the previous model
loaded and the device and precision it loaded with.

Its words are the window's (translation context ``MainWindow``, as when this was part of it), so
their translations stay.
"""

from __future__ import annotations

from pathlib import Path

from semvec_studio.core.checkpoints import DEFAULT_MODEL
from semvec_studio.gui import settings as st
from semvec_studio.gui import window_settings
from semvec_studio.gui.i18n import translate
from semvec_studio.gui.jobs import load_model


class ModelLoader:
    """Loads models for ``window`` (a MainWindow); ``args`` is the last load asked for and
    ``good_args`` the last that loaded: (spec, device, dtype, allow_pickle)."""

    def __init__(self, window) -> None:
        self.window = window
        self.job: int | None = None
        self.args = self.good_args = (DEFAULT_MODEL, "auto", "float32", False)
        self.options_restored = False  # the vector options were put back (they then mean what the user chose)

    def load(self, spec: str, device: str = "auto", dtype: str = "float32", allow_pickle: bool = False) -> int:
        """Load ``spec`` (a checkpoint folder or the default's name) on the runner; returns the job id."""
        w = self.window
        self.args = (spec, device, dtype, allow_pickle)
        w.embedding.cancel()
        w.model_panel.show_loading(spec)
        name = (translate("MainWindow", "Loading the default model") if spec == DEFAULT_MODEL
                else translate("MainWindow", "Loading {0}").format(Path(spec).name))
        self.job = w.runner.submit(
            load_model, spec, device=device, dtype=dtype, allow_pickle=allow_pickle, name=name,
            on_result=self._on_loaded, on_error=self._on_failed, on_cancel=self._on_cancelled,
        )
        return self.job

    def loading(self) -> bool:
        return self.job is not None and self.window.runner.is_running(self.job)

    def spec(self) -> str:
        """The loaded model as it was asked for (a folder, or the default's name)."""
        return self.good_args[0] if self.window.lm is not None else ""

    def _on_loaded(self, lm) -> None:
        w = self.window
        self.job = None
        w.lm = lm
        self.good_args = self.args
        spec = self.args[0]
        if spec != DEFAULT_MODEL:
            w.model_panel.set_recent(st.push_recent(w.settings, st.RECENT_MODELS, lm.info.path))
        w.model_panel.show_loaded(lm)
        w.ensure_views()  # torch is imported by now
        w.compare_view.set_model(lm)
        w.layer_lab.set_model(lm)
        w.controls.set_poolers(list(w.heavy.WORD_POOLERS), list(w.heavy.SENTENCE_POOLERS))
        w.controls.blockSignals(True)
        w.controls.set_num_layers(lm.num_layers)
        if not self.options_restored:
            self.options_restored = True
            w.controls.restore(st.read_json(w.settings, window_settings.OPTIONS_KEY, {}))
        w.controls.blockSignals(False)
        w.update_title()
        w.notifier.status(translate("MainWindow", "Model ready: {0}, {1} layers × {2} dims on {3}").format(
            lm.info.name, lm.num_layers, lm.hidden_size, lm.device))
        w.modelLoaded.emit(lm)
        w.embedding.model_ready()

    def _on_failed(self, exc: BaseException, details: str) -> None:
        w = self.window
        self.job = None
        spec, device, dtype, _pickle = self.args
        w.model_panel.set_device_dtype(*self.good_args[1:3])
        if w.model_panel.show_failure(exc, spec, device, dtype):
            return  # the user confirmed pickle weights: a retry is running
        w.notifier.error(exc, details)  # the panel shows it inline; a bug also gets the dialog
        w.ensure_views()

    def _on_cancelled(self) -> None:
        w = self.window
        self.job = None
        w.model_panel.message.show_info(translate("MainWindow", "Loading cancelled. The previous model is still loaded.") if w.lm
                                        else translate("MainWindow", "Loading cancelled."))
        w.model_panel.set_device_dtype(*self.good_args[1:3])

"""Between the open workspace and the window's views: rows sent from the Data view become the
texts the other views embed (with their labels and columns for the map's colours); opening a
workspace puts back its model, options and the rows its views showed; closing it keeps them.

What the views showed is the setting :data:`VIEW_ROWS_KEY` (row numbers), the model
:data:`MODEL_KEY` and the vector options :data:`OPTIONS_KEY`, all in the workspace file, so a
workspace opened on another machine shows the same. A workspace that never sent rows shows its
first :data:`FIRST_VIEW_ROWS` rows.

A search by meaning asked for in the Data view runs here, on the runner (group
:data:`MEANING_GROUP`), with the window's model and its layer and pooling options; the first
:data:`MARKED_ROWS` rows it ranks are marked on the map when the map shows them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject

from semvec_studio.core.checkpoints import DEFAULT_MODEL
from semvec_studio.core.errors import SemvecError
from semvec_studio.core.workspace.maps import load_map, save_map
from semvec_studio.core.workspace.store import Workspace
from semvec_studio.gui.i18n import counted, translate

VIEW_ROWS_KEY = "views.rows"
MODEL_KEY = "model"
OPTIONS_KEY = "options"
FIRST_VIEW_ROWS = 1000
LABEL = "label"
MEANING_GROUP = "meaning"
MARKED_ROWS = 20


class WorkspaceMaps:
    """The map panel's store of maps: the open workspace's data folder (nothing when none is open)."""

    def __init__(self, bridge: WorkspaceBridge) -> None:
        self.bridge = bridge

    def load(self, key: str):
        ws = self.bridge.ws
        return None if ws is None else load_map(ws, key)

    def save(self, key: str, proj) -> None:
        ws = self.bridge.ws
        if ws is None or ws.read_only:
            return
        try:
            save_map(ws, key, proj)
        except OSError as exc:  # the data folder is a cache: the map is made again next time
            self.bridge.window.notifier.status(translate("WorkspaceBridge", "The map could not be kept in {0} ({1})").format(
                ws.data_dir, exc.strerror))


class WorkspaceBridge(QObject):
    def _rows(self, n: int) -> str:
        return counted(n, self.tr("{0} row"), self.tr("{0} rows"))

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.rows: np.ndarray | None = None  # the workspace rows the views show, one per text
        self.meaning_job: int | None = None
        self.maps = WorkspaceMaps(self)
        session, data = window.session, window.data_view
        session.opened.connect(self._on_opened)
        session.closing.connect(self._on_closing)
        session.closed.connect(self._on_closed)
        data.sendRequested.connect(lambda rows: self.send(rows, remember=True, show=True))
        data.edited.connect(self._on_edited)
        data.meaningRequested.connect(self.search_meaning)
        data.pasteRequested.connect(session.paste_texts)

    @property
    def ws(self) -> Workspace | None:
        return self.window.session.ws

    def _on_opened(self, ws: Workspace) -> None:
        w = self.window
        w.data_view.set_workspace(ws)
        if w.training_panel is not None:
            w.training_panel.setup.set_workspace(ws)
        w.update_title()
        options = ws.setting(OPTIONS_KEY)
        if isinstance(options, dict):
            w.controls.restore(options)
        model = ws.setting(MODEL_KEY)
        if isinstance(model, str) and model != w.model_spec() and (model == DEFAULT_MODEL or Path(model).is_dir()):
            w.load_model(model, w.model_panel.device.currentText(), w.model_panel.dtype.currentText(), False)
        saved = ws.setting(VIEW_ROWS_KEY)
        if isinstance(saved, list) and all(isinstance(r, int) for r in saved):
            rows = np.asarray([r for r in saved if 0 <= r < ws.row_count], dtype=np.int64)
        else:
            rows = np.arange(min(ws.row_count, FIRST_VIEW_ROWS), dtype=np.int64)
        if len(rows):
            self.send(rows, remember=False, show=False)

    def _on_closing(self, ws: Workspace) -> None:
        self.keep_state(ws)

    def keep_state(self, ws: Workspace | None = None) -> None:
        """Write the model and options into the workspace (when it can be written)."""
        ws = ws or self.ws
        if ws is None or ws.read_only or ws.closed:
            return
        w = self.window
        try:
            if w.lm is not None:
                ws.set_setting(MODEL_KEY, w.model_spec())
            if w.options_ready():
                ws.set_setting(OPTIONS_KEY, w.controls.state())
        except SemvecError as exc:
            w.notifier.error(exc)

    def _on_closed(self) -> None:
        if self.meaning_job is not None:
            self.window.runner.cancel(self.meaning_job)
            self.meaning_job = None
        self.rows = None
        self.window.data_view.set_workspace(None)
        if self.window.training_panel is not None:
            self.window.training_panel.setup.set_workspace(None)
        self.window.update_title()

    def send(self, rows: np.ndarray, *, remember: bool, show: bool) -> None:
        """Show workspace rows ``rows`` in the views: their texts go to the texts panel (rows
        without text are left out), their label and columns travel along for the map."""
        ws, w = self.ws, self.window
        if ws is None:
            return
        try:
            found = [r for r in ws.read_rows(np.asarray(rows, dtype=np.int64)) if r.text]
        except SemvecError as exc:
            w.notifier.error(exc)
            return
        if not found:
            w.data_view.message.show_info(self.tr("These rows have no text to embed."))
            return
        columns: dict[str, list[str]] = {LABEL: [r.label or "" for r in found]}
        for name in w.data_view.model.extra_columns():
            if name != LABEL:
                columns[name] = [str(r.values().get(name, "")) for r in found]
        self.rows = np.asarray([r.row for r in found], dtype=np.int64)
        w.text_panel.set_texts([r.text for r in found], str(ws.path), columns)
        if remember and not ws.read_only:
            try:
                ws.set_setting(VIEW_ROWS_KEY, self.rows.tolist())
            except SemvecError as exc:
                w.notifier.error(exc)
        w.notifier.status(self.tr("{0} of {1} in the views").format(self._rows(len(found)), ws.path.name))
        w.embed_when_ready(switch_to_map=show)

    def _on_edited(self) -> None:
        """A label changed in the Data view: the map's label colours follow."""
        if self.rows is None or self.ws is None:
            return
        self.window.refresh_labels(self.ws.read_rows(self.rows))

    # --- search by meaning ------------------------------------------------------------------------

    def meaning_options(self):
        """Sentence vectors as the window's options make them (layers, their combination, pooling):
        an ExtractOptions (its module imports torch, so only once a model is loaded)."""
        from semvec_studio.core.extract.options import ExtractOptions  # noqa: PLC0415 - torch, after a model load

        w = self.window
        opts = w.controls.options()
        return ExtractOptions(levels=("sentence",), layers=opts.layers(w.lm.num_layers), layer_combine=opts.layer_combine,
                              pooling=opts.pooling, normalize=opts.normalize)

    def search_meaning(self, query: str) -> int | None:
        """Rank the workspace's rows by meaning to ``query`` on the runner; returns the job id."""
        ws, w = self.ws, self.window
        view = w.data_view
        if ws is None:
            return None
        from semvec_studio.core.workspace.meaning import rank_by_meaning  # noqa: PLC0415 - imports torch: only once a model is loaded

        if w.lm is None or w.model_loading():
            view.message.show_error(self.tr("Search by meaning needs a model: wait for it to load, or choose one on the left."))
            return None
        self.meaning_job = w.runner.submit(
            rank_by_meaning, ws, w.lm, query, self.meaning_options(), name=self.tr("Ranking {0} by meaning").format(self._rows(ws.row_count)),
            group=MEANING_GROUP, on_result=self._on_ranked,
            on_error=lambda exc, details: w.notifier.error(exc, details, inline=view.message),
            on_cancel=lambda: view.message.show_info(self.tr("Search by meaning cancelled.")),
        )
        return self.meaning_job

    def _on_ranked(self, ranking) -> None:
        self.meaning_job = None
        w = self.window
        w.data_view.show_ranking(ranking)
        self.mark_ranked()
        w.notifier.status(self.tr("{0} ranked by meaning to “{1}”").format(self._rows(len(ranking)), ranking.query))

    def mark_ranked(self) -> None:
        """Mark on the map the best :data:`MARKED_ROWS` rows of the search by meaning it shows."""
        w = self.window
        top = w.data_view.ranked_rows(MARKED_ROWS)
        if self.rows is None or w.map_panel is None or not len(top):
            return
        texts = np.flatnonzero(np.isin(self.rows, top))
        if w.map_panel.mark_texts(texts) is None:
            return
        missing = len(top) - len(texts)
        w.notifier.status(self.tr("The map marks {0} of the best {1} by meaning").format(len(texts), self._rows(len(top)))
                          + (self.tr("; {0} are not in the views (select them in the Data view and Send to views)").format(missing)
                             if missing else ""))

    # --- labels from the map ----------------------------------------------------------------------

    def label_texts(self, text_ids, label: str, source: str = "bulk") -> None:
        """Texts labelled on the map (a lasso or rectangle selection: source "bulk") or with a
        number key in a view ("typed"): their workspace rows get the label in one edit, which
        Ctrl+Z in the Data view undoes."""
        ws, w = self.ws, self.window
        if ws is None or self.rows is None:
            return
        if ws.read_only:
            w.notifier.status(self.tr("{0} is read-only: the map's labels are not kept in it").format(ws.path.name))
            return
        rows = self.rows[np.asarray(text_ids, dtype=np.int64)]
        try:
            edit = ws.set_label(rows, label, source)
        except SemvecError as exc:
            w.notifier.error(exc)
            return
        w.data_view.edited_elsewhere(edit)
        w.notifier.status(self.tr("Labelled {0} “{1}” in {2} (Ctrl+Z in the Data view undoes it)").format(
            self._rows(len(rows)), label, ws.path.name))

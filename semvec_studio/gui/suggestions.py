"""The labelling loop in the window: suggestions retrained in the background, the review queues
and "more like this", shown in the Data view, the label panel and the map.

After every :data:`RETRAIN_EVERY` label edits (and on demand: Suggest now) a job on the runner
(group :data:`SUGGEST_GROUP`, so it replaces only an older retrain) fits the suggestion model on
the labelled rows' cached sentence vectors, made with the window's model and vector options (the
first time, the vectors of every row are computed and kept in the workspace's data folder) and
predicts every row. The job works on a copy of the labels taken when it starts; edits made while
it runs count towards the next retrain. Suggestions never change a label: Enter in the Data view
or the review accepts one (source "suggestion").
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from semvec_studio.core.errors import SemvecError
from semvec_studio.gui.i18n import counted
from semvec_studio.gui.label_colors import LabelStyle
from semvec_studio.gui.panels.more_like_this import MoreLikeThisDialog
from semvec_studio.gui.panels.review import ReviewDialog

RETRAIN_EVERY = 5
SUGGEST_GROUP = "suggest"
QUEUE_GROUP = "queue"
QUEUE_ROWS = 200  # rows a review queue holds


class Suggestions(QObject):
    """See the module doc. ``updated`` after new suggestions reach the views."""

    updated = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.fitted = None  # core.labelling.loop.Fitted: the cached vectors and the suggestions by row
        self.edits = 0
        self.job: int | None = None
        self._pending_after: list = []  # callbacks waiting for the vectors (a queue asked for before the first fit)
        self.review: ReviewDialog | None = None
        self.more: MoreLikeThisDialog | None = None
        data = window.data_view
        data.edited.connect(self.note_edit)
        data.acceptRequested.connect(self.accept)
        panel = data.labels_panel
        panel.suggestRequested.connect(lambda: self.request(auto=False))
        panel.reviewRequested.connect(self.open_review)
        panel.moreLikeRequested.connect(self.open_more_like)
        panel.labelShownRequested.connect(self.label_shown)

    @property
    def ws(self):
        return self.window.session.ws

    @property
    def suggestions(self):
        return None if self.fitted is None else self.fitted.suggestions

    def reset(self) -> None:
        """A workspace opened or closed: forget the old one's suggestions."""
        if self.job is not None:
            self.window.runner.cancel(self.job)
        self.fitted, self.edits, self.job = None, 0, None
        self._pending_after = []
        for dialog in (self.review, self.more):
            if dialog is not None:
                dialog.close()
        self.more = None
        if self.review is not None:
            self.review.set_workspace(self.ws)
        self.window.data_view.model.set_suggestions(None)
        panel = self.window.data_view.labels_panel
        panel.set_suggested({})
        panel.suggest_status.setText(self.tr("Suggestions: none yet (Suggest now, or label a few rows of two labels)"))
        self.push_style()

    def note_edit(self) -> None:
        self.edits += 1
        self.push_style()
        from_run = self.fitted is not None and self.fitted.source  # a trained model's: kept until Suggest now
        if self.edits >= RETRAIN_EVERY and self.job is None and not from_run:
            self.request(auto=True)

    def label_snapshot(self) -> np.ndarray:
        ids, _ = self.ws.label_array()
        return np.array(ids, dtype=np.int64, copy=True)

    def ready_to_fit(self, auto: bool) -> str | None:
        """Why suggestions cannot be fitted now (None: they can)."""
        w = self.window
        if self.ws is None:
            return self.tr("Open a workspace first.")
        if w.lm is None or w.model_loading():
            return self.tr("Suggestions need a model: wait for it to load, or choose one on the left.")
        if not w.options_ready():
            return self.tr("Choose the vector options first.")
        return None

    def request(self, auto: bool = False, then=None, keep: bool = False) -> int | None:
        """Retrain the suggestions on the runner; ``then()`` runs once they are in. ``keep``: keep
        the suggestions (a trained model's), only make the vectors the queues need."""
        why = self.ready_to_fit(auto)
        panel = self.window.data_view.labels_panel
        if why is not None:
            if not auto:
                panel.suggest_status.setText(self.tr("Suggestions: {0}").format(why))
            return None
        from semvec_studio.core.labelling.loop import suggest, suggestion_options, vectors_for  # noqa: PLC0415 - imports torch: only once a model is loaded

        w, ws = self.window, self.ws
        self.edits = 0
        if then is not None:
            self._pending_after.append(then)
        cached = self.fitted.cached if self.fitted is not None else None
        if keep and self.fitted is not None:  # only the vectors are missing (the suggestions came from a trained model)
            fn, args = vectors_for, (ws, w.lm, suggestion_options(w.bridge.meaning_options()), self.fitted)
        else:
            fn, args = suggest, (ws, w.lm, suggestion_options(w.bridge.meaning_options()), self.label_snapshot())
        rows = counted(ws.row_count, self.tr("{0} row"), self.tr("{0} rows"))
        panel.suggest_status.setText(self.tr("Suggestions: retraining…") if cached is not None else
                                     self.tr("Suggestions: computing the sentence vectors of {0} (once)…").format(rows))
        self.job = w.runner.submit(
            fn, *args, cached=cached, name=self.tr("Retraining the suggestions") if fn is suggest else self.tr("Computing the sentence vectors"),
            group=SUGGEST_GROUP, on_result=self._on_fitted, on_error=self._on_failed, on_cancel=self._on_cancelled)
        return self.job

    def _on_failed(self, exc, details) -> None:
        self.job = None
        self._pending_after = []
        self.window.notifier.error(exc, details, inline=self.window.data_view.labels_panel.message)

    def _on_cancelled(self) -> None:
        self.job = None
        self._pending_after = []
        self.window.data_view.labels_panel.suggest_status.setText(self.tr("Suggestions: cancelled (Suggest now starts again)"))

    def _on_fitted(self, fitted) -> None:
        self.job = None
        if self.ws is None:
            return
        self.fitted = fitted
        self.show()
        for then in self._pending_after:
            then()
        self._pending_after = []
        if self.edits >= RETRAIN_EVERY:
            self.request(auto=True)  # edits made while it ran

    def show(self) -> None:
        """Put the suggestions into the Data view, the label panel and the map."""
        s, ws = self.suggestions, self.ws
        view, panel = self.window.data_view, self.window.data_view.labels_panel
        if s is None or ws is None:
            return
        if not s.ready:
            view.model.set_suggestions(None)
            panel.set_suggested({})
            panel.suggest_status.setText(self.tr("Suggestions: {0} ({1} so far)").format(
                s.reason, counted(s.labelled, self.tr("{0} labelled row"), self.tr("{0} labelled rows"))))
            self.push_style()
            self.updated.emit()
            return
        names = {lb.id: lb.name for lb in ws.labels()}
        view.model.set_suggestions(s.predicted, s.confidence, names)
        view.size_columns()
        ids = self.label_snapshot()
        open_rows = (ids < 0) & (s.predicted >= 0)
        found, counts = np.unique(s.predicted[open_rows], return_counts=True)
        panel.set_suggested(dict(zip(found.tolist(), counts.tolist())))
        if self.fitted.source:
            panel.suggest_status.setText(self.tr(
                "Suggestions: the trained model {0} suggests {1} unlabelled rows (kept until Suggest now retrains the fast model)").format(
                self.fitted.source, f"{int(open_rows.sum()):,}"))
        else:
            panel.suggest_status.setText(self.tr("Suggestions: a model of {0} suggests {1} unlabelled rows (retrained in {2} s)").format(
                counted(s.labelled, self.tr("{0} labelled row"), self.tr("{0} labelled rows")), f"{int(open_rows.sum()):,}", f"{s.seconds:.2f}"))
        self.push_style()
        self.updated.emit()

    # --- the map ----------------------------------------------------------------------------------

    def style(self) -> LabelStyle | None:
        """The map's label colours and, per text the views show, its suggestion."""
        ws, rows = self.ws, self.window.bridge.rows
        if ws is None or rows is None:
            return None
        style = LabelStyle({lb.name: lb.colour for lb in ws.labels()})
        s = self.suggestions
        if s is not None and s.ready:
            names = {lb.id: lb.name for lb in ws.labels()}
            rows = rows[rows < len(s.predicted)]
            style.suggested = [names.get(int(p), "") for p in s.predicted[rows].tolist()]
            style.confidence = s.confidence[rows].astype(np.float64)
        return style

    def push_style(self) -> None:
        panel = self.window.map_panel
        if panel is None:
            return
        panel.colors.style = self.style()
        if panel.map is not None and panel.map.kind == "map":
            panel.show_colors(panel.toolbar.color_key())

    # --- applying suggestions ---------------------------------------------------------------------

    def accept(self, rows: np.ndarray) -> int:
        """Give ``rows`` their suggested labels (unlabelled rows with a suggestion only), one edit."""
        from semvec_studio.core.labelling.suggest import applicable_rows  # noqa: PLC0415 - scikit-learn: loaded with the first suggestions, not at start-up

        s, ws = self.suggestions, self.ws
        if s is None or not s.ready or ws is None:
            return 0
        rows = applicable_rows(s, self.label_snapshot(), np.asarray(rows, dtype=np.int64))
        if not len(rows):
            return 0
        names = {lb.id: lb.name for lb in ws.labels()}
        try:
            edit = ws.set_labels(rows, [names[int(p)] for p in s.predicted[rows].tolist()], "suggestion")
        except SemvecError as exc:
            self.window.notifier.error(exc, inline=self.window.data_view.message)
            return 0
        self.window.data_view.edited_elsewhere(edit)
        return len(rows)

    # --- the review queues and more like this -----------------------------------------------------

    def _edited(self, edit) -> None:
        """A step of the review or a "more like this" labelling: the Data view, counts and map follow."""
        self.window.data_view.edited_elsewhere(edit)

    def _with_vectors(self, then, message) -> bool:
        """Run ``then()`` now when the vectors are in, else after the retrain that makes them;
        False (and the reason in ``message``) when that cannot start."""
        if self.fitted is not None and self.fitted.cached is not None:
            then()
            return True
        if self.job is not None:
            self._pending_after.append(then)
            return True
        if self.request(auto=False, then=then, keep=self.fitted is not None) is None:
            message.show_error(self.ready_to_fit(False) or self.tr("The suggestions could not start."))
            return False
        return True

    def open_review(self) -> ReviewDialog | None:
        if self.ws is None:
            return None
        if self.review is None:
            self.review = ReviewDialog(self.window)
            self.review.queueRequested.connect(self.run_queue)
            self.review.edited.connect(self._edited)
        if self.review.ws is not self.ws:
            self.review.set_workspace(self.ws)
        self.review.show()
        self.review.raise_()
        self.review.activateWindow()
        return self.review

    def run_queue(self, strategy: str) -> None:
        review = self.review
        if review is None or self.ws is None:
            return

        def rank() -> None:
            from semvec_studio.core.labelling.loop import queue  # noqa: PLC0415 - imports torch: only once a model is loaded

            self.window.runner.submit(
                queue, self.fitted.cached, self.label_snapshot(), strategy, QUEUE_ROWS, suggestions=self.suggestions,
                name=self.tr("Ranking the {0} queue").format(strategy), group=QUEUE_GROUP, on_result=review.set_queue,
                on_error=lambda exc, details: self.window.notifier.error(exc, details, inline=review.message))

        self._with_vectors(rank, review.message)

    def open_more_like(self, label: str) -> MoreLikeThisDialog | None:
        if self.ws is None:
            return None
        if self.more is not None:
            self.more.close()
        self.more = MoreLikeThisDialog(self.ws, label, self.window)
        self.more.rankRequested.connect(self.run_more_like)
        self.more.edited.connect(self._edited)
        self.more.show()
        self.more.rank()
        return self.more

    def run_more_like(self, label: str, n: int) -> None:
        dialog, ws = self.more, self.ws
        if dialog is None or ws is None:
            return
        label_id = next((lb.id for lb in ws.labels() if lb.name == label), None)
        if label_id is None:
            dialog.message.show_error(self.tr("There is no label “{0}” any more.").format(label))
            return

        def rank() -> None:
            from semvec_studio.core.labelling.loop import more_like  # noqa: PLC0415 - imports torch: only once a model is loaded

            self.window.runner.submit(
                more_like, self.fitted.cached, self.label_snapshot(), label_id, n, name=self.tr("Rows like “{0}”").format(label),
                group=QUEUE_GROUP, on_result=dialog.set_ranked,
                on_error=lambda exc, details: self.window.notifier.error(exc, details, inline=dialog.message))

        self._with_vectors(rank, dialog.message)

    def label_shown(self, label: str, confirm: bool = True) -> int:
        """Give ``label`` to every row the Data view shows (a search result, a filter), one edit."""
        view, ws = self.window.data_view, self.ws
        if ws is None or view.model.view is None or ws.read_only:
            return 0
        rows = view.model.view.rows_at(0, len(view.model.view))
        if not len(rows):
            view.message.show_info(self.tr("No rows are shown: search or filter to choose the rows to label."))
            return 0
        ids = self.label_snapshot()[rows]
        target = next((lb.id for lb in ws.labels() if lb.name == label), None)
        other = int(((ids >= 0) & (ids != target)).sum())
        shown = counted(len(rows), self.tr("{0} row"), self.tr("{0} rows"))
        if other:
            question = self.tr("Give the {0} shown the label “{1}”? {2} of them have another label now and will change. Ctrl+Z in the Data view undoes it.").format(  # noqa: E501
                shown, label, f"{other:,}")
        else:
            question = self.tr("Give the {0} shown the label “{1}”? Ctrl+Z in the Data view undoes it.").format(shown, label)
        if confirm and QMessageBox.question(view, self.tr("Label the rows shown"), question) != QMessageBox.StandardButton.Yes:
            return 0
        try:
            edit = ws.set_label(rows, label, "bulk")
        except SemvecError as exc:
            view.message.show_error(exc.for_gui())
            return 0
        self._edited(edit)
        view.message.show_info(self.tr("Labelled {0} “{1}” (Ctrl+Z undoes it).").format(shown, label))
        return len(rows)

    # --- a trained model's suggestions --------------------------------------------------------------

    def use_run(self, folder: str) -> int | None:
        """Suggestions from a classifier the Train tab (or `semvec train`) wrote, for every row."""
        ws, w = self.ws, self.window
        panel = w.data_view.labels_panel
        if ws is None:
            w.notifier.status(self.tr("Open a workspace first: the trained model's predictions become its suggestions"))
            return None
        w.notifier.status(self.tr("Predicting every row of {0} with {1}: the suggestions appear in the Data view").format(ws.path.name, folder))
        from semvec_studio.core.labelling.loop import suggest_from_run  # noqa: PLC0415 - imports torch: only once a model is loaded

        if self.job is not None:
            w.runner.cancel(self.job)
        names = {lb.name: lb.id for lb in ws.labels()}
        panel.suggest_status.setText(self.tr("Suggestions: predicting every row with {0}…").format(folder))
        self.job = w.runner.submit(
            suggest_from_run, ws, folder, self.label_snapshot(), names, device=w.model_panel.device.currentText(),
            name=self.tr("Suggestions from the trained model"), group=SUGGEST_GROUP, on_result=self._on_fitted,
            on_error=self._on_failed, on_cancel=self._on_cancelled)
        return self.job

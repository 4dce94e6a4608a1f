"""The vectors the Map tab shows and the maps made of them, as an object the panel owns
(:class:`MapSource`): the app's vectors (``set_data``, after each embedding) or those of a folder
written by ``semvec extract`` (``open_folder``: sharded or not, memory-mapped) until the app's
vectors change again.

New vectors are mapped at once (PCA) when the tab is visible; other methods wait for Project. The
level mapped is the one the rest of the app shows (``level_source``) when that changed since the
Map last took it, else the one picked on the Map. The projections (a level's map, Word in context)
run on the main window's one runner (group :data:`GROUP`: a new one supersedes the previous one
only) while the Project button reads Cancel; a level's map kept in ``map_store`` (an open
workspace's) is shown without running. A folder's vectors are of one level, have no texts of the
app's, and the maps kept are not theirs.

Composition, not a mixin: the constructor takes the widgets the source drives, the runner and the
notifier; a level's map goes to the panel through ``mapped``, a map of Word in context to the
``show`` it is given. Its words are the panel's (translation context ``ProjectionPanel``, as when
this was part of it), so their translations stay.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.projection.base import Projection
from semvec_studio.core.projection.context import project_rows, word_rows
from semvec_studio.core.projection.project import project
from semvec_studio.core.workspace.maps import map_key
from semvec_studio.gui.i18n import counted, translate
from semvec_studio.gui.map_data import MapData, context_map, distinct_words, find_row, level_count, level_map, method_name
from semvec_studio.gui.panels.projection_controls import ProjectionControls
from semvec_studio.gui.panels.projection_side import ExploreBox

GROUP = "projection"  # runner group of projections: a new one supersedes the previous one only
MIN_CONTEXT = 3  # occurrences Word in context needs


class MapSource(QObject):
    """See the module doc. ``sets`` (by level), ``texts``, ``columns`` and ``lm``: the vectors,
    their texts, the table's columns and the model that made them (a folder's: its one level, and
    no texts, columns or model); ``folder``: the folder mapped (None: the app's vectors).
    ``mapped(MapData)`` when a level's map is made (or taken from ``map_store``)."""

    mapped = Signal(object)

    def __init__(self, controls: ProjectionControls, explore_box: ExploreBox, caption: QLabel, runner, notifier, view: QWidget, *,
                 level_source: Callable[[], str] | None = None) -> None:
        super().__init__(view)
        self.controls, self.explore_box, self.caption = controls, explore_box, caption
        self.runner, self.notifier, self.view = runner, notifier, view  # view: a new set is mapped at once while it is visible
        self.level_source = level_source
        self.sets: dict = {}
        self.texts: list[str] = []
        self.columns: dict[str, list[str]] = {}
        self.lm = None
        self.folder: Path | None = None
        self.map_store = None  # load(key) -> Projection | None and save(key, projection): maps kept (an open workspace)
        self.stale = False  # the vectors (or the level) changed since the last map was made
        self.job: int | None = None
        self._followed_level: str | None = None

    # --- the vectors ---------------------------------------------------------------------------------

    def set_data(self, sets: dict, texts: list[str], columns: dict[str, list[str]] | None = None, lm=None) -> None:
        self.sets, self.texts, self.columns, self.lm = sets, list(texts), dict(columns or {}), lm
        self.folder = None
        self._new_vectors()

    def open_folder(self, embset, folder: str | Path, words: list[str] | None = None) -> None:
        self.folder = Path(folder)
        self.sets, self.texts, self.columns, self.lm = {embset.level: embset}, [], {}, None
        self._followed_level = None  # the app's level is taken again when its vectors come back
        self.controls.level.blockSignals(True)
        self.controls.set_level(embset.level)
        self.controls.level.blockSignals(False)
        self._new_vectors(words)

    def _new_vectors(self, words: list[str] | None = None) -> None:
        self.stale = True
        if words is None and self.sets.get("word") is not None:
            words = distinct_words(self.sets["word"])
        if words is not None:
            self.explore_box.set_words(words)
        if self.view.isVisible():
            self.shown()

    def shown(self) -> None:
        """The tab is shown: take the app's level when it changed, and map vectors that changed."""
        self._follow_level()
        self._auto_project()

    def _follow_level(self) -> None:
        """Take the app's level (``level_source``) when it changed since the Map last took it; a
        level picked on the Map stays until then."""
        level = self.level_source() if self.level_source is not None else None
        if level is None or level == self._followed_level or self.folder is not None:
            return
        self._followed_level = level
        if level != self.controls.current_level():
            self.controls.set_level(level)  # maps it again (levelChanged) when there are vectors

    def _auto_project(self) -> None:
        if not self.stale or not self.sets:
            return  # (a projection of older vectors still running is superseded by the new one)
        if self.controls.current_method() == "pca":
            self.project()
        else:
            self.caption.setText(translate("ProjectionPanel", "The vectors changed: press <b>Project</b> to map them."))

    def level_changed(self, _level: str) -> None:
        if self.sets:
            self.stale = True
            self._auto_project()

    # --- projecting ----------------------------------------------------------------------------------

    def project(self) -> int | None:
        """Map the chosen level with the chosen method on the runner; returns the job id."""
        level = self.controls.current_level()
        embset = self.sets.get(level)
        self.controls.message.clear()
        if embset is None and self.folder is not None:
            (held,) = self.sets
            self.controls.message.show_error(translate("ProjectionPanel", "{0} holds vectors of one level only: choose “{1}” in Project.").format(
                self.folder.name, self.controls.level.itemText(self.controls.level.findData(held))))
            return None
        if embset is None or len(embset) == 0:
            self.controls.message.show_error(translate("ProjectionPanel", "Nothing to project yet: embed some texts first (Ctrl+Return)."))
            return None
        try:
            params = self.controls.params(lambda text: find_row(embset, level, text))
        except SemvecError as exc:
            self.controls.message.show_error(str(exc))
            return None
        self.stale = False
        key = None
        if self.map_store is not None and self.folder is None:  # a map kept from before (an open workspace's data folder)
            key = map_key(embset.vectors, level, params)
            kept = self.map_store.load(key)
            if kept is not None and len(kept.rows) and int(kept.rows.max()) < len(embset):
                self._on_projected(level, embset, kept)
                self.notifier.status(translate("ProjectionPanel", "The map of these {0}, as it was kept").format(level_count(level, len(embset))))
                return None
        name = translate("ProjectionPanel", "Projecting {0} ({1})").format(level_count(level, len(embset)), method_name(params.method))
        return self._submit(project, embset.vectors, params, name=name,
                            on_result=lambda proj: self._on_projected(level, embset, proj, key))

    def word_in_context(self, word: str, show: Callable[[MapData], None]) -> int | None:
        """Project every occurrence of ``word`` across the texts (runner), then ``show`` the map;
        returns the job id."""
        self.explore_box.message.clear()
        words = self.sets.get("word")
        word = word.strip()
        if words is None or not word:
            self.explore_box.message.show_error(translate("ProjectionPanel", "Type a word that occurs in the texts, e.g. bank."))
            return None
        rows = word_rows(words, word)
        if len(rows) < MIN_CONTEXT:
            occurs = counted(len(rows), translate("ProjectionPanel", "{0} time"), translate("ProjectionPanel", "{0} times"))
            self.explore_box.message.show_error(translate(
                "ProjectionPanel", "“{0}” occurs {1}; Word in context needs at least {2} occurrences.").format(word, occurs, MIN_CONTEXT))
            return None
        return self._submit(project_rows, words, rows, self.controls.params(),
                            name=translate("ProjectionPanel", "Word in context: {0} × “{1}”").format(len(rows), word),
                            on_result=lambda proj: show(context_map(words, rows, word, proj)))

    def _submit(self, fn, *args, name: str, on_result) -> int:
        """A projection job (group :data:`GROUP`): the button turns to Cancel while it runs."""
        def done(result) -> None:
            self._finished()
            on_result(result)

        self.job = self.runner.submit(fn, *args, name=name, group=GROUP, on_result=done, on_error=self._on_failed,
                                      on_cancel=self._on_cancelled)
        self.controls.set_running(True)
        return self.job

    def cancel(self) -> None:
        if self.job is not None:
            self.runner.cancel(self.job)

    def _finished(self) -> None:
        self.job = None
        self.controls.set_running(False)

    def _on_projected(self, level: str, embset, proj: Projection, key: str | None = None) -> None:
        if self.sets.get(level) is not embset:
            return  # the vectors changed while it ran
        if key is not None and self.map_store is not None:
            self.map_store.save(key, proj)
        self.mapped.emit(level_map(level, embset, proj))

    def _on_failed(self, exc: BaseException, details: str) -> None:
        self._finished()
        self.notifier.error(exc, details, inline=self.controls.message)

    def _on_cancelled(self) -> None:
        self._finished()
        self.controls.message.show_info(translate("ProjectionPanel", "Projection cancelled; the map shows the previous result."))

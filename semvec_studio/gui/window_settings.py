"""What the main window keeps between sessions (QSettings): its geometry and splitters, each
view's splitter, the open view, the device and dtype, the vector options and the Train tab's
form; restored when it opens, saved when it closes."""

from __future__ import annotations

from PySide6.QtCore import QByteArray

from semvec_studio.gui import settings as st

OPTIONS_KEY = "options/controls"
DEFAULT_SIZE = (1280, 800)


def restore_layout(window) -> None:
    """Put back the window's geometry, splitters, device/dtype and open view."""
    s = window.settings
    if isinstance(geometry := s.value("layout/geometry"), QByteArray):
        window.restoreGeometry(geometry)
    else:
        window.resize(*DEFAULT_SIZE)
    for splitter in (window.splitter, window.left):
        if isinstance(state := s.value(f"layout/{splitter.objectName()}"), QByteArray):
            splitter.restoreState(state)
    device, dtype = s.value("model/device"), s.value("model/dtype")
    if isinstance(device, str) and isinstance(dtype, str):
        window.model_panel.set_device_dtype(device, dtype)
    view = s.value("layout/tab")
    titles = [_tab_key(window, i) for i in range(window.views.count())]
    if isinstance(view, str) and view in titles:
        window.views.setCurrentIndex(titles.index(view))


def _tab_key(window, index: int) -> str:
    """The saved name of tab ``index``: its English title (the tab bar's data; the shown title
    is translated), so the open tab survives a change of language."""
    key = window.views.tabBar().tabData(index)
    return key if isinstance(key, str) else window.views.tabText(index)


def restore_view_layouts(window, views) -> None:
    """Each view's splitter, once the views exist."""
    for view in views:
        state = window.settings.value(f"layout/{type(view).__name__}")
        if isinstance(state, QByteArray):
            view.splitter.restoreState(state)


def save_settings(window, *, options: bool) -> None:
    """Everything :func:`restore_layout` puts back, the vector options (when ``options``: they are
    saved only once they were restored, so a session that never loaded a model keeps the old ones)
    and the Train tab's form."""
    s = window.settings
    s.setValue("layout/geometry", window.saveGeometry())
    for splitter in (window.splitter, window.left):
        s.setValue(f"layout/{splitter.objectName()}", splitter.saveState())
    for view in (window.token_view, window.sentence_view, window.map_panel, window.training_panel):
        if view is not None:
            s.setValue(f"layout/{type(view).__name__}", view.splitter.saveState())
    s.setValue("layout/tab", _tab_key(window, window.views.currentIndex()))
    s.setValue("model/device", window.model_panel.device.currentText())
    s.setValue("model/dtype", window.model_panel.dtype.currentText())
    if options:
        st.write_json(s, OPTIONS_KEY, window.controls.state())
    if window.training_panel is not None:
        window.training_panel.save_settings()
    s.sync()

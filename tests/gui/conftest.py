"""GUI test fixtures: settings in a temporary file (never the user's), a window factory, and a
check after every test that no runner thread is left running."""

from __future__ import annotations

import pytest

from semvec_studio.gui.runner import running_threads
from semvec_studio.gui.settings import SETTINGS_ENV

LOAD_MS = 60_000  # the real default model takes seconds; a loaded CI machine more
EMBED_MS = 60_000


@pytest.fixture(autouse=True)
def temporary_settings(tmp_path, monkeypatch):
    path = tmp_path / "settings" / "semvec-studio.ini"
    path.parent.mkdir()
    monkeypatch.setenv(SETTINGS_ENV, str(path))
    return path


@pytest.fixture(autouse=True)
def no_thread_left_running():
    yield
    left = running_threads()
    assert not left, f"{len(left)} runner thread(s) still running after the test"


@pytest.fixture
def make_window(qtbot):
    """``make_window(model, demo=False, files=(), wait=True)`` -> a shown MainWindow that has
    started (and, with ``wait``, finished) loading ``model``. Closed after the test."""
    from semvec_studio.gui.main_window import MainWindow

    windows = []

    def make(model, *, demo: bool = False, files=(), wait: bool = True):
        window = MainWindow(model=str(model), files=[str(f) for f in files], demo=demo)
        windows.append(window)  # closed below (not by qtbot, whose close would ask about a run left going)
        window.show()
        if wait:
            with qtbot.waitSignal(window.modelLoaded, timeout=LOAD_MS):
                window.start()
        else:
            window.start()
        return window

    yield make
    for window in windows:
        window.interrupt()  # closes without asking, even if a test left a training run going


def embed(qtbot, window, texts: list[str] | None = None):
    """Put ``texts`` in the editor (if given), press Embed and wait for the views."""
    if texts is not None:
        window.text_panel.editor.setPlainText("\n".join(texts))
    with qtbot.waitSignal(window.embedded, timeout=EMBED_MS):
        window.actions.embed.trigger()

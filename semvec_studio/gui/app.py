"""The desktop workbench's application: the QApplication, the main window and its event loop
(:func:`run`, reached through :mod:`semvec_studio.launch`).

The window opens at once; the model loads on the runner thread while the status bar says so.
With no FILE the bundled demo corpus is embedded, so a newcomer sees vectors within seconds.
``screenshots``: drive every main view offscreen and save ``DIR/<view>.png``, then exit.
``time_startup``: print the seconds to the first shown window and quit (for measuring).
``language``: the interface's language ("en", "zh_CN", "system"; None: the saved choice, see
:mod:`semvec_studio.gui.i18n`; ``--screenshots`` is English unless asked). Where the system has no
font for Chinese the shipped one is registered first (:mod:`semvec_studio.gui.fonts`).
Ctrl-C in the terminal that started it closes the window as its close button does (jobs
cancelled, a training run stopped with its checkpoint kept, settings saved) and exits 130.

Light and dark palettes follow the system: the app sets no palette or fixed colours of its own
(Qt 6 follows the platform's colour scheme; plots and inline messages take their colours from the
palette and restyle when it changes).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

from semvec_studio import __version__
from semvec_studio.core.checkpoints import DEFAULT_MODEL
from semvec_studio.gui import i18n
from semvec_studio.gui.fonts import install_cjk_fallback
from semvec_studio.gui.main_window import MainWindow
from semvec_studio.gui.settings import APPLICATION, ORGANISATION

EXIT_INTERRUPTED = 130


def run(files=(), *, model: str = DEFAULT_MODEL, screenshots: str | None = None, screenshot_size=(1280, 800),
        time_startup: bool = False, started: float | None = None, language: str | None = None) -> int:
    """Open the workbench on ``model`` and ``files`` (or the demo corpus) and run until it closes."""
    if screenshots:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the QApplication is made
    started = time.perf_counter() if started is None else started
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "semvec-studio"])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    settings = None
    tmp = None
    if screenshots:  # deterministic: fresh settings, never the user's
        tmp = tempfile.TemporaryDirectory(prefix="semvec-shots-")
        settings = QSettings(str(Path(tmp.name) / "settings.ini"), QSettings.Format.IniFormat)
        language = language or i18n.SOURCE_LANGUAGE
    install_cjk_fallback(app)
    i18n.install(app, language, settings)
    window = MainWindow(model=model, files=[] if screenshots else list(files), demo=True if screenshots else None,
                        settings=settings)
    previous_hook = sys.excepthook
    sys.excepthook = window.notifier.excepthook
    app.aboutToQuit.connect(window.runner.shutdown)
    restore_sigint = close_on_sigint(app, window)
    try:
        if screenshots:
            from semvec_studio.gui.screenshots import ScreenshotDriver, steps_for  # noqa: PLC0415 - loads every view; only in this mode

            driver = ScreenshotDriver(window, Path(screenshots), screenshot_size, steps_for(i18n.installed_language()))
            driver.start()
            app.exec()
            return driver.exit_code
        window.show()
        window.start()
        if time_startup:
            QTimer.singleShot(0, lambda: _report_startup(app, started))
        code = app.exec()
        return EXIT_INTERRUPTED if window.interrupted else code
    finally:
        restore_sigint()
        sys.excepthook = previous_hook
        window.runner.shutdown()
        if tmp is not None:
            tmp.cleanup()


def close_on_sigint(app, window):
    """Make Ctrl-C (SIGINT) call ``window.interrupt()``; returns a function that undoes it.

    Python runs a signal handler only when the interpreter next runs, which an idle Qt event loop
    never lets it do; so the signal also writes a byte to a socket (``signal.set_wakeup_fd``)
    whose QSocketNotifier wakes the loop, and the handler runs at once."""
    try:
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)
        old_fd = signal.set_wakeup_fd(writer.fileno())
        old_handler = signal.signal(signal.SIGINT, lambda *_: window.interrupt())
    except (ValueError, OSError):  # not the main thread, or no sockets: Ctrl-C keeps its default
        return lambda: None
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)
    notifier.activated.connect(lambda *_: _drain(reader))

    def restore() -> None:
        notifier.setEnabled(False)
        signal.signal(signal.SIGINT, old_handler)
        signal.set_wakeup_fd(old_fd)
        reader.close()
        writer.close()

    return restore


def _drain(sock: socket.socket) -> None:
    try:
        while sock.recv(64):
            pass
    except OSError:
        pass


def _report_startup(app, started: float) -> None:
    """--time-startup: runs once the first show's events (expose, paint) are processed."""
    print(f"startup: first window after {time.perf_counter() - started:.3f} s", flush=True)
    app.quit()


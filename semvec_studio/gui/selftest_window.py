"""The self-test's GUI check (``semvec-studio --self-test``): the main window, offscreen, once.

Creates the window with throw-away settings, lets it load the default model and embed the demo
corpus on the runner thread, grabs it to a PNG and reads the PNG back. A missing Qt platform or
image plugin, a missing Qt library or a view that fails to build shows up here as a failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QEventLoop, QLibraryInfo, QSettings, QTimer
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import QApplication

from semvec_studio import __version__
from semvec_studio.gui.main_window import MainWindow
from semvec_studio.gui.settings import APPLICATION, ORGANISATION

TIMEOUT_MS = 180_000
SIZE = (1280, 800)
# the platform plugin a desktop session loads: it must be in the bundle even though the test is offscreen
NATIVE_PLATFORM = {"linux": "libqxcb.so", "darwin": "libqcocoa.dylib", "win32": "qwindows.dll"}


class SelfTestError(Exception):
    pass


def _native_platform_plugin() -> str:
    name = NATIVE_PLATFORM.get(sys.platform)
    if name is None:
        return "no native platform plugin expected on this OS"
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    if not (folder / name).is_file():
        raise SelfTestError(f"{folder / name} is missing: the app cannot open a window on this desktop")
    return f"platforms/{name} present"


def _wait_for_vectors(app: QApplication, window: MainWindow) -> None:
    loop = QEventLoop()
    problems: list[str] = []
    window.embedded.connect(loop.quit)
    window.runner.failed.connect(lambda _job, exc, _details: (problems.append(f"{type(exc).__name__}: {exc}"), loop.quit()))
    QTimer.singleShot(TIMEOUT_MS, lambda: (problems.append(f"no vectors after {TIMEOUT_MS // 1000} s"), loop.quit()))
    previous_hook = sys.excepthook  # an exception in a slot on the GUI thread (a view that fails to build)
    sys.excepthook = lambda kind, exc, tb: (problems.append(f"{kind.__name__}: {exc}"), loop.quit())
    try:
        window.start()
        loop.exec()
    finally:
        sys.excepthook = previous_hook
    if problems:
        raise SelfTestError(problems[0])
    for _ in range(3):  # let the views lay out and paint
        app.processEvents()


def exercise_window(folder: Path) -> str:
    """Show the main window offscreen until the demo corpus is embedded; grab it. Returns a detail
    line; raises on any failure."""
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(["semvec-studio"])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(demo=True, settings=settings)
    try:
        window.resize(*SIZE)
        window.show()
        _wait_for_vectors(app, window)
        views = []
        for index in range(window.views.count()):
            window.views.setCurrentIndex(index)
            app.processEvents()
            views.append(window.views.tabText(index).replace("&&", "&"))
        window.views.setCurrentIndex(0)
        app.processEvents()
        path = folder / "window.png"
        if not window.grab().save(str(path)):
            raise SelfTestError(f"could not save {path}")
        image = QImage(str(path))
        if image.isNull() or (image.width(), image.height()) != SIZE:
            raise SelfTestError(f"{path} reads back as {image.width()}x{image.height()}, expected {SIZE[0]}x{SIZE[1]}")
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 23)}
        if len(colours) < 3:
            raise SelfTestError("the window grab is blank")
        formats = {bytes(f).decode() for f in QImageReader.supportedImageFormats()}
        native = _native_platform_plugin()
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
    return (f"{app.platformName()} window {SIZE[0]}x{SIZE[1]} grabbed ({len(colours)} colours), views "
            f"{', '.join(views)}; image formats {','.join(sorted(formats))}; {native}")

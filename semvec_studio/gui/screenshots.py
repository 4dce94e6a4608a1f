"""``semvec-studio --screenshots DIR``: drive every main view and save ``DIR/<view>.png``.

With ``--lang zh_CN`` the window is in Chinese and the Chinese steps run instead
(:data:`STEPS_ZH`): the token view of a Chinese sentence cut into words by jieba, the map of the
Chinese sample reviews coloured by their label, and the Train tab on them.

Steps are a registry (:data:`STEPS`, filled with
:func:`~semvec_studio.gui.screenshot_registry.screenshot_step` in
:mod:`semvec_studio.gui.screenshot_steps`, and :data:`STEPS_ZH`, in
:mod:`semvec_studio.gui.screenshot_steps_zh`): a later view (a projection, training) adds its
picture by registering one function. A step puts its view in front and returns an optional dialog
to draw over the window. If the step started runner jobs, the driver (:class:`ScreenshotDriver`,
here) waits for the runner to become idle (its ``busyChanged`` signal) before grabbing, so the
pictures never depend on timing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QWidget

import semvec_studio.gui.screenshot_steps  # noqa: F401  (registers the English steps)
import semvec_studio.gui.screenshot_steps_zh  # noqa: F401  (registers the Chinese steps)
from semvec_studio.gui.i18n import translate
from semvec_studio.gui.screenshot_registry import STEPS, STEPS_ZH, ScreenshotStep

WATCHDOG_MS = 600_000  # a safety net only: a step that never finishes fails the run


def steps_for(language: str | None) -> list[ScreenshotStep]:
    """The steps of a run in ``language`` ("zh_CN": the Chinese ones; else the English ones)."""
    return list(STEPS_ZH if language == "zh_CN" else STEPS)


class ScreenshotDriver(QObject):
    """Starts the window offscreen, waits for the demo's vectors, then runs every step."""

    def __init__(self, window, folder: Path, size: tuple[int, int] = (1280, 800),
                 steps: list[ScreenshotStep] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.folder = Path(folder)
        self.size = size
        self.steps = list(STEPS if steps is None else steps)
        self.current: ScreenshotStep | None = None
        self.overlay: QWidget | None = None
        self.saved: list[Path] = []
        self.exit_code = 0
        self._waiting = False

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        runner = self.window.runner
        runner.failed.connect(self._on_failed)
        runner.busyChanged.connect(self._on_busy, Qt.ConnectionType.QueuedConnection)
        self.window.embedded.connect(self._on_first_result, Qt.ConnectionType.QueuedConnection)
        unexpected = translate("Notifier", "Unexpected error: {0}").split("{0}")[0]  # the status line of a bug, as shown
        self.window.notifier.message.connect(lambda msg: msg.startswith(unexpected) and self._fail(msg))
        QTimer.singleShot(WATCHDOG_MS, lambda: self._fail("timed out waiting for a view"))
        self.window.resize(*self.size)
        self.window.show()
        self.window.start()

    def _on_first_result(self) -> None:
        self.window.embedded.disconnect(self._on_first_result)
        self._wait_then(self._next)

    def _wait_then(self, then: Callable) -> None:
        self._then = then
        if self.window.runner.is_busy():
            self._waiting = True
        else:
            QTimer.singleShot(0, then)  # after the events already queued (layouts, repaints)

    def _on_busy(self, busy: bool) -> None:
        if not busy and self._waiting and not self.window.runner.is_busy():
            self._waiting = False
            QTimer.singleShot(0, self._then)

    def _next(self) -> None:
        if self.exit_code:
            return
        if not self.steps:
            print(f"semvec-studio: saved {len(self.saved)} screenshots to {self.folder}", file=sys.stderr)
            QApplication.quit()
            return
        self.current = self.steps.pop(0)
        self.window.resize(*self.size)
        self.overlay = self.current.prepare(self.window)
        if self.overlay is not None:
            self.overlay.show()
        self._wait_then(self._capture)

    def _capture(self) -> None:
        if self.exit_code:
            return
        QApplication.processEvents()
        picture = self.window.grab()
        if self.overlay is not None:
            over = self.overlay.grab()
            painter = QPainter(picture)
            top_left = QPoint((picture.width() - over.width()) // 2, (picture.height() - over.height()) // 2)
            painter.fillRect(picture.rect(), QColor(0, 0, 0, 70))  # dim the window behind the dialog
            painter.drawPixmap(top_left, over)
            painter.end()
            self.overlay.close()
            self.overlay.deleteLater()
            self.overlay = None
        path = self.folder / f"{self.current.name}.png"
        if not picture.save(str(path)):
            self._fail(f"cannot write {path}")
            return
        self.saved.append(path)
        self._next()

    def _on_failed(self, _job_id: int, exc: BaseException, details: str) -> None:
        if self.current is None or not self.current.expect_error:
            self._fail(f"{type(exc).__name__}: {exc}\n{details}")

    def _fail(self, message: str) -> None:
        if self.exit_code:
            return
        self.exit_code = 1
        print(f"semvec-studio --screenshots: {message}", file=sys.stderr)
        QApplication.exit(1)

"""The registry of ``--screenshots`` steps (:mod:`semvec_studio.gui.screenshots` runs them).

A step is one picture: ``prepare(window)`` puts its view in front and returns an optional dialog
to draw over the window. The :func:`screenshot_step` decorator registers one, in order, in
:data:`STEPS` (the English pictures, :mod:`semvec_studio.gui.screenshot_steps`) or
:data:`STEPS_ZH` (the Chinese ones, :mod:`semvec_studio.gui.screenshot_steps_zh`); a later view
adds its picture by registering one function. :func:`temporary_folder` gives a step a scratch
folder that is removed when the run ends.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ScreenshotStep:
    name: str
    prepare: Callable  # (window) -> QWidget | None: a dialog to draw over the window
    expect_error: bool = False  # the step shows an error on purpose


STEPS: list[ScreenshotStep] = []
STEPS_ZH: list[ScreenshotStep] = []  # --lang zh_CN: the Chinese pictures


def screenshot_step(name: str, *, expect_error: bool = False, steps: list[ScreenshotStep] = STEPS):
    """Decorator: register ``prepare(window)`` as the screenshot ``name``.png (in order), in
    ``steps`` (:data:`STEPS`, or :data:`STEPS_ZH` for the Chinese ones)."""

    def register(prepare: Callable) -> Callable:
        steps[:] = [s for s in steps if s.name != name]
        steps.append(ScreenshotStep(name, prepare, expect_error))
        return prepare

    return register


def temporary_folder(prefix: str) -> Path:
    """A new scratch folder for a step (a workspace, a training run), removed when the run ends."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder

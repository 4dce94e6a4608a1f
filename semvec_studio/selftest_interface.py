"""The self-test's interface checks (``semvec-studio --self-test``): ``gui``, the main window once,
offscreen (:mod:`semvec_studio.gui.selftest_window`), and ``chinese-ui``, the Chinese translation
and fonts (:mod:`semvec_studio.gui.selftest_i18n`).

The only self-test checks that import Qt, and only when they run: the rest of the self-test never
loads it.
"""

from __future__ import annotations

import os

from semvec_studio.selftest_registry import State, check


@check("gui")
def _gui(state: State) -> str:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the self-test is headless wherever it runs
    from semvec_studio.gui.selftest_window import exercise_window

    return exercise_window(state.tmp / "gui")


@check("chinese-ui")
def _chinese_ui(state: State) -> str:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from semvec_studio.gui.selftest_i18n import check_chinese_interface

    return check_chinese_interface()

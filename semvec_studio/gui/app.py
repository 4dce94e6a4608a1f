"""``semvec-studio [--model M] [--screenshots DIR] [FILE...]``: the desktop workbench.

The window opens at once; the model loads on the runner thread while the status bar says so.
With no FILE the bundled demo corpus is embedded, so a newcomer sees vectors within seconds.
``--screenshots DIR`` drives every main view offscreen and saves ``DIR/<view>.png``, then exits.
``--self-test`` runs :mod:`semvec_studio.selftest` headless and exits 0 only if every check passed;
``--time-startup`` prints the seconds to the first shown window and quits (for measuring).
Given a ``semvec`` subcommand first (``semvec-studio extract ...``), it runs the command line
instead, so the desktop bundle's one executable serves both.

Light and dark palettes follow the system: the app sets no palette or fixed colours of its own
(Qt 6 follows the platform's colour scheme; plots and inline messages take their colours from the
palette and restyle when it changes).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import semvec_studio.core.offline  # noqa: F401  (HF_HUB_OFFLINE before transformers is imported)
from semvec_studio import __version__
from semvec_studio.core.models import DEFAULT_MODEL

_T0 = time.perf_counter()  # --time-startup counts from here (the bundle's launcher adds its own start)

# The `semvec` subcommands (semvec_studio.cli); a test keeps this list equal to the CLI's.
CLI_COMMANDS = ("info", "extract", "train", "evaluate", "predict", "project")


def _size(value: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: give WIDTHxHEIGHT, e.g. 1280x800") from None
    if w < 400 or h < 300:
        raise argparse.ArgumentTypeError(f"{value!r}: at least 400x300")
    return w, h


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="semvec-studio", description="A desktop workbench for the token, word and sentence vectors of transformer models.")
    p.add_argument("files", nargs="*", metavar="FILE", help=".txt, .csv, .tsv or .jsonl files to open (one text per line or row)")
    p.add_argument("--model", default=DEFAULT_MODEL, help="'default' (bundled all-MiniLM-L6-v2) or a local Hugging Face model folder")
    p.add_argument("--screenshots", metavar="DIR", help="save a PNG of every main view into DIR (offscreen, demo corpus) and exit")
    p.add_argument("--screenshot-size", type=_size, default=(1280, 800), metavar="WxH", help="window size for --screenshots (default 1280x800)")
    p.add_argument("--self-test", action="store_true", help="check this installation headless (model, vectors, maps, training, exports, window) and exit")
    p.add_argument("--time-startup", action="store_true", help="print the seconds until the window is first shown, then quit")
    p.add_argument("--version", action="version", version=f"semvec-studio {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in CLI_COMMANDS:
        from semvec_studio.cli import main as cli_main

        return cli_main(argv)
    args = build_parser().parse_args(argv)
    if args.self_test:
        from semvec_studio.selftest import main as self_test

        return self_test()
    if args.screenshots:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from semvec_studio.gui.main_window import MainWindow
    from semvec_studio.gui.settings import APPLICATION, ORGANISATION

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "semvec-studio"])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    settings = None
    tmp = None
    if args.screenshots:  # deterministic: fresh settings, never the user's
        tmp = tempfile.TemporaryDirectory(prefix="semvec-shots-")
        settings = QSettings(str(Path(tmp.name) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(model=args.model, files=[] if args.screenshots else args.files,
                        demo=True if args.screenshots else None, settings=settings)
    previous_hook = sys.excepthook
    sys.excepthook = window.notifier.excepthook
    app.aboutToQuit.connect(window.runner.shutdown)
    try:
        if args.screenshots:
            from semvec_studio.gui.screenshots import ScreenshotDriver

            driver = ScreenshotDriver(window, Path(args.screenshots), args.screenshot_size)
            driver.start()
            app.exec()
            return driver.exit_code
        window.show()
        window.start()
        if args.time_startup:
            QTimer.singleShot(0, lambda: _report_startup(app))
        return app.exec()
    finally:
        sys.excepthook = previous_hook
        window.runner.shutdown()
        if tmp is not None:
            tmp.cleanup()


def _report_startup(app) -> None:
    """--time-startup: runs once the first show's events (expose, paint) are processed."""
    print(f"startup: first window after {time.perf_counter() - _T0:.3f} s", flush=True)
    app.quit()


if __name__ == "__main__":
    sys.exit(main())

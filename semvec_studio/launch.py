"""``semvec-studio``: the one entry point of the app: the desktop workbench, or the command line
when a ``semvec`` subcommand comes first (``semvec-studio extract ...``), or the headless
installation check (``--self-test``). The desktop bundle's one executable serves all three.

It imports neither Qt nor torch before it knows which of them is wanted (a deliberate start-up
saving: ``semvec-studio extract --help`` never loads Qt, the window opens before torch loads).
"""

from __future__ import annotations

import argparse
import sys
import time

from semvec_studio import __version__
from semvec_studio.cli import COMMANDS
from semvec_studio.core.checkpoints import DEFAULT_MODEL

T0 = time.perf_counter()  # --time-startup counts from here (the bundle's launcher adds its own start)
CLI_COMMANDS = tuple(COMMANDS)  # the `semvec` subcommands
# the interface languages (semvec_studio.gui.i18n.LANGUAGES, repeated here so the parser needs no Qt; a test compares)
LANGUAGES = ("en", "zh_CN")
SYSTEM = "system"


def _size(value: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r}: give WIDTHxHEIGHT, e.g. 1280x800") from None
    if w < 400 or h < 300:
        raise argparse.ArgumentTypeError(f"{value!r}: at least 400x300")
    return w, h


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="semvec-studio", description="A desktop workbench for the token, word and sentence "
        "vectors of transformer models.")
    p.add_argument("files", nargs="*", metavar="FILE", help=".txt, .csv, .tsv or .jsonl files to open (one text per line or row)")
    p.add_argument("--model", default=DEFAULT_MODEL, help="'default' (bundled all-MiniLM-L6-v2) or a local Hugging Face model folder")
    p.add_argument("--screenshots", metavar="DIR", help="save a PNG of every main view into DIR (offscreen, demo corpus) and exit")
    p.add_argument("--screenshot-size", type=_size, default=(1280, 800), metavar="WxH", help="window size for --screenshots (default 1280x800)")
    p.add_argument("--self-test", action="store_true", help="check this installation headless (model, vectors, maps, "
        "training, exports, window) and exit")
    p.add_argument("--lang", metavar="LANG", choices=(SYSTEM, *LANGUAGES), help="the interface's language: "
        f"{', '.join(LANGUAGES)} or {SYSTEM} (default: the choice saved by View > Language, else the system's; "
        "English for --screenshots)")
    p.add_argument("--time-startup", action="store_true", help="print the seconds until the window is first shown, then quit")
    p.add_argument("--version", action="version", version=f"semvec-studio {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in CLI_COMMANDS:
        from semvec_studio.cli import main as cli_main  # noqa: PLC0415 - the command line needs no Qt

        return cli_main(argv)
    args = build_parser().parse_args(argv)
    if args.self_test:
        from semvec_studio.selftest import main as self_test  # noqa: PLC0415 - loads everything, only when asked

        return self_test()
    from semvec_studio.gui.app import run  # noqa: PLC0415 - Qt only for the desktop app

    return run(args.files, model=args.model, screenshots=args.screenshots, screenshot_size=args.screenshot_size,
               time_startup=args.time_startup, started=T0, language=args.lang)


def entry() -> None:
    """The ``semvec-studio`` command (and the bundle's executable): :func:`main`; a ``semvec``
    subcommand ends as the ``semvec`` command does (:func:`semvec_studio.cli.exit_now`)."""
    code = main()
    if len(sys.argv) > 1 and sys.argv[1] in CLI_COMMANDS:
        from semvec_studio.cli import exit_now  # noqa: PLC0415 - as in main

        exit_now(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()

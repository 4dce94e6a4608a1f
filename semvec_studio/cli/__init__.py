"""`semvec`: the command line over the core.

Exit codes: 0 success; 2 bad usage or bad input (one line on stderr, no traceback); 130 cancelled
(Ctrl-C); 1 anything unexpected (run again with --debug for the traceback).

Each command group is one module (:data:`COMMANDS`). Only the module of the command being run is
imported, so ``semvec --help`` and ``semvec --version`` load neither torch nor transformers (a
deliberate start-up saving: the command modules import the core at their top). The ``semvec``
command (:func:`entry`) ends without Python's own teardown (:func:`exit_now`), which takes about a
second once torch and transformers are loaded, with nothing left to do.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import os
import sys
import threading
import traceback
from collections.abc import Sequence
from typing import NoReturn

from semvec_studio import __version__
from semvec_studio.core.errors import Cancelled, SemvecError

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130

# command -> (module that adds its parser, one-line help for `semvec --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "info": ("semvec_studio.cli.info", "facts about a checkpoint"),
    "extract": ("semvec_studio.cli.extract", "extract vectors to a folder"),
    "train": ("semvec_studio.cli.train", "fine-tune a classifier (or fit a linear probe) on a labelled CSV"),
    "evaluate": ("semvec_studio.cli.train", "the report of a trained classifier on a labelled CSV"),
    "predict": ("semvec_studio.cli.train", "label and class probabilities for each text, as TSV"),
    "project": ("semvec_studio.cli.project", "add a 2-D map (projection.tsv) to an extract output folder"),
    "index": ("semvec_studio.cli.index", "add an approximate nearest-neighbour index to an extract output folder (the 'ann' extra)"),
    "workspace": ("semvec_studio.cli.workspace", "make, fill, label, inspect and export a workspace (a .semvec file)"),
    "search": ("semvec_studio.cli.search", "find a workspace's rows by meaning (or by words, or a regular expression)"),
    "compare": ("semvec_studio.cli.compare", "two extraction folders of the same rows: k-NN overlap per row and linear CKA"),
    "layers": ("semvec_studio.cli.layers", "the layer lab: probe accuracy, word similarity, anisotropy and CKA per layer"),
    "static": ("semvec_studio.cli.static", "static word vectors: build them from a model over a corpus, score a file on word pairs"),
    "suggest": ("semvec_studio.cli.labelling", "the rows of a workspace to label next (most uncertain, likely mistakes, diverse, random)"),
    "simulate-labelling": ("semvec_studio.cli.labelling", "how many labels a strategy needs: a learning curve on a labelled file"),
    "find-label-errors": ("semvec_studio.cli.labelling", "rows of a labelled file whose label looks wrong, most likely first"),
}


def _chosen(argv: Sequence[str]) -> str | None:
    """The command named in ``argv`` (its first word that is not an option), if any."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; the command named in ``argv`` gets its full options, the others only their help line."""
    parser = argparse.ArgumentParser(prog="semvec", description="Token, whole-word and sentence vectors from transformer models.")
    parser.add_argument("--version", action="version", version=f"semvec {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of unexpected errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = _chosen(argv)
    for name, (module, help_line) in COMMANDS.items():
        if name == chosen:
            importlib.import_module(module).add_parser(sub, name, help_line)
        else:
            sub.add_parser(name, help=help_line)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser(argv).parse_args(argv)
        return args.func(args)
    except SemvecError as exc:
        print(f"semvec: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except (KeyboardInterrupt, Cancelled):
        print("semvec: cancelled; nothing was written.", file=sys.stderr)
        return EXIT_CANCELLED
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if debug:
            traceback.print_exc()
        print(f"semvec: unexpected error: {type(exc).__name__}: {exc} (run again with --debug for the traceback)", file=sys.stderr)
        return EXIT_BUG


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` without Python's own teardown: after a command that loaded
    torch and transformers, the interpreter spends about a second unloading their thousands of
    modules and objects, with nothing left to do (every output is written, flushed and renamed into
    place by then). The exit handlers still run (child processes joined, Ray stopped, logging
    flushed, temporary files removed) and the standard streams are flushed; a thread still running
    (the core starts none) gets Python's ordinary exit, which waits for it."""
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (semvec ... | head) or a closed stream
                pass
        os._exit(code)


def entry(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``semvec`` command: :func:`main`, then :func:`exit_now` with its exit code."""
    exit_now(main(argv))


if __name__ == "__main__":  # pragma: no cover
    entry()

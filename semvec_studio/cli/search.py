"""`semvec search`: a workspace's rows by meaning (the default), by words (``--words``) or a pattern (``--regex``).

By meaning, the rows' sentence vectors are computed and kept in the workspace's data folder when
they are missing; by words, the full-text index is used.
"""

from __future__ import annotations

import json
import sys

from semvec_studio.cli.options import add_model_args
from semvec_studio.cli.progress import TqdmContext
from semvec_studio.core.errors import UsageError
from semvec_studio.core.workspace.meaning import Hit, search_meaning
from semvec_studio.core.workspace.search import build_index, index_pending, search_regex, search_words
from semvec_studio.core.workspace.store import Workspace

SHOWN_CHARS = 100


def add_parser(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line, description="Find rows of a workspace: by meaning (the default: cosine of "
                       "sentence vectors, cached in NAME.semvec-data/), by words, or by a regular expression.")
    p.add_argument("workspace", metavar="WORKSPACE", help="the workspace file (NAME.semvec)")
    p.add_argument("query", metavar="QUERY", help="what to look for")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--words", action="store_true", help='rows with every word of QUERY ("a phrase", prefix*), best first')
    how.add_argument("--regex", action="store_true", help="rows whose text matches the regular expression QUERY (case ignored)")
    p.add_argument("--top", type=int, default=10, help="how many rows to show (default 10)")
    p.add_argument("--json", action="store_true", help="print JSON: one object per row found")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_model_args(p)
    p.set_defaults(func=run)


def _hits_of(ws: Workspace, rows) -> list[Hit]:
    return [Hit(rank, r.row, None, r.text, r.label, r.source.name, r.line) for rank, r in enumerate(ws.read_rows(rows), start=1)]


def _find(ws: Workspace, args, ctx: TqdmContext) -> list[Hit]:
    if args.words:
        if index_pending(ws) and not ws.read_only:
            build_index(ws, ctx)
        return _hits_of(ws, search_words(ws, args.query, limit=args.top))
    if args.regex:
        return _hits_of(ws, search_regex(ws, args.query, limit=args.top, ctx=ctx))
    return search_meaning(ws, args.query, model=args.model, top=args.top, device=args.device, dtype=args.dtype,
                          allow_pickle=args.allow_pickle, ctx=ctx)


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"


def run(args) -> int:
    if args.top < 1:
        raise UsageError(f"--top {args.top}: must be at least 1")
    with Workspace.open(args.workspace) as ws, TqdmContext(quiet=args.quiet) as ctx:
        hits = _find(ws, args, ctx)
    if args.json:
        print(json.dumps([h.as_dict() for h in hits], indent=2, ensure_ascii=False))
        return 0
    for h in hits:
        score = f"{h.score:.4f}  " if h.score is not None else ""
        label = f"[{h.label}]  " if h.label else ""
        print(f"{h.rank:>3}  {score}row {h.row:<7} {label}{_one_line(h.text)}")
    if not hits and not args.quiet:
        print("semvec: no rows found", file=sys.stderr)
    return 0

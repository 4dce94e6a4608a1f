"""`semvec workspace`: make a workspace from files, add files, info, export, label from a file, undo, redo, check.

A workspace is one file, ``NAME.semvec``, with derived data in ``NAME.semvec-data/`` beside it.
Commands that change it need it not to be open elsewhere (then it is read-only, and they say so).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from semvec_studio.cli.options import add_input_args
from semvec_studio.cli.progress import TqdmContext
from semvec_studio.core.errors import Cancelled, UsageError
from semvec_studio.core.wording import count
from semvec_studio.core.workspace import datadir
from semvec_studio.core.workspace.errors import damaged
from semvec_studio.core.workspace.exporting import EXPORT_FORMATS, export
from semvec_studio.core.workspace.importing import ImportOptions, add_files, create_workspace, read_row_labels
from semvec_studio.core.workspace.schema import LABEL_SOURCES
from semvec_studio.core.workspace.search import build_index, indexed_rows
from semvec_studio.core.workspace.staged import finish_import
from semvec_studio.core.workspace.store import Workspace

EXIT_CANCELLED = 130

ACTIONS = {
    "new": "make a workspace from CSV, TSV, JSONL or TXT files",
    "add": "add the rows of more files to a workspace",
    "info": "what a workspace holds: rows, labels per class, files, derived data",
    "export": "write the rows with their labels to CSV, TSV, JSONL or Parquet",
    "label": "label rows from a CSV/TSV file with columns 'row' and 'label' (one edit)",
    "undo": "undo the last edit",
    "redo": "redo the last undone edit",
    "check": "check the workspace file for damage",
}


def add_parser(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line, description="A workspace is one file, NAME.semvec: the rows of your files, "
                       "their labels and an edit log with undo; derived data (vectors) go in NAME.semvec-data/ beside it.")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text in ACTIONS.items():
        a = actions.add_parser(action, help=text, description=text[0].upper() + text[1:] + ".")
        a.add_argument("workspace", metavar="WORKSPACE", help="the workspace file (NAME.semvec)")
        _ADDERS.get(action, lambda _: None)(a)
        a.set_defaults(func=_RUNNERS[action])


def _add_inputs(a) -> None:
    add_input_args(a)
    a.add_argument("--label-column", help="the column (or JSONL field) whose cells are labels (default: none)")
    a.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def _add_new(a) -> None:
    _add_inputs(a)
    a.add_argument("--force", action="store_true", help="replace WORKSPACE if it exists")
    a.add_argument("--no-index", action="store_true", help="do not build the word index now (search by words builds it)")


def _add_export(a) -> None:
    a.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write (written atomically)")
    a.add_argument("--format", choices=tuple(EXPORT_FORMATS), help="default: from FILE's extension")
    a.add_argument("--force", action="store_true", help="replace FILE if it exists")
    a.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def _add_label(a) -> None:
    a.add_argument("--rows-from", required=True, metavar="FILE", help="CSV/TSV with columns 'row' (0-based) and 'label'; an empty label clears it")
    a.add_argument("--source", default="imported", choices=LABEL_SOURCES, help="where the labels came from (default imported)")
    a.add_argument("--encoding", help="file encoding (default: UTF-8, else detected with a warning)")
    a.add_argument("--delimiter", help="delimiter (default: sniffed; .tsv files: tab)")


def _add_info(a) -> None:
    a.add_argument("--json", action="store_true", help="print JSON")


def _add_add(a) -> None:
    add_input_args(a, required=False)
    a.add_argument("--label-column", help="the column (or JSONL field) whose cells are labels (default: none)")
    a.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    a.add_argument("--resume", action="store_true", help="complete an import that did not finish (the app was closed or"
                   " killed while it added a file's rows); no INPUT files then")


_ADDERS = {"new": _add_new, "add": _add_add, "export": _add_export, "label": _add_label, "info": _add_info}


def _import_options(args) -> ImportOptions:
    if "-" in args.inputs:
        raise UsageError("a workspace reads files, not standard input; save the texts to a file and give its path")
    return ImportOptions(text_column=args.text_column, text_field=args.text_field, label_column=args.label_column,
                         encoding=args.encoding, delimiter=args.delimiter, quoting=not args.no_quoting, fmt=args.input_format,
                         whole_file=args.whole_file)


def _open(args, *, write: bool) -> Workspace:
    ws = Workspace.open(args.workspace, read_only=not write)
    if write and ws.read_only:
        ws.writable()  # raises the read-only error, which says why
    return ws


def _summary(ws: Workspace) -> str:
    counts = ws.label_counts()
    unlabelled = counts.pop(None)
    labelled = ws.row_count - unlabelled
    labels = f"{count(labelled, 'row')} labelled ({count(len(counts), 'class')})" if labelled else "no labels"
    return f"{count(ws.row_count, 'row')} from {count(len(ws.sources()), 'file')}; {labels}"


def _index(ws: Workspace, args) -> None:
    with TqdmContext(quiet=args.quiet) as ctx:
        build_index(ws, ctx)


def run_new(args) -> int:
    options = _import_options(args)
    with TqdmContext(quiet=args.quiet) as ctx:
        ws = create_workspace(args.workspace, args.inputs, options, overwrite=args.force, ctx=ctx)
    with ws:
        if not args.no_index:
            try:
                _index(ws, args)
            except (KeyboardInterrupt, Cancelled):
                print(f"semvec: made {ws.path.name}, but its word index was stopped ({indexed_rows(ws):,} of {ws.row_count:,} rows);"
                      " searching by words goes on with it", file=sys.stderr)
                return EXIT_CANCELLED
        if not args.quiet:
            index = "word index built" if not args.no_index else "no word index yet"
            print(f"semvec: made {ws.path.name}: {_summary(ws)}; {index}", file=sys.stderr)
    return 0


def run_add(args) -> int:
    if args.resume:
        return _resume(args)
    if not args.inputs:
        raise UsageError("no input given; pass at least one CSV, TSV, JSONL or TXT file (or --resume)")
    options = _import_options(args)
    with _open(args, write=True) as ws:
        if ws.pending_import() is not None:
            raise UsageError(f"{ws.path}: its import is not finished; complete it first with: semvec workspace add {ws.path} --resume")
        before = ws.row_count
        with TqdmContext(quiet=args.quiet) as ctx:
            added = add_files(ws, args.inputs, options, ctx)
        _index(ws, args)
        if not args.quiet:
            print(f"semvec: added {count(ws.row_count - before, 'row')} from {count(len(added), 'file')} to {ws.path.name};"
                  f" it has {_summary(ws)}", file=sys.stderr)
    return 0


def _resume(args) -> int:
    if args.inputs:
        raise UsageError("--resume completes the import the workspace began; give no INPUT files with it")
    with _open(args, write=True) as ws:
        if ws.pending_import() is None:
            if not args.quiet:
                print(f"semvec: {ws.path.name}: nothing to resume; {ws.import_line() or 'every file is in'}", file=sys.stderr)
            return 0
        before = ws.row_count
        try:
            with TqdmContext(quiet=args.quiet) as ctx:
                finish_import(ws.path, ctx)
        finally:
            ws.grow()
        _index(ws, args)
        if not args.quiet:
            print(f"semvec: added {count(ws.row_count - before, 'row')} to {ws.path.name}; it has {_summary(ws)}", file=sys.stderr)
    return 0


def info_dict(ws: Workspace) -> dict:
    counts = ws.label_counts()
    history = ws.history()
    return {
        "path": str(ws.path), "format": ws.meta("format"), "uuid": ws.uuid, "bytes": ws.path.stat().st_size,
        "open_elsewhere": ws.read_only_reason if ws.open_elsewhere else None, "rows": ws.row_count, "unlabelled": counts.pop(None),
        "labels": [{"name": lb.name, "rows": counts[lb.name], "key": lb.key, "colour": lb.colour} for lb in ws.labels()],
        "sources": [{"name": s.name, "format": s.format, "rows": s.row_count, "first_row": s.first_row, "encoding": s.encoding,
                     "columns": list(s.header), "text_column": s.text_column, "label_column": s.label_column, "sha256": s.sha256,
                     "complete": s.complete, "import_note": s.import_note}
                    for s in ws.sources()],
        "import": ws.import_line(), "import_pending": ws.pending_import(),
        "columns": ws.columns(), "word_index_rows": indexed_rows(ws),
        "edits": sum(not e.undone for e in history), "undone_edits": sum(e.undone for e in history),
        "selections": ws.selections(), "settings": sorted(ws.settings()),
        "derived": {"path": str(ws.data_dir), "bytes": datadir.data_size(ws),
                    "entries": [{"kind": e.kind, "model": e.model, "rows_covered": e.rows_covered, "vectors": e.vectors,
                                 "bytes": e.bytes, "folder": e.path.name, "stale": e.stale} for e in datadir.entries(ws)]},
    }


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return str(n)


def run_info(args) -> int:
    with _open(args, write=False) as ws:
        info = info_dict(ws)
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    labelled = info["rows"] - info["unlabelled"]
    lines = [("workspace", f"{info['path']} ({_size(info['bytes'])})"),
             ("rows", f"{info['rows']:,} ({labelled:,} labelled, {info['unlabelled']:,} unlabelled)")]
    lines += [("labels" if i == 0 else "", f"{lb['name']}: {lb['rows']:,}" + (f" (key {lb['key']})" if lb["key"] else ""))
              for i, lb in enumerate(info["labels"])] or [("labels", "none")]
    lines += [("files" if i == 0 else "", f"{s['name']}: {count(s['rows'], 'row')} from row {s['first_row']:,}, {s['format']},"
               f" {count(len(s['columns']), 'column')}, text in '{s['text_column']}'") for i, s in enumerate(info["sources"])]
    lines += [("word index", f"{info['word_index_rows']:,} of {info['rows']:,} rows"),
              ("edits", f"{info['edits']:,}" + (f" ({info['undone_edits']:,} undone, can be redone)" if info["undone_edits"] else "")),
              ("selections", ", ".join(info["selections"]) or "none"),
              ("derived data", f"{info['derived']['path']} ({_size(info['derived']['bytes'])})" if info["derived"]["bytes"] else "none yet")]
    lines += [("", f"{e['kind']} vectors, model {e['model']}: {e['vectors']:,} vectors of {e['rows_covered']:,} rows,"
               f" {_size(e['bytes'])}" + (" (stale: made for an earlier workspace of this name)" if e["stale"] else ""))
              for e in info["derived"]["entries"]]
    if info["import"]:
        lines.append(("import", info["import"]))
    if info["open_elsewhere"]:
        lines.append(("note", info["open_elsewhere"]))
    width = max(len(k) for k, _ in lines)
    for k, v in lines:
        print(f"{k:<{width}}  {v}")
    return 0


def run_export(args) -> int:
    with _open(args, write=False) as ws, TqdmContext(quiet=args.quiet) as ctx:
        result = export(ws, args.output, args.format, overwrite=args.force, ctx=ctx)
    if not args.quiet:
        print(f"semvec: wrote {count(result.rows, 'row')} ({len(result.columns)} columns) to {result.path}", file=sys.stderr)
    return 0


def run_label(args) -> int:
    with _open(args, write=True) as ws:
        rows, labels = read_row_labels(args.rows_from, ws.row_count, encoding=args.encoding, delimiter=args.delimiter)
        edit = ws.set_labels(rows, labels, source=args.source)
        changed = 0 if edit is None else len(edit.rows)
        print(f"semvec: {ws.path.name}: {count(changed, 'row')} changed by {Path(args.rows_from).name}"
              f" ({count(len(rows), 'row')} in the file){'; undo with: semvec workspace undo ' + str(args.workspace) if changed else ''}",
              file=sys.stderr)
    return 0


def _undo_redo(args, redo: bool) -> int:
    with _open(args, write=True) as ws:
        edit = ws.redo() if redo else ws.undo()
        done, verb = ("redid", "redo") if redo else ("undid", "undo")
        print(f"semvec: {ws.path.name}: {done}: {edit.description}" if edit else f"semvec: {ws.path.name}: nothing to {verb}",
              file=sys.stderr)
    return 0


def run_check(args) -> int:
    with _open(args, write=False) as ws:
        problems = ws.check()
        if problems:
            more = f" and {count(len(problems) - 1, 'more problem')}" if len(problems) > 1 else ""
            raise damaged(ws.path, f"{problems[0]}{more}")
        print(f"semvec: {ws.path.name}: no problems found ({count(ws.row_count, 'row')})", file=sys.stderr)
    return 0


_RUNNERS = {"new": run_new, "add": run_add, "info": run_info, "export": run_export, "label": run_label,
            "undo": lambda args: _undo_redo(args, False), "redo": lambda args: _undo_redo(args, True), "check": run_check}

"""`semvec compare`: two extraction folders of the same rows: k-NN overlap per row and linear CKA."""

from __future__ import annotations

import json
import sys

from semvec_studio.cli.progress import TqdmContext
from semvec_studio.core.compare.folders import compare_folders, write_overlap_table
from semvec_studio.core.projection.neighbours import METRICS

SHOWN = 5
LABEL_CHARS = 60


def add_parser(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line, description="Compare two extraction folders of the same rows (two layers, "
                       "two models, two poolings): how much each row's k nearest neighbours overlap (Jaccard) and the "
                       "linear CKA of the two spaces.")
    p.add_argument("a", metavar="A_DIR", help="a folder written by 'semvec extract'")
    p.add_argument("b", metavar="B_DIR", help="another, of the same rows")
    p.add_argument("--k", type=int, default=10, help="neighbours per row (default 10)")
    p.add_argument("--metric", default="cosine", choices=METRICS, help="how neighbours are found (default cosine)")
    p.add_argument("-o", "--output", metavar="TABLE", help="write the per-row overlap as TSV (row, overlap, the metadata columns)")
    p.add_argument("--json", action="store_true", help='print {"rows", "k", "mean_overlap", "cka"} only')
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _label(labels: list, row: int) -> str:
    text = " ".join(str(labels[row]).split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def run(args) -> int:
    with TqdmContext(quiet=args.quiet or args.json) as ctx:
        comparison = compare_folders(args.a, args.b, args.k, args.metric, ctx=ctx)
        if args.output:
            write_overlap_table(args.output, comparison, ctx)
    summary = comparison.summary()
    if args.json:
        print(json.dumps(summary))
        return 0
    overlap = comparison.overlap
    cka = "undefined (a space without variance)" if summary["cka"] is None else f"{summary['cka']:.4f}"
    print(f"rows          {summary['rows']:,} ({comparison.a.level})")
    print(f"neighbours    k = {overlap.k} ({overlap.metric}), the row itself excluded")
    print(f"mean overlap  {summary['mean_overlap']:.4f} (Jaccard of each row's neighbour sets; 1 = the same)")
    print(f"linear CKA    {cka}")
    print("most changed:")
    labels = comparison.a.labels()
    for row in overlap.most_changed(SHOWN).tolist():
        change = overlap.change(row)
        print(f"  row {row:<7} overlap {change.overlap:.3f}  {_label(labels, row)!r}  "
              f"entered {[_label(labels, r) for r in change.entered[:3]]}  left {[_label(labels, r) for r in change.left[:3]]}")
    if args.output and not args.quiet:
        print(f"semvec: wrote the overlap of {summary['rows']:,} rows to {args.output}", file=sys.stderr)
    return 0

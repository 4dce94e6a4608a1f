"""`semvec index`: an approximate nearest-neighbour index (faiss) beside the vectors of an extract output folder."""

from __future__ import annotations

import sys
from pathlib import Path

from semvec_studio.cli.progress import TqdmContext
from semvec_studio.core.errors import InputError
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.projection.exact import METRICS, check_metric
from semvec_studio.core.projection.index import ANN_MIN_ROWS, REQUIREMENT, TARGET_RECALL, IndexParams, build_index
from semvec_studio.core.projection.index_files import INDEX_DIR, save_index

SOURCE_KEYS = ("model", "level", "layers", "pooling", "normalize", "created")


def add_parser(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line,
                       description=f"Build an approximate nearest-neighbour index of the vectors of an extract output "
                                   f"folder and write it to OUTDIR/{INDEX_DIR}/ (the faiss index, rows.npy: the set row "
                                   f"of each entry, and manifest.json with the recall measured on the set). Nearest "
                                   f"neighbours of sets of {ANN_MIN_ROWS:,} rows or more use it; smaller sets are "
                                   f"searched exactly. Needs the '{REQUIREMENT.extra}' extra ({REQUIREMENT.package}). "
                                   "Running it again replaces the index.")
    p.add_argument("outdir", metavar="OUTDIR", help="a folder written by 'semvec extract'")
    p.add_argument("--metric", default="cosine", help=f"{' or '.join(METRICS)} (default cosine): the similarity searched")
    p.add_argument("--cells", type=int, help="k-means cells of the index (default: about twice the square root of the rows)")
    p.add_argument("--recall", type=float, default=TARGET_RECALL,
                   help=f"recall@10 to tune the search for, measured on the set (default {TARGET_RECALL})")
    p.add_argument("--seed", type=int, default=0, help="seed of the k-means training and the recall sample (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.set_defaults(func=run)


def run(args) -> int:
    folder = Path(args.outdir)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; give the output folder of 'semvec extract'.")
    params = IndexParams(metric=check_metric(args.metric.strip().lower()), cells=args.cells, seed=args.seed,
                         target_recall=args.recall)
    REQUIREMENT.check()  # before reading a large set
    embset = EmbeddingSet.load(folder)
    with TqdmContext(quiet=args.quiet) as ctx:
        built = build_index(embset.vectors, params, ctx)
        where = save_index(built, folder, {k: embset.manifest[k] for k in SOURCE_KEYS if k in embset.manifest})
    if not args.quiet:
        m = built.manifest
        r = m["recall_at_10"]
        note = "" if len(built) >= ANN_MIN_ROWS else f"; below {ANN_MIN_ROWS:,} rows neighbours stay exact"
        print(f"semvec: wrote an index of {len(built):,} rows ({m['index']}, {m['metric']}, nprobe {m['nprobe']}: "
              f"recall@{r['k']} {r['value']:.3f} on {r['queries']:,} rows) to {where} in {m['build_seconds']:.1f} s{note}",
              file=sys.stderr)
    return 0

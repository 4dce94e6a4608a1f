"""`semvec project`: a 2-D map (projection.tsv and its manifest record) for an extract output folder."""

from __future__ import annotations

import sys
from pathlib import Path

from semvec_studio.cli.options import csv_list
from semvec_studio.cli.progress import TqdmContext
from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.projection.base import FIT_MAX, ProjectionParams
from semvec_studio.core.projection.files import PROJECTION_FILE, save_projection
from semvec_studio.core.projection.methods import METHODS
from semvec_studio.core.projection.project import project, validate


def add_parser(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line,
                       description="Project the vectors of an extract output folder to 2-D and write projection.tsv "
                                   "(x, y, row, then the metadata columns); the method, its parameters and quality "
                                   "figures go into manifest.json. Running it again replaces both.")
    p.add_argument("outdir", metavar="OUTDIR", help="a folder written by 'semvec extract'")
    p.add_argument("--method", default="pca", help=_methods_help())
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same map (default 0)")
    p.add_argument("--perplexity", type=float, default=30.0, help="t-SNE: effective number of neighbours (default 30)")
    p.add_argument("--learning-rate", default="auto", help="t-SNE: a positive number or 'auto' (default)")
    p.add_argument("--neighbors", type=int, default=15, help="UMAP: neighbourhood size (default 15)")
    p.add_argument("--min-dist", type=float, default=0.1, help="UMAP: how tightly points pack, 0 to 1 (default 0.1)")
    p.add_argument("--metric", default="cosine", help="cosine (default) or euclidean: t-SNE/UMAP neighbourhoods and quality figures")
    p.add_argument("--sample", type=int, help="project a seeded random subset of this many rows")
    p.add_argument("--fit-max", type=int, metavar="N",
                   help=f"t-SNE/UMAP: fit on a seeded sample of at most N rows and place the others with the method's "
                        f"transform (default {FIT_MAX:,}); the summary and the manifest say 'fitted on N of M rows'")
    p.add_argument("--axes", metavar="A,B,C,D", help="with --method axes: x runs from row A to row B, y from row C to row D")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.set_defaults(func=run)


def _methods_help() -> str:
    names = [m.name + (f" (needs the '{m.requires.extra}' extra)" if m.requires else "") for m in METHODS.values()]
    return f"{', '.join(names[:-1])} or {names[-1]} (default pca)"


def projection_params(args) -> ProjectionParams:
    lr = args.learning_rate
    if lr != "auto":
        try:
            lr = float(lr)
        except ValueError:
            raise UsageError(f"--learning-rate {lr}: give a positive number or 'auto'.") from None
    axes = None
    if args.axes is not None:
        parts = csv_list(args.axes)
        if len(parts) != 4 or not all(p.lstrip("-").isdigit() for p in parts):
            raise UsageError(f"--axes {args.axes}: give four row numbers A,B,C,D (x runs from row A to B, y from C to D).")
        a, b, c, d = (int(p) for p in parts)
        axes = ((a, b), (c, d))
    return ProjectionParams(method=args.method.strip().lower(), seed=args.seed, perplexity=args.perplexity,
                            learning_rate=lr, n_neighbors=args.neighbors, min_dist=args.min_dist,
                            metric=args.metric.strip().lower(), sample=args.sample, axes=axes,
                            fit_max=args.fit_max)


def run(args) -> int:
    folder = Path(args.outdir)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; give the output folder of 'semvec extract'.")
    params = projection_params(args)
    embset = EmbeddingSet.load(folder)
    validate(params, len(embset))  # wrong options fail before any work
    with TqdmContext(quiet=args.quiet) as ctx:
        proj = project(embset.vectors, params, ctx)
        save_projection(folder, embset, proj, ctx)
    if not args.quiet:
        q = proj.quality
        var = f", explained variance {sum(proj.explained_variance):.1%}" if proj.explained_variance else ""
        sampled = f", a sample of {len(proj.rows):,} of {len(embset):,} rows" if len(proj.rows) < len(embset) else ""
        fitted = f", {proj.fitted_on}, the others placed with {proj.placement}" if proj.fitted_on else ""
        print(f"semvec: wrote {len(proj.rows):,} points ({proj.method}{sampled}{fitted}{var}; "
              f"trustworthiness {q['trustworthiness']:.3f}, "
              f"{q['k']}-NN overlap {q['knn_overlap']:.3f} on {q['sample']:,} rows) to {folder / PROJECTION_FILE}",
              file=sys.stderr)
    return 0

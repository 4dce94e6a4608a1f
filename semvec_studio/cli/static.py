"""`semvec static`: static word vectors: build them from a contextual model over a corpus, score a
static vectors file (word2vec, GloVe, fastText .vec) on a word-pair file, and give the whole words
of an extraction folder their static vectors (a folder like `semvec extract`'s, so it can be
mapped with `semvec project`, compared with `semvec compare` and exported)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from semvec_studio.cli.options import add_input_args, add_model_args, csv_list, read_inputs
from semvec_studio.cli.progress import TqdmContext
from semvec_studio.core.atomic import atomic_dir
from semvec_studio.core.compare.contextual import StaticBuildParams, manifest_path
from semvec_studio.core.compare.contextual import run as build_static
from semvec_studio.core.compare.static import FORMATS, load_static, static_word_rows
from semvec_studio.core.compare.wordpairs import read_word_pairs
from semvec_studio.core.compare.wordsim import pair_similarity
from semvec_studio.core.errors import OutputError
from semvec_studio.core.io.exporters import EXPORTERS, check_formats, write_formats
from semvec_studio.core.io.vectors import EmbeddingSet

ACTIONS = {
    "build": "static vectors from a contextual model: each word's mean whole-word vector over a corpus, as word2vec text",
    "eval": "word-similarity Spearman of a static vectors file on a word-pair file",
    "words": "the whole words of an extraction folder with a static file's vectors, as an extraction folder",
}


def add_parser(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line, description="Static word vectors: one vector per word, whatever its context.")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = actions.add_parser("build", help=ACTIONS["build"], description=ACTIONS["build"][0].upper() + ACTIONS["build"][1:] + ".")
    add_input_args(build)
    add_model_args(build)
    build.add_argument("-o", "--output", required=True, metavar="FILE", help="the word2vec text file (and FILE.manifest.json)")
    build.add_argument("--layer", type=int, default=-1, help="the layer: 0 = embeddings, -1 = last (default)")
    build.add_argument("--min-count", type=int, default=1, help="keep words seen at least N times (default 1)")
    build.add_argument("--batch-size", type=int, default=32)
    build.add_argument("--force", action="store_true", help="replace FILE if it exists")
    build.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    build.set_defaults(func=run_build)
    ev = actions.add_parser("eval", help=ACTIONS["eval"], description=ACTIONS["eval"][0].upper() + ACTIONS["eval"][1:] + ".")
    _add_static_file_args(ev, "--format")
    ev.add_argument("--word-pairs", required=True, metavar="PAIRS", help="a WordSim-353 CSV, SimLex-999 TSV or MEN file")
    ev.add_argument("--json", action="store_true", help='print {"spearman", "pairs", "covered"} only')
    ev.add_argument("--quiet", action="store_true", help="no progress bar")
    ev.set_defaults(func=run_eval)
    wd = actions.add_parser("words", help=ACTIONS["words"], description=ACTIONS["words"][0].upper() + ACTIONS["words"][1:]
                            + ": map it with 'semvec project', compare it with 'semvec compare', or export it (--format).")
    _add_static_file_args(wd, "--static-format")  # (--format names the output formats, as in semvec extract)
    wd.add_argument("words", metavar="WORDS_DIR", help="a folder written by 'semvec extract --level word' (of files or --workspace W)")
    wd.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="the folder to write (atomically)")
    wd.add_argument("--keep-oov", action="store_true", help="keep the rows of words the file lacks, as zero vectors, so the "
                    "folder holds WORDS_DIR's rows (for 'semvec compare' against it); default: leave them out")
    wd.add_argument("--format", dest="formats", default="", help="extra formats, comma-separated: "
                    + ", ".join(n for n in EXPORTERS if n != "npy"))
    wd.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    wd.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    wd.set_defaults(func=run_words)


def _add_static_file_args(p, format_flag: str) -> None:
    """FILE and how to read it: its layout (``format_flag``), --limit and --allow-pickle."""
    p.add_argument("file", metavar="FILE", help="a word2vec (binary or text), GloVe or fastText .vec file")
    p.add_argument(format_flag, dest="static_format", default="auto", choices=("auto", *FORMATS),
                   help="the file's layout (default: told from its content)")
    p.add_argument("--limit", type=int, metavar="N", help="read only the first N words (the most frequent)")
    p.add_argument("--allow-pickle", action="store_true", help="open a gensim KeyedVectors file (a pickle); only files you trust")


def run_build(args) -> int:
    out = Path(args.output)
    if not args.force and (out.exists() or manifest_path(out).exists()):
        raise OutputError(f"{out}: already exists; use --force to replace it or choose another path.")
    corpus = read_inputs(args)
    params = StaticBuildParams(texts=tuple(corpus.texts), output=str(out), layer=args.layer, min_count=args.min_count,
                               model=args.model, batch_size=args.batch_size, device=args.device, dtype=args.dtype,
                               allow_pickle=args.allow_pickle, inputs=tuple(corpus.encodings))
    with TqdmContext(quiet=args.quiet) as ctx:
        for w in corpus.warnings:
            ctx.log(w)
        result = build_static(params, ctx)
    if not args.quiet:
        print(f"semvec: wrote {result.words:,} words of {result.dim} dims ({result.tokens:,} word rows; {result.dropped:,} "
              f"words seen fewer than {args.min_count} times left out) to {result.path}", file=sys.stderr)
    return 0


def run_eval(args) -> int:
    pairs = read_word_pairs(args.word_pairs)
    with TqdmContext(quiet=args.quiet or args.json) as ctx:
        static = load_static(args.file, args.static_format, limit=args.limit, allow_pickle=args.allow_pickle, ctx=ctx)
    score = pair_similarity(pairs, pairs.words, *static.lookup(pairs.words))
    if args.json:
        print(json.dumps(score.as_dict()))
        return 0
    rho = "not enough pairs covered" if score.spearman is None else f"{score.spearman:.4f}"
    print(f"vectors   {static.words:,} words, {static.dim} dims ({static.format})")
    print(f"pairs     {score.pairs} in {pairs.format} file, {score.covered} covered (both words have a vector)")
    print(f"spearman  {rho}")
    return 0


def run_words(args) -> int:
    formats = csv_list(args.formats)
    check_formats(formats)
    words = EmbeddingSet.load(args.words)
    with TqdmContext(quiet=args.quiet) as ctx, atomic_dir(args.output, overwrite=args.force) as tmp:  # OUTDIR checked first
        static = load_static(args.file, args.static_format, limit=args.limit, allow_pickle=args.allow_pickle, ctx=ctx)
        found = static_word_rows(static, words)
        embset = found.embset if args.keep_oov else found.embset.subset(found.found.nonzero()[0])
        embset.manifest["oov"] = {"rows": found.oov_rows, "words": len(found.oov), "kept_as_zeros": bool(args.keep_oov),
                                  "first": found.oov[:50]}
        write_formats(embset, tmp, ["npy", *formats], ctx)
    out = Path(args.output).absolute()
    if not args.quiet:
        shown = ", ".join(found.oov[:8]) + (", …" if len(found.oov) > 8 else "")
        missing = (f"; {len(found.oov):,} words ({found.oov_rows:,} rows) not in {Path(args.file).name}"
                   f" ({'zero vectors' if args.keep_oov else 'left out'}): {shown}") if found.oov else ""
        print(f"semvec: wrote {len(embset):,} word rows of {embset.dim} dims to {out}{missing}", file=sys.stderr)
    return 0

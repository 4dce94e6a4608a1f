"""`semvec extract`: vectors of texts into an output folder (and other formats)."""

from __future__ import annotations

import sys

from semvec_studio.cli.options import add_input_args, add_model_args, csv_list, layers_arg, read_inputs, text_stream
from semvec_studio.cli.progress import TqdmContext
from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.pipeline import extract_to_folder
from semvec_studio.core.extract.pooling import LAYER_COMBINERS, SENTENCE_POOLERS, WORD_POOLERS
from semvec_studio.core.extract.ray_engine import ray_engine
from semvec_studio.core.extract.segmenters import SEGMENTERS
from semvec_studio.core.extract.sharded import check_sharding, extract_sharded
from semvec_studio.core.io.exporters import EXPORTERS, check_formats
from semvec_studio.core.io.shards import STORE_DTYPES
from semvec_studio.core.io.streams import CorpusStream
from semvec_studio.core.workspace.store import Workspace

# options that say how INPUT files are read; a workspace's rows were read when they were added
_INPUT_OPTIONS = ("text_column", "text_field", "whole_file", "encoding", "delimiter", "no_quoting", "input_format")


def add_parser(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line)
    add_input_args(p, required=False)  # INPUT, or --workspace (checked in run)
    p.add_argument_group("workspace").add_argument(
        "--workspace", metavar="W", help="read the texts of the rows of workspace W (NAME.semvec) instead of INPUT files")
    add_model_args(p)
    g = p.add_argument_group("vectors")
    g.add_argument("--level", default="sentence", choices=("token", "word", "sentence"))
    g.add_argument("--layers", nargs="+", default=["-1"], help="layer indices: 0 = embeddings, -1 = last (default); several are combined")
    g.add_argument("--layer-combine", default="mean", choices=tuple(LAYER_COMBINERS))
    g.add_argument("--word-pooling", default="mean", choices=tuple(WORD_POOLERS))
    g.add_argument("--segmenter", default="auto", choices=tuple(SEGMENTERS),
                   help="what a word is (token and word levels): auto (default): Chinese words by jieba when installed, else one "
                        "word per Chinese character, and the tokenizer's words elsewhere; tokenizer: the tokenizer's words; "
                        "whitespace: runs of non-space characters; jieba: jieba's words (the zh extra)")
    g.add_argument("--user-dict", metavar="FILE", help="a jieba user dictionary (UTF-8, 'word [frequency] [tag]' a line) for "
                                                       "--segmenter jieba or auto: each of its words stays one word")
    g.add_argument("--pooling", default="mean", choices=tuple(SENTENCE_POOLERS))
    g.add_argument("--normalize", action="store_true", help="L2-normalise each row")
    g.add_argument("--include-special", action="store_true", help="token level: keep [CLS], [SEP] and other special tokens")
    g.add_argument("--max-length", type=int, help="window length in tokens (default: the model's limit)")
    g.add_argument("--stride", type=int, help="overlap between windows of long texts, in tokens (default: max-length/4)")
    g.add_argument("--truncate", action="store_true", help="cut long texts at --max-length instead of windowing them")
    g.add_argument("--batch-size", type=int, default=32)
    g = p.add_argument_group("output")
    g.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder (written atomically)")
    g.add_argument("--format", default="", help="extra formats, comma-separated: " + ", ".join(n for n in EXPORTERS if n != "npy"))
    g.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    g.add_argument("--quiet", action="store_true", help="no progress bar or warnings")
    g.add_argument("--store", default="float32", choices=tuple(STORE_DTYPES),
                   help="dtype of the stored vectors: float16 halves the files (computed in --dtype either way)")
    g = p.add_argument_group("scale")
    g.add_argument("--shard-rows", type=int, metavar="N", help="write OUTDIR as shards part-00000/ ... of N input rows each "
                   "(each a complete folder, written atomically) and read the input a shard at a time; "
                   "INPUT may also be .parquet files (the parquet extra)")
    g.add_argument("--resume", action="store_true", help="continue an interrupted --shard-rows run in OUTDIR: shards "
                   "complete and checked are kept, the rest extracted")
    g.add_argument("--engine", default="local", choices=("local", "ray"),
                   help="local (default) or ray: the shards extracted by a pool of Ray actors (the ray extra)")
    g.add_argument("--address", help="--engine ray: the cluster to join (auto or HOST:PORT); default: a local Ray "
                                     "instance started for the run")
    g.add_argument("--workers", type=int, help="--engine ray: actors, one model each (default: the cluster's CPUs, "
                                               "or its GPUs / --gpus-per-worker)")
    g.add_argument("--gpus-per-worker", type=float, default=0, metavar="G", help="--engine ray: GPUs per actor (default 0)")
    p.set_defaults(func=run)


def run(args) -> int:
    formats = csv_list(args.format)
    options = ExtractOptions(
        levels=(args.level,), layers=layers_arg(args.layers), layer_combine=args.layer_combine, word_pooling=args.word_pooling,
        pooling=args.pooling, normalize=args.normalize, include_special=args.include_special, max_length=args.max_length,
        stride=args.stride, truncate=args.truncate, batch_size=args.batch_size, segmenter=args.segmenter, user_dict=args.user_dict,
    )
    options.check()  # every option that needs no model, before the inputs are read
    if not args.inputs and not args.workspace:
        raise UsageError("no input given; pass a file, '-' to read standard input, or --workspace W")
    check_formats(formats)
    if args.shard_rows is not None or args.resume or args.engine != "local":
        return _run_sharded(args, options, formats)
    if args.workspace:
        corpus = _workspace_corpus(args)
    elif any(str(path).lower().endswith(".parquet") for path in args.inputs):
        corpus = text_stream(args).corpus()  # Parquet is read by the streaming reader
    else:
        corpus = read_inputs(args)
    with TqdmContext(quiet=args.quiet) as ctx:
        for w in corpus.warnings:
            ctx.log(w)
        if corpus.skipped_blank:
            ctx.log(f"skipped {corpus.skipped_blank} blank line(s) or row(s)")
        out = extract_to_folder(
            args.model, corpus, options, args.output, formats=formats, overwrite=args.force,
            device=args.device, dtype=args.dtype, allow_pickle=args.allow_pickle, store=args.store, ctx=ctx,
            producer=None,  # a child tokenises ahead for many texts (this entry point has its main guard)
        )
    if not args.quiet:
        print(f"semvec: wrote {out.rows:,} {args.level} vectors of {out.dim} dims to {out.path}", file=sys.stderr)
    return 0


def _run_sharded(args, options: ExtractOptions, formats: list[str]) -> int:
    """--shard-rows (with --resume, --engine ray): the input streamed a shard at a time."""
    if args.shard_rows is None:
        flag = "--resume" if args.resume else "--engine ray"
        raise UsageError(f"{flag} works on a sharded output; give --shard-rows N too (e.g. --shard-rows 100000).")
    check_sharding(args.shard_rows, args.store)
    engine = None
    if args.engine == "ray":
        engine = ray_engine(model=args.model, options=options, outdir=args.output, store=args.store, device=args.device,
                            dtype=args.dtype, allow_pickle=args.allow_pickle, address=args.address,
                            workers=args.workers, gpus_per_worker=args.gpus_per_worker)
    elif args.address or args.workers is not None or args.gpus_per_worker:
        raise UsageError("--address, --workers and --gpus-per-worker are for --engine ray; add --engine ray or leave them out.")
    source = CorpusStream(_workspace_corpus(args)) if args.workspace else text_stream(args)
    with TqdmContext(quiet=args.quiet) as ctx:
        out = extract_sharded(
            args.model, source, options, args.output, shard_rows=args.shard_rows, store=args.store, resume=args.resume,
            overwrite=args.force, formats=formats, device=args.device, dtype=args.dtype, allow_pickle=args.allow_pickle,
            engine=engine, ctx=ctx, producer=None,
        )
        for w in source.warnings:
            ctx.log(w)
    if not args.quiet:
        kept = f", {out.skipped} kept from the interrupted run" if out.skipped else ""
        print(f"semvec: wrote {out.rows:,} {args.level} vectors of {out.dim} dims in {out.shards} shard(s){kept} to {out.path}",
              file=sys.stderr)
    return 0


def _workspace_corpus(args):
    if args.inputs:
        raise UsageError("give INPUT files or --workspace, not both")
    given = [f"--{name.replace('_', '-')}" for name in _INPUT_OPTIONS if getattr(args, name)]
    if given:
        raise UsageError(f"{given[0]}: says how INPUT files are read; a workspace's texts were read when its files were added")
    with Workspace.open(args.workspace, read_only=True) as ws:
        corpus = ws.corpus()
    if not corpus.texts:
        raise UsageError(f"{args.workspace}: no row has a text; there is nothing to extract")
    return corpus

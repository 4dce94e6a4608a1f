"""`semvec`: the command line over the core.

Exit codes: 0 success; 2 bad usage or bad input (one line on stderr, no traceback); 130 cancelled
(Ctrl-C); 1 anything unexpected (run again with --debug for the traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence

from semvec_studio import __version__
from semvec_studio.core.errors import Cancelled, SemvecError, UsageError

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_CANCELLED = 0, 1, 2, 130


class TqdmContext:
    """A TaskContext that draws a tqdm bar on stderr (nothing with --quiet).

    Each phase of a job (loading, embedding, writing a format) reports its own total; a new
    total starts a fresh bar so rates and ETA are per phase.
    """

    def __init__(self, quiet: bool = False) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm
        self.bar = None
        self.quiet = quiet
        self.total = None

    def report(self, done: float, total: float | None = None, msg: str = "") -> None:
        if self.quiet:
            return
        if self.bar is None or total != self.total:
            if self.bar is not None:
                self.bar.close()
            unit = "text" if msg in ("tokenising", "embedding") else "step" if total and total < 10 else "row"
            self.bar = self._tqdm(total=total, unit=unit, file=sys.stderr, desc=msg, dynamic_ncols=True, leave=False)
            self.total = total
        elif msg and msg != self.bar.desc:
            self.bar.set_description_str(msg, refresh=False)
        self.bar.update(done - self.bar.n)

    def check_cancelled(self) -> None:  # Ctrl-C raises KeyboardInterrupt by itself
        pass

    def log(self, msg: str) -> None:
        if not self.quiet:
            (self.bar.write if self.bar else print)(f"semvec: {msg}", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _csv_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _layers(values: Sequence[str]) -> tuple[int, ...]:
    out = []
    for value in values:
        for part in _csv_list(value):
            try:
                out.append(int(part))
            except ValueError:
                raise UsageError(f"--layers {part}: give layer numbers such as 6, -1 or -4,-3,-2,-1.") from None
    return tuple(out)


def add_model_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--model", default="default", help="'default' (bundled all-MiniLM-L6-v2) or a local Hugging Face model folder")
    g.add_argument("--allow-pickle", action="store_true", help="allow pickle (*.bin) weights; only for checkpoints you trust")
    g.add_argument("--device", default="auto", help="auto, cpu, cuda or mps (default auto)")
    g.add_argument("--dtype", default="float32", help="float32, bfloat16 or float16 (default float32)")


def add_input_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("input")
    g.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt, .csv, .tsv or .jsonl files, or - for standard input")
    g.add_argument("--text-column", help="CSV/TSV column with the texts (default: 'text' or 'sentence')")
    g.add_argument("--text-field", help="JSONL field with the texts (default: 'text')")
    g.add_argument("--whole-file", action="store_true", help="a .txt file is one text, not one text per line")
    g.add_argument("--encoding", help="input encoding (default: UTF-8, else detected with a warning)")
    g.add_argument("--delimiter", help="CSV delimiter (default: sniffed)")
    g.add_argument("--no-quoting", action="store_true", help="CSV fields are not quoted (sentences may contain bare \")")
    g.add_argument("--input-format", choices=("txt", "csv", "tsv", "jsonl"), help="read every input as this format")


def build_parser() -> argparse.ArgumentParser:
    from semvec_studio.core.io.exporters import EXPORTERS
    from semvec_studio.core.extract.pooling import LAYER_COMBINERS, SENTENCE_POOLERS, WORD_POOLERS

    parser = argparse.ArgumentParser(prog="semvec", description="Token, whole-word and sentence vectors from transformer models.")
    parser.add_argument("--version", action="version", version=f"semvec {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of unexpected errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("info", help="facts about a checkpoint")
    add_model_args(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("extract", help="extract vectors to a folder")
    add_input_args(p)
    add_model_args(p)
    g = p.add_argument_group("vectors")
    g.add_argument("--level", default="sentence", choices=("token", "word", "sentence"))
    g.add_argument("--layers", nargs="+", default=["-1"], help="layer indices: 0 = embeddings, -1 = last (default); several are combined")
    g.add_argument("--layer-combine", default="mean", choices=tuple(LAYER_COMBINERS))
    g.add_argument("--word-pooling", default="mean", choices=tuple(WORD_POOLERS))
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
    p.set_defaults(func=cmd_extract)
    add_training_commands(sub)  # train, evaluate, predict
    add_project_command(sub)
    return parser


def cmd_info(args) -> int:
    from semvec_studio.core.models import inspect_checkpoint

    info = inspect_checkpoint(args.model, allow_pickle=args.allow_pickle)
    if args.json:
        print(json.dumps(info.as_dict(), indent=2))
        return EXIT_OK
    rows = [
        ("model", info.name), ("path", info.path), ("architecture", info.architecture), ("model type", info.model_type),
        ("layers", info.num_layers), ("hidden size", info.hidden_size), ("attention heads", info.num_heads),
        ("vocabulary", f"{info.vocab_size:,}"), ("parameters", f"{info.parameters:,}" if info.parameters else "unknown (pickle weights)"),
        ("max positions", info.max_positions), ("tokenizer", info.tokenizer_kind),
        ("weights", f"{info.weights_format}: {', '.join(info.weights_files)}"), ("weights SHA-256", info.weights_sha256),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    return EXIT_OK


def cmd_extract(args) -> int:
    from semvec_studio.core.extract.pipeline import extract_to_folder
    from semvec_studio.core.io.texts import read_texts
    from semvec_studio.core.extract.encode import ExtractOptions

    formats = _csv_list(args.format)
    corpus = read_texts(
        args.inputs, text_column=args.text_column, text_field=args.text_field, whole_file=args.whole_file,
        encoding=args.encoding, delimiter=args.delimiter, quoting=not args.no_quoting, fmt=args.input_format, stdin=getattr(sys.stdin, "buffer", None),
    )
    ctx = TqdmContext(quiet=args.quiet)
    for w in corpus.warnings:
        ctx.log(w)
    if corpus.skipped_blank:
        ctx.log(f"skipped {corpus.skipped_blank} blank line(s) or row(s)")
    options = ExtractOptions(
        levels=(args.level,), layers=_layers(args.layers), layer_combine=args.layer_combine, word_pooling=args.word_pooling,
        pooling=args.pooling, normalize=args.normalize, include_special=args.include_special, max_length=args.max_length,
        stride=args.stride, truncate=args.truncate, batch_size=args.batch_size,
    )
    try:
        out = extract_to_folder(
            args.model, corpus, options, args.output, formats=formats, overwrite=args.force,
            device=args.device, dtype=args.dtype, allow_pickle=args.allow_pickle, ctx=ctx,
        )
    finally:
        ctx.close()
    if not args.quiet:
        print(f"semvec: wrote {out.rows:,} {args.level} vectors of {out.dim} dims to {out.path}", file=sys.stderr)
    return EXIT_OK


# --- train / evaluate / predict ---------------------------------------------------------------


class TrainTqdmContext(TqdmContext):
    """TqdmContext for training: a step bar with the current loss; the first Ctrl-C stops cleanly
    after the current step (saving a checkpoint), a second one stops at once."""

    def __init__(self, quiet: bool = False) -> None:
        from semvec_studio.core.tasks import CancelToken

        super().__init__(quiet)
        self.token = CancelToken()
        self.training = False

    def report(self, done: float, total: float | None = None, msg: str = "") -> None:
        if self.quiet or total is None:  # phases without a count (reading, loading) draw no bar
            return
        if not msg.startswith("epoch"):
            if not self.training:  # evaluations during training keep the step bar
                super().report(done, total, msg)
            return
        if not self.training:
            if self.bar is not None:
                self.bar.close()
            self.bar = self._tqdm(total=total, unit="step", file=sys.stderr, desc=msg, dynamic_ncols=True, leave=False)
            self.total, self.training = total, True
        if msg != self.bar.desc:
            self.bar.set_description_str(msg, refresh=False)
        self.bar.update(done - self.bar.n)

    def check_cancelled(self) -> None:
        if self.token.cancelled:
            raise Cancelled()

    def on_event(self, event: dict) -> None:
        if self.bar is not None and event["kind"] == "step" and not self.quiet:
            self.bar.set_postfix(loss=f"{event['loss']:.4f}", lr=f"{event['lr']:.2e}", refresh=False)

    def on_sigint(self, signum, frame) -> None:
        if self.token.cancelled:
            raise KeyboardInterrupt
        self.token.cancel()
        print("\nsemvec: stopping after this step and saving a checkpoint; press Ctrl-C again to stop at once.", file=sys.stderr)


def add_csv_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("labelled CSV/TSV")
    g.add_argument("--text-column", help="column with the texts (default: 'text' or 'sentence')")
    g.add_argument("--label-column", help="column with the labels (default: 'label', 'class', 'category', ...)")
    g.add_argument("--encoding", help="file encoding (default: UTF-8, else detected with a warning)")
    g.add_argument("--delimiter", help="delimiter (default: sniffed; .tsv files: tab)")
    g.add_argument("--no-quoting", action="store_true", help="fields are not quoted (sentences may contain bare \")")


def _add_train_parser(sub) -> None:
    from semvec_studio.core.extract.pooling import SENTENCE_POOLERS
    from semvec_studio.core.train.loop import METHODS, METRICS, TrainParams
    from semvec_studio.core.train.infer import PRECISIONS

    d = TrainParams(csv="", output="")
    p = sub.add_parser("train", help="fine-tune a classifier (or fit a linear probe) on a labelled CSV",
                       description="Train a text classifier from a labelled CSV/TSV. Writes OUTDIR atomically at every evaluation; "
                                   "Ctrl-C saves a checkpoint that --resume continues from.")
    p.add_argument("--csv", metavar="FILE", help="labelled training file (.csv or .tsv); not needed with --resume")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder: the model, metrics.json, loss.csv, params.json")
    add_csv_args(p)
    g = p.add_argument_group("validation")
    g.add_argument("--val-csv", metavar="FILE", help="a separate validation file (default: hold out --val-split of --csv)")
    g.add_argument("--val-split", type=float, help=f"fraction of each class held out for validation, seeded (default {d.val_split})")
    g.add_argument("--eval-every", type=int, metavar="N", help="evaluate every N steps (default: at the end of every epoch)")
    g.add_argument("--metric", choices=METRICS, help=f"picks the best checkpoint and drives early stopping (default {d.metric})")
    g.add_argument("--ties-within", type=float, metavar="SE",
                   help="validation figures within this many standard errors of the best are ties, and the latest of them is kept; "
                        f"0 = strictly the best (default {d.ties_within:g})")
    g.add_argument("--patience", type=int, help=f"stop after this many evaluations without improvement; 0 = never (default {d.patience})")
    g = p.add_argument_group("model")
    g.add_argument("--model", help="'default' (bundled all-MiniLM-L6-v2) or a local Hugging Face model folder")
    g.add_argument("--allow-pickle", action="store_true", help="allow pickle (*.bin) weights; only for checkpoints you trust")
    g.add_argument("--device", default="auto", help="auto, cpu, cuda or mps (default auto)")
    g.add_argument("--precision", choices=PRECISIONS, default="auto",
                   help="auto: bf16 autocast only on hardware with native bf16 (GPU, AMX/AVX512-BF16 CPU), else float32")
    g = p.add_argument_group("training")
    g.add_argument("--method", choices=METHODS, help=f"finetune the whole model, or probe: a logistic regression on frozen vectors (default {d.method})")
    g.add_argument("--epochs", type=int, help=f"passes over the training rows (default {d.epochs})")
    g.add_argument("--lr", type=float, help=f"peak learning rate (default {d.lr:g})")
    g.add_argument("--batch-size", type=int, help=f"texts per step (default {d.batch_size})")
    g.add_argument("--max-length", type=int, help=f"tokens per text; longer texts are cut (default {d.max_length})")
    g.add_argument("--weight-decay", type=float, help=f"AdamW weight decay (default {d.weight_decay:g})")
    g.add_argument("--warmup", type=float, help=f"fraction of steps for linear warm-up (default {d.warmup:g})")
    g.add_argument("--seed", type=int, help=f"seed for the split, the order and the new head (default {d.seed})")
    g.add_argument("--max-steps", type=int, help="stop after this many steps (the schedule spans them)")
    g.add_argument("--grad-clip", type=float, help=f"clip the gradient norm to this; 0 = no clipping (default {d.grad_clip:g})")
    g.add_argument("--average", type=float, metavar="DECAY",
                   help=f"evaluate and keep a moving average of the weights, this decay per step; 0 = the raw weights (default {d.average:g})")
    g.add_argument("--no-group-by-length", action="store_true", help="plain shuffled batches instead of batches of similar lengths")
    g = p.add_argument_group("linear probe")
    g.add_argument("--layer", type=int, help=f"layer whose pooled vectors are used: 0 = embeddings, -1 = last (default {d.layer})")
    g.add_argument("--pooling", choices=tuple(SENTENCE_POOLERS), help=f"sentence pooling (default {d.pooling})")
    g.add_argument("--probe-c", type=float, help=f"inverse regularisation strength (default {d.probe_c:g})")
    g = p.add_argument_group("run")
    g.add_argument("--resume", action="store_true", help="continue the unfinished run in OUTDIR from its last checkpoint")
    g.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    g.add_argument("--keep-checkpoint", action="store_true", help="keep the resumable checkpoint/ subfolder when the run finishes")
    g.add_argument("--quiet", action="store_true", help="no progress bar, log or report")
    p.set_defaults(func=cmd_train)


def _add_evaluate_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="the report of a trained classifier on a labelled CSV")
    p.add_argument("checkpoint", metavar="CKPT", help="a folder written by 'semvec train'")
    p.add_argument("--csv", metavar="FILE", help="labelled file (.csv or .tsv); with --held-out, default: the file CKPT was validated on")
    p.add_argument("--held-out", action="store_true", help="only the rows CKPT held out for validation (reproduces its metrics.json)")
    add_csv_args(p)
    _add_inference_args(p)
    p.add_argument("--json", action="store_true", help="print the metrics as JSON on stdout")
    p.set_defaults(func=cmd_evaluate)


def _add_predict_parser(sub) -> None:
    p = sub.add_parser("predict", help="label and class probabilities for each text, as TSV")
    p.add_argument("checkpoint", metavar="CKPT", help="a folder written by 'semvec train'")
    add_input_args(p)
    _add_inference_args(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write the TSV here (atomically) instead of standard output")
    p.set_defaults(func=cmd_predict)


def _add_inference_args(p: argparse.ArgumentParser) -> None:
    from semvec_studio.core.train.infer import PRECISIONS

    g = p.add_argument_group("run")
    g.add_argument("--batch-size", type=int, default=64)
    g.add_argument("--device", default="auto", help="auto, cpu, cuda or mps (default auto)")
    g.add_argument("--precision", choices=PRECISIONS, default="auto")
    g.add_argument("--allow-pickle", action="store_true", help="allow pickle (*.bin) weights; only for checkpoints you trust")
    g.add_argument("--quiet", action="store_true", help="no progress bar or warnings")


def add_training_commands(sub) -> None:
    _add_train_parser(sub)
    _add_evaluate_parser(sub)
    _add_predict_parser(sub)


_TRAIN_OPTIONS = ("csv", "text_column", "label_column", "val_csv", "val_split", "eval_every", "metric", "patience", "model",
                  "method", "epochs", "lr", "batch_size", "max_length", "weight_decay", "warmup", "seed", "max_steps",
                  "layer", "pooling", "probe_c", "encoding", "delimiter", "grad_clip", "average", "ties_within")


def _train_params(args):
    import dataclasses

    from semvec_studio.core.train.loop import TrainParams, resume_params

    given = {k: getattr(args, k) for k in _TRAIN_OPTIONS if getattr(args, k) is not None}
    if args.no_quoting:
        given["quoting"] = False
    if args.no_group_by_length:
        given["group_by_length"] = False
    if given.get("patience") == 0:
        given["patience"] = None
    run = {"device": args.device, "precision": args.precision, "allow_pickle": args.allow_pickle,
           "overwrite": args.force, "keep_checkpoint": args.keep_checkpoint}
    if args.resume:
        return dataclasses.replace(resume_params(args.output), **given, **run)
    if "csv" not in given:
        raise UsageError("--csv FILE is required (the labelled training file), unless you --resume a run.")
    return TrainParams(output=args.output, **given, **run)


def cmd_train(args) -> int:
    import signal

    from semvec_studio.core.train.loop import train
    from semvec_studio.core.train.metrics import format_report

    params = _train_params(args)
    ctx = TrainTqdmContext(quiet=args.quiet)
    try:
        old = signal.signal(signal.SIGINT, ctx.on_sigint)
    except ValueError:  # not the main thread
        old = None
    step = {"n": 0}

    def on_event(event: dict) -> None:
        step["n"] = event.get("step", step["n"])
        ctx.on_event(event)

    try:
        result = train(params, ctx, on_event)
    except Cancelled:
        ctx.close()
        print(f"semvec: cancelled at step {step['n']}; the last checkpoint is in {params.output}; "
              f"continue with: semvec train --resume -o {params.output}", file=sys.stderr)
        return EXIT_CANCELLED
    except KeyboardInterrupt:
        ctx.close()
        print(f"semvec: stopped at once; {params.output} keeps the last checkpoint saved before this (if any).", file=sys.stderr)
        return EXIT_CANCELLED
    finally:
        ctx.close()
        if old is not None:
            signal.signal(signal.SIGINT, old)
    if not args.quiet:
        m = result.metrics
        print(format_report(m, f"validation of the kept model (step {result.best_step}):"))
        print(f"semvec: {result.status} after {result.steps} step(s) in {result.seconds:.0f} s; "
              f"accuracy {m['accuracy']:.4f}, macro-F1 {m['macro_f1']:.4f}; model in {result.path}", file=sys.stderr)
    return EXIT_OK


def _evaluation_data(args, ckpt):
    from pathlib import Path

    from semvec_studio.core.errors import InputError
    from semvec_studio.core.train.data import CsvOptions, read_labelled

    saved = {}
    params_file = Path(ckpt) / "params.json"
    if params_file.is_file():
        saved = json.loads(params_file.read_text(encoding="utf-8"))
    split = saved.get("split") or {}
    csv_file = args.csv
    if args.held_out:
        if not split:
            raise UsageError(f"{ckpt}: no params.json with the validation split; --held-out needs a folder written by 'semvec train'.")
        csv_file = csv_file or split.get("val_file") or split.get("train_file")
    if not csv_file:
        raise UsageError("--csv FILE is required (the labelled file to evaluate on), or --held-out.")
    options = CsvOptions(args.delimiter or saved.get("delimiter"), args.encoding or saved.get("encoding"),
                         not args.no_quoting and saved.get("quoting", True))
    data = read_labelled(csv_file, args.text_column or saved.get("text_column"), args.label_column or saved.get("label_column"), options)
    if args.held_out:
        if data.sha256 not in (split.get("train_sha256"), split.get("val_sha256")):
            raise InputError(f"{data.path}: not the file {ckpt} was trained or validated on (its content differs); --held-out needs that file.")
        if split.get("val_lines") is not None and data.sha256 == split.get("train_sha256"):
            keep = set(split["val_lines"])
            data = data.subset([i for i, line in enumerate(data.lines) if line in keep])
    return data


def cmd_evaluate(args) -> int:
    from semvec_studio.core.train.infer import evaluate, load_classifier
    from semvec_studio.core.train.metrics import format_report

    ctx = TqdmContext(quiet=args.quiet or args.json)
    try:
        data = _evaluation_data(args, args.checkpoint)
        for w in data.warnings:
            ctx.log(w)
        clf = load_classifier(args.checkpoint, device=args.device, precision=args.precision, allow_pickle=args.allow_pickle, ctx=ctx)
        for w in clf.warnings:
            ctx.log(w)
        report = evaluate(clf, data, batch_size=args.batch_size, ctx=ctx)
    finally:
        ctx.close()
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(format_report(report, f"{clf.path} on {data.path}:"))
    return EXIT_OK


def cmd_predict(args) -> int:
    from semvec_studio.core.atomic import atomic_file
    from semvec_studio.core.io.texts import read_texts
    from semvec_studio.core.train.infer import load_classifier
    from semvec_studio.core.io.vectors import escape_cell

    corpus = read_texts(
        args.inputs, text_column=args.text_column, text_field=args.text_field, whole_file=args.whole_file,
        encoding=args.encoding, delimiter=args.delimiter, quoting=not args.no_quoting, fmt=args.input_format, stdin=getattr(sys.stdin, "buffer", None),
    )
    ctx = TqdmContext(quiet=args.quiet)
    try:
        for w in corpus.warnings:
            ctx.log(w)
        clf = load_classifier(args.checkpoint, device=args.device, precision=args.precision, allow_pickle=args.allow_pickle, ctx=ctx)
        for w in clf.warnings:
            ctx.log(w)
        probs = clf.predict_proba(corpus.texts, batch_size=args.batch_size, ctx=ctx)
    finally:
        ctx.close()
    header = ["file", "line", "text", "label", *(f"p_{name}" for name in clf.labels)]
    lines = ["\t".join(escape_cell(h) for h in header)]
    for (name, line), text, row in zip(corpus.origins, corpus.texts, probs):
        cells = [name, str(line), text, clf.labels[int(row.argmax())], *(f"{p:.6f}" for p in row)]
        lines.append("\t".join(escape_cell(c) for c in cells))
    if args.output:
        with atomic_file(args.output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write("\n".join(lines) + "\n")
        if not args.quiet:
            print(f"semvec: wrote {len(corpus.texts):,} predictions to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


# --- semvec project ----------------------------------------------------------------------------

def add_project_command(sub) -> None:
    p = sub.add_parser("project", help="add a 2-D map (projection.tsv) to an extract output folder",
                       description="Project the vectors of an extract output folder to 2-D and write projection.tsv "
                                   "(x, y, row, then the metadata columns); the method, its parameters and quality "
                                   "figures go into manifest.json. Running it again replaces both.")
    p.add_argument("outdir", metavar="OUTDIR", help="a folder written by 'semvec extract'")
    p.add_argument("--method", default="pca", help="pca (default), tsne, umap (needs the 'umap' extra) or axes")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same map (default 0)")
    p.add_argument("--perplexity", type=float, default=30.0, help="t-SNE: effective number of neighbours (default 30)")
    p.add_argument("--learning-rate", default="auto", help="t-SNE: a positive number or 'auto' (default)")
    p.add_argument("--neighbors", type=int, default=15, help="UMAP: neighbourhood size (default 15)")
    p.add_argument("--min-dist", type=float, default=0.1, help="UMAP: how tightly points pack, 0 to 1 (default 0.1)")
    p.add_argument("--metric", default="cosine", help="cosine (default) or euclidean: t-SNE/UMAP neighbourhoods and quality figures")
    p.add_argument("--sample", type=int, help="project a seeded random subset of this many rows")
    p.add_argument("--axes", metavar="A,B,C,D", help="with --method axes: x runs from row A to row B, y from row C to row D")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    p.set_defaults(func=cmd_project)


def _projection_params(args):
    from semvec_studio.core.projection.project import ProjectionParams

    lr = args.learning_rate
    if lr != "auto":
        try:
            lr = float(lr)
        except ValueError:
            raise UsageError(f"--learning-rate {lr}: give a positive number or 'auto'.") from None
    axes = None
    if args.axes is not None:
        parts = _csv_list(args.axes)
        if len(parts) != 4 or not all(p.lstrip("-").isdigit() for p in parts):
            raise UsageError(f"--axes {args.axes}: give four row numbers A,B,C,D (x runs from row A to B, y from C to D).")
        a, b, c, d = (int(p) for p in parts)
        axes = ((a, b), (c, d))
    return ProjectionParams(method=args.method.strip().lower(), seed=args.seed, perplexity=args.perplexity,
                            learning_rate=lr, n_neighbors=args.neighbors, min_dist=args.min_dist,
                            metric=args.metric.strip().lower(), sample=args.sample, axes=axes)


def cmd_project(args) -> int:
    from pathlib import Path

    from semvec_studio.core.errors import InputError
    from semvec_studio.core.projection.project import project, validate
    from semvec_studio.core.projection.files import PROJECTION_FILE, save_projection
    from semvec_studio.core.io.vectors import EmbeddingSet

    folder = Path(args.outdir)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; give the output folder of 'semvec extract'.")
    params = _projection_params(args)
    embset = EmbeddingSet.load(folder)
    validate(params, len(embset))  # wrong options fail before any work
    ctx = TqdmContext(quiet=args.quiet)
    try:
        proj = project(embset.vectors, params, ctx)
        save_projection(folder, embset, proj, ctx)
    finally:
        ctx.close()
    if not args.quiet:
        q = proj.quality
        var = f", explained variance {sum(proj.explained_variance):.1%}" if proj.explained_variance else ""
        print(f"semvec: wrote {len(proj.rows):,} points ({proj.method}{var}; trustworthiness {q['trustworthiness']:.3f}, "
              f"{q['k']}-NN overlap {q['knn_overlap']:.3f} on {q['sample']:,} rows) to {folder / PROJECTION_FILE}",
              file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

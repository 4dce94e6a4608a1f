"""`semvec train`, `semvec evaluate` and `semvec predict`: a classifier from a labelled CSV, its
report on a labelled file, and its predictions for texts. The options of `train` are generated
from :class:`~semvec_studio.core.train.params.TrainParams`."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from semvec_studio.cli.options import (
    DEVICE_HELP,
    PICKLE_HELP,
    add_csv_args,
    add_input_args,
    add_option_fields,
    given_values,
    read_inputs,
)
from semvec_studio.cli.progress import TqdmContext
from semvec_studio.core.atomic import atomic_file
from semvec_studio.core.errors import Cancelled, InputError, UsageError
from semvec_studio.core.io.metadata import escape_cell
from semvec_studio.core.train.data import CsvOptions, LabelledData, is_jsonl, read_labelled
from semvec_studio.core.train.infer import evaluate, load_classifier
from semvec_studio.core.train.loop import PHASE, resume_params, train
from semvec_studio.core.train.metrics import format_report
from semvec_studio.core.train.params import PRECISIONS, TrainParams
from semvec_studio.core.train.runfolder import PARAMS_FILE, read_json

EXIT_CANCELLED = 130


def add_parser(sub, name: str, help_line: str) -> None:
    {"train": _add_train, "evaluate": _add_evaluate, "predict": _add_predict}[name](sub, name, help_line)


# --- train -------------------------------------------------------------------------------------


def _add_train(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line,
                       description="Train a text classifier from a labelled CSV/TSV. Writes OUTDIR atomically at every evaluation; "
                                   "Ctrl-C saves a checkpoint that --resume continues from.")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="output folder: the model, metrics.json, loss.csv, params.json")
    fields = add_option_fields(p, TrainParams, skip=("output",))
    p.add_argument_group("run").add_argument("--quiet", action="store_true", help="no progress bar, log or report")
    p.set_defaults(func=run_train, fields=fields)


def train_params(args) -> TrainParams:
    """The run the command line asks for: the given options over the defaults, or over the saved
    ones with --resume."""
    given = given_values(args, args.fields)
    if given.pop("resume", False):
        return dataclasses.replace(resume_params(args.output), **given)
    if not given.get("csv"):
        raise UsageError("--csv FILE is required (the labelled training file), unless you --resume a run.")
    return TrainParams(output=args.output, **given)


def run_train(args) -> int:
    params = train_params(args)
    stopping = f"stopping after this step and saving a checkpoint in {params.output}"
    with TqdmContext(quiet=args.quiet, sticky=(PHASE,), graceful=True, stop_message=stopping) as ctx:
        try:
            result = train(params, ctx)
        except Cancelled:
            ctx.close()
            print(f"semvec: cancelled at step {ctx.reached.get(PHASE, 0):.0f}; the last checkpoint is in {params.output}; "
                  f"continue with: semvec train --resume -o {params.output}", file=sys.stderr)
            return EXIT_CANCELLED
        except KeyboardInterrupt:
            ctx.close()
            print(f"semvec: stopped at once; {params.output} keeps the last checkpoint saved before this (if any).", file=sys.stderr)
            return EXIT_CANCELLED
    if not args.quiet:
        m = result.metrics
        print(format_report(m, f"validation of the kept model (step {result.best_step}):"))
        print(f"semvec: {result.status} after {result.steps} step(s) in {result.seconds:.0f} s; "
              f"accuracy {m['accuracy']:.4f}, macro-F1 {m['macro_f1']:.4f}; model in {result.path}", file=sys.stderr)
    return 0


# --- evaluate and predict ----------------------------------------------------------------------


def _add_inference_args(p) -> None:
    g = p.add_argument_group("run")
    g.add_argument("--batch-size", type=int, default=64)
    g.add_argument("--device", default="auto", help=DEVICE_HELP)
    g.add_argument("--precision", choices=PRECISIONS, default="auto")
    g.add_argument("--allow-pickle", action="store_true", help=PICKLE_HELP)
    g.add_argument("--quiet", action="store_true", help="no progress bar or warnings")


def _add_evaluate(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line)
    p.add_argument("checkpoint", metavar="CKPT", help="a folder written by 'semvec train'")
    p.add_argument("--csv", metavar="FILE", help="labelled file (.csv, .tsv or .jsonl); with --held-out, default: the file CKPT was "
                                                 "validated on")
    p.add_argument("--held-out", action="store_true", help="only the rows CKPT held out for validation (reproduces its metrics.json)")
    add_csv_args(p)
    _add_inference_args(p)
    p.add_argument("--json", action="store_true", help="print the metrics as JSON on stdout")
    p.set_defaults(func=run_evaluate)


def _add_predict(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line)
    p.add_argument("checkpoint", metavar="CKPT", help="a folder written by 'semvec train'")
    add_input_args(p)
    _add_inference_args(p)
    p.add_argument("-o", "--output", metavar="FILE", help="write the TSV here (atomically) instead of standard output")
    p.set_defaults(func=run_predict)


def evaluation_data(args, ckpt: str) -> LabelledData:
    """The labelled rows `semvec evaluate` scores: the given file, or with --held-out the rows the
    run held out for validation (options not given are taken from the run's params.json)."""
    params_file = Path(ckpt) / PARAMS_FILE
    saved = read_json(params_file) if params_file.is_file() else {}
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
    if is_jsonl(csv_file):  # the run's saved options of the same kind of file fill in what is not given
        data = read_labelled(csv_file, args.text_column, args.label_column, options, text_field=args.text_field or saved.get("text_field"),
                             label_field=args.label_field or saved.get("label_field"))
    else:
        data = read_labelled(csv_file, args.text_column or saved.get("text_column"), args.label_column or saved.get("label_column"), options,
                             text_field=args.text_field, label_field=args.label_field)
    if args.held_out:
        if data.sha256 not in (split.get("train_sha256"), split.get("val_sha256")):
            raise InputError(f"{data.path}: not the file {ckpt} was trained or validated on (its content differs); --held-out needs that file.")
        if split.get("val_lines") is not None and data.sha256 == split.get("train_sha256"):
            keep = set(split["val_lines"])
            data = data.subset([i for i, line in enumerate(data.lines) if line in keep])
    return data


def run_evaluate(args) -> int:
    with TqdmContext(quiet=args.quiet or args.json) as ctx:
        data = evaluation_data(args, args.checkpoint)
        for w in data.warnings:
            ctx.log(w)
        clf = load_classifier(args.checkpoint, device=args.device, precision=args.precision, allow_pickle=args.allow_pickle, ctx=ctx)
        for w in clf.warnings:
            ctx.log(w)
        report = evaluate(clf, data, batch_size=args.batch_size, ctx=ctx)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(format_report(report, f"{clf.path} on {data.path}:"))
    return 0


def run_predict(args) -> int:
    corpus = read_inputs(args)
    with TqdmContext(quiet=args.quiet) as ctx:
        for w in corpus.warnings:
            ctx.log(w)
        clf = load_classifier(args.checkpoint, device=args.device, precision=args.precision, allow_pickle=args.allow_pickle, ctx=ctx)
        for w in clf.warnings:
            ctx.log(w)
        probs = clf.predict_proba(corpus.texts, batch_size=args.batch_size, ctx=ctx)
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
    return 0

"""`semvec suggest`, `semvec simulate-labelling` and `semvec find-label-errors`: labelling in the
loop on the command line, over :mod:`semvec_studio.core.labelling`.

`suggest` reads a workspace's cached sentence vectors (computed and kept in its data folder when
missing, with the model chosen as `semvec search` chooses it); the two file commands read a
labelled CSV/TSV/JSONL file as `semvec train` does and keep its texts' sentence vectors in the
user's cache folder (:mod:`semvec_studio.core.labelling.files`).
"""

from __future__ import annotations

import json
import sys

import numpy as np

from semvec_studio.cli.options import add_csv_args, add_model_args, layers_arg
from semvec_studio.cli.progress import TqdmContext
from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.pooling import LAYER_COMBINERS, SENTENCE_POOLERS
from semvec_studio.core.labelling.errors import find_label_errors
from semvec_studio.core.labelling.files import text_vectors
from semvec_studio.core.labelling.loop import SUGGESTION_LAYER, suggestion_options
from semvec_studio.core.labelling.simulate import STARTS, SimulationParams, check_simulation_data, simulate
from semvec_studio.core.labelling.strategies import STRATEGIES, check_strategy
from semvec_studio.core.labelling.suggest import OOF_FOLDS
from semvec_studio.core.labelling.workspace import workspace_rank, workspace_suggestions
from semvec_studio.core.models import load_model
from semvec_studio.core.train.data import CsvOptions, LabelledData, check_classes, read_labelled
from semvec_studio.core.workspace.derived import sentence_vectors
from semvec_studio.core.workspace.meaning import workspace_options
from semvec_studio.core.workspace.store import Workspace

SHOWN_CHARS = 60


def add_parser(sub, name: str, help_line: str) -> None:
    {"suggest": _add_suggest, "simulate-labelling": _add_simulate, "find-label-errors": _add_errors}[name](sub, name, help_line)


def _one_line(text: str, chars: int = SHOWN_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= chars else text[:chars - 1] + "…"


def _positive(flag: str):
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise UsageError(f"{flag} {value}: give a whole number.") from None
        if n < 1:
            raise UsageError(f"{flag} {value}: must be at least 1.")
        return n
    return parse


# --- suggest -----------------------------------------------------------------------------------


def _add_suggest(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line, description="The rows of a workspace to label next, best first: the suggestion "
                       "model (a logistic regression on the rows' sentence vectors, cached in NAME.semvec-data/) is retrained "
                       "on the labelled rows and the strategy ranks the rows.")
    p.add_argument("workspace", metavar="WORKSPACE", help="the workspace file (NAME.semvec)")
    p.add_argument("--strategy", default="margin", metavar="S", help=f"{', '.join(STRATEGIES)}: most uncertain first (margin, "
                   "entropy), labels that look wrong (mistakes), cluster centres (diverse, needs no labels), or random "
                   "(default margin)")
    p.add_argument("--n", type=_positive("--n"), default=10, help="how many rows (default 10)")
    p.add_argument("--seed", type=int, default=0, help="seed of the diverse and random strategies (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON: a list of objects, best first")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_model_args(p)
    p.set_defaults(func=run_suggest)


def _predicted_for(strategy: str, s, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(label id, probability) the model suggests for ``rows``: for mistakes, the out-of-fold prediction."""
    if not s.ready:
        return np.full(len(rows), -1, np.int64), np.zeros(len(rows), np.float32)
    if strategy == "mistakes" and s.oof_proba is not None:
        proba = np.nan_to_num(s.oof_proba[rows])
        best = proba.argmax(axis=1)
        return s.classes[best], proba[np.arange(len(rows)), best]
    return s.predicted[rows], s.confidence[rows]


def run_suggest(args) -> int:
    check_strategy(args.strategy)
    with Workspace.open(args.workspace) as ws, TqdmContext(quiet=args.quiet or args.json) as ctx:
        lm = load_model(args.model, device=args.device, dtype=args.dtype, allow_pickle=args.allow_pickle, ctx=ctx)
        cached = sentence_vectors(ws, lm, suggestion_options(workspace_options(ws)), ctx)
        s = workspace_suggestions(ws, cached, out_of_fold=args.strategy == "mistakes", seed=args.seed, ctx=ctx)
        ranked = workspace_rank(ws, cached, args.strategy, args.n, suggestions=s, seed=args.seed)
        names = {lb.id: lb.name for lb in ws.labels()}
        predicted, confidence = _predicted_for(args.strategy, s, ranked.rows)
        found = ws.read_rows(ranked.rows) if len(ranked) else []
    items = [{"row": int(row), "score": round(float(score), 6), "predicted": names.get(int(p)),
              "confidence": round(float(c), 6), "label": r.label, "text": r.text}
             for row, score, p, c, r in zip(ranked.rows, ranked.scores, predicted, confidence, found)]
    if args.json:
        print(json.dumps(items, indent=2, ensure_ascii=False))
        return 0
    if ranked.note and not args.quiet:
        print(f"semvec: {ranked.note}", file=sys.stderr)
    if not s.ready and not args.quiet:
        print(f"semvec: no suggestions yet: {s.reason}", file=sys.stderr)
    given = args.strategy == "mistakes"  # the table shows the given label beside the one suggested
    print(f"{'row':>7}  {'score':>6}  " + (f"{'label':<16} " if given else "") + f"{'predicted':<16} {'conf':>5}  text")
    for item in items:
        label = f"{_one_line(item['label'] or '-', 16):<16} " if given else ""
        print(f"{item['row']:>7}  {item['score']:6.3f}  {label}{_one_line(item['predicted'] or '-', 16):<16} "
              f"{item['confidence']:5.2f}  {_one_line(item['text'])}")
    return 0


# --- the labelled-file commands ----------------------------------------------------------------


def _add_file_args(p) -> None:
    p.add_argument("file", metavar="FILE", help="labelled file (.csv, .tsv or .jsonl)")
    add_csv_args(p)
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-cache", action="store_true", help="do not read or keep the texts' vectors in the user's cache folder")
    add_model_args(p)
    g = p.add_argument_group("sentence vectors")
    g.add_argument("--layers", nargs="+", default=[str(SUGGESTION_LAYER)],
                   help="layer indices: 0 = embeddings, -1 = last, -2 = second-to-last (default: what the app's suggestions use, "
                        "measured best); several are combined")
    g.add_argument("--layer-combine", default="mean", choices=tuple(LAYER_COMBINERS))
    g.add_argument("--pooling", default="mean", choices=tuple(SENTENCE_POOLERS))


def _read(args) -> LabelledData:
    data = read_labelled(args.file, args.text_column, args.label_column, CsvOptions(args.delimiter, args.encoding, not args.no_quoting),
                         text_field=args.text_field, label_field=args.label_field)
    check_classes(data)
    return data


def _where(data: LabelledData) -> str:
    return f"{data.path}, column '{data.label_column}'"


def _vectors(args, data: LabelledData, ctx) -> np.ndarray:
    for w in data.warnings:
        ctx.log(w)
    options = ExtractOptions(layers=layers_arg(args.layers), layer_combine=args.layer_combine, pooling=args.pooling)
    return text_vectors(data.texts, args.model, options, device=args.device, dtype=args.dtype, allow_pickle=args.allow_pickle,
                        use_cache=not args.no_cache, ctx=ctx)


def _budget(value: str) -> int | None:
    return None if value == "all" else _positive("--budget")(value)


def _add_simulate(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line, description="How many labels a strategy needs: hides FILE's labels, keeps a seeded, "
                       "stratified test part that is never offered, labels --step rows chosen by --start, then repeatedly --step "
                       "rows chosen by --strategy (taking their true labels) and retrains; prints the learning curve over the seeds.")
    _add_file_args(p)
    g = p.add_argument_group("simulation")
    g.add_argument("--strategy", required=True, metavar="S", help=", ".join(STRATEGIES))
    g.add_argument("--start", default="random", metavar="S", help=f"how the first --step rows are chosen: {' or '.join(STARTS)} "
                   "(default random)")
    g.add_argument("--budget", type=_budget, default=500, metavar="N", help="stop at N labels, or 'all' (default 500)")
    g.add_argument("--step", type=_positive("--step"), default=20, metavar="K", help="rows labelled per step (default 20)")
    g.add_argument("--seeds", type=_positive("--seeds"), default=3, metavar="N", help="runs (seeds 0 .. N-1) averaged (default 3)")
    g.add_argument("--test-split", type=float, default=0.2, metavar="X", help="fraction of each class kept for testing (default 0.2)")
    p.set_defaults(func=run_simulate)


def run_simulate(args) -> int:
    params = SimulationParams(args.strategy, args.start, args.budget, args.step, args.seeds, args.test_split)
    params.check()
    with TqdmContext(quiet=args.quiet or args.json) as ctx:
        data = _read(args)
        y = np.unique(np.asarray(data.labels), return_inverse=True)[1]
        try:
            check_simulation_data(y, params)
        except UsageError as exc:
            raise InputError(f"{_where(data)}: {exc}") from None
        result = simulate(_vectors(args, data, ctx), data.labels, params, ctx)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
        return 0
    print(f"{'labels':>7}  {'accuracy':>8}  {'sd':>6}  {'macro-F1':>8}")
    for point in result.curve:
        print(f"{point.labels:>7,}  {point.accuracy:8.4f}  {point.accuracy_sd:6.4f}  {point.macro_f1:8.4f}")
    if not args.quiet:
        print(f"semvec: {args.strategy} (start {args.start}) on {len(data):,} rows, {args.seeds} seed(s), "
              f"{args.test_split:g} held out, in {result.seconds:.1f} s", file=sys.stderr)
    return 0


def _add_errors(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line, description="Rows whose label looks wrong, most likely first: each row is predicted by "
                       "a model fitted without it (cross-validated logistic regression on the sentence vectors); rows whose "
                       "prediction is another label are listed, scored by 1 - the probability of the given label.")
    _add_file_args(p)
    g = p.add_argument_group("label errors")
    g.add_argument("--top", type=_positive("--top"), default=None, metavar="K", help="show at most K rows (default all found)")
    g.add_argument("--folds", type=int, default=OOF_FOLDS, metavar="N", help=f"cross-validation folds (default {OOF_FOLDS})")
    g.add_argument("--seed", type=int, default=0, help="seed of the folds (default 0)")
    p.set_defaults(func=run_errors)


def _file_rows(data: LabelledData) -> dict[int, int]:
    """The 0-based data row (in file order, counting rows skipped for an empty text) of each line."""
    every = sorted([*data.lines, *data.skipped_empty])
    return {line: i for i, line in enumerate(every)}


def _check_folds(data: LabelledData, folds: int) -> None:
    if folds < 2:
        raise UsageError(f"--folds {folds}: must be at least 2.")
    counts = data.class_counts()
    small = [label for label, n in counts.items() if n < 2]
    if small:
        raise InputError(f"{_where(data)}: class '{small[0]}' has only 1 row; a label can only be checked against other rows "
                         "with the same label; add rows or remove the class.")
    if len(data) < 2 * folds:
        raise InputError(f"{data.path}: only {len(data)} labelled rows, too few for {folds} folds; add rows or lower --folds.")


def run_errors(args) -> int:
    with TqdmContext(quiet=args.quiet or args.json) as ctx:
        data = _read(args)
        _check_folds(data, args.folds)
        found = find_label_errors(_vectors(args, data, ctx), data.labels, folds=args.folds, seed=args.seed, ctx=ctx)
    rows = _file_rows(data)
    items = [{"row": rows[data.lines[e.row]], "label": e.given, "suggested": e.suggested, "score": round(e.score, 6),
              "line": data.lines[e.row], "text": data.texts[e.row]} for e in found[:args.top]]
    if args.json:
        print(json.dumps(items, indent=2, ensure_ascii=False))
        return 0
    print(f"{'row':>7}  {'line':>7}  {'score':>6}  {'label':<14} {'suggested':<14} text")
    for item in items:
        print(f"{item['row']:>7}  {item['line']:>7}  {item['score']:6.3f}  {_one_line(item['label'], 14):<14} "
              f"{_one_line(item['suggested'], 14):<14} {_one_line(item['text'])}")
    if not args.quiet:
        shown = f"; the first {len(items):,} shown" if len(items) < len(found) else ""
        print(f"semvec: {len(found):,} of {len(data):,} labels look wrong (cross-validated, {args.folds} folds){shown}", file=sys.stderr)
    return 0

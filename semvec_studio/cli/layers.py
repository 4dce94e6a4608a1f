"""`semvec layers`: the layer lab: per layer of one model, probe accuracy with a control task,
word similarity, anisotropy and CKA to the last layer."""

from __future__ import annotations

import json

from semvec_studio.cli.options import add_model_args
from semvec_studio.cli.progress import TqdmContext
from semvec_studio.core.compare.layers import LayerLabParams, LayerLabResult
from semvec_studio.core.compare.layers import run as run_lab
from semvec_studio.core.compare.probe import CONTROLS, read_probe_file
from semvec_studio.core.compare.wordpairs import read_word_pairs
from semvec_studio.core.errors import UsageError


def add_parser(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line, description="What each layer of a model gives (0 = embeddings .. L, and the "
                       "mean of the last 4), from one forward pass with every layer: linear-probe accuracy (5-fold "
                       "cross-validated) with a control task and selectivity, word-similarity Spearman, anisotropy and "
                       "linear CKA to the last layer.")
    add_model_args(p)
    g = p.add_argument_group("probe")
    g.add_argument("--probe", metavar="FILE", help="a labelled .csv/.tsv file: a text and a label per row")
    g.add_argument("--text-column", help="the column with the texts (default: 'text' or 'sentence')")
    g.add_argument("--label-column", help="the column with the labels (default: 'label', 'tags', 'class', ...)")
    g.add_argument("--tags", action="store_true", help="the label cell holds one tag per word, separated by spaces (a "
                   "probe on whole-word rows); default: one label per text (a probe on mean-pooled sentence vectors)")
    g.add_argument("--max-rows", type=int, metavar="N", help="a seeded sample of N texts of the probe file")
    g.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    g.add_argument("--control", default="words", choices=tuple(CONTROLS),
                   help="a text's control label: the majority of its words' random labels (words, the default), its first "
                   "word's (first-word) or its own (text); tags always take their word's")
    g.add_argument("--seed", type=int, default=0, help="seed of the folds, the control labels and the samples (default 0)")
    p.add_argument("--word-pairs", metavar="FILE", help="a WordSim-353 CSV, SimLex-999 TSV or MEN file")
    p.add_argument("--json", action="store_true", help='print {"layers": [...]} only')
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _params(args) -> LayerLabParams:
    if not args.probe and not args.word_pairs:
        raise UsageError("nothing to measure: give --probe FILE (with --text-column and --label-column), --word-pairs FILE, or both.")
    if not args.probe and (args.text_column or args.label_column or args.tags or args.max_rows):
        raise UsageError("--text-column, --label-column, --tags and --max-rows say how --probe FILE is read; give --probe.")
    labelled = read_probe_file(args.probe, args.text_column, args.label_column, tags=args.tags) if args.probe else None
    return LayerLabParams(
        model=args.model, texts=labelled.texts if labelled else (), labels=labelled.labels if labelled else None,
        tags=labelled.tags if labelled else None, word_pairs=read_word_pairs(args.word_pairs) if args.word_pairs else None,
        max_rows=args.max_rows, folds=args.folds, seed=args.seed, control=args.control, device=args.device, dtype=args.dtype,
        allow_pickle=args.allow_pickle)


def _cell(value, fmt: str = "{:.3f}") -> str:
    return "-" if value is None else fmt.format(value)


def print_table(result: LayerLabResult) -> None:
    header = ["layer", "spearman", "covered", "probe acc", "control", "selectivity", "anisotropy", "CKA to last"]
    lines = [header]
    for row in result.rows:
        ws, pr = row.word_similarity, row.probe
        lines.append([
            str(row.layer) if row.layer != 0 else "0 (embeddings)",
            _cell(ws.spearman if ws else None), f"{ws.covered}/{ws.pairs}" if ws else "-",
            _cell(pr.accuracy if pr else None), _cell(pr.control if pr else None), _cell(pr.selectivity if pr else None, "{:+.3f}"),
            _cell(row.anisotropy), _cell(row.cka_to_last),
        ])
    keep = [c for c in range(len(header)) if any(line[c] != "-" for line in lines[1:])]
    widths = [max(len(line[c]) for line in lines) for c in keep]
    for line in lines:
        print("  ".join(line[c].rjust(w) if k else line[c].ljust(w) for k, (c, w) in enumerate(zip(keep, widths))))


def run(args) -> int:
    params = _params(args)
    with TqdmContext(quiet=args.quiet or args.json) as ctx:
        result = run_lab(params, ctx)
    if args.json:
        print(json.dumps(result.as_dict()))
        return 0
    facts = result.facts
    print(f"model {facts['model']}: {facts['layers']} layers; {facts['rows']:,} rows for anisotropy and CKA")
    print_table(result)
    return 0

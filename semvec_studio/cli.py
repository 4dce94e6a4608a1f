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
    from semvec_studio.core.exporters import EXPORTERS
    from semvec_studio.core.pooling import LAYER_COMBINERS, SENTENCE_POOLERS, WORD_POOLERS

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
    from semvec_studio.core.pipeline import extract_to_folder
    from semvec_studio.core.texts import read_texts
    from semvec_studio.core.encode import ExtractOptions

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

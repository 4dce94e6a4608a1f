"""Arguments shared by several commands (model, inputs, labelled CSV), and the parser options
generated from an options dataclass's field table (:mod:`semvec_studio.core.options`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from semvec_studio.core.checkpoints import DTYPES
from semvec_studio.core.errors import UsageError
from semvec_studio.core.io.streams import TextStream
from semvec_studio.core.io.texts import Corpus, ReadOptions, read_texts
from semvec_studio.core.options import OptionField, fields_of

DEVICE_HELP = "auto, cpu, cuda or mps (default auto)"
PICKLE_HELP = "allow pickle (*.bin) weights; only for checkpoints you trust"


def csv_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def add_model_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--model", default="default", help="'default' (bundled all-MiniLM-L6-v2) or a local Hugging Face model folder")
    g.add_argument("--allow-pickle", action="store_true", help=PICKLE_HELP)
    g.add_argument("--device", default="auto", help=DEVICE_HELP)
    g.add_argument("--dtype", default="float32", help=f"{', '.join(DTYPES)} (default float32)")


def add_input_args(p: argparse.ArgumentParser, *, required: bool = True) -> None:
    """INPUT files and how to read them; ``required=False`` when another option can give the texts."""
    g = p.add_argument_group("input")
    g.add_argument("inputs", nargs="+" if required else "*", metavar="INPUT", help=".txt, .csv, .tsv or .jsonl files, or - for standard input")
    g.add_argument("--text-column", help="CSV/TSV column with the texts (default: 'text' or 'sentence')")
    g.add_argument("--text-field", help="JSONL field with the texts (default: 'text')")
    g.add_argument("--whole-file", action="store_true", help="a .txt file is one text, not one text per line")
    g.add_argument("--encoding", help="input encoding (default: UTF-8, else detected with a warning)")
    g.add_argument("--delimiter", help="CSV delimiter (default: sniffed)")
    g.add_argument("--no-quoting", action="store_true", help="CSV fields are not quoted (sentences may contain bare \")")
    g.add_argument("--input-format", choices=("txt", "csv", "tsv", "jsonl"),
                   help="read every input as this format, whatever its extension")


def add_csv_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("labelled file (CSV/TSV or JSON lines)")
    g.add_argument("--text-column", help="column with the texts (default: 'text' or 'sentence')")
    g.add_argument("--label-column", help="column with the labels (default: 'label', 'class', 'category', ...)")
    g.add_argument("--text-field", help="JSON lines (.jsonl) files: the field with the texts (default: 'text' or 'sentence')")
    g.add_argument("--label-field", help="JSON lines (.jsonl) files: the field with the labels (default: 'label')")
    g.add_argument("--encoding", help="file encoding (default: UTF-8, else detected with a warning)")
    g.add_argument("--delimiter", help="delimiter (default: sniffed; .tsv files: tab)")
    g.add_argument("--no-quoting", action="store_true", help="fields are not quoted (sentences may contain bare \")")


def read_inputs(args) -> Corpus:
    """The texts of a command's INPUT arguments (see :func:`add_input_args`)."""
    return read_texts(args.inputs, text_column=args.text_column, text_field=args.text_field, whole_file=args.whole_file,
                      encoding=args.encoding, delimiter=args.delimiter, quoting=not args.no_quoting, fmt=args.input_format,
                      stdin=getattr(sys.stdin, "buffer", None))


def text_stream(args) -> TextStream:
    """The texts of a command's INPUT arguments, read a chunk at a time (.parquet files too)."""
    opts = ReadOptions(args.text_column, args.text_field, args.whole_file, args.delimiter, not args.no_quoting)
    return TextStream(args.inputs, opts, encoding=args.encoding, fmt=args.input_format,
                      stdin=getattr(sys.stdin, "buffer", None))


# --- options generated from a field table ------------------------------------------------------


def _help(f: OptionField) -> str:
    default = f.default
    if isinstance(default, bool) or default is None or default == "":
        return f.option.help
    shown = f"{default:g}" if isinstance(default, float) else default
    return f"{f.option.help} (default {shown})"


def add_option_fields(p: argparse.ArgumentParser, cls, *, skip: Sequence[str] = (), groups: dict | None = None,
                      short: dict[str, str] | None = None) -> dict[str, OptionField]:
    """Add one option per CLI field of ``cls`` (in argument groups by the field's group); each
    defaults to None, so only what the user gives is set (see :func:`given_values`). A bool field
    whose default is True becomes ``--no-...``. Returns the fields added, by name."""
    groups = {} if groups is None else groups
    added = {}
    for f in fields_of(cls):
        if not f.option.cli or f.name in skip:
            continue
        g = groups.get(f.option.group) or groups.setdefault(f.option.group, p.add_argument_group(f.option.group))
        flags = [f.flag, *([short[f.name]] if short and f.name in short else [])]
        if f.kind is bool:
            g.add_argument(*flags, dest=f.name, action="store_const", const=not f.default, default=None, help=_help(f))
        else:
            g.add_argument(*flags, dest=f.name, type=f.kind, default=None, help=_help(f), metavar=_metavar(f),
                           choices=f.option.choices or None)
        added[f.name] = f
    return added


def _metavar(f: OptionField) -> str | None:
    if f.option.choices:
        return None
    return {int: "N", float: "X"}.get(f.kind, f.name.upper())


def given_values(args, fields: dict[str, OptionField]) -> dict:
    """The values the user gave for ``fields`` (0 for an optional number means None)."""
    out = {}
    for name, f in fields.items():
        value = getattr(args, name, None)
        if value is None:
            continue
        out[name] = f.coerce(value)
    return out


def layers_arg(values: Sequence[str]) -> tuple[int, ...]:
    out = []
    for value in values:
        for part in csv_list(value):
            try:
                out.append(int(part))
            except ValueError:
                raise UsageError(f"--layers {part}: give layer numbers such as 6, -1 or -4,-3,-2,-1.") from None
    return tuple(out)

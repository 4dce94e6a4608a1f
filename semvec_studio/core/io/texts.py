"""Inputs (.txt/.csv/.tsv/.jsonl files, stdin) read into a :class:`Corpus`: the texts and where each came from.

Readers live in :data:`READERS`, keyed by format: adding a format is adding one function there
(and its extension to :data:`EXTENSIONS`). Files are decoded by :mod:`semvec_studio.core.io.decoding`;
.csv/.tsv files are parsed by :mod:`semvec_studio.core.io.tables`.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.io.decoding import check_file, decode_file, decode_stream
from semvec_studio.core.io.tables import parse_table, pick_column

STDIN = "-"
STDIN_NAME = "<stdin>"
EXTENSIONS = {".txt": "txt", ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl"}


@dataclass
class Corpus:
    """Texts in input order, each with its (display name, 1-based line/row number)."""

    texts: list[str] = field(default_factory=list)
    origins: list[tuple[str, int]] = field(default_factory=list)
    skipped_blank: int = 0
    warnings: list[str] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)


@dataclass
class ReadOptions:
    """How a reader picks texts out of a decoded file (the CLI's input options)."""

    text_column: str | None = None
    text_field: str | None = None
    whole_file: bool = False
    delimiter: str | None = None
    quoting: bool = True


Reader = Callable[[str, str, ReadOptions], Corpus]


def _add(corpus: Corpus, name: str, number: int, text: str | None) -> None:
    text = (text or "").strip()
    if text:
        corpus.texts.append(text)
        corpus.origins.append((name, number))
    else:
        corpus.skipped_blank += 1


def read_txt(name: str, text: str, opts: ReadOptions) -> Corpus:
    """One text per non-empty line, or the whole file as one text."""
    corpus = Corpus()
    for number, line in enumerate([text] if opts.whole_file else io.StringIO(text, newline=""), start=1):
        _add(corpus, name, number, line)
    return corpus


def _table_reader(default_delimiter: str | None) -> Reader:
    def read(name: str, text: str, opts: ReadOptions) -> Corpus:
        table = parse_table(text, name, delimiter=opts.delimiter, quoting=opts.quoting,
                            default_delimiter=default_delimiter)
        column = pick_column(table.header, opts.text_column, name)
        corpus = Corpus(skipped_blank=table.blank_rows)
        for number, row in zip(table.row_numbers, table.rows):
            _add(corpus, name, number, row[column])
        return corpus

    read.__doc__ = "One text per row, from ``text_column`` or a 'text'/'sentence' column."
    return read


def read_jsonl(name: str, text: str, opts: ReadOptions) -> Corpus:
    """One JSON object per line; the text is in ``text_field`` (default 'text')."""
    key = opts.text_field or "text"
    corpus = Corpus()
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if not line.strip():
            corpus.skipped_blank += 1
            continue
        _add(corpus, name, number, jsonl_text(name, number, line, key))
    return corpus


def jsonl_text(name: str, number: int, line: str, key: str) -> str | None:
    """The text in field ``key`` of one JSON lines record (line ``number`` of ``name``)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError(f"{name}, line {number}: not valid JSON ({err.msg}, column {err.colno});"
                         " each line must be one JSON object") from None
    if not isinstance(record, dict) or key not in record:
        fields = ", ".join(f"'{k}'" for k in record) if isinstance(record, dict) else "not a JSON object"
        what = f"{name}, line {number}: no field '{key}' (fields: {fields or 'none'});"
        raise InputError(f"{what} pass the right one with --text-field",
                         gui=f"{what} give every line a '{key}' field with its text", field="text_field")
    value = record[key]
    if value is not None and not isinstance(value, str):
        what = f"{name}, line {number}: field '{key}' is a {type(value).__name__}, not a string;"
        raise InputError(f"{what} pass a text field with --text-field",
                         gui=f"{what} give every line a '{key}' field with its text", field="text_field")
    return value


READERS: dict[str, Reader] = {"txt": read_txt, "csv": _table_reader(None), "tsv": _table_reader("\t"),
                               "jsonl": read_jsonl}


def _format_of(path: str | os.PathLike, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    if os.fspath(path) == STDIN:
        return "txt"
    check_file(path)
    return format_by_extension(path)


def format_by_extension(path: str | os.PathLike) -> str:
    """The input format a file's extension names (an unknown one is an error naming the choices)."""
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        what = f"{os.fspath(path)}: unknown file type '{suffix or '(none)'}'; supported are {', '.join(EXTENSIONS)}"
        raise InputError(f"{what}; to read it anyway, pass --input-format with one of {', '.join(EXTENSIONS.values())}",
                         gui=f"{what}; open a file with one of these extensions")
    return EXTENSIONS[suffix]


def read_texts(paths: Sequence[str | os.PathLike], *, text_column: str | None = None,
               text_field: str | None = None, whole_file: bool = False, encoding: str | None = None,
               delimiter: str | None = None, quoting: bool = True, fmt: str | None = None,
               stdin: IO | None = None) -> Corpus:
    """Read every input in order ('-' is stdin, read as .txt lines) into one :class:`Corpus`."""
    if fmt is not None and fmt not in READERS:
        raise UsageError(f"unknown format '{fmt}'; use one of {', '.join(READERS)}")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if not paths:
        raise UsageError("no input given; pass a file, or '-' to read standard input")
    opts = ReadOptions(text_column, text_field, whole_file, delimiter, quoting)
    corpus = Corpus()
    for path in paths:
        kind = _format_of(path, fmt)
        is_stdin = os.fspath(path) == STDIN
        name, text, enc, warnings = (decode_stream(stdin if stdin is not None else sys.stdin, STDIN_NAME, encoding)
                                     if is_stdin else decode_file(path, encoding))
        if whole_file and kind != "txt":
            warnings.append(f"{name}: --whole-file applies to .txt inputs only; read one text per row")
        part = READERS[kind](name, text, opts)
        if not part.texts and len(paths) > 1:
            warnings.append(f"{name}: no texts ({part.skipped_blank} blank skipped)")
        corpus.texts += part.texts
        corpus.origins += part.origins
        corpus.skipped_blank += part.skipped_blank
        corpus.warnings += warnings + part.warnings
        corpus.encodings[name] = enc
    if not corpus.texts:
        names = ", ".join(corpus.encodings)
        raise InputError(f"{names}: no texts found ({corpus.skipped_blank} blank lines or rows skipped);"
                         " give at least one non-empty line, row or record")
    return corpus

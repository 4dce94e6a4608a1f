"""Read inputs (.txt/.csv/.tsv/.jsonl or stdin) into a list of texts, with where each came from.

Decoding: UTF-8 (with or without BOM) first, then charset_normalizer's guess with a warning;
an explicit ``encoding`` overrides both. Readers live in :data:`READERS`, keyed by format:
adding a format is adding one function there (and its extension to :data:`EXTENSIONS`).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from semvec_studio.core.errors import InputError, UsageError

STDIN = "-"
STDIN_NAME = "<stdin>"
EXTENSIONS = {".txt": "txt", ".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl"}
TEXT_COLUMNS = ("text", "sentence")
SNIFF_DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
PREFERRED_LEGACY = "cp1252"  # on a tie, the commonest non-UTF-8 encoding wins


@dataclass
class Table:
    """A delimited file: stripped header and cells, and the line each row starts on."""

    path: str
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    encoding: str
    delimiter: str
    warnings: list[str] = field(default_factory=list)
    blank_rows: int = 0


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


def decode_bytes(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str, list[str]]:
    """Decode ``data`` -> (text, encoding used, warnings); an explicit ``encoding`` wins."""
    try:
        enc = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        raise UsageError(f"unknown encoding '{encoding}'; use a name such as utf-8, cp1252 or latin-1") from None
    if enc == "utf-8" and data.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    try:
        return data.decode(enc).removeprefix("\ufeff"), enc, []
    except UnicodeDecodeError as err:
        if encoding:
            raise InputError(f"{name}: cannot be read as {enc} (byte {err.start}); pass another --encoding,"
                             " or leave it out to detect one") from None
    text, enc = _detect(data, name)
    return text.removeprefix("\ufeff"), enc, [
        f"{name}: not UTF-8, read as {enc} (detected); pass --encoding to override"]


def _detect(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise InputError(f"{name}: cannot be decoded as text (not UTF-8, and no other encoding fits);"
                         " check it is a text file, or pass --encoding")
    best = matches[0]
    for match in matches:  # charset_normalizer often ties cp1250 and cp1252 on Western text
        if match.chaos <= best.chaos + 0.01 and PREFERRED_LEGACY in match.could_be_from_charset:
            try:
                return data.decode(PREFERRED_LEGACY), PREFERRED_LEGACY
            except UnicodeDecodeError:
                break
    return str(best), codecs.lookup(best.encoding).name


def _check_file(path: str | os.PathLike) -> None:
    if Path(path).is_dir():
        raise InputError(f"{os.fspath(path)}: is a folder, not a file; give the path of a file inside it")
    if not Path(path).exists():
        raise InputError(f"{os.fspath(path)}: no such file; check the path")


def _load(path: str | os.PathLike, encoding: str | None) -> tuple[str, str, str, list[str]]:
    """Read and decode one file -> (display name, text, encoding, warnings)."""
    _check_file(path)
    name = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError(f"{name}: cannot be read ({err.strerror or err}); check its permissions") from None
    return (name, *decode_bytes(data, name, encoding))


def _load_stdin(stream: IO | None, encoding: str | None) -> tuple[str, str, str, list[str]]:
    stream = stream if stream is not None else sys.stdin
    raw = getattr(stream, "buffer", stream).read()
    if isinstance(raw, bytes):
        return (STDIN_NAME, *decode_bytes(raw, STDIN_NAME, encoding))
    return STDIN_NAME, raw.removeprefix("\ufeff"), getattr(stream, "encoding", None) or "utf-8", []


def _raise_field_size_limit() -> None:
    limit = sys.maxsize
    while True:  # a C long may be 32-bit (Windows)
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2


def sniff_delimiter(text: str) -> str:
    """Guess the delimiter among , ; tab | from the header line and the first ~64 KiB."""
    first_line = text.split("\n", 1)[0]
    candidates = "".join(d for d in SNIFF_DELIMITERS if d in first_line)
    if len(candidates) <= 1:
        return candidates or ","
    sample = text[:SNIFF_BYTES]
    if len(text) > SNIFF_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]
    try:
        return csv.Sniffer().sniff(sample, delimiters=candidates).delimiter
    except csv.Error:
        return max(candidates, key=first_line.count)


def parse_table(text: str, name: str, *, delimiter: str | None = None, quoting: bool = True,
                encoding: str = "utf-8", default_delimiter: str | None = None) -> Table:
    """Parse decoded delimited text into a :class:`Table` (see :func:`read_table`)."""
    _raise_field_size_limit()
    delim = {"\\t": "\t", "tab": "\t"}.get(delimiter or "", delimiter) or default_delimiter or sniff_delimiter(text)
    if len(delim) != 1:
        raise UsageError(f"the delimiter must be one character (or 'tab'), got {delimiter!r}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim,
                        quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE)
    shown = "tab" if delim == "\t" else repr(delim)
    hint = f"check the quoting and the delimiter (used {shown}); try --no-quoting or --delimiter"
    table = Table(name, [], [], [], encoding, delim)
    header: list[str] | None = None
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                table.blank_rows += int(header is not None)  # blank lines before the header are not rows
                continue
            if header is None:
                header = _check_header(row, name, start)
                continue
            if len(row) != len(header):
                raise InputError(f"{name}, line {start}: {len(row)} cells but the header has"
                                 f" {len(header)} columns;", hint=hint)
            table.rows.append([cell.strip() for cell in row])
            table.row_numbers.append(start)
    except csv.Error as err:
        raise InputError(f"{name}, line {line}: cannot be parsed ({err});", hint=hint) from None
    if header is None:
        raise InputError(f"{name}: is empty (no header row); give a file with a header and one row per text")
    table.header = header
    return table


def _check_header(row: list[str], name: str, line: int) -> list[str]:
    header = [cell.strip().strip("\ufeff").strip() for cell in row]
    for i, cell in enumerate(header):
        if not cell:
            raise InputError(f"{name}, line {line}: header column {i + 1} has no name; give every"
                             " column a name (or check the delimiter with --delimiter)")
        if cell in header[:i]:
            raise InputError(f"{name}, line {line}: the header names column '{cell}' twice;"
                             " give each column a different name")
    return header


def read_table(path: str | os.PathLike, *, delimiter: str | None = None, encoding: str | None = None,
               quoting: bool = True) -> Table:
    """Read a .csv/.tsv file: .tsv is tab-separated, others are sniffed; see :class:`Table`."""
    name, text, enc, warnings = _load(path, encoding)
    tab = "\t" if Path(path).suffix.lower() == ".tsv" else None
    table = parse_table(text, name, delimiter=delimiter, quoting=quoting, encoding=enc, default_delimiter=tab)
    table.warnings[:0] = warnings
    return table


def pick_column(header: Sequence[str], wanted: str | None, name: str, *, candidates: Sequence[str] = TEXT_COLUMNS,
                option: str = "--text-column", missing: str = "no 'text' or 'sentence' column",
                advice: str = "pass one of them with") -> int:
    """Index of ``wanted`` (exact, then case-insensitive) or of the first of ``candidates`` present."""
    lowered = [h.lower() for h in header]
    listed = ", ".join(f"'{h}'" for h in header)
    if wanted is not None:
        if wanted in header:
            return list(header).index(wanted)
        if lowered.count(wanted.lower()) == 1:
            return lowered.index(wanted.lower())
        raise InputError(f"{name}: no column '{wanted}'; the columns are {listed}; pass one of them with {option}")
    for candidate in candidates:
        if candidate in lowered:
            return lowered.index(candidate)
    raise InputError(f"{name}: {missing}; the columns are {listed}; {advice} {option}")


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
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{name}, line {number}: not valid JSON ({err.msg}, column {err.colno});"
                             " each line must be one JSON object") from None
        if not isinstance(record, dict) or key not in record:
            fields = ", ".join(f"'{k}'" for k in record) if isinstance(record, dict) else "not a JSON object"
            raise InputError(f"{name}, line {number}: no field '{key}' (fields: {fields or 'none'});"
                             " pass the right one with --text-field")
        value = record[key]
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name}, line {number}: field '{key}' is a {type(value).__name__},"
                             " not a string; pass a text field with --text-field")
        _add(corpus, name, number, value)
    return corpus


READERS: dict[str, Reader] = {"txt": read_txt, "csv": _table_reader(None), "tsv": _table_reader("\t"),
                               "jsonl": read_jsonl}


def _format_of(path: str | os.PathLike, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    if os.fspath(path) == STDIN:
        return "txt"
    _check_file(path)
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise InputError(f"{os.fspath(path)}: unknown file type '{suffix or '(none)'}'; supported are "
                         f"{', '.join(EXTENSIONS)} (or pass the format explicitly with --format)")
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
        name, text, enc, warnings = _load_stdin(stdin, encoding) if is_stdin else _load(path, encoding)
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

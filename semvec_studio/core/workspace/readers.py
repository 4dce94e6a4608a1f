"""Files read as workspace rows (CSV, TSV, JSONL, TXT), a block at a time, cells exactly as read.

Each row comes with the line it starts on, its text (the text cell stripped at its ends, as
``semvec extract`` reads it) and its label cell.

One reader per format in :data:`READERS` (csv, tsv, jsonl, txt), with the rules of
:mod:`semvec_studio.core.io.texts`: the same decoding, delimiter sniffing, text column and line
numbers, and the same one-line errors. Unlike ``semvec extract``, cells are not stripped and a
table row whose text is empty stays a row (it has no vector); blank lines are not rows.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.io.tables import SNIFF_BYTES, pick_column, sniff_delimiter
from semvec_studio.core.io.texts import format_by_extension
from semvec_studio.core.workspace.blocks import BLOCK_ROWS

LABEL_COLUMNS = ("label", "labels", "class", "category", "target", "y")

# (lines, texts, cells, label cells or None): up to BLOCK_ROWS rows of one file
Chunk = tuple[list[int], list[str], list, "list[str] | None"]


@dataclass(frozen=True)
class ImportOptions:
    """How files become rows (the CLI's input options): the text column of a table, the text field
    of a JSONL file, the column (or field) holding labels, and how to decode and split the file."""

    text_column: str | None = None
    text_field: str | None = None
    label_column: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    quoting: bool = True
    fmt: str | None = None
    whole_file: bool = False


@dataclass
class Parsed:
    """A file being read: its header (a JSONL file's grows while it is read), which column holds
    the texts and the labels, and its rows in chunks."""

    header: list[str]
    text_column: str
    text_index: int | None
    label_column: str | None
    chunks: Iterator[Chunk] = iter(())
    records: bool = False
    delimiter: str | None = None
    quoting: bool | None = None
    skipped_blank: int = 0
    warnings: list[str] = field(default_factory=list)
    body: int | None = None  # a table's rows start at this character of the text, on line body_line
    body_line: int = 0
    label_index: int | None = None


Reader = Callable[[str, str, ImportOptions], Parsed]


def format_of(path: str | os.PathLike, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in READERS:
            raise UsageError(f"unknown format '{fmt}'; use one of {', '.join(READERS)}")
        return fmt
    return format_by_extension(path)


class TextLines:
    """The lines of ``text`` as ``io.StringIO(text, newline="")`` gives them (ends kept; ``\\n``,
    ``\\r\\n`` or a lone ``\\r`` ends one), made a piece at a time: a StringIO of a whole file holds a
    copy of up to four times its size, which takes longer to make than to parse. ``tell()``: the
    position after the last line given."""

    PIECE = 1 << 20

    def __init__(self, text: str) -> None:
        self.text = text
        self.start = 0
        self.buffer = io.StringIO("")

    def __iter__(self) -> Iterator[str]:
        text, size = self.text, len(self.text)
        while self.start < size:
            stop = text.find("\n", self.start + self.PIECE)  # a piece ends after a \n, so no line break is cut
            stop = size if stop < 0 else stop + 1
            self.buffer = io.StringIO(text[self.start:stop], newline="")
            yield from self.buffer
            self.start = stop

    def tell(self) -> int:
        return self.start + self.buffer.tell()


# --- tables -----------------------------------------------------------------------------------


def _parse_error(message: str, shown: str) -> InputError:
    advice = f"check the quoting and the delimiter (used {shown});"
    return InputError(message, hint=f"{advice} try --no-quoting or --delimiter",
                      gui=f"{message} {advice} try another delimiter, or turn off quoted fields", field="delimiter")


def _header(row: list[str], name: str, line: int) -> list[str]:
    names = [cell.strip().lstrip("\ufeff").strip() for cell in row]
    for i, cell in enumerate(names):
        if not cell:
            where = f"{name}, line {line}: header column {i + 1} has no name; give every column a name"
            raise InputError(f"{where} (or check the delimiter with --delimiter)", gui=f"{where} (or choose another delimiter)",
                             field="delimiter")
        if cell in names[:i]:
            raise InputError(f"{name}, line {line}: the header names column '{cell}' twice; give each column a different name")
    row[0] = row[0].lstrip("\ufeff")
    return names


def _label_index(names: list[str], wanted: str | None, name: str, text_index: int) -> int | None:
    if wanted is None:
        return None
    index = pick_column(names, wanted, name, candidates=LABEL_COLUMNS, option="--label-column",
                        missing="no label column", advice="pass one with")
    if index == text_index:
        raise UsageError(f"{name}: the text column and the label column are both '{names[index]}'; choose two different columns")
    return index


def _head(text: str) -> str:
    """As much of ``text`` as :func:`sniff_delimiter` reads (its first line and ``SNIFF_BYTES``),
    which it then reads as it would the whole text (without copying a big file)."""
    end = text.find("\n")
    return text if end < 0 else text[:max(end + 1, SNIFF_BYTES + 1)]


def _table_reader(default_delimiter: str | None) -> Reader:
    def read(name: str, text: str, opts: ImportOptions) -> Parsed:
        csv.field_size_limit(2**31 - 1)
        delim = {"\\t": "\t", "tab": "\t"}.get(opts.delimiter or "", opts.delimiter) or default_delimiter or sniff_delimiter(_head(text))
        if len(delim) != 1:
            raise UsageError(f"the delimiter must be one character (or 'tab'), got {opts.delimiter!r}", field="delimiter")
        shown = "tab" if delim == "\t" else repr(delim)
        buffer = TextLines(text)
        reader = csv.reader(buffer, delimiter=delim, quoting=csv.QUOTE_MINIMAL if opts.quoting else csv.QUOTE_NONE)
        line = 1
        try:
            for row in reader:
                start, line = line, reader.line_num + 1
                if any(cell.strip() for cell in row):
                    header, names = row, _header(row, name, start)
                    break
            else:
                raise InputError(f"{name}: is empty (no header row); give a file with a header and one row per text")
        except csv.Error as err:
            raise _parse_error(f"{name}, line {line}: cannot be parsed ({err});", shown) from None
        text_index = pick_column(names, opts.text_column, name)
        parsed = Parsed(header, header[text_index], text_index, None, delimiter=delim, quoting=opts.quoting,
                        body=buffer.tell(), body_line=line)
        label_index = parsed.label_index = _label_index(names, opts.label_column, name, text_index)
        parsed.label_column = None if label_index is None else header[label_index]
        parsed.chunks = _table_chunks(reader, line, parsed, label_index, name, shown)
        return parsed

    read.__doc__ = "One row per record, with the cells as read; the text from ``text_column`` or a 'text'/'sentence' column."
    return read


def _table_chunks(reader, line: int, parsed: Parsed, label_index: int | None, name: str, shown: str) -> Iterator[Chunk]:
    ncols, ti = len(parsed.header), parsed.text_index
    lines: list[int] = []
    rows: list[list[str]] = []
    try:
        for row in reader:  # the hot loop of a large import: keep it lean
            if len(row) != ncols:
                if any(cell.strip() for cell in row):
                    raise _parse_error(f"{name}, line {line}: {len(row)} cells but the header has {ncols} columns;", shown)
                parsed.skipped_blank += 1  # a blank line is not a row
            else:
                lines.append(line)
                rows.append(row)
                if len(rows) == BLOCK_ROWS:
                    yield _table_chunk(lines, rows, ti, label_index)
                    lines, rows = [], []
            line = reader.line_num + 1
    except csv.Error as err:
        raise _parse_error(f"{name}, line {line}: cannot be parsed ({err});", shown) from None
    if rows:
        yield _table_chunk(lines, rows, ti, label_index)


def _table_chunk(lines: list[int], rows: list[list[str]], ti: int, label_index: int | None) -> Chunk:
    labels = None if label_index is None else [row[label_index].strip() for row in rows]
    return lines, [row[ti].strip() for row in rows], rows, labels


# --- JSONL and plain text ---------------------------------------------------------------------


def _field_error(name: str, number: int, what: str, key: str) -> InputError:
    where = f"{name}, line {number}: {what};"
    return InputError(f"{where} pass the right one with --text-field", gui=f"{where} give every line a '{key}' field with its text",
                      field="text_field")


def read_jsonl(name: str, text: str, opts: ImportOptions) -> Parsed:
    """One row per JSON object (its line as read); the text in ``text_field`` (default 'text')."""
    key = opts.text_field or "text"
    parsed = Parsed([], key, None, opts.label_column, records=True)
    parsed.chunks = _jsonl_chunks(name, text, key, parsed)
    return parsed


def _jsonl_chunks(name: str, text: str, key: str, parsed: Parsed) -> Iterator[Chunk]:
    seen: dict[str, None] = {}
    chunk: Chunk = ([], [], [], None if parsed.label_column is None else [])
    for number, line in enumerate(TextLines(text), start=1):
        if not line.strip():
            parsed.skipped_blank += 1
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{name}, line {number}: not valid JSON ({err.msg}, column {err.colno}); each line must be one JSON object") from None
        if not isinstance(record, dict) or key not in record:
            fields = ", ".join(f"'{k}'" for k in record) if isinstance(record, dict) else "not a JSON object"
            raise _field_error(name, number, f"no field '{key}' (fields: {fields or 'none'})", key)
        value = record[key]
        if value is not None and not isinstance(value, str):
            raise _field_error(name, number, f"field '{key}' is a {type(value).__name__}, not a string", key)
        if len(seen) < len(record):
            seen.update(dict.fromkeys(record))
            parsed.header[:] = list(seen)
        chunk[0].append(number)
        chunk[1].append((value or "").strip())
        chunk[2].append(line.rstrip("\r\n"))
        if chunk[3] is not None:
            label = record.get(parsed.label_column)
            chunk[3].append("" if label is None else (label if isinstance(label, str) else json.dumps(label)).strip())
        if len(chunk[0]) == BLOCK_ROWS:
            yield chunk
            chunk = ([], [], [], None if parsed.label_column is None else [])
    if chunk[0]:
        yield chunk


def read_txt(name: str, text: str, opts: ImportOptions) -> Parsed:
    """One row per non-blank line (the line without its line break), or the whole file as one row."""
    if opts.label_column is not None:
        raise UsageError(f"{name}: a .txt file has no columns, so no label column; leave out --label-column")
    parsed = Parsed(["text"], "text", 0, None)
    parsed.chunks = _txt_chunks(name, text, opts.whole_file, parsed)
    return parsed


def _txt_chunks(name: str, text: str, whole_file: bool, parsed: Parsed) -> Iterator[Chunk]:
    chunk: Chunk = ([], [], [], None)
    for number, line in enumerate([text] if whole_file else TextLines(text), start=1):
        stripped = line.strip()
        if not stripped:
            parsed.skipped_blank += 1
            continue
        chunk[0].append(number)
        chunk[1].append(stripped)
        chunk[2].append([line if whole_file else line.rstrip("\r\n")])
        if len(chunk[0]) == BLOCK_ROWS:
            yield chunk
            chunk = ([], [], [], None)
    if chunk[0]:
        yield chunk


READERS: dict[str, Reader] = {"csv": _table_reader(None), "tsv": _table_reader("\t"), "jsonl": read_jsonl, "txt": read_txt}

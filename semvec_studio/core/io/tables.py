"""Delimited tables (.csv/.tsv): the :class:`Table`, delimiter sniffing, parsing, and picking a column.

A table's header and cells are stripped; every row keeps the line it starts on, so an error can
name it. The delimiter is sniffed among , ; tab | unless given (a .tsv file is tab-separated).
Errors say what to do with the command line's flags (``str(err)``) and with the app's controls
(``err.for_gui()``).
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.io.decoding import decode_file

TEXT_COLUMNS = ("text", "sentence")
SNIFF_DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024


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


def _parse_error(message: str, shown: str) -> InputError:
    """A row that cannot be parsed: the quoting or the delimiter is probably wrong."""
    advice = f"check the quoting and the delimiter (used {shown});"
    return InputError(message, hint=f"{advice} try --no-quoting or --delimiter",
                      gui=f"{message} {advice} try another delimiter, or turn off quoted fields", field="delimiter")


def table_delimiter(delimiter: str | None, default_delimiter: str | None, sample: str) -> str:
    """The delimiter to use: the given one ('tab' and '\\t' mean a tab), a .tsv file's tab, or one
    sniffed from ``sample`` (the start of the decoded file)."""
    delim = {"\\t": "\t", "tab": "\t"}.get(delimiter or "", delimiter) or default_delimiter or sniff_delimiter(sample)
    if len(delim) != 1:
        raise UsageError(f"the delimiter must be one character (or 'tab'), got {delimiter!r}", field="delimiter")
    return delim


def table_records(lines, name: str, delim: str, *, quoting: bool = True):
    """Parse delimited ``lines`` (an iterable of text read with ``newline=""``) one row at a time:
    yields ``(line, header)`` once, then ``(line, cells)`` per row (stripped), or ``(line, None)``
    for a blank row after the header; each row keeps the line it starts on."""
    _raise_field_size_limit()
    reader = csv.reader(lines, delimiter=delim, quoting=csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE)
    shown = "tab" if delim == "\t" else repr(delim)
    header: list[str] | None = None
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                if header is not None:  # blank lines before the header are not rows
                    yield start, None
                continue
            if header is None:
                header = _check_header(row, name, start)
                yield start, header
                continue
            if len(row) != len(header):
                raise _parse_error(f"{name}, line {start}: {len(row)} cells but the header has"
                                   f" {len(header)} columns;", shown)
            yield start, [cell.strip() for cell in row]
    except csv.Error as err:
        raise _parse_error(f"{name}, line {line}: cannot be parsed ({err});", shown) from None
    if header is None:
        raise InputError(f"{name}: is empty (no header row); give a file with a header and one row per text")


def parse_table(text: str, name: str, *, delimiter: str | None = None, quoting: bool = True,
                encoding: str = "utf-8", default_delimiter: str | None = None) -> Table:
    """Parse decoded delimited text into a :class:`Table` (see :func:`read_table`)."""
    delim = table_delimiter(delimiter, default_delimiter, text)
    table = Table(name, [], [], [], encoding, delim)
    records = table_records(io.StringIO(text, newline=""), name, delim, quoting=quoting)
    for _, header in records:
        table.header = header
        break
    for number, cells in records:
        if cells is None:
            table.blank_rows += 1
        else:
            table.rows.append(cells)
            table.row_numbers.append(number)
    return table


def _check_header(row: list[str], name: str, line: int) -> list[str]:
    header = [cell.strip().strip("\ufeff").strip() for cell in row]
    for i, cell in enumerate(header):
        if not cell:
            where = f"{name}, line {line}: header column {i + 1} has no name; give every column a name"
            raise InputError(f"{where} (or check the delimiter with --delimiter)",
                             gui=f"{where} (or choose another delimiter)", field="delimiter")
        if cell in header[:i]:
            raise InputError(f"{name}, line {line}: the header names column '{cell}' twice;"
                             " give each column a different name")
    return header


def read_table(path: str | os.PathLike, *, delimiter: str | None = None, encoding: str | None = None,
               quoting: bool = True) -> Table:
    """Read a .csv/.tsv file: .tsv is tab-separated, others are sniffed; see :class:`Table`."""
    name, text, enc, warnings = decode_file(path, encoding)
    tab = "\t" if Path(path).suffix.lower() == ".tsv" else None
    table = parse_table(text, name, delimiter=delimiter, quoting=quoting, encoding=enc, default_delimiter=tab)
    table.warnings[:0] = warnings
    return table


def pick_column(header: Sequence[str], wanted: str | None, name: str, *, candidates: Sequence[str] = TEXT_COLUMNS,
                option: str = "--text-column", missing: str = "no 'text' or 'sentence' column",
                advice: str = "pass one of them with") -> int:
    """Index of ``wanted`` (exact, then case-insensitive) or of the first of ``candidates`` present.

    ``option`` is the command line's flag for the column (``str(err)`` names it); the app's wording
    names no flag, and the error's ``field`` is the option's name (``text_column``).
    """
    lowered = [h.lower() for h in header]
    listed = ", ".join(f"'{h}'" for h in header)
    field_name = option.removeprefix("--").replace("-", "_")
    if wanted is not None:
        if wanted in header:
            return list(header).index(wanted)
        if lowered.count(wanted.lower()) == 1:
            return lowered.index(wanted.lower())
        what = f"{name}: no column '{wanted}'; the columns are {listed};"
        raise InputError(f"{what} pass one of them with {option}", gui=f"{what} choose one of them", field=field_name)
    for candidate in candidates:
        if candidate in lowered:
            return lowered.index(candidate)
    what = f"{name}: {missing}; the columns are {listed};"
    raise InputError(f"{what} {advice} {option}", gui=f"{what} choose one of them", field=field_name)

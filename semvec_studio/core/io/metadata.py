"""metadata.tsv: the metadata columns of each level, and writing, reading and escaping the file.

The file has a header row, one line per vector, tab-separated; text cells have ``\\``, tab, CR
and LF escaped (``\\\\``, ``\\t``, ``\\r``, ``\\n``) so that every row is one line. A set without
metadata columns is an empty file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from semvec_studio.core.errors import InputError

# Metadata columns per level, in file order. ``int`` columns hold int64 arrays, ``str`` lists.
COLUMNS: dict[str, dict[str, type]] = {
    "token": {"text_id": int, "position": int, "token": str, "token_id": int, "word_index": int, "start": int, "end": int},
    "word": {"text_id": int, "position": int, "word": str, "start": int, "end": int, "pieces": str},
    "sentence": {"text_id": int, "text": str},
}

_UNESCAPED = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|nan|inf|infinity)", re.IGNORECASE)


def escape_cell(value: str) -> str:
    """Make a string safe for one TSV cell: backslash, tab, CR and LF become escapes."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def unescape_cell(value: str) -> str:
    """Undo :func:`escape_cell`; an unknown escape is kept as written."""
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append(_UNESCAPED.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def write_metadata_tsv(fh, metadata: dict[str, Sequence], start: int = 0, stop: int | None = None, header: bool = True) -> None:
    """Write rows ``start:stop`` of ``metadata`` to an open text file as TSV."""
    names = list(metadata)
    if header and names:  # no columns: an empty file, not a blank header line
        fh.write("\t".join(names) + "\n")
    n = len(next(iter(metadata.values()))) if metadata else 0
    stop = n if stop is None else stop
    cols = []
    for name in names:
        col = metadata[name]
        if isinstance(col, np.ndarray) and col.dtype.kind in "iu":
            cols.append([str(v) for v in col[start:stop].tolist()])
        else:
            cols.append(_escape_column([str(v) for v in col[start:stop]]))
    if cols and cols[0]:
        fh.write("\n".join(map("\t".join, zip(*cols))))
        fh.write("\n")


def _escape_column(cells: list[str]) -> list[str]:
    """:func:`escape_cell` of each cell; the cells as they are when none holds a character to escape
    (one scan of the joined column instead of four replaces per cell)."""
    joined = "".join(cells)
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        return [escape_cell(c) for c in cells]
    return cells


def read_metadata_tsv(path: Path, level: str | None) -> dict[str, Sequence]:
    """Read a metadata.tsv: the level's int columns as int64; other columns not in
    :data:`COLUMNS` as int64 or float64 when every cell is a number, else as strings."""
    types = COLUMNS.get(level, {})
    with open(path, encoding="utf-8", newline="\n") as fh:
        first = fh.readline().rstrip("\n")
        if not first:  # a set without metadata columns (older versions wrote one blank line)
            if any(line.strip("\n") for line in fh):
                raise InputError(f"{path}, line 1: no header row; the file is damaged.")
            return {}
        header = first.split("\t")
        cols: list[list] = [[] for _ in header]
        for lineno, line in enumerate(fh, start=2):
            cells = line.rstrip("\n").split("\t")
            if len(cells) != len(header):
                raise InputError(f"{path}, line {lineno}: {len(cells)} cells, the header has {len(header)}; the file is damaged.")
            for col, cell in zip(cols, cells):
                col.append(cell)
    out: dict[str, Sequence] = {}
    for name, col in zip(header, cols):
        kind = types.get(name)
        if kind is int:
            try:
                out[name] = np.asarray([int(v) for v in col], dtype=np.int64)
            except (ValueError, OverflowError):
                raise InputError(f"{path}: column '{name}' should hold whole numbers; the file is damaged.") from None
        elif kind is None and col:
            out[name] = _numeric(col)
        else:
            out[name] = [unescape_cell(v) for v in col]
    return out


def _numeric(cells: list[str]) -> Sequence:
    """A column not in :data:`COLUMNS`: int64 if every cell is an integer, float64 if every cell
    is a number (as written by ``str()`` of ints and floats), else the unescaped strings."""
    if all(_INT.fullmatch(c) for c in cells):
        try:
            return np.asarray([int(c) for c in cells], dtype=np.int64)
        except OverflowError:
            pass
    if all(_FLOAT.fullmatch(c) for c in cells):
        return np.asarray([float(c) for c in cells], dtype=np.float64)
    return [unescape_cell(c) for c in cells]

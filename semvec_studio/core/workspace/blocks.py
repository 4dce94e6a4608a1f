"""How a workspace's rows are packed: blocks of consecutive rows, one SQLite row per block.

A block holds up to :data:`BLOCK_ROWS` rows of one source file (table ``row_blocks``).

Rows never change once added, and a million of them must go in as fast as they are parsed, so
they are stored a block at a time (one insert per block, not per row) and read a block at a time
(a page of a table view touches one or two blocks). What changes (labels) lives in per-row tables.

A block holds, for each of its rows: the line of the source file it starts on (int64 array), the
text used for vectors (the text cell stripped at its ends) and the original cells exactly as read.
Texts and cells are joined with the ASCII record and unit separators (fast to write and to split);
a block whose values contain a separator is stored as JSON instead (a flag says which). A table
row's text cell is stored as "" when it equals its stripped text (most do) and restored on reading.
A JSONL row's cells are its original JSON line.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

BLOCK_ROWS = 1024
RS, US = "\x1e", "\x1f"  # record separator (between rows), unit separator (between cells)
TEXTS_JSON, CELLS_JSON, RECORDS = 1, 2, 4  # flag bits of row_blocks.packing

# A block ready to store: its values for row_blocks (count, lines, texts, cells, packing) and its
# labels, the label names it uses and each row's index into them ("" is no label), or None.
Labels = tuple[list[str], np.ndarray]
PackedBlock = tuple[tuple, "Labels | None"]

INSERT_BLOCK = "INSERT INTO row_blocks(first_row, source, count, lines, texts, cells, packing) VALUES (?,?,?,?,?,?,?)"
_COLUMNS = "first_row, source, count, lines, texts, packing"


def _join_texts(texts: Sequence[str]) -> tuple[str, int]:
    joined = RS.join(texts)
    if joined.count(RS) == len(texts) - 1:
        return joined, 0
    return json.dumps(list(texts), ensure_ascii=False), TEXTS_JSON


def table_values(lines: Sequence[int], texts: Sequence[str], rows: list[list[str]], text_index: int) -> tuple:
    """(count, lines, texts, cells, packing) of a block of table rows (lists of cells). ``rows`` is
    changed: each text cell equal to its text is replaced by ""."""
    for row, text in zip(rows, texts):
        if row[text_index] == text:
            row[text_index] = ""
    text_payload, flags = _join_texts(texts)
    cells = RS.join([US.join(row) for row in rows])
    if cells.count(RS) != len(rows) - 1 or cells.count(US) != len(rows) * (len(rows[0]) - 1):  # every row has the header's length
        cells, flags = json.dumps(rows, ensure_ascii=False), flags | CELLS_JSON
    return len(texts), np.asarray(lines, dtype="<i8").tobytes(), text_payload, cells, flags


def record_values(lines: Sequence[int], texts: Sequence[str], records: Sequence[str]) -> tuple:
    """(count, lines, texts, cells, packing) of a block of JSONL rows (each its JSON line as read)."""
    text_payload, flags = _join_texts(texts)
    cells = RS.join(records)
    if cells.count(RS) != len(records) - 1:
        cells, flags = json.dumps(list(records), ensure_ascii=False), flags | CELLS_JSON
    return len(texts), np.asarray(lines, dtype="<i8").tobytes(), text_payload, cells, flags | RECORDS


def pack_table_block(first_row: int, source: int, lines: Sequence[int], texts: Sequence[str],
                     rows: list[list[str]], text_index: int) -> tuple:
    """The values of one ``row_blocks`` insert for rows of a table (see :func:`table_values`)."""
    return first_row, source, *table_values(lines, texts, rows, text_index)


def pack_record_block(first_row: int, source: int, lines: Sequence[int], texts: Sequence[str],
                      records: Sequence[str]) -> tuple:
    """The values of one ``row_blocks`` insert for JSONL rows (each its JSON line as read)."""
    return first_row, source, *record_values(lines, texts, records)


def unpack_texts(payload: str, flags: int, count: int) -> list[str]:
    texts = json.loads(payload) if flags & TEXTS_JSON else payload.split(RS)
    if len(texts) != count:
        raise ValueError(f"a block of {count} rows holds {len(texts)} texts")
    return texts


def unpack_cells(payload: str, flags: int, texts: Sequence[str], text_index: int | None) -> list:
    """Each row's original cells: a list of strings (a table row) or a dict (a JSONL record)."""
    if flags & RECORDS:
        lines = json.loads(payload) if flags & CELLS_JSON else payload.split(RS)
        return [json.loads(line) for line in lines]
    rows = json.loads(payload) if flags & CELLS_JSON else [row.split(US) for row in payload.split(RS)]
    if text_index is not None:
        for row, text in zip(rows, texts):
            if row[text_index] == "":
                row[text_index] = text
    return rows


@dataclass
class Block:
    """Rows ``first_row`` .. ``first_row + count - 1`` of one source, decoded (cells on demand)."""

    first_row: int
    source: int
    count: int
    lines: np.ndarray
    texts: list[str]
    flags: int

    @property
    def stop(self) -> int:
        return self.first_row + self.count


def _block(record) -> Block:
    first_row, source, count, lines, texts, flags = record
    return Block(first_row, source, count, np.frombuffer(lines, dtype="<i8"), unpack_texts(texts, flags, count), flags)


def blocks_in(conn: sqlite3.Connection, start: int = 0, stop: int | None = None) -> Iterator[Block]:
    """The blocks holding rows ``start`` .. ``stop - 1`` (every block from ``start`` when ``stop`` is None)."""
    first = conn.execute("SELECT max(first_row) FROM row_blocks WHERE first_row <= ?", (start,)).fetchone()[0] or 0
    query = f"SELECT {_COLUMNS} FROM row_blocks WHERE first_row >= ?"
    args: tuple = (first,)
    if stop is not None:
        query += " AND first_row < ?"
        args += (stop,)
    for record in conn.execute(query + " ORDER BY first_row", args):
        yield _block(record)


def block_cells(conn: sqlite3.Connection, block: Block, text_index: int | None) -> list:
    """The original cells of every row of ``block`` (see :func:`unpack_cells`)."""
    (payload,) = conn.execute("SELECT cells FROM row_blocks WHERE first_row = ?", (block.first_row,)).fetchone()
    return unpack_cells(payload, block.flags, block.texts, text_index)

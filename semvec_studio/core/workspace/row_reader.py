"""Reading an open workspace's rows: its sources, where each block of rows starts, the blocks read last.

A :class:`RowReader` is what a :class:`~semvec_studio.core.workspace.store.Workspace` knows of its
rows: the sources and the block index, read again by :meth:`RowReader.load` and extended by
:meth:`RowReader.grow` while an import goes on, and a few decoded blocks (rows are read a page, so a
block or two, at a time). Each read is given the connection to read through; nothing is written.
(The files rows are imported from are read by :mod:`~semvec_studio.core.workspace.readers`.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import numpy as np

from semvec_studio.core.io.texts import Corpus
from semvec_studio.core.workspace.blocks import Block, block_cells, blocks_in
from semvec_studio.core.workspace.errors import RowError
from semvec_studio.core.workspace.records import Row, Source, source_from_record
from semvec_studio.core.workspace.row_labels import labels_of

BLOCK_CACHE = 16  # decoded blocks kept


def sources_query(conn: sqlite3.Connection) -> str:
    """The sources in order, with how far each import got (every file of version 1 is complete)."""
    staged = any(name == "complete" for _, name, *_ in conn.execute("PRAGMA table_info(sources)"))
    return ("SELECT id, name, path, format, encoding, delimiter, quoting, header, text_column, text_index, label_column,"
            " first_row, row_count, skipped_blank, size, sha256, added, warnings, "
            + ("complete, import_note" if staged else "1, NULL") + " FROM sources ORDER BY first_row")


class RowReader:
    """The sources, the first row of each block and the row count of a workspace, as last read."""

    def __init__(self) -> None:
        self.sources: list[Source] = []
        self.starts = np.zeros(0, np.int64)  # first row of each block, in order
        self.row_count = 0
        self._blocks: dict[int, tuple[Block, list]] = {}  # by first row, oldest first

    def load(self, conn: sqlite3.Connection) -> None:
        """Read the sources and the block index again, forgetting the blocks read."""
        self.sources = [source_from_record(r) for r in conn.execute(sources_query(conn)).fetchall()]
        self.starts = np.asarray([s for (s,) in conn.execute("SELECT first_row FROM row_blocks ORDER BY first_row")], np.int64)
        self.row_count = sum(s.row_count for s in self.sources)
        self._blocks.clear()

    def grow(self, conn: sqlite3.Connection) -> int:
        """Take in the sources and blocks committed since the last look; returns how many rows came."""
        before = self.row_count
        self.sources = [source_from_record(r) for r in conn.execute(sources_query(conn)).fetchall()]
        last = int(self.starts[-1]) if len(self.starts) else -1
        more = [s for (s,) in conn.execute("SELECT first_row FROM row_blocks WHERE first_row > ? ORDER BY first_row", (last,))]
        if more:
            self.starts = np.concatenate([self.starts, np.asarray(more, np.int64)])
        self.row_count = sum(s.row_count for s in self.sources)
        self._blocks.clear()  # a block of the first rows may have been written again (see staged.py)
        return self.row_count - before

    def check(self, rows: np.ndarray) -> None:
        """Raise :class:`RowError` naming the first of ``rows`` that is not a row."""
        if len(rows) and (rows.min() < 0 or rows.max() >= self.row_count):
            bad = int(rows[(rows < 0) | (rows >= self.row_count)][0])
            has = f"rows 0 to {self.row_count - 1}" if self.row_count else "no rows"
            raise RowError(f"row {bad}: no such row; this workspace has {has}")

    def source_of(self, row: int) -> Source:
        self.check(np.asarray([row]))
        return next(s for s in self.sources if s.first_row <= row < s.stop)

    def columns(self) -> list[str]:
        """The original columns of every source, in order of first appearance."""
        out: dict[str, None] = {}
        for source in self.sources:
            out.update(dict.fromkeys(source.header))
        return list(out)

    def _block(self, conn: sqlite3.Connection, first_row: int) -> tuple[Block, list]:
        if first_row not in self._blocks:
            (block,) = blocks_in(conn, first_row, first_row + 1)
            source = next(s for s in self.sources if s.id == block.source)
            if len(self._blocks) >= BLOCK_CACHE:
                self._blocks.pop(next(iter(self._blocks)))
            self._blocks[first_row] = (block, block_cells(conn, block, source.text_index))
        return self._blocks[first_row]

    def read(self, conn: sqlite3.Connection, rows: np.ndarray) -> list[Row]:
        """The rows numbered ``rows`` (checked, not empty), in that order, with their labels."""
        labels = labels_of(conn, rows)
        sources = {s.id: s for s in self.sources}
        firsts = self.starts[np.searchsorted(self.starts, rows, side="right") - 1]
        out = []
        for row, first in zip(rows.tolist(), firsts.tolist()):
            block, cells = self._block(conn, first)
            i = row - first
            label, label_source, label_time = labels.get(row, (None, None, None))
            out.append(Row(row, sources[block.source], int(block.lines[i]), block.texts[i], cells[i], label, label_source, label_time))
        return out

    def iter_texts(self, conn: sqlite3.Connection, start: int, stop: int | None) -> Iterator[tuple[int, list[str]]]:
        """``(first row, texts)`` a block at a time over rows ``start`` .. ``stop - 1`` (None: to the end)."""
        stop = self.row_count if stop is None else min(stop, self.row_count)
        for block in blocks_in(conn, start, stop):
            lo, hi = max(start, block.first_row), min(stop, block.stop)
            if lo < hi:
                yield lo, block.texts[lo - block.first_row:hi - block.first_row]

    def corpus(self, conn: sqlite3.Connection) -> Corpus:
        """The rows' non-empty texts as ``semvec extract`` reads their files: same texts, same origins."""
        corpus = Corpus(skipped_blank=sum(s.skipped_blank for s in self.sources))
        for source in self.sources:
            corpus.encodings[source.name] = source.encoding
            corpus.warnings += source.warnings
        for block in blocks_in(conn):
            name = next(s.name for s in self.sources if s.id == block.source)
            for line, text in zip(block.lines.tolist(), block.texts):
                if text:
                    corpus.texts.append(text)
                    corpus.origins.append((name, line))
                else:
                    corpus.skipped_blank += 1
        return corpus

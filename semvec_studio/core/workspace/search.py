"""Search a workspace's texts by words (full-text index, SQLite FTS5), by a regular expression, or a piece of text.

The word index (table ``rows_fts``, contentless: it holds no second copy of the texts) is built
as a separate job, :func:`build_index`, after rows are added: rows can be browsed and labelled
while it runs. It covers rows ``0 .. meta.fts_rows - 1``; the job indexes the rest, committing
as it goes, so a cancelled or interrupted build keeps what it did and the next one goes on.

Word queries: plain words (all must occur), "a phrase" in double quotes, and a prefix ``bank*``;
letters match without regard to case or accents. Regular expressions and plain pieces of text
ignore case, as the map's search does.
"""

from __future__ import annotations

import re
import sqlite3

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.wording import count
from semvec_studio.core.workspace.edits import transaction
from semvec_studio.core.workspace.store import Workspace

INDEX_CHUNK_ROWS = 65536
INDEX_CACHE_KB = 65536
SCAN_REPORT_ROWS = 65536
_TOKENS = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w")


class IndexPendingError(UsageError):
    """The word index does not cover every row yet."""


def indexed_rows(ws: Workspace, conn: sqlite3.Connection | None = None) -> int:
    found = (conn or ws.conn).execute("SELECT value FROM meta WHERE key = 'fts_rows'").fetchone()
    return int(found[0]) if found else 0


def index_pending(ws: Workspace) -> int:
    """How many rows the word index does not cover yet."""
    return ws.row_count - indexed_rows(ws)


def build_index(ws: Workspace, ctx: TaskContext | None = None) -> int:
    """Index the words of the rows the index does not cover yet; returns how many were indexed.
    Uses its own connection, so it may run in a worker thread."""
    ctx = ctx or NullContext()
    ws.writable()
    conn = ws.connect()
    # a large cache halves FTS5's time; a crash loses at most the chunk being indexed (it is redone)
    conn.execute(f"PRAGMA cache_size = -{INDEX_CACHE_KB}")
    conn.execute("PRAGMA synchronous = NORMAL")
    try:
        start = indexed_rows(ws, conn)
        total = ws.row_count
        ctx.report(start, total, "indexing words", unit="row")
        for lo in range(start, total, INDEX_CHUNK_ROWS):
            ctx.check_cancelled()
            hi = min(total, lo + INDEX_CHUNK_ROWS)
            with transaction(conn):
                for first, texts in ws.iter_texts(lo, hi, conn=conn):
                    conn.executemany("INSERT INTO rows_fts(rowid, text) VALUES (?, ?)",
                                     [(first + i, t) for i, t in enumerate(texts) if t])
                conn.execute("UPDATE meta SET value = ? WHERE key = 'fts_rows'", (str(hi),))
            ctx.report(hi, total, "indexing words", unit="row")
        return total - start
    except sqlite3.DatabaseError as err:
        raise ws.translate(err) from err
    finally:
        conn.close()


def fts_query(query: str) -> str:
    """The FTS5 expression of a user's query (words, "phrases", prefix*), every part quoted so
    that no character of the query is read as FTS5 syntax."""
    parts = []
    for match in _TOKENS.finditer(query):
        phrase, word = match.groups()
        prefix = word is not None and word.endswith("*")
        text = (phrase if phrase is not None else word.rstrip("*")).strip()
        if _WORD.search(text):
            parts.append('"' + text.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " AND ".join(parts)


def search_words(ws: Workspace, query: str, *, limit: int | None = None, order: str = "rank",
                 conn: sqlite3.Connection | None = None) -> np.ndarray:
    """Rows whose text has every word of ``query`` (see the module doc), best match first
    (``order="rank"``, BM25) or in row order (``order="row"``)."""
    expression = fts_query(query)
    if not expression:
        raise UsageError(f"search {query!r}: give at least one word (letters or digits)")
    pending = ws.row_count - indexed_rows(ws, conn)
    if pending:
        raise IndexPendingError(
            f"{ws.path}: the word index does not cover {count(pending, 'row')} yet; build it first"
            " (semvec search --words builds it, when the workspace is not open elsewhere)",
            gui=f"{ws.path}: the word index is still being built ({count(pending, 'row')} to go); search again when it is done.")
    sql = "SELECT rowid FROM rows_fts WHERE rows_fts MATCH ? ORDER BY " + ("rank" if order == "rank" else "rowid")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    try:
        found = (conn or ws.conn).execute(sql, (expression,)).fetchall()
    except sqlite3.DatabaseError as err:
        raise ws.translate(err) from err
    return np.fromiter((r for (r,) in found), dtype=np.int64, count=len(found))


def compile_regex(pattern: str) -> re.Pattern:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as err:
        raise UsageError(f"search: not a valid regular expression ({err}).", field="regex") from None


def _scan(ws: Workspace, test, ctx: TaskContext | None, conn: sqlite3.Connection | None, limit: int | None) -> np.ndarray:
    ctx = ctx or NullContext()
    hits: list[int] = []
    reported = 0
    for first, texts in ws.iter_texts(conn=conn):
        hits += [first + i for i, t in enumerate(texts) if test(t)]
        if limit is not None and len(hits) >= limit:
            return np.asarray(hits[:limit], dtype=np.int64)
        if first + len(texts) - reported >= SCAN_REPORT_ROWS:
            ctx.check_cancelled()
            reported = first + len(texts)
            ctx.report(reported, ws.row_count, "searching", unit="row")
    return np.asarray(hits, dtype=np.int64)


def search_regex(ws: Workspace, pattern: str, *, limit: int | None = None, ctx: TaskContext | None = None,
                 conn: sqlite3.Connection | None = None) -> np.ndarray:
    """Rows whose text matches the regular expression ``pattern`` (ignoring case), in row order."""
    regex = compile_regex(pattern)
    return _scan(ws, lambda t: regex.search(t) is not None, ctx, conn, limit)


def search_text(ws: Workspace, piece: str, *, limit: int | None = None, ctx: TaskContext | None = None,
                conn: sqlite3.Connection | None = None) -> np.ndarray:
    """Rows whose text holds ``piece`` (ignoring case), in row order."""
    folded = piece.casefold()
    return _scan(ws, lambda t: folded in t.casefold(), ctx, conn, limit)

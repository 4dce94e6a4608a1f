"""The rows' labels as read: a page's labels, every row's label as arrays, rows per label.

Functions over a connection; they write nothing. The label edits are in
:mod:`~semvec_studio.core.workspace.labelling`; the
:class:`~semvec_studio.core.workspace.store.Workspace` keeps the arrays of :func:`extended` up to
date through its edits.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from semvec_studio.core.workspace import edits
from semvec_studio.core.workspace.schema import LABEL_SOURCES

# each row's label id (-1: none) and label source (index into LABEL_SOURCES; -1: none)
LabelArrays = tuple[np.ndarray, np.ndarray]


def labels_of(conn: sqlite3.Connection, rows: np.ndarray) -> dict[int, tuple]:
    """``{row: (label name, label source, time)}`` for the labelled ones of ``rows`` (not empty)."""
    query = "SELECT r.row, l.name, r.source, r.time FROM row_labels r JOIN labels l ON l.id = r.label WHERE r.row "
    lo, hi = int(rows.min()), int(rows.max())
    if hi - lo <= 4 * len(rows) + 1024:  # rows close together: one range
        found = conn.execute(query + "BETWEEN ? AND ?", (lo, hi)).fetchall()
    else:  # scattered rows: ask for each, a few hundred at a time
        wanted = np.unique(rows).tolist()
        found = []
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            found += conn.execute(query + f"IN ({','.join('?' * len(part))})", part).fetchall()
    return {r: (name, source, when) for r, name, source, when in found}


def counts_by_id(conn: sqlite3.Connection) -> dict[int, int]:
    """Rows per label id, counted by SQLite (labels without rows left out)."""
    return dict(conn.execute("SELECT label, count(*) FROM row_labels GROUP BY label").fetchall())


def counted(ids: np.ndarray) -> dict[int, int]:
    """Rows per label id, counted in a label id array (-1: none; labels without rows left out)."""
    found, counts = np.unique(ids[ids >= 0], return_counts=True)
    return dict(zip(found.tolist(), counts.tolist()))


def label_counts(conn: sqlite3.Connection, row_count: int) -> dict[str | None, int]:
    """Rows per label name in label order, then None: the unlabelled ones of ``row_count`` rows."""
    counts = counts_by_id(conn)
    out: dict[str | None, int] = {lb.name: counts.get(lb.id, 0) for lb in edits.labels(conn)}
    out[None] = row_count - sum(counts.values())
    return out


def extended(arrays: LabelArrays | None, conn: sqlite3.Connection, row_count: int) -> LabelArrays:
    """New arrays for ``row_count`` rows: ``arrays`` (those of the first rows; None: none yet), then
    the labels of the rows after them, read from the file."""
    known = 0 if arrays is None else len(arrays[0])
    ids = np.full(row_count, -1, np.int64)
    sources = np.full(row_count, -1, np.int8)
    if arrays is not None:
        ids[:known], sources[:known] = arrays
    rows, labels, codes = labelled_rows(conn, known, row_count)
    ids[rows], sources[rows] = labels, codes
    return ids, sources


def labelled_rows(conn: sqlite3.Connection, start: int, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, label ids, source codes) of the labelled rows in [start, stop): three lists of
    numbers joined by SQLite and parsed by numpy (a Python tuple a row took 1.5 s at 1,000,000)."""
    code = " ".join(f"WHEN '{name}' THEN {i}" for i, name in enumerate(LABEL_SOURCES))
    found = conn.execute(f"SELECT group_concat(row), group_concat(label), group_concat(CASE source {code} END)"
                         " FROM row_labels WHERE row >= ? AND row < ?", (start, stop)).fetchone()
    if found[0] is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8)
    return tuple(np.fromstring(text, dtype=dtype, sep=",") for text, dtype in zip(found, (np.int64, np.int64, np.int8)))

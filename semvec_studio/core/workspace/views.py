"""Views of a workspace's rows for a table: a filter and a sort order, read a page at a time.

A :class:`RowView` is what a Qt table model holds: ``len(view)`` rows, ``view.page(a, b)`` the rows
at positions ``a .. b - 1``, ``view.row_at(i)`` and ``view.position(row)`` to map between positions
and row numbers. With no filter and row order it holds nothing (position = row number); otherwise
it holds the row numbers in order, one int64 array, computed once: filters on labels, their
sources, files and selections are NumPy masks over :meth:`Workspace.label_array`; word searches
use the full-text index; a regular expression reads the texts. Sorts are a registry
(:data:`SORTS`). After an edit that a filter depends on, make a new view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.workspace.schema import LABEL_SOURCES
from semvec_studio.core.workspace.search import search_regex, search_text, search_words
from semvec_studio.core.workspace.store import Row, Workspace


@dataclass(frozen=True)
class RowFilter:
    """Which rows to show. Label conditions are alternatives (any of ``labels``, or unlabelled
    when ``unlabelled``); every other given condition must hold too."""

    labels: tuple[str, ...] = ()
    unlabelled: bool = False
    label_sources: tuple[str, ...] = ()
    sources: tuple[int, ...] = ()
    selection: str | None = None
    words: str | None = None
    regex: str | None = None
    contains: str | None = None

    def is_empty(self) -> bool:
        return self == RowFilter()


def _label_mask(ws: Workspace, f: RowFilter) -> np.ndarray:
    ids, _ = ws.label_array()
    mask = np.isin(ids, [ws.label(name).id for name in f.labels])
    if f.unlabelled:
        mask |= ids < 0
    return mask


def _mask(ws: Workspace, f: RowFilter, ctx: TaskContext) -> np.ndarray | None:
    """The rows ``f`` keeps, as a boolean mask (None: every row)."""
    parts: list[np.ndarray] = []

    def rows_mask(rows: np.ndarray) -> np.ndarray:
        mask = np.zeros(ws.row_count, dtype=bool)
        mask[rows] = True
        return mask

    if f.labels or f.unlabelled:
        parts.append(_label_mask(ws, f))
    if f.label_sources:
        unknown = [s for s in f.label_sources if s not in LABEL_SOURCES]
        if unknown:
            raise UsageError(f"label source {unknown[0]!r}: choose among {', '.join(LABEL_SOURCES)}")
        parts.append(np.isin(ws.label_array()[1], [LABEL_SOURCES.index(s) for s in f.label_sources]))
    if f.sources:
        mask = np.zeros(ws.row_count, dtype=bool)
        for source in ws.sources():
            if source.id in f.sources:
                mask[source.first_row:source.stop] = True
        parts.append(mask)
    if f.selection is not None:
        parts.append(rows_mask(ws.selection(f.selection)))
    if f.words:
        parts.append(rows_mask(search_words(ws, f.words, order="row")))
    if f.regex:
        parts.append(rows_mask(search_regex(ws, f.regex, ctx=ctx)))
    if f.contains:
        parts.append(rows_mask(search_text(ws, f.contains, ctx=ctx)))
    if not parts:
        return None
    mask = parts[0]
    for part in parts[1:]:
        mask &= part
    return mask


# --- sort orders: (workspace, rows in row order, filter, ctx) -> the same rows in the wanted order

Sort = Callable[[Workspace, np.ndarray, RowFilter, TaskContext], np.ndarray]


def _by_row(ws: Workspace, rows: np.ndarray, f: RowFilter, ctx: TaskContext) -> np.ndarray:
    return rows


def _by_text(ws: Workspace, rows: np.ndarray, f: RowFilter, ctx: TaskContext) -> np.ndarray:
    keep = np.zeros(ws.row_count, dtype=bool)
    keep[rows] = True
    keys: list[str] = []
    for first, texts in ws.iter_texts():
        ctx.check_cancelled()
        keys += [t.casefold() for i, t in enumerate(texts) if keep[first + i]]
        ctx.report(first + len(texts), ws.row_count, "sorting", unit="row")
    order = sorted(range(len(rows)), key=keys.__getitem__)
    return rows[np.asarray(order, dtype=np.int64)]


def _by_label(ws: Workspace, rows: np.ndarray, f: RowFilter, ctx: TaskContext) -> np.ndarray:
    ids, _ = ws.label_array()
    labels = ws.labels()
    position = np.full(max([lb.id for lb in labels], default=0) + 2, len(labels), dtype=np.int64)  # unlabelled last
    for i, lb in enumerate(labels):
        position[lb.id] = i
    keys = position[ids[rows]]  # ids of -1 index the last slot: unlabelled
    return rows[np.lexsort((rows, keys))]


def _by_rank(ws: Workspace, rows: np.ndarray, f: RowFilter, ctx: TaskContext) -> np.ndarray:
    if not f.words:
        raise UsageError("sort by rank: rank needs a word search in the filter")
    ranked = search_words(ws, f.words, order="rank")
    return ranked[np.isin(ranked, rows)]


SORTS: dict[str, Sort] = {"row": _by_row, "text": _by_text, "label": _by_label, "rank": _by_rank}


class RowView:
    """The rows of ``ws`` that ``filter`` keeps, in ``sort`` order (see the module doc)."""

    def __init__(self, ws: Workspace, filter: RowFilter = RowFilter(), sort: str = "row", *, descending: bool = False,
                 ctx: TaskContext | None = None) -> None:
        if sort not in SORTS:
            raise UsageError(f"sort {sort!r}: choose one of {', '.join(SORTS)}")
        ctx = ctx or NullContext()
        self.ws, self.filter, self.sort, self.descending = ws, filter, sort, descending
        mask = _mask(ws, filter, ctx)
        if mask is None and sort == "row" and not descending:
            self.order: np.ndarray | None = None
        else:
            rows = np.arange(ws.row_count, dtype=np.int64) if mask is None else np.flatnonzero(mask).astype(np.int64)
            ordered = SORTS[sort](ws, rows, filter, ctx)
            self.order = ordered[::-1].copy() if descending else ordered
        self.scores: np.ndarray | None = None  # one per position, for a ranked view (see ranked)
        self._inverse: np.ndarray | None = None

    @classmethod
    def ranked(cls, ws: Workspace, rows, scores, filter: RowFilter = RowFilter(), *, ctx: TaskContext | None = None) -> RowView:
        """``rows`` in the order given (best first) with their ``scores`` (e.g. a search by meaning),
        less the rows ``filter`` hides."""
        view = cls.__new__(cls)
        view.ws, view.filter, view.sort, view.descending = ws, filter, "score", False
        rows, scores = np.asarray(rows, dtype=np.int64), np.asarray(scores, dtype=np.float32)
        if len(rows) != len(scores):
            raise ValueError(f"{len(rows)} rows but {len(scores)} scores")
        mask = _mask(ws, filter, ctx or NullContext())
        if mask is not None:
            keep = mask[rows]
            rows, scores = rows[keep], scores[keep]
        view.order, view.scores, view._inverse = rows, scores, None
        return view

    def score_at(self, position: int) -> float | None:
        return None if self.scores is None else float(self.scores[position])

    def __len__(self) -> int:
        return self.ws.row_count if self.order is None else len(self.order)

    def row_at(self, position: int) -> int:
        return position if self.order is None else int(self.order[position])

    def rows_at(self, start: int, stop: int) -> np.ndarray:
        start, stop = max(0, start), min(stop, len(self))
        return np.arange(start, stop, dtype=np.int64) if self.order is None else self.order[start:stop]

    def page(self, start: int, stop: int) -> list[Row]:
        """The rows at positions ``start`` .. ``stop - 1`` of the view."""
        return self.ws.read_rows(self.rows_at(start, stop))

    def position(self, row: int) -> int | None:
        """The position of row number ``row`` in the view (None: the filter hides it)."""
        if self.order is None:
            return row if 0 <= row < self.ws.row_count else None
        if self._inverse is None:
            self._inverse = np.full(self.ws.row_count, -1, dtype=np.int64)
            self._inverse[self.order] = np.arange(len(self.order), dtype=np.int64)
        found = int(self._inverse[row]) if 0 <= row < self.ws.row_count else -1
        return None if found < 0 else found

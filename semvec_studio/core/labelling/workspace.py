"""Labelling over a workspace: suggestions, queues and "more like this" aligned to its rows.

The vectors are the workspace's cached sentence vectors
(:class:`~semvec_studio.core.workspace.derived.CachedVectors`: ``vectors[i]`` is the vector of row
``rows[i]``, memory-mapped); the labels are the workspace's (:meth:`Workspace.label_array`).
Rows without a cached vector (no text, or added after the vectors were made) get no prediction
and are never offered. Every function returns workspace row numbers.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from semvec_studio.core.labelling.similar import more_like_this
from semvec_studio.core.labelling.strategies import Ranked, rank
from semvec_studio.core.labelling.suggest import Suggestions, fit_suggestions, spread_suggestions, suggestions_at
from semvec_studio.core.tasks import TaskContext
from semvec_studio.core.workspace.derived import CachedVectors
from semvec_studio.core.workspace.store import Workspace


def _cached_labels(ws: Workspace, cached: CachedVectors) -> np.ndarray:
    """The given label id (-1: none) of each cached vector's row."""
    label_ids, _ = ws.label_array()
    return np.asarray(label_ids, dtype=np.int64)[np.asarray(cached.rows, dtype=np.int64)]


def workspace_suggestions(ws: Workspace, cached: CachedVectors, *, out_of_fold: bool = False, seed: int = 0,
                          ctx: TaskContext | None = None) -> Suggestions:
    """:func:`~semvec_studio.core.labelling.suggest.fit_suggestions` on the workspace's labelled
    rows, predicting every row with a cached vector; n = ``ws.row_count`` entries, by row."""
    found = fit_suggestions(cached.vectors, _cached_labels(ws, cached), out_of_fold=out_of_fold, seed=seed, ctx=ctx)
    return spread_suggestions(found, np.asarray(cached.rows, dtype=np.int64), ws.row_count)


def workspace_rank(ws: Workspace, cached: CachedVectors, strategy: str, n: int, *, suggestions: Suggestions | None = None,
                   seed: int = 0) -> Ranked:
    """The ``n`` workspace rows to look at next by ``strategy`` (see
    :func:`~semvec_studio.core.labelling.strategies.rank`); ``suggestions`` are by workspace row
    (from :func:`workspace_suggestions`), or None."""
    rows = np.asarray(cached.rows, dtype=np.int64)
    at = suggestions_at(suggestions, rows) if suggestions is not None else None
    found = rank(strategy, vectors=cached.vectors, label_ids=_cached_labels(ws, cached), suggestions=at, n=n, seed=seed)
    return replace(found, rows=rows[found.rows])


def workspace_more_like_this(ws: Workspace, cached: CachedVectors, label_id: int, n: int) -> Ranked:
    """The ``n`` unlabelled workspace rows most like the rows labelled ``label_id``, cosine scores."""
    rows = np.asarray(cached.rows, dtype=np.int64)
    found = more_like_this(cached.vectors, _cached_labels(ws, cached), label_id, n)
    return replace(found, rows=rows[found.rows])

"""The labelling loop's background jobs, as the window runs them: each takes a *snapshot* of the
workspace's labels (``label_ids``: a label id per row, -1 = none, copied on the caller's thread),
so a job never reads the workspace's connection from another thread and an edit made while it
runs does not change what it fits; the next retrain picks the edit up.

- :func:`suggest` makes (or reuses) the workspace's cached sentence vectors and fits the
  suggestions on them;
- :func:`queue` ranks the rows to review next by a strategy (the ``mistakes`` queue fits its own
  out-of-fold model);
- :func:`more_like` ranks the unlabelled rows by similarity to one label's rows.

All return workspace row numbers (or, for :func:`suggest`, suggestions indexed by row).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.labelling.similar import more_like_this
from semvec_studio.core.labelling.strategies import Ranked, rank
from semvec_studio.core.labelling.suggest import Suggestions, fit_suggestions, spread_suggestions, suggestions_at, top_two
from semvec_studio.core.models import LoadedModel
from semvec_studio.core.projection import index as ann
from semvec_studio.core.projection.neighbours import neighbours_index
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.train.infer import load_classifier
from semvec_studio.core.workspace.derived import CachedVectors, sentence_vectors, texts_from, vectors_key
from semvec_studio.core.workspace.store import Workspace

# The suggestions' vectors: the second-to-last layer, mean-pooled. Measured (tests/benchmarks/test_labelling.py,
# README "Labelling figures"): with the default model it beats the last layer at every budget on TREC (random
# labels 0.684/0.752/0.802 at 100/200/500 against 0.620/0.693/0.756; all labels 0.871 against 0.855) and
# on SST-2 (all labels 0.817 against 0.805).
SUGGESTION_LAYER = -2


def suggestion_options(options: ExtractOptions | None = None) -> ExtractOptions:
    """The options of the sentence vectors the suggestions, queues and "more like this" use:
    ``options`` (the batch size, length limits) with :data:`SUGGESTION_LAYER`, mean-pooled."""
    base = options or ExtractOptions()
    return replace(base, levels=("sentence",), layers=(SUGGESTION_LAYER,), layer_combine="mean", pooling="mean", normalize=False)


@dataclass(frozen=True)
class Queue:
    """Rows to review, best first, with their scores and what the model suggests for each
    (``suggested``: label id, -1 = none; for ``mistakes``, the out-of-fold prediction that
    disagrees with the given label)."""

    strategy: str
    rows: np.ndarray
    scores: np.ndarray
    suggested: np.ndarray
    confidence: np.ndarray
    note: str = ""

    def __len__(self) -> int:
        return int(self.rows.shape[0])


@dataclass(frozen=True)
class Fitted:
    """The cached vectors a retrain used and the suggestions it made (by workspace row);
    ``source``: what made them ("" for the fast model on the vectors, else a trained run's folder)."""

    cached: CachedVectors | None
    suggestions: Suggestions
    source: str = ""


def _covered(cached: CachedVectors, n_rows: int) -> np.ndarray:
    """Positions of the cached vectors whose rows the label snapshot covers."""
    rows = np.asarray(cached.rows, dtype=np.int64)
    return np.flatnonzero(rows < n_rows)


def suggest(ws: Workspace, lm: LoadedModel, options: ExtractOptions, label_ids: np.ndarray, *,
            cached: CachedVectors | None = None, ctx: TaskContext | None = None) -> Fitted:
    """Retrain the suggestions on the labelled rows of ``label_ids`` and predict every row."""
    ctx = ctx or NullContext()
    label_ids = np.asarray(label_ids, dtype=np.int64)
    if cached is None or len(cached) < ws.row_count or cached.manifest.get("key") != vectors_key(lm, options):
        cached = sentence_vectors(ws, lm, options, ctx)  # rows came, or the model or the options changed
    at = _covered(cached, len(label_ids))
    rows = np.asarray(cached.rows, dtype=np.int64)[at]
    vectors = cached.vectors if len(at) == len(cached) else cached.vectors[at]
    found = fit_suggestions(vectors, label_ids[rows], ctx=ctx)
    ctx.log(f"suggestions from {found.labelled:,} labelled rows in {found.seconds:.2f} s" if found.ready else f"no suggestions: {found.reason}")
    return Fitted(cached, spread_suggestions(found, rows, len(label_ids)))


def vectors_for(ws: Workspace, lm: LoadedModel, options: ExtractOptions, fitted: Fitted, *, cached: CachedVectors | None = None,
                ctx: TaskContext | None = None) -> Fitted:
    """``fitted`` (a trained model's suggestions) with the sentence vectors the queues need."""
    return replace(fitted, cached=sentence_vectors(ws, lm, options, ctx or NullContext()))


def queue(cached: CachedVectors, label_ids: np.ndarray, strategy: str, n: int, *, suggestions: Suggestions | None = None,
          seed: int = 0, ctx: TaskContext | None = None) -> Queue:
    """The ``n`` workspace rows to review next by ``strategy`` (margin, entropy, mistakes, diverse,
    random), best first, with the suggestion for each."""
    label_ids = np.asarray(label_ids, dtype=np.int64)
    at = _covered(cached, len(label_ids))
    rows = np.asarray(cached.rows, dtype=np.int64)[at]
    vectors = cached.vectors if len(at) == len(cached) else cached.vectors[at]
    given = suggestions_at(suggestions, rows) if suggestions is not None and suggestions.ready else None
    if strategy == "mistakes":  # the out-of-fold model: a row's own label must not vouch for itself
        given = fit_suggestions(vectors, label_ids[rows], out_of_fold=True, seed=seed, ctx=ctx)
    found = rank(strategy, vectors=vectors, label_ids=label_ids[rows], suggestions=given, n=n, seed=seed)
    picked = found.rows
    suggested = np.full(len(picked), -1, np.int64)
    confidence = np.zeros(len(picked), np.float32)
    if given is not None and given.ready:
        proba = given.oof_proba[picked] if strategy == "mistakes" and given.oof_proba is not None else given.proba[picked]
        best = np.nan_to_num(proba, nan=-1.0).argmax(axis=1) if len(picked) else np.zeros(0, np.int64)
        suggested = given.classes[best].astype(np.int64)
        confidence = np.take_along_axis(np.nan_to_num(proba), best[:, None], axis=1).reshape(-1).astype(np.float32)
    return Queue(found.strategy, rows[picked], found.scores, suggested, confidence, found.note)


def more_like(cached: CachedVectors, label_ids: np.ndarray, label_id: int, n: int, ctx: TaskContext | None = None) -> Ranked:
    """The ``n`` unlabelled workspace rows most like the rows labelled ``label_id`` (cosine scores)."""
    label_ids = np.asarray(label_ids, dtype=np.int64)
    at = _covered(cached, len(label_ids))
    rows = np.asarray(cached.rows, dtype=np.int64)[at]
    whole = len(at) == len(cached)
    vectors = cached.vectors if whole else cached.vectors[at]
    index = neighbours_index(cached.vectors, "cosine", ann_min_rows=ann.ANN_MIN_ROWS) if whole else None  # a large set's saved index
    found = more_like_this(vectors, label_ids[rows], label_id, n, index=index)
    return replace(found, rows=rows[found.rows])


def suggest_from_run(ws: Workspace, run: str, label_ids: np.ndarray, names: dict[str, int], *, device: str = "auto",
                     batch_size: int = 64, ctx: TaskContext | None = None) -> Fitted:
    """Suggestions from a classifier `semvec train` (or the Train tab) wrote: its class
    probabilities for every row with text, over the classes that are labels of the workspace
    (``names``: label name -> id). The fine-tuned model's predictions stand in for the fast model's."""
    ctx = ctx or NullContext()
    started = time.perf_counter()
    clf = load_classifier(run, device=device, ctx=ctx)
    known = [i for i, name in enumerate(clf.labels) if name in names]
    if len(known) < 2:
        raise UsageError(f"{run}: its classes ({', '.join(clf.labels)}) are not labels of this workspace; "
                         "train it on the workspace's labels (Train tab, Workspace labels) first",
                         gui=f"The classes of {run} are not this workspace's labels: train on the workspace's labels first.")
    conn = ws.connect()
    try:
        rows, texts = texts_from(ws, conn, 0)
    finally:
        conn.close()
    ctx.log(f"predicting {len(texts):,} rows with {run}")
    proba = clf.predict_proba(texts, batch_size=batch_size, ctx=ctx)[:, known] if texts else np.zeros((0, len(known)), np.float32)
    proba = (proba / np.maximum(proba.sum(axis=1, keepdims=True), 1e-12)).astype(np.float32)
    classes = np.asarray([names[clf.labels[i]] for i in known], dtype=np.int64)
    best, confidence, margin = top_two(proba)
    label_ids = np.asarray(label_ids, dtype=np.int64)
    found = Suggestions(classes, classes[best] if len(best) else np.zeros(0, np.int64), confidence, proba, margin, None,
                        int((label_ids >= 0).sum()), time.perf_counter() - started)
    return Fitted(None, spread_suggestions(found, np.asarray(rows, dtype=np.int64), len(label_ids)), str(run))

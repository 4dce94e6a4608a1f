"""Suggestions: a fast classifier retrained on the labelled rows' sentence vectors predicts every row.

The classifier (:func:`make_classifier`) is a multinomial logistic regression on unit-length
sentence vectors, chosen by measuring (README, "Labelling in the loop"). Suggestions only carry
predictions: a given label is never overwritten, and :func:`applicable_rows` says which rows a
suggestion may be applied to (rows without a label).

``vectors`` is ``n_rows x dim`` and may be a memory map (it is read a block at a time);
``has_vector`` marks the rows whose vector is real (the others are never fitted on nor predicted).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from semvec_studio.core.rows import BLOCK_ROWS, l2_normalize
from semvec_studio.core.tasks import NullContext, TaskContext

C = 10.0  # inverse regularisation strength of the suggestion model (measured; README)
MAX_ITER = 300
OOF_FOLDS = 5
NEED_CLASSES = "label at least 2 classes for suggestions"
# BLAS threads of a fit: one. Measured on a busy 2-core machine, a 2,000-row fit took 0.5 s on one
# thread and 6 s on two (the threads fight over the cores with everything else running).
FIT_THREADS = 1


def one_thread():
    """A context in which fits and predictions use :data:`FIT_THREADS` BLAS threads."""
    return threadpool_limits(limits=FIT_THREADS)


@dataclass(frozen=True)
class Suggestions:
    """Predictions of every row. ``classes`` are label ids in the model's class order; ``predicted``
    is a label id (-1: no prediction, because there is no model yet or the row has no vector);
    ``confidence`` the probability of the predicted label (0 where none); ``proba`` n_rows x
    n_classes; ``margin`` top-1 minus top-2 probability; ``oof_proba`` out-of-fold probabilities of
    the labelled rows (NaN elsewhere) when asked for; ``reason`` why there is no model ("" when
    there is one)."""

    classes: np.ndarray
    predicted: np.ndarray
    confidence: np.ndarray
    proba: np.ndarray
    margin: np.ndarray
    oof_proba: np.ndarray | None
    labelled: int
    seconds: float
    reason: str = ""

    @property
    def ready(self) -> bool:
        """True when a model was fitted (there are predictions)."""
        return not self.reason

    def __len__(self) -> int:
        return int(self.predicted.shape[0])


def make_classifier(seed: int = 0, c: float | None = None) -> LogisticRegression:
    """The suggestion model (on unit-length vectors: :func:`unit_block`); ``c`` overrides :data:`C`."""
    return LogisticRegression(C=C if c is None else c, max_iter=MAX_ITER, random_state=seed)


def unit_block(block: np.ndarray) -> np.ndarray:
    """A float32 copy of ``block`` with unit-length rows (the suggestion model's input)."""
    return l2_normalize(np.array(block, dtype=np.float32, copy=True))


def checked_inputs(vectors: np.ndarray, label_ids: np.ndarray, has_vector: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(label ids int64, has_vector bool), both n_rows long, checked against ``vectors``."""
    label_ids = np.asarray(label_ids, dtype=np.int64)
    n = int(vectors.shape[0])
    if vectors.ndim != 2 or label_ids.shape != (n,):
        raise ValueError(f"vectors ({vectors.shape}) and label_ids ({label_ids.shape}) must have one row each per row")
    mask = np.ones(n, bool) if has_vector is None else np.asarray(has_vector, dtype=bool)
    if mask.shape != (n,):
        raise ValueError("has_vector must have one entry per row")
    return label_ids, mask


def take(vectors: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Unit-length float32 vectors of ``rows`` (sorted row numbers) of a possibly memory-mapped array."""
    return unit_block(vectors[np.asarray(rows, dtype=np.int64)])


def predict_rows(model, vectors: np.ndarray, rows: np.ndarray, n_classes: int, ctx: TaskContext | None = None) -> np.ndarray:
    """``model``'s probabilities (len(rows) x n_classes float32) of ``rows`` of ``vectors``, a block at a time."""
    out = np.zeros((len(rows), n_classes), np.float32)
    for start in range(0, len(rows), BLOCK_ROWS):
        if ctx is not None:
            ctx.check_cancelled()
        part = rows[start:start + BLOCK_ROWS]
        out[start:start + len(part)] = model.predict_proba(take(vectors, part))
    return out


def fold_of(y: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """A stratified, seeded fold number (0 .. folds-1) for each entry of the class ids ``y``."""
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(y), np.int64)
    offset = 0
    for cls in np.unique(y):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        fold[idx] = (np.arange(len(idx)) + offset) % folds
        offset += len(idx)  # small classes do not all land in fold 0
    return fold


def cross_val_proba(x: np.ndarray, y: np.ndarray, n_classes: int, *, folds: int = OOF_FOLDS, seed: int = 0,
                    c: float | None = None, ctx: TaskContext | None = None) -> np.ndarray:
    """Cross-validated probabilities (len(y) x n_classes float32) of the class ids ``y`` (0 ..
    n_classes-1) of the unit vectors ``x``: each row predicted by a model that never saw it. A class
    missing from a fold's training part gets probability 0 there."""
    folds = max(2, min(folds, len(y)))
    fold = fold_of(y, folds, seed)
    out = np.zeros((len(y), n_classes), np.float32)
    for k in range(folds):
        if ctx is not None:
            ctx.check_cancelled()
            ctx.report(k, folds, "cross-validating", unit="step")
        test, train = fold == k, fold != k
        if not test.any():
            continue
        seen = np.unique(y[train])
        if len(seen) < 2:  # a fold model needs two classes; with one, it is certain of it
            out[np.ix_(test, seen)] = 1.0
            continue
        model = make_classifier(seed, c).fit(x[train], y[train])
        out[np.ix_(test, model.classes_)] = model.predict_proba(x[test])
    return out


def empty_suggestions(n_rows: int, reason: str, labelled: int = 0, seconds: float = 0.0) -> Suggestions:
    """Suggestions with no model: every prediction -1, ``reason`` says why."""
    return Suggestions(np.zeros(0, np.int64), np.full(n_rows, -1, np.int64), np.zeros(n_rows, np.float32),
                       np.zeros((n_rows, 0), np.float32), np.zeros(n_rows, np.float32), None, labelled, seconds, reason)


def top_two(proba: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(argmax, top-1 probability, top-1 minus top-2) of each row of ``proba``."""
    if proba.shape[1] == 0:
        n = proba.shape[0]
        return np.full(n, -1, np.int64), np.zeros(n, np.float32), np.zeros(n, np.float32)
    best = proba.argmax(axis=1)
    top1 = proba[np.arange(len(proba)), best]
    top2 = np.partition(proba, -2, axis=1)[:, -2] if proba.shape[1] > 1 else np.zeros(len(proba), np.float32)
    return best.astype(np.int64), top1.astype(np.float32), (top1 - top2).astype(np.float32)


def fit_suggestions(vectors: np.ndarray, label_ids: np.ndarray, *, has_vector: np.ndarray | None = None,
                    out_of_fold: bool = False, seed: int = 0, ctx: TaskContext | None = None) -> Suggestions:
    """Fit the suggestion model on the labelled rows (``label_ids`` >= 0 with a vector) and predict
    every row with a vector. Fewer than 2 labelled classes: no model (``reason`` says so)."""
    ctx = ctx or NullContext()
    started = time.perf_counter()
    label_ids, mask = checked_inputs(vectors, label_ids, has_vector)
    n = len(label_ids)
    train_rows = np.flatnonzero((label_ids >= 0) & mask)
    classes, y = np.unique(label_ids[train_rows], return_inverse=True)
    if len(classes) < 2:
        return empty_suggestions(n, NEED_CLASSES, len(train_rows), time.perf_counter() - started)
    ctx.report(0, 2, "fitting suggestions", unit="step")
    x = take(vectors, train_rows)
    with one_thread():
        model = make_classifier(seed).fit(x, y)
        ctx.check_cancelled()
        ctx.report(1, 2, "predicting", unit="step")
        rows = np.flatnonzero(mask)
        proba = np.zeros((n, len(classes)), np.float32)
        proba[rows] = predict_rows(model, vectors, rows, len(classes), ctx)
    oof = None
    if out_of_fold:
        oof = np.full((n, len(classes)), np.nan, np.float32)
        with one_thread():
            oof[train_rows] = cross_val_proba(x, y, len(classes), seed=seed, ctx=ctx)
    ctx.report(2, 2, "suggestions ready", unit="step")
    return suggestions_from_proba(classes, proba, has_vector=mask, oof_proba=oof, labelled=len(train_rows),
                                  seconds=time.perf_counter() - started)


def suggestions_from_proba(classes: np.ndarray, proba: np.ndarray, *, has_vector: np.ndarray | None = None,
                           oof_proba: np.ndarray | None = None, labelled: int = 0, seconds: float = 0.0) -> Suggestions:
    """Suggestions from class probabilities made elsewhere (e.g. a fine-tuned classifier's
    predictions, its classes mapped to label ids): ``classes`` label ids (int64), ``proba``
    n_rows x len(classes); rows where ``has_vector`` is False get no prediction."""
    classes = np.asarray(classes, dtype=np.int64)
    proba = np.asarray(proba, dtype=np.float32)
    if proba.ndim != 2 or proba.shape[1] != len(classes):
        raise ValueError(f"proba ({proba.shape}) must have one column per class ({len(classes)})")
    mask = np.ones(len(proba), bool) if has_vector is None else np.asarray(has_vector, dtype=bool)
    best, confidence, margin = top_two(proba)
    predicted = np.where(mask, classes[best], -1).astype(np.int64) if len(classes) else np.full(len(proba), -1, np.int64)
    confidence[~mask] = 0.0
    margin[~mask] = 0.0
    return Suggestions(classes, predicted, confidence, proba, margin, oof_proba, int(labelled), float(seconds))


def applicable_rows(suggestions: Suggestions, label_ids: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """The rows (of ``rows``, default all) whose suggestion may be applied: they have a prediction
    and no given label. A given label is never overwritten."""
    label_ids = np.asarray(label_ids, dtype=np.int64)
    rows = np.arange(len(label_ids), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    keep = (label_ids[rows] < 0) & (suggestions.predicted[rows] >= 0)
    return rows[keep]


def suggestions_at(suggestions: Suggestions, rows: np.ndarray) -> Suggestions:
    """The suggestions of ``rows`` only, in that order (e.g. the rows that have a cached vector)."""
    s, rows = suggestions, np.asarray(rows, dtype=np.int64)
    return Suggestions(s.classes, s.predicted[rows], s.confidence[rows], s.proba[rows], s.margin[rows],
                       None if s.oof_proba is None else s.oof_proba[rows], s.labelled, s.seconds, s.reason)


def spread_suggestions(suggestions: Suggestions, rows: np.ndarray, n_rows: int) -> Suggestions:
    """Suggestions of ``rows`` (one per entry of ``suggestions``) placed among ``n_rows`` rows; the
    others get no prediction."""
    s, rows = suggestions, np.asarray(rows, dtype=np.int64)
    k = len(s.classes)
    out = empty_suggestions(n_rows, s.reason, s.labelled, s.seconds)
    proba = np.zeros((n_rows, k), np.float32)
    proba[rows] = s.proba
    oof = None
    if s.oof_proba is not None:
        oof = np.full((n_rows, k), np.nan, np.float32)
        oof[rows] = s.oof_proba
    out.predicted[rows], out.confidence[rows], out.margin[rows] = s.predicted, s.confidence, s.margin
    return Suggestions(s.classes, out.predicted, out.confidence, proba, out.margin, oof, s.labelled, s.seconds, s.reason)

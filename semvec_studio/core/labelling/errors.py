"""Labels that look wrong: rows whose cross-validated (out-of-fold) prediction contradicts the
given label, most likely wrong first.

How likely a label is wrong is one of :data:`ERROR_SCORES` (a registry of pure functions of the
out-of-fold probabilities and the given classes); :data:`ERROR_SCORE` is the one chosen by
measuring precision at k (k = the number flipped) with 10% of the labels flipped (README,
"Labelling in the loop"): 1 - p(given) found 0.817 of TREC's 595 flips, the normalised margin
0.741, the margin with per-class thresholds 0.729; on SST-2 (two classes, where the first two
rank alike) 0.571, 0.571 and 0.568.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.labelling.suggest import OOF_FOLDS, cross_val_proba, one_thread, take
from semvec_studio.core.tasks import NullContext, TaskContext


def _given(proba: np.ndarray, given: np.ndarray) -> np.ndarray:
    return proba[np.arange(len(given)), given]


def _others_best(proba: np.ndarray, given: np.ndarray) -> np.ndarray:
    masked = proba.copy()
    masked[np.arange(len(given)), given] = -np.inf
    return masked.max(axis=1)


def _one_minus_p(proba: np.ndarray, given: np.ndarray) -> np.ndarray:
    """1 - p(given label) (self-confidence)."""
    return 1.0 - _given(proba, given)


def _margin(proba: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Best other label's probability minus the given label's (cleanlab's normalised margin,
    negated): in [-1, 1], above 0 exactly when another label is predicted."""
    return _others_best(proba, given) - _given(proba, given)


def _thresholded_margin(proba: np.ndarray, given: np.ndarray) -> np.ndarray:
    """:func:`_margin` after dividing each class's probability by its threshold, the mean
    probability of that class over the rows given it (confident learning's per-class thresholds),
    so a class the model is always unsure of is not flagged more often."""
    n_classes = proba.shape[1]
    thresholds = np.ones(n_classes)
    for c in range(n_classes):
        mine = given == c
        if mine.any():
            thresholds[c] = max(float(proba[mine, c].mean()), 1e-6)
    scaled = proba / thresholds[None, :]
    scaled = scaled / scaled.sum(axis=1, keepdims=True)
    return _margin(scaled, given)


ERROR_SCORES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "one_minus_p": _one_minus_p,
    "margin": _margin,
    "thresholded_margin": _thresholded_margin,
}
ERROR_SCORE = "one_minus_p"
# The out-of-fold model of a whole labelled file is regularised more than the suggestion model:
# with 10% of the labels flipped, C=1 found more of them in the top k than C=10 (TREC 0.817 vs
# 0.802, SST-2 0.571 vs 0.545; C=0.3 and 3 in between). With few labels (the mistakes queue of a
# labelling session) C=10 predicts better, so the queue keeps the suggestion model's C.
ERROR_C = 1.0


def error_scores(oof_proba: np.ndarray, given: np.ndarray, how: str = ERROR_SCORE) -> np.ndarray:
    """How likely each given label (class positions into ``oof_proba``'s columns) is wrong, higher =
    more likely (float32)."""
    proba = np.nan_to_num(np.asarray(oof_proba, dtype=np.float64))
    return ERROR_SCORES[how](proba, np.asarray(given, dtype=np.int64)).astype(np.float32)


class LabelError(NamedTuple):
    """A row whose label looks wrong: its position, the given label, the label the out-of-fold
    model predicts, and the score (higher = more likely wrong)."""

    row: int
    given: object
    suggested: object
    score: float


def label_error_ranking(vectors: np.ndarray, labels, *, folds: int = OOF_FOLDS, seed: int = 0, how: str = ERROR_SCORE,
                        ctx: TaskContext | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(classes, given class positions, out-of-fold probabilities, error scores) of every row."""
    labels = np.asarray(labels)
    if labels.shape != (vectors.shape[0],):
        raise ValueError("labels must have one entry per row of vectors")
    classes, given = np.unique(labels, return_inverse=True)
    if len(classes) < 2:
        raise UsageError("label errors need at least 2 classes among the labels; every row has the same label.")
    if folds < 2:
        raise UsageError(f"--folds {folds}: must be at least 2.")
    x = take(vectors, np.arange(len(labels)))
    with one_thread():
        oof = cross_val_proba(x, given, len(classes), folds=folds, seed=seed, c=ERROR_C, ctx=ctx)
    return classes, given, oof, error_scores(oof, given, how)


def find_label_errors(vectors: np.ndarray, labels, *, top: int | None = None, folds: int = OOF_FOLDS, seed: int = 0,
                      ctx: TaskContext | None = None) -> list[LabelError]:
    """Rows whose cross-validated prediction is another label than the given one, most likely
    wrong first (at most ``top``). ``labels`` are strings or ids, one per row of ``vectors``."""
    ctx = ctx or NullContext()
    if top is not None and top < 1:
        raise UsageError(f"--top {top}: must be at least 1.")
    classes, given, oof, scores = label_error_ranking(vectors, labels, folds=folds, seed=seed, ctx=ctx)
    suggested = oof.argmax(axis=1)
    rows = np.flatnonzero(suggested != given)
    order = rows[np.lexsort((rows, -scores[rows]))]
    if top is not None:
        order = order[:top]
    return [LabelError(int(r), classes[given[r]].item(), classes[suggested[r]].item(), float(scores[r])) for r in order]

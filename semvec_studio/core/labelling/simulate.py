"""The labelling simulation: how many labels a strategy needs, measured on a labelled set.

For each seed: a seeded, stratified test part is kept aside and never offered; the labels of the
rest (the pool) are hidden; the first ``step`` rows come from the ``start`` strategy (random or
diverse, which need no labels); then, until ``budget`` labels, the suggestion model is retrained
and ``step`` more rows chosen by ``strategy`` "get labelled" (their true labels are revealed).
After every step the model is scored on the test part. The curve is the mean accuracy, its
standard deviation over the seeds and the mean macro-F1 at each number of labels.
Deterministic per seed; ``ctx.check_cancelled()`` between steps.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from semvec_studio.core.errors import UsageError
from semvec_studio.core.labelling import strategies
from semvec_studio.core.labelling.strategies import check_strategy, rank
from semvec_studio.core.labelling.suggest import fit_suggestions, make_classifier, one_thread, take
from semvec_studio.core.tasks import NullContext, TaskContext

STARTS = ("random", "diverse")


@dataclass(frozen=True)
class SimulationParams:
    """``budget`` None: label the whole pool."""

    strategy: str
    start: str = "random"
    budget: int | None = 500
    step: int = 20
    seeds: int = 3
    test_split: float = 0.2

    def check(self) -> None:
        check_strategy(self.strategy)
        check_strategy(self.start, STARTS, "start")
        if self.step < 1:
            raise UsageError(f"--step {self.step}: must be at least 1.", field="step")
        if self.budget is not None and self.budget < self.step:
            raise UsageError(f"--budget {self.budget}: must be at least --step ({self.step}).", field="budget")
        if self.seeds < 1:
            raise UsageError(f"--seeds {self.seeds}: must be at least 1.", field="seeds")
        if not 0.0 < self.test_split < 1.0:
            raise UsageError(f"--test-split {self.test_split}: give a fraction between 0 and 1 (e.g. 0.2).", field="test_split")


@dataclass(frozen=True)
class CurvePoint:
    labels: int
    accuracy: float
    accuracy_sd: float
    macro_f1: float

    def as_dict(self) -> dict:
        return {"labels": self.labels, "accuracy": self.accuracy, "accuracy_sd": self.accuracy_sd, "macro_f1": self.macro_f1}


@dataclass(frozen=True)
class SimulationResult:
    """The curve over the seeds; ``offered`` the pool rows labelled in order, per seed; ``test``
    the rows kept for testing, per seed."""

    strategy: str
    start: str
    curve: tuple[CurvePoint, ...]
    offered: tuple[np.ndarray, ...]
    test: tuple[np.ndarray, ...]
    seconds: float

    def as_dict(self) -> dict:
        return {"strategy": self.strategy, "curve": [p.as_dict() for p in self.curve]}


def held_out_rows(y: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """A seeded, stratified ``fraction`` of the rows (at least one per class, never a whole class), sorted."""
    rng = np.random.default_rng(seed)
    picked = []
    for cls in np.unique(y):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        k = min(max(1, round(fraction * len(idx))), len(idx) - 1)
        picked.append(idx[:k])
    return np.sort(np.concatenate(picked)).astype(np.int64)


def check_simulation_data(y: np.ndarray, params: SimulationParams) -> None:
    counts = np.bincount(np.unique(y, return_inverse=True)[1])
    if len(counts) < 2:
        raise UsageError("simulate-labelling needs at least 2 classes; every row has the same label.")
    if counts.min() < 2:
        raise UsageError(f"a class has only {counts.min()} row(s); each class needs at least 2, one for the test part "
                         "and one to label; add rows or remove the class.")
    if len(y) - len(held_out_rows(y, params.test_split, 0)) < params.step:
        raise UsageError(f"only {len(y)} rows: too few for --step {params.step} after the test part (--test-split "
                         f"{params.test_split}); lower --step or --test-split, or add rows.")


def _score(x_pool: np.ndarray, y_pool: np.ndarray, known: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
           seed: int) -> tuple[float, float]:
    classes = np.unique(y_pool[known])
    if len(classes) < 2:  # one class seen: the model says it every time
        pred = np.full(len(y_test), classes[0])
    else:
        with one_thread():
            pred = make_classifier(seed).fit(x_pool[known], y_pool[known]).predict(x_test)
    return float(accuracy_score(y_test, pred)), float(f1_score(y_test, pred, average="macro", labels=np.unique(y_test),
                                                               zero_division=0))


def _one_seed(x: np.ndarray, y: np.ndarray, params: SimulationParams, seed: int, ctx: TaskContext,
              done0: int, total: int) -> tuple[list[tuple[int, float, float]], np.ndarray, np.ndarray]:
    test = held_out_rows(y, params.test_split, seed)
    pool = np.setdiff1d(np.arange(len(y)), test)
    x_pool, y_pool, x_test, y_test = x[pool], y[pool], x[test], y[test]
    budget = len(pool) if params.budget is None else min(params.budget, len(pool))
    shown = np.full(len(pool), -1, np.int64)  # the labels revealed so far (-1: hidden)
    order: list[np.ndarray] = []
    points = []
    strategy, n = params.start, min(params.step, budget)
    while True:
        ctx.check_cancelled()
        suggestions = None
        if strategy in strategies.USES_MODEL:
            suggestions = fit_suggestions(x_pool, shown, out_of_fold=strategy in strategies.USES_OUT_OF_FOLD, seed=seed)
        picked = rank(strategy, vectors=x_pool, label_ids=shown, suggestions=suggestions, n=n, seed=seed + len(points)).rows
        shown[picked] = y_pool[picked]
        order.append(picked)
        known = np.flatnonzero(shown >= 0)
        points.append((len(known), *_score(x_pool, y_pool, known, x_test, y_test, seed)))
        ctx.report(done0 + len(known), total, "simulating", unit="row", detail=f"seed {seed + 1}")
        if len(known) >= budget:
            return points, pool[np.concatenate(order)], test
        strategy, n = params.strategy, min(params.step, budget - len(known))


def simulate(vectors: np.ndarray, labels, params: SimulationParams, ctx: TaskContext | None = None) -> SimulationResult:
    """Run the simulation of ``params`` on ``vectors`` (n x dim) and their true ``labels`` (strings
    or ids, one per row)."""
    ctx = ctx or NullContext()
    started = time.perf_counter()
    params.check()
    labels = np.asarray(labels)
    if labels.shape != (vectors.shape[0],):
        raise ValueError("labels must have one entry per row of vectors")
    y = np.unique(labels, return_inverse=True)[1].astype(np.int64)
    check_simulation_data(y, params)
    x = take(vectors, np.arange(len(y)))
    per_seed, offered, tests = [], [], []
    pool_size = len(y) - len(held_out_rows(y, params.test_split, 0))
    budget = pool_size if params.budget is None else min(params.budget, pool_size)
    for seed in range(params.seeds):
        points, picked, test = _one_seed(x, y, params, seed, ctx, seed * budget, params.seeds * budget)
        per_seed.append(points)
        offered.append(picked)
        tests.append(test)
    curve = []
    for at in zip(*per_seed):  # the same label counts in every seed
        acc = np.array([p[1] for p in at])
        curve.append(CurvePoint(int(at[0][0]), round(float(acc.mean()), 4), round(float(acc.std()), 4),
                                round(float(np.mean([p[2] for p in at])), 4)))
    return SimulationResult(params.strategy, params.start, tuple(curve), tuple(offered), tuple(tests), time.perf_counter() - started)


"""Labelling in the loop (issue 14) on TREC (6 classes, 5,952 questions) and a seeded 8,000-row
SST-2 subsample, with the bundled default model's mean-pooled sentence vectors (cached under
/tmp/semvec_labelling_bench; tests/benchmarks/labelling_data.py).

- the suggestion model: accuracy of candidate classifiers on 20% held out, trained on 100 / 200 /
  500 / all random labelled rows (3 seeds), and their fit time on 2,000 rows;
- learning curves of `semvec simulate-labelling`'s core (20% held out, 20 labels a step, 3 seeds)
  for random sampling and the uncertainty strategies: accuracy at 100 / 200 / 500 labels and with
  all labels;
- label errors: 10% of the labels flipped (seeded) to another class; precision at k (k = number
  flipped) of each ranking score, from the out-of-fold probabilities of find-label-errors' model;
- more like this: precision of the top 50 for the centroid and the top-k similarities;
- retrain + predict-all time for 10,000 rows x 384 dims;
- the layer: the last layer's sentence vectors against the second-to-last's.

Run: .venv/bin/python -m pytest -s -p no:cacheprovider tests/benchmarks/test_labelling.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from semvec_studio.core.labelling.errors import ERROR_SCORE, ERROR_SCORES, error_scores, label_error_ranking
from semvec_studio.core.labelling.similar import SIMILARITIES, more_like_this
from semvec_studio.core.labelling.simulate import SimulationParams, held_out_rows, simulate
from semvec_studio.core.labelling.suggest import fit_suggestions, one_thread
from tests.benchmarks.conftest import report
from tests.benchmarks.labelling_data import labelled_vectors

SETS = ("trec", "sst2")
AT = (100, 200, 500)
SEEDS = 3


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


CANDIDATES = {
    "raw C=10": lambda x: (x, LogisticRegression(C=10, max_iter=1000)),
    "unit C=1": lambda x: (_unit(x), LogisticRegression(C=1, max_iter=1000)),
    "unit C=10": lambda x: (_unit(x), LogisticRegression(C=10, max_iter=1000)),
    "unit C=100": lambda x: (_unit(x), LogisticRegression(C=100, max_iter=1000)),
    "unit C=10 balanced": lambda x: (_unit(x), LogisticRegression(C=10, max_iter=1000, class_weight="balanced")),
    "standardised C=0.1": lambda x: (StandardScaler().fit_transform(x), LogisticRegression(C=0.1, max_iter=1000)),
}


@pytest.fixture(scope="module", params=SETS)
def labelled_set(request, shared_data):
    x, y, classes = labelled_vectors(request.param, shared_data)
    return request.param, x, y, classes


def test_suggestion_model_choice(labelled_set):
    name, x, y, _ = labelled_set
    for cand, make in CANDIDATES.items():
        xs, _ = make(x)
        accs = {n: [] for n in (*AT, "all")}
        for seed in range(SEEDS):
            test = held_out_rows(y, 0.2, seed)
            pool = np.setdiff1d(np.arange(len(y)), test)
            order = np.random.default_rng(seed).permutation(pool)
            for n in accs:
                train = order if n == "all" else order[:n]
                with one_thread():
                    model = make(x)[1].fit(xs[train], y[train])
                accs[n].append(float((model.predict(xs[test]) == y[test]).mean()))
        train = np.random.default_rng(0).permutation(len(y))[:2000]
        with one_thread():
            started = time.perf_counter()
            make(x)[1].fit(xs[train], y[train])
            fit_s = time.perf_counter() - started
        report("labelling_model", set=name, model=cand.replace(" ", "_"),
               **{f"acc@{n}": f"{statistics.mean(a):.4f}" for n, a in accs.items()}, fit2000_s=f"{fit_s:.3f}")


@pytest.mark.parametrize(("strategy", "start"), [("random", "random"), ("margin", "random"), ("entropy", "random"),
                                                 ("margin", "diverse")])
def test_learning_curve(labelled_set, strategy, start):
    name, x, y, _ = labelled_set
    result = simulate(x, y, SimulationParams(strategy, start=start, budget=max(AT), step=20, seeds=SEEDS, test_split=0.2))
    at = {p.labels: p for p in result.curve}
    full = []
    for seed in range(SEEDS):
        test = held_out_rows(y, 0.2, seed)
        full.append(_all_labels_accuracy(x, y, np.setdiff1d(np.arange(len(y)), test), test))
    report("labelling_curve", set=name, strategy=strategy, start=start,
           **{f"acc@{n}": f"{at[n].accuracy:.4f}+-{at[n].accuracy_sd:.4f}" for n in AT},
           **{f"f1@{n}": f"{at[n].macro_f1:.4f}" for n in AT},
           acc_all=f"{statistics.mean(full):.4f}", all_labels=len(y) - len(held_out_rows(y, 0.2, 0)), seconds=f"{result.seconds:.1f}")


@pytest.mark.parametrize(("name", "rows"), [("trec", None), ("sst2", 4000)])
def test_layer_choice(shared_data, name, rows):
    """The default model's last layer against the one below it, for the suggestion model (SST-2:
    the first 4,000 rows of the sample, to keep the second extraction short)."""
    for layers in ((-1,), (-2,)):
        x, y, _ = labelled_vectors(name, shared_data, layers=layers, rows=rows)
        accs = {}
        for strategy in ("random", "margin"):
            result = simulate(x, y, SimulationParams(strategy, budget=max(AT), step=20, seeds=SEEDS, test_split=0.2))
            accs.update({f"{strategy}@{p.labels}": f"{p.accuracy:.4f}" for p in result.curve if p.labels in AT})
        full = [_all_labels_accuracy(x, y, np.setdiff1d(np.arange(len(y)), held_out_rows(y, 0.2, seed)), held_out_rows(y, 0.2, seed))
                for seed in range(SEEDS)]
        noisy, flipped = flipped_labels(y, int(y.max()) + 1)
        errors = precision_at_k(label_error_ranking(x, noisy)[3], flipped)
        report("labelling_layers", set=name, rows=len(y), layers="_".join(map(str, layers)), **accs, acc_all=f"{statistics.mean(full):.4f}",
               errors_precision_at_k=f"{errors:.4f}")


def _all_labels_accuracy(x: np.ndarray, y: np.ndarray, pool: np.ndarray, test: np.ndarray) -> float:
    ids = np.full(len(y), -1, np.int64)
    ids[pool] = y[pool]
    s = fit_suggestions(x, ids)
    return float((s.predicted[test] == y[test]).mean())


def flipped_labels(y: np.ndarray, n_classes: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(labels with 10% of them flipped to another class, the rows flipped), seeded."""
    rng = np.random.default_rng(seed)
    k = round(0.1 * len(y))
    flipped = rng.choice(len(y), k, replace=False)
    noisy = y.copy()
    noisy[flipped] = (y[flipped] + rng.integers(1, n_classes, k)) % n_classes
    return noisy, flipped


def precision_at_k(scores: np.ndarray, flipped: np.ndarray) -> float:
    top = np.lexsort((np.arange(len(scores)), -scores))[:len(flipped)]
    return len(set(flipped.tolist()) & set(top.tolist())) / len(flipped)


def test_label_errors(labelled_set):
    name, x, y, classes = labelled_set
    noisy, flipped = flipped_labels(y, len(classes))
    started = time.perf_counter()
    _, given, oof, _ = label_error_ranking(x, noisy, seed=0)
    seconds = time.perf_counter() - started
    for how in ERROR_SCORES:
        report("labelling_errors", set=name, score=how, chosen=how == ERROR_SCORE, flipped=len(flipped),
               precision_at_k=f"{precision_at_k(error_scores(oof, given, how), flipped):.4f}", cv_seconds=f"{seconds:.1f}")


@pytest.mark.parametrize("per_class", [10, 50])
def test_more_like_this(labelled_set, per_class):
    name, x, y, classes = labelled_set
    top_n = 50
    for how in SIMILARITIES:
        precisions = []
        for seed in range(SEEDS):
            rng = np.random.default_rng(seed)
            for c in range(len(classes)):
                members = np.flatnonzero(y == c)
                if len(members) < per_class + top_n:
                    continue
                ids = np.full(len(y), -1, np.int64)
                ids[rng.choice(members, per_class, replace=False)] = c
                ranked = more_like_this(x, ids, c, top_n, how=how)
                precisions.append(float((y[ranked.rows] == c).mean()))
        report("labelling_more_like_this", set=name, how=how, labelled_per_class=per_class, top=top_n,
               precision=f"{statistics.mean(precisions):.4f}")


def test_retrain_speed(shared_data):
    x_trec, y_trec, _ = labelled_vectors("trec", shared_data)
    x_sst, _, _ = labelled_vectors("sst2", shared_data)
    x = np.vstack([x_trec, x_sst])[:10000]
    rng = np.random.default_rng(0)
    for n_labelled in (300, 1000, 3000):
        ids = np.full(len(x), -1, np.int64)
        rows = rng.choice(len(x_trec), n_labelled, replace=False)
        ids[rows] = y_trec[rows]
        times = []
        for _ in range(5):
            started = time.perf_counter()
            fit_suggestions(x, ids)
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
        fit_suggestions(x, ids, out_of_fold=True)
        oof_s = time.perf_counter() - started
        report("labelling_retrain", rows=len(x), dim=x.shape[1], labelled=n_labelled, median_s=f"{statistics.median(times):.3f}",
               max_s=f"{max(times):.3f}", with_out_of_fold_s=f"{oof_s:.3f}")

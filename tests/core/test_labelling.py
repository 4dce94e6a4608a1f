"""Labelling in the loop through its public functions, on constructed vectors where the right
answer is known: suggestions (never over a given label), each strategy, more like this, label
errors, the simulation (deterministic, never offering a test row) and the workspace-level calls."""

from __future__ import annotations

import numpy as np
import pytest

from semvec_studio.core.errors import Cancelled, UsageError
from semvec_studio.core.labelling.errors import find_label_errors
from semvec_studio.core.labelling.similar import more_like_this
from semvec_studio.core.labelling.simulate import SimulationParams, simulate
from semvec_studio.core.labelling.strategies import STRATEGIES, rank
from semvec_studio.core.labelling.suggest import NEED_CLASSES, applicable_rows, fit_suggestions, suggestions_from_proba
from semvec_studio.core.labelling.workspace import workspace_more_like_this, workspace_rank, workspace_suggestions
from semvec_studio.core.tasks import RecordingContext
from semvec_studio.core.workspace.derived import CachedVectors
from semvec_studio.core.workspace.importing import create_workspace

DIM = 16


def blobs(sizes, seed: int = 0, spread: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    """Clusters around orthogonal directions (class k around axis k): vectors and class ids."""
    rng = np.random.default_rng(seed)
    x, y = [], []
    for k, size in enumerate(sizes):
        centre = np.zeros(DIM)
        centre[k] = 1.0
        x.append(centre + spread * rng.standard_normal((size, DIM)))
        y += [k] * size
    return np.vstack(x).astype(np.float32), np.asarray(y, np.int64)


def labelled(y: np.ndarray, per_class: int) -> np.ndarray:
    """The first ``per_class`` rows of each class keep their label; the rest are -1."""
    ids = np.full(len(y), -1, np.int64)
    for k in np.unique(y):
        rows = np.flatnonzero(y == k)[:per_class]
        ids[rows] = k
    return ids


# --- suggestions -------------------------------------------------------------------------------


def test_suggestions_predict_every_row_and_never_overwrite_a_given_label(tmp_path):
    x, y = blobs([40, 40, 40])
    ids = labelled(y, 5)
    ids[ids == 2] = 7  # label ids need not be 0..k-1
    has_vector = np.ones(len(y), bool)
    has_vector[[10, 50]] = False
    mm = np.lib.format.open_memmap(tmp_path / "v.npy", mode="w+", dtype=np.float32, shape=x.shape)
    mm[:] = x
    s = fit_suggestions(mm, ids, has_vector=has_vector)
    assert s.ready and s.reason == "" and s.labelled == 15
    assert s.classes.tolist() == [0, 1, 7]
    assert s.proba.shape == (120, 3) and s.proba.dtype == np.float32
    assert s.predicted[[10, 50]].tolist() == [-1, -1] and s.confidence[10] == 0
    truth = np.where(y == 2, 7, y)
    assert (s.predicted[has_vector] == truth[has_vector]).mean() > 0.95
    np.testing.assert_allclose(s.confidence[has_vector], s.proba[has_vector].max(axis=1), rtol=1e-6)
    assert (s.margin >= 0).all() and s.oof_proba is None
    rows = applicable_rows(s, ids)
    assert not set(rows.tolist()) & set(np.flatnonzero(ids >= 0).tolist())  # never a labelled row
    assert not {10, 50} & set(rows.tolist())
    assert len(rows) == 120 - 15 - 2


def test_suggestions_from_another_model_feed_the_same_queues():
    proba = np.array([[0.9, 0.1], [0.55, 0.45], [0.2, 0.8], [0.5, 0.5]], np.float32)
    s = suggestions_from_proba(np.array([4, 9]), proba, has_vector=np.array([True, True, True, False]))
    assert s.ready and s.predicted.tolist() == [4, 4, 9, -1]
    np.testing.assert_allclose(s.confidence, [0.9, 0.55, 0.8, 0.0])
    np.testing.assert_allclose(s.margin, [0.8, 0.1, 0.6, 0.0], atol=1e-6)
    ids = np.array([-1, -1, 4, -1])
    assert applicable_rows(s, ids).tolist() == [0, 1]
    x = np.eye(4, dtype=np.float32)
    assert rank("margin", vectors=x, label_ids=ids, suggestions=s, n=1, has_vector=np.array([True, True, True, False])).rows.tolist() == [1]


def test_suggestions_need_two_labelled_classes():
    x, y = blobs([20, 20])
    ids = np.full(len(y), -1)
    ids[:5] = 0
    s = fit_suggestions(x, ids)
    assert not s.ready and s.reason == NEED_CLASSES
    assert (s.predicted == -1).all() and len(applicable_rows(s, ids)) == 0


def test_out_of_fold_probabilities_cover_only_labelled_rows():
    x, y = blobs([30, 30])
    ids = labelled(y, 12)
    s = fit_suggestions(x, ids, out_of_fold=True, ctx=RecordingContext())
    assert s.oof_proba.shape == (60, 2)
    assert np.isnan(s.oof_proba[ids < 0]).all() and not np.isnan(s.oof_proba[ids >= 0]).any()


# --- strategies --------------------------------------------------------------------------------


def boundary_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two classes on axes 0 and 1; unlabelled rows along the arc between them. Returns vectors,
    given labels and the rows nearest the boundary (angle 45 degrees)."""
    x, y = blobs([30, 30], spread=0.05)
    ids = y.copy()
    angles = np.linspace(0.05, np.pi / 2 - 0.05, 41)
    arc = np.zeros((41, DIM), np.float32)
    arc[:, 0], arc[:, 1] = np.cos(angles), np.sin(angles)
    middle = 60 + np.argsort(np.abs(angles - np.pi / 4))[:5]
    return np.vstack([x, arc]), np.concatenate([ids, np.full(41, -1)]), middle


@pytest.mark.parametrize("strategy", ["margin", "entropy"])
def test_uncertainty_strategies_pick_rows_on_the_boundary(strategy):
    x, ids, middle = boundary_case()
    s = fit_suggestions(x, ids)
    ranked = rank(strategy, vectors=x, label_ids=ids, suggestions=s, n=5)
    assert ranked.strategy == strategy and set(ranked.rows.tolist()) == set(middle.tolist())
    assert (np.diff(ranked.scores) <= 1e-6).all()  # best first
    assert (ids[ranked.rows] == -1).all()


def test_diverse_picks_one_row_per_cluster_without_any_label():
    x, y = blobs([50, 20, 35, 60], spread=0.05)
    ids = np.full(len(y), -1)
    ranked = rank("diverse", vectors=x, label_ids=ids, suggestions=None, n=4, seed=3)
    assert sorted(y[ranked.rows].tolist()) == [0, 1, 2, 3]
    assert y[ranked.rows[0]] == 3  # the biggest cluster first
    again = rank("diverse", vectors=x, label_ids=ids, suggestions=None, n=4, seed=3)
    assert again.rows.tolist() == ranked.rows.tolist()


def test_uncertainty_without_a_model_gives_way_to_diverse():
    x, y = blobs([30, 30, 30], spread=0.05)
    ranked = rank("margin", vectors=x, label_ids=np.full(len(y), -1), suggestions=None, n=3)
    assert ranked.strategy == "diverse" and "needs a model" in ranked.note
    assert sorted(y[ranked.rows].tolist()) == [0, 1, 2]


def test_mistakes_finds_planted_flips():
    x, y = blobs([40, 40, 40], spread=0.1)
    ids = y.copy()
    flipped = np.array([3, 45, 90])
    ids[flipped] = (y[flipped] + 1) % 3
    ids[[100, 101]] = -1  # unlabelled rows are never "mistakes"
    for suggestions in (None, fit_suggestions(x, ids, out_of_fold=True)):
        ranked = rank("mistakes", vectors=x, label_ids=ids, suggestions=suggestions, n=10)
        assert set(ranked.rows[:3].tolist()) == set(flipped.tolist())
        assert (ids[ranked.rows] >= 0).all()


def test_random_is_seeded_and_only_offers_unlabelled_rows():
    x, y = blobs([30, 30])
    ids = labelled(y, 10)
    a = rank("random", vectors=x, label_ids=ids, suggestions=None, n=15, seed=1)
    b = rank("random", vectors=x, label_ids=ids, suggestions=None, n=15, seed=1)
    c = rank("random", vectors=x, label_ids=ids, suggestions=None, n=15, seed=2)
    assert a.rows.tolist() == b.rows.tolist() != c.rows.tolist()
    assert (ids[a.rows] == -1).all() and len(set(a.rows.tolist())) == 15


@pytest.mark.parametrize("strategy", ["margin", "entropy", "diverse", "random"])
def test_nothing_to_offer_when_every_row_is_labelled(strategy):
    x, y = blobs([10, 10])
    ranked = rank(strategy, vectors=x, label_ids=y, suggestions=fit_suggestions(x, y), n=5)
    assert len(ranked) == 0 and ranked.rows.dtype == np.int64


def test_unknown_strategy_names_the_choices():
    x, y = blobs([5, 5])
    with pytest.raises(UsageError) as err:
        rank("smart", vectors=x, label_ids=y, suggestions=None, n=3)
    assert all(name in str(err.value) for name in STRATEGIES) and "\n" not in str(err.value)


# --- more like this, label errors --------------------------------------------------------------


def test_more_like_this_ranks_unlabelled_rows_of_the_class_first():
    x, y = blobs([30, 30, 30])
    ids = labelled(y, 3)
    ranked = more_like_this(x, ids, 1, 20)
    assert (y[ranked.rows] == 1).all() and (ids[ranked.rows] == -1).all()
    assert (ranked.scores <= 1).all() and (ranked.scores >= -1).all() and (np.diff(ranked.scores) <= 1e-6).all()
    with pytest.raises(UsageError, match="no row"):
        more_like_this(x, ids, 9, 5)


def test_find_label_errors_finds_planted_flips():
    x, y = blobs([40, 40, 40, 40], spread=0.1)
    names = np.array(["red", "green", "blue", "grey"])[y]
    flipped = [5, 50, 95, 130]
    for r in flipped:
        names[r] = "red" if names[r] != "red" else "blue"
    found = find_label_errors(x, names, folds=5)
    assert {e.row for e in found[:4]} == set(flipped)
    first = found[0]
    assert first.given == names[first.row] and first.suggested == ["red", "green", "blue", "grey"][y[first.row]]
    assert [e.score for e in found] == sorted((e.score for e in found), reverse=True)
    assert len(find_label_errors(x, names, top=2)) == 2
    with pytest.raises(UsageError, match="2 classes"):
        find_label_errors(x, np.array(["a"] * len(y)))


# --- simulation --------------------------------------------------------------------------------


def test_simulation_is_deterministic_and_never_offers_a_test_row():
    x, y = blobs([60, 60, 60], spread=0.3)
    params = SimulationParams("margin", start="diverse", budget=60, step=10, seeds=2, test_split=0.25)
    ctx = RecordingContext()
    a = simulate(x, y, params, ctx)
    b = simulate(x, y, params)
    assert [p.labels for p in a.curve] == [10, 20, 30, 40, 50, 60]
    assert a.as_dict() == b.as_dict()
    assert all((p == q).all() for p, q in zip(a.offered, b.offered))
    for offered, test in zip(a.offered, a.test):
        assert len(set(offered.tolist())) == 60 and not set(offered.tolist()) & set(test.tolist())
        assert len(test) == 45
    assert a.curve[-1].accuracy > 0.9 and 0 <= a.curve[-1].accuracy_sd < 0.1
    assert ctx.progress and ctx.progress[-1].done == ctx.progress[-1].total
    assert set(a.as_dict()) == {"strategy", "curve"}
    assert set(a.as_dict()["curve"][0]) == {"labels", "accuracy", "accuracy_sd", "macro_f1"}


def test_simulation_budget_all_labels_the_whole_pool_and_cancels_between_steps():
    x, y = blobs([20, 20])
    result = simulate(x, y, SimulationParams("random", budget=None, step=7, seeds=1, test_split=0.2))
    assert result.curve[-1].labels == 32 and [p.labels for p in result.curve][:2] == [7, 14]
    with pytest.raises(Cancelled):
        simulate(x, y, SimulationParams("entropy", budget=None, step=2, seeds=1), RecordingContext(cancel_after=3))


def test_simulation_rejects_bad_input():
    x, y = blobs([20, 1])
    with pytest.raises(UsageError, match="only 1 row"):
        simulate(x, y, SimulationParams("margin"))
    with pytest.raises(UsageError, match="--start"):
        simulate(x, y, SimulationParams("margin", start="margin"))
    with pytest.raises(UsageError, match="--test-split"):
        simulate(x, y, SimulationParams("margin", test_split=1.5))


# --- over a workspace --------------------------------------------------------------------------


def test_workspace_calls_use_workspace_rows(tmp_path):
    x, y = blobs([10, 10])
    csv = tmp_path / "t.csv"
    texts = [f"text {i}" for i in range(21)]
    texts[7] = ""  # row 7 has no text, so no vector
    csv.write_text("text\n" + "\n".join(f'"{t}"' for t in texts) + "\n", encoding="utf-8")
    with create_workspace(tmp_path / "w.semvec", [csv]) as ws:
        assert ws.row_count == 21
        rows = np.array([r for r in range(21) if r != 7][:20], np.int64)
        cached = CachedVectors(tmp_path, x, rows, {})
        truth = dict(zip(rows.tolist(), y.tolist()))
        ws.set_label([int(rows[i]) for i in (0, 1, 2)], "a")
        ws.set_label([int(rows[i]) for i in (10, 11, 12)], "b")
        s = workspace_suggestions(ws, cached)
        ids, _ = ws.label_array()
        assert len(s) == 21 and s.predicted[7] == -1 and s.predicted[20] >= 0
        by_name = {lb.name: lb.id for lb in ws.labels()}
        for r in rows.tolist():
            assert s.predicted[r] == by_name["ab"[truth[r]]]
        applicable = applicable_rows(s, ids)
        assert 7 not in applicable and not set(applicable.tolist()) & set(np.flatnonzero(ids >= 0).tolist())
        ranked = workspace_rank(ws, cached, "margin", 5, suggestions=s)
        assert len(ranked) == 5 and set(ranked.rows.tolist()) <= set(rows.tolist()) - set(np.flatnonzero(ids >= 0).tolist())
        like = workspace_more_like_this(ws, cached, by_name["b"], 4)
        assert all(truth[r] == 1 for r in like.rows.tolist())

"""core.compare's arithmetic against references: linear CKA, k-NN overlap (Jaccard), Procrustes,
the control task of the probes, anisotropy. NumPy only, no model."""

from __future__ import annotations

import numpy as np
import pytest

from semvec_studio.core.compare.cka import cka_matrix, linear_cka
from semvec_studio.core.compare.layers import anisotropy
from semvec_studio.core.compare.overlap import jaccard_rows, knn_overlap
from semvec_studio.core.compare.probe import control_labels, cross_validated_accuracy, make_task, probe_space
from semvec_studio.core.compare.procrustes import align_maps
from semvec_studio.core.errors import UsageError
from semvec_studio.core.tasks import RecordingContext


def _naive_cka(x: np.ndarray, y: np.ndarray) -> float:
    """The n x n textbook form: HSIC(K, L) / sqrt(HSIC(K, K) HSIC(L, L)) with linear kernels."""
    n = len(x)
    h = np.eye(n) - 1.0 / n
    k, m = h @ x @ x.T @ h, h @ y @ y.T @ h
    return float((k * m).sum() / np.sqrt((k * k).sum() * (m * m).sum()))


def _orthogonal(d: int, rng) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(d, d)))
    return q * np.sign(np.diag(r))


@pytest.fixture
def spaces():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(150, 24))
    y = np.tanh(x @ rng.normal(size=(24, 16))) + 0.5 * rng.normal(size=(150, 16))
    return x, y, rng


# --- CKA -------------------------------------------------------------------------------------------

def test_cka_of_a_space_with_itself_is_one(spaces):
    x, y, _ = spaces
    assert linear_cka(x, x) == pytest.approx(1.0, abs=1e-12)
    assert linear_cka(y.astype(np.float32), y.astype(np.float32)) == pytest.approx(1.0, abs=1e-9)


def test_cka_is_invariant_to_rotation_and_isotropic_scale(spaces):
    x, y, rng = spaces
    base = linear_cka(x, y)
    assert linear_cka(x @ _orthogonal(24, rng), y) == pytest.approx(base, abs=1e-10)
    assert linear_cka(x, 7.5 * y @ _orthogonal(16, rng)) == pytest.approx(base, abs=1e-10)
    assert linear_cka(x + 3.0, y - 100.0) == pytest.approx(base, abs=1e-10)  # centring takes shifts away
    stretched = x * np.linspace(0.1, 10, 24)  # not isotropic: CKA changes
    assert abs(linear_cka(stretched, y) - base) > 1e-3


def test_cka_matches_the_n_by_n_reference_in_any_block_size(spaces):
    x, y, _ = spaces
    reference = _naive_cka(x, y)
    for block in (1, 7, 64, 10_000):
        assert linear_cka(x, y, block=block) == pytest.approx(reference, abs=1e-12)


def test_cka_reads_float32_memory_maps_in_blocks(tmp_path, spaces):
    x, y, _ = spaces
    np.save(tmp_path / "x.npy", x.astype(np.float32))
    mapped = np.load(tmp_path / "x.npy", mmap_mode="r")
    assert linear_cka(mapped, y, block=16) == pytest.approx(_naive_cka(x.astype(np.float32).astype(np.float64), y), abs=1e-9)


def test_cka_matrix_symmetric_and_cross_whatever_the_budget(spaces):
    x, y, rng = spaces
    z = rng.normal(size=(150, 5))
    expected = np.array([[_naive_cka(a, b) for b in (x, y, z)] for a in (x, y, z)])
    for budget in (1, 10_000, 1 << 30):  # one pair per pass .. all pairs in one Gram matrix
        np.testing.assert_allclose(cka_matrix([x, y, z], budget_bytes=budget), expected, atol=1e-12)
        np.testing.assert_allclose(cka_matrix([x, z], [y, x, z], budget_bytes=budget), expected[[0, 2]][:, [1, 0, 2]], atol=1e-12)


def test_cka_reports_progress_and_can_be_cancelled(spaces):
    x, y, _ = spaces
    ctx = RecordingContext()
    linear_cka(x, y, block=10, ctx=ctx)
    assert ctx.progress[-1].done == ctx.progress[-1].total and ctx.progress[-1].unit == "row"
    from semvec_studio.core.errors import Cancelled

    with pytest.raises(Cancelled):
        linear_cka(x, y, block=10, ctx=RecordingContext(cancel_after=2))


def test_cka_of_a_constant_space_is_undefined_and_bad_shapes_are_usage_errors(spaces):
    x, _, _ = spaces
    assert np.isnan(linear_cka(x, np.ones((150, 3))))
    with pytest.raises(UsageError, match="same rows"):
        linear_cka(x, x[:10])
    with pytest.raises(UsageError, match="2-D"):
        linear_cka(x, x[:, 0])


# --- k-NN overlap ---------------------------------------------------------------------------------

def _brute_neighbours(v: np.ndarray, k: int, metric: str) -> list[list[int]]:
    v = v.astype(np.float64)
    if metric == "cosine":
        u = v / np.linalg.norm(v, axis=1, keepdims=True)
        score = u @ u.T
    else:
        score = -np.sqrt(((v[:, None, :] - v[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(score, -np.inf)
    return [sorted(range(len(v)), key=lambda j: (-score[i, j], j))[:k] for i in range(len(v))]


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_overlap_is_the_jaccard_of_brute_force_neighbour_sets(spaces, metric):
    x, y, _ = spaces
    k = 6
    result = knn_overlap(x.astype(np.float32), y.astype(np.float32), k, metric)
    before, after = _brute_neighbours(x, k, metric), _brute_neighbours(y, k, metric)
    expected = np.array([len(set(a) & set(b)) / len(set(a) | set(b)) for a, b in zip(before, after)])
    np.testing.assert_allclose(result.overlap, expected)
    assert result.mean == pytest.approx(expected.mean())
    assert result.before.tolist() == before and result.after.tolist() == after
    assert all(i not in row for i, row in enumerate(result.before.tolist()))  # the row itself is excluded


def test_most_changed_and_one_rows_change(spaces):
    x, y, _ = spaces
    result = knn_overlap(x, y, 5)
    order = result.most_changed()
    assert sorted(order.tolist()) == list(range(150))
    assert (np.diff(result.overlap[order]) >= 0).all()
    assert result.most_changed(3).tolist() == order[:3].tolist()
    row = int(order[0])
    change = result.change(row)
    before, after = [r for r, _ in change.before], [r for r, _ in change.after]
    assert before == result.before[row].tolist() and after == result.after[row].tolist()
    assert change.entered == [r for r in after if r not in before]
    assert change.left == [r for r in before if r not in after]
    assert len(change.entered) == len(change.left)
    assert change.overlap == pytest.approx((5 - len(change.left)) / (5 + len(change.left)))
    with pytest.raises(UsageError, match="outside"):
        result.change(150)


def test_overlap_of_a_space_with_itself_or_a_rotation_is_one(spaces):
    x, _, rng = spaces
    assert knn_overlap(x, x @ _orthogonal(24, rng), 8).overlap.min() == pytest.approx(1.0)


def test_overlap_caps_k_and_checks_its_input(spaces):
    x, y, _ = spaces
    assert knn_overlap(x[:4], y[:4], 10).k == 3
    with pytest.raises(UsageError, match="same rows"):
        knn_overlap(x, y[:20])
    with pytest.raises(UsageError, match="at least 1"):
        knn_overlap(x, y, 0)
    with pytest.raises(UsageError, match="metric"):
        knn_overlap(x, y, 3, "manhattan")


def test_jaccard_rows_counts_shared_members():
    a = np.array([[1, 2, 3], [4, 5, 6]])
    b = np.array([[3, 2, 9], [7, 8, 9]])
    np.testing.assert_allclose(jaccard_rows(a, b), [2 / 4, 0.0])


# --- Procrustes --------------------------------------------------------------------------------------

def _rotation(theta: float) -> np.ndarray:
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


def test_procrustes_recovers_a_known_rotation_scale_and_shift():
    rng = np.random.default_rng(3)
    source = rng.normal(size=(80, 2))
    r = _rotation(2.1)
    target = source @ r * 3.0 + [5.0, -2.0]
    fit = align_maps(source, target)
    np.testing.assert_allclose(fit.rotation, r, atol=1e-10)
    assert fit.scale == pytest.approx(3.0) and not fit.reflected and fit.disparity < 1e-20
    np.testing.assert_allclose(fit.apply(source), target, atol=1e-10)


def test_procrustes_recovers_a_reflection_unless_told_not_to():
    rng = np.random.default_rng(4)
    source = rng.normal(size=(60, 2))
    mirror = np.array([[1.0, 0.0], [0.0, -1.0]]) @ _rotation(0.4)
    target = source @ mirror
    fit = align_maps(source, target)
    assert fit.reflected and np.linalg.det(fit.rotation) == pytest.approx(-1.0)
    np.testing.assert_allclose(fit.rotation, mirror, atol=1e-10)
    np.testing.assert_allclose(fit.apply(source), target, atol=1e-10)
    rotated_only = align_maps(source, target, reflection=False)
    assert not rotated_only.reflected and np.linalg.det(rotated_only.rotation) == pytest.approx(1.0)
    assert rotated_only.disparity > 0.1


def test_procrustes_ignores_rows_missing_from_either_map_and_keeps_scale_when_asked():
    rng = np.random.default_rng(5)
    source = rng.normal(size=(40, 2))
    target = source @ _rotation(1.0) * 2.0
    source[3] = np.nan
    fit = align_maps(source, target, scale=False)
    assert fit.scale == 1.0
    np.testing.assert_allclose(fit.rotation, _rotation(1.0), atol=1e-10)
    with pytest.raises(UsageError, match="same rows"):
        align_maps(source, target[:5])


# --- probes and the control task -----------------------------------------------------------------

def test_control_labels_are_fixed_per_word_type():
    types = ["the", "cat", "the", "sat", "cat", "the", "mat"] * 20
    labels = (["DET", "NOUN", "DET", "VERB", "NOUN", "DET", "NOUN"] * 20)
    control = control_labels(types, labels, seed=0)
    by_type: dict[str, set] = {}
    for t, c in zip(types, control):
        by_type.setdefault(t, set()).add(c)
    assert all(len(v) == 1 for v in by_type.values())
    assert set(control) <= set(labels)
    # fixed whatever the order of the rows or which other rows there are (same label distribution)
    order = np.random.default_rng(1).permutation(len(types))
    shuffled = control_labels([types[i] for i in order], [labels[i] for i in order], seed=0)
    assert shuffled == [control[i] for i in order]
    assert control_labels(types, labels, seed=0) == control


def test_text_control_labels_come_from_the_word_types_in_each_text():
    texts = [["what", "is", "a", "cat"], ["what", "is", "a", "dog"], ["who", "is", "she"], ["what", "is", "a", "cat"], []]
    labels = ["A", "B", "C", "A", "B"]

    def type_labels(types):  # each type's own draw under the same label distribution (5 rows at a time)
        return dict(zip(types, control_labels(types, labels, seed=0)))

    own_label = {**type_labels(["what", "is", "a", "cat", "dog"]), **type_labels(["who", "she", "", "x", "y"])}
    words = control_labels(texts, labels, seed=0, design="words")
    first = control_labels(texts, labels, seed=0, design="first-word")
    whole = control_labels(texts, labels, seed=0, design="text")
    assert words[0] == words[3] and whole[0] == whole[3]  # the same words, the same label
    assert first[:4] == [own_label["what"]] * 2 + [own_label["who"], own_label["what"]] and first[4] == own_label[""]
    for text, got in zip(texts, words):  # the majority of the words' labels; ties: the first in the text
        votes = [own_label[w] for w in (text or [""])]
        assert got == max(dict.fromkeys(votes), key=votes.count)
    with pytest.raises(UsageError, match="--control"):
        control_labels(texts, labels, design="random")


def test_control_labels_follow_the_label_distribution():
    types = [f"w{i}" for i in range(4000)]
    labels = ["A"] * 3000 + ["B"] * 1000
    control = control_labels(types, labels, seed=2)
    assert control.count("A") / len(control) == pytest.approx(0.75, abs=0.03)
    assert control_labels(types, labels, seed=3) != control  # another seed, another draw


def test_probe_reads_a_linear_signal_and_selectivity_is_accuracy_less_control():
    rng = np.random.default_rng(0)
    n = 400
    labels = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 10))
    x[:, 0] += 4.0 * labels  # the label is linearly readable
    types = [f"t{i % 37}" for i in range(n)]
    task = make_task([str(v) for v in labels], types, folds=5, seed=0)
    score = probe_space(x, task)
    assert score.accuracy > 0.95
    assert score.selectivity == pytest.approx(score.accuracy - score.control)
    assert set(score.as_dict()) == {"accuracy", "control", "selectivity"}
    tested = np.concatenate([te for _, te in task.folds])
    assert sorted(tested.tolist()) == list(range(n))  # each row predicted once


def test_probe_leaves_out_classes_smaller_than_the_folds_and_needs_two_classes():
    labels = ["a"] * 20 + ["b"] * 20 + ["rare"] * 2
    task = make_task(labels, [str(i) for i in range(42)], folds=5)
    assert task.dropped == 2 and len(task.rows) == 40
    with pytest.raises(UsageError, match="at least 2 labels"):
        make_task(["a"] * 10 + ["b"] * 2, [str(i) for i in range(12)], folds=5)
    with pytest.raises(UsageError, match="folds"):
        make_task(labels, [str(i) for i in range(42)], folds=1)


def test_grouped_folds_keep_each_text_whole():
    rng = np.random.default_rng(2)
    groups = np.repeat(np.arange(60), 5)
    labels = [("N", "V")[i % 2] for i in range(300)]
    task = make_task(labels, [f"w{i % 13}" for i in range(300)], folds=5, groups=groups)
    for train, test in task.folds:
        assert not set(groups[task.rows][train]) & set(groups[task.rows][test])
    assert 0.0 <= cross_validated_accuracy(rng.normal(size=(300, 4)), task.labels, task.folds) <= 1.0


def test_anisotropy_is_the_mean_cosine_of_random_pairs():
    rng = np.random.default_rng(0)
    same_way = rng.normal(size=(500, 16)) * 0.01 + 1.0
    assert anisotropy(same_way, 400, seed=0) > 0.99
    assert abs(anisotropy(rng.normal(size=(500, 64)), 2000, seed=0)) < 0.05
    x = rng.normal(size=(50, 8))
    assert anisotropy(x, 100, seed=1) == anisotropy(x, 100, seed=1)

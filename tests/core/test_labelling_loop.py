"""The labelling loop's jobs on a real workspace (a tiny random BERT): suggestions fitted on a
snapshot of the labels (an edit made afterwards does not leak in), queues in workspace rows that
never offer a labelled row (except ``mistakes``), "more like this", and a trained classifier's
predictions as the suggestions (the Train tab's hand-off)."""

from __future__ import annotations

import numpy as np
import pytest

from semvec_studio.cli import main
from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.labelling.loop import more_like, queue, suggest, suggest_from_run, vectors_for
from semvec_studio.core.train.infer import load_classifier
from semvec_studio.core.workspace.importing import ImportOptions, create_workspace
from semvec_studio.core.workspace.training import write_labelled
from tests.core import test_workspace_meaning as meaning
from tests.core.test_train import write_toy

_private_cache = meaning._private_cache  # the fixtures of the workspace tests: a private cache folder, the tiny model
lm = meaning.lm


@pytest.fixture
def ws(tmp_path):
    toy = write_toy(tmp_path / "toy.csv", n=60)
    with create_workspace(tmp_path / "toy.semvec", [toy]) as opened:
        yield opened


def label_half(ws) -> np.ndarray:
    """Label the first 20 rows with their true (file) class; the rest stay unlabelled."""
    rows = np.arange(20)
    ws.set_labels(rows, [r.values()["label"] for r in ws.read_rows(rows)], "typed")
    ids, _ = ws.label_array()
    return ids.copy()


def test_suggest_fits_on_the_snapshot_and_predicts_every_row(ws, lm):
    snapshot = label_half(ws)
    ws.set_label([30], "neg")  # an edit after the snapshot: not seen by this fit
    fitted = suggest(ws, lm, ExtractOptions(), snapshot)
    s = fitted.suggestions
    assert s.ready and s.labelled == 20 and len(s.predicted) == ws.row_count
    assert (s.predicted >= 0).all() and set(s.classes.tolist()) == {lb.id for lb in ws.labels()}
    np.testing.assert_allclose(s.proba.sum(axis=1), 1.0, atol=1e-5)
    assert fitted.cached is not None and len(fitted.cached) == ws.row_count
    again = suggest(ws, lm, ExtractOptions(), snapshot, cached=fitted.cached)  # the kept vectors: the same fit
    np.testing.assert_array_equal(again.suggestions.predicted, s.predicted)


def test_kept_vectors_of_other_options_are_made_again(ws, lm):
    """The GUI keeps the vectors between retrains; when the user changes the layers (or the
    model), the next retrain uses vectors of the new options, not the kept ones."""
    snapshot = label_half(ws)
    first = suggest(ws, lm, ExtractOptions(), snapshot)
    other = ExtractOptions(layers=(1,))
    again = suggest(ws, lm, other, snapshot, cached=first.cached)
    assert again.cached.path != first.cached.path and again.cached.manifest["key"] != first.cached.manifest["key"]
    fresh = suggest(ws, lm, other, snapshot)  # the same as without kept vectors
    np.testing.assert_array_equal(np.asarray(again.cached.vectors), np.asarray(fresh.cached.vectors))
    np.testing.assert_array_equal(again.suggestions.predicted, fresh.suggestions.predicted)
    assert suggest(ws, lm, other, snapshot, cached=again.cached).cached.path == again.cached.path  # kept while they match


def test_queues_are_workspace_rows_and_only_mistakes_offers_labelled_rows(ws, lm):
    snapshot = label_half(ws)
    fitted = suggest(ws, lm, ExtractOptions(), snapshot)
    for strategy in ("margin", "entropy", "diverse", "random"):
        q = queue(fitted.cached, snapshot, strategy, 10, suggestions=fitted.suggestions)
        assert len(q) == 10 and (snapshot[q.rows] < 0).all(), strategy
        assert len(set(q.rows.tolist())) == 10
    margin = queue(fitted.cached, snapshot, "margin", 40, suggestions=fitted.suggestions)
    assert np.all(np.diff(fitted.suggestions.margin[margin.rows]) >= -1e-6)  # smallest margin first
    assert (margin.suggested == fitted.suggestions.predicted[margin.rows]).all()
    flipped = snapshot.copy()
    ids = sorted({int(i) for i in snapshot[snapshot >= 0]})
    flipped[[0, 1]] = [ids[1] if snapshot[0] == ids[0] else ids[0], ids[1] if snapshot[1] == ids[0] else ids[0]]
    mistakes = queue(fitted.cached, flipped, "mistakes", 5)
    assert (flipped[mistakes.rows] >= 0).all()
    assert (mistakes.suggested != flipped[mistakes.rows]).all()  # it suggests the other label


def test_more_like_ranks_unlabelled_rows_by_cosine(ws, lm):
    snapshot = label_half(ws)
    fitted = suggest(ws, lm, ExtractOptions(), snapshot)
    pos = ws.label("pos").id
    ranked = more_like(fitted.cached, snapshot, pos, 15)
    assert len(ranked) == 15 and (snapshot[ranked.rows] < 0).all()
    assert np.all(np.diff(ranked.scores) <= 1e-6) and (np.abs(ranked.scores) <= 1 + 1e-6).all()


def test_a_trained_classifier_feeds_the_suggestions(ws, lm, tiny_bert, tmp_path):
    snapshot = label_half(ws)
    path, n = write_labelled(ws)
    assert n == 20
    run = tmp_path / "run"
    assert main(["train", "--csv", str(path), "-o", str(run), "--model", str(tiny_bert), "--max-steps", "4",
                 "--batch-size", "8", "--val-split", "0.2", "--quiet"]) == 0
    names = {lb.name: lb.id for lb in ws.labels()}
    fitted = suggest_from_run(ws, str(run), snapshot, names, device="cpu")
    s = fitted.suggestions
    assert fitted.source == str(run) and fitted.cached is None
    clf = load_classifier(run, device="cpu")
    texts = [r.text for r in ws.rows(0, ws.row_count)]
    expected = clf.predict_proba(texts)
    assert [names[name] for name in clf.labels] == s.classes.tolist()  # the classifier's classes, as label ids
    np.testing.assert_allclose(s.proba, expected / expected.sum(axis=1, keepdims=True), atol=1e-5)
    assert (s.predicted == s.classes[expected.argmax(axis=1)]).all()
    with_vectors = vectors_for(ws, lm, ExtractOptions(), fitted)  # the queues also need the vectors
    assert with_vectors.cached is not None and with_vectors.suggestions is s
    with pytest.raises(UsageError, match="not labels of this workspace"):
        suggest_from_run(ws, str(run), snapshot, {"other": 1, "names": 2}, device="cpu")


def test_the_label_column_of_a_file_is_not_needed(tmp_path, lm):
    toy = write_toy(tmp_path / "toy.csv", n=30)
    with create_workspace(tmp_path / "l.semvec", [toy], ImportOptions(label_column="label")) as ws:
        ids, _ = ws.label_array()
        fitted = suggest(ws, lm, ExtractOptions(), ids.copy())
        assert fitted.suggestions.labelled == 30
        assert queue(fitted.cached, ids, "margin", 5, suggestions=fitted.suggestions).rows.size == 0  # nothing unlabelled


def test_a_large_sets_more_like_this_asks_its_index(ws, lm, monkeypatch):
    pytest.importorskip("faiss", reason="the 'ann' extra")
    from semvec_studio.core.labelling.similar import more_like_this  # noqa: PLC0415 - beside the test that needs faiss
    from semvec_studio.core.projection import index as ann  # noqa: PLC0415 - as above

    monkeypatch.setattr(ann, "ANN_MIN_ROWS", 50)  # this workspace's 60 rows count as a large set
    snapshot = label_half(ws)
    fitted = suggest(ws, lm, ExtractOptions(), snapshot)
    assert (fitted.cached.path / "index" / "manifest.json").is_file()  # made with the vectors
    pos = ws.label("pos").id
    ranked = more_like(fitted.cached, snapshot, pos, 15)
    assert "index" in ranked.note and "recall@10" in ranked.note
    exact = more_like_this(np.asarray(fitted.cached.vectors), snapshot[np.asarray(fitted.cached.rows)], pos, 15)
    np.testing.assert_array_equal(ranked.rows, np.asarray(fitted.cached.rows)[exact.rows])
    np.testing.assert_allclose(ranked.scores, exact.scores, atol=1e-6)


def test_more_like_this_through_an_index_scores_its_candidates_exactly():
    pytest.importorskip("faiss", reason="the 'ann' extra")
    from semvec_studio.core.labelling.similar import more_like_this  # noqa: PLC0415 - beside the test that needs faiss
    from semvec_studio.core.projection.index import IndexParams, build_index  # noqa: PLC0415 - as above

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(12, 16)).astype(np.float32)
    vectors = centres[rng.integers(0, 12, 6000)] + 0.3 * rng.normal(size=(6000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = np.full(6000, -1, np.int64)
    labels[:300] = (np.arange(300) % 2)  # labelled rows of two classes, all over the set
    index = build_index(vectors, IndexParams(seed=1))
    fast = more_like_this(vectors, labels, 1, 40, index=index)
    exact = more_like_this(vectors, labels, 1, 40)
    assert fast.note.startswith("Candidates from the index") and not exact.note
    assert (labels[fast.rows] < 0).all() and len(fast) == 40
    assert len(set(fast.rows.tolist()) & set(exact.rows.tolist())) >= 36  # recall of the top 40
    centre = vectors[labels == 1].mean(axis=0)
    np.testing.assert_allclose(fast.scores, vectors[fast.rows] @ (centre / np.linalg.norm(centre)), atol=1e-5)

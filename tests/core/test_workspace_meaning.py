"""Derived data and search by meaning: the rows' sentence vectors kept in NAME.semvec-data/
(memory-mapped, keyed by model and options, extended when rows are added, rebuilt when missing
or damaged) equal the encode loop's; a query finds its own row on a tiny random model, and the
bundled model ranks real sentences by meaning (slow)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import load_model
from semvec_studio.core.tasks import RecordingContext
from semvec_studio.core.workspace import datadir
from semvec_studio.core.workspace.derived import load_cached, sentence_vectors, vectors_key
from semvec_studio.core.workspace.importing import add_files, create_workspace
from semvec_studio.core.workspace.meaning import rank_by_meaning, search_meaning, workspace_options
from semvec_studio.core.workspace.views import RowFilter, RowView

TEXTS = ["The bank raised interest rates.", "", "We sat on the river bank.", "Cats and dogs.", "  ",
         "A quick brown fox jumps over the lazy dog.", "Stock markets fell sharply today."]


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture(scope="module")
def lm(tiny_bert):
    return load_model(tiny_bert, device="cpu")


@pytest.fixture
def ws(tmp_path):
    path = tmp_path / "texts.csv"
    path.write_text("text,n\n" + "".join(f'"{t}",{i}\n' for i, t in enumerate(TEXTS)), encoding="utf-8")
    with create_workspace(tmp_path / "w.semvec", [path]) as opened:
        yield opened


def embedded(ctx: RecordingContext) -> float:
    return max((p.total for p in ctx.progress if p.phase == "embedding"), default=0)


def test_vectors_are_kept_memory_mapped_and_equal_the_encode_loop(ws, lm, tmp_path):
    ctx = RecordingContext()
    cached = sentence_vectors(ws, lm, ExtractOptions(), ctx)
    assert isinstance(cached.vectors, np.memmap) and isinstance(cached.rows, np.memmap)
    assert cached.rows.tolist() == [0, 2, 3, 5, 6]  # rows with a text
    reference = extract(lm, ws.corpus().texts, ExtractOptions())["sentence"].vectors
    np.testing.assert_allclose(cached.vectors, reference, atol=1e-5)
    assert embedded(ctx) == 5 and cached.path.parent.parent == ws.data_dir
    again = RecordingContext()
    sentence_vectors(ws, lm, ExtractOptions(batch_size=2), again)  # the batch size does not change the key
    assert embedded(again) == 0

    more = tmp_path / "more.txt"
    more.write_text("A loan from the bank.\n\nBlue birds sing.\n", encoding="utf-8")
    add_files(ws, [more])
    grown = RecordingContext()
    cached = sentence_vectors(ws, lm, ExtractOptions(), grown)
    assert embedded(grown) == 2  # only the new rows are encoded
    assert cached.rows.tolist() == [0, 2, 3, 5, 6, 7, 8]
    reference = extract(lm, ws.corpus().texts, ExtractOptions())["sentence"].vectors
    np.testing.assert_allclose(cached.vectors, reference, atol=1e-5)
    assert cached.manifest["rows_covered"] == 9 and cached.manifest["model"]["weights_sha256"] == lm.info.weights_sha256


def test_the_data_folder_is_disposable_and_keyed_by_options(ws, lm):
    first = sentence_vectors(ws, lm, ExtractOptions())
    cls = sentence_vectors(ws, lm, ExtractOptions(pooling="cls"))
    assert first.path != cls.path and vectors_key(lm, ExtractOptions()) in first.path.name
    # sentence vectors never see the words: another segmenter or batch size reuses the same vectors
    assert sentence_vectors(ws, lm, ExtractOptions(segmenter="whitespace", batch_size=3)).path == first.path
    assert not np.allclose(first.vectors, cls.vectors)
    assert sorted(e.path.name for e in datadir.entries(ws)) == sorted([first.path.name, cls.path.name])
    assert datadir.data_size(ws) > 0
    (first.path / "vectors.npy").write_bytes(b"damaged")
    assert load_cached(ws, vectors_key(lm, ExtractOptions())) is None
    rebuilt = RecordingContext()
    again = sentence_vectors(ws, lm, ExtractOptions(), rebuilt)
    assert embedded(rebuilt) == 5 and len(again) == 5
    datadir.clear(ws)
    assert not ws.data_dir.exists() and datadir.entries(ws) == [] and datadir.data_size(ws) == 0
    assert len(sentence_vectors(ws, lm, ExtractOptions())) == 5


def test_search_by_meaning_finds_the_row_of_its_own_text(ws, lm):
    hits = search_meaning(ws, "Cats and dogs.", model=lm, top=3)
    assert [h.rank for h in hits] == [1, 2, 3]
    assert (hits[0].row, hits[0].text, hits[0].line) == (3, "Cats and dogs.", 5)
    assert hits[0].score == pytest.approx(1.0, abs=1e-5) and hits[0].score >= hits[1].score >= hits[2].score
    ws.set_label([3], "animals")
    assert search_meaning(ws, "Cats and dogs.", model=lm, top=1)[0].label == "animals"
    assert len(search_meaning(ws, "anything", model=lm, top=50)) == 5
    with pytest.raises(UsageError, match="give a query"):
        search_meaning(ws, "  ", model=lm)


def test_the_workspace_extraction_settings_are_used(ws, lm):
    ws.set_setting("extract", {"pooling": "cls", "layers": [-2], "unknown": 1})
    assert workspace_options(ws) == ExtractOptions(pooling="cls", layers=(-2,))
    search_meaning(ws, "Cats", model=lm, top=1)
    assert [e.path.name for e in datadir.entries(ws)] == [f"sentence-{vectors_key(lm, ExtractOptions(pooling='cls', layers=(-2,)))}"]


@pytest.mark.slow
def test_search_by_meaning_with_the_bundled_model(tmp_path):
    texts = ["The central bank raised interest rates to fight inflation.", "We had a picnic on the grassy river bank.",
             "My cat sleeps on the sofa all day.", "The recipe needs two eggs, flour and butter.",
             "The striker scored twice in the final match.", "Stock markets fell sharply after the announcement."]
    src = tmp_path / "texts.txt"
    src.write_text("\n".join(texts) + "\n", encoding="utf-8")
    with create_workspace(tmp_path / "w.semvec", [src]) as ws:
        lm = load_model("default", device="cpu")
        assert search_meaning(ws, "monetary policy and the cost of borrowing", model=lm, top=1)[0].row == 0
        assert search_meaning(ws, "a pet animal resting", model=lm, top=1)[0].row == 2
        assert search_meaning(ws, "football game", model=lm, top=1)[0].row == 4
        assert search_meaning(ws, "baking a cake", model=lm, top=1)[0].row == 3
        shutil.rmtree(ws.data_dir)
        assert [h.row for h in search_meaning(ws, "shares dropped on the exchange", model=lm, top=2)][0] == 5


def test_rank_by_meaning_orders_every_row_with_a_text_and_a_ranked_view_keeps_the_order_under_filters(ws, lm):
    ranking = rank_by_meaning(ws, lm, "We sat on the river bank.", ExtractOptions())
    assert sorted(ranking.rows.tolist()) == [0, 2, 3, 5, 6] and ranking.rows[0] == 2  # rows without text have no vector
    assert ranking.scores[0] == pytest.approx(1.0, abs=1e-5) and (np.diff(ranking.scores) <= 0).all()
    top = search_meaning(ws, "We sat on the river bank.", model=lm, options=ExtractOptions(), top=3)
    assert [h.row for h in top] == ranking.rows[:3].tolist()
    assert [h.score for h in top] == pytest.approx(ranking.scores[:3].tolist(), abs=1e-6)
    ws.set_label([0, 3, 6], "keep")
    view = RowView.ranked(ws, ranking.rows, ranking.scores, RowFilter(labels=("keep",)))
    expected = [r for r in ranking.rows.tolist() if r in (0, 3, 6)]
    assert [view.row_at(i) for i in range(len(view))] == expected
    assert [view.score_at(i) for i in range(len(view))] == pytest.approx([float(ranking.scores[ranking.rows.tolist().index(r)]) for r in expected])
    with pytest.raises(UsageError):
        rank_by_meaning(ws, lm, "   ")


def test_maps_are_kept_by_what_made_them_whole_or_not_at_all(ws):
    from semvec_studio.core.projection.base import Projection, ProjectionParams
    from semvec_studio.core.workspace import maps

    vectors = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
    params = ProjectionParams(method="pca")
    key = maps.map_key(vectors, "sentence", params)
    assert key != maps.map_key(vectors, "word", params) and key != maps.map_key(vectors + 1, "sentence", params)
    assert key != maps.map_key(vectors, "sentence", ProjectionParams(method="pca", seed=1))
    assert maps.load_map(ws, key) is None
    proj = Projection(vectors[:, :2].copy(), np.arange(6), "pca", {"method": "pca"}, [0.5, 0.2], {}, "scikit-learn")
    maps.save_map(ws, key, proj)
    back = maps.load_map(ws, key)
    np.testing.assert_array_equal(back.coords, proj.coords)
    assert back.rows.tolist() == list(range(6)) and back.explained_variance == [0.5, 0.2] and back.method == "pca"
    sampled = Projection(vectors[:, :2].copy(), np.arange(6), "tsne", {"method": "tsne"}, None, {}, "openTSNE",
                         fitted_rows=4, placement="openTSNE transform")
    maps.save_map(ws, "sampled", sampled)
    again = maps.load_map(ws, "sampled")  # a map fitted on a sample says so after a reopen too
    assert again.fitted_rows == 4 and again.placement == "openTSNE transform" and again.fitted_on == "fitted on 4 of 6 rows"
    (ws.data_dir / maps.MAPS / key / maps.COORDS_FILE).write_bytes(b"damaged")
    assert maps.load_map(ws, key) is None  # damaged: made again
    for i in range(maps.MAPS_KEPT + 2):
        maps.save_map(ws, f"k{i}", proj)
    folders = [p for p in (ws.data_dir / maps.MAPS).iterdir()]
    assert len(folders) == maps.MAPS_KEPT and not any(p.name.startswith(".") for p in folders)

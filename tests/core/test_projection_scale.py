"""Maps of more rows than a method fits (issue 17): t-SNE and UMAP fit on a seeded sample of
``fit_max`` rows and place the others with their own transform; the result, the manifest,
projection.tsv and `semvec project` say "fitted on N of M rows". Small sets and thresholds (fit
on 500 of 3,000 rows) keep it fast."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from semvec_studio.core.errors import Cancelled, UsageError
from semvec_studio.core.projection.base import FIT_MAX, ProjectionParams
from semvec_studio.core.projection.files import FITTED_COLUMN, PROJECTION_FILE, save_projection
from semvec_studio.core.projection.fit import PLACE_BLOCK
from semvec_studio.core.projection.methods import METHODS
from semvec_studio.core.projection.project import project
from semvec_studio.core.rows import sample_positions
from semvec_studio.core.tasks import RecordingContext
from tests.core.test_cli_project import cli, read_tsv

N, FIT, CLUSTERS = 3000, 500, 6
needs_umap = pytest.mark.skipif(importlib.util.find_spec("umap") is None, reason="umap-learn not installed")


@pytest.fixture(scope="module")
def clustered():
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((CLUSTERS, 32)).astype(np.float32) * 4
    labels = rng.integers(0, CLUSTERS, N)
    return (centres[labels] + rng.standard_normal((N, 32))).astype(np.float32), labels


def placed_near_their_cluster(coords: np.ndarray, labels: np.ndarray, fitted: np.ndarray) -> float:
    """Share of placed points whose nearest fitted point (in the map) is of their own cluster."""
    fit_xy, fit_lab = coords[fitted], labels[fitted]
    placed = np.flatnonzero(~fitted)
    d = ((coords[placed, None, :] - fit_xy[None, :, :]) ** 2).sum(axis=2)
    return float((fit_lab[d.argmin(axis=1)] == labels[placed]).mean())


def test_the_threshold_is_a_named_constant_of_the_methods_that_need_it():
    assert FIT_MAX == 100_000
    assert METHODS["tsne"].fit_max == FIT_MAX and METHODS["umap"].fit_max == FIT_MAX
    assert METHODS["pca"].fit is None and METHODS["axes"].fit is None  # they take every row


def test_tsne_fits_a_seeded_sample_and_places_the_rest_deterministically(clustered):
    x, labels = clustered
    params = ProjectionParams(method="tsne", fit_max=FIT, seed=3)
    ctx = RecordingContext()
    a = project(x, params, ctx)
    b = project(x, params, quality=False)
    np.testing.assert_array_equal(a.coords, b.coords)  # same seed, same map (placement included)
    assert a.fitted_rows == FIT and a.total_rows == N and a.fitted_on == "fitted on 500 of 3,000 rows"
    assert a.placement == "openTSNE TSNEEmbedding.transform" and "openTSNE" in a.implementation
    np.testing.assert_array_equal(np.flatnonzero(a.fitted), sample_positions(N, FIT, 3))  # the seeded sample
    assert np.isfinite(a.coords).all() and a.coords.dtype == np.float32
    assert placed_near_their_cluster(a.coords, labels, a.fitted) > 0.95
    assert a.quality["trustworthiness"] > 0.9
    placing = [r for r in ctx.reports if r[2].startswith("placing the other 2,500 rows")]
    assert placing and placing[-1][:2] == (2500, 2500)
    record = a.as_record()
    assert record["fitted_rows"] == FIT and record["total_rows"] == N and record["fitted_on"] == "fitted on 500 of 3,000 rows"
    assert record["placement"] == a.placement and record["params"]["fit_max"] == FIT
    assert json.loads(json.dumps(record)) == record
    other = project(x, ProjectionParams(method="tsne", fit_max=FIT, seed=4), quality=False)
    assert not np.array_equal(np.flatnonzero(other.fitted), np.flatnonzero(a.fitted))


@needs_umap
def test_umap_fits_a_seeded_sample_and_places_the_rest_deterministically(clustered):
    x, labels = clustered
    params = ProjectionParams(method="umap", fit_max=300, seed=1, n_neighbors=10)
    a = project(x[:900], params, quality=False)
    b = project(x[:900], params, quality=False)
    np.testing.assert_array_equal(a.coords, b.coords)
    assert a.fitted_on == "fitted on 300 of 900 rows" and a.placement == "UMAP transform"
    assert placed_near_their_cluster(a.coords, labels[:900], a.fitted) > 0.95


def test_at_or_below_the_limit_every_row_is_fitted(clustered):
    x, _ = clustered
    p = project(x[:400], ProjectionParams(method="tsne", fit_max=FIT), quality=False)
    assert p.fitted_rows == p.total_rows == 400 and p.fitted_on == "" and p.fitted is None and p.placement == ""
    assert "fitted_on" not in p.as_record() and p.as_record()["fitted_rows"] == 400
    pca = project(x, ProjectionParams(method="pca", fit_max=FIT), quality=False)  # PCA fits every row
    assert pca.fitted_rows == N and pca.fitted_on == "" and "fit_max" not in pca.params


def test_fit_limit_options_are_checked_against_the_fitted_rows(clustered):
    x, _ = clustered
    with pytest.raises(UsageError, match="--fit-max 2: give at least 3 rows"):
        project(x, ProjectionParams(method="tsne", fit_max=2))
    with pytest.raises(UsageError, match="less than the number of rows projected \\(40\\)"):
        project(x, ProjectionParams(method="tsne", fit_max=40, perplexity=50))


class CancelWhenPlacing(RecordingContext):
    def on_progress(self, progress) -> None:
        super().on_progress(progress)
        if progress.phase.startswith("placing"):
            self.token.cancel()


def test_cancel_while_placing_stops_the_job(clustered):
    x, _ = clustered
    ctx = CancelWhenPlacing()
    with pytest.raises(Cancelled):
        project(x[:1200], ProjectionParams(method="tsne", fit_max=300), ctx)
    placing = [r for r in ctx.reports if r[2].startswith("placing")]
    assert placing == [(0, 900, placing[0][2])]  # cancelled before the first block was placed
    assert PLACE_BLOCK >= 1024


def test_saved_projection_says_fitted_on_and_marks_the_fitted_rows(tmp_path, clustered):
    from semvec_studio.core.io.exporters import save
    from semvec_studio.core.io.vectors import EmbeddingSet

    x, _ = clustered
    es = EmbeddingSet(x, {"text_id": np.arange(N, dtype=np.int64), "text": [f"t{i}" for i in range(N)]},
                      {"model": {"name": "synthetic"}}, "sentence")
    folder = save(es, tmp_path / "out", ("npy",))
    proj = project(x, ProjectionParams(method="tsne", fit_max=FIT), quality=False)
    save_projection(folder, EmbeddingSet.load(folder), proj)
    record = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["projection"]
    assert record["fitted_on"] == "fitted on 500 of 3,000 rows" and record["total_rows"] == N
    table = read_tsv(folder / PROJECTION_FILE)
    assert table[0][-1] == FITTED_COLUMN
    assert sum(int(r[-1]) for r in table[1:]) == FIT


def test_semvec_project_prints_fitted_on(tmp_path, capsys, clustered):
    from semvec_studio.core.io.exporters import save
    from semvec_studio.core.io.vectors import EmbeddingSet

    x, _ = clustered
    es = EmbeddingSet(x, {"text_id": np.arange(N, dtype=np.int64), "text": [f"t{i}" for i in range(N)]},
                      {"model": {"name": "synthetic"}}, "sentence")
    folder = save(es, tmp_path / "out", ("npy",))
    rc, _, err = cli(capsys, "project", folder, "--method", "tsne", "--fit-max", FIT)
    assert rc == 0
    assert "fitted on 500 of 3,000 rows, the others placed with openTSNE TSNEEmbedding.transform" in err
    rc, _, err = cli(capsys, "project", folder, "--method", "tsne", "--fit-max", FIT, "--sample", 1000)
    assert rc == 0 and "a sample of 1,000 of 3,000 rows, fitted on 500 of 1,000 rows" in err

"""core.projection: the method registry, PCA/t-SNE/UMAP/custom axes, neighbours, quality, k-means,
Word-in-context rows, BLAS threads, cancel; and the row helpers of core.rows.

Synthetic data only (scikit-learn make_blobs at 384 dimensions), so these run anywhere, fast."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import replace

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA

from semvec_studio.core.errors import Cancelled, InputError, MissingExtraError, UsageError
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.projection import tsne
from semvec_studio.core.projection.base import Method, Projected, Projection, ProjectionParams, Requirement
from semvec_studio.core.projection.clusters import kmeans_clusters
from semvec_studio.core.projection.context import context_params, project_rows, word_rows
from semvec_studio.core.projection.methods import METHODS, method_available, register
from semvec_studio.core.projection.neighbours import neighbours
from semvec_studio.core.projection.project import project
from semvec_studio.core.projection.quality import projection_quality
from semvec_studio.core.projection.threads import BLAS_THREADS_MAX, blas_thread_count, blas_threads
from semvec_studio.core.rows import l2_normalize, sample_positions, unit_rows
from semvec_studio.core.tasks import RecordingContext

HAVE_UMAP = importlib.util.find_spec("umap") is not None


def blobs(n: int = 300, dim: int = 384, centers: int = 5, seed: int = 0, std: float = 1.0):
    x, y = make_blobs(n_samples=n, n_features=dim, centers=centers, cluster_std=std, random_state=seed)
    return x.astype(np.float32), y


@pytest.fixture(scope="module")
def data():
    return blobs()


# --- registry and validation ------------------------------------------------------------------

def test_registry_lists_the_methods():
    assert list(METHODS)[:4] == ["pca", "tsne", "umap", "axes"]
    assert all(isinstance(m, Method) and m.name == name for name, m in METHODS.items())
    assert method_available("pca") and method_available("tsne") and method_available("axes")
    assert not method_available("nope")


def test_a_new_method_is_one_registry_entry(data, monkeypatch):
    def first_two(vectors, rows, params, ctx):
        return Projected(np.asarray(vectors[rows][:, :2]), None, "first two dimensions")

    def check(params, m, n):
        if params.seed > 9:
            raise UsageError("first-two: seed above 9")

    monkeypatch.setitem(METHODS, "first-two", None)  # restored (removed) after the test
    register(Method("first-two", first_two, ("metric",), checks=(check,)))
    p = project(data[0], ProjectionParams(method="first-two", seed=1))
    np.testing.assert_array_equal(p.coords, data[0][:, :2])
    assert p.params == {"seed": 1, "sample": None, "metric": "cosine"} and p.implementation == "first two dimensions"
    assert 0 <= p.quality["trustworthiness"] <= 1
    with pytest.raises(UsageError, match="first-two: seed above 9"):
        project(data[0], ProjectionParams(method="first-two", seed=10))


@pytest.mark.parametrize("params, needle", [
    (ProjectionParams(method="mds"), "unknown projection method 'mds'; choose one of: pca, tsne, umap, axes"),
    (ProjectionParams(metric="manhattan"), "unknown metric 'manhattan'; choose one of: cosine, euclidean"),
    (ProjectionParams(method="tsne", perplexity=300), "perplexity 300 must be less than the number of rows projected (300)"),
    (ProjectionParams(method="tsne", perplexity=50, sample=40), "less than the number of rows projected (40)"),
    (ProjectionParams(method="tsne", perplexity=0), "t-SNE perplexity 0: give a positive number"),
    (ProjectionParams(method="tsne", learning_rate="fast"), "t-SNE learning rate 'fast'"),
    (ProjectionParams(method="umap", n_neighbors=1), "UMAP neighbours (--neighbors) 1"),
    (ProjectionParams(method="umap", min_dist=2.0), "UMAP minimum distance (--min-dist) 2.0"),
    (ProjectionParams(sample=1), "sample size (--sample) 1"),
    (ProjectionParams(method="axes"), "custom axes need two pairs of rows"),
    (ProjectionParams(method="axes", axes=((0, 1), (2, 999))), "custom y axis: row 999 is outside 0..299"),
    (ProjectionParams(method="axes", axes=((4, 4), (2, 3))), "custom x axis: the two ends are the same row (4)"),
])
def test_bad_parameters_raise_usage_errors(data, params, needle):
    if params.method == "umap" and not HAVE_UMAP:
        pytest.skip("umap-learn not installed")
    with pytest.raises(UsageError) as info:
        project(data[0], params)
    assert needle in str(info.value)


def test_too_few_rows_and_non_finite_values():
    with pytest.raises(UsageError, match="at least 3 rows; this set has 2"):
        project(np.ones((2, 4), np.float32), ProjectionParams())
    x, _ = blobs(50)
    x[17, 3] = np.nan
    with pytest.raises(InputError, match="row 17: the vector holds NaN"):
        project(x, ProjectionParams())


def test_umap_missing_is_a_missing_extra_error(data, monkeypatch):
    missing = Requirement("semvec_no_such_module", "UMAP projection", "umap-learn", "umap")
    monkeypatch.setitem(METHODS, "umap", replace(METHODS["umap"], requires=missing))
    assert not method_available("umap")
    with pytest.raises(MissingExtraError) as info:
        project(data[0], ProjectionParams(method="umap"))
    assert "UMAP projection needs the optional package 'umap-learn'" in str(info.value)
    assert "semvec-studio[umap]" in str(info.value)


# --- PCA --------------------------------------------------------------------------------------

@pytest.mark.parametrize("solver, n, dim", [
    ("full", 300, 384),  # small sets
    ("randomized", 300, 384),  # large wide sets
    ("streaming covariance", 3000, 48),  # large tall sets (most sets): exact, block by block
])
def test_pca_equals_scikit_learn_up_to_sign(solver, n, dim, monkeypatch):
    if solver != "full":  # make this small set count as large
        monkeypatch.setattr("semvec_studio.core.projection.pca.LARGE_PCA_CELLS", 0)
        monkeypatch.setattr("semvec_studio.core.projection.pca.BLOCK_ROWS", 1000)  # several blocks
    x, _ = blobs(n, dim)
    x += 50.0  # a large common offset, as real embeddings have: centring must not lose precision
    p = project(x, ProjectionParams(method="pca", seed=3), quality=False)
    ref = PCA(n_components=2, svd_solver="full").fit(x.astype(np.float64))
    want = ref.transform(x.astype(np.float64))
    assert p.coords.dtype == np.float32 and p.coords.shape == (n, 2)
    for j in range(2):
        sign = np.sign(p.coords[:, j] @ want[:, j])
        np.testing.assert_allclose(sign * p.coords[:, j], want[:, j], rtol=1e-3, atol=1e-3 * np.abs(want[:, j]).max())
    np.testing.assert_allclose(p.explained_variance, ref.explained_variance_ratio_, rtol=1e-3)
    np.testing.assert_array_equal(p.rows, np.arange(n))
    assert p.method == "pca" and p.params == {"seed": 3, "sample": None} and p.quality == {}
    assert p.implementation.endswith(f"PCA ({solver})")


def test_pca_on_a_seeded_sample_and_memory_map(tmp_path, data):
    np.save(tmp_path / "v.npy", data[0])
    mapped = np.load(tmp_path / "v.npy", mmap_mode="r")
    a = project(mapped, ProjectionParams(sample=120, seed=5))
    b = project(data[0], ProjectionParams(sample=120, seed=5))
    c = project(data[0], ProjectionParams(sample=120, seed=6))
    assert a.rows.dtype == np.int64 and len(a.rows) == 120 and np.all(np.diff(a.rows) > 0)
    np.testing.assert_array_equal(a.rows, b.rows)
    np.testing.assert_array_equal(a.coords, b.coords)
    assert not np.array_equal(a.rows, c.rows)
    assert a.quality["sample"] == 120
    np.testing.assert_array_equal(a.coords, project(data[0][a.rows], ProjectionParams()).coords)
    assert a.quality == projection_quality(data[0][a.rows], a.coords, seed=5)  # the same measure as on its own
    # a sample at least as large as the set projects every row
    assert len(project(data[0], ProjectionParams(sample=10_000), quality=False).rows) == len(data[0])


# --- t-SNE and UMAP: same seed, same map -------------------------------------------------------

def test_tsne_is_deterministic_under_a_seed_and_reports_progress():
    x, y = blobs(200)
    params = ProjectionParams(method="tsne", perplexity=20, seed=7)
    ctx = RecordingContext()
    a, b = project(x, params, ctx), project(x, params)
    np.testing.assert_array_equal(a.coords, b.coords)
    assert a.coords.dtype == np.float32 and a.coords.shape == (200, 2)
    assert a.params == {"seed": 7, "sample": None, "perplexity": 20, "learning_rate": "auto", "metric": "cosine"}
    assert a.quality["trustworthiness"] > 0.9 and "openTSNE" in a.implementation
    steps = [d for d, t, m in ctx.reports if m.startswith("t-SNE")]
    assert {t for _, t, m in ctx.reports if m.startswith("t-SNE")} == {750}
    assert steps == sorted(steps) and steps[-1] == 750 and len(steps) > 70  # every 10 iterations
    c = project(x, ProjectionParams(method="tsne", perplexity=20, seed=8), quality=False)
    assert not np.array_equal(a.coords, c.coords)


def test_without_opentsne_tsne_falls_back_to_scikit_learn(monkeypatch):
    monkeypatch.setattr(tsne, "USE_OPENTSNE", False)  # as where openTSNE cannot be imported
    x, _ = blobs(120)
    params = ProjectionParams(method="tsne", perplexity=10, seed=1)
    ctx = RecordingContext()
    a, b = project(x, params, ctx, quality=False), project(x, params, quality=False)
    np.testing.assert_array_equal(a.coords, b.coords)
    assert a.coords.dtype == np.float32 and "barnes_hut" in a.implementation
    assert (1, 1, "t-SNE (scikit-learn)") in ctx.reports  # progress per phase


@pytest.mark.skipif(not HAVE_UMAP, reason="umap-learn not installed (pip install 'semvec-studio[umap]')")
def test_umap_is_deterministic_under_a_seed():
    x, _ = blobs(200)
    params = ProjectionParams(method="umap", n_neighbors=10, min_dist=0.2, seed=4, metric="euclidean")
    a, b = project(x, params, quality=False), project(x, params, quality=False)
    np.testing.assert_array_equal(a.coords, b.coords)
    assert a.coords.dtype == np.float32 and a.coords.shape == (200, 2)
    assert a.params == {"seed": 4, "sample": None, "n_neighbors": 10, "min_dist": 0.2, "metric": "euclidean"}


# --- progress and cancel ----------------------------------------------------------------------

def test_cancel_of_a_running_tsne_is_prompt():
    x, _ = blobs(200)
    ctx = RecordingContext(cancel_after=10**9)
    project(x, ProjectionParams(method="tsne", perplexity=20), ctx, quality=False)
    before = next(i for i, r in enumerate(ctx.reports) if r[2] == "t-SNE: early exaggeration")
    ctx = RecordingContext(cancel_after=before + 2)  # cancelled at the 2nd optimisation report
    start = time.perf_counter()
    with pytest.raises(Cancelled):
        project(x, ProjectionParams(method="tsne", perplexity=20), ctx)
    assert time.perf_counter() - start < 5
    assert ctx.reports[-1] == (20, 750, "t-SNE: early exaggeration")  # stopped at once (iteration 20 of 750)


def test_cancel_before_start_stops_every_method(data):
    for method in ("pca", "axes", "tsne"):
        ctx = RecordingContext()
        ctx.token.cancel()
        with pytest.raises(Cancelled):
            project(data[0], ProjectionParams(method=method, axes=((0, 1), (2, 3))), ctx)


# --- custom axes ------------------------------------------------------------------------------

def test_custom_axes_put_the_ends_at_zero_and_one(data):
    x = data[0]
    p = project(x, ProjectionParams(method="axes", axes=((0, 1), (2, 3))), quality=False)
    np.testing.assert_allclose(p.coords[[0, 1], 0], [0, 1], atol=1e-5)
    np.testing.assert_allclose(p.coords[[2, 3], 1], [0, 1], atol=1e-5)
    v = (x[1] - x[0]).astype(np.float64)
    np.testing.assert_allclose(p.coords[:, 0], (x - x[0]) @ v / (v @ v), rtol=1e-4, atol=1e-4)
    assert p.params["axes"] == [[0, 1], [2, 3]]
    sampled = project(x, ProjectionParams(method="axes", axes=((0, 1), (2, 3)), sample=50, seed=2), quality=False)
    np.testing.assert_allclose(sampled.coords, p.coords[sampled.rows], rtol=1e-5, atol=1e-5)
    same = x.copy()
    same[5] = same[6]
    with pytest.raises(UsageError, match="rows 5 and 6 have the same vector"):
        project(same, ProjectionParams(method="axes", axes=((0, 1), (5, 6))))


# --- neighbours -------------------------------------------------------------------------------

def brute_force(x: np.ndarray, q: np.ndarray, k: int, metric: str, exclude: np.ndarray | None):
    x64, q64 = x.astype(np.float64), q.astype(np.float64)
    if metric == "cosine":
        xn = x64 / np.linalg.norm(x64, axis=1, keepdims=True)
        qn = q64 / np.linalg.norm(q64, axis=1, keepdims=True)
        sims = qn @ xn.T
    else:
        sims = -np.sqrt(((q64[:, None, :] - x64[None, :, :]) ** 2).sum(-1))
    if exclude is not None:
        sims[np.arange(len(q)), exclude] = -np.inf
    idx = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(sims, idx, axis=1)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
@pytest.mark.parametrize("block", [1, 7, 64, 97, 4096])  # block boundaries inside, at and past the set
def test_neighbours_equal_brute_force(metric, block):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((97, 24)).astype(np.float32)
    rows = np.array([0, 6, 7, 50, 63, 64, 96])
    idx, sims = neighbours(x, rows, k=9, metric=metric, block=block)
    ref_idx, ref_sims = brute_force(x, x[rows], 9, metric, rows)
    assert idx.dtype == np.int64 and sims.dtype == np.float32 and idx.shape == (7, 9)
    np.testing.assert_array_equal(idx, ref_idx)
    np.testing.assert_allclose(sims, ref_sims, rtol=1e-4, atol=1e-4)
    assert not np.any(idx == rows[:, None])  # never the query itself
    # query vectors (not rows): nothing is excluded, so each row finds itself first
    idx_v, sims_v = neighbours(x, x[rows], k=3, metric=metric, block=block)
    np.testing.assert_array_equal(idx_v[:, 0], rows)
    np.testing.assert_array_equal(idx_v, brute_force(x, x[rows], 3, metric, None)[0])


def test_neighbours_many_queries_cross_query_blocks(monkeypatch):
    monkeypatch.setattr("semvec_studio.core.projection.neighbours.QUERY_BLOCK", 16)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((200, 8)).astype(np.float32)
    idx, _ = neighbours(x, list(range(200)), k=5, metric="euclidean", block=33)
    np.testing.assert_array_equal(idx, brute_force(x, x, 5, "euclidean", np.arange(200))[0])


def test_neighbours_edge_cases():
    x = np.eye(4, dtype=np.float32)
    x[3] = 0  # a zero vector has cosine 0 with everything
    idx, sims = neighbours(x, [0], k=10)
    assert idx.shape == (1, 3) and sims.max() <= 1.0  # k capped at the other rows
    np.testing.assert_array_equal(idx[0], [1, 2, 3])  # all ties at 0: lower row first
    assert neighbours(x, [], k=3)[0].shape == (0, 3)
    with pytest.raises(UsageError, match="row 9 is outside 0..3"):
        neighbours(x, [9])
    with pytest.raises(UsageError, match="unknown metric 'dot'"):
        neighbours(x, [0], metric="dot")
    with pytest.raises(UsageError, match="query vectors have 5 dimensions, the set has 4"):
        neighbours(x, np.ones((1, 5), np.float32))


# --- quality ----------------------------------------------------------------------------------

def test_quality_is_in_range_and_rewards_a_good_map():
    x, _ = blobs(400, centers=4, std=0.5)
    pca = project(x, ProjectionParams(method="pca"), quality=False).coords
    rand = np.random.default_rng(0).standard_normal((400, 2)).astype(np.float32)
    good = projection_quality(x, pca, k=10, sample=300, seed=0)
    bad = projection_quality(x, rand, k=10, sample=300, seed=0)
    for q in (good, bad):
        assert 0.0 <= q["trustworthiness"] <= 1.0 and 0.0 <= q["knn_overlap"] <= 1.0
        assert q["k"] == 10 and q["sample"] == 300
    assert good["trustworthiness"] > bad["trustworthiness"] + 0.2
    assert good["knn_overlap"] > bad["knn_overlap"]
    assert projection_quality(x, pca, sample=300, seed=0) == good  # seeded: repeatable
    assert projection_quality(x[:5], pca[:5], k=10)["k"] == 2  # k < sample / 2 (scikit-learn's rule)
    with pytest.raises(UsageError, match="400 vectors but 3 projected points"):
        projection_quality(x, pca[:3])


def test_projection_record_is_json_ready(data):
    import json

    p = project(data[0], ProjectionParams(method="pca"))
    assert isinstance(p, Projection)
    rec = p.as_record()
    assert json.loads(json.dumps(rec)) == rec
    assert set(rec) == {"method", "params", "explained_variance", "quality", "rows", "implementation", "fitted_rows",
                        "total_rows"}
    assert rec["fitted_rows"] == rec["total_rows"] == rec["rows"] == len(data[0])  # every row fitted: no "fitted_on"


# --- BLAS threads: decided from the machine ---------------------------------------------------

def test_blas_threads_leave_one_cpu_and_are_capped():
    assert [blas_thread_count(c) for c in (1, 2, 3, 4, 8)] == [1, 1, 2, 3, 7]
    assert blas_thread_count(64) == BLAS_THREADS_MAX


def test_blas_threads_follow_the_cpus_this_process_may_use(monkeypatch):
    from threadpoolctl import threadpool_info

    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no CPU affinity on this platform")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4})  # as under taskset -c 0-4
    assert blas_thread_count() == 4
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    with blas_threads():
        blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    if not blas:
        pytest.skip("NumPy's BLAS is not one threadpoolctl can limit (e.g. Accelerate)")
    assert set(blas) == {1}


# --- row helpers (core.rows) ------------------------------------------------------------------

def test_row_normalisation_in_place_and_as_a_copy():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [0.0, -2.0]], dtype=np.float32)
    copy = unit_rows(x)
    np.testing.assert_allclose(copy, [[0.6, 0.8], [0, 0], [0, -1]], atol=1e-7)
    assert copy.dtype == np.float32 and x[0, 0] == 3.0  # the input is untouched
    assert l2_normalize(x) is x  # in place
    np.testing.assert_array_equal(x, copy)
    with pytest.raises(ValueError):
        unit_rows(np.ones(3))


def test_sample_positions_are_seeded_sorted_and_distinct():
    a, b = sample_positions(1000, 50, 3), sample_positions(1000, 50, 3)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.int64 and len(set(a.tolist())) == 50 and np.all(np.diff(a) > 0) and a.max() < 1000
    assert not np.array_equal(a, sample_positions(1000, 50, 4))
    np.testing.assert_array_equal(sample_positions(5, 9, 0), np.arange(5))


# --- k-means (the Map's colour by cluster) ----------------------------------------------------

def test_kmeans_clusters_are_seeded_and_use_directions():
    x, y = blobs(200, centers=4, std=0.3)
    ctx = RecordingContext()
    labels = kmeans_clusters(x, 4, seed=0, ctx=ctx)
    assert labels.dtype == np.int64 and set(labels.tolist()) == {0, 1, 2, 3}
    np.testing.assert_array_equal(labels, kmeans_clusters(x, 4, seed=0))
    assert len({(a, b) for a, b in zip(labels.tolist(), y.tolist())}) == 4  # the blobs, renumbered
    scaled = x * np.random.default_rng(0).uniform(0.5, 3.0, (len(x), 1)).astype(np.float32)
    np.testing.assert_array_equal(kmeans_clusters(scaled, 4, seed=0), labels)  # cosine geometry: length is ignored
    assert ctx.reports[-1] == (1, 1, "k-means, k=4")
    assert set(kmeans_clusters(x[:3], 10).tolist()) == {0, 1, 2}  # k capped at the rows


# --- Word in context: a few rows of a set -----------------------------------------------------

def test_word_rows_and_their_projection():
    x, _ = blobs(40, dim=16)
    words = ["Bank" if i % 5 == 0 else f"w{i}" for i in range(40)]
    words[7] = "bank"
    es = EmbeddingSet(x, {"text_id": np.arange(40, dtype=np.int64), "word": words}, {}, "word")
    rows = word_rows(es, " BANK ")
    np.testing.assert_array_equal(rows, [0, 5, 7, 10, 15, 20, 25, 30, 35])
    assert len(word_rows(es, "nowhere")) == 0
    for params in (ProjectionParams(method="tsne", perplexity=30, sample=500), ProjectionParams(method="umap", n_neighbors=15),
                   ProjectionParams(method="axes", axes=((0, 1), (2, 3))), ProjectionParams(sample=5)):
        fitted = context_params(params, len(rows))
        assert fitted.sample is None and fitted.method == ("pca" if params.method == "axes" else params.method)
    assert context_params(ProjectionParams(method="tsne"), 9).perplexity == pytest.approx(8 / 3)
    assert context_params(ProjectionParams(method="umap"), 9).n_neighbors == 8
    p = project_rows(es, rows, ProjectionParams(method="tsne", perplexity=30, seed=1))
    assert p.coords.shape == (9, 2) and p.params["perplexity"] == pytest.approx(8 / 3)
    np.testing.assert_array_equal(p.rows, np.arange(9))  # indices into rows


def test_projection_imports_nothing_above_it_in_the_core():
    """The core's layer order is io < projection < models < extract < train (core.rows below all)."""
    code = ("import pkgutil, sys, semvec_studio.core.projection as p\n"
            "for m in pkgutil.walk_packages(p.__path__, 'semvec_studio.core.projection.'):\n"
            "    __import__(m.name)\n"
            "print(' '.join(sorted(n for n in sys.modules if n.startswith(('semvec_studio.core.extract', "
            "'semvec_studio.core.models', 'semvec_studio.core.train', 'torch', 'PySide6')))))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""

"""The approximate nearest-neighbour index (issue 17): recall@10 against exact search, the saved
index (faiss file, row-id map, manifest) and its round trip, neighbours() using it only for large
sets, `semvec index` and its one-line errors, and the message when the 'ann' extra is missing.
Small clustered sets and a threshold lowered by parameter keep it fast."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from semvec_studio.core.errors import InputError, MissingExtraError, UsageError
from semvec_studio.core.io.exporters import save
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.projection import index as index_module
from semvec_studio.core.projection.index import ANN_MIN_ROWS, IndexParams, build_index
from semvec_studio.core.projection.index_files import INDEX_DIR, INDEX_FILE, ROWS_FILE, find_index, load_index, save_index
from semvec_studio.core.projection.neighbours import neighbours, neighbours_index
from semvec_studio.core.tasks import RecordingContext
from tests.core.test_cli_project import cli, one_line_error

pytestmark = pytest.mark.skipif(importlib.util.find_spec("faiss") is None, reason="faiss-cpu (the ann extra) not installed")

N, DIM, CLUSTERS = 4000, 48, 40


@pytest.fixture(scope="module")
def clustered() -> np.ndarray:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((CLUSTERS, DIM)).astype(np.float32)
    return (centres[rng.integers(0, CLUSTERS, N)] + 0.6 * rng.standard_normal((N, DIM))).astype(np.float32)


@pytest.fixture(scope="module")
def built(clustered):
    return build_index(clustered)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f.tolist()) & set(t.tolist())) / truth.shape[1] for f, t in zip(found, truth)]))


def test_recall_at_10_against_exact_search(clustered, built):
    rows = np.arange(0, N, 7)
    exact, exact_sims = neighbours(clustered, rows, 10)
    ctx = RecordingContext()
    found, sims = neighbours(clustered, rows, 10, index=built, ann_min_rows=0, ctx=ctx)
    assert recall(found, exact) >= 0.95
    assert not (found == rows[:, None]).any()  # a query's own row is left out, as in exact search
    same = found == exact
    np.testing.assert_allclose(sims[same], exact_sims[same], atol=1e-6)  # candidates are scored exactly
    assert (np.diff(sims, axis=1) <= 0).all()  # best first
    assert ctx.reports[-1] == (len(rows), len(rows), "nearest neighbours (index)")
    queries = clustered[:50] + 0.01  # vectors as queries: nothing is left out
    assert recall(neighbours(clustered, queries, 10, index=built, ann_min_rows=0)[0], neighbours(clustered, queries, 10)[0]) >= 0.95


def test_the_manifest_says_how_it_was_built_and_the_recall_measured(clustered, built):
    m = built.manifest
    assert m["metric"] == "cosine" and m["rows"] == N and m["dim"] == DIM and m["library"].startswith("faiss-cpu ")
    assert m["index"] == f"IVF{m['cells']},Flat" and 1 <= m["nprobe"] <= m["cells"]
    assert m["recall_at_10"]["value"] >= IndexParams().target_recall and m["recall_at_10"]["queries"] == 200
    assert built.description.startswith("approximate (faiss IVF")
    assert ANN_MIN_ROWS == 1_000_000


def test_euclidean_index(clustered):
    ix = build_index(clustered, IndexParams(metric="euclidean", seed=2))
    rows = np.arange(0, N, 11)
    exact, _ = neighbours(clustered, rows, 10, "euclidean")
    assert recall(neighbours(clustered, rows, 10, "euclidean", index=ix, ann_min_rows=0)[0], exact) >= 0.95
    assert neighbours_index(clustered, "cosine", ix, 0) is None  # an index of another metric is not used


def test_save_load_round_trip(tmp_path, clustered, built):
    where = save_index(built, tmp_path, {"level": "sentence"})
    assert where == tmp_path / INDEX_DIR
    assert {p.name for p in where.iterdir()} == {INDEX_FILE, ROWS_FILE, "manifest.json"}
    np.testing.assert_array_equal(np.load(where / ROWS_FILE), np.arange(N))
    loaded = load_index(tmp_path, clustered)
    assert loaded.manifest["source"] == {"level": "sentence"} and loaded.manifest["nprobe"] == built.manifest["nprobe"]
    q = clustered[100:140]
    for a, b in zip(loaded.search(q, 10), built.search(q, 10)):
        np.testing.assert_array_equal(a, b)
    save_index(built, tmp_path)  # again: replaced whole, no leftovers
    assert sorted(p.name for p in tmp_path.iterdir()) == [INDEX_DIR]
    other = clustered.copy()
    other[0] += 1
    with pytest.raises(InputError, match="built from other vectors"):
        load_index(tmp_path, other)
    with pytest.raises(InputError, match="no index; run 'semvec index"):
        load_index(tmp_path / "elsewhere")


def test_neighbours_use_the_saved_index_only_for_large_sets(tmp_path, clustered, built):
    np.save(tmp_path / "vectors.npy", clustered)
    save_index(built, tmp_path)
    mapped = np.load(tmp_path / "vectors.npy", mmap_mode="r")
    assert find_index(mapped) is not None and find_index(clustered) is None  # found beside a memory-mapped set
    assert neighbours_index(mapped) is None  # 4,000 rows < ANN_MIN_ROWS: exact
    rows = np.arange(0, N, 13)
    exact = neighbours(mapped, rows, 10)
    for a, b in zip(neighbours(mapped, rows, 10, index="auto"), exact):  # below the threshold: exactly exact
        np.testing.assert_array_equal(a, b)
    assert neighbours_index(mapped, ann_min_rows=N) is not None
    assert recall(neighbours(mapped, rows, 10, index="auto", ann_min_rows=N)[0], exact[0]) >= 0.95
    with pytest.raises(UsageError, match="give an index, 'auto' or None"):
        neighbours(mapped, rows, 10, index="faiss", ann_min_rows=0)


def test_build_reports_progress_and_checks_its_options(clustered):
    ctx = RecordingContext()
    build_index(clustered[:1000], IndexParams(cells=8, calibration_queries=50), ctx)
    assert ("index: adding rows" in {r[2] for r in ctx.reports}) and ctx.reports[-1][2] == "index: measuring recall"
    with pytest.raises(UsageError, match="index cells \\(--cells\\) 5000"):
        build_index(clustered[:1000], IndexParams(cells=5000))
    with pytest.raises(UsageError, match="unknown metric 'dot'"):
        build_index(clustered[:1000], IndexParams(metric="dot"))


def make_folder(tmp_path, x: np.ndarray):
    meta = {"text_id": np.arange(len(x), dtype=np.int64), "text": [f"t{i}" for i in range(len(x))]}
    return save(EmbeddingSet(x, meta, {"model": {"name": "synthetic"}, "level": "sentence"}, "sentence"), tmp_path / "out", ("npy",))


def test_semvec_index_writes_the_index_beside_the_vectors(tmp_path, capsys, clustered):
    folder = make_folder(tmp_path, clustered)
    rc, out, err = cli(capsys, "index", folder)
    assert rc == 0 and out == ""
    assert f"wrote an index of {N:,} rows (IVF" in err and "below 1,000,000 rows neighbours stay exact" in err
    manifest = json.loads((folder / INDEX_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["source"]["model"] == {"name": "synthetic"} and manifest["rows"] == N
    found = load_index(folder, EmbeddingSet.load(folder).vectors)
    assert recall(found.search(clustered[:20], 10)[0], neighbours(clustered, clustered[:20], 10)[0]) >= 0.95
    rc, _, err = cli(capsys, "index", folder, "--metric", "euclidean", "--cells", 16, "--quiet")
    assert rc == 0 and err == "" and load_index(folder).manifest["metric"] == "euclidean"


def test_semvec_index_bad_input_is_one_line_and_exit_2(tmp_path, capsys, clustered):
    empty = tmp_path / "empty"
    empty.mkdir()
    one_line_error(*cli(capsys, "index", empty)[::2], "no vectors.npy", "semvec extract")
    one_line_error(*cli(capsys, "index", tmp_path / "missing")[::2], "no such folder")
    folder = make_folder(tmp_path, clustered[:300])
    one_line_error(*cli(capsys, "index", folder, "--metric", "dot")[::2], "unknown metric 'dot'")
    one_line_error(*cli(capsys, "index", folder, "--cells", 0)[::2], "index cells (--cells) 0")
    assert not (folder / INDEX_DIR).exists()


def test_missing_extra_says_what_to_install(tmp_path, capsys, monkeypatch, clustered):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "faiss" else real(name, *a))
    with pytest.raises(MissingExtraError, match=r"needs the optional package 'faiss-cpu'.*pip install 'semvec-studio\[ann\]'"):
        build_index(clustered)
    assert index_module.REQUIREMENT.installed() is False
    rc, _, err = cli(capsys, "index", make_folder(tmp_path, clustered[:100]))
    one_line_error(rc, err, "pip install 'semvec-studio[ann]'")

"""`semvec project OUTDIR`: projection.tsv and the manifest record, reruns, the projector export,
and one-line errors with exit code 2. The folders are written by the same exporter `semvec
extract` uses, from synthetic vectors (no model needed)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from semvec_studio.cli import main
from semvec_studio.core.io.exporters import save
from semvec_studio.core.io.metadata import escape_cell
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.projection.base import ProjectionParams, Requirement
from semvec_studio.core.projection.files import load_projection, save_projection
from semvec_studio.core.projection.methods import METHODS
from semvec_studio.core.projection.project import project
from semvec_studio.core.tasks import RecordingContext

N = 60
TEXTS = [f"text {i}" for i in range(N)]
TEXTS[3] = "tab\there"
TEXTS[4] = "new\nline and back\\slash"


def make_folder(parent: Path, formats=("npy",)) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    x, y = make_blobs(N, 384, centers=3, random_state=0)
    meta = {"text_id": np.arange(N, dtype=np.int64), "text": list(TEXTS)}
    manifest = {"model": {"name": "synthetic"}, "pooling": "mean", "created": "2024-01-01T00:00:00+00:00"}
    es = EmbeddingSet(x.astype(np.float32), meta, manifest, "sentence")
    return save(es, parent / "out", formats)


def cli(capsys, *args) -> tuple[int, str, str]:
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


def one_line_error(rc: int, err: str, *needles: str) -> None:
    assert rc == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("semvec: error: "), err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def read_tsv(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").split("\n")[:-1]]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_pca_round_trip(tmp_path, capsys):
    folder = make_folder(tmp_path)
    before = json.loads((folder / "manifest.json").read_text())
    rc, out, err = cli(capsys, "project", folder, "--method", "pca", "--seed", "3")
    assert rc == 0, err
    assert "wrote 60 points (pca, explained variance" in err and "trustworthiness" in err
    table = read_tsv(folder / "projection.tsv")
    assert table[0] == ["x", "y", "row", "text_id", "text"]
    assert len(table) == N + 1
    expected = project(EmbeddingSet.load(folder).vectors, ProjectionParams(method="pca", seed=3))
    coords = np.array([[float(r[0]), float(r[1])] for r in table[1:]], dtype=np.float32)
    np.testing.assert_array_equal(coords, expected.coords)  # %.9g: float32 read back exactly
    assert [int(r[2]) for r in table[1:]] == list(range(N))
    assert [r[4] for r in table[1:]] == [escape_cell(t) for t in TEXTS]
    manifest = json.loads((folder / "manifest.json").read_text())
    rec = manifest.pop("projection")
    assert manifest == before  # everything else kept
    assert rec["method"] == "pca" and rec["params"] == {"seed": 3, "sample": None} and rec["rows"] == N
    assert len(rec["explained_variance"]) == 2 and rec["created"]
    assert set(rec["quality"]) == {"trustworthiness", "knn_overlap", "k", "sample"}
    assert 0 <= rec["quality"]["trustworthiness"] <= 1
    coords2, rows2, rec2 = load_projection(folder)
    np.testing.assert_array_equal(coords2, expected.coords)
    np.testing.assert_array_equal(rows2, np.arange(N))
    assert rec2 == rec
    assert len(EmbeddingSet.load(folder)) == N  # the folder still loads


def test_rerun_replaces_file_and_record(tmp_path, capsys):
    folder = make_folder(tmp_path)
    assert cli(capsys, "project", folder, "--quiet")[0] == 0
    rc, out, err = cli(capsys, "project", folder, "--method", "tsne", "--perplexity", "5", "--sample", "40",
                       "--metric", "euclidean", "--seed", "2", "--quiet")
    assert rc == 0 and err == "" and out == "", err
    table = read_tsv(folder / "projection.tsv")
    assert len(table) == 41
    rows = [int(r[2]) for r in table[1:]]
    assert rows == sorted(rows) and len(set(rows)) == 40
    assert [r[4] for r in table[1:]] == [escape_cell(TEXTS[i]) for i in rows]
    rec = json.loads((folder / "manifest.json").read_text())["projection"]
    assert rec["method"] == "tsne" and rec["rows"] == 40 and rec["explained_variance"] is None
    assert rec["params"] == {"seed": 2, "sample": 40, "perplexity": 5.0, "learning_rate": "auto", "metric": "euclidean"}
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_projector_export_gets_x_and_y(tmp_path, capsys):
    folder = make_folder(tmp_path, ("npy", "projector"))
    vectors_tsv = (folder / "vectors.tsv").read_bytes()
    assert cli(capsys, "project", folder, "--quiet", "--sample", "50")[0] == 0
    meta = read_tsv(folder / "projector_metadata.tsv")
    assert meta[0] == ["text_id", "text", "x", "y"]
    assert len(meta) == N + 1  # still one line per vector in vectors.tsv
    table = read_tsv(folder / "projection.tsv")
    by_row = {int(r[2]): (r[0], r[1]) for r in table[1:]}
    for i, line in enumerate(meta[1:]):
        assert (line[2], line[3]) == by_row.get(i, ("", ""))
    assert meta[1 + 3][1] == "tab here"  # the Projector's own cell rule, as in the export
    assert (folder / "vectors.tsv").read_bytes() == vectors_tsv
    # a folder without the projector export gets no projector file
    plain = make_folder(tmp_path / "p")
    assert cli(capsys, "project", plain, "--quiet")[0] == 0
    assert not (plain / "projector_metadata.tsv").exists()


def test_custom_axes_from_the_command_line(tmp_path, capsys):
    folder = make_folder(tmp_path)
    assert cli(capsys, "project", folder, "--method", "axes", "--axes", "0,1,2,3", "--quiet")[0] == 0
    coords, rows, rec = load_projection(folder)
    np.testing.assert_allclose(coords[[0, 1], 0], [0, 1], atol=1e-5)
    assert rec["params"]["axes"] == [[0, 1], [2, 3]]
    one_line_error(*cli(capsys, "project", folder, "--method", "axes", "--axes", "0,1,2")[::2], "--axes 0,1,2")


@pytest.mark.parametrize("args, needles", [
    (["--method", "mds"], ["unknown projection method 'mds'", "pca, tsne, umap, axes"]),
    (["--metric", "dot"], ["unknown metric 'dot'", "cosine, euclidean"]),
    (["--method", "tsne", "--perplexity", "60"], ["perplexity 60.0 must be less than the number of rows projected (60)"]),
    (["--method", "tsne", "--learning-rate", "fast"], ["--learning-rate fast"]),
    (["--sample", "2"], ["(--sample) 2"]),
    (["--method", "axes", "--axes", "0,1,2,99"], ["row 99 is outside 0..59"]),
])
def test_bad_options_exit_2_and_change_nothing(tmp_path, capsys, args, needles):
    folder = make_folder(tmp_path)
    before = snapshot(folder)
    rc, out, err = cli(capsys, "project", folder, *args)
    one_line_error(rc, err, *needles)
    assert snapshot(folder) == before


def test_missing_or_foreign_folder_exits_2(tmp_path, capsys):
    one_line_error(*cli(capsys, "project", tmp_path / "nope")[::2], "nope: no such folder")
    (tmp_path / "empty").mkdir()
    one_line_error(*cli(capsys, "project", tmp_path / "empty")[::2], "no vectors.npy", "semvec extract")


def test_umap_without_the_extra_exits_2(tmp_path, capsys, monkeypatch):
    missing = Requirement("semvec_no_such_module", "UMAP projection", "umap-learn", "umap")
    monkeypatch.setitem(METHODS, "umap", replace(METHODS["umap"], requires=missing))
    folder = make_folder(tmp_path)
    one_line_error(*cli(capsys, "project", folder, "--method", "umap")[::2], "pip install 'semvec-studio[umap]'")


class FullDisk(RecordingContext):
    """Fails like a full disk once the projector metadata file is being written."""

    def on_progress(self, progress) -> None:
        super().on_progress(progress)
        if progress.phase == "writing projector_metadata.tsv":
            raise OSError("disk full")


def test_failure_while_writing_keeps_the_old_files(tmp_path, capsys):
    folder = make_folder(tmp_path, ("npy", "projector"))
    assert cli(capsys, "project", folder, "--quiet")[0] == 0
    before = snapshot(folder)
    embset = EmbeddingSet.load(folder)
    proj = project(embset.vectors, ProjectionParams(method="axes", axes=((0, 1), (2, 3))))
    ctx = FullDisk()
    with pytest.raises(OSError, match="disk full"):
        save_projection(folder, embset, proj, ctx)
    assert any(p.phase == "writing projection.tsv" for p in ctx.progress)  # projection.tsv was written first
    assert snapshot(folder) == before  # projection.tsv, projector metadata and manifest all unchanged

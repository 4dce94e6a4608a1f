"""Every export format round-trips a small synthetic EmbeddingSet, and failures leave nothing behind."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

from semvec_studio.core.errors import Cancelled, MissingExtraError, OutputError, UsageError
from semvec_studio.core.io import exporters
from semvec_studio.core.io.exporters import EXPORTERS, save, write_formats
from semvec_studio.core.io.metadata import COLUMNS
from semvec_studio.core.io.vectors import LEVELS, EmbeddingSet
from semvec_studio.core.tasks import RecordingContext

NASTY = [
    "plain", "=SUM(A1:A9)", "tab\there", "new\nline", "ünïcödé 日本語 🙂", "two words", "-minus", "+plus",
    "@at", "", "back\\slash", "cr\rhere", '"quoted, comma"', "plain", "\tlead tab", "two words",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def make_set(level: str, n: int = 16, dim: int = 5, seed: int = 0) -> EmbeddingSet:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    if n >= 2:  # extremes of float32 must survive every text format
        vectors[0, 0], vectors[1, 1] = np.float32(1e-30), np.float32(-3.4e38)
    metadata: dict = {}
    for name, typ in COLUMNS[level].items():
        if typ is int:
            metadata[name] = np.arange(n, dtype=np.int64) * (-1 if name == "word_index" else 1)
        else:
            metadata[name] = [NASTY[i % len(NASTY)] for i in range(n)]
    manifest = {"model": "tiny-bert", "pooling": "mean", "created": "2024-01-01T00:00:00"}
    return EmbeddingSet(vectors, metadata, manifest, level)


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir())


# --- npy --------------------------------------------------------------------------------------

@pytest.mark.parametrize("level", LEVELS)
def test_npy_round_trip(tmp_path, level):
    es = make_set(level)
    out = save(es, tmp_path / "out")
    assert out == (tmp_path / "out").absolute()
    back = EmbeddingSet.load(out)
    assert back.level == level
    np.testing.assert_array_equal(np.asarray(back.vectors), es.vectors)
    assert back.columns == es.columns
    for name, col in es.metadata.items():
        assert list(back.metadata[name]) == list(col), name
    assert back.manifest["formats"] == ["npy"]
    assert (back.manifest["rows"], back.manifest["dim"], back.manifest["level"]) == (16, 5, level)
    assert back.manifest["model"] == "tiny-bert"
    assert "formats" not in es.manifest  # the caller's set is not changed


def test_empty_set_round_trips(tmp_path):
    es = make_set("sentence", n=0)
    out = save(es, tmp_path / "out", ["csv", "projector", "word2vec"])
    back = EmbeddingSet.load(out)
    assert back.vectors.shape == (0, 5)
    assert (out / "vectors.w2v.txt").read_text(encoding="utf-8") == "0 5\n"


# --- csv --------------------------------------------------------------------------------------

@pytest.mark.parametrize("level", LEVELS)
def test_csv_round_trip_and_formula_safety(tmp_path, level):
    es = make_set(level)
    out = save(es, tmp_path / "out", ["csv"])
    with open(out / "vectors.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    assert header == es.columns + [f"d{j}" for j in range(es.dim)]
    assert len(body) == len(es)
    ncol = len(es.columns)
    for i, row in enumerate(body):
        got = np.array([np.float32(float(c)) for c in row[ncol:]], dtype=np.float32)
        np.testing.assert_array_equal(got, es.vectors[i])
        for name, cell in zip(es.columns, row[:ncol]):
            value = es.metadata[name][i]
            if isinstance(es.metadata[name], np.ndarray):
                assert cell == str(value)  # numbers, even negative ones, are not prefixed
            elif str(value).startswith(FORMULA_START):
                assert cell == "'" + value
            else:
                assert cell == value
    text = (out / "vectors.csv").read_text(encoding="utf-8")
    assert "'=SUM(A1:A9)" in text and "\n=SUM" not in text and ",=SUM" not in text


# --- projector --------------------------------------------------------------------------------

@pytest.mark.parametrize("level", LEVELS)
def test_projector_files(tmp_path, level):
    es = make_set(level)
    out = save(es, tmp_path / "out", ["projector"])
    vecs = np.loadtxt(out / "vectors.tsv", delimiter="\t", dtype=np.float32, ndmin=2)
    np.testing.assert_array_equal(vecs, es.vectors)
    lines = (out / "projector_metadata.tsv").read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines[:-1]) == len(es) + 1  # header + one line per vector
    assert lines[0].split("\t") == es.columns
    for line in lines[1:-1]:
        assert len(line.split("\t")) == len(es.columns) and "\r" not in line
    label_col = es.columns.index({"token": "token", "word": "word", "sentence": "text"}[level])
    assert lines[1 + 2].split("\t")[label_col] == "tab here"
    assert lines[1 + 3].split("\t")[label_col] == "new line"
    assert lines[1 + 4].split("\t")[label_col] == "ünïcödé 日本語 🙂"
    config = (out / "projector_config.pbtxt").read_text(encoding="utf-8")
    assert re.findall(r"tensor_shape: (\d+)", config) == ["16", "5"]
    assert 'tensor_path: "vectors.tsv"' in config and 'metadata_path: "projector_metadata.tsv"' in config
    assert config.startswith("embeddings {") and config.rstrip().endswith("}")


def test_projector_single_column_has_no_header(tmp_path):
    es = make_set("sentence", n=4)
    es = EmbeddingSet(es.vectors, {"label": ["a", "", "b\tc", "  "]}, {}, "sentence")
    out = save(es, tmp_path / "out", ["projector", "csv"])
    lines = (out / "projector_metadata.tsv").read_text(encoding="utf-8").splitlines()
    assert lines == ["a", "(empty)", "b c", "(empty)"]  # blank lines would be skipped by the Projector
    with open(out / "vectors.csv", encoding="utf-8", newline="") as fh:
        assert [row[0] for row in csv.reader(fh)] == ["label", "a", "", "b\tc", "  "]


def test_projector_keeps_projection_columns(tmp_path):
    es = make_set("word", n=4)
    es.metadata["x"] = np.array([0.5, 1, 2, 3], dtype=np.float32)
    es.metadata["y"] = np.array([-0.25, 0, 1, 2], dtype=np.float32)
    out = save(es, tmp_path / "out", ["projector", "csv"])
    header = (out / "projector_metadata.tsv").read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert header[-2:] == ["x", "y"]
    with open(out / "vectors.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][rows[0].index("y")] == "-0.25"  # a number, so no formula prefix


# --- word2vec ---------------------------------------------------------------------------------

def read_w2v(path: Path) -> tuple[list[str], np.ndarray]:
    with open(path, encoding="utf-8", newline="\n") as fh:
        n, d = map(int, fh.readline().split(" "))
        keys, vecs = [], []
        for line in fh:
            parts = line.rstrip("\n").split(" ")
            assert len(parts) == d + 1, line
            keys.append(parts[0])
            vecs.append([float(v) for v in parts[1:]])
    assert len(keys) == n
    return keys, np.array(vecs, dtype=np.float32).reshape(n, d)


def expected_w2v(es: EmbeddingSet) -> tuple[list[str], np.ndarray]:
    groups: dict[str, list[int]] = {}
    for i, label in enumerate(es.labels()):
        if label:
            groups.setdefault(re.sub(r"\s+", "_", label), []).append(i)
    return list(groups), np.array([es.vectors[rows].astype(np.float64).mean(0) for rows in groups.values()])


@pytest.mark.parametrize("level", ["token", "word"])
def test_word2vec_means_distinct_strings(tmp_path, level):
    es = make_set(level, n=40)
    out = save(es, tmp_path / "out", ["word2vec"])
    keys, vecs = read_w2v(out / "vectors.w2v.txt")
    want_keys, want = expected_w2v(es)
    assert keys == want_keys
    assert keys[:3] == ["plain", "=SUM(A1:A9)", "tab_here"] and "two_words" in keys and "" not in keys
    assert len(keys) == len(set(keys)) == len(set(NASTY)) - 1  # first-seen order, empty key skipped
    assert all(not re.search(r"\s", k) for k in keys)
    np.testing.assert_allclose(vecs, want, rtol=1e-6, atol=1e-37)


def test_word2vec_sentence_keys(tmp_path):
    es = make_set("sentence", n=6)
    es.metadata["text_id"] = np.array([3, 1, 4, 15, 9, 2], dtype=np.int64)
    out = save(es, tmp_path / "out", ["word2vec"])
    keys, vecs = read_w2v(out / "vectors.w2v.txt")
    assert keys == ["text_3", "text_1", "text_4", "text_15", "text_9", "text_2"]
    np.testing.assert_array_equal(vecs, es.vectors)


def test_word2vec_loads_in_gensim(tmp_path):
    gensim_models = pytest.importorskip("gensim.models", reason="gensim (optional) checks the word2vec file")
    es = make_set("token", n=40)
    out = save(es, tmp_path / "out", ["word2vec"])
    kv = gensim_models.KeyedVectors.load_word2vec_format(str(out / "vectors.w2v.txt"), binary=False)
    want_keys, want = expected_w2v(es)
    assert list(kv.index_to_key) == want_keys
    np.testing.assert_allclose(np.stack([kv[k] for k in want_keys]), want, rtol=1e-6, atol=1e-37)


# --- parquet ----------------------------------------------------------------------------------

@pytest.mark.parametrize("level", LEVELS)
def test_parquet_round_trip(tmp_path, level):
    pa = pytest.importorskip("pyarrow", reason="the 'parquet' extra is not installed")
    import pyarrow.parquet as pq

    es = make_set(level)
    out = save(es, tmp_path / "out", ["parquet"])
    table = pq.read_table(out / "vectors.parquet")
    assert table.column_names == es.columns + ["vector"]
    assert table.schema.field("vector").type == pa.list_(pa.float32(), es.dim)
    manifest = json.loads(table.schema.metadata[b"semvec_manifest"])
    assert manifest["formats"] == ["npy", "parquet"] and manifest["rows"] == 16 and manifest["level"] == level
    vecs = np.asarray(table.column("vector").combine_chunks().flatten()).reshape(len(es), es.dim)
    np.testing.assert_array_equal(vecs, es.vectors)
    for name, col in es.metadata.items():
        assert table.column(name).to_pylist() == list(np.asarray(col).tolist() if isinstance(col, np.ndarray) else col)


def test_missing_pyarrow_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # makes `import pyarrow` raise ImportError
    with pytest.raises(MissingExtraError) as info:
        save(make_set("word"), tmp_path / "out", ["csv", "parquet"])
    assert info.value.extra == "parquet" and "semvec-studio[parquet]" in str(info.value)
    assert "Parquet export" in str(info.value)
    assert leftovers(tmp_path) == []
    folder = tmp_path / "existing"
    folder.mkdir()
    with pytest.raises(MissingExtraError):
        write_formats(make_set("word"), folder, ["csv", "parquet"])
    assert leftovers(folder) == []  # csv was not written either


# --- registry, atomicity, progress ------------------------------------------------------------

def test_unknown_format_lists_known_ones(tmp_path):
    with pytest.raises(UsageError) as info:
        save(make_set("word"), tmp_path / "out", ["csv", "xlsx", "hdf5"])
    msg = str(info.value)
    assert "'xlsx'" in msg and "'hdf5'" in msg
    for name in EXPORTERS:
        assert name in msg
    assert leftovers(tmp_path) == []


def test_all_formats_together_and_case_insensitive_names(tmp_path):
    pytest.importorskip("pyarrow", reason="the 'parquet' extra is not installed")
    out = save(make_set("token"), tmp_path / "out", ["CSV", "projector", "word2vec", "parquet", "npy"])
    expected = {f for e in EXPORTERS.values() for f in e.files}
    assert set(leftovers(out)) == expected
    assert json.loads((out / "manifest.json").read_text())["formats"] == ["npy", "csv", "projector", "word2vec", "parquet"]


def test_failure_mid_write_leaves_nothing(tmp_path, monkeypatch):
    def broken(embset, folder, ctx):
        (folder / "vectors.csv").write_text("half")
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(EXPORTERS, "csv", exporters.Exporter("csv", "broken", ("vectors.csv",), broken))
    with pytest.raises(RuntimeError, match="disk on fire"):
        save(make_set("word"), tmp_path / "out", ["csv"])
    assert leftovers(tmp_path) == []  # neither the folder nor a .partial temp folder


def test_existing_folder_needs_overwrite(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OutputError):
        save(make_set("word"), out)
    assert leftovers(out) == ["keep.txt"] and leftovers(tmp_path) == ["out"]
    save(make_set("word"), out, overwrite=True)
    assert "keep.txt" not in leftovers(out) and (out / "vectors.npy").is_file()
    assert leftovers(tmp_path) == ["out"]


def test_blocks_report_progress_and_match_single_block(tmp_path, monkeypatch):
    pytest.importorskip("pyarrow", reason="the 'parquet' extra is not installed")
    es = make_set("token", n=40)
    formats = ["csv", "projector", "word2vec", "parquet"]
    one = save(es, tmp_path / "one", formats)
    monkeypatch.setattr(exporters, "BLOCK_ROWS", 7)
    ctx = RecordingContext()
    many = save(es, tmp_path / "many", formats, ctx=ctx)
    for name in leftovers(one):
        if name != "vectors.parquet":  # parquet row groups differ; its contents are checked below
            assert (one / name).read_bytes() == (many / name).read_bytes(), name
    import pyarrow.parquet as pq

    assert pq.read_table(one / "vectors.parquet").equals(pq.read_table(many / "vectors.parquet"))
    assert len(ctx.reports) > 10
    assert all(total is None or 0 < done <= total for done, total, _ in ctx.reports)


def test_cancel_between_blocks_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(exporters, "BLOCK_ROWS", 4)
    with pytest.raises(Cancelled):
        save(make_set("word", n=40), tmp_path / "out", ["csv"], ctx=RecordingContext(cancel_after=2))
    assert leftovers(tmp_path) == []


def test_write_formats_into_cli_folder_keeps_mapped_vectors(tmp_path):
    folder = save(make_set("word"), tmp_path / "out")
    before = (folder / "vectors.npy").read_bytes()
    mapped = EmbeddingSet.load(folder)  # vectors memory-mapped from folder/vectors.npy
    write_formats(mapped, folder, ["npy", "csv"])
    assert (folder / "vectors.npy").read_bytes() == before
    assert json.loads((folder / "manifest.json").read_text())["formats"] == ["npy", "csv"]
    assert (folder / "vectors.csv").is_file()


def test_manifest_lists_only_formats_in_the_folder(tmp_path):
    first = save(make_set("word"), tmp_path / "a", ["csv", "projector"])
    again = save(EmbeddingSet.load(first), tmp_path / "b")
    assert json.loads((again / "manifest.json").read_text())["formats"] == ["npy"]
    write_formats(EmbeddingSet.load(first), first, ["npy", "word2vec"])
    formats = json.loads((first / "manifest.json").read_text())["formats"]
    assert formats == ["npy", "csv", "projector", "word2vec"]


def test_write_formats_needs_existing_folder(tmp_path):
    with pytest.raises(OutputError):
        write_formats(make_set("word"), tmp_path / "missing", ["csv"])


def test_save_over_the_folder_it_was_loaded_from(tmp_path):
    folder = save(make_set("word"), tmp_path / "out")
    mapped = EmbeddingSet.load(folder)
    save(mapped, folder, ["csv"], overwrite=True)
    back = EmbeddingSet.load(folder, mmap=False)
    np.testing.assert_array_equal(back.vectors, make_set("word").vectors)
    assert leftovers(tmp_path) == ["out"]


def test_register_refuses_clashing_files():
    with pytest.raises(ValueError, match="vectors.csv"):
        exporters.register("csv2", "clash", ("vectors.csv",), lambda e, f, c: None)
    assert "csv2" not in EXPORTERS

"""EmbeddingSet's on-disk form: sets without metadata, damaged folders, and typed extra columns."""

from __future__ import annotations

import math

import numpy as np
import pytest

from semvec_studio.core.errors import InputError
from semvec_studio.core.io.exporters import save
from semvec_studio.core.io.metadata import read_metadata_tsv
from semvec_studio.core.io.vectors import METADATA_FILE, VECTORS_FILE, EmbeddingSet


def make(n: int = 4, dim: int = 3, metadata: dict | None = None, level: str = "sentence") -> EmbeddingSet:
    vectors = np.arange(n * dim, dtype=np.float32).reshape(n, dim) / 7
    if metadata is None:
        metadata = {"text_id": np.arange(n, dtype=np.int64), "text": [f"text {i}" for i in range(n)]}
    return EmbeddingSet(vectors, metadata, {"model": "test"}, level)


# --- (a) no metadata columns -------------------------------------------------------------------

def test_set_without_metadata_round_trips(tmp_path):
    es = make(metadata={})
    out = save(es, tmp_path / "out")
    assert (out / METADATA_FILE).read_text(encoding="utf-8") == ""  # no blank header line
    back = EmbeddingSet.load(out)
    assert back.metadata == {}
    np.testing.assert_array_equal(back.vectors, es.vectors)
    assert back.manifest["rows"] == 4


def test_blank_header_line_from_older_versions_loads(tmp_path):
    out = save(make(metadata={}), tmp_path / "out")
    (out / METADATA_FILE).write_text("\n", encoding="utf-8")
    assert EmbeddingSet.load(out).metadata == {}


def test_rows_without_a_header_are_damage(tmp_path):
    out = save(make(metadata={}), tmp_path / "out")
    (out / METADATA_FILE).write_text("\n0\tx\n", encoding="utf-8")
    with pytest.raises(InputError, match="damaged"):
        EmbeddingSet.load(out)


# --- (b) damaged folders -----------------------------------------------------------------------

def _damaged(tmp_path, damage) -> str:
    out = save(make(n=6), tmp_path / "out")
    damage(out)
    with pytest.raises(InputError) as exc:
        EmbeddingSet.load(out)
    message = str(exc.value)
    assert "folder is damaged" in message and str(out) in message and "\n" not in message
    with pytest.raises(InputError):
        EmbeddingSet.load(out, mmap=False)
    return message


def test_fewer_vectors_than_metadata_rows(tmp_path):
    message = _damaged(tmp_path, lambda out: np.save(out / VECTORS_FILE, np.zeros((4, 3), np.float32)))
    assert "4" in message and "6" in message


def test_more_metadata_rows_than_vectors(tmp_path):
    def damage(out):
        with open(out / METADATA_FILE, "a", encoding="utf-8") as fh:
            fh.write("6\textra row\n")

    _damaged(tmp_path, damage)


def test_truncated_npy(tmp_path):
    def damage(out):
        data = (out / VECTORS_FILE).read_bytes()
        (out / VECTORS_FILE).write_bytes(data[: len(data) - 10])

    _damaged(tmp_path, damage)


@pytest.mark.parametrize("content", [b"", b"not a numpy file at all", bytes(range(256)) * 4])
def test_corrupt_npy(tmp_path, content):
    _damaged(tmp_path, lambda out: (out / VECTORS_FILE).write_bytes(content))


def test_npy_holding_pickled_objects_is_not_unpickled(tmp_path):
    _damaged(tmp_path, lambda out: np.save(out / VECTORS_FILE, np.array([{"a": 1}] * 6, dtype=object), allow_pickle=True))


def test_npy_of_the_wrong_shape(tmp_path):
    _damaged(tmp_path, lambda out: np.save(out / VECTORS_FILE, np.zeros(18, np.float32)))


def test_int_column_that_is_not_a_number(tmp_path):
    def damage(out):
        text = (out / METADATA_FILE).read_text(encoding="utf-8").replace("\n3\t", "\nthree\t")
        (out / METADATA_FILE).write_text(text, encoding="utf-8")

    out = save(make(n=6), tmp_path / "out")
    damage(out)
    with pytest.raises(InputError, match="text_id"):
        EmbeddingSet.load(out)


def test_manifest_that_is_not_an_object(tmp_path):
    out = save(make(), tmp_path / "out")
    (out / "manifest.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="damaged"):
        EmbeddingSet.load(out)


# --- (c) extra columns come back typed ---------------------------------------------------------

def test_projection_and_int_columns_come_back_as_numbers(tmp_path):
    es = make(n=5, level="word", metadata={
        "text_id": np.zeros(5, np.int64), "position": np.arange(5, dtype=np.int64),
        "word": ["1", "2.5", "x", "nan", "-3"],  # a known str column stays str, even when numeric
        "start": np.arange(5, dtype=np.int64), "end": np.arange(1, 6, dtype=np.int64),
        "pieces": ["1", "2", "3", "4", "5"],
        "x": np.array([0.1, -2.5, 1e-30, 3.4e38, 7.0]),
        "y": np.array([0.5, 1, 2, -0.25, float("nan")], dtype=np.float32),
        "cluster": np.array([3, -1, 0, 12, 3], dtype=np.int64),
        "count": [1, 2, 3, 4, 5],  # a plain list of ints
        "label": ["1", "2", "a", "3", "4"],  # not all numbers: strings
        "code": ["007", "1_000", " 5", "+3", "4"],  # not the plain form of a number
        "note": ["", "", "", "", ""],
    })
    back = EmbeddingSet.load(save(es, tmp_path / "out"))
    assert back.metadata["word"] == ["1", "2.5", "x", "nan", "-3"]
    assert back.metadata["pieces"] == ["1", "2", "3", "4", "5"]
    assert back.metadata["x"].dtype == np.float64
    np.testing.assert_array_equal(back.metadata["x"], es.metadata["x"])
    assert back.metadata["y"].dtype == np.float64
    np.testing.assert_array_equal(back.metadata["y"].astype(np.float32), es.metadata["y"])
    assert math.isnan(back.metadata["y"][4])
    assert back.metadata["cluster"].dtype == np.int64 and back.metadata["cluster"].tolist() == [3, -1, 0, 12, 3]
    assert back.metadata["count"].dtype == np.int64 and back.metadata["count"].tolist() == [1, 2, 3, 4, 5]
    assert back.metadata["label"] == ["1", "2", "a", "3", "4"]
    assert back.metadata["note"] == [""] * 5
    assert back.columns == es.columns


def test_code_like_cells_stay_strings(tmp_path):
    path = tmp_path / METADATA_FILE
    path.write_text("text_id\ttext\tcode\tmixed\n0\ta\t1_000\t1\n1\tb\t 5\t2.0\n", encoding="utf-8")
    meta = read_metadata_tsv(path, "sentence")
    assert meta["code"] == ["1_000", " 5"]
    assert meta["mixed"].dtype == np.float64 and meta["mixed"].tolist() == [1.0, 2.0]


def test_huge_integers_fall_back_to_float(tmp_path):
    path = tmp_path / METADATA_FILE
    path.write_text("text_id\ttext\tbig\n0\ta\t123456789012345678901234567890\n", encoding="utf-8")
    meta = read_metadata_tsv(path, "sentence")
    assert meta["big"].dtype == np.float64 and meta["big"][0] == 1.2345678901234568e29


def test_empty_extra_column_of_an_empty_set(tmp_path):
    es = make(n=0, metadata={"text_id": np.zeros(0, np.int64), "text": [], "x": np.zeros(0)})
    back = EmbeddingSet.load(save(es, tmp_path / "out"))
    assert len(back) == 0 and back.columns == ["text_id", "text", "x"]
    assert len(back.metadata["x"]) == 0

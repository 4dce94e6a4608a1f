"""The one-call Python API: embed(...) -> EmbeddingSet, saved and loaded back."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from semvec_studio.core.extract.pipeline import embed
from semvec_studio.core.io.exporters import save
from semvec_studio.core.io.metadata import COLUMNS
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.models import load_model
from semvec_studio.core.tasks import RecordingContext

TEXTS = ["The cat sat on the mat.", "Banks lend money.", "A quick brown fox."]


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


def test_embed_word_level(tiny_bert):
    ctx = RecordingContext()
    es = embed(TEXTS, model=str(tiny_bert), level="word", ctx=ctx)
    assert isinstance(es, EmbeddingSet)
    assert es.level == "word" and es.dim == 32 and es.vectors.dtype == np.float32
    assert es.columns == list(COLUMNS["word"])
    assert es.labels()[:7] == ["The", "cat", "sat", "on", "the", "mat", "."]
    assert es.metadata["text_id"].tolist() == [0] * 7 + [1] * 4 + [2] * 5
    assert es.manifest["level"] == "word" and es.manifest["rows"] == len(es) == 16
    assert ctx.reports[-1] == (3, 3, "done")


def test_embed_accepts_a_loaded_model_and_options(tiny_bert):
    lm = load_model(tiny_bert, device="cpu")
    es = embed(TEXTS, lm, level="sentence", layers=(-2, -1), layer_combine="concat", normalize=True)
    assert es.vectors.shape == (3, 64)
    np.testing.assert_allclose(np.linalg.norm(es.vectors, axis=1), 1.0, rtol=1e-5)
    assert es.manifest["layers_resolved"] == [1, 2]
    assert es.metadata["text"] == TEXTS


def test_save_csv_and_load_round_trip(tiny_bert, tmp_path):
    es = embed(TEXTS, model=tiny_bert, level="word")
    out = save(es, tmp_path / "out", ["csv"])
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "metadata.tsv", "vectors.csv", "vectors.npy"]
    back = EmbeddingSet.load(out)
    assert back.level == "word" and back.columns == es.columns
    np.testing.assert_array_equal(back.vectors, es.vectors)
    for name, col in es.metadata.items():
        if isinstance(col, np.ndarray):
            assert back.metadata[name].dtype == np.int64
            np.testing.assert_array_equal(back.metadata[name], col)
        else:
            assert back.metadata[name] == col
    assert back.manifest["formats"] == ["npy", "csv"] and back.manifest["rows"] == len(es)
    assert {k: v for k, v in back.manifest.items() if k != "formats"} == json.loads(json.dumps(es.manifest))
    with open(out / "vectors.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == es.columns + [f"d{j}" for j in range(32)]
    floats = np.array([[float(v) for v in r[len(es.columns):]] for r in rows[1:]], dtype=np.float32)
    np.testing.assert_array_equal(floats, es.vectors)


@pytest.mark.slow
def test_default_model_gives_meaningful_sentence_vectors():
    """The bundled all-MiniLM-L6-v2: similar sentences are closer than unrelated ones."""
    texts = ["A man is playing a guitar.", "Someone plays an acoustic guitar.", "The stock market fell sharply today."]
    es = embed(texts, level="sentence", normalize=True)
    assert es.vectors.shape == (3, 384)
    sims = es.vectors @ es.vectors.T
    assert sims[0, 1] > 0.5 > sims[0, 2]
    assert es.manifest["model"]["name"] == "default (all-MiniLM-L6-v2)"

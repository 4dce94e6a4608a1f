"""core.extract.analysis: cosine helpers against brute force, and one row at every layer (the
layer profile and the layer path) against a direct forward pass on a tiny checkpoint. No Qt."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.analysis import cosine_matrix, layer_path, layer_profile, layer_vectors, most_similar
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import load_model
from semvec_studio.core.rows import unit_rows

_models: dict = {}


def loaded(path):
    if path not in _models:
        _models[path] = load_model(path, device="cpu")
    return _models[path]


def brute_cos(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return 0.0 if na == 0 or nb == 0 else float(a @ b / (na * nb))


def test_cosine_matrix_matches_brute_force_and_handles_zero_rows():
    rng = np.random.default_rng(0)
    v = rng.normal(size=(7, 5)).astype(np.float64)
    v[3] = 0.0
    m = cosine_matrix(v)
    assert m.dtype == np.float32 and m.shape == (7, 7)
    for i in range(7):
        for j in range(7):
            assert m[i, j] == pytest.approx(brute_cos(v[i], v[j]), abs=1e-6)
    np.testing.assert_allclose(np.diag(m)[[0, 1, 2, 4, 5, 6]], 1.0, atol=1e-6)
    assert m[3, 3] == 0.0
    np.testing.assert_array_equal(m, m.T)
    np.testing.assert_allclose(cosine_matrix(unit_rows(v), normalized=True), m, atol=1e-7)


def test_most_similar_sorted_excludes_self_and_matches_brute_force():
    rng = np.random.default_rng(1)
    v = rng.normal(size=(40, 8)).astype(np.float32)
    for i in (0, 17, 39):
        top = most_similar(v, i, 10)
        assert len(top) == 10
        assert i not in [j for j, _ in top]
        cos = [c for _, c in top]
        assert cos == sorted(cos, reverse=True)
        ref = sorted(((brute_cos(v[i], v[j]), j) for j in range(40) if j != i), reverse=True)[:10]
        assert [j for j, _ in top] == [j for _, j in ref]
        np.testing.assert_allclose(cos, [c for c, _ in ref], atol=1e-5)


def test_most_similar_small_sets_and_bad_index():
    v = np.eye(3, dtype=np.float32)
    v[2] = [1, 1, 0]
    assert [j for j, _ in most_similar(v, 2, 10)] in ([0, 1], [1, 0])
    assert len(most_similar(v, 0, 10)) == 2
    assert most_similar(v[:1], 0, 5) == []
    assert most_similar(v, 0, 0) == []
    with pytest.raises(IndexError):
        most_similar(v, 3, 2)


def test_most_similar_breaks_ties_by_the_lower_row_and_unit_rows_change_nothing():
    v = np.array([[1, 0], [0, 1], [2, 0], [1, 0], [0, 0]], dtype=np.float32)  # rows 2 and 3 point like row 0
    assert most_similar(v, 0, 4) == [(2, 1.0), (3, 1.0), (1, 0.0), (4, 0.0)]
    assert most_similar(unit_rows(v), 0, 4) == most_similar(v, 0, 4)


def test_layer_profile_matches_direct_forward_pass(tiny_bert):
    lm = loaded(tiny_bert)
    text = "The bank raised interest rates."
    enc = lm.tokenizer(text, return_tensors="pt")
    with torch.inference_mode():
        states = lm.model(**enc, output_hidden_states=True).hidden_states
    pieces = lm.tokenizer.convert_ids_to_tokens(enc["input_ids"][0])
    for position in (0, 2, len(pieces) - 1):
        token, norms, sims = layer_profile(lm, text, position)
        assert token == pieces[position]
        assert norms.shape == sims.shape == (lm.num_layers + 1,)
        ref = np.stack([s[0, position].numpy() for s in states])
        np.testing.assert_allclose(norms, np.linalg.norm(ref, axis=1), rtol=1e-4)
        np.testing.assert_allclose(sims, [brute_cos(r, ref[-1]) for r in ref], atol=1e-5)
        assert sims[-1] == pytest.approx(1.0, abs=1e-6)


def test_layer_profile_rejects_a_position_outside_the_text(tiny_bert):
    lm = loaded(tiny_bert)
    with pytest.raises(UsageError, match="position 99"):
        layer_profile(lm, "Short.", 99)


def test_layer_profile_of_a_long_text_uses_windows(tiny_bert):
    lm = loaded(tiny_bert)
    text = " ".join(["the bank of the river"] * 60)  # longer than the tiny model's 128 positions
    n = len(lm.tokenizer(text)["input_ids"])
    assert n > lm.max_length
    token, norms, sims = layer_profile(lm, text, n - 5)
    assert token and norms.shape == (lm.num_layers + 1,) and np.isfinite(sims).all()


def test_layer_vectors_of_a_word_and_a_text(tiny_bert):
    lm = loaded(tiny_bert)
    text = "The river bank flooded."
    word, per_layer = layer_vectors(lm, text, "word", 2)
    assert word == "bank" and per_layer.dtype == np.float32 and per_layer.shape == (lm.num_layers + 1, lm.hidden_size)
    shown = extract(lm, [text], ExtractOptions(levels=("word",), layers=(-1,), include_special=True))["word"]
    np.testing.assert_allclose(per_layer[-1], shown.vectors[2], rtol=1e-4, atol=1e-5)  # the last layer: the map's vector
    label, sent = layer_vectors(lm, text, "sentence", -1, pooling="cls")
    assert label == text and sent.shape == per_layer.shape
    with pytest.raises(UsageError, match="word position 9: this text has words 0 to 4"):
        layer_vectors(lm, text, "word", 9)


def test_layer_path_maps_every_layer_of_one_row(tiny_bert):
    lm = loaded(tiny_bert)
    text = "The bank raised interest rates."
    per_layer, proj = layer_path(lm, text, "token", 2, {"word_pooling": "mean", "pooling": "mean"})
    _piece, norms, _sims = layer_profile(lm, text, 2)  # the same row's vectors
    np.testing.assert_allclose(np.linalg.norm(per_layer, axis=1), norms, rtol=1e-5)
    assert proj.method == "pca" and proj.coords.shape == (lm.num_layers + 1, 2) and proj.quality == {}
    np.testing.assert_array_equal(proj.rows, np.arange(lm.num_layers + 1))


def test_analysis_imports_no_qt():
    code = "import sys, semvec_studio.core.extract.analysis; sys.exit(1 if any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules) else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0

"""The compare view's job (core.compare.pair.run), called synchronously on a tiny BERT: the two sides
are the layers (or layer means) asked for, the overlap and CKA are the core's, B's map is turned
onto A's keeping A's spread, the layer CKA heatmap comes from the same pass, and bad input or a
cancel stops it. A static word-vector file as a side: the words it lacks are left out of both sides
and counted, the texts level, a damaged file and a missing gensim are one-line errors."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from semvec_studio.core.compare.cka import linear_cka
from semvec_studio.core.compare.overlap import knn_overlap
from semvec_studio.core.compare.pair import PairParams, SpaceSpec, _align, run
from semvec_studio.core.errors import Cancelled, InputError, MissingExtraError, UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import load_model
from semvec_studio.core.tasks import RecordingContext

TEXTS = [
    "She deposited the cheque at the bank before noon.",
    "We had a picnic on the grassy bank of the river.",
    "The bank raised its interest rates again this year.",
    "Fishermen lined the muddy river bank at dawn.",
    "Investors moved their money to another bank.",
    "The river flooded the fields after the storm.",
]


@pytest.fixture(scope="module")
def lm(tiny_bert):
    return load_model(tiny_bert, device="cpu")


def layer(lm, layers, level="word", combine="mean"):
    return extract(lm, TEXTS, ExtractOptions(levels=(level,), layers=layers, layer_combine=combine))[level].vectors


def test_two_layers_of_one_model(lm):
    r = run(PairParams(SpaceSpec((0,)), SpaceSpec((-1,)), k=5), TEXTS, lm=lm)
    a, b = layer(lm, (0,)), layer(lm, (-1,))
    np.testing.assert_allclose(r.a.vectors, a, atol=1e-5)
    np.testing.assert_allclose(r.b.vectors, b, atol=1e-5)
    np.testing.assert_allclose(r.overlap.overlap, knn_overlap(a, b, 5).overlap)
    assert r.cka == pytest.approx(linear_cka(a, b), abs=1e-6)
    assert r.names == ("layer 0 (embeddings)", f"last layer ({lm.num_layers})")
    assert r.a.manifest["layers_resolved"] == [0] and r.b.manifest["layers_resolved"] == [lm.num_layers]
    assert r.layer_cka.shape == (lm.num_layers + 1,) * 2 and r.heatmap_layers == (0, lm.num_layers)
    np.testing.assert_allclose(r.layer_cka, r.layer_cka.T)
    assert r.coords_a.shape == r.coords_b.shape == (len(a), 2)


def test_a_layer_mix_is_the_mean_and_texts_work(lm):
    r = run(PairParams(SpaceSpec((-2, -1)), SpaceSpec((0,)), level="sentence", heatmap=False), TEXTS, lm=lm)
    np.testing.assert_allclose(r.a.vectors, layer(lm, (-2, -1), "sentence"), atol=1e-5)
    assert r.names[0] == f"mean of layers {lm.num_layers - 1}–{lm.num_layers}" and r.layer_cka is None
    assert len(r) == len(TEXTS)


def test_another_model_folder_gives_a_cross_heatmap(lm, tiny_bert):
    r = run(PairParams(SpaceSpec((-1,)), SpaceSpec((-1,), model=str(tiny_bert)), heatmap=True), TEXTS, lm=lm)
    assert not r.same_model and r.layer_cka.shape == (lm.num_layers + 1, lm.num_layers + 1)
    assert r.cka == pytest.approx(1.0, abs=1e-5)  # the same weights
    assert " of " in r.names[1]


def test_the_alignment_turns_b_onto_a_and_keeps_a_spread():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(40, 2))
    turn = np.array([[0.0, -1.0], [1.0, 0.0]])
    fit = _align((a @ turn) * 0.2 + 3.0, a)
    np.testing.assert_allclose(fit.apply((a @ turn) * 0.2 + 3.0), a, atol=1e-9)
    noise = rng.normal(size=(40, 2)) * 0.01  # unrelated to A: still drawn as large as A
    out = _align(noise, a).apply(noise)
    spread = lambda m: np.sqrt(((m - m.mean(axis=0)) ** 2).sum(axis=1).mean())  # noqa: E731
    assert spread(out) == pytest.approx(spread(a))


def test_bad_input_and_cancel(lm):
    with pytest.raises(UsageError, match="layers 0 \\(embeddings\\) to"):
        run(PairParams(SpaceSpec((0,)), SpaceSpec((99,))), TEXTS, lm=lm)
    with pytest.raises(UsageError, match="at least 3 texts"):
        run(PairParams(level="sentence"), TEXTS[:2], lm=lm)
    with pytest.raises(UsageError, match="no model"):
        run(PairParams(), TEXTS)
    with pytest.raises(Cancelled):
        run(PairParams(), TEXTS, RecordingContext(cancel_after=1), lm=lm)


# --- a static side ------------------------------------------------------------------------------------


def write_word2vec_text(path, words, dim=8, seed=0) -> dict[str, np.ndarray]:
    """A word2vec text file of ``words`` with random vectors; returns them by word."""
    rng = np.random.default_rng(seed)
    vectors = {w: rng.normal(size=dim).astype(np.float32) for w in words}
    lines = [f"{len(words)} {dim}"] + [w + " " + " ".join(f"{x:.6f}" for x in v) for w, v in vectors.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {w: np.array([float(f"{x:.6f}") for x in v], dtype=np.float32) for w, v in vectors.items()}


@pytest.fixture
def static_file(lm, tmp_path):
    """The words of TEXTS but "river" (three rows), in a word2vec text file."""
    pytest.importorskip("gensim")
    words = extract(lm, TEXTS, ExtractOptions(levels=("word",)))["word"].metadata["word"]
    path = tmp_path / "vecs.txt"
    return path, write_word2vec_text(path, [w for w in dict.fromkeys(words) if w != "river"])


def test_a_static_side_leaves_its_missing_words_out_of_both_sides(lm, static_file):
    path, table = static_file
    r = run(PairParams(SpaceSpec((-1,)), SpaceSpec.static_file(str(path)), k=5), TEXTS, lm=lm)
    full = extract(lm, TEXTS, ExtractOptions(levels=("word",), layers=(-1,)))["word"]
    words = list(full.metadata["word"])
    keep = [i for i, w in enumerate(words) if w != "river"]
    assert len(keep) == len(words) - 3
    a = full.vectors[keep]
    b = np.stack([table[words[i]] for i in keep])
    assert list(r.a.metadata["word"]) == list(r.b.metadata["word"]) == [words[i] for i in keep]
    assert list(r.a.metadata["text_id"]) == [full.metadata["text_id"][i] for i in keep]
    np.testing.assert_allclose(r.a.vectors, a, atol=1e-5)
    np.testing.assert_allclose(r.b.vectors, b, atol=1e-6)
    np.testing.assert_allclose(r.overlap.overlap, knn_overlap(a, b, 5).overlap)
    assert r.cka == pytest.approx(linear_cka(a, b), abs=1e-6)
    assert r.names == (f"last layer ({lm.num_layers})", "static vecs.txt")
    out = r.left_out
    assert out.words == ("river",) and out.rows == 3 and out.total_rows == len(words)
    assert out.total_words == len(set(words)) and out.files == ("vecs.txt",)
    assert out.describe() == f"static: 1 of {len(set(words))} words not in vecs.txt (left out, 3 of {len(words)} rows): river"
    assert r.layer_cka.shape == (lm.num_layers + 1, 1) and r.heatmap_columns == ("static vecs.txt",)
    assert r.heatmap_layers == (lm.num_layers, 0) and r.layer_cka[lm.num_layers, 0] == pytest.approx(r.cka, abs=1e-6)
    assert not r.same_model


def test_a_static_side_a_and_its_refusals(lm, static_file, tmp_path, monkeypatch):
    path, _ = static_file
    r = run(PairParams(SpaceSpec.static_file(str(path), limit=1000), SpaceSpec((0,)), heatmap=False), TEXTS, lm=lm)
    assert r.names == ("static vecs.txt", "layer 0 (embeddings)") and r.layer_cka is None and r.left_out.rows == 3
    with pytest.raises(UsageError, match="word level"):
        run(PairParams(SpaceSpec((-1,)), SpaceSpec.static_file(str(path)), level="sentence"), TEXTS, lm=lm)
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("3 4\nbank 0.1 0.2 0.3 0.4\nriver 0.1 oops\n", encoding="utf-8")
    with pytest.raises(InputError, match="damaged.txt: line 3"):
        run(PairParams(SpaceSpec((-1,)), SpaceSpec.static_file(str(damaged))), TEXTS, lm=lm)
    strangers = tmp_path / "strangers.txt"
    write_word2vec_text(strangers, ["zyx", "wvu"])
    with pytest.raises(UsageError, match="only 0 of the .* are in strangers.txt"):
        run(PairParams(SpaceSpec((-1,)), SpaceSpec.static_file(str(strangers))), TEXTS, lm=lm)
    monkeypatch.setitem(sys.modules, "gensim.models", None)  # the static extra not installed
    with pytest.raises(MissingExtraError, match="semvec-studio\\[static\\]"):
        run(PairParams(SpaceSpec((-1,)), SpaceSpec.static_file(str(path))), TEXTS, lm=lm)

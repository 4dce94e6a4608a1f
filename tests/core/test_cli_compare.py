"""`semvec compare`, `semvec layers` and `semvec static` on tiny random models, and the layer
lab's task function called directly (one forward pass with every layer)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from semvec_studio.core.compare.contextual import type_means
from semvec_studio.core.compare.layers import LayerLabParams, run
from semvec_studio.core.compare.wordpairs import read_word_pairs
from semvec_studio.core.compare.words import first_words, is_uncased, text_words, word_alone_vectors
from semvec_studio.core.errors import Cancelled, UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.models import load_model
from semvec_studio.core.tasks import RecordingContext
from tests.core.test_cli_project import cli, one_line_error

TEXTS = [
    "The bank raised interest rates.",
    "We sat on the river bank.",
    "Cats and dogs play in the garden.",
    "A quick brown fox jumps over the lazy dog.",
    "The dog barked at the cat.",
    "Money in the bank is safe.",
    "Rivers flow to the sea.",
    "She reads a book every night.",
]
PAIRS = "Word 1,Word 2,Human (mean)\nbank,money,8.5\nriver,water,8.0\ncat,dog,7.0\nbook,night,2.0\nfox,garden,3.5\nsea,river,6.0\n"




@pytest.fixture(autouse=True)
def _private_cache(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "texts.txt"
    path.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    return path


def _extract(capsys, model, corpus, out, *options):
    rc, _, err = cli(capsys, "extract", corpus, "--model", model, "-o", out, "--quiet", *options)
    assert rc == 0, err
    return out


# --- semvec compare ----------------------------------------------------------------------------------

def test_compare_two_layers_of_one_model(capsys, tiny_bert, corpus, tmp_path):
    a = _extract(capsys, tiny_bert, corpus, tmp_path / "l1", "--level", "word", "--layers", "1")
    b = _extract(capsys, tiny_bert, corpus, tmp_path / "l2", "--level", "word", "--layers", "2")
    rc, out, err = cli(capsys, "compare", a, b, "--k", "5", "--json")
    assert rc == 0, err
    summary = json.loads(out)
    assert list(summary) == ["rows", "k", "mean_overlap", "cka"]
    assert summary["rows"] == 58 and summary["k"] == 5
    assert 0.0 <= summary["mean_overlap"] <= 1.0 and 0.0 < summary["cka"] < 1.0
    assert out.count("\n") == 1 and err == ""
    rc, out, _ = cli(capsys, "compare", a, a, "--json", "--metric", "euclidean")
    same = json.loads(out)
    assert same["mean_overlap"] == pytest.approx(1.0) and same["cka"] == pytest.approx(1.0)


def test_compare_writes_the_overlap_table_and_prints_a_summary(capsys, tiny_bert, corpus, tmp_path):
    a = _extract(capsys, tiny_bert, corpus, tmp_path / "l1", "--level", "word", "--layers", "1")
    b = _extract(capsys, tiny_bert, corpus, tmp_path / "l2", "--level", "word", "--layers", "2")
    table = tmp_path / "overlap.tsv"
    rc, out, err = cli(capsys, "compare", a, b, "--k", "4", "-o", table, "--quiet")
    assert rc == 0, err
    assert "mean overlap" in out and "linear CKA" in out and "most changed" in out
    lines = table.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["row", "overlap", "text_id", "position", "word", "start", "end", "pieces"]
    assert len(lines) == 59
    first = lines[1].split("\t")
    assert first[0] == "0" and 0.0 <= float(first[1]) <= 1.0 and first[4] == "The"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left


def test_compare_two_models_of_different_widths_at_sentence_level(capsys, tiny_bert, tiny_roberta, corpus, tmp_path):
    a = _extract(capsys, tiny_bert, corpus, tmp_path / "bert")
    b = _extract(capsys, tiny_roberta, corpus, tmp_path / "roberta", "--layers", "0")
    rc, out, err = cli(capsys, "compare", a, b, "--k", "3", "--json")
    assert rc == 0, err
    assert json.loads(out)["rows"] == len(TEXTS)


def test_compare_refuses_folders_of_different_rows(capsys, tiny_bert, corpus, tmp_path):
    a = _extract(capsys, tiny_bert, corpus, tmp_path / "a", "--level", "word")
    other = tmp_path / "other.txt"
    other.write_text("\n".join(TEXTS[:-1] + ["She reads a novel every night."]) + "\n", encoding="utf-8")
    b = _extract(capsys, tiny_bert, other, tmp_path / "b", "--level", "word")
    rc, _, err = cli(capsys, "compare", a, b)
    one_line_error(rc, err, "different rows", "word 'book'", "'novel'", str(a))
    fewer = tmp_path / "fewer.txt"
    fewer.write_text("\n".join(TEXTS[:3]) + "\n", encoding="utf-8")
    c = _extract(capsys, tiny_bert, fewer, tmp_path / "c", "--level", "word")
    one_line_error(*cli(capsys, "compare", a, c)[::2], "58 rows", "rows and")
    d = _extract(capsys, tiny_bert, corpus, tmp_path / "d")
    one_line_error(*cli(capsys, "compare", a, d)[::2], "holds word rows", "sentence rows")
    one_line_error(*cli(capsys, "compare", a, tmp_path / "missing")[::2], "no vectors.npy")
    one_line_error(*cli(capsys, "compare", a, a, "--k", "0")[::2], "--k 0")


# --- semvec layers ----------------------------------------------------------------------------------

@pytest.fixture
def probe_file(tmp_path):
    path = tmp_path / "probe.csv"
    rows = [f'"{t}",{"finance" if "bank" in t or "Money" in t else "other"}' for t in TEXTS] * 3
    path.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_layers_json_shape(capsys, tiny_bert, probe_file, tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(PAIRS, encoding="utf-8")
    rc, out, err = cli(capsys, "layers", "--model", tiny_bert, "--probe", probe_file, "--word-pairs", pairs, "--folds", "3", "--json")
    assert rc == 0, err
    layers = json.loads(out)["layers"]
    assert [row["layer"] for row in layers] == [0, 1, 2, "mean of last 2"]
    for row in layers:
        assert set(row) == {"layer", "word_similarity", "probe", "anisotropy", "cka_to_last"}
        assert set(row["word_similarity"]) == {"spearman", "pairs", "covered"}
        assert row["word_similarity"]["pairs"] == row["word_similarity"]["covered"] == 6
        assert -1.0 <= row["word_similarity"]["spearman"] <= 1.0
        probe = row["probe"]
        assert set(probe) == {"accuracy", "control", "selectivity"}
        assert probe["selectivity"] == pytest.approx(probe["accuracy"] - probe["control"])
        assert -1.0 <= row["anisotropy"] <= 1.0 and 0.0 <= row["cka_to_last"] <= 1.0
    assert layers[2]["cka_to_last"] == pytest.approx(1.0)
    rc, out, err = cli(capsys, "layers", "--model", tiny_bert, "--word-pairs", pairs, "--json")
    assert rc == 0, err
    assert all(set(row) == {"layer", "word_similarity", "anisotropy", "cka_to_last"} for row in json.loads(out)["layers"])


def test_layers_prints_a_table(capsys, tiny_bert, probe_file):
    rc, out, err = cli(capsys, "layers", "--model", tiny_bert, "--probe", probe_file, "--folds", "3", "--max-rows", "20", "--quiet",
                       "--control", "first-word")
    assert rc == 0, err
    lines = out.splitlines()
    assert "20 rows" in lines[0]
    assert lines[1].split()[:4] == ["layer", "probe", "acc", "control"]
    assert lines[2].startswith("0 (embeddings)") and lines[-1].startswith("mean of last 2")


def test_layers_probe_on_word_tags(capsys, tiny_bert, tmp_path):
    path = tmp_path / "tags.tsv"
    rows = ["the cat sat\tDET NOUN VERB", "a dog ran\tDET NOUN VERB", "the fox jumps\tDET NOUN VERB", "a bird sings\tDET NOUN VERB"]
    path.write_text("text\ttags\n" + "\n".join(rows * 3) + "\n", encoding="utf-8")
    rc, out, err = cli(capsys, "layers", "--model", tiny_bert, "--probe", path, "--tags", "--folds", "3", "--json")
    assert rc == 0, err
    assert all(0.0 <= row["probe"]["accuracy"] <= 1.0 for row in json.loads(out)["layers"])
    bad = tmp_path / "bad.tsv"
    bad.write_text("text\ttags\nthe cat sat\tDET NOUN\n", encoding="utf-8")
    one_line_error(*cli(capsys, "layers", "--model", tiny_bert, "--probe", bad, "--tags", "--quiet")[::2], "2 tags", "3 words")


def test_layers_usage_errors(capsys, tiny_bert, tmp_path):
    one_line_error(*cli(capsys, "layers", "--model", tiny_bert)[::2], "nothing to measure")
    one_line_error(*cli(capsys, "layers", "--label-column", "y", "--word-pairs", "x.csv")[::2], "give --probe")
    prose = tmp_path / "prose.txt"
    prose.write_text("hello there\n", encoding="utf-8")
    one_line_error(*cli(capsys, "layers", "--model", tiny_bert, "--word-pairs", prose)[::2], "not a word-pair file")


def test_layer_lab_is_one_pass_and_cancellable(tiny_bert):
    lm = load_model(tiny_bert, device="cpu")
    params = LayerLabParams(texts=tuple(TEXTS * 2), labels=tuple(["x", "y"] * 8), folds=2)
    ctx = RecordingContext()
    result = run(params, ctx, lm=lm)
    assert [p.phase for p in ctx.progress].count("tokenising") == 1  # one forward pass over the texts
    assert result.facts["texts"] == 16 and len(result.rows) == 4
    with pytest.raises(Cancelled):
        run(params, RecordingContext(cancel_after=3), lm=lm)
    with pytest.raises(UsageError, match="not both"):
        run(LayerLabParams(texts=("a",), labels=("x",), tags=(("x",),)), lm=lm)


def test_word_alone_vectors_equal_a_single_layer_extraction(tiny_bert):
    lm = load_model(tiny_bert, device="cpu")
    words = ["bank", "river", "e-mail", "cats"]
    per_layer, found = word_alone_vectors(lm, words, (0, 1, 2))
    assert found.all() and per_layer.shape == (4, 3, 32)
    for layer in (0, 2):
        ws = extract(lm, words, ExtractOptions(levels=("word",), layers=(layer,)))["word"]
        first = ws.vectors[np.flatnonzero(ws.metadata["text_id"] == 0)[0]]
        np.testing.assert_allclose(per_layer[0, layer], first, atol=1e-5)
        rows = np.flatnonzero(ws.metadata["text_id"] == 2)  # "e-mail": three words, averaged
        np.testing.assert_allclose(per_layer[2, layer], ws.vectors[rows].mean(axis=0), atol=1e-5)


def test_text_words_are_the_word_rows(tiny_bert, tiny_roberta):
    for path in (tiny_bert, tiny_roberta):
        lm = load_model(path, device="cpu")
        texts = ["  Hello, world", "e-mail me", "...", "x"]
        ws = extract(lm, texts, ExtractOptions(levels=("word",)))["word"]
        expected = []
        for t in range(len(texts)):
            rows = np.flatnonzero(ws.metadata["text_id"] == t)
            expected.append(ws.metadata["word"][rows[0]] if len(rows) else "")
        assert first_words(lm, texts) == expected
        assert text_words(lm, texts) == [[ws.metadata["word"][i] for i in np.flatnonzero(ws.metadata["text_id"] == t)]
                                         for t in range(len(texts))]
    assert is_uncased(load_model(tiny_bert, device="cpu"))


# --- semvec static -----------------------------------------------------------------------------------

def test_type_means_are_the_mean_of_each_types_word_rows(tiny_bert):
    lm = load_model(tiny_bert, device="cpu")
    texts = ["The cat sat.", "the cat ran", "A dog."]
    means = type_means(lm, texts, (1, -1), min_count=2)
    assert means.words == ["the", "cat", "."] and means.counts.tolist() == [2, 2, 2]  # lower-cased: an uncased model
    assert means.vectors.shape == (3, 2, 32) and means.layers == (1, 2) and means.tokens == 10
    ws = extract(lm, texts, ExtractOptions(levels=("word",), layers=(2,)))["word"]
    rows = [i for i, w in enumerate(ws.metadata["word"]) if w.lower() == "cat"]
    np.testing.assert_allclose(means.layer(1)[1], ws.vectors[rows].mean(axis=0), atol=1e-5)


def test_static_build_then_eval(capsys, tiny_bert, corpus, tmp_path):
    pytest.importorskip("gensim.models", reason="static eval needs the optional 'static' extra (gensim)")
    out = tmp_path / "static.txt"
    rc, _, err = cli(capsys, "static", "build", corpus, "-o", out, "--layer", "1", "--min-count", "1", "--model", tiny_bert)
    assert rc == 0, err
    assert "wrote" in err
    manifest = json.loads((tmp_path / "static.txt.manifest.json").read_text(encoding="utf-8"))
    assert manifest["layer"] == 1 and manifest["texts"] == len(TEXTS) and manifest["lower_cased"] is True
    from gensim.models import KeyedVectors

    kv = KeyedVectors.load_word2vec_format(str(out), binary=False)
    assert kv.vector_size == 32 and kv.index_to_key[0] == "the" and "bank" in kv.key_to_index
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(PAIRS + "zebra,bank,1.0\n", encoding="utf-8")
    rc, stdout, err = cli(capsys, "static", "eval", out, "--word-pairs", pairs, "--json")
    assert rc == 0, err
    score = json.loads(stdout)
    assert list(score) == ["spearman", "pairs", "covered"]
    assert score["pairs"] == 7 and score["covered"] == 5 and -1.0 <= score["spearman"] <= 1.0
    rc, stdout, _ = cli(capsys, "static", "eval", out, "--word-pairs", pairs, "--quiet")
    assert "5 covered" in stdout  # no 'water' in the corpus, no 'zebra'
    one_line_error(*cli(capsys, "static", "build", corpus, "-o", out, "--model", tiny_bert)[::2], "already exists", "--force")
    rc, _, err = cli(capsys, "static", "build", corpus, "-o", out, "--model", tiny_bert, "--force", "--min-count", "3", "--quiet")
    assert rc == 0, err
    assert KeyedVectors.load_word2vec_format(str(out)).index_to_key == ["the", ".", "bank"]  # 8, 8 and 3 times
    one_line_error(*cli(capsys, "static", "build", corpus, "-o", out, "--model", tiny_bert, "--force", "--min-count", "99", "--quiet")[::2],
                   "--min-count 99", "lower it")
    one_line_error(*cli(capsys, "static", "build", corpus, "-o", tmp_path / "x.txt", "--model", tiny_bert, "--layer", "7", "--quiet")[::2],
                   "--layer 7: this model has layers 0 (embeddings) to 2")
    one_line_error(*cli(capsys, "static", "eval", out, "--word-pairs", pairs, "--format", "word2vec")[::2], "not word2vec binary")


def test_word_pairs_of_the_shared_layouts_read_as_the_benchmarks_need(tmp_path):
    path = tmp_path / "ws.csv"
    path.write_text(PAIRS, encoding="utf-8")
    assert len(read_word_pairs(path)) == 6


def test_layer_cka_matrix_of_one_model_and_of_two(tiny_bert, tiny_roberta):
    from semvec_studio.core.compare.cka import linear_cka
    from semvec_studio.core.compare.layers import layer_cka_matrix

    bert, roberta = load_model(tiny_bert, device="cpu"), load_model(tiny_roberta, device="cpu")
    texts = TEXTS * 6  # more rows than the models' 32 dimensions
    own = layer_cka_matrix(bert, texts)
    assert own.shape == (3, 3)
    np.testing.assert_allclose(np.diag(own), 1.0, atol=1e-9)
    np.testing.assert_allclose(own, own.T, atol=1e-12)
    layer0 = extract(bert, texts, ExtractOptions(levels=("sentence",), layers=(0,)))["sentence"].vectors
    layer2 = extract(bert, texts, ExtractOptions(levels=("sentence",), layers=(2,)))["sentence"].vectors
    assert own[0, 2] == pytest.approx(linear_cka(layer0, layer2), abs=1e-5)
    cross = layer_cka_matrix(bert, texts, roberta)
    assert cross.shape == (3, roberta.num_layers + 1) and ((cross >= 0) & (cross <= 1)).all()
    with pytest.raises(UsageError, match="has 3 rows and .* 6"):  # [the] [bank] [.] against byte-level pieces
        layer_cka_matrix(bert, ["The bank."], roberta, level="token")


def test_static_words_gives_an_extraction_folders_words_their_static_vectors(capsys, tiny_bert, corpus, tmp_path):
    pytest.importorskip("gensim.models", reason="static vectors need the optional 'static' extra (gensim)")
    words = tmp_path / "words"
    rc, _, err = cli(capsys, "extract", corpus, "--level", "word", "-o", words, "--model", tiny_bert, "--quiet")
    assert rc == 0, err
    static = tmp_path / "static.txt"
    known = {"bank": 1.0, "river": 2.0, "dog": 3.0, "The": 4.0}  # cased: "the" is not "The"
    static.write_text(f"{len(known)} 3\n" + "".join(f"{w} {v} {v + 1} {-v}\n" for w, v in known.items()), encoding="utf-8")
    out = tmp_path / "static-words"
    rc, _, err = cli(capsys, "static", "words", static, words, "-o", out, "--format", "csv")
    assert rc == 0, err
    source = EmbeddingSet.load(words)
    got = EmbeddingSet.load(out)
    expected_rows = [i for i, w in enumerate(source.metadata["word"]) if w in known]
    assert list(got.metadata["word"]) == [source.metadata["word"][i] for i in expected_rows]
    for i, w in enumerate(got.metadata["word"]):
        np.testing.assert_allclose(got.vectors[i], [known[w], known[w] + 1, -known[w]])
    assert (out / "vectors.csv").is_file() and got.manifest["oov"]["words"] == len(set(source.metadata["word"]) - set(known))
    assert "not in static.txt (left out)" in err and "wrote" in err
    kept = tmp_path / "kept"
    rc, _, err = cli(capsys, "static", "words", static, words, "-o", kept, "--keep-oov", "--quiet")
    assert rc == 0, err
    assert len(EmbeddingSet.load(kept)) == len(source)  # the same rows: semvec compare takes them
    rc, stdout, err = cli(capsys, "compare", words, kept, "--json", "--k", "3", "--quiet")
    assert rc == 0, err
    assert json.loads(stdout)["rows"] == len(source)
    one_line_error(*cli(capsys, "static", "words", static, tmp_path / "nowhere", "-o", tmp_path / "o")[::2], "nowhere", "semvec extract")
    one_line_error(*cli(capsys, "static", "words", static, words, "-o", out)[::2], "exists")

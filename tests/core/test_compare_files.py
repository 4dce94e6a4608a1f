"""core.compare's files: word-pair files of three layouts told apart by content, and static
vectors files (word2vec binary and text, GloVe, fastText .vec, gensim's own) with their errors."""

from __future__ import annotations

import numpy as np
import pytest

from semvec_studio.core.compare.contextual import write_word2vec_text
from semvec_studio.core.compare.static import load_static, sniff_format, static_word_rows
from semvec_studio.core.compare.wordpairs import read_word_pairs
from semvec_studio.core.compare.wordsim import pair_similarity
from semvec_studio.core.errors import InputError, MissingExtraError, UsageError
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.tasks import RecordingContext

WORDSIM = "Word 1,Word 2,Human (mean)\r\nlove,sex,6.77\r\ntiger,cat,7.35\r\ntiger,tiger,10.00\r\n"
SIMLEX = ("word1\tword2\tPOS\tSimLex999\tconc(w1)\tconc(w2)\r\n"
          "old\tnew\tA\t1.58\t2.72\t2.81\r\nsmart\tintelligent\tA\t9.2\t1.75\t2.46\r\n")
MEN = "sun sunlight 50.000000\nautomobile car 50.000000\nriver water 49.000000\n"
MEN_LEMMA = "sun-n sunlight-n 50.000000\nbeach-n sand-n 49.000000\n"


# --- word pairs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,fmt,first", [
    (WORDSIM, "wordsim353", ("love", "sex", 6.77)),
    (SIMLEX, "simlex999", ("old", "new", 1.58)),
    (MEN, "men", ("sun", "sunlight", 50.0)),
    (MEN_LEMMA, "men", ("sun", "sunlight", 50.0)),
    ("love,sex,6.77\ntiger,cat,7.35\n", "wordsim353", ("love", "sex", 6.77)),  # a CSV without its header
    ("\ufeffsun\tsunlight\t50\nriver\twater\t49\n", "men", ("sun", "sunlight", 50.0)),  # BOM, tabs
])
def test_word_pair_layouts_are_told_apart_by_content(tmp_path, text, fmt, first):
    path = tmp_path / "pairs.data"  # the extension says nothing
    path.write_bytes(text.encode("utf-8"))
    pairs = read_word_pairs(path)
    assert pairs.format == fmt
    assert pairs.pairs[0] == first
    assert len(pairs) == len([line for line in text.splitlines() if line.strip()]) - (fmt == "simlex999" or "Word 1" in text)


def test_word_pairs_keep_repeats_and_list_words(tmp_path):
    path = tmp_path / "ws.csv"
    path.write_text(WORDSIM + "love,sex,6.77\r\n", encoding="utf-8")
    pairs = read_word_pairs(path)
    assert len(pairs) == 4 and pairs.words == ["cat", "love", "sex", "tiger"]


@pytest.mark.parametrize("text,needle", [
    ("just some prose\nwith no numbers at all\n", "not a word-pair file"),
    ('{"a": 1}\n', "not a word-pair file"),
    ("a b c d\n", "not a word-pair file"),
    ("", "empty"),
    ("word1\tword2\tSimLex999\nold\tnew\n", "2 cells, the header has 3"),
    ("word1\tword2\tSimLex999\nold\tnew\tmuch\n", "'much' is not a number"),
    ("Word 1,Word 2,Human\nlove,sex,6.77\n" + "x,y,1\n" * 25 + "a,b,lots\n", "line 28"),
])
def test_word_pair_errors_name_the_file_and_line(tmp_path, text, needle):
    path = tmp_path / "bad.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=needle) as err:
        read_word_pairs(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_pair_similarity_counts_covered_pairs(tmp_path):
    path = tmp_path / "men.txt"
    path.write_text("a b 1\na c 2\nb c 3\na zz 4\n", encoding="utf-8")
    pairs = read_word_pairs(path)
    words = ["a", "b", "c"]
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    score = pair_similarity(pairs, words, vectors, np.array([True, True, True]))
    assert (score.pairs, score.covered) == (4, 3)
    assert score.spearman == pytest.approx(-0.5)  # cos: a-b 0.8, a-c 0, b-c 0.6 against gold 1, 2, 3
    assert pair_similarity(pairs, words, vectors, np.array([True, False, True])).as_dict() == {"spearman": None, "pairs": 4, "covered": 1}


# --- static vectors ---------------------------------------------------------------------------------

WORDS = ["the", "cat", "sat", "on", "mat", "Dog", "naïve"]


@pytest.fixture
def kv():
    gensim_models = pytest.importorskip("gensim.models", reason="static vectors need the optional 'static' extra (gensim)")
    keyed = gensim_models.KeyedVectors(5, count=0, dtype=np.float32)
    keyed.add_vectors(WORDS, np.random.default_rng(0).normal(size=(len(WORDS), 5)).astype(np.float32))
    return keyed


@pytest.mark.parametrize("binary", [True, False])
def test_word2vec_written_by_gensim_loads_and_round_trips(tmp_path, kv, binary):
    path = tmp_path / ("v.bin" if binary else "v.txt")
    kv.save_word2vec_format(str(path), binary=binary)
    assert sniff_format(path) == ("word2vec" if binary else "word2vec-text")
    ctx = RecordingContext()
    static = load_static(path, ctx=ctx)
    assert static.format == ("word2vec" if binary else "word2vec-text")
    assert static.kv.index_to_key == WORDS and static.words == len(WORDS) and static.dim == 5
    np.testing.assert_allclose(static.kv.vectors, kv.vectors, rtol=1e-6)
    again = tmp_path / "again.txt"
    write_word2vec_text(again, static.kv.index_to_key, static.kv.vectors)
    from gensim.models import KeyedVectors

    back = KeyedVectors.load_word2vec_format(str(again), binary=False)
    assert back.index_to_key == WORDS
    np.testing.assert_allclose(back.vectors, kv.vectors, rtol=1e-6)
    if not binary:
        assert ctx.progress[-1].unit == "byte" and ctx.progress[-1].fraction == 1.0


def test_glove_without_header_and_fasttext_vec_load(tmp_path, kv):
    lines = [f"{w} " + " ".join(f"{v:.6f}" for v in kv[w]) for w in WORDS]
    glove = tmp_path / "glove.6B.5d.txt"
    glove.write_text("\n".join(lines) + "\n", encoding="utf-8")
    vec = tmp_path / "cc.en.5.vec"
    vec.write_text(f"{len(WORDS)} 5\n" + "\n".join(line + " " for line in lines) + "\n", encoding="utf-8")  # fastText: trailing space
    for path, fmt in ((glove, "glove"), (vec, "word2vec-text")):
        static = load_static(path)
        assert static.format == fmt and static.kv.index_to_key == WORDS
        np.testing.assert_allclose(static.kv.vectors, kv.vectors, atol=1e-6)
    assert load_static(vec, "fasttext").format == "fasttext"
    limited = load_static(glove, limit=3)
    assert limited.kv.index_to_key == WORDS[:3] and limited.limit == 3


def test_gensim_native_files_are_memory_mapped_only_with_allow_pickle(tmp_path, kv):
    path = tmp_path / "vectors.kv"
    kv.save(str(path))
    assert sniff_format(path) == "gensim"
    with pytest.raises(InputError, match="allow-pickle"):
        load_static(path)
    static = load_static(path, allow_pickle=True, limit=4)
    assert static.kv.index_to_key == WORDS[:4]
    full = load_static(path, allow_pickle=True)
    assert full.words == len(WORDS)


@pytest.mark.parametrize("said,writes,needle", [
    ("glove", "word2vec-text", "not GloVe text.*looks like word2vec text.*--format word2vec-text"),
    ("word2vec", "glove", "not word2vec binary.*looks like GloVe"),
    ("word2vec-text", "word2vec", "not word2vec text.*looks like word2vec binary"),
])
def test_a_wrong_guess_of_the_format_names_the_right_one(tmp_path, kv, said, writes, needle):
    path = tmp_path / "vectors"
    if writes == "glove":
        path.write_text("\n".join(f"{w} " + " ".join(map(str, kv[w])) for w in WORDS) + "\n", encoding="utf-8")
    else:
        kv.save_word2vec_format(str(path), binary=writes == "word2vec")
    with pytest.raises(InputError, match=needle):
        load_static(path, said)


def test_damaged_vectors_files_are_one_line_errors(tmp_path, kv):
    text = tmp_path / "v.txt"
    kv.save_word2vec_format(str(text), binary=False)
    lines = text.read_text(encoding="utf-8").splitlines()
    cases = {
        "short.txt": ("\n".join(lines[:4]) + "\n", "header promises 7 words but the file holds 3"),
        "row.txt": ("\n".join(lines[:3] + [" ".join(lines[3].split()[:-2])] + lines[4:]) + "\n", "line 4 has 3 numbers, the vectors have 5"),
        "cell.txt": ("\n".join(lines[:2] + ["cat 1 2 x 4 5"] + lines[3:]) + "\n", "line 3 is not a word and 5 numbers"),
        "prose.txt": ("This is not a vectors file.\nIt is prose.\n", "not a vectors file"),
        "empty.txt": ("", "empty"),
    }
    for name, (content, needle) in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        with pytest.raises(InputError, match=needle) as err:
            load_static(path)
        assert "\n" not in str(err.value)
    binary = tmp_path / "v.bin"
    kv.save_word2vec_format(str(binary), binary=True)
    cut = tmp_path / "cut.bin"
    cut.write_bytes(binary.read_bytes()[:-30])
    with pytest.raises(InputError, match="damaged"):
        load_static(cut)
    fasttext_model = tmp_path / "model.bin"
    fasttext_model.write_bytes((793712314).to_bytes(4, "little") + b"\x0c\x00\x00\x00" + bytes(100))
    with pytest.raises(InputError, match="fastText model"):
        load_static(fasttext_model)
    with pytest.raises(UsageError, match="--format"):
        load_static(text, "npy")
    with pytest.raises(UsageError, match="--limit"):
        load_static(text, limit=0)


def test_static_vectors_give_whole_word_rows_their_vector_and_list_what_is_missing(tmp_path, kv):
    path = tmp_path / "v.txt"
    kv.save_word2vec_format(str(path), binary=False)
    static = load_static(path)
    words = ["The", "cat", "zebra", "dog", "zebra", "Dog"]
    rows = EmbeddingSet(np.zeros((6, 3), dtype=np.float32), {"text_id": np.zeros(6, dtype=np.int64), "word": words},
                        {"model": {"name": "tiny"}}, "word")
    lookup = static_word_rows(static, rows)
    assert lookup.found.tolist() == [True, True, False, False, False, True]  # "The" -> "the"; "dog" is not "Dog"
    assert lookup.oov == ["zebra", "dog"] and lookup.oov_rows == 3
    np.testing.assert_allclose(lookup.embset.vectors[0], kv["the"])
    np.testing.assert_allclose(lookup.embset.vectors[5], kv["Dog"])
    assert not lookup.embset.vectors[2].any()
    assert lookup.embset.level == "word" and lookup.embset.metadata["word"] == words
    assert lookup.embset.manifest["static"]["format"] == "word2vec-text" and lookup.embset.manifest["oov_words"] == 2
    sentences = EmbeddingSet(np.zeros((1, 3), dtype=np.float32), {"text": ["x"]}, {}, "sentence")
    with pytest.raises(UsageError, match="whole-word rows"):
        static_word_rows(static, sentences)


def test_without_gensim_static_files_are_a_missing_extra(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_gensim(name, *args, **kwargs):
        if name.startswith("gensim"):
            raise ImportError("No module named 'gensim'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_gensim)
    path = tmp_path / "v.txt"
    path.write_text("1 2\na 1 2\n", encoding="utf-8")
    with pytest.raises(MissingExtraError, match=r"semvec-studio\[static\]"):
        load_static(path)

"""Word segmenters: jieba's words pooled from a character-level Chinese BERT's pieces, mixed
Chinese-English text, user dictionaries, every character in exactly one word row (a property, for
each segmenter and three tokenizer families), English words unchanged, and Word in context for 行."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from semvec_studio.cli import main
from semvec_studio.core.errors import InputError, MissingExtraError, UsageError
from semvec_studio.core.extract import segmenters
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.segmenters import SEGMENTERS, get_segmenter, jieba_installed, jieba_tokenizer, read_user_dict
from semvec_studio.core.extract.windows import plan_text
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.models import load_model
from semvec_studio.core.projection import context
from semvec_studio.core.resources import demo_corpus_path, demo_corpus_zh_path
from semvec_studio.core.tasks import RecordingContext

needs_jieba = pytest.mark.skipif(not jieba_installed(), reason="jieba (the zh extra) is not installed: pip install 'semvec-studio[zh]'")

CHINESE = [
    "我在银行工作，他在路上行走。",
    "这首诗的第一行写得特别好，你会说中文吗？",
    "晚上我给妈妈打电话，周末我们去公园打球。",
]
MIXED = "我用Python写代码，the bank is closed today."
INVENTED = "语义向量工作室"  # not in jieba's dictionary: jieba cuts it in several words

_models: dict = {}


def loaded(path):
    if path not in _models:
        _models[path] = load_model(path, device="cpu")
    return _models[path]


def rows_of(s: EmbeddingSet, t: int) -> np.ndarray:
    return np.nonzero(s.metadata["text_id"] == t)[0]


def words_of(s: EmbeddingSet, t: int) -> list[str]:
    return [s.metadata["word"][i] for i in rows_of(s, t)]


def last_hidden(lm, text: str) -> tuple[np.ndarray, list]:
    """The model's last hidden state for one text (ids and mask only, as the encode loop passes), and the pieces' offsets."""
    enc = lm.tokenizer(text, return_tensors="pt", return_offsets_mapping=True)
    with torch.inference_mode():
        out = lm.model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
    return out.last_hidden_state[0].numpy(), enc["offset_mapping"][0].tolist()


# --- jieba's words -----------------------------------------------------------------------------


@needs_jieba
def test_jieba_words_are_the_rows_and_their_vectors_the_mean_of_their_characters(tiny_chinese):
    import jieba

    lm = loaded(tiny_chinese)
    words = extract(lm, CHINESE, ExtractOptions(levels=("word",), segmenter="jieba"))["word"]
    worst = 0.0
    for t, text in enumerate(CHINESE):
        assert words_of(words, t) == [w for w in jieba.lcut(text) if w.strip()]
        hidden, offsets = last_hidden(lm, text)
        for i in rows_of(words, t):
            s, e = words.metadata["start"][i], words.metadata["end"][i]
            chars = [k for k, (a, b) in enumerate(offsets) if b > a and s <= a < e]
            assert len(chars) == e - s  # one piece per character ([UNK] for those the vocabulary lacks)
            worst = max(worst, float(np.abs(words.vectors[i] - hidden[chars].mean(axis=0)).max()))
    assert worst <= 1e-5


@needs_jieba
def test_mixed_chinese_and_english(tiny_chinese):
    import jieba

    lm = loaded(tiny_chinese)
    got = {seg: words_of(extract(lm, [MIXED], ExtractOptions(levels=("word",), segmenter=seg))["word"], 0)
           for seg in SEGMENTERS}
    assert got["jieba"] == [w for w in jieba.lcut(MIXED) if w.strip()]
    # auto: jieba's words that hold a Chinese character, the tokenizer's words elsewhere
    assert got["auto"] == ["我用", "Python", "写", "代码", "，", "the", "bank", "is", "closed", "today", "."]
    assert got["tokenizer"] == ["我", "用", "Python", "写", "代", "码", "，", "the", "bank", "is", "closed", "today", "."]
    assert got["whitespace"] == MIXED.split()


@needs_jieba
def test_a_user_dictionary_word_is_one_segment_and_the_manifest_says_so(tiny_chinese, tmp_path):
    lm = loaded(tiny_chinese)
    text = f"欢迎来到{INVENTED}。"
    plain = words_of(extract(lm, [text], ExtractOptions(levels=("word",), segmenter="jieba"))["word"], 0)
    assert INVENTED not in plain
    path = tmp_path / "user.txt"
    path.write_text(f"\ufeff{INVENTED} 10 n\n\n向量空间\n", encoding="utf-8")
    for seg in ("jieba", "auto"):
        out = extract(lm, [text], ExtractOptions(levels=("word",), segmenter=seg, user_dict=str(path)))["word"]
        assert INVENTED in words_of(out, 0)
        info = out.manifest["segmenter"]
        assert (info["name"], info["jieba"], info["user_dict"]) == (seg, segmenters.jieba_version(), str(path.absolute()))
        assert info["user_dict_sha256"] == read_user_dict(path).sha256 and len(info["user_dict_sha256"]) == 64
    assert read_user_dict(path).words == ((INVENTED, 10, "n"), ("向量空间", None, None))


@needs_jieba
def test_jieba_is_built_once_and_kept_per_dictionary(tmp_path):
    assert jieba_tokenizer() is jieba_tokenizer()
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("语义向量\n", encoding="utf-8")
    b.write_text("语义向量\n", encoding="utf-8")
    assert jieba_tokenizer(read_user_dict(a)) is jieba_tokenizer(read_user_dict(b)) is not jieba_tokenizer()
    assert get_segmenter("jieba").spans is get_segmenter("jieba").spans
    assert get_segmenter("jieba", b).info["user_dict"] == str(b.absolute())  # same words, the file named is the one given


@pytest.mark.parametrize("content,needle", [
    ("银行 10\n".encode("gb18030"), "must be UTF-8"),
    ("银行,10\n".encode(), "line 1: '银行,10' is not a dictionary line"),
    ("银行 10 n\n行走 x 3\n".encode(), "line 2"),
    (b"\n \n", "has no words"),
])
def test_a_bad_user_dictionary_is_a_one_line_error(tmp_path, content, needle):
    path = tmp_path / "user.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=needle) as err:
        read_user_dict(path)
    assert err.value.field == "user_dict" and "\n" not in str(err.value)


def test_user_dictionary_option_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        ExtractOptions(segmenter="auto", user_dict=str(tmp_path / "missing.txt")).check()
    (tmp_path / "d.txt").write_text("银行\n", encoding="utf-8")
    with pytest.raises(UsageError, match="only the jieba and auto segmenters use a dictionary") as err:
        ExtractOptions(segmenter="whitespace", user_dict=str(tmp_path / "d.txt")).check()
    assert "--" not in err.value.for_gui()
    with pytest.raises(UsageError, match="--segmenter spaces: choose one of auto, tokenizer, whitespace, jieba"):
        ExtractOptions(segmenter="spaces").check()


def test_without_jieba_auto_makes_one_word_per_chinese_character_and_says_so(tiny_chinese, tiny_roberta, monkeypatch):
    monkeypatch.setattr(segmenters, "jieba_installed", lambda: False)
    monkeypatch.setattr(segmenters, "_segmenters", {})
    with pytest.raises(MissingExtraError, match=r"pip install 'semvec-studio\[zh\]'"):
        ExtractOptions(levels=("word",), segmenter="jieba").check()
    for path in (tiny_chinese, tiny_roberta):  # character pieces, and byte-level pieces (a Chinese run is one tokenizer word)
        ctx = RecordingContext()
        out = extract(loaded(path), ["银行 bank", "行走", "no Chinese here"], ExtractOptions(levels=("word",)), ctx)["word"]
        assert [words_of(out, t) for t in range(3)] == [["银", "行", "bank"], ["行", "走"], ["no", "Chinese", "here"]]
        assert ctx.messages == [segmenters.NO_JIEBA_NOTE]  # once, for the first text with Chinese characters
        assert out.manifest["segmenter"]["han"] == "one word per character"


# --- every character in exactly one word row ---------------------------------------------------

_alphabet = st.sampled_from(list("银行走路打电话花钱长大会说中文我你好的了一是在人有") + ["龘", "𠀋"] + list("abcXYZ019")
                            + list(",.!?'-") + list("，。！？、：“”（）") + [" ", " ", "  ", "\n", "\t", "é"])
_texts = st.lists(st.one_of(_alphabet, st.sampled_from(["银行", "Python", "行走", "一行", "打电话"])), min_size=1, max_size=30).map("".join)


@pytest.mark.parametrize("which", ["tiny_chinese", "tiny_roberta", "tiny_bert"])
def test_every_character_belongs_to_exactly_one_word_row(request, which):
    lm = loaded(request.getfixturevalue(which))
    names = [n for n in SEGMENTERS if jieba_installed() or n not in ("jieba",)]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_texts)
    def check(text):
        enc = lm.tokenizer(text).encodings[0]
        for name in names:
            seg = get_segmenter(name)
            plan = plan_text(enc, text, 512, 128, False, seg.spans(text))
            cols = plan.word_columns(0, text)
            owners = np.zeros(len(text), dtype=np.int64)
            for s, e, word in zip(cols["start"], cols["end"], cols["word"]):
                assert word and word == word.strip() and text[s:e] == word, name
                owners[s:e] += 1
            covered = np.zeros(len(text), dtype=bool)
            for k in plan.content:
                covered[plan.starts[k]:plan.ends[k]] = True
            for p, c in enumerate(text):
                if c.isspace():
                    assert owners[p] == 0, (name, text, p)
                else:
                    assert covered[p] and owners[p] == 1, (name, text, p, cols["word"])
            for k in plan.content:  # each piece of a word lies inside the word's span
                w = plan.word_index[k]
                if w >= 0:
                    assert cols["start"][w] <= plan.starts[k] < plan.ends[k] <= cols["end"][w]

    check()


def test_a_piece_across_two_words_goes_to_the_word_with_most_of_its_characters():
    from tests.core.test_windows import _encoding

    text = "银行走路"
    spans = [(0, 2), (2, 4)]  # 银行 | 走路
    enc = _encoding(["银", "行走路", "路"], [(0, 1), (1, 4), (3, 4)], [0, 1, 2])
    plan = plan_text(enc, text, 512, 128, False, spans)  # 行走路: 1 character of 银行, 2 of 走路
    assert plan.word_columns(0, text)["word"] == ["银", "行走路"]
    enc = _encoding(["银", "行走", "路"], [(0, 1), (1, 3), (3, 4)], [0, 1, 2])
    plan = plan_text(enc, text, 512, 128, False, spans)  # 行走: a tie, to the first word
    assert plan.word_columns(0, text)["word"] == ["银行走", "路"]
    enc = _encoding(["ab", "b"], [(0, 2), (1, 2)], [0, 0])  # byte-level: two pieces hold bytes of "b"
    plan = plan_text(enc, "ab", 512, 128, False, [(0, 1), (1, 2)])
    assert plan.word_columns(0, "ab")["word"] == ["ab"] and plan.word_index.tolist() == [0, 0]


# --- English is unchanged ---------------------------------------------------------------------


@pytest.mark.parametrize("which", ["tiny_bert", "tiny_roberta", "tiny_gpt2"])
def test_auto_gives_the_tokenizers_words_for_text_without_chinese(request, which):
    lm = loaded(request.getfixturevalue(which))
    texts = demo_corpus_path().read_text(encoding="utf-8").splitlines() + ["Double  spaces\tand\nlines", "naïve café, 42!"]
    auto, tok = (extract(lm, texts, ExtractOptions(levels=("token", "word"), segmenter=s)) for s in ("auto", "tokenizer"))
    for level in ("token", "word"):
        assert {k: list(v) for k, v in auto[level].metadata.items()} == {k: list(v) for k, v in tok[level].metadata.items()}
        np.testing.assert_array_equal(auto[level].vectors, tok[level].vectors)


@pytest.mark.slow
def test_the_default_models_english_word_rows_are_unchanged():
    lm = loaded("default")
    texts = demo_corpus_path().read_text(encoding="utf-8").splitlines()
    auto = extract(lm, texts, ExtractOptions(levels=("word",)))["word"]
    tok = extract(lm, texts, ExtractOptions(levels=("word",), segmenter="tokenizer"))["word"]
    assert list(auto.metadata["word"]) == list(tok.metadata["word"]) and len(auto) > 150
    np.testing.assert_array_equal(auto.vectors, tok.vectors)


# --- Word in context, the command line ----------------------------------------------------------


def test_word_in_context_finds_a_chinese_character_in_its_words():
    assert context.HAN_RANGES == segmenters.HAN_RANGES
    words = ["银行", "行走", "一行", "行", "银", "bank", "banker", "Bank", "T恤", "银行家"]
    s = EmbeddingSet(np.zeros((len(words), 2), np.float32), {"word": words}, level="word")
    assert context.word_rows(s, " 行 ").tolist() == [0, 1, 2, 3, 9]
    assert context.word_rows(s, "银行").tolist() == [0, 9]
    assert context.word_rows(s, "bank").tolist() == [5, 7]  # other scripts: whole words only
    assert context.word_rows(s, "T恤").tolist() == [8]
    assert context.word_rows(s, "").tolist() == []


@needs_jieba
def test_cli_extract_with_segmenter_and_user_dict(capsys, tiny_chinese, tmp_path):
    corpus = demo_corpus_zh_path()
    user = tmp_path / "user.txt"
    user.write_text("分行 5\n", encoding="utf-8")
    out = tmp_path / "out"
    rc = main(["extract", str(corpus), "--model", str(tiny_chinese), "--level", "word", "--segmenter", "jieba",
               "--user-dict", str(user), "-o", str(out), "--quiet"])
    assert rc == 0, capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["segmenter"]["name"] == "jieba" and manifest["segmenter"]["user_dict_sha256"] == read_user_dict(user).sha256
    lines = (out / "metadata.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    words = [line.split("\t")[header.index("word")] for line in lines[1:]]
    assert {"银行", "行走", "打电话", "开会"} <= set(words)
    user.write_bytes("分行 5\n".encode("gb18030"))
    rc = main(["extract", str(corpus), "--model", str(tiny_chinese), "--level", "word", "--user-dict", str(user), "-o", str(out), "--force"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "must be UTF-8" in err[0]


def test_auto_loads_jiebas_dictionary_only_once_a_text_has_chinese():
    """English texts pay nothing for the auto segmenter (jieba's dictionary takes seconds to load)."""
    import subprocess
    import sys

    pytest.importorskip("jieba", reason="the Chinese word segmenter is the zh extra")
    code = ("import semvec_studio.core.extract.segmenters as m; s = m.get_segmenter('auto'); "
            "print(s.spans('The bank raised rates.'), len(m._jieba_tokenizers)); "
            "print(s.spans('我去银行'), len(m._jieba_tokenizers))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == ["[] 0", "[(0, 1), (1, 2), (2, 4)] 1"]

"""Token plans and how their pieces are shown: whitespace-only pieces (byte-level BPE) belong to no
word, and every piece reads as the text it stands for."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.pieces import SPACE_MARK, UNKNOWN_MIN, coverage_warning, piece_labels
from semvec_studio.core.extract.windows import plan_text
from semvec_studio.core.io.exporters import save
from semvec_studio.core.models import load_model

WHITESPACE_TEXTS = [
    "Double  spaces here",
    "tab\tseparated words",
    "new\nline and\n\n two",
    "non\u00a0breaking space",
    "  leading and trailing  ",
    "café  at the bank",
]

_models: dict = {}


def loaded(path):
    if path not in _models:
        _models[path] = load_model(path, device="cpu")
    return _models[path]


def rows_of(s, t: int) -> np.ndarray:
    return np.nonzero(s.metadata["text_id"] == t)[0]


@pytest.fixture(params=["tiny_gpt2", "tiny_roberta"])
def byte_level(request):
    return loaded(request.getfixturevalue(request.param))


def test_whitespace_pieces_make_no_word_rows(byte_level):
    out = extract(byte_level, WHITESPACE_TEXTS, ExtractOptions(levels=("token", "word")))
    tok, word = out["token"], out["word"]
    assert np.isfinite(word.vectors).all()
    for t, text in enumerate(WHITESPACE_TEXTS):
        wrows, trows = rows_of(word, t), rows_of(tok, t)
        words = [word.metadata["word"][i] for i in wrows]
        assert words == text.split()  # no empty word, none with whitespace, none lost
        for i in wrows:
            assert text[word.metadata["start"][i] : word.metadata["end"][i]] == word.metadata["word"][i]
        enc = byte_level.tokenizer(text).encodings[0]
        assert len(trows) == len(enc.ids) - sum(enc.special_tokens_mask)  # whitespace pieces keep their rows
        blank = [i for i in trows if tok.metadata["start"][i] == tok.metadata["end"][i]]
        assert blank, "each text has whitespace-only pieces"
        assert all(tok.metadata["word_index"][i] == -1 for i in blank)
        for i in trows:  # every other piece lies in its word
            k = tok.metadata["word_index"][i]
            if k >= 0:
                j = wrows[k]
                assert word.metadata["start"][j] <= tok.metadata["start"][i] < tok.metadata["end"][i] <= word.metadata["end"][j]


def test_word2vec_export_keeps_every_word(byte_level, tmp_path):
    words = extract(byte_level, WHITESPACE_TEXTS, ExtractOptions(levels=("word",)))["word"]
    out = save(words, tmp_path / "out", ["word2vec"])
    lines = (out / "vectors.w2v.txt").read_text(encoding="utf-8").splitlines()
    keys = [line.split(" ")[0] for line in lines[1:]]
    assert len(keys) == int(lines[0].split()[0]) == len(set(words.metadata["word"]))
    assert set(keys) == set(words.metadata["word"]) and "" not in keys


def _encoding(tokens, offsets, word_ids):
    n = len(tokens)
    return SimpleNamespace(ids=list(range(n)), tokens=tokens, offsets=offsets, special_tokens_mask=[0] * n, word_ids=word_ids)


def test_a_whitespace_piece_inside_a_word_ends_the_run():
    """SentencePiece keeps "tab\\there" as one word id with a tab piece inside: two words."""
    text = "tab\there"
    enc = _encoding(["▁ta", "b", "\t", "h", "ere"], [(0, 2), (2, 3), (3, 4), (4, 5), (5, 8)], [0, 0, 0, 0, 0])
    plan = plan_text(enc, text, 512, 128, False)
    assert plan.word_index.tolist() == [0, 0, -1, 1, 1]
    assert plan.word_columns(0, text)["word"] == ["tab", "here"]


# --- how pieces are shown ----------------------------------------------------------------------


def labels_of(lm, text: str) -> tuple[list[str], list]:
    plan = plan_text(lm.tokenizer(text).encodings[0], text, 512, 128, False)
    return plan.tokens, piece_labels(plan.tokens, plan.starts, plan.ends, text)


def test_byte_level_pieces_read_as_their_text(tiny_gpt2):
    tokens, pieces = labels_of(loaded(tiny_gpt2), "Double  spaces and a café at the bank")
    labels = [p.label for p in pieces]
    assert "Ã" not in "".join(labels) and "Ġ" not in "".join(labels)
    assert "é 1/2" in labels and "é 2/2" in labels  # é is two byte pieces
    assert f"{SPACE_MARK}ban" in labels and f"{SPACE_MARK}the" in labels
    assert labels[tokens.index("Ġ")] == f"{SPACE_MARK} space"  # the second of the double space
    assert any("“Ġban”" in p.note for p in pieces)  # the stored piece in the note
    _, pieces = labels_of(loaded(tiny_gpt2), "tab\tnew\nnon\u00a0break")
    assert [p.label for p in pieces if not p.label.isalpha()] == ["⇥ tab", "↵ newline", "⍽ nbsp 1/2", "⍽ nbsp 2/2"]


def test_wordpiece_continuations_keep_their_mark(tiny_bert):
    tokens, pieces = labels_of(loaded(tiny_bert), "The Cheque")
    assert [p.label for p in pieces] == ["[CLS]", "The", *[("##" if t.startswith("##") else "") + c for t, c in zip(tokens[2:-1], "Cheque")], "[SEP]"]


def test_coverage_warning_counts_unknown_letters():
    text = "我们在河边"
    starts, ends = list(range(5)), list(range(1, 6))
    assert coverage_warning(["我", "[UNK]", "[UNK]", "河", "边"], starts, ends, text) == (
        "This model's vocabulary does not cover this text (2 of 5 pieces unknown); choose a model for its language.")
    assert coverage_warning(["我", "[UNK]", "在", "河", "边"], starts, ends, text) is None  # fewer than UNKNOWN_MIN
    assert UNKNOWN_MIN == 2
    emoji = "go 🔥🔥 now"
    assert coverage_warning(["go", "[UNK]", "[UNK]", "now"], [0, 3, 4, 6], [2, 4, 5, 9], emoji) is None  # symbols, not a language
    long_text = "word " * 30 + "你好"
    tokens = ["word"] * 30 + ["[UNK]", "[UNK]"]
    starts = [5 * i for i in range(30)] + [150, 151]
    assert coverage_warning(tokens, starts, [s + (4 if i < 30 else 1) for i, s in enumerate(starts)], long_text) is None  # 2 of 32

"""Sanity checks of the tiny checkpoint fixtures themselves (tests/checkpoints.py)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from transformers import AutoConfig, AutoModel, AutoTokenizer  # noqa: E402

from tests import checkpoints as ck  # noqa: E402

TEXT = "The quick brown fox jumps over the lazy dog, twice: 42 times!"


def load(path):
    kw = dict(local_files_only=True, trust_remote_code=False)
    return AutoTokenizer.from_pretrained(path, **kw), AutoModel.from_pretrained(path, **kw).eval()


def test_good_checkpoint_loads_and_runs(tiny_checkpoint):
    tokenizer, model = load(tiny_checkpoint)
    assert (tiny_checkpoint / "model.safetensors").is_file()
    assert tokenizer.is_fast
    assert tokenizer.model_max_length == ck.MAX_LEN
    can_pad = tokenizer.pad_token is not None  # GPT-2 has no pad token
    texts = [TEXT, "short one"] if can_pad else [TEXT]
    enc = tokenizer(texts, padding=can_pad, return_offsets_mapping=True, return_tensors="pt")
    assert enc["offset_mapping"].shape[:2] == enc["input_ids"].shape
    assert any(w is not None for w in enc.word_ids(0))
    enc.pop("offset_mapping")
    with torch.inference_mode():
        out = model(**enc, output_hidden_states=True)
    assert len(out.hidden_states) == ck.N_LAYERS + 1
    assert out.hidden_states[-1].shape == (*enc["input_ids"].shape, ck.HIDDEN)
    assert model.config.num_hidden_layers == ck.N_LAYERS


def test_model_accepts_max_len_tokens(tiny_checkpoint):
    tokenizer, model = load(tiny_checkpoint)
    enc = tokenizer(" ".join(["word"] * 400), truncation=True, max_length=ck.MAX_LEN, return_tensors="pt")
    assert enc["input_ids"].shape[1] == ck.MAX_LEN
    with torch.inference_mode():
        out = model(**enc)
    assert out.last_hidden_state.shape == (1, ck.MAX_LEN, ck.HIDDEN)


def test_builds_are_deterministic(tmp_path):
    a = ck.make_bert(tmp_path / "a")
    b = ck.make_bert(tmp_path / "b")
    for name in ("model.safetensors", "tokenizer.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_bert_wordpiece_covers_ascii(tiny_bert):
    tokenizer = AutoTokenizer.from_pretrained(tiny_bert)
    ids = tokenizer("Zebra-like QUIRKS & 3.14159 {x} ~ok~ 'quoted' $5 @home #tag")["input_ids"]
    assert tokenizer.unk_token_id not in ids
    assert ids[0] == tokenizer.cls_token_id and ids[-1] == tokenizer.sep_token_id
    assert tokenizer.tokenize("Running") == ["running"]  # lower-cased, whole-word entry


def test_chinese_splits_characters(tiny_chinese):
    tokenizer = AutoTokenizer.from_pretrained(tiny_chinese)
    assert tokenizer.tokenize("你好") == ["你", "好"]
    enc = tokenizer("你好", return_offsets_mapping=True, add_special_tokens=False)
    assert enc["offset_mapping"] == [(0, 1), (1, 2)]
    assert enc.word_ids() == [0, 1]


def test_roberta_offsets_map_back_to_text(tiny_roberta):
    tokenizer = AutoTokenizer.from_pretrained(tiny_roberta)
    enc = tokenizer(TEXT, return_offsets_mapping=True)
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
    assert ids[0] == tokenizer.bos_token_id and ids[-1] == tokenizer.eos_token_id
    for token_id, (start, end) in zip(ids[1:-1], offsets[1:-1]):
        piece = tokenizer.decode([token_id])
        assert TEXT[start:end] == piece.strip()  # trim_offsets: no leading space in the span
    covered = {i for word, (start, end) in zip(enc.word_ids(), offsets) if word is not None
               for i in range(start, end)}
    assert covered == {i for i, char in enumerate(TEXT) if not char.isspace()}


def test_roberta_positions_offset_by_pad(tiny_roberta):
    config = AutoConfig.from_pretrained(tiny_roberta)
    assert config.max_position_embeddings == ck.MAX_LEN + config.pad_token_id + 1


def test_gpt2_adds_nothing_and_has_no_pad(tiny_gpt2):
    tokenizer = AutoTokenizer.from_pretrained(tiny_gpt2)
    assert tokenizer.pad_token is None
    assert tokenizer.eos_token == "<|endoftext|>"
    assert tokenizer.eos_token_id == len(tokenizer) - 1
    enc = tokenizer(TEXT, return_offsets_mapping=True)
    assert tokenizer.decode(enc["input_ids"]) == TEXT
    assert enc["offset_mapping"][0][0] == 0 and enc["offset_mapping"][-1][1] == len(TEXT)


def test_vocab_txt_only_gets_a_fast_tokenizer(tmp_path):
    path = ck.make_vocab_txt_only(tmp_path / "legacy")
    assert not (path / "tokenizer.json").exists()
    tokenizer = AutoTokenizer.from_pretrained(path)
    assert tokenizer.is_fast
    assert tokenizer.tokenize("The fox") == ["the", "fox"]


# ---------------------------------------------------------------- broken variants do what they say


def test_pickle_only_has_no_safetensors(broken_checkpoint):
    path = broken_checkpoint("pickle_only")
    assert (path / "pytorch_model.bin").is_file()
    assert not list(path.glob("*.safetensors"))


def test_remote_code_is_refused_and_never_runs(broken_checkpoint):
    path = broken_checkpoint("remote_code")
    with pytest.raises(ValueError, match="trust_remote_code"):
        AutoConfig.from_pretrained(path, trust_remote_code=False)
    with pytest.raises(ValueError, match="trust_remote_code"):
        AutoModel.from_pretrained(path, trust_remote_code=False)
    assert not (path / ck.REMOTE_CODE_MARKER).exists()


def test_slow_tokenizer_only_is_not_fast(broken_checkpoint):
    tokenizer = AutoTokenizer.from_pretrained(broken_checkpoint("slow_tokenizer_only"))
    assert not tokenizer.is_fast
    with pytest.raises(ValueError):
        tokenizer("hello world").word_ids()


def test_no_tokenizer_has_only_config_and_weights(broken_checkpoint):
    path = broken_checkpoint("no_tokenizer")
    assert sorted(p.name for p in path.iterdir()) == ["config.json", "model.safetensors"]


@pytest.mark.parametrize("kind", ["truncated_weights", "corrupt_weights"])
def test_damaged_weights_fail_to_open(broken_checkpoint, kind):
    from safetensors import SafetensorError, safe_open

    path = broken_checkpoint(kind)
    assert (path / "config.json").is_file()
    with pytest.raises(SafetensorError):
        with safe_open(str(path / "model.safetensors"), framework="pt") as f:
            list(f.keys())


def test_no_config(broken_checkpoint):
    path = broken_checkpoint("no_config")
    assert not (path / "config.json").exists()
    assert (path / "model.safetensors").is_file() and (path / "tokenizer.json").is_file()

"""Tiny, randomly initialised Hugging Face checkpoints built locally, for tests and benchmarks.

Every builder is ``make_X(folder, **kw) -> Path``: it writes a complete checkpoint folder
(config.json, a fast tokenizer, safetensors weights) and returns the folder. Nothing touches the
network; weights are seeded, so two builds of the same kind are identical.

Sizes: hidden 32, 2 layers, 2 heads, intermediate 37, 128 positions (RoBERTa: 130, see below),
a vocabulary of a few hundred entries. A build takes well under a second once transformers'
modelling code is imported (the first build in a process pays that import, a few seconds).

Tokenizers are saved with transformers 5's ``PreTrainedTokenizerFast`` (= ``TokenizersBackend``):
tokenizer.json + tokenizer_config.json (``"tokenizer_class": "TokenizersBackend"``); v5 no longer
writes special_tokens_map.json. ``AutoTokenizer`` then loads tokenizer.json unchanged.

Good checkpoints (``GOOD``): ``make_bert`` (WordPiece, lower case), ``make_roberta`` (byte-level
BPE, ``<s> … </s>``), ``make_gpt2`` (byte-level BPE, no specials around the text, no pad token),
``make_chinese_bert`` (one WordPiece per CJK character), ``make_vocab_txt_only`` (a BERT as older
checkpoints ship it: vocab.txt, no tokenizer.json; transformers 5 builds a fast tokenizer from it).

Broken checkpoints (``BROKEN``), for error-path tests: ``make_pickle_only``,
``make_remote_code``, ``make_slow_tokenizer_only``, ``make_no_tokenizer``,
``make_truncated_weights``, ``make_corrupt_weights``, ``make_no_config``.
"""

from __future__ import annotations

import json
import os
import random
import string
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

HIDDEN = 32
N_LAYERS = 2
N_HEADS = 2
INTERMEDIATE = 37
MAX_LEN = 128  # tokens a model accepts, specials included
SEED = 1234
ROBERTA_PAD_ID = 1
REMOTE_CODE_MARKER = "REMOTE_CODE_RAN"  # created only if modeling_custom.py is ever executed

WORDS = """
the of and to in is was it for on that with as by at from this be are or an have not
but had they his her she he we you i one all their there were which when what who will
would can could should may might must do does did done make made take took see saw
time year day week night morning people man woman child children world life hand part
place case point group number way thing fact water city house home school word words
text texts sentence sentences vector vectors model models token tokens layer layers
embedding embeddings language meaning semantic similar different small large long short
good bad new old first last great little own other right left high low early late young
bank river money finance loan account deposit shore fish boat bridge cat dog bird tree
apple orange banana fruit green red blue black white yellow happy sad angry calm quick
brown fox jumps over lazy run runs running walk walked read reading write writing
learn learning study science data computer network train training test testing paris
london berlin tokyo france england germany japan king queen prince music song play
played game games book books paper report question answer yes no very more most many
much some any each every both few between under after before while because about into
""".split()

SUFFIXES = ["s", "es", "ed", "ing", "ly", "er", "est", "ion", "tion", "ment", "ness", "able"]

CJK_CHARS = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家"
    "学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经"
    "头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者"
    "向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气"
    "信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活"
    "难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清"
    "物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功"
    "指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强"
    "步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版"
)

_ASCII = string.ascii_lowercase + string.digits + string.punctuation


# ----------------------------------------------------------------------------- shared helpers


def _seed() -> None:
    import torch

    torch.manual_seed(SEED)


def sentences(n: int = 300, seed: int = SEED) -> list[str]:
    """Deterministic English-ish sentences from ``WORDS`` (the BPE training corpus)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = rng.choices(WORDS, k=rng.randint(4, 14))
        words[0] = words[0].capitalize()
        out.append(" ".join(words) + rng.choice([".", ".", "?", "!", ", and 42 more."]))
    return out


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _save_fast_tokenizer(tokenizer_object, folder: Path, **specials) -> None:
    """Wrap a ``tokenizers.Tokenizer`` and save tokenizer.json + tokenizer_config.json."""
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer_object, model_max_length=MAX_LEN, **specials)
    fast.save_pretrained(folder)


def _save_model(model, folder: Path) -> None:
    model.eval()
    model.save_pretrained(folder)  # safetensors by default; transformers 5 has no pickle option


def _wordpiece_vocab(words: list[str], alphabet: str) -> list[str]:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    pieces = list(alphabet) + ["##" + c for c in alphabet if c.isalnum()]
    pieces += ["##" + s for s in SUFFIXES] + words
    seen: dict[str, None] = dict.fromkeys(specials)
    for piece in pieces:
        seen.setdefault(piece, None)
    return list(seen)


def _wordpiece_tokenizer(vocab: list[str]):
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece

    ids = {tok: i for i, tok in enumerate(vocab)}
    tok = Tokenizer(WordPiece(ids, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=True
    )
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0",
        pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])],
    )
    tok.decoder = decoders.WordPiece(prefix="##")
    return tok


_BERT_SPECIALS = dict(
    pad_token="[PAD]", unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]"
)


def _bert_model(vocab_size: int, **config_kw):
    from transformers import BertConfig, BertModel

    _seed()
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=HIDDEN,
        num_hidden_layers=N_LAYERS,
        num_attention_heads=N_HEADS,
        intermediate_size=INTERMEDIATE,
        max_position_embeddings=MAX_LEN,
        pad_token_id=0,
        **config_kw,
    )
    return BertModel(config)


def _byte_level_bpe(vocab_size: int, specials: list[str], *, trim_offsets: bool, roberta: bool):
    from tokenizers import Tokenizer, decoders, pre_tokenizers, processors, trainers
    from tokenizers.models import BPE

    tok = Tokenizer(BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(sentences(), trainer=trainer)
    if roberta:
        tok.post_processor = processors.RobertaProcessing(
            ("</s>", tok.token_to_id("</s>")),
            ("<s>", tok.token_to_id("<s>")),
            trim_offsets=trim_offsets,
            add_prefix_space=False,
        )
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=trim_offsets)
    return tok


# ----------------------------------------------------------------------------- good checkpoints


def make_bert(folder: Path, *, seed_words: list[str] | None = None) -> Path:
    """BertModel + lower-casing WordPiece: any ASCII text tokenizes without [UNK]."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vocab = _wordpiece_vocab(seed_words or WORDS, _ASCII)
    _save_fast_tokenizer(_wordpiece_tokenizer(vocab), folder, **_BERT_SPECIALS)
    _save_model(_bert_model(len(vocab)), folder)
    return folder


def make_chinese_bert(folder: Path) -> Path:
    """BertModel + WordPiece over single CJK characters (+ ASCII); 你好 -> 你, 好."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cjk = list(dict.fromkeys(CJK_CHARS))
    vocab = _wordpiece_vocab(cjk + ["##" + c for c in cjk], _ASCII)
    _save_fast_tokenizer(_wordpiece_tokenizer(vocab), folder, **_BERT_SPECIALS)
    _save_model(_bert_model(len(vocab)), folder)
    return folder


def make_roberta(folder: Path, *, vocab_size: int = 512) -> Path:
    """RobertaModel + byte-level BPE trained here; ``<s> text </s>``, trimmed offsets.

    RoBERTa numbers positions from ``pad_token_id + 1``, so it needs
    ``max_position_embeddings = MAX_LEN + pad_token_id + 1`` (130) to accept MAX_LEN tokens.
    """
    from transformers import RobertaConfig, RobertaModel

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tok = _byte_level_bpe(vocab_size, specials, trim_offsets=True, roberta=True)
    _save_fast_tokenizer(
        tok, folder,
        bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>",
        unk_token="<unk>", pad_token="<pad>", mask_token="<mask>",
    )
    _seed()
    config = RobertaConfig(
        vocab_size=tok.get_vocab_size(),
        hidden_size=HIDDEN,
        num_hidden_layers=N_LAYERS,
        num_attention_heads=N_HEADS,
        intermediate_size=INTERMEDIATE,
        max_position_embeddings=MAX_LEN + ROBERTA_PAD_ID + 1,
        type_vocab_size=1,
        pad_token_id=ROBERTA_PAD_ID,
        bos_token_id=0,
        eos_token_id=2,
    )
    _save_model(RobertaModel(config), folder)
    return folder


def make_gpt2(folder: Path, *, vocab_size: int = 512) -> Path:
    """GPT2Model + byte-level BPE: nothing added around the text, no pad token.

    As in real GPT-2, ``<|endoftext|>`` is the last id and is bos, eos and unk; offsets are
    not trimmed (a token " world" covers its leading space).
    """
    from transformers import GPT2Config, GPT2Model

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tok = _byte_level_bpe(vocab_size - 1, [], trim_offsets=False, roberta=False)
    tok.add_special_tokens(["<|endoftext|>"])
    eot = "<|endoftext|>"
    _save_fast_tokenizer(tok, folder, bos_token=eot, eos_token=eot, unk_token=eot)
    eot_id = tok.token_to_id(eot)
    _seed()
    config = GPT2Config(
        vocab_size=tok.get_vocab_size(),
        n_embd=HIDDEN,
        n_layer=N_LAYERS,
        n_head=N_HEADS,
        n_inner=INTERMEDIATE,
        n_positions=MAX_LEN,
        bos_token_id=eot_id,
        eos_token_id=eot_id,
    )
    _save_model(GPT2Model(config), folder)
    return folder


def _wordpiece_family(folder: Path, config_cls: str, model_cls: str, **config_kw) -> Path:
    """A WordPiece checkpoint of another BERT-like architecture (DistilBERT, ELECTRA)."""
    import transformers

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vocab = _wordpiece_vocab(WORDS, _ASCII)
    _save_fast_tokenizer(_wordpiece_tokenizer(vocab), folder, **_BERT_SPECIALS)
    _seed()
    config = getattr(transformers, config_cls)(vocab_size=len(vocab), pad_token_id=0, **config_kw)
    _save_model(getattr(transformers, model_cls)(config), folder)
    return folder


def make_distilbert(folder: Path) -> Path:
    return _wordpiece_family(folder, "DistilBertConfig", "DistilBertModel", dim=HIDDEN, n_layers=N_LAYERS,
                             n_heads=N_HEADS, hidden_dim=INTERMEDIATE, max_position_embeddings=MAX_LEN)


def make_electra(folder: Path) -> Path:
    return _wordpiece_family(folder, "ElectraConfig", "ElectraModel", embedding_size=HIDDEN, hidden_size=HIDDEN,
                             num_hidden_layers=N_LAYERS, num_attention_heads=N_HEADS,
                             intermediate_size=INTERMEDIATE, max_position_embeddings=MAX_LEN)


def _unigram(specials: list[str], template: tuple[str, str] | None):
    """A SentencePiece-style Unigram tokenizer (Metaspace ▁ pieces) trained here."""
    from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors, trainers
    from tokenizers.models import Unigram

    tok = Tokenizer(Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=800, special_tokens=specials, unk_token="<unk>" if "<unk>" in specials else "[UNK]",
                                      show_progress=False)
    tok.train_from_iterator(sentences() + [" ".join(CJK_CHARS[:40])], trainer=trainer)
    if template:
        first, last = template
        tok.post_processor = processors.TemplateProcessing(
            single=f"{first}:0 $A:0 {last}:0", pair=f"{first}:0 $A:0 {last}:0 $B:1 {last}:1",
            special_tokens=[(first, tok.token_to_id(first)), (last, tok.token_to_id(last))])
    return tok


def make_xlmr(folder: Path) -> Path:
    """XLMRobertaModel + a SentencePiece-style Unigram tokenizer: ``<s> text </s>``."""
    from transformers import XLMRobertaConfig, XLMRobertaModel

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tok = _unigram(["<s>", "<pad>", "</s>", "<unk>", "<mask>"], ("<s>", "</s>"))
    _save_fast_tokenizer(tok, folder, bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>",
                         unk_token="<unk>", pad_token="<pad>", mask_token="<mask>")
    _seed()
    config = XLMRobertaConfig(vocab_size=tok.get_vocab_size(), hidden_size=HIDDEN, num_hidden_layers=N_LAYERS,
                              num_attention_heads=N_HEADS, intermediate_size=INTERMEDIATE,
                              max_position_embeddings=MAX_LEN + ROBERTA_PAD_ID + 1, type_vocab_size=1,
                              pad_token_id=ROBERTA_PAD_ID, bos_token_id=0, eos_token_id=2)
    _save_model(XLMRobertaModel(config), folder)
    return folder


def make_deberta_v2(folder: Path) -> Path:
    """DebertaV2Model + a SentencePiece-style Unigram tokenizer: ``[CLS] text [SEP]``."""
    from transformers import DebertaV2Config, DebertaV2Model

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tok = _unigram(["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]"], ("[CLS]", "[SEP]"))
    _save_fast_tokenizer(tok, folder, **_BERT_SPECIALS)
    _seed()
    config = DebertaV2Config(vocab_size=tok.get_vocab_size(), hidden_size=HIDDEN, num_hidden_layers=N_LAYERS,
                             num_attention_heads=N_HEADS, intermediate_size=INTERMEDIATE,
                             max_position_embeddings=MAX_LEN, pad_token_id=0, relative_attention=True,
                             position_buckets=32, pos_att_type=["p2c", "c2p"], max_relative_positions=-1)
    _save_model(DebertaV2Model(config), folder)
    return folder


FAMILIES = {"distilbert": make_distilbert, "electra": make_electra, "xlm-roberta": make_xlmr, "deberta-v2": make_deberta_v2}


def make_vocab_txt_only(folder: Path) -> Path:
    """The BERT checkpoint as older repos ship it: vocab.txt + tokenizer_config, no tokenizer.json.

    Not broken: transformers 5 builds a fast BertTokenizer from vocab.txt.
    """
    folder = make_bert(folder)
    vocab = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["model"]["vocab"]
    ordered = sorted(vocab, key=vocab.get)
    (folder / "vocab.txt").write_text("\n".join(ordered) + "\n", encoding="utf-8")
    for name in ("tokenizer.json", "special_tokens_map.json"):
        (folder / name).unlink(missing_ok=True)
    _write_json(folder / "tokenizer_config.json", {"do_lower_case": True, "model_max_length": MAX_LEN})
    return folder


# ----------------------------------------------------------------------------- broken checkpoints


def make_pickle_only(folder: Path) -> Path:
    """BERT whose weights are only ``pytorch_model.bin`` (a torch pickle), no safetensors.

    transformers 5 dropped ``save_pretrained(safe_serialization=False)``, so the state dict is
    written with ``torch.save``; ``from_pretrained`` still loads it (``weights_only=True``).
    """
    import torch
    from safetensors.torch import load_file

    folder = make_bert(folder)
    weights = folder / "model.safetensors"
    torch.save(load_file(weights), folder / "pytorch_model.bin")
    weights.unlink()
    return folder


def make_remote_code(folder: Path) -> Path:
    """config.json with an unknown ``model_type`` and an ``auto_map`` to a local modeling_custom.py.

    Loading it needs ``trust_remote_code=True``. If the code is ever executed it creates
    ``folder / REMOTE_CODE_MARKER``, so a test can assert that it never ran.
    """
    folder = make_bert(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config.update(
        model_type="semvec-custom",
        architectures=["CustomModel"],
        auto_map={
            "AutoConfig": "configuration_custom.CustomConfig",
            "AutoModel": "modeling_custom.CustomModel",
        },
    )
    _write_json(folder / "config.json", config)
    marker = (folder / REMOTE_CODE_MARKER).resolve()
    touch = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\n"
    (folder / "configuration_custom.py").write_text(
        touch + "from transformers import BertConfig\n\n\n"
        "class CustomConfig(BertConfig):\n    model_type = 'semvec-custom'\n",
        encoding="utf-8",
    )
    (folder / "modeling_custom.py").write_text(
        touch + "from transformers import BertModel\n\n\n"
        "class CustomModel(BertModel):\n    pass\n",
        encoding="utf-8",
    )
    return folder


def make_slow_tokenizer_only(folder: Path) -> Path:
    """BERT weights whose only tokenizer is a slow (pure-Python) one: no offsets, no word_ids().

    transformers 5 builds a fast tokenizer whenever it can (even from a bare vocab.txt), but a
    ``tokenizer_class`` that exists only as a Python class is still honoured. This mirrors the
    cl-tohoku Japanese BERTs: tokenizer_config names ``BertJapaneseTokenizer`` (the "basic" word
    splitter, so MeCab is not needed) with a vocab.txt. In transformers 5.24 AutoTokenizer returns
    that class (a ``PythonBackend``): ``is_fast`` is False, ``return_offsets_mapping=True`` is
    silently ignored (no ``offset_mapping`` key, no error) and ``word_ids()`` raises ValueError.
    """
    folder = make_vocab_txt_only(folder)
    _write_json(
        folder / "tokenizer_config.json",
        {
            "tokenizer_class": "BertJapaneseTokenizer",
            "word_tokenizer_type": "basic",
            "subword_tokenizer_type": "wordpiece",
            "do_lower_case": True,
            "model_max_length": MAX_LEN,
        },
    )
    return folder


def make_no_tokenizer(folder: Path) -> Path:
    """config.json + model.safetensors only.

    Beware: transformers 5.24 ``AutoTokenizer.from_pretrained`` does NOT fail here; it returns a
    fast BertTokenizer whose vocabulary is just the 5 special tokens (every word -> [UNK]).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _save_model(_bert_model(len(_wordpiece_vocab(WORDS, _ASCII))), folder)
    return folder


def make_truncated_weights(folder: Path) -> Path:
    """BERT whose model.safetensors is cut to half its size (an interrupted download)."""
    folder = make_bert(folder)
    weights = folder / "model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    return folder


def make_corrupt_weights(folder: Path) -> Path:
    """BERT whose model.safetensors is random bytes of the original size."""
    folder = make_bert(folder)
    weights = folder / "model.safetensors"
    weights.write_bytes(random.Random(SEED).randbytes(weights.stat().st_size))
    return folder


def make_no_config(folder: Path) -> Path:
    """BERT tokenizer + weights, config.json removed."""
    folder = make_bert(folder)
    (folder / "config.json").unlink()
    return folder


GOOD: dict[str, Callable[[Path], Path]] = {
    "bert": make_bert,
    "roberta": make_roberta,
    "gpt2": make_gpt2,
    "chinese": make_chinese_bert,
    "vocab_txt_only": make_vocab_txt_only,
}

BROKEN: dict[str, Callable[[Path], Path]] = {
    "pickle_only": make_pickle_only,
    "remote_code": make_remote_code,
    "slow_tokenizer_only": make_slow_tokenizer_only,
    "no_tokenizer": make_no_tokenizer,
    "truncated_weights": make_truncated_weights,
    "corrupt_weights": make_corrupt_weights,
    "no_config": make_no_config,
}

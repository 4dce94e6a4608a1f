"""Every supported architecture family loads and gives vectors equal to a direct forward pass."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import inspect_checkpoint, load_model
from tests import checkpoints

TEXTS = ["The bank raised interest rates.", "We sat on the river bank, naïvely happy 你好."]


@pytest.fixture(scope="module", params=sorted(checkpoints.FAMILIES))
def family(request, tmp_path_factory):
    return request.param, checkpoints.FAMILIES[request.param](tmp_path_factory.mktemp(request.param))


def test_family_loads_and_matches_direct_forward(family):
    name, path = family
    info = inspect_checkpoint(path)
    assert info.model_type == name and info.num_layers == checkpoints.N_LAYERS and info.hidden_size == checkpoints.HIDDEN
    lm = load_model(path, device="cpu")
    out = extract(lm, TEXTS, ExtractOptions(levels=("token", "word", "sentence"), layers=(1, -1), include_special=True))
    tok = out["token"]
    for t, text in enumerate(TEXTS):
        enc = lm.tokenizer(text, return_tensors="pt")
        with torch.inference_mode():
            hs = lm.model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], output_hidden_states=True).hidden_states
        ref = (hs[1][0] + hs[-1][0]).numpy() / 2
        rows = np.nonzero(tok.metadata["text_id"] == t)[0]
        assert np.abs(tok.vectors[rows] - ref).max() <= 1e-4
        words = out["word"]
        for i in np.nonzero(words.metadata["text_id"] == t)[0]:
            s, e = words.metadata["start"][i], words.metadata["end"][i]
            assert text[s:e] == words.metadata["word"][i]
    assert out["sentence"].vectors.shape == (2, checkpoints.HIDDEN)


def test_family_words_are_never_whitespace(family):
    """SentencePiece families: a lone ▁, a tab or a newline piece makes no word of its own."""
    _name, path = family
    lm = load_model(path, device="cpu")
    text = "Double  spaces\tand\nlines  end"
    words = extract(lm, [text], ExtractOptions(levels=("word",)))["word"]
    assert list(words.metadata["word"]) == text.split()

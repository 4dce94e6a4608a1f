"""Fidelity and quality against public references (issue: core engine).

Run: make bench   (or .venv/bin/python -m pytest -s tests/benchmarks/test_quality.py)
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy.stats import spearmanr

from semvec_studio.core.checkpoints import default_model_path
from semvec_studio.core.compare.wordpairs import read_word_pairs
from semvec_studio.core.compare.wordsim import word_similarity
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.models import load_model
from tests.benchmarks.conftest import report, sst2_sentences


def _cos(a, b):
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_sts_benchmark_spearman_via_cli(shared_data, tmp_path):
    pairs, gold = [], []
    for line in (shared_data / "stsbenchmark" / "sts-test.csv").read_text(encoding="utf-8").splitlines():
        f = line.split("\t")[:7]  # some lines carry 2 extra trailing columns
        gold.append(float(f[4]))
        pairs.append((f[5], f[6]))
    src = tmp_path / "sts.txt"
    src.write_text("\n".join(s for p in pairs for s in p) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "semvec_studio.cli", "extract", str(src), "--level", "sentence",
           "--pooling", "mean", "--normalize", "-o", str(out), "--quiet"]
    subprocess.run(cmd, check=True)
    vec = EmbeddingSet.load(out).vectors
    assert len(vec) == 2 * len(pairs)
    rho = spearmanr((vec[0::2] * vec[1::2]).sum(1), gold).statistic * 100
    report("sts-test", pairs=len(pairs), spearman_x100=f"{rho:.2f}", reference="82.03")
    assert abs(rho - 82.03) <= 0.05


@pytest.mark.parametrize("name,rel,ref", [
    ("wordsim353", "wordsim353/combined.csv", 75.0),
    ("simlex999", "simlex999/SimLex-999.txt", 50.1),
])
def test_whole_word_similarity(shared_data, name, rel, ref):
    pairs = read_word_pairs(shared_data / rel)
    lm = load_model("default", device="cpu")
    (score,) = word_similarity(lm, pairs, (-1,))  # each word alone, mean of its pieces, last layer
    assert score.covered == score.pairs == {"wordsim353": 353, "simlex999": 999}[name]
    rho = score.spearman * 100
    report(name, pairs=score.pairs, spearman_x100=f"{rho:.2f}", reference=ref)
    assert abs(rho - ref) <= 0.3


def test_sentence_mean_equals_sentence_transformers(shared_data):
    st = pytest.importorskip("sentence_transformers", reason="the comparison needs the 'bench' extra")
    texts = sst2_sentences(shared_data, 500)
    ref = st.SentenceTransformer(str(default_model_path()), device="cpu").encode(texts, batch_size=32)
    lm = load_model("default", device="cpu")
    ours = extract(lm, texts, ExtractOptions(levels=("token", "sentence"), include_special=True))
    cos = _cos(ours["sentence"].vectors, ref)
    # token vectors equal a direct forward pass (hidden_states[-1]) for a sample of texts
    import torch

    worst = 0.0
    for t in range(0, 500, 50):
        enc = lm.tokenizer(texts[t], return_tensors="pt")
        with torch.inference_mode():
            hs = lm.model(**enc, output_hidden_states=True).hidden_states[-1][0].numpy()
        rows = np.nonzero(ours["token"].metadata["text_id"] == t)[0]
        worst = max(worst, float(np.abs(ours["token"].vectors[rows] - hs).max()))
    report("fidelity", texts=len(texts), min_cosine_vs_st=f"{cos.min():.7f}", token_max_abs_diff=f"{worst:.2e}")
    assert cos.min() >= 0.99999
    assert worst <= 1e-4

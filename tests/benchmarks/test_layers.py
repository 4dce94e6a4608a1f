"""Layers, static vectors and CKA on public references (issue 15).

Run: .venv/bin/python -m pytest -s tests/benchmarks/test_layers.py   (reads ../shared/data)

- word similarity (WordSim-353, SimLex-999) of every layer of the default model, each word alone;
- static vectors from contextual ones (each word type's mean over SST-2's train sentences), each layer;
- the layer lab's probe curve on TREC's question types, with the control task and selectivity;
- the time of the layer-by-layer CKA matrix on 10,000 mean-pooled SST-2 sentence vectors.

SEMVEC_BENCH_STATIC_TEXTS caps the SST-2 sentences of the static benchmark (default: all 67,349).
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from semvec_studio.core.compare.cka import cka_matrix
from semvec_studio.core.compare.contextual import type_means
from semvec_studio.core.compare.layers import LayerLabParams, run
from semvec_studio.core.compare.wordpairs import read_word_pairs
from semvec_studio.core.compare.wordsim import pair_similarity, word_similarity
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import load_model
from tests.benchmarks.conftest import DEVICE, report, sst2_sentences

PAIR_FILES = {"wordsim353": ("wordsim353/combined.csv", 75.0), "simlex999": ("simlex999/SimLex-999.txt", 50.1)}
STATIC_TEXTS = int(os.environ.get("SEMVEC_BENCH_STATIC_TEXTS", "67349"))


@pytest.fixture(scope="module")
def lm():
    return load_model("default", device=DEVICE)


def _name(layer) -> str:
    return str(layer).replace(" ", "_")


@pytest.mark.parametrize("name", list(PAIR_FILES))
def test_word_similarity_every_layer(shared_data, lm, name):
    rel, reference = PAIR_FILES[name]
    pairs = read_word_pairs(shared_data / rel)
    layers = tuple(range(lm.num_layers + 1))
    scores = word_similarity(lm, pairs, layers)
    for layer, score in zip(layers, scores):
        report(f"layers-{name}", layer=layer, spearman_x100=f"{score.spearman * 100:.2f}", pairs=score.pairs, covered=score.covered)
    best = int(np.argmax([s.spearman for s in scores]))
    report(f"layers-{name}-best", layer=best, spearman_x100=f"{scores[best].spearman * 100:.2f}", last_reference=reference)
    assert abs(scores[-1].spearman * 100 - reference) <= 0.3  # the last layer gives today's figure


def test_static_from_contextual_every_layer(shared_data, lm):
    texts = sst2_sentences(shared_data, STATIC_TEXTS)
    layers = tuple(range(lm.num_layers + 1))
    started = time.perf_counter()
    means = type_means(lm, texts, layers, min_count=1, batch_size=64)
    seconds = time.perf_counter() - started
    report("static-sst2-build", texts=len(texts), word_rows=means.tokens, types=len(means.words), seconds=f"{seconds:.1f}")
    for name, (rel, _) in PAIR_FILES.items():
        pairs = read_word_pairs(shared_data / rel)
        found = np.ones(len(means.words), dtype=bool)
        scores = [pair_similarity(pairs, means.words, means.layer(k), found) for k in range(len(layers))]
        for layer, score in zip(layers, scores):
            report(f"static-{name}", layer=layer, spearman_x100=f"{score.spearman * 100:.2f}", pairs=score.pairs, covered=score.covered)
        best = int(np.argmax([s.spearman for s in scores]))
        report(f"static-{name}-best", layer=best, spearman_x100=f"{scores[best].spearman * 100:.2f}", covered=scores[best].covered)
        assert scores[best].covered > 0.5 * scores[best].pairs


def _trec(path) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for line in path.read_text(encoding="latin-1").splitlines():
        if line.strip():
            tag, text = line.split(" ", 1)
            labels.append(tag.split(":", 1)[0])
            texts.append(text.strip())
    return texts, labels


@pytest.mark.parametrize("control", ["words", "first-word"])
def test_layer_lab_probe_curve_on_trec(shared_data, lm, control):
    texts, labels = _trec(shared_data / "trec" / "train_5500.label")
    params = LayerLabParams(texts=tuple(texts), labels=tuple(labels), folds=5, seed=0, batch_size=64, control=control)
    started = time.perf_counter()
    result = run(params, lm=lm)
    seconds = time.perf_counter() - started
    for row in result.rows:
        p = row.probe
        report(f"layers-trec-{control}", layer=_name(row.layer), accuracy=f"{p.accuracy:.4f}", control=f"{p.control:.4f}",
               selectivity=f"{p.selectivity:.4f}", anisotropy=f"{row.anisotropy:.3f}", cka_to_last=f"{row.cka_to_last:.3f}")
    report(f"layers-trec-{control}-run", texts=result.facts["texts"], probe_rows=result.facts["probe_rows"], seconds=f"{seconds:.1f}")
    assert max(r.probe.accuracy for r in result.rows) > 0.8  # question types are linearly readable
    if control == "words":  # first-word: a handful of question words start most texts, an easier task than the real one
        assert all(r.probe.selectivity > 0 for r in result.rows)


def test_layer_cka_matrix_time_for_10000_rows(shared_data, lm):
    texts = sst2_sentences(shared_data, 10_000)
    layers = tuple(range(lm.num_layers + 1))
    started = time.perf_counter()
    sentences = extract(lm, texts, ExtractOptions(levels=("sentence",), layers=layers, layer_combine="concat", batch_size=64))["sentence"]
    extract_seconds = time.perf_counter() - started
    per_layer = sentences.vectors.reshape(len(texts), len(layers), -1)
    spaces = [per_layer[:, k] for k in range(len(layers))]
    started = time.perf_counter()
    matrix = cka_matrix(spaces)
    seconds = time.perf_counter() - started
    report("layers-cka-matrix", rows=len(texts), layers=len(layers), dim=per_layer.shape[2], seconds=f"{seconds:.2f}",
           extract_seconds=f"{extract_seconds:.1f}")
    for k in range(len(layers)):
        report("layers-cka-row", layer=k, cka=" ".join(f"{v:.3f}" for v in matrix[k]))
    np.testing.assert_allclose(np.diag(matrix), 1.0, atol=1e-9)
    np.testing.assert_allclose(matrix, matrix.T, atol=1e-12)

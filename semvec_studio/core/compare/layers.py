"""The layer lab: for one model and the rows at hand, what each layer gives (0 = embeddings .. L,
and the mean of the last four).

:func:`run` makes one forward pass with every layer (``layers=0..L``, ``layer_combine="concat"``,
then split) and, per layer, measures what was asked:

- ``probe``: cross-validated linear-probe accuracy on a label per text (mean-pooled sentence
  vectors) or a tag per whole word (word rows), its control accuracy and selectivity
  (:mod:`semvec_studio.core.compare.probe`);
- ``word_similarity``: Spearman of a word-pair file against the cosine of whole-word vectors,
  each word given alone (:mod:`semvec_studio.core.compare.wordsim`);
- ``anisotropy``: the mean cosine between :data:`ANISOTROPY_PAIRS` seeded random pairs of
  distinct rows (Ethayarajh 2019): near 1, every vector points the same way;
- ``cka_to_last``: linear CKA to the last layer (:mod:`semvec_studio.core.compare.cka`).

The rows for anisotropy and CKA are the probe's rows (texts, or their word rows with tags) when
texts are given, else the word-pair file's words. The last row is the mean of the last
``min(4, L)`` layers, named "mean of last 4" (or of as many as the model has).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from semvec_studio.core.compare.cka import cka_matrix
from semvec_studio.core.compare.folders import check_same_rows
from semvec_studio.core.compare.probe import CONTROLS, ProbeScore, ProbeTask, make_task, probe_space
from semvec_studio.core.compare.wordpairs import WordPairs
from semvec_studio.core.compare.words import is_uncased, text_words, type_key, word_alone_vectors
from semvec_studio.core.compare.wordsim import WordSimilarity, pair_similarity
from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import LoadedModel, load_model
from semvec_studio.core.rows import sample_positions, unit_rows
from semvec_studio.core.tasks import NullContext, TaskContext

__all__ = ["ANISOTROPY_PAIRS", "LayerLabParams", "LayerLabResult", "LayerRow", "anisotropy", "layer_cka_matrix", "run"]

ANISOTROPY_PAIRS = 1000
LAST_MEAN = 4


@dataclass(frozen=True)
class LayerLabParams:
    """What to measure. ``labels`` (one per text) or ``tags`` (one per whole word of each text, as
    the model's words split it) ask for the probe; ``word_pairs`` for word similarity."""

    model: str = "default"
    texts: tuple[str, ...] = ()
    labels: tuple[str, ...] | None = None
    tags: tuple[tuple[str, ...], ...] | None = None
    word_pairs: WordPairs | None = None
    max_rows: int | None = None  # a seeded sample of this many texts
    folds: int = 5
    seed: int = 0
    control: str = "words"  # how a text's control label is drawn: probe.CONTROLS
    anisotropy_pairs: int = ANISOTROPY_PAIRS
    batch_size: int = 32
    device: str = "auto"
    dtype: str = "float32"
    allow_pickle: bool = False


@dataclass(frozen=True)
class LayerRow:
    layer: int | str
    word_similarity: WordSimilarity | None = None
    probe: ProbeScore | None = None
    anisotropy: float | None = None
    cka_to_last: float | None = None

    def as_dict(self) -> dict:
        out: dict = {"layer": self.layer}
        if self.word_similarity is not None:
            out["word_similarity"] = self.word_similarity.as_dict()
        if self.probe is not None:
            out["probe"] = self.probe.as_dict()
        if self.anisotropy is not None:
            out["anisotropy"] = self.anisotropy
        if self.cka_to_last is not None:
            out["cka_to_last"] = None if np.isnan(self.cka_to_last) else self.cka_to_last
        return out


@dataclass(frozen=True)
class LayerLabResult:
    rows: tuple[LayerRow, ...]
    facts: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"layers": [r.as_dict() for r in self.rows]}


def anisotropy(x: np.ndarray, pairs: int = ANISOTROPY_PAIRS, seed: int = 0) -> float:
    """The mean cosine between ``pairs`` seeded random pairs of distinct rows of ``x``."""
    n = len(x)
    if n < 2:
        return float("nan")
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, pairs)
    b = (a + rng.integers(1, n, pairs)) % n  # never the same row
    ua, ub = unit_rows(np.asarray(x[a])), unit_rows(np.asarray(x[b]))
    return float(np.einsum("ij,ij->i", ua.astype(np.float64), ub.astype(np.float64)).mean())


def _check(params: LayerLabParams) -> None:
    if params.labels is not None and params.tags is not None:
        raise UsageError("give labels (one per text) or tags (one per word), not both.")
    asked = params.labels is not None or params.tags is not None
    if not asked and params.word_pairs is None:
        raise UsageError("nothing to measure: give a labelled file for the probe (--probe), a word-pair file "
                         "(--word-pairs), or both.", gui="Nothing to measure: choose a label column, a word-pair file, or both.")
    if asked and len(params.labels if params.labels is not None else params.tags) != len(params.texts):
        raise UsageError("the probe needs one label (or one list of tags) per text.")
    if params.control not in CONTROLS:
        raise UsageError(f"--control {params.control}: choose one of {', '.join(CONTROLS)}.", field="control")
    if params.max_rows is not None and params.max_rows < 1:
        raise UsageError(f"--max-rows {params.max_rows}: must be at least 1.", field="max_rows")


def _spaces(stacked: np.ndarray, n_layers: int) -> tuple[list[np.ndarray], list[int | str]]:
    """Split ``[rows, layers * D]`` into one ``[rows, D]`` view per layer, plus the mean of the last few."""
    per = stacked.reshape(len(stacked), n_layers + 1, -1)
    last = min(LAST_MEAN, n_layers)
    spaces = [per[:, k] for k in range(n_layers + 1)] + [per[:, n_layers + 1 - last:].mean(axis=1)]
    return spaces, [*range(n_layers + 1), f"mean of last {last}"]


def _probe_rows(lm, params, texts, picked, ctx) -> tuple[np.ndarray, ProbeTask]:
    """The probe's vectors (every layer, concatenated) and its task."""
    layers = tuple(range(lm.num_layers + 1))
    uncased = is_uncased(lm)
    if params.labels is not None:
        options = ExtractOptions(levels=("sentence",), layers=layers, layer_combine="concat", truncate=True,
                                 batch_size=params.batch_size)
        vectors = extract(lm, texts, options, ctx)["sentence"].vectors
        types = [[type_key(w, uncased) for w in words] for words in text_words(lm, texts)]
        labels = [params.labels[i] for i in picked]
        return vectors, make_task(labels, types, folds=params.folds, seed=params.seed, control=params.control)
    options = ExtractOptions(levels=("word",), layers=layers, layer_combine="concat", truncate=True, batch_size=params.batch_size)
    ws = extract(lm, texts, options, ctx)["word"]
    text_id = np.asarray(ws.metadata["text_id"], dtype=np.int64)
    counts = np.bincount(text_id, minlength=len(texts))
    tags = [params.tags[i] for i in picked]
    for t, (n_words, row_tags) in enumerate(zip(counts.tolist(), tags)):
        if n_words != len(row_tags):
            raise UsageError(f"text {int(picked[t]) + 1}: {len(row_tags)} tags but the model splits it into {n_words} words "
                             f"({' '.join(ws.metadata['word'][i] for i in np.flatnonzero(text_id == t))}); give one tag per word.")
    labels = [tag for row_tags in tags for tag in row_tags]
    types = [type_key(w, uncased) for w in ws.metadata["word"]]
    return ws.vectors, make_task(labels, types, folds=params.folds, seed=params.seed, groups=text_id)


def run(params: LayerLabParams, ctx: TaskContext | None = None, *, lm: LoadedModel | None = None) -> LayerLabResult:
    """The layer lab (see the module doc); ``lm``: a model already loaded (else ``params.model``)."""
    ctx = ctx or NullContext()
    started = time.perf_counter()
    _check(params)
    if lm is None:
        lm = load_model(params.model, device=params.device, dtype=params.dtype, allow_pickle=params.allow_pickle, ctx=ctx)
    layers = tuple(range(lm.num_layers + 1))
    facts: dict = {"model": lm.info.name, "layers": lm.num_layers}
    similarity: list[WordSimilarity] | None = None
    rows_at_hand = None
    task = None
    if params.word_pairs is not None:
        words = params.word_pairs.words
        per_word, found = word_alone_vectors(lm, words, layers, batch_size=max(params.batch_size, 64), ctx=ctx)
        spaces, _ = _spaces(per_word.reshape(len(words), -1), lm.num_layers)
        similarity = [pair_similarity(params.word_pairs, words, s, found) for s in spaces]
        rows_at_hand = per_word.reshape(len(words), -1)[found]
        facts["words"] = len(words)
    if params.labels is not None or params.tags is not None:
        n = len(params.texts)
        picked = sample_positions(n, min(n, params.max_rows or n), params.seed)
        texts = [params.texts[i] for i in picked]
        rows_at_hand, task = _probe_rows(lm, params, texts, picked, ctx)
        facts.update(texts=len(texts), probe_rows=len(task.rows), dropped_rows=task.dropped)
    spaces, names = _spaces(np.asarray(rows_at_hand, dtype=np.float32), lm.num_layers)
    ctx.check_cancelled()
    cka = cka_matrix(spaces, [spaces[lm.num_layers]], ctx=ctx)[:, 0]
    out = []
    for k, (space, name) in enumerate(zip(spaces, names)):
        ctx.check_cancelled()
        ctx.report(k, len(spaces), "measuring layers", unit="stage", detail=f"layer {name}")
        out.append(LayerRow(
            layer=name,
            word_similarity=similarity[k] if similarity is not None else None,
            probe=probe_space(space, task, params.seed) if task is not None else None,
            anisotropy=anisotropy(space, params.anisotropy_pairs, params.seed),
            cka_to_last=float(cka[k]),
        ))
    ctx.report(len(spaces), len(spaces), "measuring layers", unit="stage")
    facts["rows"] = len(rows_at_hand)
    facts["seconds"] = round(time.perf_counter() - started, 3)
    return LayerLabResult(tuple(out), facts)


def layer_cka_matrix(lm: LoadedModel, texts: Sequence[str], other: LoadedModel | None = None, *, level: str = "sentence",
                     pooling: str = "mean", batch_size: int = 32, ctx: TaskContext | None = None) -> np.ndarray:
    """Linear CKA of every layer (0 .. L) of ``lm`` with every layer of ``other`` (default: ``lm``
    itself, a symmetric matrix) on the ``level`` rows of ``texts``: one forward pass per model with
    every layer. Two models must give the same rows (at word level: the same words)."""
    ctx = ctx or NullContext()
    sets = []
    for model in (lm, other) if other is not None else (lm,):
        options = ExtractOptions(levels=(level,), layers=tuple(range(model.num_layers + 1)), layer_combine="concat",
                                 pooling=pooling, truncate=True, batch_size=batch_size)
        sets.append(extract(model, list(texts), options, ctx)[level])
    if other is not None:
        check_same_rows(sets[0], sets[1], (lm.info.name, other.info.name))
    per_layer = [np.asarray(s.vectors).reshape(len(s), m.num_layers + 1, -1) for s, m in zip(sets, (lm, other or lm))]
    spaces = [[p[:, k] for k in range(p.shape[1])] for p in per_layer]
    return cka_matrix(spaces[0], spaces[1] if other is not None else None, ctx=ctx)

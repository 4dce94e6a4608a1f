"""Two embeddings of the same texts side by side: the compare view's one job.

:func:`run` takes two :class:`SpaceSpec` (a layer, or the mean of a few layers, of the current model
or of another local checkpoint: a base model and its fine-tuned copy; or a static word-vector file,
word2vec, GloVe or fastText ``.vec``, at word level), makes one forward pass per model with every
layer (``layer_combine="concat"``), and from it:

- the two spaces as :class:`~semvec_studio.core.io.vectors.EmbeddingSet` (their manifests say
  which layers were averaged), checked to hold the same rows;
- the per-row k-NN overlap and the linear CKA of the two spaces
  (:func:`~semvec_studio.core.compare.folders.compare_sets`);
- a 2-D map of each (:func:`~semvec_studio.core.projection.project.project`, PCA by default), B's
  turned onto A's by orthogonal Procrustes (:func:`~semvec_studio.core.compare.procrustes.align_maps`)
  so that the same region means the same thing. B's map is first given A's spread (root mean
  square distance from the centre) and then only rotated (or mirrored): the least-squares scale
  of Procrustes shrinks a map that fits A badly towards its centre, which on screen reads as "B is
  smaller", not as "B differs";
- with ``heatmap``, the layer-by-layer CKA matrix: the model against itself (one model) or A's
  model's layers against B's (two models), from the same forward passes; against a static side,
  each layer of the model against the static vectors (one column).

A static side (:mod:`~semvec_studio.core.compare.static`) gives each whole-word row of the model's
words the file's vector for that word. Rows whose word the file lacks cannot be compared: they are
left out of both sides (:class:`LeftOut` says which), so both still hold the same rows.

No Qt here; the GUI submits :func:`run` to its runner, tests call it synchronously.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from semvec_studio.core.compare.cka import cka_matrix
from semvec_studio.core.compare.folders import compare_sets
from semvec_studio.core.compare.overlap import NeighbourOverlap
from semvec_studio.core.compare.procrustes import Alignment, align_maps
from semvec_studio.core.compare.static import StaticLookup, StaticVectors, load_static, static_word_rows
from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.models import LoadedModel, load_model
from semvec_studio.core.projection.base import ProjectionParams
from semvec_studio.core.projection.project import project
from semvec_studio.core.tasks import NullContext, TaskContext

__all__ = ["LEVELS", "LeftOut", "PairComparison", "PairParams", "SpaceSpec", "layer_name", "run"]

LEVELS = ("token", "word", "sentence")
SHOWN_LEFT_OUT = 8  # words named in LeftOut.describe()


def layer_name(layer: int) -> str:
    return "0 (embeddings)" if layer == 0 else str(layer)


@dataclass(frozen=True)
class SpaceSpec:
    """One side: the mean of ``layers`` (indices of ``hidden_states``: 0 = embeddings, negative
    from the top, -1 = last) of ``model`` (None: the model at hand; else a local checkpoint); or,
    with ``static``, the vectors of a static word-vector file (``limit``: its first, most frequent,
    N words; the words come from the other side's model, or the model at hand)."""

    layers: tuple[int, ...] = (-1,)
    model: str | None = None
    static: str | None = None
    limit: int | None = None

    @classmethod
    def static_file(cls, path: str, limit: int | None = None) -> SpaceSpec:
        return cls((), None, str(path), limit)

    @property
    def is_static(self) -> bool:
        return self.static is not None

    def resolved(self, num_layers: int, model_name: str = "the model") -> tuple[int, ...]:
        """The layers as indices 0..num_layers, in order, without repeats."""
        if not self.layers:
            raise UsageError("choose at least one layer for each side.")
        out = []
        for layer in self.layers:
            r = layer if layer >= 0 else num_layers + 1 + layer
            if not 0 <= r <= num_layers:
                raise UsageError(f"layer {layer}: {model_name} has layers 0 (embeddings) to {num_layers}; choose one of those.",
                                 field="layers")
            out.append(r)
        return tuple(sorted(set(out)))

    def describe(self, num_layers: int) -> str:
        """How the GUI names this side: "layer 3", "last layer (6)", "mean of layers 3-6", "static glove.txt"."""
        if self.is_static:
            return f"static {Path(self.static).name}"
        layers = self.resolved(num_layers)
        if len(layers) == 1:
            return f"last layer ({num_layers})" if layers[0] == num_layers else f"layer {layer_name(layers[0])}"
        if layers == tuple(range(layers[0], layers[-1] + 1)):
            return f"mean of layers {layers[0]}–{layers[-1]}"
        return "mean of layers " + ", ".join(str(x) for x in layers)


@dataclass(frozen=True)
class PairParams:
    a: SpaceSpec = SpaceSpec((-1,))
    b: SpaceSpec = SpaceSpec((0,))
    level: str = "word"  # "token" (word pieces) | "word" | "sentence" (one mean-pooled vector per text)
    k: int = 10
    metric: str = "cosine"
    method: str = "pca"  # a projection method of core.projection (PCA is quick and deterministic)
    seed: int = 0
    heatmap: bool = True
    batch_size: int = 32
    device: str = "auto"  # for a model loaded from ``SpaceSpec.model``
    dtype: str = "float32"


@dataclass(frozen=True)
class LeftOut:
    """Word rows left out of both sides because a static side's file has no vector for their word:
    ``words`` (distinct, in order of first use) of ``total_words`` distinct words, ``rows`` of
    ``total_rows`` rows; ``files``: the static files' names."""

    files: tuple[str, ...]
    words: tuple[str, ...]
    rows: int
    total_words: int
    total_rows: int

    def describe(self, shown: int = SHOWN_LEFT_OUT) -> str:
        """One line: "static: 12 of 194 words not in glove.txt (left out): foo, bar, …"."""
        some = ", ".join(self.words[:shown]) + (", …" if len(self.words) > shown else "")
        rows = f", {self.rows:,} of {self.total_rows:,} rows" if self.rows != len(self.words) else ""
        return (f"static: {len(self.words):,} of {self.total_words:,} words not in {' or '.join(self.files)} "
                f"(left out{rows}): {some}")


@dataclass(frozen=True)
class PairComparison:
    """``a``/``b``: the two spaces; ``coords_a``/``coords_b``: their maps (float64 ``[n, 2]``, B
    already aligned onto A); ``names``: how each side is called; ``layer_cka``: the layer-by-layer
    CKA matrix (rows: A's model's layers 0..L, columns: B's, or A's again), with
    ``heatmap_layers`` the single layers A and B use (None for a mix). With a static side,
    ``layer_cka`` is the contextual side's model's layers (rows) against the static vectors (one
    column, named in ``heatmap_columns``), ``heatmap_layers`` (the contextual layer, 0), and
    ``left_out`` says which word rows the file lacked (None: none); ``models`` names the file for a
    static side, and ``kinds`` says which side is which ("model" or "static")."""

    a: EmbeddingSet
    b: EmbeddingSet
    coords_a: np.ndarray
    coords_b: np.ndarray
    alignment: Alignment
    overlap: NeighbourOverlap
    cka: float
    names: tuple[str, str]
    models: tuple[str, str]
    layer_cka: np.ndarray | None = None
    heatmap_layers: tuple[int | None, int | None] = (None, None)
    same_model: bool = True
    heatmap_columns: tuple[str, ...] | None = None
    left_out: LeftOut | None = None
    kinds: tuple[str, str] = ("model", "model")  # each side's kind: "model" or "static"

    def __len__(self) -> int:
        return len(self.a)

    def labels(self) -> list[str]:
        return [str(s) for s in self.a.labels()]


def _check(params: PairParams, texts) -> None:
    if params.level not in LEVELS:
        raise UsageError(f"level {params.level}: choose one of {', '.join(LEVELS)}.", field="level")
    if len(texts) < 1:
        raise UsageError("nothing to compare: put some texts in the editor first.")
    if params.level == "sentence" and len(texts) < 3:
        raise UsageError(f"comparing texts needs at least 3 texts; there are {len(texts)}.")
    if int(params.k) < 1:
        raise UsageError(f"k {params.k}: must be at least 1.", field="k")
    if params.level != "word" and (params.a.is_static or params.b.is_static):
        raise UsageError(f"static vectors are vectors of whole words; compare at the word level, not the {params.level} level.",
                         gui="A static vector file gives whole words only: choose the words level (texts have no static vector).",
                         field="level")


def _all_layers(model: LoadedModel, texts, params: PairParams, ctx: TaskContext) -> EmbeddingSet:
    """Every layer of ``model`` side by side (``[rows, (L + 1) * D]``), one forward pass."""
    options = ExtractOptions(levels=(params.level,), layers=tuple(range(model.num_layers + 1)), layer_combine="concat",
                             batch_size=params.batch_size)
    return extract(model, list(texts), options, ctx)[params.level]


def _side(stacked: EmbeddingSet, model: LoadedModel, spec: SpaceSpec) -> EmbeddingSet:
    """The mean of ``spec``'s layers out of every layer side by side, with its manifest."""
    layers = spec.resolved(model.num_layers, model.info.name)
    per = np.asarray(stacked.vectors).reshape(len(stacked), model.num_layers + 1, -1)
    vectors = per[:, layers[0]] if len(layers) == 1 else per[:, list(layers)].mean(axis=1)
    manifest = dict(stacked.manifest, layers=list(spec.layers), layers_resolved=list(layers), layer_combine="mean",
                    dim=int(per.shape[2]))
    return EmbeddingSet(np.ascontiguousarray(vectors, dtype=np.float32), stacked.metadata, manifest, stacked.level)


def _map(vectors: np.ndarray, params: PairParams, ctx: TaskContext) -> np.ndarray:
    proj = project(vectors, ProjectionParams(method=params.method, seed=params.seed, metric=params.metric), ctx, quality=False)
    return np.asarray(proj.coords, dtype=np.float64)


def _models(params: PairParams, lm: LoadedModel | None, ctx: TaskContext) -> dict[str | None, LoadedModel]:
    """The models to encode the texts with, keyed by ``SpaceSpec.model``: the contextual sides'
    (A's first), or the model at hand when both sides are static (it gives the words)."""
    needed = list(dict.fromkeys(s.model for s in (params.a, params.b) if not s.is_static)) or [None]
    out: dict[str | None, LoadedModel] = {}
    for key in needed:
        if key is None:
            if lm is None:
                raise UsageError("no model is loaded: load one first.")
            out[key] = lm
        else:
            out[key] = load_model(key, device=params.device, dtype=params.dtype, ctx=ctx)
    return out


def _open_static(params: PairParams, ctx: TaskContext) -> dict[str, StaticVectors]:
    """``{"a"|"b": vectors}`` for each static side, read before the forward pass (so that a
    damaged file or a missing extra is told at once); one file asked for twice is read once."""
    opened: dict[tuple[str, int | None], StaticVectors] = {}
    out = {}
    for name, spec in (("a", params.a), ("b", params.b)):
        if spec.is_static:
            key = (spec.static, spec.limit)
            if key not in opened:
                ctx.check_cancelled()
                opened[key] = load_static(spec.static, limit=spec.limit, ctx=ctx)
            out[name] = opened[key]
    return out


def _left_out(params: PairParams, lookups: dict[str, StaticLookup], words: EmbeddingSet) -> tuple[np.ndarray, LeftOut | None]:
    """The rows every static side has a vector for, and what was left out (None: nothing)."""
    found = np.ones(len(words), dtype=bool)
    for lookup in lookups.values():
        found &= lookup.found
    files = tuple(dict.fromkeys(Path(s.static).name for s in (params.a, params.b) if s.is_static))
    all_words = list(dict.fromkeys(words.metadata["word"]))
    kept = np.flatnonzero(found)
    if len(kept) < 2:
        raise UsageError(f"only {len(set(words.metadata['word'][i] for i in kept))} of the {len(all_words):,} words of these "
                         f"texts {'is' if len(kept) == 1 else 'are'} in {' or '.join(files)}; a comparison needs at least 2 "
                         "(is the file for this language, and for words spelled as these texts spell them?).")
    if found.all():
        return kept, None
    missing = tuple(dict.fromkeys(w for w, ok in zip(words.metadata["word"], found) if not ok))
    return kept, LeftOut(files, missing, int((~found).sum()), len(all_words), len(words))


def _sides(params: PairParams, models, stacked, lookups, kept) -> list[EmbeddingSet]:
    out = []
    for name, spec in (("a", params.a), ("b", params.b)):
        side = lookups[name].embset if spec.is_static else _side(stacked[spec.model], models[spec.model], spec)
        out.append(side if len(kept) == len(side) else side.subset(kept))
    return out


def _names(params: PairParams, models: dict) -> tuple[tuple[str, str], tuple[str, str]]:
    specs = (params.a, params.b)
    names = [s.describe(0 if s.is_static else models[s.model].num_layers) for s in specs]
    owners = [s.static if s.is_static else models[s.model].info.name for s in specs]
    contextual = [i for i, s in enumerate(specs) if not s.is_static]
    two_models = len(contextual) == 2 and models[specs[0].model] is not models[specs[1].model]
    for i in contextual:
        if two_models or (len(contextual) == 1 and specs[i].model is not None):
            names[i] = f"{names[i]} of {owners[i]}"
    return (names[0], names[1]), (owners[0], owners[1])


def run(params: PairParams, texts, ctx: TaskContext | None = None, *, lm: LoadedModel | None = None) -> PairComparison:
    """Compare ``params.a`` and ``params.b`` on ``texts`` (see the module doc); ``lm``: the model
    at hand, used for a side whose ``model`` is None (and for the words of two static sides)."""
    ctx = ctx or NullContext()
    _check(params, texts)
    models = _models(params, lm, ctx)
    static = _open_static(params, ctx)
    stacked = {key: _all_layers(model, texts, params, ctx) for key, model in models.items()}
    words = next(iter(stacked.values()))  # the rows a static side gives vectors for
    lookups: dict[str, StaticLookup] = {name: static_word_rows(vectors, words) for name, vectors in static.items()}
    kept, left_out = _left_out(params, lookups, words) if lookups else (np.arange(len(words)), None)
    if left_out is not None:
        stacked = {key: s.subset(kept) for key, s in stacked.items()}
    a, b = _sides(params, models, stacked, lookups, kept)
    names, owners = _names(params, models)
    ctx.check_cancelled()
    compared = compare_sets(a, b, params.k, params.metric, ctx=ctx, names=("A", "B"))
    ctx.check_cancelled()
    coords_a = _map(a.vectors, params, ctx)
    raw_b = _map(b.vectors, params, ctx)
    alignment = _align(raw_b, coords_a)
    same = len(models) == 1 and not lookups
    layer_cka, marked, columns = _heatmap(params, models, stacked, (a, b), ctx) if params.heatmap else (None, (None, None), None)
    return PairComparison(a, b, coords_a, alignment.apply(raw_b), alignment, compared.overlap, compared.cka, names, owners,
                          layer_cka, marked, same, columns, left_out,
                          tuple("static" if s.is_static else "model" for s in (params.a, params.b)))


def _single(spec: SpaceSpec, model: LoadedModel) -> int | None:
    layers = spec.resolved(model.num_layers)
    return layers[0] if len(layers) == 1 else None


def _heatmap(params: PairParams, models, stacked, sides, ctx: TaskContext):
    """The layer CKA matrix, the cells to mark and the static columns' names (see PairComparison)."""
    specs = (params.a, params.b)
    contextual = [s for s in specs if not s.is_static]
    if not contextual:
        return None, (None, None), None
    left = _layer_spaces(stacked[contextual[0].model], models[contextual[0].model])
    if len(contextual) == 1:
        static = 1 if specs[1].is_static else 0
        matrix = cka_matrix(left, [sides[static].vectors], ctx=ctx)
        return matrix, (_single(contextual[0], models[contextual[0].model]), 0), (specs[static].describe(0),)
    model_a, model_b = models[params.a.model], models[params.b.model]
    right = None if model_a is model_b else _layer_spaces(stacked[params.b.model], model_b)
    return cka_matrix(left, right, ctx=ctx), (_single(params.a, model_a), _single(params.b, model_b)), None


def _spread(coords: np.ndarray) -> float:
    ok = coords[np.isfinite(coords).all(axis=1)]
    return float(np.sqrt(((ok - ok.mean(axis=0)) ** 2).sum(axis=1).mean())) if len(ok) else 0.0


def _align(source: np.ndarray, target: np.ndarray) -> Alignment:
    """Rotate (or mirror) ``source`` onto ``target`` after giving it ``target``'s spread."""
    spread = _spread(source)
    factor = _spread(target) / spread if spread > 0 else 1.0
    centre = source[np.isfinite(source).all(axis=1)].mean(axis=0)
    fit = align_maps((source - centre) * factor + centre, target, scale=False)
    return replace(fit, scale=factor)  # apply(p) = (p - centre) @ rotation * factor + target's centre


def _layer_spaces(stacked: EmbeddingSet, model: LoadedModel) -> list[np.ndarray]:
    per = np.asarray(stacked.vectors).reshape(len(stacked), model.num_layers + 1, -1)
    return [per[:, k] for k in range(model.num_layers + 1)]

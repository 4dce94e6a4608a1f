"""Two embeddings of the same texts side by side: the compare view's one job.

:func:`run` takes two :class:`SpaceSpec` (a layer, or the mean of a few layers, of the current model
or of another local checkpoint: a base model and its fine-tuned copy), makes one forward pass per
model with every layer (``layer_combine="concat"``), and from it:

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
  model's layers against B's (two models), from the same forward passes.

No Qt here; the GUI submits :func:`run` to its runner, tests call it synchronously.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from semvec_studio.core.compare.cka import cka_matrix
from semvec_studio.core.compare.folders import compare_sets
from semvec_studio.core.compare.overlap import NeighbourOverlap
from semvec_studio.core.compare.procrustes import Alignment, align_maps
from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.models import LoadedModel, load_model
from semvec_studio.core.projection.base import ProjectionParams
from semvec_studio.core.projection.project import project
from semvec_studio.core.tasks import NullContext, TaskContext

__all__ = ["LEVELS", "PairComparison", "PairParams", "SpaceSpec", "layer_name", "run"]

LEVELS = ("word", "sentence")


def layer_name(layer: int) -> str:
    return "0 (embeddings)" if layer == 0 else str(layer)


@dataclass(frozen=True)
class SpaceSpec:
    """One side: the mean of ``layers`` (indices of ``hidden_states``: 0 = embeddings, negative
    from the top, -1 = last) of ``model`` (None: the model at hand; else a local checkpoint)."""

    layers: tuple[int, ...] = (-1,)
    model: str | None = None

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
        """How the GUI names this side: "layer 3", "last layer (6)", "mean of layers 3-6"."""
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
    level: str = "word"  # "word" | "sentence" (one mean-pooled vector per text)
    k: int = 10
    metric: str = "cosine"
    method: str = "pca"  # a projection method of core.projection (PCA is quick and deterministic)
    seed: int = 0
    heatmap: bool = True
    batch_size: int = 32
    device: str = "auto"  # for a model loaded from ``SpaceSpec.model``
    dtype: str = "float32"


@dataclass(frozen=True)
class PairComparison:
    """``a``/``b``: the two spaces; ``coords_a``/``coords_b``: their maps (float64 ``[n, 2]``, B
    already aligned onto A); ``names``: how each side is called; ``layer_cka``: the layer-by-layer
    CKA matrix (rows: A's model's layers 0..L, columns: B's, or A's again), with
    ``heatmap_layers`` the single layers A and B use (None for a mix)."""

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


def run(params: PairParams, texts, ctx: TaskContext | None = None, *, lm: LoadedModel | None = None) -> PairComparison:
    """Compare ``params.a`` and ``params.b`` on ``texts`` (see the module doc); ``lm``: the model
    at hand, used for a side whose ``model`` is None."""
    ctx = ctx or NullContext()
    _check(params, texts)
    loaded: dict[str | None, LoadedModel] = {}
    if lm is not None:
        loaded[None] = lm
    for spec in (params.a, params.b):
        if spec.model not in loaded:
            if spec.model is None:
                raise UsageError("no model is loaded: load one first.")
            loaded[spec.model] = load_model(spec.model, device=params.device, dtype=params.dtype, ctx=ctx)
    model_a, model_b = loaded[params.a.model], loaded[params.b.model]
    same = model_a is model_b
    stacked_a = _all_layers(model_a, texts, params, ctx)
    stacked_b = stacked_a if same else _all_layers(model_b, texts, params, ctx)
    a, b = _side(stacked_a, model_a, params.a), _side(stacked_b, model_b, params.b)
    names = (params.a.describe(model_a.num_layers), params.b.describe(model_b.num_layers))
    models = (model_a.info.name, model_b.info.name)
    if not same:
        names = (f"{names[0]} of {models[0]}", f"{names[1]} of {models[1]}")
    ctx.check_cancelled()
    compared = compare_sets(a, b, params.k, params.metric, ctx=ctx, names=("A", "B"))
    ctx.check_cancelled()
    coords_a = _map(a.vectors, params, ctx)
    raw_b = _map(b.vectors, params, ctx)
    alignment = _align(raw_b, coords_a)
    layer_cka, marked = None, (None, None)
    if params.heatmap:
        left = _layer_spaces(stacked_a, model_a)
        layer_cka = cka_matrix(left, None if same else _layer_spaces(stacked_b, model_b), ctx=ctx)
        ra, rb = params.a.resolved(model_a.num_layers), params.b.resolved(model_b.num_layers)
        marked = (ra[0] if len(ra) == 1 else None, rb[0] if len(rb) == 1 else None)
    return PairComparison(a, b, coords_a, alignment.apply(raw_b), alignment, compared.overlap, compared.cka, names, models,
                          layer_cka, marked, same)


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

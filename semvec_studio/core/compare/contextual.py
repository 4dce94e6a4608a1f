"""Static vectors from a contextual model: each word type's mean whole-word vector over a corpus
(Bommasani et al. 2020), saved as a word2vec text file that gensim loads.

The corpus is encoded once, at word level, with every requested layer (concatenated); a sink
(:class:`TypeMeanSink`) adds each chunk's word rows into one running sum per type and layer,
so no word row is kept: memory grows with the vocabulary, not the corpus. A type is a word as the
model's word rows spell it, lower-cased for uncased models
(:func:`~semvec_studio.core.compare.words.type_key`); types seen fewer than ``min_count`` times are
dropped. :func:`run` is the whole job for one layer (the CLI's ``semvec static build``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from semvec_studio.core.atomic import atomic_file
from semvec_studio.core.compare.words import is_uncased, type_key
from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.jsonio import to_json
from semvec_studio.core.models import LoadedModel, load_model
from semvec_studio.core.provenance import library_versions, now_iso
from semvec_studio.core.tasks import NullContext, TaskContext

__all__ = ["StaticBuildParams", "TypeMeanSink", "TypeMeans", "run", "type_means", "write_word2vec_text"]

WRITE_BLOCK = 4096
FLOAT_FMT = "%.7g"


@dataclass(frozen=True)
class TypeMeans:
    """Word types (most frequent first; ties: first seen), how often each was seen, and their mean
    vectors at each layer: float32 ``[types, len(layers), D]``."""

    words: list[str]
    counts: np.ndarray
    vectors: np.ndarray
    layers: tuple[int, ...]
    tokens: int  # word rows seen in the corpus

    def layer(self, k: int) -> np.ndarray:
        """The ``[types, D]`` vectors of the ``k``-th of ``layers``."""
        return self.vectors[:, k]


class TypeMeanSink:
    """A word-level :class:`~semvec_studio.core.io.sinks.Sink` that keeps one running sum per type."""

    def __init__(self, uncased: bool) -> None:
        self.uncased = uncased
        self.index: dict[str, int] = {}
        self.sums = np.zeros((0, 0), dtype=np.float64)
        self.counts = np.zeros(0, dtype=np.int64)
        self.rows = 0

    def open(self, level: str, dim: int) -> None:
        if level != "word":
            raise ValueError("TypeMeanSink takes word rows")
        self.sums = np.zeros((1024, dim), dtype=np.float64)
        self.counts = np.zeros(1024, dtype=np.int64)

    def append(self, vectors: np.ndarray, metadata: dict) -> None:
        ids = np.array([self.index.setdefault(type_key(w, self.uncased), len(self.index)) for w in metadata["word"]],
                       dtype=np.int64)
        if not len(ids):
            return
        self._grow(len(self.index))
        present, inverse = np.unique(ids, return_inverse=True)
        onehot = sparse.csr_matrix((np.ones(len(ids)), (inverse, np.arange(len(ids)))), shape=(len(present), len(ids)))
        self.sums[present] += onehot @ np.asarray(vectors, dtype=np.float64)
        self.counts[present] += np.bincount(inverse, minlength=len(present))
        self.rows += len(ids)

    def close(self, manifest: dict) -> EmbeddingSet:
        return EmbeddingSet(np.zeros((0, self.sums.shape[1]), dtype=np.float32), {}, manifest, "word")

    def _grow(self, needed: int) -> None:
        if needed <= len(self.counts):
            return
        size = max(needed, 2 * len(self.counts))
        sums = np.zeros((size, self.sums.shape[1]), dtype=np.float64)
        sums[: len(self.counts)] = self.sums
        counts = np.zeros(size, dtype=np.int64)
        counts[: len(self.counts)] = self.counts
        self.sums, self.counts = sums, counts

    def means(self, min_count: int, layers: tuple[int, ...]) -> TypeMeans:
        words = list(self.index)
        counts = self.counts[: len(words)]
        keep = np.flatnonzero(counts >= min_count)
        keep = keep[np.lexsort((keep, -counts[keep]))]
        vectors = (self.sums[keep] / counts[keep, None]).astype(np.float32)
        return TypeMeans([words[i] for i in keep], counts[keep].copy(), vectors.reshape(len(keep), len(layers), -1),
                         layers, self.rows)


def type_means(lm: LoadedModel, texts: Sequence[str], layers: Sequence[int] = (-1,), *, min_count: int = 1,
               batch_size: int = 32, ctx: TaskContext | None = None) -> TypeMeans:
    """Each word type's mean whole-word vector over ``texts`` at each of ``layers`` (one pass)."""
    if min_count < 1:
        raise UsageError(f"--min-count {min_count}: must be at least 1.", field="min_count")
    options = ExtractOptions(levels=("word",), layers=tuple(layers), layer_combine="concat", truncate=False,
                             batch_size=batch_size)
    sink = TypeMeanSink(is_uncased(lm))
    extract(lm, list(texts), options, ctx, sinks={"word": sink})
    return sink.means(min_count, options.resolved_layers(lm.num_layers))


def write_word2vec_text(path: str | os.PathLike, words: Sequence[str], vectors: np.ndarray,
                        ctx: TaskContext | None = None) -> None:
    """Write ``words`` and ``vectors`` as a word2vec text file, atomically (whitespace inside a word
    becomes ``_``, as word2vec keys cannot hold it)."""
    ctx = ctx or NullContext()
    vectors = np.asarray(vectors, dtype=np.float32)
    with atomic_file(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"{len(words)} {vectors.shape[1]}\n")
        for start in range(0, len(words), WRITE_BLOCK):
            ctx.check_cancelled()
            ctx.report(start, len(words), "writing vectors", unit="row")
            block = vectors[start:start + WRITE_BLOCK]
            keys = [re.sub(r"\s+", "_", w) for w in words[start:start + WRITE_BLOCK]]
            lines = (" ".join(FLOAT_FMT % v for v in row.tolist()) for row in block)
            fh.writelines(f"{k} {line}\n" for k, line in zip(keys, lines))
    ctx.report(len(words), len(words), "writing vectors", unit="row")


@dataclass(frozen=True)
class StaticBuildParams:
    """``semvec static build``: ``texts`` -> a word2vec text file at ``output`` (and its manifest
    next to it, ``OUTPUT.manifest.json``)."""

    texts: tuple[str, ...]
    output: str
    layer: int = -1
    min_count: int = 1
    model: str = "default"
    batch_size: int = 32
    device: str = "auto"
    dtype: str = "float32"
    allow_pickle: bool = False
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class StaticBuildResult:
    path: Path
    words: int
    dim: int
    tokens: int
    dropped: int  # types seen fewer than min_count times


def manifest_path(path: str | os.PathLike) -> Path:
    return Path(f"{os.fspath(path)}.manifest.json")


def run(params: StaticBuildParams, ctx: TaskContext | None = None, *, lm: LoadedModel | None = None) -> StaticBuildResult:
    """Build static vectors from ``params.texts`` at ``params.layer`` and write them (see the module doc)."""
    ctx = ctx or NullContext()
    if params.min_count < 1:
        raise UsageError(f"--min-count {params.min_count}: must be at least 1.", field="min_count")
    if lm is None:
        lm = load_model(params.model, device=params.device, dtype=params.dtype, allow_pickle=params.allow_pickle, ctx=ctx)
    if not -(lm.num_layers + 1) <= params.layer <= lm.num_layers:
        raise UsageError(f"--layer {params.layer}: this model has layers 0 (embeddings) to {lm.num_layers}; negative "
                         "numbers count from the top (-1 = last).", field="layer")
    means = type_means(lm, params.texts, (params.layer,), min_count=1, batch_size=params.batch_size, ctx=ctx)
    if not means.words:
        raise UsageError("the corpus has no words; give texts with at least one word.")
    kept = np.flatnonzero(means.counts >= params.min_count)
    if not len(kept):
        raise UsageError(f"--min-count {params.min_count}: no word is seen that often in the corpus "
                         f"(the most frequent, '{means.words[0]}', {int(means.counts[0])} times); lower it.")
    words = [means.words[i] for i in kept]
    write_word2vec_text(params.output, words, means.layer(0)[kept], ctx)
    manifest = {"format": "word2vec-text", "made_by": "semvec static build", "words": len(words), "dim": lm.hidden_size,
                "layer": params.layer, "layer_resolved": means.layers[0], "min_count": params.min_count,
                "texts": len(params.texts), "word_rows": means.tokens, "lower_cased": is_uncased(lm), "inputs": list(params.inputs),
                "model": {"path": lm.info.path, "name": lm.info.name, "weights_sha256": lm.info.weights_sha256},
                "versions": library_versions(), "created": now_iso()}
    with atomic_file(manifest_path(params.output), "w", encoding="utf-8") as fh:
        fh.write(to_json(manifest) + "\n")
    return StaticBuildResult(Path(params.output).absolute(), len(words), lm.hidden_size, means.tokens, len(means.words) - len(words))

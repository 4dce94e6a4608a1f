"""Sentence vectors of a labelled file's texts, kept in the user's cache folder so that running
`semvec simulate-labelling` or `semvec find-label-errors` again on the same texts is fast.

The cache file is named by a hash of the texts (in order) and of what made the vectors (the
model's weights, the extraction options, the precision:
:func:`~semvec_studio.core.workspace.derived.vectors_key`). It may be deleted at any time; a cache
that cannot be read or written is recomputed or skipped, never an error.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from semvec_studio.core.checkpoints import DTYPES, ModelInfo, cache_dir
from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import LoadedModel, inspect_checkpoint, load_model
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.wording import count
from semvec_studio.core.workspace.derived import vectors_key

CACHE_FOLDER = "labelling-vectors"


def texts_key(texts: Sequence[str]) -> str:
    h = hashlib.sha256()
    for text in texts:
        h.update(text.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:24]


@dataclass(frozen=True)
class MadeBy:
    """What names a set of vectors without loading the model: the checkpoint's facts and the
    precision (the fields :func:`~semvec_studio.core.workspace.derived.vectors_key` reads)."""

    info: ModelInfo
    dtype: str


def cache_path(texts: Sequence[str], made_by: LoadedModel | MadeBy, options: ExtractOptions) -> Path:
    return cache_dir() / CACHE_FOLDER / f"{texts_key(texts)}-{vectors_key(made_by, replace(options, levels=('sentence',)))}.npy"


def _cached(path: Path, n: int) -> np.ndarray | None:
    try:
        vectors = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    return vectors if vectors.ndim == 2 and vectors.shape[0] == n and vectors.dtype == np.float32 else None


def _keep(path: Path, vectors: np.ndarray, ctx: TaskContext) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.npy")
        np.save(tmp, vectors)
        os.replace(tmp, path)
    except OSError as exc:
        ctx.log(f"the sentence vectors could not be kept in {path.parent} ({exc.strerror or exc}); they are not cached")


def text_vectors(texts: Sequence[str], model: str | os.PathLike | LoadedModel = "default", options: ExtractOptions = ExtractOptions(),
                 *, device: str = "auto", dtype: str = "float32", allow_pickle: bool = False, use_cache: bool = True,
                 ctx: TaskContext | None = None) -> np.ndarray:
    """The sentence vectors (len(texts) x dim float32) of ``texts`` with ``model`` (a spec as
    :func:`~semvec_studio.core.models.load_model` takes, or a loaded model): from the cache, or
    extracted with the core's encode loop and kept there. The model is loaded only when the cache
    does not have them."""
    ctx = ctx or NullContext()
    options = replace(options, levels=("sentence",))
    options.check()
    if isinstance(model, LoadedModel):
        made_by: LoadedModel | MadeBy = model
    else:
        if dtype not in DTYPES:
            raise UsageError(f"--dtype {dtype}: choose one of {', '.join(DTYPES)}.", field="dtype")
        made_by = MadeBy(inspect_checkpoint(model, allow_pickle=allow_pickle), dtype)
    path = cache_path(texts, made_by, options)
    vectors = _cached(path, len(texts)) if use_cache else None
    if vectors is not None:
        ctx.log(f"sentence vectors of {count(len(texts), 'text')} read from the cache ({path.parent})")
        return vectors
    lm = model if isinstance(model, LoadedModel) else load_model(model, device=device, dtype=dtype, allow_pickle=allow_pickle, ctx=ctx)
    vectors = np.asarray(extract(lm, list(texts), options, ctx)["sentence"].vectors, np.float32)
    if use_cache:
        _keep(cache_path(texts, lm, options), vectors, ctx)
    return vectors

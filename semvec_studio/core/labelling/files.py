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
from dataclasses import replace
from pathlib import Path

import numpy as np

from semvec_studio.core.checkpoints import cache_dir
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import LoadedModel
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


def cache_path(texts: Sequence[str], lm: LoadedModel, options: ExtractOptions) -> Path:
    return cache_dir() / CACHE_FOLDER / f"{texts_key(texts)}-{vectors_key(lm, options)}.npy"


def text_vectors(texts: Sequence[str], lm: LoadedModel, options: ExtractOptions = ExtractOptions(), *,
                 use_cache: bool = True, ctx: TaskContext | None = None) -> np.ndarray:
    """The sentence vectors (len(texts) x dim float32) of ``texts``: from the cache, or extracted
    with the core's encode loop and kept there."""
    ctx = ctx or NullContext()
    options = replace(options, levels=("sentence",))
    options.check_for(lm)
    path = cache_path(texts, lm, options)
    if use_cache:
        try:
            vectors = np.load(path, allow_pickle=False)
            if vectors.ndim == 2 and vectors.shape[0] == len(texts) and vectors.dtype == np.float32:
                ctx.log(f"sentence vectors of {count(len(texts), 'text')} read from the cache ({path.parent})")
                return vectors
        except (OSError, ValueError, EOFError):
            pass
    vectors = np.asarray(extract(lm, list(texts), options, ctx)["sentence"].vectors, np.float32)
    if use_cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.stem}.{os.getpid()}.npy")
            np.save(tmp, vectors)
            os.replace(tmp, path)
        except OSError as exc:
            ctx.log(f"the sentence vectors could not be kept in {path.parent} ({exc.strerror or exc}); they are not cached")
    return vectors

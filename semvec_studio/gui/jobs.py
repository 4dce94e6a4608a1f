"""The window's runner jobs whose modules import torch and transformers: each imports its core
function when it runs, on the runner thread, so the window opens (and stays responsive) while
torch loads, seconds on a slow machine. Qt-free; every other job is a core function submitted as it is.
"""

from __future__ import annotations

TRAIN_GROUP = "train"  # the runner group of training runs: the workbench's jobs never cancel them


def load_model(spec: str, *, device: str = "auto", dtype: str = "float32", allow_pickle: bool = False, ctx=None):
    """:func:`semvec_studio.core.models.load_model`, imported on the runner thread."""
    from semvec_studio.core.models import load_model as load  # noqa: PLC0415 - torch loads on the runner, not the window

    return load(spec, device=device, dtype=dtype, allow_pickle=allow_pickle, ctx=ctx)


def embed_levels(lm, texts: list[str], options: dict, levels: tuple[str, ...], ctx=None) -> dict:
    """One forward pass over ``texts`` giving every level in ``levels`` (an EmbeddingSet each)."""
    from semvec_studio.core.extract.encode import extract  # noqa: PLC0415 - as load_model
    from semvec_studio.core.extract.options import ExtractOptions  # noqa: PLC0415

    return extract(lm, texts, ExtractOptions(levels=tuple(levels), **options), ctx, producer=None)


def open_vectors(folder: str, ctx=None):
    """``(set, words)``: a folder of vectors, memory-mapped, sharded or not
    (:func:`semvec_studio.core.io.vectors.load_apart`: a big one's metadata read by a child
    process, so the window's thread never waits for this one), and a word-level set's distinct
    words for Word in context (else None), made here rather than on the window's thread. Torch is
    imported here too, for the views the window makes next when no model has loaded yet."""
    from semvec_studio.core.extract import pooling  # noqa: F401, PLC0415 - torch loads on the runner, not the window
    from semvec_studio.core.io.vectors import load_apart  # noqa: PLC0415 - as load_model
    from semvec_studio.gui.map_data import distinct_words  # noqa: PLC0415 - as load_model

    embset = load_apart(folder, ctx)
    return embset, distinct_words(embset) if embset.level == "word" else None

"""High-level jobs that string the core together (used by the CLI, the GUI and scripts)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from semvec_studio.core.atomic import atomic_dir
from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.encode import PlansAhead, extract, plans_ahead
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.io import exporters
from semvec_studio.core.io.shards import STORE_DTYPES
from semvec_studio.core.io.sinks import NpyFileSink
from semvec_studio.core.io.texts import Corpus
from semvec_studio.core.io.vectors import VECTORS_FILE, EmbeddingSet
from semvec_studio.core.models import LoadedModel, load_model
from semvec_studio.core.tasks import NullContext, TaskContext


@dataclass(frozen=True)
class FolderResult:
    path: Path
    rows: int
    dim: int


def embed(texts, model: str | LoadedModel = "default", *, level: str = "sentence", ctx: TaskContext | None = None, **options) -> EmbeddingSet:
    """The one-call Python API: ``embed(["a text"], level="word", layers=(-4, -3, -2, -1))``."""
    lm = model if isinstance(model, LoadedModel) else load_model(model)
    return extract(lm, list(texts), ExtractOptions(levels=(level,), **options), ctx)[level]


def extract_to_folder(
    model: str | os.PathLike | LoadedModel,
    corpus: Corpus,
    options: ExtractOptions,
    outdir: str | os.PathLike,
    *,
    formats: list[str] = (),
    overwrite: bool = False,
    device: str = "auto",
    dtype: str = "float32",
    allow_pickle: bool = False,
    store: str = "float32",
    ctx: TaskContext | None = None,
    producer: bool | None = False,
) -> FolderResult:
    """Extract one level of ``corpus`` into ``outdir``: streamed vectors.npy, metadata, manifest,
    plus extra ``formats``; ``store`` float16 writes vectors.npy at half the size. Written under a
    temporary name; nothing is left on failure or cancel. ``producer`` as
    :func:`~semvec_studio.core.extract.encode.extract` takes it."""
    ctx = ctx or NullContext()
    (level,) = options.levels
    exporters.check_formats(formats)  # fail on a bad format, a missing extra or a bad option before any work
    options.check()
    if store not in STORE_DTYPES:
        raise UsageError(f"--store {store}: choose one of {', '.join(STORE_DTYPES)}.")
    started: list[PlansAhead | None] = []

    def tokenise_ahead(tokenizer, max_length: int, dev: str) -> None:  # while the weights load
        started.append(plans_ahead(tokenizer, max_length, dev, corpus.texts, options, producer))

    with atomic_dir(outdir, overwrite=overwrite) as tmp:
        try:
            lm = model if isinstance(model, LoadedModel) else load_model(
                model, device=device, dtype=dtype, allow_pickle=allow_pickle, on_tokenizer=tokenise_ahead)
            options.check_for(lm)  # the model's layers, length limit and special tokens, before any text is encoded
            for w in lm.warnings:
                ctx.log(w)
            sink = NpyFileSink(tmp / VECTORS_FILE, store=store)
            try:
                result = extract(lm, corpus.texts, options, ctx, sinks={level: sink}, producer=producer,
                                 ahead=started[0] if started else None)[level]
            finally:
                sink.abort()
        finally:
            for ahead in filter(None, started):  # a failure before extract took it
                ahead.close()
        result.manifest["inputs"] = {
            "files": sorted(set(name for name, _ in corpus.origins)),
            "encodings": corpus.encodings,
            "skipped_blank": corpus.skipped_blank,
            "warnings": corpus.warnings,
        }
        result.manifest["store"] = store
        exporters.write_formats(result, tmp, ["npy", *formats], ctx)
        rows, dim = len(result), result.dim
        del result  # release the memory map before the folder is renamed
    return FolderResult(Path(outdir).absolute(), rows, dim)

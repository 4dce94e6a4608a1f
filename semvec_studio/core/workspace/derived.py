"""The rows' sentence vectors, kept in the data folder: keyed by what made them, memory-mapped, rebuilt on demand.

The folder (``NAME.semvec-data/``) may be deleted at any time.

``vectors/sentence-KEY/`` holds ``vectors.npy`` (float32, one row per workspace row with a text),
``rows.npy`` (int64, the workspace row of each vector) and ``manifest.json`` (the extraction
manifest, plus the workspace's uuid and how many of its rows are covered). KEY is a hash of the
model's weights, the extraction options and the precision. Rows never change once added, so a
folder that covers rows 0 .. n-1 stays valid when rows are added: only the new rows are encoded,
and a new folder (old vectors copied a block at a time, then the new ones) replaces the old one
atomically. Vectors are computed with the core's encode loop
(:func:`semvec_studio.core.extract.encode.extract`), written straight into a memory map.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from semvec_studio.core.atomic import atomic_dir
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.pooling import combined_dim
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.jsonio import write_json
from semvec_studio.core.models import LoadedModel
from semvec_studio.core.projection import index as ann
from semvec_studio.core.projection.index_files import save_index
from semvec_studio.core.rows import BLOCK_ROWS
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.wording import count
from semvec_studio.core.workspace.datadir import MANIFEST_FILE, ROWS_FILE, VECTORS_FILE, vectors_folder
from semvec_studio.core.workspace.store import Workspace


@dataclass(frozen=True)
class CachedVectors:
    """Sentence vectors of a workspace's rows: ``vectors[i]`` is the vector of row ``rows[i]``
    (both memory-mapped: slice them, never load them whole)."""

    path: Path
    vectors: np.ndarray
    rows: np.ndarray
    manifest: dict

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])


def vectors_key(lm: LoadedModel, options: ExtractOptions) -> str:
    """What made a set of sentence vectors, hashed: weights, options (not the batch size or the word
    segmenter), precision."""
    opts = asdict(replace(options, levels=("sentence",)))
    for word_only in ("batch_size", "segmenter", "user_dict"):  # sentence vectors never see the words
        opts.pop(word_only)
    made_by = {"weights_sha256": lm.info.weights_sha256, "model_type": lm.info.model_type, "dtype": lm.dtype, "options": opts}
    return hashlib.sha256(json.dumps(made_by, sort_keys=True).encode()).hexdigest()[:16]


def load_cached(ws: Workspace, key: str) -> CachedVectors | None:
    """The vectors of ``key`` for this workspace when present and readable (None otherwise)."""
    folder = vectors_folder(ws, key)
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        rows = np.load(folder / ROWS_FILE, mmap_mode="r", allow_pickle=False)
        vectors = np.load(folder / VECTORS_FILE, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if (manifest.get("workspace") != ws.uuid or not 0 <= manifest.get("rows_covered", -1) <= ws.row_count
            or vectors.ndim != 2 or rows.shape != (vectors.shape[0],) or vectors.dtype != np.float32):
        return None
    return CachedVectors(folder, vectors, rows, manifest)


class _MemmapSink:
    """An encode-loop sink that writes into ``vectors.npy`` after the ``old`` vectors it copies first."""

    def __init__(self, path: Path, old: CachedVectors | None, new_rows: int) -> None:
        self.path, self.old, self.new_rows = path, old, new_rows

    def open(self, level: str, dim: int) -> None:
        kept = len(self.old) if self.old is not None else 0
        if kept + self.new_rows == 0:  # an empty file cannot be memory-mapped
            np.save(self.path, np.zeros((0, dim), np.float32))
            self.mm, self.at = np.zeros((0, dim), np.float32), 0
            return
        self.mm = np.lib.format.open_memmap(self.path, mode="w+", dtype=np.float32, shape=(kept + self.new_rows, dim))
        for start in range(0, kept, BLOCK_ROWS):
            stop = min(kept, start + BLOCK_ROWS)
            self.mm[start:stop] = self.old.vectors[start:stop]
        self.at = kept

    def append(self, vectors: np.ndarray, metadata: dict) -> None:
        self.mm[self.at:self.at + len(vectors)] = vectors
        self.at += len(vectors)

    def close(self, manifest: dict) -> EmbeddingSet:
        if isinstance(self.mm, np.memmap):
            self.mm.flush()
        self.manifest = manifest
        return EmbeddingSet(np.zeros((0, self.mm.shape[1]), np.float32), {}, manifest, "sentence")


def texts_from(ws: Workspace, conn: sqlite3.Connection, start: int) -> tuple[list[int], list[str]]:
    """The rows from ``start`` on that have a text, and their texts (read through ``conn``)."""
    rows, texts = [], []
    for first, block in ws.iter_texts(start, conn=conn):
        for i, text in enumerate(block):
            if text:
                rows.append(first + i)
                texts.append(text)
    return rows, texts


def sentence_vectors(ws: Workspace, lm: LoadedModel, options: ExtractOptions = ExtractOptions(),
                     ctx: TaskContext | None = None) -> CachedVectors:
    """The sentence vectors of every row of ``ws`` with ``lm`` and ``options``: from the data folder,
    computing (and keeping) those of the rows it does not cover yet. Uses its own connection."""
    ctx = ctx or NullContext()
    options = replace(options, levels=("sentence",))
    options.check_for(lm)
    key = vectors_key(lm, options)
    cached = load_cached(ws, key)
    covered = cached.manifest["rows_covered"] if cached is not None else 0
    if cached is not None and covered == ws.row_count:
        return cached
    conn = ws.connect()
    try:
        rows, texts = texts_from(ws, conn, covered)
    finally:
        conn.close()
    ctx.log(f"computing the sentence vectors of {count(len(texts), 'row')} (kept in {ws.data_dir.name})")
    folder = vectors_folder(ws, key)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with atomic_dir(folder, overwrite=True) as tmp:
        sink = _MemmapSink(tmp / VECTORS_FILE, cached, len(texts))
        if texts:
            extract(lm, texts, options, ctx, sinks={"sentence": sink})
            manifest = sink.manifest
        else:
            sink.open("sentence", combined_dim(lm.hidden_size, len(options.layers), options.layer_combine))
            manifest = dict(cached.manifest) if cached is not None else {}
        old_rows = np.asarray(cached.rows) if cached is not None else np.zeros(0, np.int64)
        np.save(tmp / ROWS_FILE, np.concatenate([old_rows, np.asarray(rows, np.int64)]))
        manifest.update(kind="sentence", key=key, workspace=ws.uuid, rows_covered=ws.row_count, vectors=int(sink.mm.shape[0]))
        del sink  # release the memory map before the folder is renamed
        write_json(tmp / MANIFEST_FILE, manifest)
        _index(tmp, key, ctx)
    return load_cached(ws, key)


def _index(folder: Path, key: str, ctx: TaskContext) -> None:
    """From :data:`~semvec_studio.core.projection.index.ANN_MIN_ROWS` rows, an approximate index
    beside the vectors (when faiss is installed), so that "more like this" asks it instead of
    reading every row; minutes, once, after the vectors took far longer. It goes with the vectors:
    made again when they are."""
    vectors = np.load(folder / VECTORS_FILE, mmap_mode="r", allow_pickle=False)
    if len(vectors) < ann.ANN_MIN_ROWS or not ann.REQUIREMENT.installed():
        return
    ctx.log(f"indexing the sentence vectors of {count(len(vectors), 'row')} for \"more like this\"")
    save_index(ann.build_index(vectors, ann.IndexParams(), ctx), folder, {"key": key, "level": "sentence"})

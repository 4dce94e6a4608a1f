"""Where extracted rows go, a chunk at a time, in input order.

``MemorySink`` keeps them in RAM (the GUI, the Python API). ``NpyFileSink`` streams them into a
``.npy`` file whose header is rewritten with the final row count at the end, so peak memory stays
bounded however large the corpus (the CLI).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

from semvec_studio.core.io.metadata import COLUMNS
from semvec_studio.core.io.shards import STORE_DTYPES, load_vectors
from semvec_studio.core.io.vectors import EmbeddingSet

_HEADER_BYTES = 128  # fixed, so the final shape can be written over the placeholder


class Sink(Protocol):
    """Where the encode loop puts a level's rows. ``append`` gets a chunk's rows in input order;
    the loop reuses that array for its next chunk, so a sink keeps a copy of what it keeps."""

    def open(self, level: str, dim: int) -> None: ...
    def append(self, vectors: np.ndarray, metadata: dict) -> None: ...
    def close(self, manifest: dict) -> EmbeddingSet: ...


class _MetadataCollector:
    def __init__(self) -> None:
        self.cols: dict[str, list] = {}
        self.rows = 0

    def add(self, metadata: dict) -> None:
        for name, values in metadata.items():
            self.cols.setdefault(name, []).append(values)

    def columns(self) -> dict:
        out = {}
        for name, parts in self.cols.items():
            if parts and isinstance(parts[0], np.ndarray) or (parts and parts[0] and isinstance(parts[0][0], (int, np.integer))):
                out[name] = np.concatenate([np.asarray(p, dtype=np.int64) for p in parts])
            else:
                out[name] = [v for p in parts for v in p]
        return out


class MemorySink:
    """Keeps the rows in one array that grows as chunks come (``ndarray.resize``: a reallocation,
    so grown pages move instead of being copied), and hands that array over at the end without a
    final copy. ``texts``: how many texts the run has, when known; the array then grows to what
    the rows per text so far predict for all of them, so it grows a few times and ends close to
    its size (the rest is given back when it closes). Keeping each chunk and joining them at the
    end wrote every row twice: 3 s of 13 s for token, word and sentence rows of 60,000 SST-2
    sentences (64 dims) on a machine where touching new memory is slow."""

    def __init__(self, texts: int | None = None) -> None:
        self.texts = texts

    def open(self, level: str, dim: int) -> None:
        self.level, self.dim, self.rows = level, dim, 0
        self.vectors = np.zeros((0, dim), np.float32)
        self.meta = _MetadataCollector()
        self.texts_seen = 0

    def append(self, vectors: np.ndarray, metadata: dict) -> None:
        n = len(vectors)
        ids = metadata.get("text_id")
        if ids is not None and len(ids):
            self.texts_seen = max(self.texts_seen, int(np.max(ids)) + 1)
        if self.rows + n > len(self.vectors):
            self._grow(self.rows + n)
        self.vectors[self.rows : self.rows + n] = vectors  # the caller may reuse ``vectors``
        self.rows += n
        self.meta.add(metadata)

    def _grow(self, need: int) -> None:
        size = max(need, len(self.vectors) * 5 // 4)
        if self.texts and self.texts_seen:  # the rows all texts will have, if they go on as so far
            size = max(size, -(-need * self.texts // self.texts_seen) * 21 // 20)
        self.vectors.resize((size, self.dim), refcheck=True)

    def close(self, manifest: dict) -> EmbeddingSet:
        vectors, self.vectors = self.vectors, None
        vectors.resize((self.rows, self.dim), refcheck=True)
        metadata = _typed(self.meta.columns(), self.level, len(vectors))
        return EmbeddingSet(vectors, metadata, dict(manifest, rows=len(vectors), dim=self.dim), self.level)


def _typed(columns: dict, level: str, n: int) -> dict:
    out = {}
    for name, kind in COLUMNS[level].items():
        col = columns.get(name, [])
        out[name] = np.asarray(col, dtype=np.int64).reshape(n) if kind is int else list(col)
    return out


def npy_header(shape: tuple[int, int], descr: str = "<f4") -> bytes:
    """A version-1.0 .npy header for little-endian float32 (or ``descr``), padded to a fixed size."""
    d = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + f"{shape[0]}, {shape[1]}" + "), }"
    body = d.encode("latin1")
    pad = _HEADER_BYTES - 10 - len(body) - 1
    return b"\x93NUMPY\x01\x00" + (_HEADER_BYTES - 10).to_bytes(2, "little") + body + b" " * pad + b"\n"


class NpyFileSink:
    """Appends rows to ``path`` as they come; memory use is one chunk, not the corpus.

    ``store`` is the file's dtype (float32, or float16 for half the size; the rows are computed in
    float32 either way); ``text_id0`` is added to every ``text_id`` (a shard of a larger input)."""

    def __init__(self, path: str | os.PathLike, *, store: str = "float32", text_id0: int = 0) -> None:
        self.path = Path(path)
        self.descr = STORE_DTYPES[store]
        self.text_id0 = text_id0
        self.fh = None  # opened by open(); abort() may come before it (bad options)

    def open(self, level: str, dim: int) -> None:
        self.level, self.dim, self.rows = level, dim, 0
        self.fh = open(self.path, "wb")
        self.fh.write(npy_header((0, dim), self.descr))
        self.meta = _MetadataCollector()

    def append(self, vectors: np.ndarray, metadata: dict) -> None:
        self.fh.write(np.ascontiguousarray(vectors, dtype=self.descr).tobytes())
        self.rows += len(vectors)
        if self.text_id0 and "text_id" in metadata:
            metadata = dict(metadata, text_id=np.asarray(metadata["text_id"], dtype=np.int64) + self.text_id0)
        self.meta.add(metadata)

    def close(self, manifest: dict) -> EmbeddingSet:
        self.fh.seek(0)
        self.fh.write(npy_header((self.rows, self.dim), self.descr))
        self.fh.close()
        vectors = load_vectors(self.path)
        metadata = _typed(self.meta.columns(), self.level, self.rows)
        return EmbeddingSet(vectors, metadata, dict(manifest, rows=self.rows, dim=self.dim), self.level)

    def abort(self) -> None:
        if self.fh is not None and not self.fh.closed:
            self.fh.close()

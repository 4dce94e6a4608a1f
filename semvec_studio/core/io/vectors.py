"""EmbeddingSet: a float32 matrix, one metadata record per row, and the manifest that says how
the vectors were made.

The on-disk form is a folder with ``vectors.npy``, ``metadata.tsv``
(:mod:`semvec_studio.core.io.metadata`) and ``manifest.json``. :meth:`EmbeddingSet.load` reads it;
:func:`semvec_studio.core.io.exporters.save` writes it (the set knows nothing of export formats,
so this module imports no writer).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from semvec_studio.core.errors import InputError
from semvec_studio.core.io.metadata import read_metadata_tsv
from semvec_studio.core.io.shards import SHARDS_KEY, StackedRows, load_sharded, load_vectors
from semvec_studio.core.jsonio import read_json_object

LEVELS = ("token", "word", "sentence")

VECTORS_FILE = "vectors.npy"
METADATA_FILE = "metadata.tsv"
MANIFEST_FILE = "manifest.json"
SENTENCE_TEXT_CHARS = 200
CHILD_ROWS = 100_000  # load_apart reads the metadata of a folder of this many rows or more in a child process


@dataclass
class EmbeddingSet:
    """Vectors (float32, N x D) with per-row metadata columns and a provenance manifest.

    ``vectors`` is a NumPy array (often memory-mapped) or, for a sharded folder or one stored as
    float16, a :class:`StackedRows` that reads as a float32 matrix."""

    vectors: np.ndarray | StackedRows
    metadata: dict[str, Sequence]
    manifest: dict = field(default_factory=dict)
    level: str = "sentence"

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")
        if self.vectors.ndim != 2:
            raise ValueError("vectors must be a 2-D array")
        if self.vectors.dtype != np.float32:
            self.vectors = np.asarray(self.vectors, dtype=np.float32)
        for name, col in self.metadata.items():
            if len(col) != len(self.vectors):
                raise ValueError(f"metadata column {name!r} has {len(col)} rows, vectors have {len(self.vectors)}")

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @property
    def columns(self) -> list[str]:
        return list(self.metadata)

    def labels(self) -> list[str]:
        """One display string per row (token, word or text)."""
        key = {"token": "token", "word": "word", "sentence": "text"}[self.level]
        return list(self.metadata[key])

    def row(self, i: int) -> dict:
        return {name: _py(col[i]) for name, col in self.metadata.items()}

    def iter_rows(self) -> Iterable[dict]:
        for i in range(len(self)):
            yield self.row(i)

    def subset(self, rows: Sequence[int] | np.ndarray) -> EmbeddingSet:
        idx = np.asarray(rows, dtype=np.int64)
        meta = {k: (v[idx] if isinstance(v, np.ndarray) else [v[i] for i in idx]) for k, v in self.metadata.items()}
        manifest = dict(self.manifest, rows=int(len(idx)), subset_of=self.manifest.get("rows"))
        return EmbeddingSet(np.ascontiguousarray(self.vectors[idx]), meta, manifest, self.level)

    # --- on-disk form -------------------------------------------------------------------------

    @classmethod
    def load(cls, folder: str | os.PathLike, *, mmap: bool = True, metadata: dict | None = None) -> EmbeddingSet:
        """Read an extraction folder, or a sharded one (``semvec extract --shard-rows``) as one set.
        ``metadata``: the folder's metadata already read (:func:`read_metadata`), not read again."""
        folder = Path(folder)
        manifest_path = folder / MANIFEST_FILE
        sharded = manifest_path.is_file() and not (folder / VECTORS_FILE).exists()
        for name in (MANIFEST_FILE,) if sharded else (VECTORS_FILE, METADATA_FILE, MANIFEST_FILE):
            if not (folder / name).is_file():
                raise InputError(f"{folder}: no {name}; choose a folder written by 'semvec extract'.")
        manifest = read_json_object(manifest_path, InputError,
                                    "the folder is damaged; extract or export the vectors again.")
        if sharded and SHARDS_KEY not in manifest:
            raise InputError(f"{folder}: no {VECTORS_FILE}; choose a folder written by 'semvec extract'.")
        level = manifest.get("level", "sentence")
        given = metadata
        read = read_metadata_tsv if given is None else (lambda _path, _level: {})
        try:
            if sharded:
                vectors, metadata = load_sharded(folder, manifest, read, mmap=mmap)
            else:
                vectors = load_vectors(folder / VECTORS_FILE, mmap=mmap)
                metadata = read(folder / METADATA_FILE, level)
            return cls(vectors, metadata if given is None else given, manifest, level)
        except InputError:
            raise
        except (ValueError, OSError, EOFError) as exc:
            # a truncated or foreign vectors.npy, row counts that differ, a cell that is not a number...
            raise InputError(
                f"{folder}: the folder is damaged ({_first_line(exc)}); extract or export the vectors again."
            ) from exc


def read_metadata(folder: str | os.PathLike, ctx=None) -> dict:
    """The metadata columns of an extraction folder (sharded or not), as :meth:`EmbeddingSet.load`
    reads them (``ctx``: for :func:`~semvec_studio.core.childjob.run_in_child`)."""
    return EmbeddingSet.load(folder).metadata


def load_apart(folder: str | os.PathLike, ctx=None, *, child_rows: int | None = None) -> EmbeddingSet:
    """:meth:`EmbeddingSet.load`, with the metadata of a folder of ``child_rows`` (default
    :data:`CHILD_ROWS`) rows or more read by a child process: reading a million rows is Python's
    work, and a caller with a window to keep responsive (a worker thread sharing the GIL with the
    GUI thread) should not do it itself. Errors keep their type and words (the folder, what to do)."""
    from semvec_studio.core.childjob import run_in_child  # noqa: PLC0415 - only for big folders

    folder = Path(folder)
    child_rows = CHILD_ROWS if child_rows is None else child_rows
    try:
        rows = int(read_json_object(folder / MANIFEST_FILE, InputError, "").get("rows") or 0)
    except (InputError, TypeError, ValueError):
        rows = 0  # EmbeddingSet.load says what is wrong
    if rows < child_rows:
        return EmbeddingSet.load(folder)
    return EmbeddingSet.load(folder, metadata=run_in_child("semvec_studio.core.io.vectors:read_metadata", (str(folder),), ctx))


def _py(value):
    return value.item() if isinstance(value, np.generic) else value


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__

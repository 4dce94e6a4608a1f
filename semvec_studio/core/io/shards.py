"""Sharded extraction folders, read as one set.

A sharded folder (``semvec extract --shard-rows N``) holds ``part-00000/``, ``part-00001/`` ... each
a complete extraction folder (vectors.npy, metadata.tsv, manifest.json) with the vectors of N input
rows, and a top-level ``manifest.json`` whose ``shards`` list names them in input order with their
rows, sizes and SHA-256 digests. ``text_id`` in every shard's metadata counts from the start of the
whole input, so the shards' metadata tables simply follow one another.

:class:`StackedRows` reads the shards' memory-mapped ``vectors.npy`` files (float32, or float16
when written with ``--store float16``) as one read-only float32 matrix: it converts only the rows
asked for, so a reader never loads the whole set unless it asks for all of it (``np.asarray``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from semvec_studio.core.errors import InputError

SHARDS_KEY = "shards"
SHARD_PREFIX = "part-"
STORE_DTYPES = {"float32": "<f4", "float16": "<f2"}
DIGEST_BLOCK = 1 << 20


def shard_name(index: int) -> str:
    return f"{SHARD_PREFIX}{index:05d}"


def file_digest(path: str | os.PathLike) -> str:
    """SHA-256 of a file, read a megabyte at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(DIGEST_BLOCK):
            h.update(block)
    return h.hexdigest()


def texts_digest(texts: Sequence[str]) -> str:
    """SHA-256 of a list of texts (each followed by a NUL), to tell whether an input changed."""
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def shard_files_entry(folder: Path, files: Sequence[str]) -> dict:
    """Sizes and digests of a shard's ``files`` (what its top-level manifest entry records)."""
    return {name: {"bytes": (folder / name).stat().st_size, "sha256": file_digest(folder / name)} for name in files}


def check_shard(outdir: Path, entry: dict) -> str | None:
    """None when shard ``entry`` of ``outdir`` is complete and its files match their sizes and
    digests; else what is wrong, in a few words."""
    folder = outdir / entry["name"]
    if not folder.is_dir():
        return "missing"
    for name, want in entry.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            return f"{name} missing"
        if path.stat().st_size != want["bytes"]:
            return f"{name} has {path.stat().st_size} bytes, {want['bytes']} expected"
        if file_digest(path) != want["sha256"]:
            return f"{name} does not match its checksum"
    return None


class StackedRows:
    """Row blocks (each N_i x D, float32 or float16, usually memory-mapped) read as one float32
    N x D matrix: indexing (an int, a slice, an index or boolean array, a (rows, columns) pair)
    copies only the rows asked for; ``np.asarray`` gives the whole matrix."""

    ndim = 2
    dtype = np.dtype(np.float32)

    def __init__(self, parts: Sequence[np.ndarray], dim: int | None = None) -> None:
        dims = {int(p.shape[1]) for p in parts if p.ndim == 2}
        if any(p.ndim != 2 for p in parts) or len(dims) > 1:
            raise ValueError("row blocks must be 2-D with the same number of columns")
        self.parts = list(parts)
        self.bounds = np.concatenate([[0], np.cumsum([len(p) for p in self.parts])]).astype(np.int64)
        self.shape = (int(self.bounds[-1]), dims.pop() if dims else int(dim or 0))

    def __len__(self) -> int:
        return self.shape[0]

    @property
    def filename(self) -> str | None:
        """The file of a single memory-mapped block (exporters keep such a file in place), else None."""
        return getattr(self.parts[0], "filename", None) if len(self.parts) == 1 else None

    @property
    def size(self) -> int:
        return self.shape[0] * self.shape[1]

    @property
    def nbytes(self) -> int:
        return self.size * 4

    def rows(self, start: int, stop: int) -> np.ndarray:
        """Rows ``start:stop`` as a new float32 array."""
        out = np.empty((max(0, stop - start), self.shape[1]), dtype=np.float32)
        first = int(np.searchsorted(self.bounds, start, side="right")) - 1
        for k in range(max(first, 0), len(self.parts)):
            b0, b1 = int(self.bounds[k]), int(self.bounds[k + 1])
            if b0 >= stop:
                break
            lo, hi = max(start, b0), min(stop, b1)
            if hi > lo:
                out[lo - start : hi - start] = self.parts[k][lo - b0 : hi - b0]
        return out

    def take(self, index: np.ndarray) -> np.ndarray:
        """The rows at ``index`` (in that order) as a new float32 array."""
        idx = np.asarray(index, dtype=np.int64).reshape(-1)
        n = len(self)
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise IndexError(f"row index out of range for {n} rows")
        idx = np.where(idx < 0, idx + n, idx)
        out = np.empty((len(idx), self.shape[1]), dtype=np.float32)
        part = np.searchsorted(self.bounds, idx, side="right") - 1
        for k in np.unique(part):
            sel = part == k
            local = idx[sel] - self.bounds[k]
            order = np.argsort(local, kind="stable")  # read each file forwards
            block = np.asarray(self.parts[k][local[order]], dtype=np.float32)
            out[np.flatnonzero(sel)[order]] = block
        return out

    def __getitem__(self, key):
        if isinstance(key, tuple):
            head = self[key[0]]
            rest = key[1:]
            return head[rest] if head.ndim == 1 else head[(slice(None), *rest)]
        if isinstance(key, (int, np.integer)):
            i = int(key) + (len(self) if key < 0 else 0)
            if not 0 <= i < len(self):
                raise IndexError(f"row {int(key)} out of range for {len(self)} rows")
            return self.rows(i, i + 1)[0]
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            return self.rows(start, stop) if step == 1 else self.take(np.arange(start, stop, step))
        arr = np.asarray(key)
        if arr.dtype == bool:
            if arr.shape != (len(self),):
                raise IndexError(f"boolean index of {arr.shape} for {len(self)} rows")
            arr = np.flatnonzero(arr)
        return self.take(arr)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __array__(self, dtype=None, copy=None):
        whole = self.rows(0, len(self))
        return whole if dtype is None else whole.astype(dtype, copy=False)

    def astype(self, dtype, copy: bool = True) -> np.ndarray:
        return np.asarray(self, dtype=dtype)

    def __repr__(self) -> str:
        return f"StackedRows({self.shape[0]} x {self.shape[1]}, {len(self.parts)} part(s))"


def load_vectors(path: Path, *, mmap: bool = True) -> np.ndarray | StackedRows:
    """A ``vectors.npy``: float32 as a (memory-mapped) array, float16 behind :class:`StackedRows`."""
    arr = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    if arr.dtype == np.float32 or arr.ndim != 2:
        return arr
    if arr.dtype != np.float16:
        raise ValueError(f"{path.name} holds {arr.dtype}, not float32 or float16")
    return StackedRows([arr])


def load_sharded(folder: Path, manifest: dict, read_metadata, *, mmap: bool = True) -> tuple[StackedRows, dict]:
    """The vectors and metadata of a sharded folder, its shards checked for presence and size
    (not digests: ``semvec extract --resume`` checks those). ``read_metadata(path, level)`` reads one
    shard's metadata.tsv."""
    level = manifest.get("level", "sentence")
    entries = manifest.get(SHARDS_KEY) or []
    if not manifest.get("complete", False):
        done = len(entries)
        raise InputError(f"{folder}: the extraction stopped after {done} shard(s) and is not complete; "
                         "run the same 'semvec extract' command again with --resume.")
    parts, metas = [], []
    for entry in entries:
        shard = folder / entry["name"]
        vectors_file = entry.get("files", {}).get("vectors.npy", {})
        problem = check_size(shard / "vectors.npy", vectors_file.get("bytes"))
        if problem:
            raise InputError(f"{shard}: {problem}; run 'semvec extract' again with --resume to redo the shard.")
        arr = np.load(shard / "vectors.npy", mmap_mode="r" if mmap else None, allow_pickle=False)
        if len(arr) != entry["rows"]:
            raise InputError(f"{shard}: {len(arr)} rows, the manifest says {entry['rows']}; "
                             "run 'semvec extract' again with --resume to redo the shard.")
        parts.append(arr)
        metas.append(read_metadata(shard / "metadata.tsv", level))
    return StackedRows(parts, manifest.get("dim")), _concat_metadata(metas)


def check_size(path: Path, want: int | None) -> str | None:
    if not path.is_file():
        return f"no {path.name}"
    if want is not None and path.stat().st_size != want:
        return f"{path.name} has {path.stat().st_size} bytes, the manifest says {want}"
    return None


def _concat_metadata(metas: list[dict]) -> dict:
    if not metas:
        return {}
    out = {}
    for name in metas[0]:
        cols = [m[name] for m in metas]
        if all(isinstance(c, np.ndarray) for c in cols):
            out[name] = np.concatenate(cols)
        else:
            out[name] = [v for c in cols for v in c]
    return out

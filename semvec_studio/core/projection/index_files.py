"""An index saved beside its vectors: ``OUTDIR/index/`` with the faiss file, the row-id map and a manifest.

``index/vectors.faiss`` is faiss's own file (``faiss.read_index`` opens it in any faiss program);
``index/rows.npy`` is the row-id map (int64: entry i of the index is row ``rows[i]`` of the set,
the order of the extraction folder's ``vectors.npy``, or of its shards one after another), so a
search tool can load the index and the vectors directly; ``index/manifest.json`` says how it was
built (metric, cells, nprobe, the recall measured on the set, the fingerprint of the vectors, the
set's model and level). The folder is written under a temporary name and renamed into place whole.
:func:`find_index` finds (and caches) the index of a loaded set's vectors. No Qt here.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import numpy as np

from semvec_studio.core.errors import InputError, MissingExtraError
from semvec_studio.core.jsonio import read_json_object, to_json
from semvec_studio.core.projection.index import REQUIREMENT, AnnIndex, fingerprint, import_faiss

__all__ = ["INDEX_DIR", "INDEX_FILE", "ROWS_FILE", "find_index", "index_dir", "load_index", "save_index"]

INDEX_DIR = "index"
INDEX_FILE = "vectors.faiss"
ROWS_FILE = "rows.npy"
MANIFEST_FILE = "manifest.json"
SHARD_PREFIX = "part-"  # the shards of a sharded extraction folder (core.io.shards)
_CACHE: dict[tuple, AnnIndex] = {}


def index_dir(folder: str | os.PathLike) -> Path:
    """Where the index of the extraction folder ``folder`` lives."""
    return Path(folder) / INDEX_DIR


def save_index(built: AnnIndex, folder: str | os.PathLike, source: dict | None = None) -> Path:
    """Write ``built`` into ``folder/index/`` (replacing one there), with ``source`` (a few facts of
    the set: model, level) in its manifest; returns the index folder."""
    faiss = import_faiss()
    target = index_dir(folder)
    tmp = target.with_name(f".{INDEX_DIR}.{secrets.token_hex(4)}.partial")
    tmp.mkdir(parents=True)
    try:
        faiss.write_index(built.index, str(tmp / INDEX_FILE))
        np.save(tmp / ROWS_FILE, np.asarray(built.rows, dtype=np.int64), allow_pickle=False)
        manifest = dict(built.manifest, files={"index": INDEX_FILE, "rows": ROWS_FILE}, source=source or {})
        (tmp / MANIFEST_FILE).write_text(to_json(manifest) + "\n", encoding="utf-8")
        old = target.with_name(f".{INDEX_DIR}.{secrets.token_hex(4)}.old")
        if target.exists():
            target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def load_index(folder: str | os.PathLike, vectors=None, *, mmap: bool = False) -> AnnIndex:
    """The index in ``folder/index/`` (or ``folder`` itself when it is the index folder); with
    ``vectors``, :class:`InputError` when the index was built from other vectors.

    By default the index is read into memory (about the size of the vectors): with ``mmap=True``
    it is memory-mapped instead, which opens at once and leaves the memory to the system, but a
    query that touches a cell not yet read waits for the disk, so the first queries are several
    times slower (README, "Maps and search at a million rows")."""
    folder = Path(folder)
    where = folder if (folder / INDEX_FILE).is_file() else index_dir(folder)
    again = f"run 'semvec index {folder}' again."
    if not (where / MANIFEST_FILE).is_file() or not (where / INDEX_FILE).is_file():
        raise InputError(f"{folder}: no index; run 'semvec index {folder}' first.")
    manifest = read_json_object(where / MANIFEST_FILE, InputError, f"the index is damaged; {again}")
    faiss = import_faiss()
    try:
        flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
        index = faiss.read_index(str(where / INDEX_FILE), flags)
        rows = np.load(where / ROWS_FILE, allow_pickle=False)
    except (RuntimeError, OSError, ValueError) as exc:
        raise InputError(f"{where}: the index is damaged ({type(exc).__name__}); {again}") from exc
    if index.ntotal != len(rows) or rows.ndim != 1 or index.d != manifest.get("dim"):
        raise InputError(f"{where}: the index, its row map and its manifest disagree; {again}")
    if vectors is not None and fingerprint(vectors) != manifest.get("fingerprint"):
        raise InputError(f"{where}: the index was built from other vectors than the folder's now; {again}")
    return AnnIndex(index, rows.astype(np.int64), manifest)


def find_index(vectors) -> AnnIndex | None:
    """The saved index of a loaded set's ``vectors`` (a memory-mapped ``vectors.npy``, or the
    shards of a sharded folder), when there is one that matches them and faiss is installed; else
    None. Loaded once per index file and kept while the file is unchanged (the last one found only)."""
    folder = _folder_of(vectors)
    if folder is None:
        return None
    where = index_dir(folder)
    try:
        stamp = ((where / INDEX_FILE).stat().st_mtime_ns, (where / MANIFEST_FILE).stat().st_mtime_ns)
    except OSError:
        return None
    key = (str(where.resolve()), stamp, tuple(vectors.shape))
    if key not in _CACHE:
        if not REQUIREMENT.installed():
            return None
        try:
            loaded = load_index(folder, vectors)
        except (InputError, MissingExtraError):
            return None
        _CACHE.clear()  # one index in memory at a time (each is about the size of its vectors)
        _CACHE[key] = loaded
    return _CACHE[key]


def _folder_of(vectors) -> Path | None:
    """The extraction folder a loaded set's vectors were read from, if they are memory-mapped."""
    name = getattr(vectors, "filename", None)
    parts = getattr(vectors, "parts", None)
    if name is None and parts:
        name = getattr(parts[0], "filename", None)
    if not name:
        return None
    folder = Path(name).parent
    if folder.name.startswith(SHARD_PREFIX):  # a sharded folder: part-00000/vectors.npy ...
        folder = folder.parent
    return folder

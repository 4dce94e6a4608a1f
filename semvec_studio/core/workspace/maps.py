"""Maps kept in a workspace's data folder (``NAME.semvec-data/maps/``), so that opening the
workspace again shows the last map at once instead of projecting the vectors again.

A map is keyed by what made it (:func:`map_key`): the vectors themselves (their bytes, hashed: the
model, layers, pooling and rows are all in them), the level and the projection's parameters. A
folder holds ``coords.npy``, ``rows.npy`` and ``manifest.json`` (the projection's record, the
key's parts and the workspace's id); it is written under a temporary name and renamed, so a
folder is whole or absent. Like everything in the data folder it may be deleted at any time: a
missing or damaged map is ``None`` and the map is computed again. Only the newest
:data:`MAPS_KEPT` maps are kept.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
from dataclasses import asdict, is_dataclass

import numpy as np

from semvec_studio.core.projection.base import Projection
from semvec_studio.core.workspace.datadir import MANIFEST_FILE, ROWS_FILE
from semvec_studio.core.workspace.store import Workspace

MAPS = "maps"
COORDS_FILE = "coords.npy"
MAPS_KEPT = 8


def map_key(vectors: np.ndarray, level: str, params) -> str:
    """What made a map, hashed: the vectors' bytes and shape, the level and the parameters."""
    h = hashlib.sha256()
    array = np.ascontiguousarray(vectors)
    h.update(f"{array.dtype.str}{array.shape}{level}".encode())
    h.update(memoryview(array).cast("B"))
    record = asdict(params) if is_dataclass(params) else dict(params)
    h.update(json.dumps(record, sort_keys=True, default=str).encode())
    return h.hexdigest()[:20]


def save_map(ws: Workspace, key: str, proj: Projection) -> None:
    """Keep ``proj`` as map ``key`` (replacing one of the same key); the oldest beyond :data:`MAPS_KEPT` go."""
    folder = ws.data_dir / MAPS / key
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(f".{key}.{secrets.token_hex(4)}.partial")
    tmp.mkdir()
    try:
        np.save(tmp / COORDS_FILE, np.asarray(proj.coords, dtype=np.float32), allow_pickle=False)
        np.save(tmp / ROWS_FILE, np.asarray(proj.rows, dtype=np.int64), allow_pickle=False)
        manifest = {"kind": "map", "key": key, "workspace": ws.uuid, "projection": proj.as_record()}
        (tmp / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    maps = sorted((p for p in folder.parent.iterdir() if p.is_dir() and not p.name.startswith(".")),
                  key=lambda p: p.stat().st_mtime, reverse=True)
    for old in maps[MAPS_KEPT:]:
        shutil.rmtree(old, ignore_errors=True)


def load_map(ws: Workspace, key: str) -> Projection | None:
    """Map ``key`` when it is kept and whole, else None."""
    folder = ws.data_dir / MAPS / key
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        coords = np.load(folder / COORDS_FILE, allow_pickle=False)
        rows = np.load(folder / ROWS_FILE, allow_pickle=False)
        record = manifest["projection"]
        if manifest.get("key") != key or coords.ndim != 2 or coords.shape[1] != 2 or len(coords) != len(rows):
            return None
        return Projection(coords=coords, rows=rows, method=record["method"], params=record["params"],
                          explained_variance=record.get("explained_variance"), quality=record.get("quality") or {},
                          implementation=record.get("implementation", ""), fitted_rows=record.get("fitted_rows"),
                          placement=record.get("placement", ""))
    except (OSError, ValueError, KeyError, TypeError):
        return None

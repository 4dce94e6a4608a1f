"""The data folder beside a workspace (``NAME.semvec-data/``): where things go, what it holds, clearing it.

Torch-free, so that listing a workspace does not load a model library; computing vectors is
:mod:`semvec_studio.core.workspace.derived`.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from semvec_studio.core.workspace.store import Workspace

VECTORS = "vectors"
ROWS_FILE, VECTORS_FILE, MANIFEST_FILE = "rows.npy", "vectors.npy", "manifest.json"


def vectors_folder(ws: Workspace, key: str) -> Path:
    """Where the sentence vectors made as ``key`` says are kept."""
    return ws.data_dir / VECTORS / f"sentence-{key}"


@dataclass(frozen=True)
class DerivedEntry:
    """One folder of derived data, for a listing (``semvec workspace info``)."""

    path: Path
    kind: str
    model: str
    rows_covered: int
    vectors: int
    bytes: int
    stale: bool  # made for another workspace of the same name (it is rebuilt when needed)


def entries(ws: Workspace) -> list[DerivedEntry]:
    """The derived data kept beside ``ws``."""
    out = []
    for folder in sorted((ws.data_dir / VECTORS).glob("sentence-*")):
        try:
            manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
        model = (manifest.get("model") or {}).get("name", "?")
        out.append(DerivedEntry(folder, manifest.get("kind", "sentence"), model, int(manifest.get("rows_covered", 0)),
                                int(manifest.get("vectors", 0)), size, manifest.get("workspace") != ws.uuid))
    return out


def data_size(ws: Workspace) -> int:
    """Bytes in the data folder (0 when there is none)."""
    if not ws.data_dir.is_dir():
        return 0
    return sum(f.stat().st_size for f in ws.data_dir.rglob("*") if f.is_file())


def clear(ws: Workspace) -> None:
    """Delete the data folder (everything in it is rebuilt on demand)."""
    shutil.rmtree(ws.data_dir, ignore_errors=True)

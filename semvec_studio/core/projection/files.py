"""A projection saved next to its vectors: ``projection.tsv`` in an extract output folder, its
record under ``"projection"`` in ``manifest.json``, and ``x``/``y`` columns in the Embedding
Projector's metadata file when the folder has a ``projector`` export. No Qt here.

Every file is written under a temporary name and renamed into place only once all of them are
complete, so a failure leaves the folder as it was; saving again replaces the files and the record.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import numpy as np

from semvec_studio.core.atomic import atomic_file
from semvec_studio.core.errors import InputError
from semvec_studio.core.io.exporters import FLOAT_FMT, PROJECTOR_METADATA, _json, write_projector_metadata
from semvec_studio.core.projection.project import Projection
from semvec_studio.core.provenance import now_iso
from semvec_studio.core.tasks import TaskContext
from semvec_studio.core.io.vectors import MANIFEST_FILE, EmbeddingSet, write_metadata_tsv

__all__ = ["PROJECTION_FILE", "COORD_COLUMNS", "save_projection", "load_projection"]

PROJECTION_FILE = "projection.tsv"
COORD_COLUMNS = ("x", "y", "row")  # then the set's metadata columns
MANIFEST_KEY = "projection"


def save_projection(folder: str | os.PathLike, embset: EmbeddingSet, proj: Projection,
                    ctx: TaskContext | None = None) -> list[Path]:
    """Write ``proj`` (computed from ``embset``, loaded from ``folder``) into ``folder``.

    ``projection.tsv`` has one line per projected row: ``x``, ``y``, ``row`` (the row of the set,
    which matters with ``--sample``), then the set's metadata columns (TSV cells escaped as in
    metadata.tsv). ``manifest.json`` gets ``"projection": {method, params, explained_variance,
    quality, rows, implementation, created}``. If the folder has a ``projector`` export, its
    metadata file is rewritten with ``x`` and ``y`` columns (empty for rows not projected).
    Returns the paths written.
    """
    folder = Path(folder)
    manifest_path = folder / MANIFEST_FILE
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{manifest_path}: cannot be read ({exc}); choose a folder written by 'semvec extract'.") from exc
    manifest[MANIFEST_KEY] = dict(proj.as_record(), created=now_iso())
    rest = {k: v for k, v in embset.metadata.items() if k not in COORD_COLUMNS}
    written = [folder / PROJECTION_FILE]
    with contextlib.ExitStack() as stack:  # all temporary files complete before any is renamed
        fh = stack.enter_context(atomic_file(folder / PROJECTION_FILE, "w", encoding="utf-8", newline="\n"))
        _write_projection_tsv(fh, proj, rest, ctx)
        if (folder / PROJECTOR_METADATA).is_file() and (folder / "vectors.tsv").is_file():
            fh = stack.enter_context(atomic_file(folder / PROJECTOR_METADATA, "w", encoding="utf-8", newline="\n"))
            write_projector_metadata(dict(rest, **_projector_coords(proj, len(embset))), len(embset), fh, ctx)
            written.append(folder / PROJECTOR_METADATA)
        fh = stack.enter_context(atomic_file(manifest_path, "w", encoding="utf-8", newline="\n"))
        fh.write(_json(manifest) + "\n")
        written.append(manifest_path)
    return written


def _formatted(values: np.ndarray) -> list[str]:
    return [FLOAT_FMT % v for v in np.asarray(values, dtype=np.float32).tolist()]


def _write_projection_tsv(fh, proj: Projection, metadata: dict, ctx: TaskContext | None, block: int = 65536) -> None:
    rows = proj.rows
    names = list(COORD_COLUMNS) + list(metadata)
    fh.write("\t".join(names) + "\n")
    for start in range(0, len(rows), block):
        if ctx is not None:
            ctx.check_cancelled()
        idx = rows[start:start + block]
        part = {"x": _formatted(proj.coords[start:start + block, 0]), "y": _formatted(proj.coords[start:start + block, 1]),
                "row": idx}
        for name, col in metadata.items():
            part[name] = col[idx] if isinstance(col, np.ndarray) else [col[i] for i in idx]
        write_metadata_tsv(fh, part, header=False)
        if ctx is not None:
            ctx.report(min(len(rows), start + block), len(rows), f"writing {PROJECTION_FILE}")


def _projector_coords(proj: Projection, n: int) -> dict[str, list[str]]:
    xs, ys = [""] * n, [""] * n
    for i, x, y in zip(proj.rows.tolist(), _formatted(proj.coords[:, 0]), _formatted(proj.coords[:, 1])):
        xs[i], ys[i] = x, y
    return {"x": xs, "y": ys}


def load_projection(folder: str | os.PathLike) -> tuple[np.ndarray, np.ndarray, dict]:
    """Read back ``(coords float32 [n, 2], rows int64 [n], manifest record)`` saved by
    :func:`save_projection`; :class:`InputError` when the folder has none."""
    folder = Path(folder)
    path = folder / PROJECTION_FILE
    try:
        record = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8")).get(MANIFEST_KEY)
    except (OSError, ValueError, AttributeError):
        record = None
    if not path.is_file() or not isinstance(record, dict):
        raise InputError(f"{folder}: no saved projection; run 'semvec project {folder}' first.")
    try:
        table = np.loadtxt(path, delimiter="\t", skiprows=1, usecols=(0, 1, 2), dtype=np.float64, ndmin=2,
                           comments=None, encoding="utf-8")
    except ValueError as exc:
        raise InputError(f"{path}: the file is damaged ({exc}); run 'semvec project' again.") from exc
    return table[:, :2].astype(np.float32), table[:, 2].astype(np.int64), record

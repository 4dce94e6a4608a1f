"""projection.tsv's one writer (for semvec project and the Map's export), and saved projections.

``projection.tsv`` (x, y, row, then metadata columns) is written by one function for both
``semvec project`` and the Map tab's coordinate export. A projection saved next to its vectors is
``projection.tsv`` in an extract output folder, its record under ``"projection"`` in
``manifest.json``, and ``x``/``y`` columns in the Embedding Projector's metadata file when the
folder has a ``projector`` export. No Qt here.

Every file is written under a temporary name and renamed into place only once all of them are
complete, so a failure leaves the folder as it was; saving again replaces the files and the record.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from semvec_studio.core.atomic import atomic_file
from semvec_studio.core.errors import InputError
from semvec_studio.core.io.exporters import FLOAT_FMT, PROJECTOR_METADATA, write_projector_metadata
from semvec_studio.core.io.metadata import write_metadata_tsv
from semvec_studio.core.io.vectors import MANIFEST_FILE, EmbeddingSet
from semvec_studio.core.jsonio import read_json_object, to_json
from semvec_studio.core.projection.base import Projection
from semvec_studio.core.provenance import now_iso
from semvec_studio.core.tasks import TaskContext

__all__ = ["COORD_COLUMNS", "FITTED_COLUMN", "PROJECTION_FILE", "load_projection", "save_projection", "write_coordinates",
           "write_projection_tsv"]

PROJECTION_FILE = "projection.tsv"
COORD_COLUMNS = ("x", "y", "row")  # then the set's metadata columns
MANIFEST_KEY = "projection"
FITTED_COLUMN = "fitted"  # 1: the row was in the sample the method was fitted on; 0: placed by its transform
BLOCK_ROWS = 65536


def write_projection_tsv(fh, coords: np.ndarray, rows: np.ndarray, metadata: Mapping[str, Sequence],
                         ctx: TaskContext | None = None, *, per_point: Mapping[str, Sequence] | None = None,
                         phase: str = f"writing {PROJECTION_FILE}") -> None:
    """Write a projection table to the open text file ``fh``: the header, then one line per point.

    Columns: ``x`` and ``y`` (``coords``, float32 written exactly), ``row`` (``rows``, the set row
    of each point), then each ``metadata`` column (one value per row of the set, looked up by
    ``rows``), then each ``per_point`` column (one value per point) whose name is not taken. Cells
    are escaped as in metadata.tsv. Written ``BLOCK_ROWS`` points at a time; with ``ctx``, progress
    in rows and cancel per block.
    """
    rows = np.asarray(rows, dtype=np.int64)
    coords = np.asarray(coords, dtype=np.float32).reshape(len(rows), 2)
    meta = {k: v for k, v in metadata.items() if k not in COORD_COLUMNS}
    extra = {k: v for k, v in (per_point or {}).items() if k not in COORD_COLUMNS and k not in meta}
    fh.write("\t".join([*COORD_COLUMNS, *meta, *extra]) + "\n")
    n = len(rows)
    for start in range(0, n, BLOCK_ROWS):
        if ctx is not None:
            ctx.check_cancelled()
        stop = min(n, start + BLOCK_ROWS)
        idx = rows[start:stop]
        part = {"x": _formatted(coords[start:stop, 0]), "y": _formatted(coords[start:stop, 1]), "row": idx}
        for name, col in meta.items():
            part[name] = col[idx] if isinstance(col, np.ndarray) else [col[i] for i in idx.tolist()]
        for name, col in extra.items():
            part[name] = col[start:stop]
        write_metadata_tsv(fh, part, header=False)
        if ctx is not None:
            ctx.report(stop, n, phase, unit="row")


def write_coordinates(path: str | os.PathLike, coords: np.ndarray, rows: np.ndarray, metadata: Mapping[str, Sequence],
                      ctx: TaskContext | None = None, *, per_point: Mapping[str, Sequence] | None = None) -> str:
    """:func:`write_projection_tsv` into the file ``path``, atomically (the Map tab's export of
    the coordinates); returns ``path``."""
    with atomic_file(path, "w", encoding="utf-8", newline="\n") as fh:
        write_projection_tsv(fh, coords, rows, metadata, ctx, per_point=per_point, phase=f"writing {Path(path).name}")
    return str(path)


def save_projection(folder: str | os.PathLike, embset: EmbeddingSet, proj: Projection,
                    ctx: TaskContext | None = None) -> list[Path]:
    """Write ``proj`` (computed from ``embset``, loaded from ``folder``) into ``folder``.

    ``projection.tsv`` is :func:`write_projection_tsv` of the projected rows with the set's
    metadata columns (the ``row`` column matters with ``--sample``), and, when the method was
    fitted on a sample (t-SNE, UMAP above their fit limit), a ``fitted`` column: 1 for a fitted row,
    0 for one placed by the method's transform. ``manifest.json`` gets ``"projection": {method,
    params, explained_variance, quality, rows, implementation, fitted_rows, total_rows, created}``,
    plus ``fitted_on`` ("fitted on N of M rows") and ``placement`` when fitted on a sample.
    If the folder has a ``projector`` export, its metadata file is rewritten with ``x`` and ``y``
    columns (empty for rows not projected). Returns the paths written.
    """
    folder = Path(folder)
    manifest_path = folder / MANIFEST_FILE
    manifest = read_json_object(manifest_path, InputError, "choose a folder written by 'semvec extract'.")
    manifest[MANIFEST_KEY] = dict(proj.as_record(), created=now_iso())
    rest = {k: v for k, v in embset.metadata.items() if k not in COORD_COLUMNS}
    written = [folder / PROJECTION_FILE]
    with contextlib.ExitStack() as stack:  # all temporary files complete before any is renamed
        fh = stack.enter_context(atomic_file(folder / PROJECTION_FILE, "w", encoding="utf-8", newline="\n"))
        write_projection_tsv(fh, proj.coords, proj.rows, rest, ctx, per_point=_fitted_column(proj))
        if (folder / PROJECTOR_METADATA).is_file() and (folder / "vectors.tsv").is_file():
            fh = stack.enter_context(atomic_file(folder / PROJECTOR_METADATA, "w", encoding="utf-8", newline="\n"))
            write_projector_metadata(dict(rest, **_projector_coords(proj, len(embset))), len(embset), fh, ctx)
            written.append(folder / PROJECTOR_METADATA)
        fh = stack.enter_context(atomic_file(manifest_path, "w", encoding="utf-8", newline="\n"))
        fh.write(to_json(manifest) + "\n")
        written.append(manifest_path)
    return written


def _fitted_column(proj: Projection) -> dict[str, np.ndarray] | None:
    if proj.fitted is None or not proj.fitted_on:
        return None
    return {FITTED_COLUMN: np.asarray(proj.fitted, dtype=np.int8)}


def _formatted(values: np.ndarray) -> list[str]:
    return [FLOAT_FMT % v for v in np.asarray(values, dtype=np.float32).tolist()]


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

"""A workspace's labelled rows as a training file: what the Train tab trains on when the user
chooses the open workspace instead of a file.

The file (``text,label`` as CSV, one row per labelled row with a text, in row order) is written
atomically into the data folder (``training/labelled.csv``); a training run records it like any
other input file, so the run is reproducible from its folder even after the workspace changes.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from semvec_studio.core.atomic import atomic_file
from semvec_studio.core.errors import UsageError
from semvec_studio.core.rows import BLOCK_ROWS
from semvec_studio.core.workspace.store import Workspace

TRAINING = "training"
LABELLED_FILE = "labelled.csv"


def write_labelled(ws: Workspace, target: str | Path | None = None) -> tuple[Path, int]:
    """Write ``ws``'s labelled rows that have a text as ``text,label`` CSV (default: in the data
    folder); returns the path and the number of rows. Refuses a workspace without labelled rows."""
    ids, _ = ws.label_array()
    rows = np.flatnonzero(ids >= 0)
    if not len(rows):
        raise UsageError(f"{ws.path.name}: no row has a label yet; label some rows in the Data view first "
                         "(select rows and press a label's number key)")
    path = Path(target) if target is not None else ws.data_dir / TRAINING / LABELLED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with atomic_file(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["text", "label"])
        for start in range(0, len(rows), BLOCK_ROWS):
            for row in ws.read_rows(rows[start:start + BLOCK_ROWS]):
                if row.text.strip():
                    out.writerow([row.text, row.label])
                    written += 1
    if not written:
        path.unlink(missing_ok=True)
        raise UsageError(f"{ws.path.name}: the labelled rows have no text to train on")
    return path, written

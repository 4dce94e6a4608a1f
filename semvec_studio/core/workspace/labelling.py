"""The label edits a user makes: label rows, add, change (name, colour, key), merge and delete labels.

Each is one logged edit (see :mod:`semvec_studio.core.workspace.edits`).

Each function runs inside the caller's transaction and returns the applied
:class:`~semvec_studio.core.workspace.edits.Edit` (None when nothing would change).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from semvec_studio.core.tasks import TaskContext
from semvec_studio.core.workspace import edits
from semvec_studio.core.workspace.edits import Edit, Label
from semvec_studio.core.workspace.errors import RowError
from semvec_studio.core.workspace.schema import LABEL_SOURCES


def label_rows(conn, rows: np.ndarray, labels: Sequence[str | None], source: str, ctx: TaskContext | None) -> Edit | None:
    """Give each of ``rows`` its label in ``labels`` (None: no label), making new label names."""
    if len(labels) != len(rows):
        raise ValueError("rows and labels differ in length")
    if source not in LABEL_SOURCES:
        raise RowError(f"label source {source!r}: choose one of {', '.join(LABEL_SOURCES)}")
    groups: dict[str | None, list[int]] = {}
    given: dict[int, str | None] = {}
    for row, label in zip(rows.tolist(), labels):
        label = None if label is None else edits.check_name(label)
        if given.setdefault(row, label) != label:
            raise RowError(f"row {row}: given two labels, {given[row]!r} and {label!r}; give each row one label")
        groups.setdefault(label, []).append(row)
    edit = edits.new_edit(conn, "label", describe_labelling(groups))
    for label, group in groups.items():
        label_id = None
        if label is not None:
            found = [lb for lb in edits.labels(conn) if lb.name == label]
            label_id = found[0].id if found else edits.create_label(conn, edit, label).id
        edits.target_rows(conn, np.asarray(group, dtype=np.int64), ctx)
        edits.log_target_rows(conn, edit, label_id, None if label is None else source)
    return edits.finish(conn, edit)


def add_label(conn, name: str, colour: str | None, key: int | None) -> Edit:
    edit = edits.new_edit(conn, "add label", f"add label {name!r}")
    edits.create_label(conn, edit, name, edits.check_colour(colour) if colour else None, edits.check_key(key))
    return edits.finish(conn, edit)


def change_label(conn, name: str, new_name: str | None, colour: str | None, key: int | None | str) -> Edit | None:
    """Rename, recolour or re-key a label (``key="keep"`` keeps it); a key taken by another label
    is swapped with this one's."""
    old = edits.find(conn, name)
    new = Label(old.id, edits.check_name(new_name) if new_name else old.name, edits.check_colour(colour) if colour else old.colour,
                old.key if key == "keep" else edits.check_key(key), old.position)
    if new == old:
        return None
    if new.name != old.name and any(lb.name == new.name for lb in edits.labels(conn)):
        raise RowError(f"label {new.name!r} exists already; merge the labels instead, or choose another name")
    renamed = new.name != old.name
    edit = edits.new_edit(conn, "change label", f"rename label {old.name!r} to {new.name!r}" if renamed else f"change label {old.name!r}")
    edits.log_label(conn, edit, old.id, old, new)
    other = next((lb for lb in edits.labels(conn) if lb.key == new.key and lb.id != old.id), None) if new.key else None
    if other is not None:
        edits.log_label(conn, edit, other.id, other, Label(other.id, other.name, other.colour, old.key, other.position))
    return edits.finish(conn, edit)


def merge_labels(conn, name: str, into: str) -> Edit:
    src, dst = edits.find(conn, name), edits.find(conn, into)
    if src.id == dst.id:
        raise RowError(f"label {name!r}: a label cannot be merged into itself")
    edit = edits.new_edit(conn, "merge labels", f"merge label {name!r} into {into!r}")
    edits.log_rows_of_label(conn, edit, src.id, dst.id)
    edits.log_label(conn, edit, src.id, src, None)
    return edits.finish(conn, edit)


def delete_label(conn, name: str) -> Edit:
    label = edits.find(conn, name)
    edit = edits.new_edit(conn, "delete label", f"delete label {name!r}")
    edits.log_rows_of_label(conn, edit, label.id, None)
    edits.log_label(conn, edit, label.id, label, None)
    return edits.finish(conn, edit)


def describe_labelling(groups: dict[str | None, list[int]]) -> str:
    rows = sum(len(g) for g in groups.values())
    what = f"{rows:,} rows" if rows != 1 else f"row {next(iter(groups.values()))[0]}"
    if len(groups) > 1:
        return f"label {what}"
    (label,) = groups
    return f"label {what} {label!r}" if label is not None else f"clear the label of {what}"

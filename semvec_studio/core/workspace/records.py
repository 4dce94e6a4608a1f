"""Plain records of a workspace: :class:`Source`, :class:`Row`, and where its derived data go.

A source is a file whose rows were added; a row carries its cells and label.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

EXTENSION = ".semvec"


def data_dir_of(path: str | os.PathLike) -> Path:
    """The folder of derived data beside a workspace: ``NAME.semvec-data``."""
    path = Path(path)
    return path.with_name(path.name + "-data")


@dataclass(frozen=True)
class Source:
    """A file whose rows were added: rows ``first_row`` .. ``stop - 1``, its header as read."""

    id: int
    name: str
    path: str
    format: str
    encoding: str
    delimiter: str | None
    quoting: bool | None
    header: tuple[str, ...]
    text_column: str
    text_index: int | None
    label_column: str | None
    first_row: int
    row_count: int
    skipped_blank: int
    size: int
    sha256: str
    added: float
    warnings: tuple[str, ...]
    complete: bool = True  # False: its rows are still being added (row_count: so far), or the import stopped
    import_note: str | None = None  # why its import stopped before the end of the file

    @property
    def stop(self) -> int:
        return self.first_row + self.row_count


@dataclass(frozen=True)
class Row:
    """One row: where it came from, its text (stripped, as vectors see it), its original cells
    (a list in the order of ``source.header``, or a dict for a JSONL record) and its label."""

    row: int
    source: Source = field(repr=False)
    line: int
    text: str
    cells: list | dict
    label: str | None
    label_source: str | None
    label_time: float | None

    def values(self) -> dict:
        """The original cells by column name."""
        return dict(self.cells) if isinstance(self.cells, dict) else dict(zip(self.source.header, self.cells))


def source_from_record(record) -> Source:
    values = list(record)
    values[6] = None if values[6] is None else bool(values[6])
    values[7] = tuple(json.loads(values[7]))
    values[17] = tuple(json.loads(values[17]))
    if len(values) > 18:
        values[18] = bool(values[18])
    return Source(*values)

"""A look at a file before it becomes rows: its columns, the likely text and label columns, its first rows.

Only the head of the file is read (:data:`PREVIEW_BYTES`), so a dialog can show it at once for a
file of any size; the import itself reads the whole file with the same readers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from semvec_studio.core.errors import InputError
from semvec_studio.core.io.decoding import check_file, decode_bytes
from semvec_studio.core.io.tables import pick_column
from semvec_studio.core.workspace.readers import LABEL_COLUMNS, READERS, ImportOptions, format_of

PREVIEW_BYTES = 1 << 16
PREVIEW_ROWS = 20


@dataclass(frozen=True)
class FilePreview:
    """The head of a file as the import would read it."""

    path: str
    fmt: str
    header: tuple[str, ...]
    text_column: str
    label_column: str | None  # a column named like a label ('label', 'class', ...), when there is one
    rows: tuple[dict[str, str], ...]
    encoding: str
    whole: bool  # the preview read the whole file

    @property
    def has_columns(self) -> bool:
        return self.fmt != "txt"


def _head(path: str | os.PathLike) -> tuple[bytes, bool]:
    with open(path, "rb") as f:
        data = f.read(PREVIEW_BYTES + 1)
    if len(data) <= PREVIEW_BYTES:
        return data, True
    data = data[:PREVIEW_BYTES]
    cut = data.rfind(b"\n")
    return (data[:cut + 1] if cut > 0 else data), False


def preview_file(path: str | os.PathLike, options: ImportOptions = ImportOptions(), rows: int = PREVIEW_ROWS) -> FilePreview:
    """The columns and first ``rows`` rows of ``path``; raises the import's one-line errors."""
    name = os.fspath(path)
    fmt = format_of(path, options.fmt)
    check_file(path)
    try:
        data, whole = _head(path)
    except OSError as err:
        raise InputError(f"{name}: cannot be read ({err.strerror or err}); check its permissions") from None
    try:
        text, encoding, _warnings = decode_bytes(data, name, options.encoding)
    except InputError:
        if whole:
            raise
        data, whole = Path(path).read_bytes(), True  # the cut fell inside a character (UTF-16): read it all
        text, encoding, _warnings = decode_bytes(data, name, options.encoding)
    parsed = READERS[fmt](name, text, options)
    found: list[dict[str, str]] = []
    try:
        for _lines, _texts, cells, _labels in parsed.chunks:
            for cell in cells:
                found.append(_as_dict(parsed.header, cell, parsed.records))
                if len(found) >= rows:
                    break
            if len(found) >= rows:
                break
    except InputError:
        if whole or not found:
            raise  # a problem in the file itself; a cut last row of a long file is not one
    header = tuple(parsed.header)
    label = options.label_column
    if label is None and fmt != "txt":
        try:
            label = header[pick_column(list(header), None, name, candidates=LABEL_COLUMNS)]
        except InputError:
            label = None
        if label == parsed.text_column:
            label = None
    return FilePreview(name, fmt, header, parsed.text_column, label, tuple(found), encoding, whole)


def _as_dict(header: list[str], cells, records: bool) -> dict[str, str]:
    if records:  # a JSONL line as read
        import json  # noqa: PLC0415 - only for JSONL previews

        record = json.loads(cells)
        return {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in record.items()}
    return dict(zip(header, cells))

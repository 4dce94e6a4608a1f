"""Export a workspace's rows with their labels: CSV, TSV, JSONL, or Parquet (the ``parquet`` extra).

Columns: the original columns in their original order (for several files, the union of their
headers in order of first appearance), then ``label`` and ``label_source`` (named ``label_2``...
when a file has a column of that name already). A row's original cells are written exactly as
they were read. One writer per format in :data:`EXPORT_FORMATS`; the file is written atomically
(:func:`semvec_studio.core.atomic.atomic_file`), a block of rows at a time, with progress and cancel.
"""

from __future__ import annotations

import csv
import importlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from semvec_studio.core.atomic import atomic_file
from semvec_studio.core.errors import MissingExtraError, OutputError, UsageError
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.workspace.blocks import block_cells, blocks_in
from semvec_studio.core.workspace.store import Workspace

LABEL_FIELDS = ("label", "label_source")
PARQUET_ROWS = 65536

# (the row's cells by column, its label, its label's source): one row of the export
Record = tuple[dict, str | None, str | None]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    columns: tuple[str, ...]


def label_columns(columns: list[str]) -> tuple[str, str]:
    """``label`` and ``label_source``, or ``label_2`` and ``label_source_2``... when a file has a
    column of either name."""
    n = 1
    while True:
        names = tuple(name if n == 1 else f"{name}_{n}" for name in LABEL_FIELDS)
        if not set(names) & set(columns):
            return names
        n += 1


def records(ws: Workspace, conn: sqlite3.Connection, ctx: TaskContext) -> Iterator[list[Record]]:
    """Every row, a block at a time: its original cells by column, its label and label source."""
    sources = {s.id: s for s in ws.sources()}
    names = dict(conn.execute("SELECT id, name FROM labels"))
    for block in blocks_in(conn):
        ctx.check_cancelled()
        source = sources[block.source]
        cells = block_cells(conn, block, source.text_index)
        labels = {r: (names[lb], src) for r, lb, src in conn.execute(
            "SELECT row, label, source FROM row_labels WHERE row >= ? AND row < ?", (block.first_row, block.stop))}
        out = []
        for i, row_cells in enumerate(cells):
            values = row_cells if isinstance(row_cells, dict) else dict(zip(source.header, row_cells))
            label, label_source = labels.get(block.first_row + i, (None, None))
            out.append((values, label, label_source))
        yield out
        ctx.report(block.stop, ws.row_count, "exporting", unit="row")


def _text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _delimited(delimiter: str) -> Callable:
    def write(ws: Workspace, target: Path, columns: list[str], blocks: Iterator[list[Record]]) -> None:
        with atomic_file(target, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter=delimiter, lineterminator="\n")
            writer.writerow(columns)
            originals = columns[:-2]
            for block in blocks:
                writer.writerows([[_text(values.get(c)) for c in originals] + [label or "", source or ""]
                                  for values, label, source in block])

    return write


def _write_jsonl(ws: Workspace, target: Path, columns: list[str], blocks: Iterator[list[Record]]) -> None:
    label_name, source_name = columns[-2:]
    with atomic_file(target, "w", encoding="utf-8", newline="") as fh:
        for block in blocks:
            fh.writelines(json.dumps({**values, label_name: label, source_name: source}, ensure_ascii=False) + "\n"
                          for values, label, source in block)


def _write_parquet(ws: Workspace, target: Path, columns: list[str], blocks: Iterator[list[Record]]) -> None:
    import pyarrow as pa  # noqa: PLC0415 - optional (the parquet extra), checked before any writing
    import pyarrow.parquet as pq  # noqa: PLC0415

    schema = pa.schema([(c, pa.string()) for c in columns], metadata={"semvec_workspace": str(ws.path)})
    originals = columns[:-2]
    with atomic_file(target, "wb") as fh, pq.ParquetWriter(fh, schema) as writer:
        batch: list[Record] = []
        for block in blocks:
            batch += block
            if len(batch) >= PARQUET_ROWS:
                writer.write_table(_table(pa, schema, originals, batch))
                batch = []
        if batch:
            writer.write_table(_table(pa, schema, originals, batch))


def _table(pa, schema, originals: list[str], batch: list[Record]):
    cols = {c: [None if (v := values.get(c)) is None else _text(v) for values, _, _ in batch] for c in originals}
    cols[schema.names[-2]] = [label for _, label, _ in batch]
    cols[schema.names[-1]] = [source for _, _, source in batch]
    return pa.table(cols, schema=schema)


@dataclass(frozen=True)
class ExportFormat:
    name: str
    suffix: str
    write: Callable
    extra: str | None = None  # pip extra that provides ``requires``
    requires: str | None = None  # module the writer imports


EXPORT_FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("csv", ".csv", _delimited(",")),
    ExportFormat("tsv", ".tsv", _delimited("\t")),
    ExportFormat("jsonl", ".jsonl", _write_jsonl),
    ExportFormat("parquet", ".parquet", _write_parquet, extra="parquet", requires="pyarrow"),
)}


def export_format(output: str | os.PathLike, fmt: str | None) -> ExportFormat:
    """The format named ``fmt``, or the one of ``output``'s extension; checks its extra is installed."""
    if fmt is None:
        suffix = Path(output).suffix.lower()
        found = [f for f in EXPORT_FORMATS.values() if f.suffix == suffix]
        if not found:
            raise UsageError(f"{os.fspath(output)}: unknown export type '{suffix or '(none)'}'; give --format"
                             f" {'|'.join(EXPORT_FORMATS)} or a file name ending in one of"
                             f" {', '.join(f.suffix for f in EXPORT_FORMATS.values())}")
        chosen = found[0]
    elif fmt not in EXPORT_FORMATS:
        raise UsageError(f"--format {fmt}: choose one of {', '.join(EXPORT_FORMATS)}")
    else:
        chosen = EXPORT_FORMATS[fmt]
    if chosen.requires:
        try:
            importlib.import_module(chosen.requires)
        except ImportError:
            raise MissingExtraError(f"{chosen.name.capitalize()} export", chosen.requires, chosen.extra) from None
    return chosen


def export(ws: Workspace, output: str | os.PathLike, fmt: str | None = None, *, overwrite: bool = False,
           ctx: TaskContext | None = None) -> ExportResult:
    """Write every row of ``ws`` with its label to ``output`` (see the module doc). Uses its own
    connection, so it may run in a worker thread."""
    ctx = ctx or NullContext()
    chosen = export_format(output, fmt)
    target = Path(output).absolute()
    if target.exists() and not overwrite:
        raise OutputError(f"{target}: exists already; use --force to replace it, or choose another name",
                          gui=f"{target}: exists already; choose another name, or allow replacing it.")
    originals = ws.columns()
    columns = [*originals, *label_columns(originals)]
    conn = ws.connect()
    try:
        chosen.write(ws, target, columns, records(ws, conn, ctx))
    except sqlite3.DatabaseError as err:
        raise ws.translate(err) from err
    finally:
        conn.close()
    return ExportResult(target, ws.row_count, tuple(columns))

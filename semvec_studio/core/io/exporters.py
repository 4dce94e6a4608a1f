"""Registry of export formats for an :class:`EmbeddingSet`.

Each format is one writer function ``write(embset, folder, ctx)`` plus one :func:`register` call.
:func:`save` writes the base ``npy`` form and any extra formats into a fresh folder atomically;
:func:`write_formats` adds formats to a folder that already exists (the CLI's temporary folder).
Every writer works in blocks of :data:`BLOCK_ROWS` rows, so a memory-mapped set is never loaded
whole, and calls ``ctx.report``/``ctx.check_cancelled`` between blocks.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from semvec_studio.core.atomic import atomic_dir
from semvec_studio.core.errors import MissingExtraError, OutputError, UsageError
from semvec_studio.core.io.metadata import write_metadata_tsv
from semvec_studio.core.io.vectors import MANIFEST_FILE, METADATA_FILE, VECTORS_FILE, EmbeddingSet
from semvec_studio.core.jsonio import to_json, write_json
from semvec_studio.core.tasks import TaskContext

__all__ = ["BLOCK_ROWS", "EXPORTERS", "Exporter", "register", "save", "write_formats"]

BLOCK_ROWS = 4096
FLOAT_FMT = "%.9g"  # enough digits for any float32 to read back exactly
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection
MANIFEST_KEY = "semvec_manifest"

Writer = Callable[[EmbeddingSet, Path, "TaskContext | None"], None]


@dataclass(frozen=True)
class Exporter:
    name: str
    description: str
    files: tuple[str, ...]
    write: Writer
    extra: str | None = None  # pip extra that provides ``requires``
    requires: str | None = None  # module the writer imports


EXPORTERS: dict[str, Exporter] = {}


def register(name: str, description: str, files: Sequence[str], write: Writer, *,
             extra: str | None = None, requires: str | None = None) -> Exporter:
    """Add a format to :data:`EXPORTERS`; its file names must not clash with another format's."""
    taken = {f: e.name for e in EXPORTERS.values() for f in e.files if e.name != name}
    clash = [f for f in files if f in taken]
    if clash:
        raise ValueError(f"export format {name!r}: file {clash[0]!r} is already written by {taken[clash[0]]!r}")
    EXPORTERS[name] = Exporter(name, description, tuple(files), write, extra, requires)
    return EXPORTERS[name]


# --- public entry points ----------------------------------------------------------------------

def save(embset: EmbeddingSet, outdir: str | os.PathLike, formats: Sequence[str] = ("npy",), *,
         overwrite: bool = False, ctx: TaskContext | None = None) -> Path:
    """Write ``embset`` to the folder ``outdir`` atomically: always ``npy``, plus ``formats``."""
    names = _resolve(["npy", *_as_list(formats)])
    with atomic_dir(outdir, overwrite=overwrite) as tmp:
        _write_all(embset, tmp, names, names, ctx)
    return Path(outdir).absolute()


def write_formats(embset: EmbeddingSet, folder: str | os.PathLike, formats: Sequence[str],
                  ctx: TaskContext | None = None) -> None:
    """Write the listed formats into the existing ``folder`` (nothing else).

    With ``npy`` listed, a ``vectors.npy`` that ``embset`` is memory-mapped from is kept as is, and
    the manifest's ``formats`` joins those of the folder's old manifest.json with ``formats``.
    """
    names = _resolve(_as_list(formats))
    folder = Path(folder)
    if not folder.is_dir():
        raise OutputError(f"{folder}: folder does not exist; create it first or choose another output path.")
    try:
        before = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8")).get("formats", [])
    except (OSError, ValueError, AttributeError):
        before = []
    _write_all(embset, folder, names, list(dict.fromkeys([*before, *names])), ctx)


def check_formats(formats: Sequence[str]) -> list[str]:
    """Validate format names and their optional packages without writing anything."""
    return _resolve(_as_list(formats))


def _as_list(formats: Sequence[str] | str) -> list[str]:
    return [formats] if isinstance(formats, str) else list(formats)


def _resolve(formats: list[str]) -> list[str]:
    """Validate names (all unknown ones in one message) and extras, before anything is written."""
    names = list(dict.fromkeys(str(f).strip().lower() for f in formats))
    unknown = [n for n in names if n not in EXPORTERS]
    if unknown:
        raise UsageError(f"unknown export format {', '.join(map(repr, unknown))}; "
                         f"known formats: {', '.join(sorted(EXPORTERS))}.")
    for n in names:
        exp = EXPORTERS[n]
        if exp.requires:
            try:
                importlib.import_module(exp.requires)
            except ImportError:
                raise MissingExtraError(f"{n.capitalize()} export", exp.requires, exp.extra or n) from None
    return names


def _write_all(embset: EmbeddingSet, folder: Path, names: list[str], listed: list[str],
               ctx: TaskContext | None) -> None:
    manifest = dict(embset.manifest, rows=len(embset), dim=embset.dim, level=embset.level, formats=listed)
    prepared = replace(embset, manifest=manifest)
    for n in names:
        EXPORTERS[n].write(prepared, folder, ctx)


# --- shared helpers ---------------------------------------------------------------------------

def _blocks(n: int, ctx: TaskContext | None, msg: str, block: int | None = None) -> Iterator[tuple[int, int]]:
    step = max(1, block or BLOCK_ROWS)
    for start in range(0, n, step):
        if ctx is not None:
            ctx.check_cancelled()
        stop = min(n, start + step)
        yield start, stop
        if ctx is not None:
            ctx.report(stop, n, msg)


def _float_lines(block: np.ndarray, sep: str) -> list[str]:
    """One text line (without newline) per row of a float block."""
    fmt = sep.join([FLOAT_FMT] * block.shape[1])
    return [fmt % tuple(row) for row in np.asarray(block, dtype=np.float32).tolist()]


def _is_numeric(col) -> bool:
    return isinstance(col, np.ndarray) and col.dtype.kind in "iufb"


def _cells(col, start: int, stop: int) -> list[str]:
    part = col[start:stop]
    if _is_numeric(col) and col.dtype.kind == "f":
        return [FLOAT_FMT % v for v in part.tolist()]
    if _is_numeric(col):
        return [str(v) for v in part.tolist()]
    return [str(v) for v in part]


# --- npy: the base form EmbeddingSet.load reads ------------------------------------------------

def _write_npy(embset: EmbeddingSet, folder: Path, ctx: TaskContext | None) -> None:
    _write_vectors_npy(embset, folder / VECTORS_FILE, ctx)
    with open(folder / METADATA_FILE, "w", encoding="utf-8", newline="\n") as fh:
        write_metadata_tsv(fh, embset.metadata, 0, 0, header=True)
        for start, stop in _blocks(len(embset), ctx, f"writing {METADATA_FILE}"):
            write_metadata_tsv(fh, embset.metadata, start, stop, header=False)
    write_json(folder / MANIFEST_FILE, embset.manifest)


def _write_vectors_npy(embset: EmbeddingSet, path: Path, ctx: TaskContext | None) -> None:
    src = embset.vectors
    mapped = getattr(src, "filename", None)
    if mapped and path.exists() and os.path.samefile(mapped, path):
        if np.load(path, mmap_mode="r").shape != src.shape:
            raise OutputError(f"{path}: the vectors are read from this file; write to another folder.")
        return  # already in place (the CLI streamed it here)
    if src.size == 0:
        np.save(path, np.asarray(src, dtype=np.float32))
        return
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=src.shape)
    try:
        for start, stop in _blocks(len(src), ctx, f"writing {VECTORS_FILE}"):
            out[start:stop] = src[start:stop]
        out.flush()
    finally:
        del out


# --- csv --------------------------------------------------------------------------------------

def _safe_cell(value: str) -> str:
    """Stop a spreadsheet from reading a text cell as a formula."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _write_csv(embset: EmbeddingSet, folder: Path, ctx: TaskContext | None) -> None:
    names = embset.columns
    with open(folder / "vectors.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow([_safe_cell(n) for n in names] + [f"d{j}" for j in range(embset.dim)])
        buf = io.StringIO()
        meta_writer = csv.writer(buf)  # quotes text cells (CR/LF too); floats never need quoting
        for start, stop in _blocks(len(embset), ctx, "writing vectors.csv"):
            cols = []
            for n in names:
                cells = _cells(embset.metadata[n], start, stop)
                cols.append(cells if _is_numeric(embset.metadata[n]) else [_safe_cell(c) for c in cells])
            floats = _float_lines(embset.vectors[start:stop], ",")
            metas = [_csv_line(buf, meta_writer, row) for row in zip(*cols)] if cols else [""] * len(floats)
            fh.writelines(",".join(filter(None, (m, f))) + "\r\n" for m, f in zip(metas, floats))


def _csv_line(buf: io.StringIO, writer, row) -> str:
    buf.seek(0)
    buf.truncate()
    writer.writerow(row)
    return buf.getvalue()[:-2]  # without the writer's "\r\n"


# --- TensorFlow Embedding Projector -----------------------------------------------------------

def _projector_cell(value: str) -> str:
    return re.sub(r"[\t\r\n]", " ", value)


def _pbtxt_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


PROJECTOR_METADATA = "projector_metadata.tsv"


def _projector_meta(metadata: dict, n: int) -> dict:
    return metadata if metadata else {"row": np.arange(n, dtype=np.int64)}


def _projector_header(mf, meta: dict) -> None:
    if len(meta) > 1:  # the Projector reads a header only when there is more than one column
        mf.write("\t".join(_projector_cell(c) for c in meta) + "\n")


def _projector_lines(mf, meta: dict, start: int, stop: int) -> None:
    cols = [[_projector_cell(c) for c in _cells(col, start, stop)] for col in meta.values()]
    # the Projector skips blank lines, which would shift every label after them
    mf.writelines(("\t".join(cells) if "".join(cells).strip() else "(empty)") + "\n" for cells in zip(*cols))


def write_projector_metadata(metadata: dict, n: int, fh, ctx: TaskContext | None = None) -> None:
    """Write the Projector's metadata file (one line per vector) for ``n`` rows to an open file;
    ``semvec project`` uses it to add the map's ``x``/``y`` columns to an existing export."""
    meta = _projector_meta(metadata, n)
    _projector_header(fh, meta)
    for start, stop in _blocks(n, ctx, f"writing {PROJECTOR_METADATA}"):
        _projector_lines(fh, meta, start, stop)


def _write_projector(embset: EmbeddingSet, folder: Path, ctx: TaskContext | None) -> None:
    n = len(embset)
    meta = _projector_meta(embset.metadata, n)
    with open(folder / "vectors.tsv", "w", encoding="utf-8", newline="\n") as vf, \
            open(folder / PROJECTOR_METADATA, "w", encoding="utf-8", newline="\n") as mf:
        _projector_header(mf, meta)
        for start, stop in _blocks(n, ctx, "writing projector files"):
            vf.writelines(line + "\n" for line in _float_lines(embset.vectors[start:stop], "\t"))
            _projector_lines(mf, meta, start, stop)
    name = next((v for v in (embset.manifest.get(k) for k in ("model_name", "model")) if isinstance(v, str) and v), "semvec")
    (folder / "projector_config.pbtxt").write_text(
        "embeddings {\n"
        f"  tensor_name: {_pbtxt_str(f'{name} ({embset.level})')}\n"
        f"  tensor_shape: {n}\n  tensor_shape: {embset.dim}\n"
        '  tensor_path: "vectors.tsv"\n  metadata_path: "projector_metadata.tsv"\n}\n', encoding="utf-8")


# --- word2vec text format ---------------------------------------------------------------------

def _w2v_keys(embset: EmbeddingSet) -> list[str]:
    if embset.level == "sentence":
        if "text_id" not in embset.metadata:
            raise UsageError("word2vec export of sentence vectors needs a 'text_id' column.")
        return [f"text_{v}" for v in _cells(embset.metadata["text_id"], 0, len(embset))]
    column = embset.level  # "token" or "word"
    if column not in embset.metadata:
        raise UsageError(f"word2vec export of {column} vectors needs a '{column}' column.")
    return [re.sub(r"\s+", "_", s) for s in _cells(embset.metadata[column], 0, len(embset))]


def _write_word2vec(embset: EmbeddingSet, folder: Path, ctx: TaskContext | None) -> None:
    """One line per distinct key; a key seen several times gets the mean of its vectors."""
    index: dict[str, int] = {}
    rows = np.array([index.setdefault(k, len(index)) if k else -1 for k in _w2v_keys(embset)], dtype=np.int64)
    keys, kept = list(index), np.flatnonzero(rows >= 0)
    if len(keys) == len(kept):  # every key once (sentences): stream the rows, no sums to hold
        _write_w2v_lines(folder, keys, embset.dim, ctx, lambda a, b: embset.vectors[kept[a:b]])
        return
    sums = np.zeros((len(index), embset.dim), dtype=np.float64)
    counts = np.bincount(rows[kept], minlength=len(index)).astype(np.float64)
    for start, stop in _blocks(len(embset), ctx, "averaging word2vec vectors"):
        keep = rows[start:stop] >= 0
        np.add.at(sums, rows[start:stop][keep], np.asarray(embset.vectors[start:stop], dtype=np.float64)[keep])
    _write_w2v_lines(folder, keys, embset.dim, ctx, lambda a, b: sums[a:b] / counts[a:b, None])


def _write_w2v_lines(folder: Path, keys: list[str], dim: int, ctx: TaskContext | None, vectors_of) -> None:
    with open(folder / "vectors.w2v.txt", "w", encoding="utf-8", newline="\n") as fh:
        fh.write(f"{len(keys)} {dim}\n")
        for start, stop in _blocks(len(keys), ctx, "writing vectors.w2v.txt"):
            block = np.asarray(vectors_of(start, stop)).astype(np.float32)
            fh.writelines(f"{k} {line}\n" for k, line in zip(keys[start:stop], _float_lines(block, " ")))


# --- parquet (optional: pyarrow) --------------------------------------------------------------

def _write_parquet(embset: EmbeddingSet, folder: Path, ctx: TaskContext | None) -> None:
    import pyarrow as pa  # noqa: PLC0415 - optional (the parquet extra), checked before any writing
    import pyarrow.parquet as pq  # noqa: PLC0415

    dim, meta = embset.dim, embset.metadata
    types = {n: pa.from_numpy_dtype(c.dtype) if _is_numeric(c) else pa.string() for n, c in meta.items()}
    fields = [pa.field(n, t) for n, t in types.items()] + [pa.field("vector", pa.list_(pa.float32(), dim))]
    schema = pa.schema(fields, metadata={MANIFEST_KEY: to_json(embset.manifest)})
    with pq.ParquetWriter(folder / "vectors.parquet", schema) as writer:
        for start, stop in _blocks(len(embset), ctx, "writing vectors.parquet"):
            arrays = [pa.array(meta[n][start:stop] if _is_numeric(meta[n]) else _cells(meta[n], start, stop), t)
                      for n, t in types.items()]
            flat = pa.array(np.ascontiguousarray(embset.vectors[start:stop], dtype=np.float32).reshape(-1))
            arrays.append(pa.FixedSizeListArray.from_arrays(flat, dim))
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))


register("npy", "vectors.npy + metadata.tsv + manifest.json (reloadable by SemVec Studio)",
         (VECTORS_FILE, METADATA_FILE, MANIFEST_FILE), _write_npy)
register("csv", "one CSV table: metadata columns then d0..dN (spreadsheet-safe)", ("vectors.csv",), _write_csv)
register("projector", "TensorFlow Embedding Projector: vectors.tsv, metadata and config",
         ("vectors.tsv", PROJECTOR_METADATA, "projector_config.pbtxt"), _write_projector)
register("word2vec", "word2vec text format (gensim KeyedVectors), one line per distinct key",
         ("vectors.w2v.txt",), _write_word2vec)
register("parquet", "Parquet table: metadata columns + fixed-size vector column, manifest in schema",
         ("vectors.parquet",), _write_parquet, extra="parquet", requires="pyarrow")

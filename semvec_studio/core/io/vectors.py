"""EmbeddingSet: a float32 matrix, one metadata record per row, and the manifest that says how
the vectors were made.

The on-disk form (what ``semvec extract`` writes and :func:`EmbeddingSet.load` reads) is a folder
with ``vectors.npy``, ``metadata.tsv`` (header row, tab-separated, ``\\t``/``\\n``/``\\\\``
escaped in text cells) and ``manifest.json``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from semvec_studio.core.errors import InputError

LEVELS = ("token", "word", "sentence")

# Metadata columns per level, in file order. ``int`` columns hold int64 arrays, ``str`` lists.
COLUMNS: dict[str, dict[str, type]] = {
    "token": {"text_id": int, "position": int, "token": str, "token_id": int, "word_index": int, "start": int, "end": int},
    "word": {"text_id": int, "position": int, "word": str, "start": int, "end": int, "pieces": str},
    "sentence": {"text_id": int, "text": str},
}

VECTORS_FILE = "vectors.npy"
METADATA_FILE = "metadata.tsv"
MANIFEST_FILE = "manifest.json"
SENTENCE_TEXT_CHARS = 200


def escape_cell(value: str) -> str:
    """Make a string safe for one TSV cell: backslash, tab, CR and LF become escapes."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def unescape_cell(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def label_of(metadata: dict, level: str, i: int) -> str:
    """The human-readable string of row ``i``: the token, the word or the text."""
    key = {"token": "token", "word": "word", "sentence": "text"}[level]
    return metadata[key][i]


@dataclass
class EmbeddingSet:
    """Vectors (float32, N x D) with per-row metadata columns and a provenance manifest."""

    vectors: np.ndarray
    metadata: dict[str, Sequence]
    manifest: dict = field(default_factory=dict)
    level: str = "sentence"

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")
        if self.vectors.ndim != 2:
            raise ValueError("vectors must be a 2-D array")
        if self.vectors.dtype != np.float32:
            self.vectors = np.asarray(self.vectors, dtype=np.float32)
        for name, col in self.metadata.items():
            if len(col) != len(self.vectors):
                raise ValueError(f"metadata column {name!r} has {len(col)} rows, vectors have {len(self.vectors)}")

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    @property
    def columns(self) -> list[str]:
        return list(self.metadata)

    def labels(self) -> list[str]:
        """One display string per row (token, word or text)."""
        key = {"token": "token", "word": "word", "sentence": "text"}[self.level]
        return list(self.metadata[key])

    def row(self, i: int) -> dict:
        return {name: _py(col[i]) for name, col in self.metadata.items()}

    def iter_rows(self) -> Iterable[dict]:
        for i in range(len(self)):
            yield self.row(i)

    def subset(self, rows: Sequence[int] | np.ndarray) -> EmbeddingSet:
        idx = np.asarray(rows, dtype=np.int64)
        meta = {k: (v[idx] if isinstance(v, np.ndarray) else [v[i] for i in idx]) for k, v in self.metadata.items()}
        manifest = dict(self.manifest, rows=int(len(idx)), subset_of=self.manifest.get("rows"))
        return EmbeddingSet(np.ascontiguousarray(self.vectors[idx]), meta, manifest, self.level)

    # --- on-disk form -------------------------------------------------------------------------

    def save(self, outdir: str | os.PathLike, formats: Sequence[str] = ("npy",), *, overwrite: bool = False, ctx=None) -> Path:
        """Write this set to ``outdir`` atomically in the given registered formats."""
        from semvec_studio.core.io import exporters

        return exporters.save(self, outdir, formats, overwrite=overwrite, ctx=ctx)

    @classmethod
    def load(cls, folder: str | os.PathLike, *, mmap: bool = True) -> EmbeddingSet:
        folder = Path(folder)
        for name in (VECTORS_FILE, METADATA_FILE, MANIFEST_FILE):
            if not (folder / name).is_file():
                raise InputError(f"{folder}: no {name}; choose a folder written by 'semvec extract'.")
        try:
            manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{folder / MANIFEST_FILE}: not valid JSON ({exc}).") from exc
        if not isinstance(manifest, dict):
            raise InputError(f"{folder / MANIFEST_FILE}: expected a JSON object; the folder is damaged.")
        level = manifest.get("level", "sentence")
        try:
            vectors = np.load(folder / VECTORS_FILE, mmap_mode="r" if mmap else None, allow_pickle=False)
            metadata = read_metadata_tsv(folder / METADATA_FILE, level)
            return cls(vectors, metadata, manifest, level)
        except InputError:
            raise
        except (ValueError, OSError, EOFError) as exc:
            # a truncated or foreign vectors.npy, row counts that differ, a cell that is not a number...
            raise InputError(
                f"{folder}: the folder is damaged ({_first_line(exc)}); extract or export the vectors again."
            ) from exc


def _py(value):
    return value.item() if isinstance(value, np.generic) else value


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def write_metadata_tsv(fh, metadata: dict[str, Sequence], start: int = 0, stop: int | None = None, header: bool = True) -> None:
    """Write rows ``start:stop`` of ``metadata`` to an open text file as TSV."""
    names = list(metadata)
    if header and names:  # no columns: an empty file, not a blank header line
        fh.write("\t".join(names) + "\n")
    n = len(next(iter(metadata.values()))) if metadata else 0
    stop = n if stop is None else stop
    cols = []
    for name in names:
        col = metadata[name]
        if isinstance(col, np.ndarray) and col.dtype.kind in "iu":
            cols.append([str(v) for v in col[start:stop].tolist()])
        else:
            cols.append([escape_cell(str(v)) for v in col[start:stop]])
    fh.writelines("\t".join(cells) + "\n" for cells in zip(*cols))


def read_metadata_tsv(path: Path, level: str | None) -> dict[str, Sequence]:
    """Read a metadata.tsv: the level's int columns as int64; other columns not in
    :data:`COLUMNS` as int64 or float64 when every cell is a number, else as strings."""
    types = COLUMNS.get(level, {})
    with open(path, encoding="utf-8", newline="\n") as fh:
        first = fh.readline().rstrip("\n")
        if not first:  # a set without metadata columns (older versions wrote one blank line)
            if any(line.strip("\n") for line in fh):
                raise InputError(f"{path}, line 1: no header row; the file is damaged.")
            return {}
        header = first.split("\t")
        cols: list[list] = [[] for _ in header]
        for lineno, line in enumerate(fh, start=2):
            cells = line.rstrip("\n").split("\t")
            if len(cells) != len(header):
                raise InputError(f"{path}, line {lineno}: {len(cells)} cells, the header has {len(header)}; the file is damaged.")
            for col, cell in zip(cols, cells):
                col.append(cell)
    out: dict[str, Sequence] = {}
    for name, col in zip(header, cols):
        kind = types.get(name)
        if kind is int:
            try:
                out[name] = np.asarray([int(v) for v in col], dtype=np.int64)
            except (ValueError, OverflowError):
                raise InputError(f"{path}: column '{name}' should hold whole numbers; the file is damaged.") from None
        elif kind is None and col:
            out[name] = _numeric(col)
        else:
            out[name] = [unescape_cell(v) for v in col]
    return out


_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|nan|inf|infinity)", re.IGNORECASE)


def _numeric(cells: list[str]) -> Sequence:
    """A column not in :data:`COLUMNS`: int64 if every cell is an integer, float64 if every cell
    is a number (as written by ``str()`` of ints and floats), else the unescaped strings."""
    if all(_INT.fullmatch(c) for c in cells):
        try:
            return np.asarray([int(c) for c in cells], dtype=np.int64)
        except OverflowError:
            pass
    if all(_FLOAT.fullmatch(c) for c in cells):
        return np.asarray([float(c) for c in cells], dtype=np.float64)
    return [unescape_cell(c) for c in cells]

"""Two extraction folders of the same rows compared: the check that they hold the same rows, the
per-row k-NN overlap and linear CKA (:func:`compare_folders`), and the overlap table.

Two folders hold the same rows when they have the same level, the same number of rows and, row by
row, the same identifying metadata: the text for sentences, the text number and word for words,
the text number and piece for tokens. The vectors may differ in everything else (model, layer,
pooling, width). The table (:func:`write_overlap_table`) is TSV: ``row``, ``overlap``, then A's
metadata columns, one line per row, written atomically.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from semvec_studio.core.atomic import atomic_file
from semvec_studio.core.compare.cka import linear_cka
from semvec_studio.core.compare.overlap import NeighbourOverlap, knn_overlap
from semvec_studio.core.errors import UsageError
from semvec_studio.core.io.metadata import escape_cell
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.tasks import NullContext, TaskContext

__all__ = ["IDENTITY", "FolderComparison", "check_same_rows", "compare_folders", "compare_sets", "write_overlap_table"]

# the metadata columns that say which row is which, per level
IDENTITY = {"sentence": ("text",), "word": ("text_id", "word"), "token": ("text_id", "token")}
TABLE_BLOCK = 8192


@dataclass(frozen=True)
class FolderComparison:
    a: EmbeddingSet
    b: EmbeddingSet
    overlap: NeighbourOverlap
    cka: float

    def summary(self) -> dict:
        """``{"rows", "k", "mean_overlap", "cka"}`` (the CLI's ``--json``)."""
        return {"rows": len(self.a), "k": self.overlap.k, "mean_overlap": self.overlap.mean,
                "cka": None if np.isnan(self.cka) else self.cka}


def check_same_rows(a: EmbeddingSet, b: EmbeddingSet, names: tuple[str, str] = ("A", "B")) -> None:
    """A one-line :class:`UsageError` naming what differs unless ``a`` and ``b`` hold the same rows."""
    na, nb = names
    if a.level != b.level:
        raise UsageError(f"{na} holds {a.level} rows and {nb} {b.level} rows; compare vectors of the same level.")
    if len(a) != len(b):
        raise UsageError(f"{na} has {len(a):,} rows and {nb} {len(b):,}; compare vectors of the same texts.")
    for column in IDENTITY[a.level]:
        if column not in a.metadata or column not in b.metadata:
            where = na if column not in a.metadata else nb
            raise UsageError(f"{where} has no '{column}' column, so its rows cannot be matched; extract it again with 'semvec extract'.")
        col_a, col_b = np.asarray(a.metadata[column], dtype=object), np.asarray(b.metadata[column], dtype=object)
        differ = np.flatnonzero(col_a != col_b)
        if len(differ):
            r = int(differ[0])
            raise UsageError(f"{na} and {nb} hold different rows: row {r} has {column} {_shown(col_a[r])} in {na} and "
                             f"{_shown(col_b[r])} in {nb} ({len(differ):,} rows differ); compare vectors of the "
                             f"same texts{' with the same tokenizer' if column == 'token' else ''}.")


def _shown(value) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:39] + "…")


def compare_sets(a: EmbeddingSet, b: EmbeddingSet, k: int = 10, metric: str = "cosine", *,
                 ctx: TaskContext | None = None, names: tuple[str, str] = ("A", "B")) -> FolderComparison:
    """Check that ``a`` and ``b`` hold the same rows, then their k-NN overlap and linear CKA."""
    ctx = ctx or NullContext()
    check_same_rows(a, b, names)
    overlap = knn_overlap(a.vectors, b.vectors, k, metric, ctx=ctx)
    ctx.check_cancelled()
    return FolderComparison(a, b, overlap, linear_cka(a.vectors, b.vectors, ctx=ctx))


def compare_folders(a_dir: str | os.PathLike, b_dir: str | os.PathLike, k: int = 10, metric: str = "cosine", *,
                    ctx: TaskContext | None = None) -> FolderComparison:
    """:func:`compare_sets` of two extraction folders (memory-mapped), named by their paths in errors."""
    a, b = EmbeddingSet.load(a_dir), EmbeddingSet.load(b_dir)
    return compare_sets(a, b, k, metric, ctx=ctx, names=(os.fspath(a_dir), os.fspath(b_dir)))


def write_overlap_table(path: str | os.PathLike, comparison: FolderComparison, ctx: TaskContext | None = None) -> None:
    """The per-row overlap as TSV (``row``, ``overlap``, A's metadata columns), atomically."""
    ctx = ctx or NullContext()
    meta = comparison.a.metadata
    names = list(meta)
    overlap = comparison.overlap.overlap
    with atomic_file(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\t".join(["row", "overlap", *names]) + "\n")
        for start in range(0, len(overlap), TABLE_BLOCK):
            ctx.check_cancelled()
            stop = min(len(overlap), start + TABLE_BLOCK)
            cols = [[escape_cell(str(v)) for v in (meta[n][start:stop].tolist() if isinstance(meta[n], np.ndarray)
                                                   else meta[n][start:stop])] for n in names]
            fh.writelines("\t".join([str(r), f"{overlap[r]:.4f}", *cells]) + "\n"
                          for r, cells in zip(range(start, stop), zip(*cols) if cols else ([] for _ in range(start, stop))))

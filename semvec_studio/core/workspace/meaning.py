"""Search a workspace by meaning: the rows whose sentence vectors are nearest (cosine) a query's.

The query is embedded with the model; the rows' vectors come from the data folder
(:mod:`semvec_studio.core.workspace.derived`), computed there first when missing.

The cached vectors are memory-mapped and read a block at a time; only the best ``top`` candidates
of each block are kept. The options are the workspace's saved extraction settings (``extract``)
unless given. Runs on its own connection, so a GUI may run it in a worker thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import LoadedModel, load_model
from semvec_studio.core.rows import BLOCK_ROWS
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.workspace.blocks import blocks_in
from semvec_studio.core.workspace.derived import CachedVectors, sentence_vectors
from semvec_studio.core.workspace.store import Workspace

EXTRACT_SETTING = "extract"


@dataclass(frozen=True)
class Hit:
    """A row found: its rank (1 = best), row number, cosine score (None: found by words or a
    pattern), text, label, and the file and line it came from."""

    rank: int
    row: int
    score: float | None
    text: str
    label: str | None
    source: str
    line: int

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def workspace_options(ws: Workspace) -> ExtractOptions:
    """The workspace's saved extraction options (setting ``extract``), for sentence vectors."""
    saved = ws.setting(EXTRACT_SETTING) or {}
    known = {f.name for f in fields(ExtractOptions)} - {"levels"}
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in saved.items() if k in known}
    return ExtractOptions(levels=("sentence",), **values)


def best_rows(cached: CachedVectors, query: np.ndarray, top: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions in ``cached``, cosines) of the ``top`` vectors nearest ``query``, best first."""
    q = np.asarray(query, np.float32) / max(float(np.linalg.norm(query)), 1e-12)
    keep_pos, keep_score = np.zeros(0, np.int64), np.zeros(0, np.float32)
    for start in range(0, len(cached), BLOCK_ROWS):
        block = np.asarray(cached.vectors[start:start + BLOCK_ROWS], np.float32)
        norms = np.linalg.norm(block, axis=1)
        scores = (block @ q) / np.maximum(norms, 1e-12)
        if len(scores) > top:
            part = np.argpartition(-scores, top - 1)[:top]
        else:
            part = np.arange(len(scores))
        keep_pos = np.concatenate([keep_pos, part + start])
        keep_score = np.concatenate([keep_score, scores[part]])
    order = np.lexsort((keep_pos, -keep_score))[:top]
    return keep_pos[order], keep_score[order]


def _query_vector(lm: LoadedModel, query: str, options: ExtractOptions) -> np.ndarray:
    return extract(lm, [query], replace(options, levels=("sentence",)))["sentence"].vectors[0]


def _checked_query(query: str) -> str:
    query = (query or "").strip()
    if not query:
        raise UsageError("search: give a query with some words")
    return query


def search_meaning(ws: Workspace, query: str, *, model: str | os.PathLike | LoadedModel = "default", options: ExtractOptions | None = None,
                   top: int = 10, device: str = "auto", dtype: str = "float32", allow_pickle: bool = False,
                   ctx: TaskContext | None = None) -> list[Hit]:
    """The ``top`` rows nearest ``query`` in meaning, best first."""
    ctx = ctx or NullContext()
    query = _checked_query(query)
    if top < 1:
        raise UsageError(f"--top {top}: must be at least 1")
    options = workspace_options(ws) if options is None else options
    lm = model if isinstance(model, LoadedModel) else load_model(model, device=device, dtype=dtype, allow_pickle=allow_pickle, ctx=ctx)
    cached = sentence_vectors(ws, lm, options, ctx)
    positions, scores = best_rows(cached, _query_vector(lm, query, options), top)
    rows = np.asarray(cached.rows[positions], dtype=np.int64)
    return _describe(ws, rows, scores)


@dataclass(frozen=True)
class Ranking:
    """Every row with a sentence vector, nearest ``query`` first: ``rows`` and their cosine ``scores``."""

    query: str
    rows: np.ndarray
    scores: np.ndarray
    model: str

    def __len__(self) -> int:
        return len(self.rows)


def rank_by_meaning(ws: Workspace, lm: LoadedModel, query: str, options: ExtractOptions | None = None,
                    ctx: TaskContext | None = None) -> Ranking:
    """All rows ranked by the cosine of their sentence vectors to ``query``'s (for a table that
    shows them best first, with their scores); vectors missing from the data folder are computed
    and kept there first. Rows without text have no vector and are left out."""
    ctx = ctx or NullContext()
    query = _checked_query(query)
    options = workspace_options(ws) if options is None else options
    cached = sentence_vectors(ws, lm, options, ctx)
    ctx.check_cancelled()
    positions, scores = best_rows(cached, _query_vector(lm, query, options), max(len(cached), 1))
    rows = np.asarray(cached.rows[positions], dtype=np.int64)
    return Ranking(query, rows, np.asarray(scores, dtype=np.float32), lm.info.name)


def _describe(ws: Workspace, rows: np.ndarray, scores: np.ndarray) -> list[Hit]:
    conn = ws.connect()
    try:
        names = dict(conn.execute("SELECT id, name FROM labels"))
        sources = {s.id: s.name for s in ws.sources()}
        hits = []
        for rank, (row, score) in enumerate(zip(rows.tolist(), scores.tolist()), start=1):
            (block,) = blocks_in(conn, row, row + 1)
            label = conn.execute("SELECT label FROM row_labels WHERE row = ?", (row,)).fetchone()
            i = row - block.first_row
            hits.append(Hit(rank, row, round(float(score), 6), block.texts[i], names[label[0]] if label else None,
                            sources[block.source], int(block.lines[i])))
        return hits
    finally:
        conn.close()

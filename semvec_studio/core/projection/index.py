"""An approximate nearest-neighbour index for large sets: faiss IVF-Flat, built, measured, searched.

Exact search (:mod:`~semvec_studio.core.projection.exact`) reads every row for every query, which
on a million rows is far too slow for a click. From :data:`ANN_MIN_ROWS` rows,
:func:`~semvec_studio.core.projection.neighbours.neighbours` can use this index instead: faiss's
inverted file of exact vectors (``IVF{nlist},Flat``: the rows split into about 2 sqrt(N) k-means
cells; a query scans the ``nprobe`` nearest cells). faiss-cpu was chosen after measuring it
against usearch and hnswlib (and faiss's own HNSW) on this project's dev machine: the HNSW graphs
reach the same recall with similar query times but take many times longer to build on two cores
(the figures and the command are in the README). faiss is the optional ``ann`` extra
(:data:`REQUIREMENT`).

:func:`build_index` is a task function (progress per block of rows, cancel between blocks). It
measures the index on the set itself: a seeded sample of rows queried both exactly and through the
index, and ``nprobe`` is the smallest that reaches :data:`TARGET_RECALL` at k = 10 (the recall
reached is in the manifest). Saving, loading and finding an index beside its vectors is
:mod:`~semvec_studio.core.projection.index_files`. No Qt here.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.projection.base import Requirement, version_of
from semvec_studio.core.projection.exact import check_metric, exact_neighbours
from semvec_studio.core.projection.threads import blas_thread_count
from semvec_studio.core.provenance import now_iso
from semvec_studio.core.rows import l2_normalize, row_blocks, sample_positions
from semvec_studio.core.tasks import NullContext, TaskContext

__all__ = ["ANN_MIN_ROWS", "REQUIREMENT", "TARGET_RECALL", "AnnIndex", "IndexParams", "build_index", "fingerprint",
           "import_faiss"]

ANN_MIN_ROWS = 1_000_000  # neighbours() uses an index (when the set has one) from this many rows; exact below
TARGET_RECALL = 0.97  # recall@10 that build_index tunes nprobe for, on a sample of the set (the goal is >= 0.95)
RECALL_K = 10
NPROBES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
TRAIN_PER_CELL = 64  # k-means training rows per cell (faiss wants at least 39)
ADD_BLOCK = 65536
FINGERPRINT_ROWS = 64
REQUIREMENT = Requirement(module="faiss", feature="an approximate nearest-neighbour index (semvec index)",
                          package="faiss-cpu", extra="ann")


def import_faiss():
    """The faiss module; :class:`~semvec_studio.core.errors.MissingExtraError` (what to install)
    when faiss-cpu is not installed."""
    REQUIREMENT.check()
    import faiss  # noqa: PLC0415 - optional (the ann extra), and a large library that most runs never need

    return faiss


@dataclass(frozen=True)
class IndexParams:
    metric: str = "cosine"  # "cosine" (inner product of unit rows) or "euclidean"
    cells: int | None = None  # k-means cells (faiss nlist); None: about 2 sqrt(rows) (2,000 for 1,000,000)
    seed: int = 0  # k-means start, training and calibration samples
    target_recall: float = TARGET_RECALL
    calibration_queries: int = 200  # rows of the set queried exactly and through the index


@dataclass
class AnnIndex:
    """A built or loaded index: the faiss index, the set row of each of its entries (``rows``) and
    its manifest (metric, cells, nprobe, measured recall, the fingerprint of its vectors)."""

    index: object
    rows: np.ndarray  # int64 [n]: entry i of the index is row rows[i] of the set
    manifest: dict

    @property
    def metric(self) -> str:
        return self.manifest["metric"]

    def __len__(self) -> int:
        return int(len(self.rows))

    @property
    def description(self) -> str:
        """A few words for a label: ``"approximate (faiss IVF1000,Flat, recall@10 0.981)"``."""
        r = self.manifest.get("recall_at_10", {}).get("value")
        return f"approximate (faiss {self.manifest.get('index', '')}" + (f", recall@10 {r:.3f})" if r is not None else ")")

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(set rows [q, k] int64, scores [q, k] float32)`` of the ``k`` best entries per query
        (larger score is nearer); row -1 where the probed cells held fewer than ``k`` entries."""
        q = np.array(queries, dtype=np.float32, copy=True).reshape(-1, int(self.manifest["dim"]))
        if self.metric == "cosine":
            l2_normalize(q)
        if len(q) > 1:  # faiss splits the queries between its threads; one query runs on one
            import_faiss().omp_set_num_threads(blas_thread_count())
        self.index.nprobe = int(self.manifest["nprobe"])
        dist, ids = self.index.search(q, int(k))
        rows = np.where(ids >= 0, self.rows[np.clip(ids, 0, None)], -1).astype(np.int64)
        scores = dist if self.metric == "cosine" else -np.sqrt(np.maximum(dist, 0.0))
        return rows, np.asarray(scores, dtype=np.float32)


def build_index(vectors, params: IndexParams = IndexParams(), ctx: TaskContext | None = None) -> AnnIndex:
    """An IVF-Flat index of every row of ``vectors`` (N x D, may be memory-mapped), its ``nprobe``
    tuned on the set to reach ``params.target_recall`` at k = 10."""
    ctx = ctx or NullContext()
    faiss = import_faiss()
    check_metric(params.metric)
    n, d = int(vectors.shape[0]), int(vectors.shape[1])
    if n < 2:
        raise UsageError(f"an index needs at least 2 rows; this set has {n}.")
    cells = int(params.cells) if params.cells is not None else max(1, min(n // 39, int(round(2 * np.sqrt(n)))))
    if not 1 <= cells <= n:
        raise UsageError(f"index cells (--cells) {cells}: give a whole number from 1 to the {n:,} rows of the set.")
    if not 0.0 < params.target_recall <= 1.0:
        raise UsageError(f"index recall (--recall) {params.target_recall}: give a number above 0 and at most 1.")
    t0 = time.perf_counter()
    faiss.omp_set_num_threads(blas_thread_count())
    inner = params.metric == "cosine"
    quantizer = faiss.IndexFlatIP(d) if inner else faiss.IndexFlatL2(d)
    index = faiss.IndexIVFFlat(quantizer, d, cells, faiss.METRIC_INNER_PRODUCT if inner else faiss.METRIC_L2)
    index.cp.seed = int(params.seed)
    ctx.report(0, 1, f"index: training {cells:,} cells", unit="stage")
    ctx.check_cancelled()
    train_rows = sample_positions(n, min(n, TRAIN_PER_CELL * cells), params.seed)
    index.train(_prepared(np.asarray(vectors[train_rows], dtype=np.float32), inner))
    for start, part in row_blocks(vectors, np.arange(n, dtype=np.int64), ADD_BLOCK):
        ctx.check_cancelled()
        index.add(_prepared(part, inner))
        ctx.report(start + len(part), n, "index: adding rows", unit="row")
    manifest = {"kind": "semvec ann index", "library": version_of("faiss-cpu"), "index": f"IVF{cells},Flat",
                "metric": params.metric, "cells": cells, "rows": n, "dim": d, "seed": int(params.seed),
                "fingerprint": fingerprint(vectors)}
    built = AnnIndex(index, np.arange(n, dtype=np.int64), manifest)
    manifest["nprobe"], manifest["recall_at_10"] = _calibrate(built, vectors, params, ctx)
    manifest.update(build_seconds=round(time.perf_counter() - t0, 2), created=now_iso())
    return built


def _prepared(part: np.ndarray, unit: bool) -> np.ndarray:
    part = np.array(part, dtype=np.float32, copy=True)
    return l2_normalize(part) if unit else part


def _calibrate(built: AnnIndex, vectors, params: IndexParams, ctx: TaskContext) -> tuple[int, dict]:
    """The smallest nprobe whose recall@10 on a seeded sample of rows (each left out of its own
    answer) reaches the target, and that recall; all cells (exact) when none does."""
    n, cells = len(built), int(built.manifest["cells"])
    k = min(RECALL_K, n - 1)
    queries = sample_positions(n, min(n, int(params.calibration_queries)), params.seed + 1)
    ctx.report(0, 1, "index: measuring recall", unit="stage")
    truth, _ = exact_neighbours(vectors, queries, k, params.metric, ctx=ctx)
    q = np.asarray(vectors[queries], dtype=np.float32)
    recall = 1.0
    for nprobe in [p for p in NPROBES if p < cells] + [cells]:
        ctx.check_cancelled()
        built.manifest["nprobe"] = nprobe
        found, _ = built.search(q, k + 1)
        hits = [len(set(f[f != r].tolist()[:k]) & set(t.tolist())) for f, t, r in zip(found, truth, queries)]
        recall = float(np.sum(hits)) / max(1, truth.size)
        if recall >= params.target_recall:
            break
    ctx.report(1, 1, "index: measuring recall", unit="stage")
    return nprobe, {"value": round(recall, 4), "k": k, "queries": int(len(queries)), "target": params.target_recall}


def fingerprint(vectors) -> dict:
    """Rows, dimensions and the SHA-256 of a few seeded rows (and the first and last): enough to
    tell that an index was built from other vectors, without reading them all."""
    n = int(vectors.shape[0])
    picks = np.unique(np.concatenate([[0, n - 1], sample_positions(n, min(n, FINGERPRINT_ROWS), 12345)]))
    sample = np.ascontiguousarray(np.asarray(vectors[picks], dtype=np.float32))
    return {"rows": n, "dim": int(vectors.shape[1]), "sample_sha256": hashlib.sha256(sample.tobytes()).hexdigest()}

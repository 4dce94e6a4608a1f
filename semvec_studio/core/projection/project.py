"""2-D maps of vectors: PCA, t-SNE, UMAP and custom axes, as task functions. No Qt here.

:func:`project` is the one entry point: ``project(vectors, ProjectionParams(...), ctx)`` returns a
:class:`Projection` (float32 coordinates, the input rows they belong to, the parameters for the
manifest, PCA's explained variance and quality figures). Methods live in :data:`PROJECTORS`
(name -> function); adding a method is adding one function and one :func:`register` call.
Same inputs and seed give the same coordinates. Progress and cancel go through ``ctx``.

Neighbours in the original space and the quality measures are in
:mod:`semvec_studio.core.projection.neighbours` and re-exported here.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata as _md

import numpy as np

from semvec_studio.core.errors import InputError, MissingExtraError, UsageError
from semvec_studio.core.projection.neighbours import (
    METRICS, blas_threads, check_metric, neighbours, projection_quality, sample_positions,
)
from semvec_studio.core.projection.pca import pca_2d, row_blocks
from semvec_studio.core.tasks import NullContext, TaskContext

__all__ = [
    "METRICS", "PROJECTORS", "METHOD_PARAMS", "Projection", "ProjectionParams", "Projected",
    "method_available", "neighbours", "project", "projection_quality", "register", "validate",
]

MIN_ROWS = 3
QUALITY_K, QUALITY_SAMPLE = 10, 2000
TSNE_EARLY_ITER, TSNE_ITER, TSNE_EVERY = 250, 500, 10  # openTSNE's defaults; progress every 10 its
TSNE_FFT_MIN = 10_000  # openTSNE's own switch from Barnes-Hut to FFT ('auto')
TSNE_EXACT_KNN_MAX = 50_000  # exact neighbours up to this many points, approximate (Annoy) above


@dataclass(frozen=True)
class ProjectionParams:
    method: str = "pca"
    seed: int = 0
    perplexity: float = 30.0
    learning_rate: float | str = "auto"
    n_neighbors: int = 15
    min_dist: float = 0.1
    metric: str = "cosine"  # "cosine" | "euclidean": t-SNE/UMAP neighbourhoods and the quality measure
    sample: int | None = None  # project a seeded random subset of this many rows
    axes: tuple[tuple[int, int], tuple[int, int]] | None = None  # ((a, b), (c, d)): x = a->b, y = c->d


@dataclass
class Projection:
    coords: np.ndarray  # float32 [n, 2]
    rows: np.ndarray  # int64 input row of each coords row (arange(N) unless sampled)
    method: str
    params: dict  # the parameters that shaped this map, for the manifest
    explained_variance: list[float] | None  # PCA: ratio per component
    quality: dict  # {"trustworthiness", "knn_overlap", "k", "sample"}; {} when not measured
    implementation: str = ""  # library and version that computed it, e.g. "openTSNE 1.0.4"

    def as_record(self) -> dict:
        """The manifest record (without the creation time)."""
        return {"method": self.method, "params": self.params, "explained_variance": self.explained_variance,
                "quality": self.quality, "rows": int(len(self.rows)), "implementation": self.implementation}


@dataclass
class Projected:
    """What a projector returns."""

    coords: np.ndarray
    explained_variance: list[float] | None = None
    implementation: str = ""


Projector = Callable[[np.ndarray, np.ndarray, ProjectionParams, TaskContext], Projected]
PROJECTORS: dict[str, Projector] = {}
# parameter names each method uses (recorded in the manifest), and the optional package it needs
METHOD_PARAMS: dict[str, tuple[str, ...]] = {}
_REQUIRES: dict[str, tuple[str, str, str, str]] = {}  # method -> (module, feature, package, extra)


def register(name: str, fn: Projector, params: tuple[str, ...], *, requires: tuple[str, str, str, str] | None = None) -> None:
    """Add a method. ``fn(vectors, rows, params, ctx)`` maps ``vectors[rows]`` to a :class:`Projected`."""
    PROJECTORS[name] = fn
    METHOD_PARAMS[name] = tuple(params)
    if requires:
        _REQUIRES[name] = requires


def method_available(name: str) -> bool:
    """True when the method is registered and its optional package is installed."""
    if name not in PROJECTORS:
        return False
    req = _REQUIRES.get(name)
    return req is None or importlib.util.find_spec(req[0]) is not None


# --- entry point ------------------------------------------------------------------------------

def project(vectors: np.ndarray, params: ProjectionParams, ctx: TaskContext | None = None, *,
            quality: bool = True) -> Projection:
    """Map ``vectors`` (N x D) to 2-D with ``params.method``; see :class:`ProjectionParams`."""
    ctx = ctx or NullContext()
    n = validate(params, _shape(vectors)[0])
    rows = _sample_rows(n, params)
    _check_finite(vectors, rows, ctx)
    ctx.check_cancelled()
    with blas_threads():  # see neighbours.BLAS_THREADS
        done = PROJECTORS[params.method](vectors, rows, params, ctx)
    coords = np.ascontiguousarray(done.coords, dtype=np.float32)
    if coords.shape != (len(rows), 2):
        raise RuntimeError(f"projector {params.method!r} returned shape {coords.shape}, expected {(len(rows), 2)}")
    ctx.check_cancelled()
    measured = {}
    if quality:
        ctx.report(0, 1, "measuring projection quality")
        pos = sample_positions(len(rows), QUALITY_SAMPLE, params.seed)  # as projection_quality would pick
        high = np.asarray(vectors[rows[pos]], dtype=np.float32)  # only the sample is read
        measured = projection_quality(high, coords[pos], QUALITY_K, len(pos), params.seed, params.metric)
        ctx.report(1, 1, "measuring projection quality")
    return Projection(coords, rows, params.method, _record(params), done.explained_variance, measured,
                      done.implementation)


def validate(params: ProjectionParams, n_rows: int) -> int:
    """Check ``params`` against a set of ``n_rows`` rows; raise :class:`UsageError` (or
    :class:`MissingExtraError`) with what to change. Returns the number of rows."""
    if params.method not in PROJECTORS:
        raise UsageError(f"unknown projection method {params.method!r}; choose one of: {', '.join(PROJECTORS)}.")
    req = _REQUIRES.get(params.method)
    if req and importlib.util.find_spec(req[0]) is None:
        raise MissingExtraError(req[1], req[2], req[3])
    check_metric(params.metric)
    n = int(n_rows)
    if params.sample is not None and int(params.sample) < MIN_ROWS:
        raise UsageError(f"sample size (--sample) {params.sample}: give at least {MIN_ROWS} rows, "
                         "or no sample to project all rows.")
    m = n if params.sample is None else min(n, int(params.sample))
    if m < MIN_ROWS:
        raise UsageError(f"a projection needs at least {MIN_ROWS} rows; this set has {n}.")
    for check in _CHECKS.get(params.method, ()):
        check(params, m, n)
    return n


def _check_tsne(params: ProjectionParams, m: int, n: int) -> None:
    if not params.perplexity > 0:
        raise UsageError(f"t-SNE perplexity {params.perplexity}: give a positive number (typically 5 to 50).")
    if params.perplexity >= m:
        raise UsageError(f"t-SNE perplexity {params.perplexity} must be less than the number of rows projected ({m}); "
                         f"choose a perplexity below {m} (typically 5 to 50).")
    lr = params.learning_rate
    if not (lr == "auto" or (isinstance(lr, (int, float)) and not isinstance(lr, bool) and lr > 0)):
        raise UsageError(f"t-SNE learning rate {lr!r}: give a positive number or 'auto'.")


def _check_umap(params: ProjectionParams, m: int, n: int) -> None:
    if not 2 <= params.n_neighbors < m:
        raise UsageError(f"UMAP neighbours (--neighbors) {params.n_neighbors}: give a whole number from 2 to {m - 1} "
                         f"(less than the {m} rows projected).")
    if not 0.0 <= params.min_dist <= 1.0:
        raise UsageError(f"UMAP minimum distance (--min-dist) {params.min_dist}: give a number from 0 to 1.")


def _check_axes(params: ProjectionParams, m: int, n: int) -> None:
    axes = params.axes
    try:
        (a, b), (c, d) = axes  # type: ignore[misc]
        pairs = [(int(a), int(b)), (int(c), int(d))]
    except (TypeError, ValueError):
        raise UsageError("custom axes need two pairs of rows ((a, b), (c, d)): x runs from row a to row b, "
                         "y from row c to row d.") from None
    for name, (p, q) in zip("xy", pairs):
        for r in (p, q):
            if not 0 <= r < n:
                raise UsageError(f"custom {name} axis: row {r} is outside 0..{n - 1}; choose rows of this set.")
        if p == q:
            raise UsageError(f"custom {name} axis: the two ends are the same row ({p}); choose two different rows.")


_CHECKS: dict[str, tuple[Callable[[ProjectionParams, int, int], None], ...]] = {
    "tsne": (_check_tsne,), "umap": (_check_umap,), "axes": (_check_axes,),
}


def _shape(vectors) -> tuple[int, int]:
    shape = getattr(vectors, "shape", None)
    if shape is None or len(shape) != 2:
        raise UsageError("project: vectors must be a 2-D array (rows x dimensions).")
    return int(shape[0]), int(shape[1])


def _sample_rows(n: int, params: ProjectionParams) -> np.ndarray:
    if params.sample is None or int(params.sample) >= n:
        return np.arange(n, dtype=np.int64)
    rng = np.random.default_rng(params.seed)
    return np.sort(rng.choice(n, int(params.sample), replace=False)).astype(np.int64)


def _check_finite(vectors, rows: np.ndarray, ctx: TaskContext) -> None:
    for start, part in row_blocks(vectors, rows):
        bad = ~np.isfinite(part).all(axis=1)
        if bad.any():
            row = int(rows[start + int(np.argmax(bad))])
            raise InputError(f"row {row}: the vector holds NaN or infinite values; extract the vectors again "
                             "or drop that row before projecting.")
        ctx.check_cancelled()


def _record(params: ProjectionParams) -> dict:
    d = asdict(params)
    keep = ("seed", "sample", *METHOD_PARAMS.get(params.method, ()))
    out = {k: d[k] for k in keep}
    if out.get("axes") is not None:
        out["axes"] = [list(pair) for pair in params.axes]  # JSON-friendly
    return out


def _version(dist: str) -> str:
    try:
        return f"{dist} {_md.version(dist)}"
    except _md.PackageNotFoundError:
        return dist


def _threads() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _rows_of(vectors, rows: np.ndarray) -> np.ndarray:
    """``vectors[rows]`` as float32; no copy when ``rows`` is every row (in order) of a float32 array."""
    return np.asarray(vectors if len(rows) == len(vectors) else vectors[rows], dtype=np.float32)


# --- PCA --------------------------------------------------------------------------------------

def _pca(vectors, rows, params: ProjectionParams, ctx: TaskContext) -> Projected:
    coords, ratio, solver = pca_2d(vectors, rows, params.seed, ctx)
    impl = f"semvec PCA ({solver})" if solver == "streaming covariance" else _version("scikit-learn") + f" PCA ({solver})"
    return Projected(coords, ratio, impl)


# --- t-SNE ------------------------------------------------------------------------------------

def _tsne(vectors, rows, params: ProjectionParams, ctx: TaskContext) -> Projected:
    x = _rows_of(vectors, rows)
    if importlib.util.find_spec("openTSNE") is not None:
        return _tsne_opentsne(x, params, ctx)
    return _tsne_sklearn(x, params, ctx)


def _tsne_opentsne(x: np.ndarray, params: ProjectionParams, ctx: TaskContext) -> Projected:
    """openTSNE (Barnes-Hut below 10,000 points, FFT-accelerated above; 250 early-exaggeration and
    500 further iterations, PCA start), progress and cancel every TSNE_EVERY iterations. Up to
    TSNE_EXACT_KNN_MAX points the 3 x perplexity neighbours are exact (:func:`neighbours` in
    ``params.metric``, cancellable; 5-20 s for 20,000 x 384 here); above, openTSNE's approximate
    index (Annoy). The result does not depend on the number of threads (checked at 10,500 points)."""
    from openTSNE import TSNE, affinity, initialization
    from openTSNE.nearest_neighbors import PrecomputedNeighbors

    total = TSNE_EARLY_ITER + TSNE_ITER
    ctx.report(0, total, "t-SNE: nearest neighbours")
    n = len(x)
    # openTSNE's threads pay off only for the FFT method on large sets; on small ones (Barnes-Hut)
    # a second thread made it 5-7x slower in our measurements on a busy 2-core machine
    threads = _threads() if n >= TSNE_FFT_MIN else 1
    k = min(n - 1, int(3 * float(params.perplexity)))
    if n <= TSNE_EXACT_KNN_MAX:
        idx, sims = neighbours(x, np.arange(n), k, params.metric, ctx=ctx)
        dist = (1.0 - sims) if params.metric == "cosine" else -sims
        knn = PrecomputedNeighbors(idx, np.maximum(dist, 0.0).astype(np.float64))
        aff = affinity.PerplexityBasedNN(perplexity=float(params.perplexity), knn_index=knn, n_jobs=threads)
    else:
        aff = affinity.PerplexityBasedNN(x, perplexity=float(params.perplexity), method="annoy", metric=params.metric,
                                         n_jobs=threads, random_state=params.seed)
    ctx.check_cancelled()
    ctx.report(0, total, "t-SNE: initialising")
    init = initialization.pca(x, random_state=params.seed)
    tsne = TSNE(n_components=2, perplexity=float(params.perplexity), learning_rate=params.learning_rate,
                negative_gradient_method="auto", early_exaggeration_iter=TSNE_EARLY_ITER, n_iter=TSNE_ITER,
                n_jobs=threads, random_state=params.seed, verbose=False)
    embedding = tsne.prepare_initial(affinities=aff, initialization=init)
    phases = ((0, TSNE_EARLY_ITER, tsne.early_exaggeration, tsne.initial_momentum, "t-SNE: early exaggeration"),
              (TSNE_EARLY_ITER, TSNE_ITER, tsne.exaggeration, tsne.final_momentum, "t-SNE: optimising"))
    for offset, n_iter, exaggeration, momentum, msg in phases:
        def step(iteration, error, emb, offset=offset, msg=msg):
            ctx.report(offset + iteration, total, msg)
            ctx.check_cancelled()  # raises Cancelled straight through openTSNE's loop
            return False

        ctx.check_cancelled()
        embedding = embedding.optimize(n_iter=n_iter, exaggeration=exaggeration, momentum=momentum, inplace=True,
                                       propagate_exception=True, callbacks=step, callbacks_every_iters=TSNE_EVERY)
    return Projected(np.asarray(embedding), None, _version("openTSNE"))


def _tsne_sklearn(x: np.ndarray, params: ProjectionParams, ctx: TaskContext) -> Projected:
    """scikit-learn's Barnes-Hut t-SNE (no callbacks: progress per phase, cancel before and after)."""
    from sklearn.manifold import TSNE

    from threadpoolctl import threadpool_limits

    ctx.report(0, 1, "t-SNE (scikit-learn)")
    ctx.check_cancelled()

    tsne = TSNE(n_components=2, perplexity=float(params.perplexity), learning_rate=params.learning_rate,
                metric=params.metric, init="pca", method="barnes_hut", random_state=params.seed)
    # small sets: one OpenMP thread (a second one mostly waits, and stalls when the machine is busy)
    with threadpool_limits(limits=1 if len(x) < TSNE_FFT_MIN else None, user_api="openmp"):
        coords = tsne.fit_transform(x)
    ctx.report(1, 1, "t-SNE (scikit-learn)")
    return Projected(coords, None, _version("scikit-learn") + " TSNE (barnes_hut)")


# --- UMAP (optional: umap-learn) --------------------------------------------------------------

def _umap(vectors, rows, params: ProjectionParams, ctx: TaskContext) -> Projected:
    """UMAP with a fixed seed (umap-learn then runs single-threaded, which makes it repeatable).

    The start layout is PCA, not umap-learn's default spectral layout: on a neighbour graph with
    several components (well-separated clusters) the spectral layout of the components differed
    from run to run under the same seed (umap-learn 0.5.12), breaking "same seed, same map".
    umap-learn has no callbacks: progress per phase, cancel before and after."""
    import warnings

    x = _rows_of(vectors, rows)
    ctx.report(0, 1, "UMAP")
    ctx.check_cancelled()
    import umap  # slow first import (numba)

    ctx.check_cancelled()
    reducer = umap.UMAP(n_components=2, n_neighbors=int(params.n_neighbors), min_dist=float(params.min_dist),
                        metric=params.metric, init="pca", random_state=params.seed, verbose=False)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*n_jobs value.*overridden.*")
        warnings.filterwarnings("ignore", message=".*gradient function is not yet implemented.*")
        coords = reducer.fit_transform(x)
    ctx.report(1, 1, "UMAP")
    return Projected(coords, None, _version("umap-learn") + " (PCA start)")


# --- custom axes ------------------------------------------------------------------------------

def _axes(vectors, rows, params: ProjectionParams, ctx: TaskContext) -> Projected:
    """x = position along the direction from row a to row b (a at 0, b at 1); y likewise c -> d."""
    (a, b), (c, d) = params.axes  # type: ignore[misc]
    ends = np.asarray(vectors[[a, b, c, d]], dtype=np.float64)
    dirs, origins = [], []
    for name, (p, q) in zip("xy", ((0, 1), (2, 3))):
        v = ends[q] - ends[p]
        norm2 = float(v @ v)
        if norm2 == 0.0:
            rp, rq = params.axes[0] if name == "x" else params.axes[1]  # type: ignore[index]
            raise UsageError(f"custom {name} axis: rows {rp} and {rq} have the same vector, so they give no "
                             "direction; choose two different points.")
        dirs.append(v / norm2)
        origins.append(float(ends[p] @ v) / norm2)
    basis = np.stack(dirs, axis=1)  # D x 2
    out = np.empty((len(rows), 2), dtype=np.float64)
    for start, part in row_blocks(vectors, rows):
        ctx.check_cancelled()
        out[start:start + len(part)] = part.astype(np.float64) @ basis - np.asarray(origins)
        ctx.report(start + len(part), len(rows), "custom axes")
    return Projected(out, None, "semvec custom axes")


register("pca", _pca, ())
register("tsne", _tsne, ("perplexity", "learning_rate", "metric"))
register("umap", _umap, ("n_neighbors", "min_dist", "metric"), requires=("umap", "UMAP projection", "umap-learn", "umap"))
register("axes", _axes, ("axes",))

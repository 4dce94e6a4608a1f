"""t-SNE: openTSNE (a declared dependency), scikit-learn's t-SNE only where openTSNE is missing.

openTSNE reports progress and checks cancel every few iterations, with exact neighbours from
:func:`~semvec_studio.core.projection.neighbours.neighbours` on sets up to
:data:`TSNE_EXACT_KNN_MAX` points. scikit-learn's Barnes-Hut t-SNE stands in only where openTSNE
cannot be imported (:data:`USE_OPENTSNE` is then False). Above ``fit_max`` rows
(:data:`~semvec_studio.core.projection.base.FIT_MAX`) :func:`fit_tsne` maps a seeded sample and
openTSNE's ``TSNEEmbedding.transform`` places the other rows (see
:mod:`semvec_studio.core.projection.fit`); scikit-learn's t-SNE has no transform. No Qt here."""

from __future__ import annotations

import numpy as np
from sklearn.manifold import TSNE as SklearnTSNE
from threadpoolctl import threadpool_limits

from semvec_studio.core.errors import UsageError
from semvec_studio.core.projection.base import FIT_MAX, Fitted, Method, Projected, ProjectionParams, version_of
from semvec_studio.core.projection.neighbours import neighbours
from semvec_studio.core.projection.threads import available_cpus
from semvec_studio.core.rows import take_rows
from semvec_studio.core.tasks import TaskContext

try:
    from openTSNE import TSNE, affinity, initialization
    from openTSNE.nearest_neighbors import PrecomputedNeighbors
except ImportError:  # a broken or partial install: scikit-learn's t-SNE stands in
    TSNE = None
    PrecomputedNeighbors = object

__all__ = ["METHOD", "TSNE_EXACT_KNN_MAX", "USE_OPENTSNE", "fit_tsne", "project_tsne"]

USE_OPENTSNE = TSNE is not None  # False: scikit-learn's t-SNE (tests set it to try the fallback)
TSNE_EARLY_ITER, TSNE_ITER, TSNE_EVERY = 250, 500, 10  # openTSNE's defaults; progress every 10 its
TSNE_FFT_MIN = 10_000  # openTSNE's own switch from Barnes-Hut to FFT ('auto')
TSNE_EXACT_KNN_MAX = 50_000  # exact neighbours up to this many points, approximate (Annoy) above


def check_tsne(params: ProjectionParams, m: int, n: int) -> None:
    if not params.perplexity > 0:
        raise UsageError(f"t-SNE perplexity {params.perplexity}: give a positive number (typically 5 to 50).")
    if params.perplexity >= m:
        raise UsageError(f"t-SNE perplexity {params.perplexity} must be less than the number of rows projected ({m}); "
                         f"choose a perplexity below {m} (typically 5 to 50).")
    lr = params.learning_rate
    if not (lr == "auto" or (isinstance(lr, (int, float)) and not isinstance(lr, bool) and lr > 0)):
        raise UsageError(f"t-SNE learning rate {lr!r}: give a positive number or 'auto'.")


def project_tsne(vectors, rows: np.ndarray, params: ProjectionParams, ctx: TaskContext) -> Projected:
    x = take_rows(vectors, rows)
    if not USE_OPENTSNE:
        return _sklearn_tsne(x, params, ctx)
    return Projected(np.asarray(_opentsne(x, params, ctx)), None, _implementation(len(x)))


def fit_tsne(vectors, rows: np.ndarray, params: ProjectionParams, ctx: TaskContext) -> Fitted:
    """openTSNE's map of ``vectors[rows]`` (centred, as its transform centres it) and a ``place``
    that adds other rows with ``TSNEEmbedding.transform`` (openTSNE's defaults: perplexity 5,
    median start, 250 iterations; each new point moves against the fitted map only, so a row's place
    does not depend on the others placed with it)."""
    if not USE_OPENTSNE:
        raise UsageError(f"t-SNE of more than {FIT_MAX:,} rows fits a sample and places the rest with openTSNE, "
                         "which cannot be imported; reinstall semvec-studio (openTSNE is a dependency) or "
                         "project a --sample of fewer rows.")
    x = take_rows(vectors, rows)
    embedding = _opentsne(x, params, ctx)
    embedding -= (np.max(embedding, axis=0) + np.min(embedding, axis=0)) / 2  # what transform does first

    def place(x: np.ndarray) -> np.ndarray:
        return np.asarray(embedding.transform(x))

    return Fitted(np.array(embedding), place, _implementation(len(x)), "openTSNE TSNEEmbedding.transform")


def _implementation(n: int) -> str:
    """openTSNE's version, and that its neighbours were approximate where they were (said, not hidden)."""
    return version_of("openTSNE") + (" (approximate neighbours: Annoy)" if n > TSNE_EXACT_KNN_MAX else "")


def _opentsne(x: np.ndarray, params: ProjectionParams, ctx: TaskContext):
    """openTSNE (Barnes-Hut below TSNE_FFT_MIN points, FFT-accelerated above; 250 early-exaggeration
    and 500 further iterations, PCA start), progress and cancel every TSNE_EVERY iterations. Up to
    TSNE_EXACT_KNN_MAX points the 3 x perplexity neighbours are exact (in ``params.metric``, and
    cancellable); above, openTSNE's approximate index (Annoy). openTSNE's own threads are used only
    for the FFT method on large sets: on small sets more threads mostly wait. The result does not
    depend on the number of threads."""
    total = TSNE_EARLY_ITER + TSNE_ITER
    ctx.report(0, total, "t-SNE: nearest neighbours", unit="iteration")
    n = len(x)
    threads = available_cpus() if n >= TSNE_FFT_MIN else 1
    aff = _affinities(x, params, threads, ctx)
    ctx.check_cancelled()
    ctx.report(0, total, "t-SNE: initialising", unit="iteration")
    init = initialization.pca(x, random_state=params.seed)
    tsne = TSNE(n_components=2, perplexity=float(params.perplexity), learning_rate=params.learning_rate,
                negative_gradient_method="auto", early_exaggeration_iter=TSNE_EARLY_ITER, n_iter=TSNE_ITER,
                n_jobs=threads, random_state=params.seed, verbose=False)
    embedding = tsne.prepare_initial(affinities=aff, initialization=init)
    phases = ((0, TSNE_EARLY_ITER, tsne.early_exaggeration, tsne.initial_momentum, "t-SNE: early exaggeration"),
              (TSNE_EARLY_ITER, TSNE_ITER, tsne.exaggeration, tsne.final_momentum, "t-SNE: optimising"))
    for offset, n_iter, exaggeration, momentum, phase in phases:
        def step(iteration, error, emb, offset=offset, phase=phase):
            ctx.report(offset + iteration, total, phase, unit="iteration")
            ctx.check_cancelled()  # raises Cancelled straight through openTSNE's loop
            return False

        ctx.check_cancelled()
        embedding = embedding.optimize(n_iter=n_iter, exaggeration=exaggeration, momentum=momentum, inplace=True,
                                       propagate_exception=True, callbacks=step, callbacks_every_iters=TSNE_EVERY)
    return embedding


def _affinities(x: np.ndarray, params: ProjectionParams, threads: int, ctx: TaskContext):
    n = len(x)
    perplexity = float(params.perplexity)
    if n > TSNE_EXACT_KNN_MAX:
        return affinity.PerplexityBasedNN(x, perplexity=perplexity, method="annoy", metric=params.metric,
                                          n_jobs=threads, random_state=params.seed)
    k = min(n - 1, int(3 * perplexity))
    idx, sims = neighbours(x, np.arange(n), k, params.metric, ctx=ctx)
    dist = (1.0 - sims) if params.metric == "cosine" else -sims
    knn = _ExactNeighbours(idx, np.maximum(dist, 0.0).astype(np.float64), x, params.metric)
    return affinity.PerplexityBasedNN(perplexity=perplexity, knn_index=knn, n_jobs=threads)


class _ExactNeighbours(PrecomputedNeighbors):
    """openTSNE's precomputed neighbours, which can also be queried (exactly) for new points: what
    ``TSNEEmbedding.transform`` asks of the index."""

    def __init__(self, idx: np.ndarray, dist: np.ndarray, data: np.ndarray, metric: str):
        super().__init__(idx, dist)
        self.data, self.metric = data, metric

    def query(self, query, k):
        idx, sims = neighbours(self.data, np.asarray(query, dtype=np.float32), int(k), self.metric)
        dist = (1.0 - sims) if self.metric == "cosine" else -sims
        return idx, np.maximum(dist, 0.0).astype(np.float64)


def _sklearn_tsne(x: np.ndarray, params: ProjectionParams, ctx: TaskContext) -> Projected:
    """scikit-learn's Barnes-Hut t-SNE (no callbacks: progress per phase, cancel before and after);
    one OpenMP thread on small sets, where a second one mostly waits."""
    ctx.report(0, 1, "t-SNE (scikit-learn)", unit="stage")
    ctx.check_cancelled()
    tsne = SklearnTSNE(n_components=2, perplexity=float(params.perplexity), learning_rate=params.learning_rate,
                       metric=params.metric, init="pca", method="barnes_hut", random_state=params.seed)
    with threadpool_limits(limits=1 if len(x) < TSNE_FFT_MIN else None, user_api="openmp"):
        coords = tsne.fit_transform(x)
    ctx.report(1, 1, "t-SNE (scikit-learn)", unit="stage")
    return Projected(coords, None, version_of("scikit-learn") + " TSNE (barnes_hut)")


METHOD = Method("tsne", project_tsne, ("perplexity", "learning_rate", "metric"), checks=(check_tsne,), fit=fit_tsne,
                fit_max=FIT_MAX)

"""Which rows to label next: one registry entry per strategy, each a pure function.

``margin`` and ``entropy`` rank unlabelled rows by the suggestion model's uncertainty; ``mistakes``
ranks labelled rows whose given label an out-of-fold prediction contradicts with confidence;
``diverse`` picks the rows nearest the centres of clusters of the unlabelled rows (it needs no
labels: the start, while there are too few labels for a model); ``random`` is seeded.
While there is no model, ``margin``, ``entropy`` and ``mistakes`` give way to ``diverse`` and the
:class:`Ranked` says so in ``note``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import MiniBatchKMeans

from semvec_studio.core.errors import UsageError
from semvec_studio.core.labelling.errors import error_scores
from semvec_studio.core.labelling.suggest import Suggestions, checked_inputs, fit_suggestions, one_thread, take
from semvec_studio.core.rows import sample_positions

DIVERSE_SAMPLE = 20000  # clusters are fitted on at most this many unlabelled rows (seeded sample)


@dataclass(frozen=True)
class Ranked:
    """Rows best first (int64), their scores (float32, higher = better to show) and the strategy
    that ranked them; ``note`` says when another strategy stood in (e.g. no model yet)."""

    rows: np.ndarray
    scores: np.ndarray
    strategy: str
    note: str = ""

    def __len__(self) -> int:
        return int(self.rows.shape[0])


@dataclass(frozen=True)
class Pool:
    """What a strategy sees: the vectors, the given labels (-1: none), which rows have a vector,
    the current suggestions, how many rows to pick and the seed."""

    vectors: np.ndarray
    label_ids: np.ndarray
    has_vector: np.ndarray
    suggestions: Suggestions | None
    n: int
    seed: int

    @property
    def unlabelled(self) -> np.ndarray:
        return np.flatnonzero((self.label_ids < 0) & self.has_vector)


def _best(rows: np.ndarray, scores: np.ndarray, n: int, strategy: str, note: str = "") -> Ranked:
    order = np.lexsort((rows, -scores))[:n]  # best score first, ties by row
    return Ranked(rows[order].astype(np.int64), scores[order].astype(np.float32), strategy, note)


def _uncertain(pool: Pool, name: str, score: Callable[[Suggestions, np.ndarray], np.ndarray]) -> Ranked:
    s = pool.suggestions
    if s is None or not s.ready:
        return _diverse(pool, note=f"{name} needs a model ({s.reason if s is not None else 'no suggestions'}); "
                                  "showing diverse rows instead")
    rows = pool.unlabelled
    rows = rows[s.predicted[rows] >= 0]
    return _best(rows, score(s, rows), pool.n, name)


def _margin(pool: Pool) -> Ranked:
    """Smallest top-1 minus top-2 probability first; score 1 - margin."""
    return _uncertain(pool, "margin", lambda s, rows: 1.0 - s.margin[rows])


def _entropy(pool: Pool) -> Ranked:
    """Highest entropy of the predicted distribution first; score normalised to [0, 1]."""
    def score(s: Suggestions, rows: np.ndarray) -> np.ndarray:
        p = np.clip(s.proba[rows].astype(np.float64), 1e-12, 1.0)
        return -(p * np.log(p)).sum(axis=1) / np.log(max(2, p.shape[1]))
    return _uncertain(pool, "entropy", score)


def _mistakes(pool: Pool) -> Ranked:
    """Labelled rows whose out-of-fold prediction disagrees with the given label, most confident
    disagreement first (score: :func:`~semvec_studio.core.labelling.errors.error_scores`)."""
    s = pool.suggestions
    if s is None or (s.ready and s.oof_proba is None):
        s = fit_suggestions(pool.vectors, pool.label_ids, has_vector=pool.has_vector, out_of_fold=True, seed=pool.seed)
    if not s.ready:
        return _diverse(pool, note=f"mistakes needs a model ({s.reason}); showing diverse rows instead")
    rows = np.flatnonzero((pool.label_ids >= 0) & pool.has_vector & ~np.isnan(s.oof_proba).any(axis=1))
    given = np.searchsorted(s.classes, pool.label_ids[rows])
    known = (given < len(s.classes)) & (s.classes[np.minimum(given, len(s.classes) - 1)] == pool.label_ids[rows])
    rows, given = rows[known], given[known]
    oof = s.oof_proba[rows]
    scores = error_scores(oof, given)
    wrong = oof.argmax(axis=1) != given  # the out-of-fold prediction is another label
    return _best(rows[wrong], scores[wrong], pool.n, "mistakes")


def _diverse(pool: Pool, note: str = "") -> Ranked:
    """The unlabelled row nearest each of ``n`` cluster centres (k-means on unit vectors, seeded);
    score: the share of the rows in its cluster, biggest cluster first."""
    rows = pool.unlabelled
    if len(rows) <= pool.n:
        return Ranked(rows.astype(np.int64), np.ones(len(rows), np.float32), "diverse", note)
    rows = rows[sample_positions(len(rows), DIVERSE_SAMPLE, pool.seed)]
    x = take(pool.vectors, rows)
    with one_thread():
        km = MiniBatchKMeans(n_clusters=pool.n, random_state=pool.seed, n_init=3, batch_size=2048).fit(x)
    nearest = np.full(pool.n, -1, np.int64)
    dist = (x ** 2).sum(axis=1)[:, None] - 2 * x @ km.cluster_centers_.T  # minus |centre|^2, the same for a column
    sizes = np.bincount(km.labels_, minlength=pool.n)
    taken: set[int] = set()
    for c in np.argsort(-sizes, kind="stable"):
        for i in np.argsort(dist[:, c], kind="stable"):
            if int(i) not in taken:
                nearest[c] = i
                taken.add(int(i))
                break
    return _best(rows[nearest], sizes / len(x), pool.n, "diverse", note)


def _random(pool: Pool) -> Ranked:
    """A seeded random sample of the unlabelled rows; score: a seeded uniform draw."""
    rows = pool.unlabelled
    draws = np.random.default_rng(pool.seed).random(len(rows))
    return _best(rows, draws, pool.n, "random")


STRATEGIES: dict[str, Callable[[Pool], Ranked]] = {
    "margin": _margin,
    "entropy": _entropy,
    "mistakes": _mistakes,
    "diverse": _diverse,
    "random": _random,
}
# The strategies that rank by the suggestion model (a caller fits it first), and those that want
# its out-of-fold probabilities too.
USES_MODEL = frozenset({"margin", "entropy", "mistakes"})
USES_OUT_OF_FOLD = frozenset({"mistakes"})


def check_strategy(strategy: str, choices=STRATEGIES, option: str = "strategy") -> None:
    """A UsageError naming the choices when ``strategy`` is not one of them."""
    if strategy not in choices:
        raise UsageError(f"--{option} {strategy}: choose one of {', '.join(choices)}.",
                         gui=f"{option.capitalize()} {strategy}: choose one of {', '.join(choices)}.", field=option)


def rank(strategy: str, *, vectors: np.ndarray, label_ids: np.ndarray, suggestions: Suggestions | None, n: int,
         seed: int = 0, has_vector: np.ndarray | None = None) -> Ranked:
    """The ``n`` rows to look at next by ``strategy``, best first. ``suggestions`` (from
    :func:`~semvec_studio.core.labelling.suggest.fit_suggestions` on the same rows; ``mistakes``
    wants them with ``out_of_fold=True`` and fits them itself otherwise) may be None."""
    check_strategy(strategy)
    if n < 1:
        raise UsageError(f"--n {n}: must be at least 1.", gui=f"Rows {n}: must be at least 1.", field="n")
    label_ids, mask = checked_inputs(vectors, label_ids, has_vector)
    return STRATEGIES[strategy](Pool(vectors, label_ids, mask, suggestions, int(n), int(seed)))

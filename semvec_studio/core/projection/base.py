"""The types the projection modules share: ProjectionParams, Projected, Projection, Method, Requirement.

What a map is asked for (:class:`ProjectionParams`), what a method returns (:class:`Projected`),
what :func:`~semvec_studio.core.projection.project.project` returns (:class:`Projection`), and a
method's registry entry (:class:`Method`, with the optional package it needs: :class:`Requirement`).
A method that cannot fit every row of a large set (t-SNE, UMAP) also has a ``fit`` function that
returns a :class:`Fitted` map of a sample, with a ``place`` function for every other row, and a
``fit_max`` (:data:`FIT_MAX`): the most rows it fits by default. No Qt here."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata as _md

import numpy as np

from semvec_studio.core.errors import MissingExtraError
from semvec_studio.core.tasks import TaskContext

__all__ = ["FIT_MAX", "Fitted", "Method", "Projected", "Projection", "ProjectionParams", "Requirement", "version_of"]

FIT_MAX = 100_000  # t-SNE and UMAP fit at most this many rows by default; the others are placed by transform


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
    fit_max: int | None = None  # fit at most this many rows (a seeded sample), place the rest; None: the method's own
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
    fitted_rows: int | None = None  # rows the method was fitted on (None: all rows of the map)
    placement: str = ""  # how the rows not fitted were placed, e.g. "openTSNE transform"; "" when all were fitted
    fitted: np.ndarray | None = None  # bool [n]: True where the point was in the fitted sample; None: all were

    @property
    def total_rows(self) -> int:
        """Rows on the map (``len(rows)``)."""
        return int(len(self.rows))

    @property
    def fitted_on(self) -> str:
        """``"fitted on N of M rows"`` when the method was fitted on a sample of the map's rows
        (the others placed with its transform), else ``""``: the map's banner, the CLI's summary."""
        n = self.total_rows if self.fitted_rows is None else int(self.fitted_rows)
        return f"fitted on {n:,} of {self.total_rows:,} rows" if n < self.total_rows else ""

    def as_record(self) -> dict:
        """The manifest record (without the creation time)."""
        fitted = self.total_rows if self.fitted_rows is None else int(self.fitted_rows)
        record = {"method": self.method, "params": self.params, "explained_variance": self.explained_variance,
                  "quality": self.quality, "rows": self.total_rows, "implementation": self.implementation,
                  "fitted_rows": fitted, "total_rows": self.total_rows}
        if self.fitted_on:
            record.update(fitted_on=self.fitted_on, placement=self.placement)
        return record


@dataclass
class Projected:
    """What a method's function returns: coordinates ``[len(rows), 2]`` (any float dtype)."""

    coords: np.ndarray
    explained_variance: list[float] | None = None
    implementation: str = ""


@dataclass
class Fitted:
    """What a method's ``fit`` returns: the map of the fitted rows (``coords [len(rows), 2]``) and
    ``place(x float32 [b, D]) -> [b, 2]``, which puts other rows onto that map with the method's
    own transform (``placement`` says which)."""

    coords: np.ndarray
    place: Callable[[np.ndarray], np.ndarray]
    implementation: str = ""
    placement: str = ""


@dataclass(frozen=True)
class Requirement:
    """An optional package a method needs: ``module`` is what is imported, ``package`` what pip
    installs, ``extra`` the semvec-studio extra that brings it, ``feature`` the words for the user."""

    module: str
    feature: str
    package: str
    extra: str

    def installed(self) -> bool:
        return importlib.util.find_spec(self.module) is not None

    def check(self) -> None:
        """Raise :class:`MissingExtraError` (what to install) when the package is missing."""
        if not self.installed():
            raise MissingExtraError(self.feature, self.package, self.extra)


# fn(vectors, rows, params, ctx) maps vectors[rows] to 2-D; a check(params, m, n) raises UsageError
# for an option that cannot work with m rows projected out of n
Projector = Callable[[np.ndarray, np.ndarray, ProjectionParams, TaskContext], Projected]
OptionCheck = Callable[[ProjectionParams, int, int], None]
Fitter = Callable[[np.ndarray, np.ndarray, ProjectionParams, TaskContext], Fitted]


@dataclass(frozen=True)
class Method:
    """One projection method: its name, its function, the :class:`ProjectionParams` fields it uses
    (recorded in the manifest), the optional package it needs, and its option checks. A method
    with ``fit_max`` fits at most that many rows (``ProjectionParams.fit_max`` overrides it): above,
    ``fit`` maps a seeded sample and places the others (PCA and custom axes have neither: they
    take every row)."""

    name: str
    fn: Projector
    params: tuple[str, ...] = ()
    requires: Requirement | None = None
    checks: tuple[OptionCheck, ...] = ()
    fit: Fitter | None = None
    fit_max: int | None = None

    def available(self) -> bool:
        return self.requires is None or self.requires.installed()


def version_of(dist: str) -> str:
    """``"<dist> <version>"`` of an installed distribution (just the name when it is not installed)."""
    try:
        return f"{dist} {_md.version(dist)}"
    except _md.PackageNotFoundError:
        return dist

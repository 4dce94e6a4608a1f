"""The types the projection modules share: ProjectionParams, Projected, Projection, Method, Requirement.

What a map is asked for (:class:`ProjectionParams`), what a method returns (:class:`Projected`),
what :func:`~semvec_studio.core.projection.project.project` returns (:class:`Projection`), and a
method's registry entry (:class:`Method`, with the optional package it needs: :class:`Requirement`).
No Qt here."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata as _md

import numpy as np

from semvec_studio.core.errors import MissingExtraError
from semvec_studio.core.tasks import TaskContext

__all__ = ["Method", "Projected", "Projection", "ProjectionParams", "Requirement", "version_of"]


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
    """What a method's function returns: coordinates ``[len(rows), 2]`` (any float dtype)."""

    coords: np.ndarray
    explained_variance: list[float] | None = None
    implementation: str = ""


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


@dataclass(frozen=True)
class Method:
    """One projection method: its name, its function, the :class:`ProjectionParams` fields it uses
    (recorded in the manifest), the optional package it needs, and its option checks."""

    name: str
    fn: Projector
    params: tuple[str, ...] = ()
    requires: Requirement | None = None
    checks: tuple[OptionCheck, ...] = ()

    def available(self) -> bool:
        return self.requires is None or self.requires.installed()


def version_of(dist: str) -> str:
    """``"<dist> <version>"`` of an installed distribution (just the name when it is not installed)."""
    try:
        return f"{dist} {_md.version(dist)}"
    except _md.PackageNotFoundError:
        return dist

"""Orthogonal Procrustes: turn one map onto another so the same region means the same thing.

Two 2-D maps of the same rows (two layers, two models, two runs of t-SNE) come out rotated,
mirrored and scaled differently. :func:`align_maps` finds the rotation (a reflection allowed by
default), the uniform scale and the shift that bring ``source`` closest to ``target`` in least
squares (the SVD of ``S^T T`` on the centred points: Schönemann 1966; scipy's
``orthogonal_procrustes``), and :meth:`Alignment.apply` moves any points of the source map.
Works for any number of dimensions. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from semvec_studio.core.errors import UsageError

__all__ = ["Alignment", "align_maps"]


@dataclass(frozen=True)
class Alignment:
    """``apply(p) = (p - source_mean) @ rotation * scale + target_mean``. ``rotation`` is orthogonal
    (determinant -1 when ``reflected``); ``disparity`` is the remaining sum of squared differences
    over the target's sum of squares about its mean (0: a perfect fit)."""

    rotation: np.ndarray
    scale: float
    source_mean: np.ndarray
    target_mean: np.ndarray
    reflected: bool
    disparity: float

    def apply(self, points: np.ndarray) -> np.ndarray:
        pts = np.asarray(points, dtype=np.float64)
        return (pts - self.source_mean) @ self.rotation * self.scale + self.target_mean


def align_maps(source: np.ndarray, target: np.ndarray, *, reflection: bool = True, scale: bool = True) -> Alignment:
    """The similarity transform taking the map ``source`` onto the map ``target`` (the same rows,
    ``[n, d]`` each). Rows with a non-finite coordinate in either map are left out of the fit.
    ``reflection=False`` allows rotations only; ``scale=False`` keeps the source's size."""
    src, tgt = np.asarray(source, dtype=np.float64), np.asarray(target, dtype=np.float64)
    if src.ndim != 2 or src.shape != tgt.shape:
        raise UsageError(f"map alignment needs two maps of the same rows and dimensions; got {src.shape} and {tgt.shape}.")
    ok = np.isfinite(src).all(axis=1) & np.isfinite(tgt).all(axis=1)
    if ok.sum() < 2:
        raise UsageError("map alignment needs at least 2 rows placed in both maps.")
    s, t = src[ok], tgt[ok]
    s_mean, t_mean = s.mean(axis=0), t.mean(axis=0)
    sc, tc = s - s_mean, t - t_mean
    u, sing, vt = np.linalg.svd(sc.T @ tc)
    if not reflection and np.linalg.det(u @ vt) < 0:
        u[:, -1] = -u[:, -1]
        sing = sing.copy()
        sing[-1] = -sing[-1]
    rotation = u @ vt
    s_ss = float((sc * sc).sum())
    factor = float(sing.sum() / s_ss) if scale and s_ss > 0 else 1.0
    fitted = sc @ rotation * factor
    t_ss = float((tc * tc).sum())
    disparity = float(((fitted - tc) ** 2).sum() / t_ss) if t_ss > 0 else 0.0
    return Alignment(rotation, factor, s_mean, t_mean, bool(np.linalg.det(rotation) < 0), disparity)

"""Row helpers every layer shares: unit-length rows, seeded samples of row numbers, rows in blocks.

NumPy only; the bottom of the core's import order (io < projection < models < extract < train all
may use it)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["BLOCK_ROWS", "l2_normalize", "row_blocks", "sample_positions", "take_rows", "unit_rows"]

BLOCK_ROWS = 65536  # rows read at a time from a possibly memory-mapped array


def l2_normalize(rows: np.ndarray) -> np.ndarray:
    """Divide each row of the float array ``rows`` by its L2 norm in place (all-zero rows stay
    zero); returns ``rows``."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    np.divide(rows, norms, out=rows, where=norms > 0)
    return rows


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """A float32 copy of the 2-D ``vectors`` with each row scaled to length 1 (all-zero rows stay zero)."""
    out = np.array(vectors, dtype=np.float32, copy=True)
    if out.ndim != 2:
        raise ValueError("vectors must be a 2-D array")
    return l2_normalize(out)


def sample_positions(n: int, m: int, seed: int) -> np.ndarray:
    """``m`` distinct sorted row numbers (int64) out of ``n``, seeded: the same ``(n, m, seed)``
    always gives the same rows; all rows when ``m >= n``."""
    if m >= n:
        return np.arange(n, dtype=np.int64)
    return np.sort(np.random.default_rng(seed).choice(n, m, replace=False)).astype(np.int64)


def take_rows(vectors, rows: np.ndarray) -> np.ndarray:
    """``vectors[rows]`` as float32; no copy when ``rows`` is every row of a float32 array in order."""
    return np.asarray(vectors if len(rows) == len(vectors) else vectors[rows], dtype=np.float32)


def row_blocks(vectors, rows: np.ndarray, block: int = BLOCK_ROWS) -> Iterator[tuple[int, np.ndarray]]:
    """``(start, float32 block)`` over ``vectors[rows]``, ``block`` rows at a time; slices (no
    fancy indexing) when ``rows`` is every row in order, so a memory map is read sequentially."""
    every = len(rows) == len(vectors)
    for start in range(0, len(rows), block):
        stop = min(len(rows), start + block)
        part = vectors[start:stop] if every else vectors[rows[start:stop]]
        yield start, np.asarray(part, dtype=np.float32)

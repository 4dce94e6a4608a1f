"""How many threads the projection's matrix work uses, decided from the machine it runs on.

The matrix products of :func:`~semvec_studio.core.projection.neighbours.neighbours`, PCA and the
quality measure run under :func:`blas_threads`: the CPUs this process may use (its affinity mask,
which a container or ``taskset`` narrows, else the CPU count), less one left to the GUI thread so
the app keeps drawing while a job runs, at least one, and at most :data:`BLAS_THREADS_MAX`.
The cap is there because the products are over blocks of a few thousand rows, where more threads
add more waiting than work, and OpenBLAS threads that wait spin on their cores, taking them from
everything else on the machine. On a two-core machine this is one thread.

On one machine the results repeat exactly; between machines with different thread counts the
last bits of a float32 product may differ.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from threadpoolctl import threadpool_limits

__all__ = ["BLAS_THREADS_MAX", "available_cpus", "blas_thread_count", "blas_threads"]

BLAS_THREADS_MAX = 8


def available_cpus() -> int:
    """The CPUs this process may run on (at least 1)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def blas_thread_count(cpus: int | None = None) -> int:
    """BLAS threads for ``cpus`` available CPUs (default: :func:`available_cpus`): one fewer than
    the CPUs, at least 1, at most :data:`BLAS_THREADS_MAX`."""
    cpus = available_cpus() if cpus is None else int(cpus)
    return max(1, min(BLAS_THREADS_MAX, cpus - 1))


@contextlib.contextmanager
def blas_threads(limit: int | None = None) -> Iterator[None]:
    """Run the block with at most ``limit`` (default :func:`blas_thread_count`) BLAS threads."""
    with threadpool_limits(limits=limit or blas_thread_count(), user_api="blas"):
        yield

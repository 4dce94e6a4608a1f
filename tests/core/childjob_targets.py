"""Functions that tests run in a child process (spawn imports them by name)."""

from __future__ import annotations

import os
import time

from semvec_studio.core.errors import InputError


def count(n: int, *, ctx) -> int:
    ctx.log(f"counting to {n}")
    for k in range(n):
        ctx.report(k + 1, n, "counting", unit="row")
        ctx.event("rows_added", rows=k + 1, pid=os.getpid())
    return 2 * n


def malformed(name: str, *, ctx) -> None:
    raise InputError(f"{name}: line 3 has 4 cells where the header has 2; fix it with --skip-bad-rows",
                     gui=f"{name}: line 3 has 4 cells where the header has 2; fix the file", field="file")


def until_cancelled(marker: str, *, ctx) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ctx.report(0, None, "waiting")
        try:
            ctx.check_cancelled()
        except BaseException:
            with open(marker, "w") as fh:
                fh.write("stopped cleanly")
            raise
        time.sleep(0.01)


def stubborn(*, ctx) -> None:
    ctx.report(0, None, "busy")
    time.sleep(60)


def dies(*, ctx) -> None:
    os._exit(3)


def buggy(*, ctx) -> None:
    return {}["missing"]


def numbers(n: int, fail_at: int | None = None):
    """A stream for ChildStream: 0..n-1, with a user's error at ``fail_at``."""
    for k in range(n):
        if k == fail_at:
            raise InputError(f"row {k}: not a number; fix the file")
        yield k


def numbers_then_death(n: int):
    yield from range(n)
    os._exit(5)

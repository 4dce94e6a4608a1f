"""The self-test's check registry (``semvec-studio --self-test``, run by :mod:`semvec_studio.selftest`).

A check is ``fn(state) -> detail``: it returns the detail of its ``PASS`` line and raises on
failure. The :func:`check` decorator registers one in :data:`CHECKS`, like the exporters and the
projection methods; :class:`State` carries what a check hands to later checks (the model, the
vectors...) and the scratch folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class State:
    """What checks hand to later checks (the model, the vectors...) and the scratch folder."""

    tmp: Path
    values: dict = field(default_factory=dict)
    failed: set = field(default_factory=set)


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[State], str]  # returns the PASS detail; raises on failure
    needs: tuple[str, ...] = ()  # values earlier checks must have produced


CHECKS: list[Check] = []


def check(name: str, *, needs: tuple[str, ...] = ()):
    """Decorator: register ``fn(state) -> detail`` as the check ``name`` (run in order)."""

    def register(fn: Callable[[State], str]) -> Callable[[State], str]:
        CHECKS[:] = [c for c in CHECKS if c.name != name]
        CHECKS.append(Check(name, fn, needs))
        return fn

    return register

"""JSON as every file of the app writes it (two-space indent, UTF-8 characters kept, NumPy
values as plain numbers and lists) and reads it back (a JSON object or a typed error)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from semvec_studio.core.errors import SemvecError


def _plain(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, os.PathLike):
        return os.fspath(o)
    return str(o)


def to_json(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, default=_plain)


def write_json(path: str | os.PathLike, obj) -> None:
    """Write ``obj`` to ``path`` (not atomically: callers write inside an atomic folder or file)."""
    Path(path).write_text(to_json(obj) + "\n", encoding="utf-8")


def read_json_object(path: str | os.PathLike, error: type[SemvecError], advice: str) -> dict:
    """The JSON object in ``path``; ``error`` naming the path and ``advice`` when it is missing,
    unreadable, not JSON or not an object."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: missing; {advice}") from None
    except (OSError, ValueError) as exc:
        raise error(f"{path}: cannot be read as JSON ({_first_line(exc)}); {advice}") from exc
    if not isinstance(data, dict):
        raise error(f"{path}: expected a JSON object; {advice}")
    return data


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__

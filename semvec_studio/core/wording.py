"""How counts are written for people: "1 step", "2,000 steps", "1 class"."""

from __future__ import annotations

_IRREGULAR = {"class": "classes", "query": "queries", "matrix": "matrices"}


def count(n: float, noun: str, plural: str | None = None) -> str:
    """``n`` with thousands separators and ``noun`` in the singular or the plural (the last word
    of ``noun`` is the one made plural: "validation row" -> "validation rows")."""
    head, _, last = noun.rpartition(" ")
    many = plural or (head + " " if head else "") + _IRREGULAR.get(last, last + "s")
    shown = f"{int(n):,}" if float(n).is_integer() else f"{n:,.2f}"
    return f"{shown} {noun if n == 1 else many}"

"""core/io's imports, read from the source (function-local imports included): no cycle between its
modules, and nothing from the packages above it (extract, projection, train, cli, gui)."""

from __future__ import annotations

import ast
from pathlib import Path

import semvec_studio.core.io

IO = Path(semvec_studio.core.io.__file__).parent
PREFIX = "semvec_studio.core.io."
ABOVE = ("semvec_studio.core.extract", "semvec_studio.core.projection", "semvec_studio.core.train",
         "semvec_studio.core.workspace", "semvec_studio.cli", "semvec_studio.gui")


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)  # from semvec_studio.core.io import x
    return names


def graph() -> dict[str, set[str]]:
    modules = {PREFIX + p.stem: p for p in IO.glob("*.py") if p.stem != "__init__"}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def cycle_in(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path of module names, or []."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> list[str]:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [node, nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, path + [node])):
                return found
        state[node] = 2
        return []

    for start in sorted(edges):
        if start not in state and (found := visit(start, [])):
            return found
    return []


def test_io_modules_import_each_other_without_a_cycle():
    edges = graph()
    assert {"semvec_studio.core.io.vectors", "semvec_studio.core.io.exporters"} <= set(edges)
    assert cycle_in(edges) == []
    assert "semvec_studio.core.io.exporters" not in edges["semvec_studio.core.io.vectors"]


def test_the_cycle_finder_finds_one():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_io_imports_nothing_from_above():
    for path in IO.glob("*.py"):
        above = sorted(m for m in imports_of(path) if m.startswith(ABOVE))
        assert above == [], f"{path.name} imports {above}"

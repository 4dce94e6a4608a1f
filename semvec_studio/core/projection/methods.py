"""The registry of projection methods: name -> :class:`~semvec_studio.core.projection.base.Method`.

Adding a method is one module that defines its function (and its option checks) and a ``METHOD``
entry, plus one line in :data:`BUILT_IN` (or a :func:`register` call from outside). The order of
:data:`METHODS` is the order users see (error messages, the CLI help, the Map tab's menu). No Qt here.
"""

from __future__ import annotations

from semvec_studio.core.errors import UsageError
from semvec_studio.core.projection import axes, pca, tsne, umap
from semvec_studio.core.projection.base import Method

__all__ = ["BUILT_IN", "METHODS", "get_method", "method_available", "register"]

BUILT_IN: tuple[Method, ...] = (pca.METHOD, tsne.METHOD, umap.METHOD, axes.METHOD)
METHODS: dict[str, Method] = {}


def register(method: Method) -> None:
    """Add ``method`` (or replace the one of the same name)."""
    METHODS[method.name] = method


def get_method(name: str) -> Method:
    """The registered method ``name``; :class:`UsageError` naming the choices when there is none."""
    try:
        return METHODS[name]
    except KeyError:
        raise UsageError(f"unknown projection method {name!r}; choose one of: {', '.join(METHODS)}.") from None


def method_available(name: str) -> bool:
    """True when the method is registered and its optional package is installed."""
    method = METHODS.get(name)
    return method is not None and method.available()


for _method in BUILT_IN:
    register(_method)

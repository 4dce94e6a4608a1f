"""Write files and folders so that a failure or Ctrl-C leaves nothing half-written.

Everything is written under a hidden temporary name next to the target and renamed into place
only when complete (a rename within one folder is atomic on POSIX and Windows).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from semvec_studio.core.errors import OutputError


def _check_parent(target: Path) -> None:
    parent = target.parent
    if not parent.exists():
        raise OutputError(f"{parent}: folder does not exist; create it first or choose another output path.")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{parent}: folder is not writable; choose another output path.")


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success it becomes ``target``.

    If ``target`` exists and is not empty, raise :class:`OutputError` unless ``overwrite``; with
    ``overwrite`` the old folder is replaced only once the new one is complete.
    On any exception (including KeyboardInterrupt) the temporary folder is removed.
    """
    target = Path(target).absolute()
    _check_parent(target)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder; choose another output path.")
    if target.exists() and any(target.iterdir()) and not overwrite:
        raise OutputError(f"{target}: folder already exists and is not empty; use --force to replace it or choose another path.")
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    replace_dir(tmp, target)


def replace_dir(src: Path, target: Path) -> None:
    """Move the finished folder ``src`` onto ``target``, replacing an old one safely."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    try:
        os.replace(src, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def atomic_file(target: str | os.PathLike, mode: str = "w", **open_kwargs) -> Iterator:
    """Open a temporary file next to ``target``; rename it onto ``target`` when the block ends well."""
    target = Path(target).absolute()
    _check_parent(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with open(tmp, mode, **open_kwargs) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

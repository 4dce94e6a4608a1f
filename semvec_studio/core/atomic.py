"""Write files and folders so that a failure or Ctrl-C leaves nothing half-written.

Everything is written under a hidden temporary name next to the target and renamed into place
only when complete (a rename within one folder is atomic on POSIX and Windows).

The temporary folder and file are made with the modes of any folder or file the user creates
(0777 and 0666 less the umask), not tempfile's private 0700 and 0600, since they become the output.
An output that cannot be created, written or renamed into place is an :class:`OutputError` naming
it (exit 2, one line), never a bare ``OSError``; the temporary is removed either way.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from semvec_studio.core.errors import OutputError

NAME_ATTEMPTS = 100
_SPACE_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_PLACE_ERRNOS = _SPACE_ERRNOS | {errno.EROFS}  # the place is at fault, whichever write raised it


def _check_parent(target: Path) -> None:
    parent = target.parent
    if not parent.exists():
        raise OutputError(f"{parent}: folder does not exist; create it first or choose another output path.")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{parent}: folder is not writable; choose another output path.")


def _output_error(target: Path, err: OSError) -> OutputError:
    reason = err.strerror or type(err).__name__
    advice = ("free some space or choose another output path" if err.errno in _SPACE_ERRNOS
              else "choose an output path in a folder you can write to")
    return OutputError(f"{target}: cannot be written ({reason}); {advice}.")


def _is_write_failure(exc: BaseException, tmp: Path) -> bool:
    """An OSError from writing the temporary ``tmp`` (or from a full or read-only disk)."""
    if not isinstance(exc, OSError):
        return False
    names = [os.fspath(n) for n in (exc.filename, exc.filename2) if isinstance(n, (str, os.PathLike))]
    return exc.errno in _PLACE_ERRNOS or any(n == os.fspath(tmp) or n.startswith(os.fspath(tmp) + os.sep)
                                             for n in names)


def _make_temporary(target: Path, make: Callable[[Path], None]) -> Path:
    """``make`` a fresh hidden name next to ``target`` (retried on a clash) and return it."""
    for _ in range(NAME_ATTEMPTS):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
        try:
            make(tmp)
            return tmp
        except FileExistsError:
            continue
        except OSError as err:
            raise _output_error(target, err) from err
    raise OutputError(f"{target.parent}: {NAME_ATTEMPTS} temporary names next to {target.name} are taken;"
                      " remove the hidden .partial files there, or choose another output path.")


def _new_file(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))


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
        what = f"{target}: folder already exists and is not empty;"
        raise OutputError(f"{what} use --force to replace it or choose another path.",
                          gui=f"{what} choose another folder, or allow replacing it.")
    tmp = _make_temporary(target, lambda p: os.mkdir(p, 0o777))
    try:
        yield tmp
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if _is_write_failure(exc, tmp):
            raise _output_error(target, exc) from exc
        raise
    try:
        replace_dir(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _output_error(target, exc) from exc


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
    tmp = _make_temporary(target, _new_file)
    try:
        with open(tmp, mode, **open_kwargs) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if _is_write_failure(exc, tmp):
            raise _output_error(target, exc) from exc
        raise

"""Who has a workspace open for writing: an OS lock on a sidecar file (``NAME.semvec.lock``).

The lock is ``fcntl.flock`` on POSIX and ``msvcrt.locking`` on Windows; the operating system
releases it when the process ends, so a crash never leaves a workspace locked. The file says who
holds it (pid, host, since when) so that a second opener can tell the user. On POSIX the holder
removes the file when it closes; an opener checks that the file it locked is still the one at the
path (another holder may have removed it in between) and tries again otherwise.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ATTEMPTS = 20
_WINDOWS_LOCK_OFFSET = 1 << 30  # lock a byte far past the text, so others can still read who holds it


def lock_path(path: str | os.PathLike) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".lock")


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as its file says (any field may be unknown)."""

    pid: int | None = None
    host: str = ""
    since: float | None = None

    def describe(self) -> str:
        parts = [f"process {self.pid}" if self.pid else "another process"]
        if self.host and self.host != socket.gethostname():
            parts.append(f"on {self.host}")
        if self.since:
            parts.append("since " + time.strftime("%Y-%m-%d %H:%M", time.localtime(self.since)))
        return " ".join(parts)


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt  # noqa: PLC0415 - Windows only

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl  # noqa: PLC0415 - POSIX only

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _same_file(fd: int, path: Path) -> bool:
    if sys.platform == "win32":
        return True  # an open file cannot be removed on Windows
    try:
        return os.fstat(fd).st_ino == path.stat().st_ino
    except OSError:
        return False


class WorkspaceLock:
    """The lock of one workspace; :meth:`acquire` returns False when another process holds it."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = lock_path(path)
        self.fd: int | None = None
        self.error: str | None = None  # why the lock file could not be made (a folder that cannot be written)

    def acquire(self) -> bool:
        for _ in range(ATTEMPTS):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as err:
                self.error = err.strerror or str(err)
                return False
            if not _try_lock(fd):
                os.close(fd)
                return False
            if _same_file(fd, self.path):
                self.fd = fd
                self._write_holder()
                return True
            os.close(fd)  # the holder before us removed the file after we opened it: try the new one
        return False

    def _write_holder(self) -> None:
        text = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}).encode()
        os.lseek(self.fd, 0, os.SEEK_SET)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, text)

    def holder(self) -> Holder:
        """Who holds the lock, as far as its file says."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8")[:1000] or "{}")
            return Holder(int(data["pid"]), str(data.get("host", "")), float(data.get("since") or 0) or None)
        except (OSError, ValueError, KeyError, TypeError):
            return Holder()

    def release(self) -> None:
        if self.fd is None:
            return
        if sys.platform != "win32":
            try:
                self.path.unlink()  # while still locked: a waiting opener then sees a new file
            except OSError:
                pass
        os.close(self.fd)  # closing releases the lock
        self.fd = None

    @property
    def held(self) -> bool:
        return self.fd is not None

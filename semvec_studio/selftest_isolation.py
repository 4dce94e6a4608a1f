"""The self-test's isolation checks (``semvec-studio --self-test``): the installation works offline
and on its own.

:class:`NetworkGuard` refuses (and records) every Internet connection while the self-test runs;
the ``offline`` check makes sure the Hugging Face libraries are told to stay offline, and the
``bundle`` check that a frozen bundle loads every module, and every shared library but the
system's, from inside itself.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from semvec_studio.selftest_exports import expect
from semvec_studio.selftest_registry import State, check

# --- network guard --------------------------------------------------------------------------

class NetworkGuard:
    """Refuses (and records) every Internet connection while active; local sockets still work."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self._saved: dict = {}

    def __enter__(self) -> NetworkGuard:
        guard = self

        def refuse(name):
            original = getattr(socket.socket, name)

            def guarded(sock, address, *args):
                if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
                    guard.attempts.append(f"{name} {address!r}")
                    raise OSError(f"self-test: network access refused ({address!r})")
                return original(sock, address, *args)

            return original, guarded

        for name in ("connect", "connect_ex"):
            self._saved[name], guarded = refuse(name)
            setattr(socket.socket, name, guarded)
        return self

    def __exit__(self, *exc) -> None:
        for name, original in self._saved.items():
            setattr(socket.socket, name, original)


def _loopback(address) -> bool:
    host = str(address[0]) if isinstance(address, tuple) and address else ""
    return host in ("localhost", "::1") or host.startswith("127.")


# --- check: the offline settings ------------------------------------------------------------

@check("offline")
def _offline(state: State) -> str:
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        expect(os.environ.get(var) == "1", f"{var} is {os.environ.get(var)!r}, expected '1'")
    from huggingface_hub import constants

    expect(bool(constants.HF_HUB_OFFLINE), "huggingface_hub does not see HF_HUB_OFFLINE")
    return "HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1; Internet sockets refused during the self-test"


# --- check: nothing comes from outside the bundle -------------------------------------------

SYSTEM_LIBRARY_DIRS = ("/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib", "/System/", "/usr/X11", "/nix/store")


@check("bundle")
def _bundle(state: State) -> str:
    from semvec_studio.core.resources import is_frozen

    if not is_frozen():
        return f"not a bundle ({sys.executable}); nothing to check"
    root = Path(sys._MEIPASS).resolve()
    files = {Path(m.__file__) for m in list(sys.modules.values()) if isinstance(getattr(m, "__file__", None), str)}
    outside = sorted(str(f) for f in files if f.is_absolute() and not f.resolve().is_relative_to(root))
    expect(not outside, f"{len(outside)} modules loaded from outside {root}, e.g. {outside[:3]}")
    libraries = _mapped_libraries()
    foreign = sorted(p for p in libraries if not Path(p).resolve().is_relative_to(root) and not p.startswith(SYSTEM_LIBRARY_DIRS))
    expect(not foreign, f"shared libraries loaded from outside the bundle: {foreign[:3]}")
    ours = sum(1 for p in libraries if Path(p).resolve().is_relative_to(root))
    return f"every module from {root}; {ours} of {len(libraries)} shared libraries from the bundle, the rest from the system"


def _mapped_libraries() -> set[str]:
    """The shared libraries mapped into this process (Linux; elsewhere an empty set)."""
    try:
        lines = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return set()
    return {line.split(None, 5)[5] for line in lines
            if len(line.split(None, 5)) == 6 and ".so" in line.rsplit("/", 1)[-1] and line.split(None, 5)[5].startswith("/")}

"""``semvec-studio --self-test``: prove an installation (above all the frozen bundle) works, offline.

Runs headless, in order: the offline settings and a network guard, the shipped resources, the
default model, token/word/sentence vectors of the demo corpus, every registered projection method,
a few fine-tuning steps and a linear probe on the sample labelled CSV, every registered export
format (each read back), and the main window once, offscreen. Every check prints one line,
``PASS name detail`` or ``FAIL name reason``; the last line counts them. Exit status 0 only when
every check passed.

This module runs the checks. They are a registry (:data:`semvec_studio.selftest_registry.CHECKS`,
filled with its :func:`~semvec_studio.selftest_registry.check`), like the exporters and the
projection methods: a new feature adds its check with one function. The checks live in
:mod:`semvec_studio.selftest_isolation` (offline, the network guard, the bundle),
:mod:`semvec_studio.selftest_model` (resources, the model, its vectors),
:mod:`semvec_studio.selftest_jobs` (projections, training, exports, a workspace) and
:mod:`semvec_studio.selftest_interface` (the window, the Chinese interface). Each export format
needs a reader in :data:`semvec_studio.selftest_exports.READERS` (a test makes sure of it). Qt is
imported only by the ``gui`` and ``chinese-ui`` checks, through :mod:`semvec_studio.gui.selftest_window`
and :mod:`semvec_studio.gui.selftest_i18n`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

import semvec_studio.core.offline  # noqa: F401  (HF_HUB_OFFLINE before transformers is imported)
import semvec_studio.selftest_interface  # noqa: F401  (registers its checks)
import semvec_studio.selftest_model  # noqa: F401  (registers its checks)
from semvec_studio.selftest_exports import CheckFailed, expect
from semvec_studio.selftest_isolation import NetworkGuard
from semvec_studio.selftest_jobs import register_export_checks, register_projection_checks
from semvec_studio.selftest_registry import CHECKS, Check, State

# the run order by check group (the name before any ":"); then the rest, then gui and bundle last
ORDER = ("offline", "resources", "model", "extract", "semantics", "project", "train", "export", "workspace", "chinese", "chinese-ui")
LAST = ("gui", "bundle")


def all_checks() -> list[Check]:
    """The registered checks in run order (one per projection method and export format among them)."""
    register_projection_checks()
    register_export_checks()

    def rank(c: Check) -> int:
        group = c.name.split(":")[0]
        return len(ORDER) + 1 + LAST.index(group) if group in LAST else ORDER.index(group) if group in ORDER else len(ORDER)

    return sorted(CHECKS, key=rank)


def run_checks(checks: list[Check], state: State, out=None) -> tuple[int, int]:
    out = out or sys.stdout
    passed = failed = 0
    for c in checks:
        missing = [k for k in c.needs if k not in state.values]
        try:
            expect(not missing, f"needs {', '.join(missing)} from a check that failed above")
            detail = c.run(state)
            print(f"PASS {c.name} {detail}", file=out, flush=True)
            passed += 1
        except Exception as exc:  # noqa: BLE001 - every failure becomes one FAIL line
            reason = str(exc).splitlines()[0] if str(exc) else ""
            if not isinstance(exc, CheckFailed):
                reason = f"{type(exc).__name__}: {reason}"
                if os.environ.get("SEMVEC_SELFTEST_DEBUG"):
                    traceback.print_exc()
            print(f"FAIL {c.name} {reason}", file=out, flush=True)
            state.failed.add(c.name)
            failed += 1
    return passed, failed


def main(out=None) -> int:
    """Run every check; 0 when all passed, 1 otherwise."""
    out = out or sys.stdout
    from semvec_studio.core.offline import quiet_transformers

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="semvec-selftest-") as tmp, NetworkGuard() as guard:
        quiet_transformers()
        passed, failed = run_checks(all_checks(), State(Path(tmp)), out)
    if guard.attempts:
        print(f"FAIL network {len(guard.attempts)} connection attempt(s) refused, first: {guard.attempts[0]}", file=out)
        failed += 1
    else:
        print("PASS network no connection was attempted", file=out)
        passed += 1
    print(f"self-test took {time.perf_counter() - t0:.0f} s", file=out)
    print(f"self-test: {passed} passed, {failed} failed", file=out, flush=True)
    return 0 if failed == 0 else 1

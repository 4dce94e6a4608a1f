"""``semvec-studio --self-test``: the check registry, the network guard, and a full run in a fresh
interpreter on the real bundled model (what the bundle runs in CI)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys

import pytest

from semvec_studio import selftest
from semvec_studio.core.io.exporters import EXPORTERS
from semvec_studio.core.projection.methods import METHODS
from semvec_studio.selftest_exports import READERS

from .conftest import ROOT


def test_run_checks_prints_one_line_per_check_and_counts(tmp_path):
    def ok(state):
        state.values["thing"] = 1
        return "fine"

    def wrong(state):
        selftest.expect(False, "shape (2, 3), expected (2, 384)")

    def crash(state):
        raise ValueError("boom\nsecond line")

    checks = [selftest.Check("a", ok), selftest.Check("b", wrong), selftest.Check("c", crash),
              selftest.Check("d", ok, needs=("thing",)), selftest.Check("e", ok, needs=("missing",))]
    out = io.StringIO()
    passed, failed = selftest.run_checks(checks, selftest.State(tmp_path), out)
    assert (passed, failed) == (2, 3)
    assert out.getvalue().splitlines() == [
        "PASS a fine",
        "FAIL b shape (2, 3), expected (2, 384)",
        "FAIL c ValueError: boom",
        "PASS d fine",
        "FAIL e needs missing from a check that failed above",
    ]


def test_every_projection_and_export_format_gets_a_check():
    names = [c.name for c in selftest.all_checks()]
    assert [n for n in names if n.startswith("project:")] == [f"project:{m}" for m in METHODS]
    assert [n for n in names if n.startswith("export:")] == [f"export:{f}" for f in EXPORTERS]
    assert names[:3] == ["offline", "resources", "model"] and names[-2:] == ["gui", "bundle"]


def test_every_export_format_has_a_read_back_check():
    missing = sorted(set(EXPORTERS) - set(READERS))
    assert not missing, f"add a reader for {missing} to semvec_studio.selftest_exports.READERS"


def test_network_guard_refuses_the_internet_but_not_loopback():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        with selftest.NetworkGuard() as guard:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(OSError, match="refused"):
                s.connect(("192.0.2.1", 80))  # TEST-NET-1: refused by the guard before any packet
            with socket.create_connection(server.getsockname(), timeout=5):
                pass
        assert guard.attempts == ["connect ('192.0.2.1', 80)"]
    finally:
        server.close()
    assert socket.socket.connect is not None and "guarded" not in socket.socket.connect.__name__


@pytest.mark.slow
def test_self_test_passes_on_the_bundled_model():
    """The whole self-test, through the app's --self-test flag, in a fresh interpreter."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = "import sys; from semvec_studio.launch import main; sys.exit(main(['--self-test']))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=280, cwd=ROOT, env=env)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(("PASS ", "FAIL "))]
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert lines and all(line.startswith("PASS ") for line in lines), proc.stdout
    names = {line.split()[1] for line in lines}
    expected = {"offline", "resources", "model", "extract", "semantics", "train:finetune", "train:probe", "gui", "bundle", "network",
                "chinese", "chinese-ui", "workspace"}
    expected |= {f"project:{m}" for m in METHODS} | {f"export:{f}" for f in EXPORTERS}
    assert names == expected
    assert proc.stdout.splitlines()[-1] == f"self-test: {len(lines)} passed, 0 failed"

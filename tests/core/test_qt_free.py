"""The core (and the CLI) never import Qt: every module under semvec_studio/core is imported in a
fresh interpreter, which must end with no PySide6 or pyqtgraph module loaded."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import semvec_studio.core

CODE = r"""
import json, pkgutil, sys
import semvec_studio.core
names = sorted(m.name for m in pkgutil.walk_packages(semvec_studio.core.__path__, "semvec_studio.core."))
for name in names + ["semvec_studio.cli"]:
    __import__(name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "pyqtgraph", "PyQt5", "PyQt6", "shiboken6"))
print(json.dumps({"imported": names, "qt": qt}))
"""


def test_core_imports_no_qt():
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["qt"] == []
    on_disk = {f"semvec_studio.core.{p.stem}" for p in Path(semvec_studio.core.__file__).parent.glob("*.py") if p.stem != "__init__"}
    assert on_disk <= set(result["imported"])  # every module was really imported
    assert {"semvec_studio.core.extract.encode", "semvec_studio.core.models", "semvec_studio.core.io.vectors"} <= set(result["imported"])
    assert len(result["imported"]) == len(list(pkgutil.walk_packages(semvec_studio.core.__path__, "semvec_studio.core.")))

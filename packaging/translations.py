"""Build the app's translations: ``resources/translations/<name>.ts`` -> ``<name>.qm`` with
pyside6-lrelease, for each .qm missing or older than its .ts (what ``make qm`` does; the bundle
build and the tests call :func:`build` so that neither depends on having run make first).

Standard library only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"


def lrelease() -> str:
    """The pyside6-lrelease beside this Python (a venv's bin/ or Scripts/), else on PATH."""
    here = Path(sys.executable).parent
    for name in ("pyside6-lrelease", "pyside6-lrelease.exe"):
        if (here / name).is_file():
            return str(here / name)
    found = shutil.which("pyside6-lrelease")
    if found is None:
        raise SystemExit("pyside6-lrelease not found: install PySide6 (pip install -e .) in this environment")
    return found


def stale(folder: Path = TRANSLATIONS) -> list[Path]:
    """The .ts files whose .qm is missing or older."""
    return [ts for ts in sorted(folder.glob("*.ts"))
            if not ts.with_suffix(".qm").is_file() or ts.with_suffix(".qm").stat().st_mtime < ts.stat().st_mtime]


def build(folder: Path = TRANSLATIONS) -> list[Path]:
    """Build every stale .qm; returns the .qm files built."""
    built = []
    for ts in stale(folder):
        qm = ts.with_suffix(".qm")
        subprocess.run([lrelease(), "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    return built


if __name__ == "__main__":
    for path in build():
        print(f"built {path.relative_to(ROOT)}")

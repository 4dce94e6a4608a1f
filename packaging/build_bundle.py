"""Build the desktop bundle: ``python packaging/build_bundle.py [--clean]`` (what ``make bundle`` runs).

Builds the translations (.qm) when stale, runs PyInstaller on packaging/semvec_studio.spec into
``dist/semvec-studio/``, then writes
``dist/semvec-studio-<version>-<platform>.tar.gz`` (``.zip`` on Windows) of that folder, written
under a temporary name and renamed when complete. Prints the build time and the sizes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
import bundle_config as cfg  # noqa: E402
import translations  # noqa: E402

SPEC = ROOT / "packaging" / "semvec_studio.spec"


def version() -> str:
    text = (ROOT / "semvec_studio" / "__init__.py").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise SystemExit("semvec_studio/__init__.py has no __version__")


def folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def archive_path(dist: Path) -> Path:
    suffix = ".zip" if sys.platform == "win32" else ".tar.gz"
    return dist / f"{cfg.APP_NAME}-{version()}-{cfg.platform_tag()}{suffix}"


def make_archive(folder: Path, target: Path) -> Path:
    """The folder as one archive whose top entry is the folder's name (symlinks kept on POSIX)."""
    partial = target.with_name(target.name + ".part")
    if target.suffix == ".zip":
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for path in sorted(folder.rglob("*")):
                zf.write(path, path.relative_to(folder.parent))
    else:
        with tarfile.open(partial, "w:gz", compresslevel=6) as tf:
            tf.add(folder, arcname=folder.name)
    os.replace(partial, target)
    return target


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clean", action="store_true", help="rebuild from scratch (PyInstaller's cache and dist/ removed)")
    p.add_argument("--dist", default=str(ROOT / "dist"), help="output folder (default dist/)")
    p.add_argument("--work", default=str(ROOT / "build" / "pyinstaller"), help="PyInstaller's work folder")
    args = p.parse_args(argv)
    dist, work = Path(args.dist), Path(args.work)
    folder = dist / cfg.APP_NAME
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    if args.clean:
        cmd.insert(3, "--clean")
        shutil.rmtree(folder, ignore_errors=True)
    t0 = time.perf_counter()
    translations.build()  # resources/translations/*.qm, which the spec copies with resources/
    subprocess.run(cmd, check=True, cwd=ROOT)
    built = time.perf_counter() - t0
    for old in dist.glob(f"{cfg.APP_NAME}-*-{cfg.platform_tag()}.*"):
        old.unlink()
    t1 = time.perf_counter()
    archive = make_archive(folder, archive_path(dist))
    archived = time.perf_counter() - t1
    mb = 1024 * 1024
    print(f"bundle: built {folder} in {built:.0f} s ({folder_size(folder) / mb:.0f} MiB); "
          f"archive {archive.name} in {archived:.0f} s ({archive.stat().st_size / mb:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure and prove the built bundle: ``python packaging/measure_bundle.py [--runs 5]``.

Prints, for dist/semvec-studio and its archive:

* sizes: the folder (bytes of its files) and the archive, and the biggest items inside;
* start-up: seconds from launching ``semvec-studio --time-startup`` (offscreen) until it reports the
  first shown window, median of ``--runs`` runs (and the app's own count from its first import);
* relocation: the bundle copied to a new folder whose path has a space, the original folder
  moved away, HOME an empty folder, and no network (``unshare -rn`` when the kernel allows it,
  else only the self-test's own socket guard): ``--self-test``, a CLI command
  (``semvec-studio extract``) and ``--screenshots`` must all succeed there.

Linux and macOS (Windows: run the same commands by hand). Exit status 0 only if every step passed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
import bundle_config as cfg  # noqa: E402

MB = 1024 * 1024


def files_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def biggest(internal: Path, count: int = 15) -> list[tuple[int, str]]:
    """The largest top-level items of _internal/ (folders summed), then the largest single files."""
    items = [(files_size(p) if p.is_dir() else p.lstat().st_size, p.name + ("/" if p.is_dir() else "")) for p in internal.iterdir()]
    return sorted(items, reverse=True)[:count]


def biggest_files(internal: Path, count: int = 12) -> list[tuple[int, str]]:
    files = [(p.lstat().st_size, p.relative_to(internal).as_posix()) for p in internal.rglob("*") if p.is_file() and not p.is_symlink()]
    return sorted(files, reverse=True)[:count]


def network_wrapper() -> list[str]:
    """``unshare -rn`` (a new user + network namespace: only a loopback that is down) if it works."""
    if sys.platform.startswith("linux") and shutil.which("unshare"):
        for cmd in (["unshare", "-rn"], ["unshare", "-n"]):
            if subprocess.run([*cmd, "true"], capture_output=True).returncode == 0:
                return cmd
    return []


def startup_times(exe: Path, runs: int, env: dict) -> tuple[list[float], list[float]]:
    outer, inner = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(exe), "--time-startup"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        for line in proc.stdout:
            if line.startswith("startup: first window after "):
                outer.append(time.perf_counter() - t0)
                inner.append(float(line.split()[-2]))
                break
        proc.wait(timeout=120)
        if proc.returncode != 0:
            raise SystemExit(f"--time-startup exited {proc.returncode}")
    return outer, inner


def run(step: str, cmd: list[str], env: dict, cwd: Path, timeout: int = 600) -> tuple[bool, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    ok = proc.returncode == 0
    print(f"{'PASS' if ok else 'FAIL'} {step}: exit {proc.returncode} in {time.perf_counter() - t0:.0f} s", flush=True)
    return ok, proc.stdout + proc.stderr


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dist", default=str(ROOT / "dist"))
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args(argv)
    dist = Path(args.dist)
    bundle = dist / cfg.APP_NAME
    exe = bundle / (cfg.APP_NAME + (".exe" if sys.platform == "win32" else ""))
    if not exe.is_file():
        raise SystemExit(f"{exe}: not built; run make bundle first")
    archives = sorted(dist.glob(f"{cfg.APP_NAME}-*.tar.gz")) + sorted(dist.glob(f"{cfg.APP_NAME}-*.zip"))

    size = files_size(bundle)
    print(f"folder   {bundle}: {size / MB:.0f} MiB ({size / 1e6:.0f} MB), {sum(1 for _ in bundle.rglob('*'))} entries")
    for a in archives:
        print(f"archive  {a.name}: {a.stat().st_size / MB:.0f} MiB ({a.stat().st_size / 1e6:.0f} MB)")
    internal = bundle / "_internal"
    print("biggest items of _internal/ (MiB):")
    for n, name in biggest(internal):
        print(f"  {n / MB:7.1f}  {name}")
    print(f"  {exe.stat().st_size / MB:7.1f}  {exe.name} (launcher + bytecode archive)")
    print("biggest files (MiB):")
    for n, name in biggest_files(internal):
        print(f"  {n / MB:7.1f}  {name}")

    ok = True
    with tempfile.TemporaryDirectory(prefix="semvec-measure-") as tmp:
        tmp = Path(tmp)
        home = tmp / "empty home"
        home.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SEMVEC_", "HF_", "TRANSFORMERS_", "XDG_"))}
        env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen")

        outer, inner = startup_times(exe, args.runs, env)
        print(f"start-up to the first window, {args.runs} runs (s): " + " ".join(f"{t:.2f}" for t in outer)
              + f"; median {statistics.median(outer):.2f} s from launch "
              f"({statistics.median(inner):.2f} s from the app's first import)")

        copy = tmp / "else where" / cfg.APP_NAME
        shutil.copytree(bundle, copy, symlinks=True)
        away = bundle.with_name(bundle.name + ".moved-away")
        bundle.rename(away)  # nothing may fall back on the original location
        try:
            net = network_wrapper()
            print(f"relocated copy: {copy}; HOME={home} (empty); network: "
                  + (f"none ({' '.join(net)}: a new network namespace)" if net else "present (no unshare here): self-test socket guard only"))
            cexe = [*net, str(copy / exe.name)]
            good, out = run("self-test from the copy", [*cexe, "--self-test"], env, tmp)
            ok &= good
            print("\n".join("    " + line for line in out.splitlines() if line.startswith(("PASS", "FAIL", "self-test"))))
            corpus = copy / "_internal" / "resources" / "demo" / "corpus.txt"
            good, out = run("CLI from the copy (semvec-studio extract --format parquet)",
                            [*cexe, "extract", str(corpus), "-o", str(tmp / "words"), "--level", "word",
                             "--format", "parquet,csv", "--quiet"], env, tmp)
            ok &= good and (tmp / "words" / "vectors.parquet").is_file()
            if not good:
                print(out[-2000:])
            good, out = run("--screenshots from the copy", [*cexe, "--screenshots", str(tmp / "shots")], env, tmp)
            shots = sorted(p.name for p in (tmp / "shots").glob("*.png"))
            ok &= good and bool(shots)
            print(f"    {len(shots)} screenshots: {', '.join(shots)}")
            if not good:
                print(out[-2000:])
        finally:
            away.rename(bundle)
        leftovers = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
        print(f"written under the empty HOME: {leftovers[:8] if leftovers else 'nothing'}")
    print("measure: all steps passed" if ok else "measure: a step FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

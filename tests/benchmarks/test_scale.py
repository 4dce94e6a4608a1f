"""Scale benchmarks for issue 17 (run by hand; each prints a BENCH line):

- peak RSS of `semvec extract --shard-rows` (ROWS/20 rows a shard) at SEMVEC_SCALE_ROWS (default
  2,000,000) and at a tenth of it, short texts through a tiny random model (2 layers, 64 dims, the default model's
  tokenizer): flat, since the input is streamed and the vectors go to disk a shard at a time;
- `--resume` after kill -9 at ~60% of the large run: time to finish, shards byte-equal to the
  uninterrupted run;
- `--engine ray` (a local instance, 2 workers) against the local engine on the smaller input.

    SEMVEC_SCALE_ROWS=2000000 QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -s -p no:cacheprovider \
        tests/benchmarks/test_scale.py

The runs share one folder (SEMVEC_SCALE_DIR, default a pytest temporary folder) in file order.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.benchmarks.conftest import report
from tests.checkpoints import WORDS

ROWS = int(os.environ.get("SEMVEC_SCALE_ROWS", "2000000"))
SMALL = ROWS // 10
SHARD_ROWS = int(os.environ.get("SEMVEC_SCALE_SHARD_ROWS", str(max(1, ROWS // 20))))
BATCH = "128"
# This process's peak RSS. The tokenising child (the producer, one a shard) is not in it: on Linux a spawned child's
# ru_maxrss starts at its parent's high-water mark, so RUSAGE_CHILDREN would overstate it; ps shows it at 55-63 MB.
PEAK = ("import resource, sys; from semvec_studio.cli import main; rc = main(sys.argv[1:]); "
        "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stderr); sys.exit(rc)")
pytestmark = pytest.mark.timeout(6 * 3600)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    given = os.environ.get("SEMVEC_SCALE_DIR")
    folder = Path(given) if given else tmp_path_factory.mktemp("scale")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def tiny64(folder: Path) -> Path:
    """A randomly initialised BERT (2 layers, 64 dims, 2 heads) with the default model's tokenizer."""
    if (folder / "config.json").is_file():
        return folder
    import torch
    from transformers import AutoTokenizer, BertConfig, BertModel

    from semvec_studio.core.checkpoints import resolve_model_path

    tok = AutoTokenizer.from_pretrained(resolve_model_path("default"))
    torch.manual_seed(0)
    model = BertModel(BertConfig(vocab_size=len(tok), hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                                 intermediate_size=128, max_position_embeddings=512))
    model.eval()
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def texts_file(path: Path, n: int) -> Path:
    """``n`` short texts (3-12 words), seeded; the first ``m`` lines of every such file are the same."""
    if path.is_file():
        return path
    words = list(WORDS)
    rng = random.Random(17)
    with open(path, "w", encoding="utf-8") as fh:
        for _ in range(n):
            fh.write(" ".join(rng.choices(words, k=rng.randint(3, 12))) + "\n")
    return path


def extract_cmd(inp: Path, model: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", PEAK, "extract", str(inp), "--model", str(model), "--shard-rows", str(SHARD_ROWS),
            "--batch-size", BATCH, "--quiet", "-o", str(out), *extra]


def run_peak(cmd: list[str]) -> tuple[float, float]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert done.returncode == 0, done.stderr[-2000:]
    return float(done.stderr.split("PEAK")[-1]), time.perf_counter() - t0


def shard_bytes_equal(a: Path, b: Path) -> bool:
    names = sorted(p.relative_to(a) for p in a.glob("part-*/*") if p.name != "manifest.json")
    return names == sorted(p.relative_to(b) for p in b.glob("part-*/*") if p.name != "manifest.json") and all(
        (a / n).read_bytes() == (b / n).read_bytes() for n in names)


def test_peak_rss_is_flat(work):
    model = tiny64(work / "tiny64")
    figures = {}
    for n in sorted({SMALL, ROWS}):
        inp = texts_file(work / f"texts-{n}.txt", n)
        out = work / f"local-{n}"
        shutil.rmtree(out, ignore_errors=True)
        peak, secs = run_peak(extract_cmd(inp, model, out))
        figures[n] = peak
        size = sum(p.stat().st_size for p in out.glob("part-*/vectors.npy")) / 2**20
        report("scale_rss", rows=n, shards=len(list(out.glob("part-*"))), peak_rss_mb=f"{peak:.0f}", seconds=f"{secs:.0f}",
               texts_per_s=f"{n / secs:.0f}", vectors_mb=f"{size:.0f}")
    assert figures[ROWS] < 1.25 * figures[SMALL], figures


def test_resume_after_kill_9(work):
    model = tiny64(work / "tiny64")
    inp = texts_file(work / f"texts-{ROWS}.txt", ROWS)
    whole, cut = work / f"local-{ROWS}", work / f"cut-{ROWS}"
    if not (whole / "manifest.json").is_file():
        run_peak(extract_cmd(inp, model, whole))
    shutil.rmtree(cut, ignore_errors=True)
    shards = -(-ROWS // SHARD_ROWS)
    at = max(1, round(0.6 * shards))
    t0 = time.perf_counter()
    proc = subprocess.Popen(extract_cmd(inp, model, cut), stderr=subprocess.DEVNULL, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    while not (cut / f"part-{at:05d}").exists() and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_after = time.perf_counter() - t0
    assert proc.returncode == -signal.SIGKILL
    peak, secs = run_peak(extract_cmd(inp, model, cut, "--resume"))
    equal = shard_bytes_equal(cut, whole)
    report("scale_resume", rows=ROWS, shards=shards, killed_at_shard=at + 1, killed_after_s=f"{killed_after:.0f}",
           resume_s=f"{secs:.0f}", resume_peak_rss_mb=f"{peak:.0f}", byte_equal=equal)
    assert equal


def test_ray_against_the_local_engine(work):
    pytest.importorskip("ray", reason="needs the ray extra")
    from semvec_studio.core.io.vectors import EmbeddingSet

    model = tiny64(work / "tiny64")
    inp = texts_file(work / f"texts-{SMALL}.txt", SMALL)
    local, by_ray = work / f"local-{SMALL}", work / f"ray-{SMALL}"
    shutil.rmtree(local, ignore_errors=True)
    shutil.rmtree(by_ray, ignore_errors=True)
    _, local_s = run_peak(extract_cmd(inp, model, local))
    _, ray_s = run_peak(extract_cmd(inp, model, by_ray, "--engine", "ray", "--workers", "2"))
    a, b = EmbeddingSet.load(local), EmbeddingSet.load(by_ray)
    diff = float(max(np.abs(a.vectors[i:i + SHARD_ROWS] - b.vectors[i:i + SHARD_ROWS]).max() for i in range(0, len(a), SHARD_ROWS)))
    same_meta = all(list(a.metadata[k]) == list(b.metadata[k]) for k in a.metadata)
    report("scale_ray", rows=SMALL, local_s=f"{local_s:.0f}", ray_s=f"{ray_s:.0f}", ray_over_local=f"{ray_s / local_s:.2f}",
           max_abs_diff=f"{diff:.2g}", same_metadata=same_meta, cpus=os.cpu_count())
    assert diff <= 1e-6 and same_meta

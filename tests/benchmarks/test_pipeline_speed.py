"""Host-side cost of the encode loop (issue 17, "a pipeline that keeps an accelerator busy").

A tiny random model (2 layers, 64 dims, the default model's tokenizer: ``test_scale.tiny64``) is
cheap, as a big model is on a GPU, so what shows is the host's work. On SEMVEC_PIPE_TEXTS (default
60,000) SST-2 sentences, each as a whole process, alternating, ROUNDS rounds, medians:

- ``bare``: a loop that only tokenises (sorted by length, padded per batch) and runs the forward
  pass with mean pooling into a preallocated array; its own timer (no start-up) is ``bare_inner``;
- ``semvec``: ``semvec extract --level sentence`` (vectors.npy, metadata.tsv, manifest), as the
  installed command runs it (``cli.entry``);
- ``st``: sentence-transformers ``encode`` (+ ``np.save``) with the same checkpoint and mean pooling;
- ``levels``: the core's ``extract`` of token, word and sentence levels in one pass (the CLI
  writes one level a run), with the producer as the CLI and the app use it; its own timer is
  ``levels_inner``.

Targets: ``st / semvec >= 1.8`` (whole processes); ``bare_inner / levels_inner >= 0.8``.
With SEMVEC_PIPE_BASELINE=DIR (a folder holding another version's ``semvec_studio`` package,
e.g. ``git archive HEAD~1 semvec_studio | tar -x -C DIR``), ``semvec_before`` and ``levels_before``
run that version in the same rounds, for before/after figures from one run.
Batch size 32 everywhere (both tools' default); torch threads SEMVEC_BENCH_THREADS (default 1: on
a shared, loaded machine more threads spin against each other and measure the load, not the code).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -s -p no:cacheprovider tests/benchmarks/test_pipeline_speed.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.benchmarks.conftest import report, sst2_sentences
from tests.benchmarks.test_scale import tiny64

ROUNDS = int(os.environ.get("SEMVEC_PIPE_ROUNDS", "3"))
TEXTS = int(os.environ.get("SEMVEC_PIPE_TEXTS", "60000"))
THREADS = os.environ.get("SEMVEC_BENCH_THREADS", "1")
BASELINE = os.environ.get("SEMVEC_PIPE_BASELINE")
BATCH = 32
pytestmark = pytest.mark.timeout(3600)

BARE = """
import sys, time, numpy as np, torch
from transformers import AutoModel, AutoTokenizer
model_dir, inp = sys.argv[1:3]
tok, model = AutoTokenizer.from_pretrained(model_dir), AutoModel.from_pretrained(model_dir).eval()
texts = open(inp, encoding="utf-8").read().splitlines()
t0 = time.perf_counter()
order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
out = np.empty((len(texts), model.config.hidden_size), dtype=np.float32)
with torch.inference_mode():
    for b in range(0, len(order), {batch}):
        idx = order[b : b + {batch}]
        enc = tok([texts[i] for i in idx], padding=True, return_tensors="pt")
        hidden = model(**enc).last_hidden_state
        m = enc["attention_mask"].unsqueeze(-1).float()
        out[idx] = ((hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)).numpy()
print("INNER", time.perf_counter() - t0)
""".replace("{batch}", str(BATCH))

ST = """
import sys, numpy as np
from sentence_transformers import SentenceTransformer
st_dir, inp, out = sys.argv[1:4]
texts = open(inp, encoding="utf-8").read().splitlines()
np.save(out, SentenceTransformer(st_dir, device="cpu").encode(texts, batch_size={batch}))
""".replace("{batch}", str(BATCH))

LEVELS = """
import inspect, sys, time
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import load_model
model_dir, inp = sys.argv[1:3]
lm = load_model(model_dir, device="cpu")
texts = open(inp, encoding="utf-8").read().splitlines()
as_the_cli = {"producer": None} if "producer" in inspect.signature(extract).parameters else {}  # older versions had none
t0 = time.perf_counter()
sets = extract(lm, texts, ExtractOptions(levels=("token", "word", "sentence"), batch_size={batch}), **as_the_cli)
print("INNER", time.perf_counter() - t0, {k: len(v) for k, v in sets.items()})
""".replace("{batch}", str(BATCH))


def st_folder(model: Path, folder: Path) -> Path:
    """A sentence-transformers model (Transformer + mean Pooling) over the same checkpoint."""
    if (folder / "modules.json").is_file():
        return folder
    from sentence_transformers import SentenceTransformer, models  # noqa: PLC0415 - optional extra (bench)

    word = models.Transformer(str(model))
    pool = models.Pooling(word.get_embedding_dimension(), "mean")
    SentenceTransformer(modules=[word, pool], device="cpu").save(str(folder))
    return folder


# the `semvec` command as installed (cli.entry: it ends without Python's teardown); a baseline version without it: main
CLI = ("import sys, semvec_studio.cli as cli\n"
       "if hasattr(cli, 'entry'): cli.entry(sys.argv[1:])\n"
       "sys.exit(cli.main(sys.argv[1:]))")


def _run(cmd: list[str], cwd: Path, src: str | None = None) -> tuple[float, float | None]:
    """Run ``cmd`` from ``cwd`` (not the checkout, so ``src`` on PYTHONPATH wins over it); wall time and its INNER time."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS=THREADS, MKL_NUM_THREADS=THREADS)
    if src:
        env["PYTHONPATH"] = src
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
    secs = time.perf_counter() - t0
    assert done.returncode == 0, done.stderr[-3000:]
    inner = [line for line in done.stdout.splitlines() if line.startswith("INNER")]
    return secs, float(inner[0].split()[1]) if inner else None


def test_pipeline_ratios(shared_data, tmp_path_factory):
    pytest.importorskip("sentence_transformers", reason="the comparison needs the 'bench' extra")
    import torch  # noqa: PLC0415 - the capability is reported, torch is not needed before

    work = tmp_path_factory.mktemp("pipeline")
    model = tiny64(work / "tiny64")
    st_dir = st_folder(model, work / "st64")
    inp = work / "sst2.txt"
    inp.write_text("\n".join(sst2_sentences(shared_data, TEXTS)) + "\n", encoding="utf-8")
    semvec = [sys.executable, "-c", CLI, "extract", str(inp), "--model", str(model), "--level", "sentence",
              "--batch-size", str(BATCH), "--quiet", "--force", "-o"]
    levels = [sys.executable, "-c", LEVELS, str(model), str(inp)]
    cmds = {
        "bare": ([sys.executable, "-c", BARE, str(model), str(inp)], None),
        "semvec": ([*semvec, str(work / "out")], None),
        "st": ([sys.executable, "-c", ST, str(st_dir), str(inp), str(work / "st.npy")], None),
        "levels": (levels, None),
    }
    if BASELINE:
        cmds.update(semvec_before=([*semvec, str(work / "out_before")], BASELINE), levels_before=(levels, BASELINE))
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(ROUNDS):
        for name, (cmd, src) in cmds.items():
            secs, inner = _run(cmd, work, src)
            times[name].append(secs)
            if inner is not None:
                times.setdefault(f"{name}_inner", []).append(inner)
    med = {k: statistics.median(v) for k, v in times.items()}
    sentence_vs_st = med["st"] / med["semvec"]
    levels_vs_bare = med["bare_inner"] / med["levels_inner"]
    report("pipeline", texts=TEXTS, rounds=ROUNDS, batch=BATCH, threads=THREADS, cpu=torch.backends.cpu.get_cpu_capability(),
           **{f"{k}_s": f"{v:.2f}" for k, v in med.items()}, ratio_sentence_vs_st=f"{sentence_vs_st:.2f}",
           ratio_levels_vs_bare=f"{levels_vs_bare:.2f}", levels_whole_vs_bare_whole=f"{med['bare'] / med['levels']:.2f}")
    if BASELINE:
        report("pipeline_before", ratio_sentence_vs_st=f"{med['st'] / med['semvec_before']:.2f}",
               ratio_levels_vs_bare=f"{med['bare_inner'] / med['levels_before_inner']:.2f}",
               semvec_speedup=f"{med['semvec_before'] / med['semvec']:.2f}",
               levels_speedup=f"{med['levels_before_inner'] / med['levels_inner']:.2f}")
    if BASELINE:
        import numpy as np  # noqa: PLC0415 - only for the before/after check

        # batches made of other texts (a change of chunk size) move a vector by float rounding only
        diff = float(np.abs(np.load(work / "out" / "vectors.npy") - np.load(work / "out_before" / "vectors.npy")).max())
        same_meta = (work / "out" / "metadata.tsv").read_bytes() == (work / "out_before" / "metadata.tsv").read_bytes()
        report("pipeline_equal", sentence_vectors_max_abs_diff=f"{diff:.2g}", metadata_identical=same_meta)
        assert same_meta and diff <= 1e-6
    assert sentence_vs_st >= 1.8
    assert levels_vs_bare >= 0.8

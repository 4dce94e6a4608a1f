"""Saving a fine-tuning run: each save writes a complete new version of the output folder (the
best model so far, the documents, and while unfinished the resumable ``checkpoint/``) and renames
it into place, so a crash leaves the last good version. Unchanged big files are hard-linked from
the previous version, not copied. The layout is in :mod:`semvec_studio.core.train.runfolder`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from semvec_studio.core.atomic import atomic_dir
from semvec_studio.core.errors import ModelError
from semvec_studio.core.jsonio import write_json
from semvec_studio.core.train.runfolder import (
    CHECKPOINT_DIR,
    MODEL_FILES,
    OPTIMIZER_FILE,
    STATE_FILE,
    RunFiles,
    RunState,
    run_metrics,
    write_documents,
)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def save_optimizer(path: Path, optimizer) -> None:
    """AdamW moments per parameter index + the RNG states, as safetensors (no pickle)."""
    tensors = {}
    for i, st in optimizer.state_dict()["state"].items():
        for key, value in st.items():
            t = value if torch.is_tensor(value) else torch.tensor(value, dtype=torch.float32)
            tensors[f"state.{i}.{key}"] = t.detach().cpu().contiguous()
    tensors["rng.cpu"] = torch.get_rng_state()
    if torch.cuda.is_available():
        for i, s in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{i}"] = s
    save_file(tensors, str(path))


def load_optimizer(path: Path, optimizer, device: str) -> None:
    """Restore what :func:`save_optimizer` wrote into a freshly built optimizer, and the RNGs."""
    try:
        tensors = load_file(str(path))
    except Exception as exc:
        what = f"{path}: the optimizer state cannot be read ({exc}); the checkpoint is damaged; start a new run"
        raise ModelError(f"{what} with --force.", gui=f"{what}.") from exc
    sd = optimizer.state_dict()
    state: dict[int, dict] = {}
    for name, t in tensors.items():
        if name.startswith("state."):
            _, i, key = name.split(".", 2)
            state.setdefault(int(i), {})[key] = t if key == "step" else t.to(device)
    sd["state"] = state
    optimizer.load_state_dict(sd)
    torch.set_rng_state(tensors["rng.cpu"])
    cuda = [tensors[k] for k in sorted(k for k in tensors if k.startswith("rng.cuda."))]
    if cuda and torch.cuda.is_available() and len(cuda) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(cuda)


def save_run(outdir: Path, *, model, tokenizer, optimizer, state: RunState, files: RunFiles, best_is_current: bool,
             finished: bool, overwrite: bool, keep_checkpoint: bool = False, extra_tensors: dict | None = None) -> None:
    """Write a complete new version of ``outdir`` and rename it into place. ``extra_tensors``: more
    safetensors files for checkpoint/ (file name -> {name: tensor})."""
    previous = outdir if (outdir / MODEL_FILES[1]).is_file() else None
    with atomic_dir(outdir, overwrite=overwrite) as tmp:
        ckpt = tmp / CHECKPOINT_DIR
        if not finished or keep_checkpoint or best_is_current or previous is None:
            model.save_pretrained(ckpt)
            save_optimizer(ckpt / OPTIMIZER_FILE, optimizer)
            for name, tensors in (extra_tensors or {}).items():
                save_file({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, str(ckpt / name))
            write_json(ckpt / STATE_FILE, state.as_dict())
        best_src = ckpt if (best_is_current or previous is None) else previous
        for name in MODEL_FILES:
            _link_or_copy(best_src / name, tmp / name)
        tokenizer.save_pretrained(tmp)
        write_documents(tmp, files, run_metrics(state, files.data), state.history)
        if finished and not keep_checkpoint:
            shutil.rmtree(ckpt, ignore_errors=True)

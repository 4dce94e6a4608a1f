"""The training output folder, written atomically at every evaluation and on cancel.

Layout of OUTDIR (always complete: each save builds a new folder and renames it into place)::

    config.json, model.safetensors, tokenizer files   the best model so far (loadable by
                                                      transformers and by this app)
    metrics.json    the best model's validation report + run status
    loss.csv        step, epoch, train_loss, lr, val_loss, accuracy, macro_f1
    params.json     the run's parameters (and what they resolved to)
    split.json      which rows were held out for validation
    checkpoint/     only while the run is unfinished: the weights at the last saved step (the
                    averaged ones, see :mod:`train_average`; the raw ones in
                    train_weights.safetensors), optimizer.safetensors (AdamW moments + RNG
                    state) and state.json; what ``--resume`` continues from. No pickle anywhere.

Unchanged big files are hard-linked from the previous version of the folder, not copied.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from semvec_studio.core.atomic import atomic_dir
from semvec_studio.core.errors import ModelError, OutputError, UsageError
from semvec_studio.core.train.metrics import write_loss_csv

CHECKPOINT_DIR = "checkpoint"
STATE_FILE = "state.json"
OPTIMIZER_FILE = "optimizer.safetensors"
MODEL_FILES = ("config.json", "model.safetensors")
STATE_VERSION = 1


@dataclass
class RunState:
    """Where a run is: everything besides weights and optimizer moments that resume needs."""

    step: int = 0
    top: dict | None = None  # the report with the best validation figure so far
    best_step: int | None = None  # the kept checkpoint: the latest within --ties-within of the best
    best_report: dict | None = None
    bad_evals: int = 0
    average: dict | None = None  # the weight average's bookkeeping (train_average.WeightAverage.state)
    history: list[dict] = field(default_factory=list)
    status: str = "running"
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"version": STATE_VERSION, **self.__dict__}

    @classmethod
    def from_dict(cls, d: dict) -> RunState:
        fields = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        return cls(**fields)


def check_output(outdir: str | os.PathLike, *, overwrite: bool, resume: bool) -> Path:
    """Fail fast, before any work, on an output folder that a new run must not replace."""
    out = Path(outdir).absolute()
    if not out.parent.is_dir():
        raise OutputError(f"{out.parent}: folder does not exist; create it first or choose another output path.")
    if resume:
        if not (out / CHECKPOINT_DIR / STATE_FILE).is_file():
            why = "the run finished" if (out / "metrics.json").is_file() else "it holds no training run"
            raise UsageError(f"{out}: nothing to resume ({why}: no {CHECKPOINT_DIR}/{STATE_FILE}); start a new run (with --force to replace it).")
        return out
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder; choose another output path.")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        hint = " or --resume to continue it" if (out / CHECKPOINT_DIR / STATE_FILE).is_file() else ""
        raise OutputError(f"{out}: folder already exists and is not empty; use --force to replace it{hint}, or choose another path.")
    return out


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def save_optimizer(path: Path, optimizer) -> None:
    """AdamW moments per parameter index + the RNG states, as safetensors (no pickle)."""
    import torch
    from safetensors.torch import save_file

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
    import torch
    from safetensors.torch import load_file

    try:
        tensors = load_file(str(path))
    except Exception as exc:
        raise ModelError(f"{path}: the optimizer state cannot be read ({exc}); the checkpoint is damaged; start a new run with --force.") from exc
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


@dataclass
class RunFiles:
    """The small documents written into every version of the folder."""

    params: dict
    split: dict
    data: dict


def save_run(outdir: Path, *, model, tokenizer, optimizer, state: RunState, files: RunFiles, best_is_current: bool,
             finished: bool, overwrite: bool, keep_checkpoint: bool = False, extra_tensors: dict | None = None) -> None:
    """Write a complete new version of ``outdir`` and rename it into place. ``extra_tensors``: more
    safetensors files for checkpoint/ (file name -> {name: tensor})."""
    from safetensors.torch import save_file

    previous = outdir if (outdir / MODEL_FILES[1]).is_file() else None
    with atomic_dir(outdir, overwrite=overwrite) as tmp:
        ckpt = tmp / CHECKPOINT_DIR
        if not finished or keep_checkpoint or best_is_current or previous is None:
            model.save_pretrained(ckpt)
            save_optimizer(ckpt / OPTIMIZER_FILE, optimizer)
            for name, tensors in (extra_tensors or {}).items():
                save_file({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, str(ckpt / name))
            _write_json(ckpt / STATE_FILE, state.as_dict())
        best_src = ckpt if (best_is_current or previous is None) else previous
        for name in MODEL_FILES:
            _link_or_copy(best_src / name, tmp / name)
        tokenizer.save_pretrained(tmp)
        _write_json(tmp / "params.json", files.params)
        _write_json(tmp / "split.json", files.split)
        _write_json(tmp / "metrics.json", run_metrics(state, files.data))
        write_loss_csv(tmp / "loss.csv", state.history)
        if finished and not keep_checkpoint:
            shutil.rmtree(ckpt, ignore_errors=True)


def run_metrics(state: RunState, data: dict) -> dict:
    """metrics.json: the best model's validation report at the top level, then the run's facts."""
    report = dict(state.best_report or {})
    return {
        **report,
        "status": state.status,
        "best_step": state.best_step,
        "steps": state.step,
        "seconds": round(state.seconds, 1),
        **data,
    }


def read_state(outdir: Path) -> tuple[dict, RunState]:
    """(params.json, checkpoint state) of an unfinished run."""
    try:
        params = json.loads((outdir / "params.json").read_text(encoding="utf-8"))
        state = RunState.from_dict(json.loads((outdir / CHECKPOINT_DIR / STATE_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise ModelError(f"{outdir}: the saved run cannot be read ({exc}); it is damaged; start a new run with --force.") from exc
    return params, state

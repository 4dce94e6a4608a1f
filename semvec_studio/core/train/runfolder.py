"""The training output folder: the names of its files, its small documents, where a run stands
(:class:`RunState`), and the checks made before a run may write it.

Layout of OUTDIR (always complete: each save builds a new folder and renames it into place, see
:mod:`semvec_studio.core.train.checkpoint`)::

    config.json, model.safetensors, tokenizer files   the best model so far (loadable by
                                                      transformers and by this app)
    metrics.json    the best model's validation report + run status
    loss.csv        step, epoch, train_loss, lr, val_loss, accuracy, macro_f1
    params.json     the run's parameters (and what they resolved to)
    split.json      which rows were held out for validation
    checkpoint/     only while the run is unfinished: the weights at the last saved step (the
                    averaged ones, see :mod:`semvec_studio.core.train.average`; the raw ones in
                    train_weights.safetensors), optimizer.safetensors (AdamW moments + RNG
                    state) and state.json; what ``--resume`` continues from. No pickle anywhere.

A linear probe's folder has probe.json and probe.safetensors instead of the model files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from semvec_studio.core.errors import ModelError, OutputError, UsageError
from semvec_studio.core.jsonio import read_json_object, write_json
from semvec_studio.core.train.metrics import write_loss_csv

METRICS_FILE = "metrics.json"
PARAMS_FILE = "params.json"
SPLIT_FILE = "split.json"
LOSS_FILE = "loss.csv"
CHECKPOINT_DIR = "checkpoint"
STATE_FILE = "state.json"
OPTIMIZER_FILE = "optimizer.safetensors"
TRAIN_WEIGHTS_FILE = "train_weights.safetensors"  # in checkpoint/: the raw weights that --resume trains on
MODEL_FILES = ("config.json", "model.safetensors")
PROBE_FILE = "probe.json"
PROBE_WEIGHTS = "probe.safetensors"
STATE_VERSION = 1


@dataclass
class RunState:
    """Where a run is: everything besides weights and optimizer moments that resume needs."""

    step: int = 0
    top: dict | None = None  # the report with the best validation figure so far
    best_step: int | None = None  # the kept checkpoint: the latest within --ties-within of the best
    best_report: dict | None = None
    bad_evals: int = 0
    average: dict | None = None  # the weight average's bookkeeping (average.WeightAverage.state)
    history: list[dict] = field(default_factory=list)
    status: str = "running"
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"version": STATE_VERSION, **self.__dict__}

    @classmethod
    def from_dict(cls, d: dict) -> RunState:
        fields = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        return cls(**fields)


@dataclass
class RunFiles:
    """The small documents written into every version of the folder."""

    params: dict
    split: dict
    data: dict


def read_json(path: Path) -> dict:
    """A JSON object from a training output folder (typed error if missing or damaged)."""
    return read_json_object(path, ModelError, "the folder is damaged or not a training run; train again.")


def is_resumable(outdir: str | os.PathLike) -> bool:
    """True when ``outdir`` holds an unfinished run that ``--resume`` can continue."""
    return bool(str(outdir)) and (Path(outdir) / CHECKPOINT_DIR / STATE_FILE).is_file()


def check_output(outdir: str | os.PathLike, *, overwrite: bool, resume: bool) -> Path:
    """Fail fast, before any work, on an output folder that a new run must not replace."""
    out = Path(outdir).absolute()
    if not out.parent.is_dir():
        raise OutputError(f"{out.parent}: folder does not exist; create it first or choose another output path.")
    if resume:
        if not is_resumable(out):
            why = "the run finished" if (out / METRICS_FILE).is_file() else "it holds no training run"
            raise UsageError(f"{out}: nothing to resume ({why}: no {CHECKPOINT_DIR}/{STATE_FILE}); start a new run (with --force to replace it).",
                             gui=f"{out}: nothing to resume ({why}); start a new run.")
        return out
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder; choose another output path.")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        hint = " or --resume to continue it" if is_resumable(out) else ""
        raise OutputError(f"{out}: folder already exists and is not empty; use --force to replace it{hint}, or choose another path.",
                          gui=f"{out}: folder already exists and is not empty; choose another output folder"
                              + (", or Resume to continue its run." if hint else "."))
    return out


def run_metrics(state: RunState, data: dict) -> dict:
    """metrics.json: the best model's validation report at the top level, then the run's facts."""
    report = dict(state.best_report or {})
    return {**report, "status": state.status, "best_step": state.best_step, "steps": state.step,
            "seconds": round(state.seconds, 1), **data}


def write_documents(folder: Path, files: RunFiles, metrics: dict, history: list[dict]) -> None:
    """params.json, split.json, metrics.json and loss.csv of one version of the folder."""
    write_json(folder / PARAMS_FILE, files.params)
    write_json(folder / SPLIT_FILE, files.split)
    write_json(folder / METRICS_FILE, metrics)
    write_loss_csv(folder / LOSS_FILE, history)


def read_state(outdir: Path) -> tuple[dict, RunState]:
    """(params.json, checkpoint state) of an unfinished run."""
    advice = "the saved run is damaged; start a new run with --force."
    params = read_json_object(outdir / PARAMS_FILE, ModelError, advice)
    try:
        state = RunState.from_dict(read_json_object(outdir / CHECKPOINT_DIR / STATE_FILE, ModelError, advice))
    except TypeError as exc:
        raise ModelError(f"{outdir / CHECKPOINT_DIR / STATE_FILE}: {exc}; {advice}") from exc
    return params, state

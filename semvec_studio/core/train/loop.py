"""Classifier training as a task function: ``train(params, ctx, on_event=None) -> TrainResult``.

Fine-tuning (``method="finetune"``): ``AutoModelForSequenceClassification`` on any supported
checkpoint, AdamW (no decay on biases and LayerNorm) with linear warm-up and decay, gradient
clipping at 1.0, length-grouped batches padded to their own longest text, evaluation every epoch
or every N steps of a moving average of the weights (:mod:`train_average`), early stopping
with patience, the best checkpoint kept (ties within ``ties_within`` standard errors of the best
validation figure go to the later checkpoint). The output folder is
rewritten atomically at every evaluation and on cancel (see :mod:`train_checkpoint`), so a crash
leaves the last good checkpoint and ``resume=True`` continues from the saved step, bit for bit.

The linear probe (``method="probe"``) lives in :mod:`train_probe`.

``on_event`` receives plain dicts a GUI can plot live (all keys are plain numbers or strings)::

    {"kind": "start", "step", "total_steps", "steps_per_epoch", "epochs", "train_rows", "val_rows",
     "labels", "precision", "device", "method"}
    {"kind": "step", "step", "epoch", "loss", "lr", "tokens"}
    {"kind": "eval", "step", "epoch", "val_loss", "accuracy", "macro_f1", "best"}
    {"kind": "saved", "step", "path"}
    {"kind": "cancelled", "step", "path"}
    {"kind": "done", "status", "step", "best_step", "path", "seconds", "metrics"}
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from semvec_studio.core.errors import Cancelled, UsageError
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.train.runfolder import (
    CHECKPOINT_DIR, OPTIMIZER_FILE, RunFiles, RunState, check_output, load_optimizer, read_state, save_run,
)
from semvec_studio.core.train.average import TRAIN_WEIGHTS_FILE, WeightAverage
from semvec_studio.core.train.data import CsvOptions, length_grouped_batches, collate, read_labelled, split_data, tokenize
from semvec_studio.core.train.infer import PRECISIONS, autocast, forward_probs, resolve_precision, set_pad_token
from semvec_studio.core.train.metrics import better, classification_report, metric_value, standard_error, within

METHODS = ("finetune", "probe")
METRICS = ("macro_f1", "accuracy", "val_loss")
Event = Callable[[dict], None]


@dataclass(frozen=True)
class TrainParams:
    """Everything a run needs. Defaults give a good model on ~1,000 labelled rows untuned."""

    csv: str
    output: str
    text_column: str | None = None  # None: a 'text' or 'sentence' column
    label_column: str | None = None  # None: a 'label' (or 'class', 'category', ...) column
    model: str = "default"
    val_csv: str | None = None
    val_split: float = 0.1
    delimiter: str | None = None
    encoding: str | None = None
    quoting: bool = True
    method: str = "finetune"
    # 5 epochs: on SST-2's first 5,000 rows (float32, seeds 42/1/2) dev accuracy was 0.851-0.857 with 5,
    # 0.834-0.853 with 3 and 0.837-0.869 with 4 (tests/benchmarks/sweep_sst2.py); early stopping ends sooner.
    epochs: int = 5
    lr: float = 1e-4
    batch_size: int = 32
    max_length: int = 128
    weight_decay: float = 0.01
    warmup: float = 0.1  # fraction of the steps spent warming the learning rate up
    seed: int = 42
    eval_every: int | None = None  # steps between evaluations; None: at the end of every epoch
    metric: str = "macro_f1"  # picks the best checkpoint and drives early stopping
    patience: int | None = 3  # evaluations without improvement before stopping; None: never
    # Validation figures within this many standard errors of the best are ties (a 500-row validation
    # set cannot order them) and the latest of them is kept; 0: strictly the best.
    ties_within: float = 1.0
    max_steps: int | None = None  # stop after this many steps (the schedule spans them)
    grad_clip: float = 1.0  # max gradient norm; 0: no clipping
    # Evaluate and keep a moving average of the weights (decay per step; ~200 steps), not the raw
    # ones: steadier checkpoints (see core/train/average.py). 0: the raw weights.
    average: float = 0.995
    group_by_length: bool = True  # batches of similar lengths (less padding); False: plain shuffled batches
    layer: int = -1  # probe: which hidden layer's vectors (0 = embeddings, -1 = last)
    pooling: str = "mean"  # probe: sentence pooling
    probe_c: float = 1.0  # probe: inverse L2 strength of the logistic regression
    device: str = "auto"
    precision: str = "auto"  # auto: bf16 autocast only where the hardware has native bf16
    allow_pickle: bool = False
    overwrite: bool = False
    resume: bool = False
    keep_checkpoint: bool = False

    # Changing these changes the run: resume refuses a mismatch.
    RUN_FIELDS = ("csv", "text_column", "label_column", "model", "val_csv", "val_split", "delimiter", "encoding", "quoting",
                  "method", "epochs", "lr", "batch_size", "max_length", "weight_decay", "warmup", "seed", "eval_every",
                  "metric", "patience", "ties_within", "max_steps", "grad_clip", "average", "group_by_length")

    def validate(self) -> None:
        checks = [
            (self.method in METHODS, f"--method {self.method}: choose one of {', '.join(METHODS)}."),
            (self.metric in METRICS, f"--metric {self.metric}: choose one of {', '.join(METRICS)}."),
            (self.precision in PRECISIONS, f"--precision {self.precision}: choose one of {', '.join(PRECISIONS)}."),
            (self.epochs >= 1, f"--epochs {self.epochs}: must be at least 1."),
            (self.lr > 0, f"--lr {self.lr}: must be above 0 (e.g. 1e-4)."),
            (self.batch_size >= 1, f"--batch-size {self.batch_size}: must be at least 1."),
            (4 <= self.max_length, f"--max-length {self.max_length}: must be at least 4 tokens."),
            (self.weight_decay >= 0, f"--weight-decay {self.weight_decay}: must be 0 or more."),
            (0 <= self.warmup < 1, f"--warmup {self.warmup}: give the fraction of steps to warm up, from 0 to below 1."),
            (self.eval_every is None or self.eval_every >= 1, f"--eval-every {self.eval_every}: must be at least 1 step."),
            (self.patience is None or self.patience >= 1, f"--patience {self.patience}: must be at least 1 evaluation."),
            (self.ties_within >= 0, f"--ties-within {self.ties_within}: give 0 or more standard errors (e.g. 1)."),
            (self.max_steps is None or self.max_steps >= 1, f"--max-steps {self.max_steps}: must be at least 1."),
            (0 <= self.average < 1, f"--average {self.average}: give the moving average's decay per step, from 0 (off) to below 1 (e.g. 0.995)."),
            (self.probe_c > 0, f"--probe-c {self.probe_c}: must be above 0."),
            (self.val_csv is not None or 0 < self.val_split < 1, f"--val-split {self.val_split}: give a fraction between 0 and 1 (e.g. 0.1), or a separate --val-csv."),
        ]
        for ok, msg in checks:
            if not ok:
                raise UsageError(msg)

    def run_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.RUN_FIELDS}

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TrainResult:
    path: Path
    status: str  # "finished" or "stopped early"
    steps: int
    best_step: int | None
    metrics: dict
    seconds: float


def resume_params(outdir: str) -> TrainParams:
    """The parameters of the unfinished run in ``outdir``, ready to ``train`` with resume=True."""
    out = check_output(outdir, overwrite=False, resume=True)
    saved, _ = read_state(out)
    known = {f.name for f in dataclasses.fields(TrainParams)}
    kept = {k: v for k, v in saved.items() if k in known and k not in ("output", "resume", "overwrite")}
    return TrainParams(**{**kept, "output": str(out), "resume": True})


def absolute_paths(params: TrainParams) -> TrainParams:
    """Data and model paths made absolute, so a run can be resumed from another folder."""
    def fix(p):
        return None if p is None else str(Path(p).expanduser().absolute())
    model = params.model if params.model == "default" else fix(params.model)
    return dataclasses.replace(params, csv=fix(params.csv), val_csv=fix(params.val_csv), model=model, output=fix(params.output))


def train(params: TrainParams, ctx: TaskContext | None = None, on_event: Event | None = None) -> TrainResult:
    """Train a classifier as ``params`` says; see the module doc for the events."""
    ctx = ctx or NullContext()
    emit = on_event or (lambda event: None)
    params.validate()
    params = absolute_paths(params)
    out = check_output(params.output, overwrite=params.overwrite, resume=params.resume)
    if params.method == "probe":
        from semvec_studio.core.train.probe import linear_probe

        return linear_probe(params, out, ctx, emit)
    run = _prepare(params, out, ctx)
    return _loop(run, ctx, emit)


# --- preparing a run --------------------------------------------------------------------------


@dataclass
class _Run:
    params: TrainParams
    out: Path
    model: object
    tokenizer: object
    optimizer: object
    train_ids: list
    train_y: list
    val_ids: list
    val_y: list
    labels: tuple
    device: str
    precision: str
    state: RunState
    files: RunFiles
    average: WeightAverage | None = None  # the weights evaluated and saved (None: the raw ones)
    saved_once: bool = False


def load_data(params: TrainParams, ctx: TaskContext):
    """(train, val, label map, split doc) from the params' files, with warnings to ``ctx.log``."""
    opts = CsvOptions(params.delimiter, params.encoding, params.quoting)
    ctx.report(0, None, "reading data")
    data = read_labelled(params.csv, params.text_column, params.label_column, opts)
    val = read_labelled(params.val_csv, params.text_column, params.label_column, opts) if params.val_csv else None
    for w in data.warnings + (val.warnings if val else []):
        ctx.log(w)
    train_set, val_set, labels = split_data(data, val, params.val_split, params.seed)
    split = {"train_file": data.path, "train_sha256": data.sha256, "val_file": val.path if val else None,
             "val_sha256": val.sha256 if val else None, "val_split": None if val else params.val_split, "seed": params.seed,
             "val_lines": val_set.lines if val is None else None}
    facts = {"train_rows": len(train_set), "val_rows": len(val_set), "class_counts": train_set.class_counts(),
             "skipped_empty": len(data.skipped_empty) + (len(val.skipped_empty) if val else 0)}
    return train_set, val_set, labels, split, facts


def preview(params: TrainParams) -> dict:
    """What a run would train on, without loading a model (a GUI's checks before Start):
    rows, class counts of each side, labels and warnings. Raises the same errors as ``train``."""
    params.validate()
    ctx = NullContext()
    train_set, val_set, labels, _, facts = load_data(params, ctx)
    return {**facts, "labels": list(labels.names), "val_class_counts": val_set.class_counts(), "warnings": list(ctx.messages)}


def _check_resume(params: TrainParams, out: Path, split: dict) -> RunState:
    saved, state = read_state(out)
    diffs = [f"{k}: saved {saved.get(k)!r}, now {v!r}" for k, v in params.run_dict().items() if saved.get(k) != v]
    if diffs:
        raise UsageError(f"{out}: cannot resume with other settings ({'; '.join(diffs)}); leave them out to use the saved ones, or start a new run with --force.")
    old = saved.get("split", {})
    for key, file in (("train_sha256", split["train_file"]), ("val_sha256", split["val_file"])):
        if old.get(key) != split[key]:
            raise UsageError(f"{file}: the file changed since the run in {out} started; resume needs the same data (or start a new run with --force).")
    return state


def _prepare(params: TrainParams, out: Path, ctx: TaskContext) -> _Run:
    import torch

    from semvec_studio.core.models import inspect_checkpoint, pick_device

    train_set, val_set, labels, split, facts = load_data(params, ctx)
    state = _check_resume(params, out, split) if params.resume else RunState()
    device = pick_device(params.device)
    precision = resolve_precision(params.precision, device)
    ctx.check_cancelled()
    ctx.report(0, None, "loading model")
    info = inspect_checkpoint(params.model, allow_pickle=params.allow_pickle)
    # resuming: the weights of the last saved step (our own safetensors folder), else the base model's
    model, tok = _load_model(info, labels, params, ctx, out / CHECKPOINT_DIR if params.resume else None)
    max_len = min(params.max_length, info.max_positions)
    enc_train = tokenize(tok, train_set.texts, labels.encode(train_set), max_len, ctx)
    enc_val = tokenize(tok, val_set.texts, labels.encode(val_set), max_len, ctx)
    if enc_train.truncated + enc_val.truncated:
        ctx.log(f"{enc_train.truncated + enc_val.truncated} text(s) longer than {max_len} tokens were cut to --max-length {max_len}")
    model.to(device)
    # resuming: the checkpoint's model weights are the average; the raw ones sit beside them
    average = WeightAverage(model, params.average, **(state.average or {})) if params.average else None
    if params.resume and average is not None:
        average.load_raw(out / CHECKPOINT_DIR / TRAIN_WEIGHTS_FILE)
    optimizer = _optimizer(model, params)
    if params.resume:
        load_optimizer(out / CHECKPOINT_DIR / OPTIMIZER_FILE, optimizer, device)  # and the RNG states
        ctx.log(f"resuming {out} at step {state.step}")
    doc = {**params.as_dict(), "output": str(out), "resume": False, "overwrite": False, "split": split,
           "resolved": {"model_path": info.path, "weights_sha256": info.weights_sha256, "device": device, "precision": precision,
                        "max_length": max_len, "labels": list(labels.names), "torch": torch.__version__}}
    return _Run(params, out, model, tok, optimizer, enc_train.ids, enc_train.labels, enc_val.ids, enc_val.labels, labels.names,
                device, precision, state, RunFiles(doc, split, {**facts, "method": "finetune", "selected_by": params.metric}), average)


def _load_model(info, labels, params: TrainParams, ctx: TaskContext, weights: Path | None = None):
    import torch
    from transformers import AutoModelForSequenceClassification

    from semvec_studio.core.errors import WeightsError
    from semvec_studio.core.models import load_tokenizer
    from semvec_studio.core.offline import quiet_transformers

    quiet_transformers()
    tok = load_tokenizer(Path(info.path))
    torch.manual_seed(params.seed)  # the new classification head starts the same every time
    try:
        model = AutoModelForSequenceClassification.from_pretrained(
            str(weights or info.path), num_labels=len(labels.names), id2label=labels.id2label, label2id=labels.label2id,
            problem_type="single_label_classification", dtype=torch.float32, trust_remote_code=False,
            use_safetensors=weights is not None or info.weights_format == "safetensors", ignore_mismatched_sizes=weights is None)
    except Exception as exc:
        raise WeightsError(f"{weights or info.path}: cannot be loaded as a classifier ({type(exc).__name__}: {str(exc).splitlines()[0][:200]});"
                           " use a checkpoint of an architecture transformers can classify with (BERT, RoBERTa, DistilBERT, GPT-2, ...).") from exc
    note = set_pad_token(tok, model)
    if note:
        ctx.log(note)
    return model, tok


def _optimizer(model, params: TrainParams):
    import torch

    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p.requires_grad:
            (no_decay if p.ndim < 2 or "norm" in name.lower() else decay).append(p)
    groups = [{"params": decay, "weight_decay": params.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    try:
        return torch.optim.AdamW(groups, lr=params.lr, fused=True)
    except (RuntimeError, TypeError):  # no fused kernel for this device
        return torch.optim.AdamW(groups, lr=params.lr)


def lr_at(step: int, base: float, total: int, warmup_steps: int) -> float:
    """Learning rate for 0-based ``step``: linear warm-up to ``base``, then linear decay to 0."""
    if step < warmup_steps:
        return base * (step + 1) / warmup_steps
    return base * max(0.0, (total - step) / max(1, total - warmup_steps))


# --- the loop ---------------------------------------------------------------------------------


def _loop(run: _Run, ctx: TaskContext, emit: Event) -> TrainResult:
    p, state = run.params, run.state
    spe = math.ceil(len(run.train_ids) / p.batch_size)
    total = p.max_steps or p.epochs * spe
    warm = math.ceil(p.warmup * total)
    lengths = [len(x) for x in run.train_ids]
    emit({"kind": "start", "step": state.step, "total_steps": total, "steps_per_epoch": spe, "epochs": math.ceil(total / spe),
          "train_rows": len(run.train_ids), "val_rows": len(run.val_ids), "labels": list(run.labels),
          "precision": run.precision, "device": run.device, "method": "finetune"})
    started, seconds0 = time.perf_counter(), state.seconds
    stop = False
    run.model.train()
    try:
        while state.step < total and not stop:
            epoch, pos = divmod(state.step, spe)
            for batch in length_grouped_batches(lengths, p.batch_size, p.seed, epoch, group=p.group_by_length)[pos:]:
                ctx.check_cancelled()
                lr = lr_at(state.step, p.lr, total, warm)
                loss, tokens = _train_step(run, batch, lr)
                state.step += 1
                state.seconds = seconds0 + time.perf_counter() - started
                row = {"step": state.step, "epoch": round(state.step / spe, 4), "train_loss": round(loss, 6), "lr": lr}
                state.history.append(row)
                emit({"kind": "step", **row, "loss": row["train_loss"], "tokens": tokens})
                ctx.report(state.step, total, f"epoch {epoch + 1}/{math.ceil(total / spe)}")
                due = state.step % p.eval_every == 0 if p.eval_every else state.step % spe == 0
                if due or state.step == total:
                    stop = _evaluate_and_save(run, row, ctx, emit)
                if stop or state.step >= total:
                    break
    except Cancelled:
        state.status = "cancelled"
        _save(run, best_is_current=False, finished=False)
        emit({"kind": "cancelled", "step": state.step, "path": str(run.out)})
        raise
    state.status = "stopped early" if stop and state.step < total else "finished"
    _save(run, best_is_current=False, finished=True)
    metrics = dict(state.best_report or {})
    emit({"kind": "done", "status": state.status, "step": state.step, "best_step": state.best_step, "path": str(run.out),
          "seconds": round(state.seconds, 2), "metrics": metrics})
    return TrainResult(run.out, state.status, state.step, state.best_step, metrics, state.seconds)


def _train_step(run: _Run, batch: list[int], lr: float) -> tuple[float, int]:
    import torch
    import torch.nn.functional as F

    input_ids, mask = collate([run.train_ids[i] for i in batch], run.tokenizer.pad_token_id)
    y = torch.as_tensor([run.train_y[i] for i in batch], dtype=torch.long, device=run.device)
    with autocast(run.device, run.precision):
        logits = run.model(input_ids=input_ids.to(run.device), attention_mask=mask.to(run.device)).logits
    loss = F.cross_entropy(logits.float(), y)
    loss.backward()
    if run.params.grad_clip:
        _clip_gradients(run, run.params.grad_clip)
    for group in run.optimizer.param_groups:
        group["lr"] = lr
    run.optimizer.step()
    run.optimizer.zero_grad(set_to_none=True)
    if run.average is not None:
        run.average.step(run.state.step + 1)
    return float(loss.detach()), int(input_ids.numel())


def _clip_gradients(run: _Run, max_norm: float) -> None:
    """``clip_grad_norm_``, bit for bit. On a CPU (where reading the norm costs no device sync) the
    gradients are only rescaled when their norm exceeds ``max_norm``: torch multiplies them all by
    1.0 otherwise, a pass over every gradient (~3 ms a step for MiniLM on 2 cores)."""
    import torch

    if run.device != "cpu":
        torch.nn.utils.clip_grad_norm_(run.model.parameters(), max_norm)
        return
    grads = [p.grad for p in run.model.parameters() if p.grad is not None]
    total = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        torch._foreach_mul_(grads, coef)


def _evaluate_and_save(run: _Run, row: dict, ctx: TaskContext, emit: Event) -> bool:
    """Evaluate, record, keep the best, save. Returns True when patience has run out."""
    if run.average is not None:
        run.average.fold(run.state.step)  # what is evaluated includes this step
    with _averaged(run):
        return _evaluate_and_save_current(run, row, ctx, emit)


def _evaluate_and_save_current(run: _Run, row: dict, ctx: TaskContext, emit: Event) -> bool:
    p, state = run.params, run.state
    probs = forward_probs(run.model, run.val_ids, run.tokenizer.pad_token_id, device=run.device, precision=run.precision,
                          batch_size=2 * p.batch_size, ctx=ctx, msg="evaluating")
    report = classification_report(run.val_y, probs, run.labels)
    row.update(val_loss=report["loss"], accuracy=report["accuracy"], macro_f1=report["macro_f1"])
    improved = better(p.metric, report, state.top)
    if improved:
        state.top = {k: report[k] for k in ("rows", "loss", "loss_se", "accuracy", "macro_f1")}
        state.bad_evals = 0
    else:
        state.bad_evals += 1
    keep = improved or within(p.metric, report, state.top, p.ties_within)
    if keep:
        state.best_step = state.step
        state.best_report = {**report, "step": state.step, "epoch": row["epoch"]}
    emit({"kind": "eval", "step": state.step, "epoch": row["epoch"], "val_loss": report["loss"], "accuracy": report["accuracy"],
          "macro_f1": report["macro_f1"], "best": keep})
    note = ""
    if improved:
        note = " (best so far; kept)"
    elif keep:
        note = (f" (within {p.ties_within:g} standard error of the best, {metric_value(p.metric, state.top):.4f}"
                f" ± {standard_error(p.metric, state.top):.4f}: a tie; the later checkpoint kept)")
    ctx.log(f"step {state.step}: val loss {report['loss']:.4f}, accuracy {report['accuracy']:.4f}, macro-F1 {report['macro_f1']:.4f}" + note)
    _save(run, best_is_current=keep, finished=False)
    emit({"kind": "saved", "step": state.step, "path": str(run.out)})
    run.model.train()
    return p.patience is not None and state.bad_evals >= p.patience


def _averaged(run: _Run):
    """Inside: the model holds the weights that are evaluated and saved; yields the raw ones (or None)."""
    return run.average.applied() if run.average is not None else nullcontext()


def _save(run: _Run, *, best_is_current: bool, finished: bool) -> None:
    run.state.average = run.average.state() if run.average is not None else None
    with _averaged(run) as raw:
        save_run(run.out, model=run.model, tokenizer=run.tokenizer, optimizer=run.optimizer, state=run.state, files=run.files,
                 best_is_current=best_is_current, finished=finished, overwrite=run.saved_once or run.params.overwrite or run.params.resume,
                 keep_checkpoint=run.params.keep_checkpoint, extra_tensors={TRAIN_WEIGHTS_FILE: raw} if raw else None)
    run.saved_once = True

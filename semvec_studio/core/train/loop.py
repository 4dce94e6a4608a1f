"""Fine-tuning as a task function: ``train(params, ctx) -> TrainResult``.

Fine-tuning (``method="finetune"``): ``AutoModelForSequenceClassification`` on any supported
checkpoint, AdamW (no decay on biases and LayerNorm) with linear warm-up and decay, gradient
clipping, length-grouped batches padded to their own longest text, evaluation every epoch or
every N steps of a moving average of the weights (:mod:`semvec_studio.core.train.average`),
early stopping with patience, the best checkpoint kept (ties within ``ties_within`` standard
errors of the best validation figure go to the later checkpoint). The output folder is rewritten
atomically at every evaluation and on cancel (:mod:`semvec_studio.core.train.checkpoint`), so a
crash leaves the last good checkpoint and ``resume=True`` continues from the saved step, bit for
bit. The linear probe (``method="probe"``) is :mod:`semvec_studio.core.train.probe`.

Events (``ctx.event``; plain numbers and strings a display can plot live)::

    start      step, total_steps, steps_per_epoch, epochs, train_rows, val_rows, labels, precision,
               device, method
    step       step, epoch, loss, lr, tokens
    eval       step, epoch, val_loss, accuracy, macro_f1, best
    saved      step, path
    cancelled  step, path
    done       status, step, best_step, path, seconds, metrics

Progress: phase "training" counts steps (detail "epoch E/N"); evaluations count texts.
"""

from __future__ import annotations

import dataclasses
import math
import time
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from transformers import AutoModelForSequenceClassification

from semvec_studio.core.checkpoints import ModelInfo
from semvec_studio.core.errors import Cancelled, UsageError, WeightsError
from semvec_studio.core.models import inspect_checkpoint, load_tokenizer, pick_device
from semvec_studio.core.offline import quiet_transformers
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.train.average import WeightAverage
from semvec_studio.core.train.checkpoint import load_optimizer, save_run
from semvec_studio.core.train.data import LabelMap, RunData, length_grouped_batches, load_data, tokenize
from semvec_studio.core.train.forward import autocast, collate, forward_probs, resolve_precision, set_pad_token
from semvec_studio.core.train.metrics import better, classification_report, metric_value, standard_error, within
from semvec_studio.core.train.params import TrainParams, TrainResult, absolute_paths
from semvec_studio.core.train.probe import linear_probe
from semvec_studio.core.train.runfolder import (
    CHECKPOINT_DIR,
    OPTIMIZER_FILE,
    TRAIN_WEIGHTS_FILE,
    RunFiles,
    RunState,
    check_output,
    read_state,
)

PHASE = "training"


def resume_params(outdir: str) -> TrainParams:
    """The parameters of the unfinished run in ``outdir``, ready to ``train`` with resume=True."""
    out = check_output(outdir, overwrite=False, resume=True)
    saved, _ = read_state(out)
    kept = {k: v for k, v in saved.items() if k not in ("output", "resume", "overwrite")}
    return dataclasses.replace(TrainParams.from_dict(kept), output=str(out), resume=True)


def train(params: TrainParams, ctx: TaskContext | None = None) -> TrainResult:
    """Train a classifier as ``params`` says; see the module doc for the events."""
    ctx = ctx or NullContext()
    params.validate()
    params = absolute_paths(params)
    out = check_output(params.output, overwrite=params.overwrite, resume=params.resume)
    if params.method == "probe":
        return linear_probe(params, out, ctx)
    run = _prepare(params, out, ctx)
    return _loop(run, ctx)


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


def _check_resume(params: TrainParams, out: Path, split: dict) -> RunState:
    saved, state = read_state(out)
    diffs = [f"{k}: saved {saved.get(k)!r}, now {v!r}" for k, v in params.run_dict().items() if saved.get(k) != v]
    if diffs:
        raise UsageError(f"{out}: cannot resume with other settings ({'; '.join(diffs)}); leave them out to use the saved ones,"
                         " or start a new run with --force.",
                         gui=f"{out}: cannot resume with other settings ({'; '.join(diffs)}); start a new run instead.")
    old = saved.get("split", {})
    for key, file in (("train_sha256", split["train_file"]), ("val_sha256", split["val_file"])):
        if old.get(key) != split[key]:
            raise UsageError(f"{file}: the file changed since the run in {out} started; resume needs the same data"
                             " (or start a new run with --force).",
                             gui=f"{file}: the file changed since the run in {out} started; resume needs the same data"
                                 " (or start a new run).")
    return state


def _prepare(params: TrainParams, out: Path, ctx: TaskContext) -> _Run:
    data = load_data(params, ctx)
    state = _check_resume(params, out, data.split) if params.resume else RunState()
    device = pick_device(params.device)
    precision = resolve_precision(params.precision, device)
    ctx.check_cancelled()
    ctx.report(0, None, "loading model")
    info = inspect_checkpoint(params.model, allow_pickle=params.allow_pickle)
    # resuming: the weights of the last saved step (our own safetensors folder), else the base model's
    model, tok = _load_model(info, data.labels, params, ctx, out / CHECKPOINT_DIR if params.resume else None)
    max_len = min(params.max_length, info.max_positions)
    enc_train = tokenize(tok, data.train.texts, data.labels.encode(data.train), max_len, ctx)
    enc_val = tokenize(tok, data.val.texts, data.labels.encode(data.val), max_len, ctx)
    if enc_train.truncated + enc_val.truncated:
        ctx.log(f"{enc_train.truncated + enc_val.truncated} text(s) longer than {max_len} tokens were cut to the maximum length {max_len}")
    model.to(device)
    # resuming: the checkpoint's model weights are the average; the raw ones sit beside them
    average = WeightAverage(model, params.average, **(state.average or {})) if params.average else None
    if params.resume and average is not None:
        average.load_raw(out / CHECKPOINT_DIR / TRAIN_WEIGHTS_FILE)
    optimizer = _optimizer(model, params)
    if params.resume:
        load_optimizer(out / CHECKPOINT_DIR / OPTIMIZER_FILE, optimizer, device)  # and the RNG states
        ctx.log(f"resuming {out} at step {state.step}")
    return _Run(params, out, model, tok, optimizer, enc_train.ids, enc_train.labels, enc_val.ids, enc_val.labels,
                data.labels.names, device, precision, state, _files(params, out, data, info, device, precision, max_len), average)


def _files(params: TrainParams, out: Path, data: RunData, info: ModelInfo, device: str, precision: str, max_len: int) -> RunFiles:
    doc = {**params.as_dict(), "output": str(out), "resume": False, "overwrite": False, "split": data.split,
           "resolved": {"model_path": info.path, "weights_sha256": info.weights_sha256, "device": device, "precision": precision,
                        "max_length": max_len, "labels": list(data.labels.names), "torch": torch.__version__}}
    return RunFiles(doc, data.split, {**data.facts, "method": "finetune", "selected_by": params.metric})


def _load_model(info: ModelInfo, labels: LabelMap, params: TrainParams, ctx: TaskContext, weights: Path | None = None):
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


def _loop(run: _Run, ctx: TaskContext) -> TrainResult:
    p, state = run.params, run.state
    spe = math.ceil(len(run.train_ids) / p.batch_size)
    total = p.max_steps or p.epochs * spe
    warm = math.ceil(p.warmup * total)
    epochs = math.ceil(total / spe)
    lengths = [len(x) for x in run.train_ids]
    ctx.event("start", step=state.step, total_steps=total, steps_per_epoch=spe, epochs=epochs, train_rows=len(run.train_ids),
              val_rows=len(run.val_ids), labels=list(run.labels), precision=run.precision, device=run.device, method="finetune")
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
                ctx.event("step", step=state.step, epoch=row["epoch"], loss=row["train_loss"], lr=lr, tokens=tokens)
                ctx.report(state.step, total, PHASE, unit="step", detail=f"epoch {epoch + 1}/{epochs}")
                due = state.step % p.eval_every == 0 if p.eval_every else state.step % spe == 0
                if due or state.step == total:
                    stop = _evaluate_and_save(run, row, ctx)
                if stop or state.step >= total:
                    break
    except Cancelled:
        state.status = "cancelled"
        _save(run, best_is_current=False, finished=False)
        ctx.event("cancelled", step=state.step, path=str(run.out))
        raise
    state.status = "stopped early" if stop and state.step < total else "finished"
    _save(run, best_is_current=False, finished=True)
    metrics = dict(state.best_report or {})
    ctx.event("done", status=state.status, step=state.step, best_step=state.best_step, path=str(run.out),
              seconds=round(state.seconds, 2), metrics=metrics)
    return TrainResult(run.out, state.status, state.step, state.best_step, metrics, state.seconds)


def _train_step(run: _Run, batch: list[int], lr: float) -> tuple[float, int]:
    input_ids, mask = collate([run.train_ids[i] for i in batch], run.tokenizer.pad_token_id)
    y = torch.as_tensor([run.train_y[i] for i in batch], dtype=torch.long, device=run.device)
    with autocast(run.device, run.precision):
        logits = run.model(input_ids=input_ids.to(run.device), attention_mask=mask.to(run.device)).logits
    loss = F.cross_entropy(logits.float(), y)
    loss.backward()
    if run.params.grad_clip:
        clip_gradients(run.model.parameters(), run.params.grad_clip, run.device)
    for group in run.optimizer.param_groups:
        group["lr"] = lr
    run.optimizer.step()
    run.optimizer.zero_grad(set_to_none=True)
    if run.average is not None:
        run.average.step(run.state.step + 1)
    return float(loss.detach()), int(input_ids.numel())


def clip_gradients(parameters, max_norm: float, device: str) -> None:
    """``torch.nn.utils.clip_grad_norm_``, bit for bit. On a CPU (where reading the norm costs no
    device sync) the gradients are only rescaled when their norm exceeds ``max_norm``: torch
    multiplies them all by 1.0 otherwise, a pass over every gradient. The fused per-list kernels
    (``torch._foreach_norm``, ``torch._foreach_mul_``) are private; without them the same sums are
    made tensor by tensor."""
    if device != "cpu":
        torch.nn.utils.clip_grad_norm_(parameters, max_norm)
        return
    grads = [p.grad for p in parameters if p.grad is not None]
    norm_all, mul_all = getattr(torch, "_foreach_norm", None), getattr(torch, "_foreach_mul_", None)
    norms = norm_all(grads) if norm_all is not None else [torch.linalg.vector_norm(g) for g in grads]
    total = torch.linalg.vector_norm(torch.stack(norms))
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        if mul_all is not None:
            mul_all(grads, coef)
        else:
            for g in grads:
                g.mul_(coef)


def _evaluate_and_save(run: _Run, row: dict, ctx: TaskContext) -> bool:
    """Evaluate, record, keep the best, save. Returns True when patience has run out."""
    if run.average is not None:
        run.average.fold(run.state.step)  # what is evaluated includes this step
    with _averaged(run):
        return _evaluate_and_save_current(run, row, ctx)


def _evaluate_and_save_current(run: _Run, row: dict, ctx: TaskContext) -> bool:
    p, state = run.params, run.state
    probs = forward_probs(run.model, run.val_ids, run.tokenizer.pad_token_id, device=run.device, precision=run.precision,
                          batch_size=2 * p.batch_size, ctx=ctx, phase="evaluating")
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
    ctx.event("eval", step=state.step, epoch=row["epoch"], val_loss=report["loss"], accuracy=report["accuracy"],
              macro_f1=report["macro_f1"], best=keep)
    note = ""
    if improved:
        note = " (best so far; kept)"
    elif keep:
        note = (f" (within {p.ties_within:g} standard error of the best, {metric_value(p.metric, state.top):.4f}"
                f" ± {standard_error(p.metric, state.top):.4f}: a tie; the later checkpoint kept)")
    ctx.log(f"step {state.step}: val loss {report['loss']:.4f}, accuracy {report['accuracy']:.4f}, macro-F1 {report['macro_f1']:.4f}" + note)
    _save(run, best_is_current=keep, finished=False)
    ctx.event("saved", step=state.step, path=str(run.out))
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

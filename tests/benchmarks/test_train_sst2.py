"""Classifier training on SST-2 (issue: fine-tuning), with the bundled default model.

- fine-tune with default settings on the first 5,000 rows of train.tsv (10% held out, seeded);
  dev accuracy on dev.tsv (target >= 0.85) and wall time;
- the linear probe on the same rows: dev accuracy and wall time;
- training steps/s against Hugging Face ``Trainer`` with the same model, data, batch size (32),
  max length (128), precision (what ``--precision auto`` picks here), length-grouped batches, AdamW
  (fused), linear warm-up/decay and gradient clipping: STEPS steps each side, ROUNDS rounds
  interleaved in alternating order after an uncounted warm-up round; each step's duration is
  the time between consecutive step-end stamps (setup,
  evaluation and saving excluded); ratio = Trainer's median step time / ours over all rounds
  (medians, because other jobs on a shared machine make single steps slow). Trainer needs
  ``accelerate``.
- with a CUDA GPU: one epoch of the full train set, its time and dev accuracy.

Run: .venv/bin/python -m pytest -s tests/benchmarks/test_train_sst2.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.train.data import read_labelled
from semvec_studio.core.train.infer import evaluate, load_classifier
from semvec_studio.core.train.loop import train
from semvec_studio.core.train.params import TrainParams
from tests.benchmarks.conftest import DEVICE, report

ROWS = 5000
STEPS = 40
ROUNDS = 3


def first_rows(data: Path, n: int, dest: Path) -> Path:
    lines = (data / "sst2" / "train.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    dest.write_text("".join(lines[: n + 1]), encoding="utf-8")
    return dest


class Events(TaskContext):
    """A run's events as plain dicts (``{"kind": ..., **data}``), each also handed to ``then``."""

    def __init__(self, then=None) -> None:
        super().__init__()
        self.then = then

    def on_event(self, event) -> None:
        if self.then is not None:
            self.then({"kind": event.kind, **event.data})


def dev_accuracy(out: Path, data: Path) -> float:
    dev = read_labelled(data / "sst2" / "dev.tsv", "sentence", "label")
    return evaluate(load_classifier(out, device="cpu"), dev)["accuracy"]


@pytest.fixture(scope="module")
def sst2_5k(shared_data, tmp_path_factory) -> Path:
    return first_rows(shared_data, ROWS, tmp_path_factory.mktemp("sst2") / "train5k.tsv")


def test_sst2_finetune_defaults(shared_data, sst2_5k, tmp_path):
    events: list[dict] = []
    t0 = time.perf_counter()
    result = train(TrainParams(csv=str(sst2_5k), output=str(tmp_path / "ft"), text_column="sentence", label_column="label"),
                   Events(events.append))
    wall = time.perf_counter() - t0
    acc = dev_accuracy(tmp_path / "ft", shared_data)
    start = events[0]
    evals = [f"{e['step']}:{e['accuracy']:.3f}" for e in events if e["kind"] == "eval"]
    report("train_sst2_finetune", rows=ROWS, dev_accuracy=f"{acc:.4f}", val_accuracy=f"{result.metrics['accuracy']:.4f}",
           wall_s=f"{wall:.0f}", train_s=f"{result.seconds:.0f}", steps=result.steps, best_step=result.best_step,
           precision=start["precision"], evals=",".join(evals))
    assert acc >= 0.85


def test_sst2_linear_probe(shared_data, sst2_5k, tmp_path):
    t0 = time.perf_counter()
    result = train(TrainParams(csv=str(sst2_5k), output=str(tmp_path / "probe"), text_column="sentence", label_column="label",
                               method="probe"), NullContext())
    wall = time.perf_counter() - t0
    acc = dev_accuracy(tmp_path / "probe", shared_data)
    report("train_sst2_probe", rows=ROWS, dev_accuracy=f"{acc:.4f}", val_accuracy=f"{result.metrics['accuracy']:.4f}",
           wall_s=f"{wall:.0f}")
    assert acc >= 0.75


def _step_times(stamps: list[float]) -> list[float]:
    return [b - a for a, b in zip(stamps, stamps[1:])]


def _ours(csv: Path, out: Path, precision: str, device: str) -> tuple[list[float], float]:
    """(durations of steps 2..STEPS, mean padded tokens per step)."""
    stamps, tokens = [], []

    def on_event(e):
        if e["kind"] == "step":
            stamps.append(time.perf_counter())
            tokens.append(e["tokens"])

    train(TrainParams(csv=str(csv), output=str(out), text_column="sentence", label_column="label", max_steps=STEPS,
                      precision=precision, patience=None, device=device), Events(on_event))
    return _step_times(stamps), statistics.mean(tokens[1:])


def _hf_trainer(csv: Path, out: Path, precision: str, device: str) -> tuple[list[float], float]:
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainerCallback,
        TrainingArguments,
    )

    from semvec_studio.core.checkpoints import default_model_path
    from semvec_studio.core.train.data import split_data

    path = str(default_model_path())
    data, _, labels = split_data(read_labelled(csv, "sentence", "label"), None, 0.1, 42)  # the same 4,500 training rows
    tok = AutoTokenizer.from_pretrained(path)
    enc = tok(data.texts, truncation=True, max_length=128)["input_ids"]
    rows = [{"input_ids": ids, "labels": y} for ids, y in zip(enc, labels.encode(data))]
    torch.manual_seed(42)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=2)
    stamps, tokens = [], []
    pad = DataCollatorWithPadding(tok)

    def collate(features):
        batch = pad(features)
        tokens.append(batch["input_ids"].numel())
        return batch

    class Clock(TrainerCallback):
        def on_step_end(self, args, state, control, **kw):
            stamps.append(time.perf_counter())

    args = TrainingArguments(
        output_dir=str(out), per_device_train_batch_size=32, max_steps=STEPS, learning_rate=1e-4, weight_decay=0.01,
        warmup_steps=0.1, lr_scheduler_type="linear", max_grad_norm=1.0, train_sampling_strategy="group_by_length",
        bf16=precision == "bfloat16", use_cpu=device == "cpu", seed=42, logging_strategy="no", save_strategy="no", eval_strategy="no",
        report_to="none", disable_tqdm=True, dataloader_num_workers=0,
    )
    Trainer(model=model, args=args, train_dataset=rows, data_collator=collate, callbacks=[Clock()]).train()
    return _step_times(stamps), statistics.mean(tokens[1:])


def test_steps_per_second_vs_hf_trainer(sst2_5k, tmp_path):
    pytest.importorskip("accelerate", reason="Hugging Face Trainer needs 'accelerate' (the 'bench' extra)")
    from semvec_studio.core.train.forward import resolve_precision

    precision = resolve_precision("auto", DEVICE)
    runs = {"ours": (_ours, []), "hf": (_hf_trainer, [])}
    for r in range(ROUNDS + 1):
        # Round 0 warms both up and is not counted: the first run in a process pays for building
        # kernels (oneDNN makes one per new shape; with bf16 on an AMX CPU that made whichever side
        # ran first ~15% slower). Then the order alternates, so neither side always goes first.
        for name in (("hf", "ours") if r % 2 else ("ours", "hf")):
            fn, results = runs[name]
            times = fn(sst2_5k, tmp_path / f"{name}{r}", precision, DEVICE)
            if r:
                results.append(times)
    ours, hf = runs["ours"][1], runs["hf"][1]
    s_ours = statistics.median(t for times, _ in ours for t in times)
    s_hf = statistics.median(t for times, _ in hf for t in times)
    ratio = s_hf / s_ours
    report("train_speed_vs_trainer", device=DEVICE, steps=STEPS, rounds=ROUNDS, precision=precision,
           ours_steps_per_s=f"{1 / s_ours:.2f}", trainer_steps_per_s=f"{1 / s_hf:.2f}", ratio=f"{ratio:.2f}",
           ours_tokens_per_step=f"{statistics.mean(t for _, t in ours):.0f}", trainer_tokens_per_step=f"{statistics.mean(t for _, t in hf):.0f}",
           rounds_ours="/".join(f"{statistics.median(t):.3f}" for t, _ in ours),
           rounds_trainer="/".join(f"{statistics.median(t):.3f}" for t, _ in hf))
    assert ratio >= 1.0


def test_sst2_full_epoch_on_gpu(shared_data, tmp_path):
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU here: the full-train-set epoch runs only where a GPU is lent")
    events: list[dict] = []
    t0 = time.perf_counter()
    train(TrainParams(csv=str(shared_data / "sst2" / "train.tsv"), output=str(tmp_path / "gpu"), text_column="sentence",
                      label_column="label", epochs=1, device="cuda"), Events(events.append))
    wall = time.perf_counter() - t0
    dev = read_labelled(shared_data / "sst2" / "dev.tsv", "sentence", "label")
    acc = evaluate(load_classifier(tmp_path / "gpu", device="cuda"), dev)["accuracy"]
    report("train_sst2_full_epoch_gpu", rows=events[0]["train_rows"], dev_accuracy=f"{acc:.4f}", wall_s=f"{wall:.0f}",
           gpu=torch.cuda.get_device_name(0))
    # The issue asks for the figure; the bar is the issue's own for 5,000 rows (12x more data must not do worse).
    # Measured on an H200: 0.8853 in 55 s (60,614 training rows, bf16 autocast).
    assert acc >= 0.85

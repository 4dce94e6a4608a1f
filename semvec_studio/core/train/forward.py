"""The forward pass of a classifier, shared by training, evaluation and prediction: precision
(bf16 autocast where the hardware has it), padded batches, class probabilities in input order,
and a padding token for tokenizers that lack one (GPT-2).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import numpy as np
import torch

from semvec_studio.core.errors import ModelError, UsageError
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.train.params import PRECISIONS


def native_bf16_cpu() -> bool:
    """True on a CPU that computes bf16 natively (AMX or AVX512-BF16).

    torch has no public query for these; its capability string ("AVX512", "AMX"...) is public
    since 2.1 but does not tell AVX512 with BF16 from AVX512 without it, so the private checks are
    tried first and the public string is the fallback when a torch version drops them."""
    cpu = torch.cpu
    checks = [getattr(cpu, name, None) for name in ("_is_amx_tile_supported", "_is_avx512_bf16_supported")]
    if all(callable(c) for c in checks):
        try:
            return bool(checks[0]() or checks[1]())
        except RuntimeError:
            pass
    capability = getattr(torch.backends.cpu, "get_cpu_capability", lambda: "")()
    return "AMX" in str(capability).upper()


def resolve_precision(precision: str, device: str) -> str:
    """'auto' -> bfloat16 autocast only where the hardware computes in bf16 natively (a CUDA GPU
    with bf16, or a CPU with AMX or AVX512-BF16); elsewhere (e.g. AVX2-only CPUs, where bf16
    autocast was measured slower than float32) float32."""
    if precision not in PRECISIONS:
        raise UsageError(f"--precision {precision}: choose one of {', '.join(PRECISIONS)}.",
                         gui=f"Precision {precision}: choose one of {', '.join(PRECISIONS)}.", field="precision")
    if precision != "auto":
        return precision
    if device == "cuda":
        return "bfloat16" if torch.cuda.is_bf16_supported() else "float32"
    if device == "cpu":
        return "bfloat16" if native_bf16_cpu() else "float32"
    return "float32"


def autocast(device: str, precision: str):
    if precision == "bfloat16" and device in ("cpu", "cuda"):
        return torch.autocast(device_type=device, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Batches for inference: longest first, so padding is minimal and order is deterministic."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[b: b + batch_size] for b in range(0, len(order), batch_size)]


def collate(ids: Sequence[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-padded input_ids and attention_mask tensors for one batch."""
    longest = max(len(x) for x in ids)
    input_ids = np.full((len(ids), longest), pad_id, dtype=np.int64)
    mask = np.zeros((len(ids), longest), dtype=np.int64)
    for j, x in enumerate(ids):
        input_ids[j, : len(x)] = x
        mask[j, : len(x)] = 1
    return torch.from_numpy(input_ids), torch.from_numpy(mask)


def forward_probs(model, ids: Sequence[list[int]], pad_id: int, *, device: str, precision: str, batch_size: int,
                  ctx: TaskContext | None = None, phase: str = "predicting") -> np.ndarray:
    """Class probabilities (float64, input order) for tokenised texts; longest batches first."""
    ctx = ctx or NullContext()
    n_labels = int(model.config.num_labels)
    out = np.zeros((len(ids), n_labels), dtype=np.float64)
    was_training = model.training
    model.eval()
    done = 0
    try:
        with torch.inference_mode():
            for batch in sorted_batches([len(x) for x in ids], batch_size):
                ctx.check_cancelled()
                input_ids, mask = collate([ids[i] for i in batch], pad_id)
                with autocast(device, precision):
                    logits = model(input_ids=input_ids.to(device), attention_mask=mask.to(device)).logits
                out[batch] = torch.softmax(logits.float(), dim=-1).double().cpu().numpy()
                done += len(batch)
                ctx.report(done, len(ids), phase, unit="text")
    finally:
        model.train(was_training)
    return out


def set_pad_token(tok, model=None) -> str | None:
    """GPT-2 style tokenizers have no pad token: use end-of-text. Returns a note when it did so."""
    note = None
    if tok.pad_token is None:
        if tok.eos_token is None:
            raise ModelError(f"{getattr(tok, 'name_or_path', 'the tokenizer')}: has neither a padding nor an end-of-text token,"
                             " so texts cannot be batched; use a checkpoint whose tokenizer defines one.")
        tok.pad_token = tok.eos_token
        note = f"the tokenizer has no padding token; using its end-of-text token '{tok.eos_token}' for padding"
    if model is not None:
        model.config.pad_token_id = tok.pad_token_id
    return note

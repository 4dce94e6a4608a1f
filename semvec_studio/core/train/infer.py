"""Use a trained classifier: load the folder `semvec train` wrote (fine-tuned or linear probe),
predict class probabilities, evaluate on a labelled file.

A fine-tuned folder is a plain Hugging Face ``*ForSequenceClassification`` checkpoint (any such
local folder works); a linear-probe folder has ``probe.json`` + ``probe.safetensors`` (no pickle)
and names the base checkpoint whose pooled vectors it reads.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from semvec_studio.core.errors import ModelError, UsageError, WeightsError
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.train.data import LabelledData, LabelMap, collate, sorted_batches, tokenize
from semvec_studio.core.train.metrics import classification_report

PRECISIONS = ("auto", "float32", "bfloat16")
PROBE_FILE = "probe.json"
PROBE_WEIGHTS = "probe.safetensors"
PARAMS_FILE = "params.json"
DEFAULT_MAX_LENGTH = 128


def resolve_precision(precision: str, device: str) -> str:
    """'auto' -> bfloat16 autocast only where the hardware computes in bf16 natively (a CUDA GPU
    with bf16, or a CPU with AMX or AVX512-BF16); elsewhere (e.g. AVX2-only CPUs, where bf16
    autocast was measured slower than float32) float32."""
    import torch

    if precision not in PRECISIONS:
        raise UsageError(f"--precision {precision}: choose one of {', '.join(PRECISIONS)}.")
    if precision != "auto":
        return precision
    if device == "cuda":
        return "bfloat16" if torch.cuda.is_bf16_supported() else "float32"
    if device == "cpu":
        cpu = torch.cpu
        native = getattr(cpu, "_is_amx_tile_supported", lambda: False)() or getattr(cpu, "_is_avx512_bf16_supported", lambda: False)()
        return "bfloat16" if native else "float32"
    return "float32"


def autocast(device: str, precision: str):
    import torch

    if precision == "bfloat16" and device in ("cpu", "cuda"):
        return torch.autocast(device_type=device, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def forward_probs(model, ids: Sequence[list[int]], pad_id: int, *, device: str, precision: str, batch_size: int,
                  ctx: TaskContext | None = None, msg: str = "predicting") -> np.ndarray:
    """Class probabilities (float64, input order) for tokenised texts; longest batches first."""
    import torch

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
                ctx.report(done, len(ids), msg)
    finally:
        model.train(was_training)
    return out


@dataclass
class Classifier:
    """A loaded classifier. ``kind`` is 'finetuned' or 'probe'; ``labels`` are the class names."""

    kind: str
    path: str
    labels: tuple[str, ...]
    max_length: int
    device: str
    precision: str
    model: object = None
    tokenizer: object = None
    base: object = None  # probe: the LoadedModel whose vectors it reads
    probe_options: object = None
    weight: np.ndarray | None = None
    bias: np.ndarray | None = None
    warnings: list[str] = field(default_factory=list)

    def predict_proba(self, texts: Sequence[str], *, batch_size: int = 64, ctx: TaskContext | None = None) -> np.ndarray:
        if self.kind == "probe":
            from semvec_studio.core.train.probe import probe_probs

            return probe_probs(self, texts, batch_size=batch_size, ctx=ctx)
        enc = tokenize(self.tokenizer, texts, [0] * len(texts), self.max_length, ctx)
        return forward_probs(self.model, enc.ids, self.tokenizer.pad_token_id, device=self.device, precision=self.precision,
                             batch_size=batch_size, ctx=ctx)


def read_json(path: Path) -> dict:
    """A JSON object from a training output folder (typed error if missing or damaged)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot be read as JSON ({exc}); the folder is damaged, train again.") from exc
    if not isinstance(data, dict):
        raise ModelError(f"{path}: expected a JSON object; the folder is damaged, train again.")
    return data


def load_classifier(path: str | os.PathLike, *, device: str = "auto", precision: str = "auto", allow_pickle: bool = False,
                    ctx: TaskContext | None = None) -> Classifier:
    """Load a folder written by `semvec train` (or any local sequence-classification checkpoint)."""
    from semvec_studio.core.models import pick_device, resolve_model_path

    folder = resolve_model_path(path) if str(path) != "default" else None
    if folder is None:
        raise ModelError("'default' is the bundled encoder, not a classifier; give the folder 'semvec train' wrote.")
    dev = pick_device(device)
    prec = resolve_precision(precision, dev)
    if (folder / PROBE_FILE).is_file():
        from semvec_studio.core.train.probe import load_probe

        return load_probe(folder, dev, prec, allow_pickle=allow_pickle, ctx=ctx)
    model, tok, info = load_sequence_classifier(folder, allow_pickle=allow_pickle)
    params = read_json(folder / PARAMS_FILE) if (folder / PARAMS_FILE).is_file() else {}
    resolved = params.get("resolved") or {}
    max_len = min(int(resolved.get("max_length") or params.get("max_length") or DEFAULT_MAX_LENGTH), info.max_positions)
    model.to(dev).eval()
    id2label = model.config.id2label
    labels = tuple(str(id2label[i]) for i in range(model.config.num_labels))
    return Classifier("finetuned", str(folder), labels, max_len, dev, prec, model=model, tokenizer=tok)


def load_sequence_classifier(folder: Path, *, allow_pickle: bool = False):
    """(model, tokenizer, ModelInfo) of a *ForSequenceClassification checkpoint, checked and offline."""
    import torch
    from transformers import AutoModelForSequenceClassification

    from semvec_studio.core.models import inspect_checkpoint, load_tokenizer, read_config
    from semvec_studio.core.offline import quiet_transformers

    quiet_transformers()
    info = inspect_checkpoint(folder, allow_pickle=allow_pickle)
    cfg = read_config(folder)
    archs = cfg.get("architectures") or []
    if not any(a.endswith("ForSequenceClassification") for a in archs):
        raise ModelError(f"{folder}: not a classifier (its architecture is {archs[0] if archs else cfg.get('model_type', '?')});"
                         " give a folder written by 'semvec train', or train one from this checkpoint with 'semvec train --model'.")
    tok = load_tokenizer(folder)
    try:
        model = AutoModelForSequenceClassification.from_pretrained(
            str(folder), dtype=torch.float32, trust_remote_code=False, use_safetensors=info.weights_format == "safetensors")
    except Exception as exc:
        raise WeightsError(f"{folder}: the classifier cannot be loaded ({type(exc).__name__}: {str(exc).splitlines()[0][:200]});"
                           " the files may be corrupt; train again.") from exc
    set_pad_token(tok, model)
    return model, tok, info


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


def evaluate(clf: Classifier, data: LabelledData, *, batch_size: int = 64, ctx: TaskContext | None = None) -> dict:
    """The report of ``clf`` on ``data`` (labels must be among the classifier's classes)."""
    y = LabelMap(clf.labels).encode(data, known_from=f"the classifier {clf.path}")
    probs = clf.predict_proba(data.texts, batch_size=batch_size, ctx=ctx)
    report = classification_report(y, probs, clf.labels)
    report["file"] = data.path
    return report

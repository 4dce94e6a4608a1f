"""A trained classifier ready to predict: :class:`Classifier` (what every kind offers) and the
fine-tuned kind, a plain Hugging Face ``*ForSequenceClassification`` checkpoint (any such local
folder works). The linear probe's kind is in :mod:`semvec_studio.core.train.probe`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModelForSequenceClassification

from semvec_studio.core.checkpoints import read_config
from semvec_studio.core.errors import ModelError, WeightsError
from semvec_studio.core.models import inspect_checkpoint, load_tokenizer
from semvec_studio.core.offline import quiet_transformers
from semvec_studio.core.tasks import TaskContext
from semvec_studio.core.train.data import tokenize
from semvec_studio.core.train.forward import forward_probs, set_pad_token
from semvec_studio.core.train.runfolder import PARAMS_FILE, read_json

DEFAULT_MAX_LENGTH = 128


@dataclass
class Classifier:
    """A loaded classifier. ``kind`` is 'finetuned' or 'probe'; ``labels`` are the class names."""

    kind: str
    path: str
    labels: tuple[str, ...]
    max_length: int
    device: str
    precision: str
    warnings: list[str] = field(default_factory=list)

    def predict_proba(self, texts: Sequence[str], *, batch_size: int = 64, ctx: TaskContext | None = None) -> np.ndarray:
        """Class probabilities, one row per text (float64, input order)."""
        raise NotImplementedError


@dataclass
class FinetunedClassifier(Classifier):
    model: object = None
    tokenizer: object = None

    def predict_proba(self, texts: Sequence[str], *, batch_size: int = 64, ctx: TaskContext | None = None) -> np.ndarray:
        enc = tokenize(self.tokenizer, texts, [0] * len(texts), self.max_length, ctx)
        return forward_probs(self.model, enc.ids, self.tokenizer.pad_token_id, device=self.device, precision=self.precision,
                             batch_size=batch_size, ctx=ctx)


def load_finetuned(folder: Path, device: str, precision: str, *, allow_pickle: bool = False) -> FinetunedClassifier:
    """A fine-tuned folder (or any local sequence-classification checkpoint), on ``device``."""
    model, tok, info = load_sequence_classifier(folder, allow_pickle=allow_pickle)
    params = read_json(folder / PARAMS_FILE) if (folder / PARAMS_FILE).is_file() else {}
    resolved = params.get("resolved") or {}
    max_len = min(int(resolved.get("max_length") or params.get("max_length") or DEFAULT_MAX_LENGTH), info.max_positions)
    model.to(device).eval()
    id2label = model.config.id2label
    labels = tuple(str(id2label[i]) for i in range(model.config.num_labels))
    return FinetunedClassifier("finetuned", str(folder), labels, max_len, device, precision, model=model, tokenizer=tok)


def load_sequence_classifier(folder: Path, *, allow_pickle: bool = False):
    """(model, tokenizer, ModelInfo) of a *ForSequenceClassification checkpoint, checked and offline."""
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

"""Linear probe: the encoder frozen, pooled sentence vectors from one layer (via
:func:`semvec_studio.core.extract.encode.extract`), a scikit-learn logistic regression on top.

Seconds instead of minutes, and the same report as fine-tuning. The folder holds
``probe.json`` (the base checkpoint, its weights hash, how vectors are pooled, the labels) and
``probe.safetensors`` (one weight row and bias per class, the standardisation folded in), so
prediction is ``softmax(x @ W.T + b)`` and needs neither pickle nor scikit-learn.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from sklearn.linear_model import LogisticRegression

from semvec_studio.core.atomic import atomic_dir
from semvec_studio.core.errors import ModelError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.jsonio import write_json
from semvec_studio.core.models import LoadedModel, load_model, pick_device
from semvec_studio.core.provenance import library_versions, now_iso
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.train.classifier import Classifier
from semvec_studio.core.train.data import load_data
from semvec_studio.core.train.forward import resolve_precision
from semvec_studio.core.train.metrics import classification_report
from semvec_studio.core.train.params import TrainParams, TrainResult
from semvec_studio.core.train.runfolder import PROBE_FILE, PROBE_WEIGHTS, RunFiles, read_json, write_documents


def _options(layer: int, pooling: str, max_length: int, batch_size: int) -> ExtractOptions:
    return ExtractOptions(levels=("sentence",), layers=(layer,), pooling=pooling, max_length=max_length, truncate=True,
                          batch_size=batch_size)


def _vectors(lm: LoadedModel, texts: Sequence[str], options: ExtractOptions, ctx: TaskContext) -> np.ndarray:
    return np.asarray(extract(lm, list(texts), options, ctx)["sentence"].vectors, dtype=np.float64)


def fit_logistic(x: np.ndarray, y: Sequence[int], n_classes: int, c: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Standardise, fit a multinomial logistic regression, fold the scaling back in:
    returns (W [n_classes, dim], b [n_classes]) with probabilities = softmax(x @ W.T + b)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-12] = 1.0
    clf = LogisticRegression(C=c, max_iter=2000, random_state=seed)
    clf.fit((x - mean) / scale, np.asarray(y))
    coef, icpt = clf.coef_, clf.intercept_
    if coef.shape[0] == 1:  # binary: sklearn keeps one row for class 1; logits [0, z] give the same softmax
        coef = np.vstack([np.zeros_like(coef), coef])
        icpt = np.concatenate([[0.0], icpt])
    full_w = np.zeros((n_classes, x.shape[1]))
    full_b = np.full(n_classes, -1e9)  # classes missing from the training rows are never predicted
    full_w[clf.classes_] = coef / scale
    full_b[clf.classes_] = icpt - (coef * (mean / scale)).sum(axis=1)
    return full_w, full_b


def softmax_logits(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    z = x @ w.T + b
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def linear_probe(params: TrainParams, out: Path, ctx: TaskContext) -> TrainResult:
    """Fit a probe as ``params`` says (method 'probe') and write its folder atomically; events as
    :func:`semvec_studio.core.train.loop.train` sends them."""
    started = time.perf_counter()
    data = load_data(params, ctx)
    device = pick_device(params.device)
    precision = resolve_precision(params.precision, device)
    labels = data.labels
    with atomic_dir(out, overwrite=params.overwrite) as tmp:
        lm = load_model(params.model, device=device, dtype=precision, allow_pickle=params.allow_pickle, ctx=ctx)
        for w in lm.warnings:
            ctx.log(w)
        options = _options(params.layer, params.pooling, min(params.max_length, lm.max_length), 2 * params.batch_size)
        ctx.event("start", step=0, total_steps=1, steps_per_epoch=1, epochs=1, train_rows=len(data.train),
                  val_rows=len(data.val), labels=list(labels.names), precision=precision, device=device, method="probe")
        x_train = _vectors(lm, data.train.texts, options, ctx)
        ctx.check_cancelled()
        x_val = _vectors(lm, data.val.texts, options, ctx)
        ctx.report(0, None, "fitting logistic regression")
        y_train, y_val = labels.encode(data.train), labels.encode(data.val)
        w, b = fit_logistic(x_train, y_train, len(labels.names), params.probe_c, params.seed)
        train_loss = classification_report(y_train, softmax_logits(x_train, w, b), labels.names)["loss"]
        report = {**classification_report(y_val, softmax_logits(x_val, w, b), labels.names), "step": 1, "epoch": 1.0}
        seconds = time.perf_counter() - started
        _write_probe(tmp, lm, options, labels.names, w, b)
        row = {"step": 1, "epoch": 1.0, "train_loss": train_loss, "lr": None, "val_loss": report["loss"],
               "accuracy": report["accuracy"], "macro_f1": report["macro_f1"]}
        metrics = {**report, "status": "finished", "best_step": 1, "steps": 1, "seconds": round(seconds, 2), **data.facts,
                   "method": "probe", "selected_by": None}
        doc = {**params.as_dict(), "split": data.split,
               "resolved": {"model_path": lm.info.path, "weights_sha256": lm.info.weights_sha256, "device": lm.device,
                            "precision": lm.dtype, "max_length": min(params.max_length, lm.max_length), "labels": report["labels"]}}
        write_documents(tmp, RunFiles(doc, data.split, {}), metrics, [row])
    ctx.event("eval", step=1, epoch=1.0, val_loss=report["loss"], accuracy=report["accuracy"], macro_f1=report["macro_f1"],
              best=True, train_loss=train_loss)
    ctx.event("done", status="finished", step=1, best_step=1, path=str(out), seconds=round(seconds, 2), metrics=report)
    return TrainResult(out, "finished", 1, 1, report, seconds)


def _write_probe(folder: Path, lm: LoadedModel, options: ExtractOptions, names, w: np.ndarray, b: np.ndarray) -> None:
    info = lm.info
    doc = {
        "format": "semvec-linear-probe", "version": 1,
        "base_model": {"path": info.path, "name": info.name, "architecture": info.architecture,
                       "weights_sha256": info.weights_sha256, "weights_format": info.weights_format},
        "layers": list(options.layers), "pooling": options.pooling, "max_length": options.max_length, "truncate": True,
        "dtype": lm.dtype, "labels": list(names), "versions": library_versions(), "created": now_iso(),
    }
    write_json(folder / PROBE_FILE, doc)
    save_file({"weight": torch.from_numpy(w.astype(np.float32)), "bias": torch.from_numpy(b.astype(np.float32))}, str(folder / PROBE_WEIGHTS))


@dataclass
class ProbeClassifier(Classifier):
    """A linear probe over the pooled vectors of ``base``."""

    base: LoadedModel | None = None
    options: ExtractOptions | None = None
    weight: np.ndarray | None = None
    bias: np.ndarray | None = None

    def predict_proba(self, texts: Sequence[str], *, batch_size: int = 64, ctx: TaskContext | None = None) -> np.ndarray:
        options = dataclasses.replace(self.options, batch_size=batch_size)
        return softmax_logits(_vectors(self.base, texts, options, ctx or NullContext()), self.weight, self.bias)


def load_probe(folder: Path, device: str, precision: str, *, allow_pickle: bool = False,
               ctx: TaskContext | None = None) -> ProbeClassifier:
    doc = read_json(folder / PROBE_FILE)
    try:
        tensors = load_file(str(folder / PROBE_WEIGHTS))
        w, b = tensors["weight"].double().numpy(), tensors["bias"].double().numpy()
        base = doc["base_model"]
        names = tuple(doc["labels"])
    except Exception as exc:  # noqa: BLE001 - any damage reads the same to the user
        raise ModelError(f"{folder}: the linear probe cannot be read ({type(exc).__name__}: {exc}); train it again.") from exc
    lm = load_model(base["path"], device=device, dtype=doc.get("dtype", "float32"), allow_pickle=allow_pickle, ctx=ctx)
    warnings = []
    if lm.info.weights_sha256 != base["weights_sha256"]:
        warnings.append(f"{base['path']}: the base model's weights changed since the probe was trained; its predictions may be off")
    options = _options(int(doc["layers"][0]), doc["pooling"], int(doc["max_length"]), 64)
    return ProbeClassifier("probe", str(folder), names, int(doc["max_length"]), lm.device, lm.dtype, warnings,
                           base=lm, options=options, weight=w, bias=b)

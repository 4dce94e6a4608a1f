"""Use a trained classifier: load the folder `semvec train` wrote (fine-tuned or linear probe)
and evaluate it on a labelled file."""

from __future__ import annotations

import os

from semvec_studio.core.checkpoints import DEFAULT_MODEL, resolve_model_path
from semvec_studio.core.errors import ModelError
from semvec_studio.core.models import pick_device
from semvec_studio.core.tasks import TaskContext
from semvec_studio.core.train.classifier import Classifier, load_finetuned
from semvec_studio.core.train.data import LabelledData, LabelMap
from semvec_studio.core.train.forward import resolve_precision
from semvec_studio.core.train.metrics import classification_report
from semvec_studio.core.train.probe import load_probe
from semvec_studio.core.train.runfolder import PROBE_FILE


def load_classifier(path: str | os.PathLike, *, device: str = "auto", precision: str = "auto", allow_pickle: bool = False,
                    ctx: TaskContext | None = None) -> Classifier:
    """Load a folder written by `semvec train` (or any local sequence-classification checkpoint)."""
    if str(path) == DEFAULT_MODEL:
        raise ModelError("'default' is the bundled encoder, not a classifier; give the folder 'semvec train' wrote.")
    folder = resolve_model_path(path)
    dev = pick_device(device)
    prec = resolve_precision(precision, dev)
    if (folder / PROBE_FILE).is_file():
        return load_probe(folder, dev, prec, allow_pickle=allow_pickle, ctx=ctx)
    return load_finetuned(folder, dev, prec, allow_pickle=allow_pickle)


def evaluate(clf: Classifier, data: LabelledData, *, batch_size: int = 64, ctx: TaskContext | None = None) -> dict:
    """The report of ``clf`` on ``data`` (labels must be among the classifier's classes)."""
    y = LabelMap(clf.labels).encode(data, known_from=f"the classifier {clf.path}")
    probs = clf.predict_proba(data.texts, batch_size=batch_size, ctx=ctx)
    report = classification_report(y, probs, clf.labels)
    report["file"] = data.path
    return report

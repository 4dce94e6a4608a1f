"""What a finished training run shows its user: the report, the misclassified validation texts,
and the validation texts embedded by the base and the trained model, each projected to 2-D.

``review_run(outdir, ctx) -> RunReview`` reads the folder `semvec train` wrote (metrics.json,
params.json), rebuilds the same validation rows (the split is seeded), predicts them with the
saved classifier and embeds a seeded sample of them twice: with the base checkpoint and, for a
fine-tuned run, with the fine-tuned encoder (mean-pooled last layer, PCA). A linear probe leaves
the encoder unchanged, so its "after" map is the base map coloured by the probe's predictions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import LoadedModel, load_model
from semvec_studio.core.projection.project import ProjectionParams, project
from semvec_studio.core.rows import sample_positions
from semvec_studio.core.tasks import NullContext, TaskContext
from semvec_studio.core.train.data import LabelMap, load_data
from semvec_studio.core.train.infer import load_classifier
from semvec_studio.core.train.params import TrainParams
from semvec_studio.core.train.runfolder import METRICS_FILE, PARAMS_FILE, read_json

MAX_POINTS = 1000  # texts embedded twice for the before/after maps


@dataclass(frozen=True)
class RunReview:
    path: str
    method: str  # "finetune" | "probe"
    metrics: dict  # metrics.json
    labels: tuple[str, ...]
    texts: list[str]  # the validation texts, in split order
    true: np.ndarray  # int class ids
    predicted: np.ndarray  # int class ids
    confidence: np.ndarray  # probability of the predicted class
    map_rows: np.ndarray  # indices into texts of the points on the maps
    before: np.ndarray  # float32 [len(map_rows), 2]: base model
    after: np.ndarray  # float32 [len(map_rows), 2]: trained model (probe: the base map again)
    after_colour_by: str  # "true" or "predicted": what the after map's colours mean

    def misclassified(self) -> list[int]:
        """Indices of wrong predictions, most confident first (the most instructive errors)."""
        wrong = np.nonzero(self.true != self.predicted)[0]
        return wrong[np.argsort(-self.confidence[wrong], kind="stable")].tolist()


def _sentence_map(lm: LoadedModel, texts: list[str], max_length: int, ctx: TaskContext, phase: str) -> np.ndarray:
    ctx.report(0, None, phase)
    vecs = extract(lm, texts, ExtractOptions(levels=("sentence",), pooling="mean", max_length=max_length, truncate=True),
                   ctx)["sentence"].vectors
    return project(vecs, ProjectionParams(method="pca"), ctx, quality=False).coords


def review_run(outdir: str | os.PathLike, ctx: TaskContext | None = None, *, device: str = "auto",
               max_points: int = MAX_POINTS, seed: int = 0) -> RunReview:
    """Everything the training panel shows after a run; see the module doc."""
    ctx = ctx or NullContext()
    out = Path(outdir)
    metrics = read_json(out / METRICS_FILE)
    saved = read_json(out / PARAMS_FILE)
    params = TrainParams.from_dict(saved)
    val = load_data(params, ctx).val
    ctx.check_cancelled()
    clf = load_classifier(out, device=device, allow_pickle=params.allow_pickle, ctx=ctx)
    true = np.asarray(LabelMap(clf.labels).encode(val, known_from=f"the classifier {out}"), dtype=np.int64)
    ctx.report(0, None, "predicting the validation texts")
    probs = clf.predict_proba(val.texts, ctx=ctx)
    predicted = probs.argmax(axis=1)
    confidence = probs[np.arange(len(predicted)), predicted]
    rows = sample_positions(len(val.texts), max_points, seed)
    sample = [val.texts[i] for i in rows]
    max_len = int((saved.get("resolved") or {}).get("max_length") or params.max_length)
    base = clf.base if clf.kind == "probe" else load_model(params.model, device=device, allow_pickle=params.allow_pickle)
    before = _sentence_map(base, sample, max_len, ctx, "embedding with the base model")
    if clf.kind == "probe":
        after, colour_by = before, "predicted"
    else:
        del base
        tuned = load_model(str(out), device=device)
        after, colour_by = _sentence_map(tuned, sample, max_len, ctx, "embedding with the fine-tuned model"), "true"
    return RunReview(str(out), "probe" if clf.kind == "probe" else "finetune", metrics, tuple(clf.labels), list(val.texts),
                     true, predicted, confidence, rows, before, after, colour_by)

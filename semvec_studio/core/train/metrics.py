"""Classification metrics (the report of `semvec train` and `semvec evaluate`) and loss.csv."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

LOSS_COLUMNS = ("step", "epoch", "train_loss", "lr", "val_loss", "accuracy", "macro_f1")


def classification_report(y_true: Sequence[int], probs: np.ndarray, names: Sequence[str]) -> dict:
    """Accuracy, macro-F1, per-class precision/recall/F1/support, confusion matrix (rows = true
    class, columns = predicted), mean cross-entropy ``loss`` and its standard error ``loss_se``
    from class probabilities."""
    y_true = np.asarray(y_true, dtype=np.int64)
    probs = np.asarray(probs, dtype=np.float64)
    y_pred = probs.argmax(axis=1)
    k = list(range(len(names)))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=k, zero_division=0)
    picked = probs[np.arange(len(y_true)), y_true]
    losses = -np.log(np.clip(picked, 1e-12, None))
    loss = float(losses.mean()) if len(y_true) else math.nan
    loss_se = float(losses.std(ddof=1) / math.sqrt(len(losses))) if len(losses) > 1 else 0.0
    return {
        "rows": int(len(y_true)),
        "loss": round(loss, 6),
        "loss_se": round(loss_se, 6),
        "accuracy": round(float((y_pred == y_true).mean()) if len(y_true) else math.nan, 6),
        "macro_f1": round(float(np.mean(f)), 6),
        "labels": list(names),
        "per_class": {
            name: {"precision": round(float(p[i]), 6), "recall": round(float(r[i]), 6), "f1": round(float(f[i]), 6), "support": int(s[i])}
            for i, name in enumerate(names)
        },
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=k).tolist(),
    }


def format_report(m: dict, title: str = "") -> str:
    """A plain-text report: headline figures, per-class table, confusion matrix."""
    names = m["labels"]
    width = max(8, *(len(n) for n in names))
    lines = [title] if title else []
    lines.append(f"rows {m['rows']}   accuracy {m['accuracy']:.4f}   macro-F1 {m['macro_f1']:.4f}   loss {m['loss']:.4f}")
    lines.append("")
    lines.append(f"{'class':<{width}}  precision  recall      f1  support")
    for n in names:
        c = m["per_class"][n]
        lines.append(f"{n:<{width}}  {c['precision']:9.4f}  {c['recall']:6.4f}  {c['f1']:6.4f}  {c['support']:7d}")
    lines.append("")
    lines.append("confusion matrix (rows: true class, columns: predicted)")
    cell = max(6, *(len(n) for n in names), *(len(str(v)) for row in m["confusion_matrix"] for v in row))
    lines.append(" " * width + "  " + " ".join(f"{n:>{cell}}" for n in names))
    for n, row in zip(names, m["confusion_matrix"]):
        lines.append(f"{n:<{width}}  " + " ".join(f"{v:>{cell}d}" for v in row))
    return "\n".join(lines)


def better(metric: str, report: dict, best: dict | None) -> bool:
    """Whether ``report`` improves on the ``best`` report so far by ``metric`` (loss: lower;
    others: higher); a tie on accuracy or macro-F1 goes to the lower validation loss."""
    if best is None:
        return True
    value, old = metric_value(metric, report), metric_value(metric, best)
    if metric == "val_loss":
        return value < old
    return value > old or (value == old and report["loss"] < best["loss"])


def metric_value(metric: str, m: dict) -> float:
    return m["loss"] if metric == "val_loss" else m[metric]


def standard_error(metric: str, m: dict) -> float:
    """How far ``metric`` of report ``m`` can move by chance over its ``rows`` validation texts: the
    binomial sqrt(p(1-p)/n) for accuracy, the same formula for macro-F1 (an approximation), the
    per-text losses' standard deviation / sqrt(n) for the loss."""
    if metric == "val_loss":
        return float(m.get("loss_se") or 0.0)
    v, n = m[metric], m["rows"]
    return math.sqrt(max(v * (1 - v), 0.0) / n) if n else 0.0


def within(metric: str, report: dict, best: dict | None, ses: float) -> bool:
    """Whether ``report`` is within ``ses`` standard errors (of the ``best`` report) of the best."""
    if best is None:
        return True
    margin = ses * standard_error(metric, best)
    value, top = metric_value(metric, report), metric_value(metric, best)
    return value <= top + margin if metric == "val_loss" else value >= top - margin


def write_loss_csv(path: Path, rows: Sequence[dict]) -> None:
    """One row per training step; the validation columns are filled at evaluation steps."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(LOSS_COLUMNS)
        for row in rows:
            w.writerow(["" if row.get(c) is None else row[c] for c in LOSS_COLUMNS])


def read_loss_csv(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            rows.append({c: (None if rec.get(c) in (None, "") else (int(rec[c]) if c == "step" else float(rec[c]))) for c in LOSS_COLUMNS})
    return rows

"""Linear probes with a control task (Hewitt and Liang 2019): cross-validated accuracy on the real
labels, on control labels, and their difference, the selectivity.

The probe is scikit-learn's multinomial logistic regression on standardised vectors, scored by
``folds``-fold stratified cross-validation (every row predicted once, by a probe that never saw
it); with ``groups`` (per-word tags: the text each word row comes from) the folds keep each
group whole, so no sentence is on both sides.

The control task gives every *word type* one random label, drawn from the real labels' empirical
distribution with a seeded hash of the type: fixed per type, whatever the rows' order or which
other rows there are of it. A probe can only learn it by memorising which type carries which
label, so its control accuracy measures how much the probe does from word identity alone, and
selectivity = accuracy - control accuracy says what the representation gives beyond that.

- per-word tags: the type is the word row's own type (Hewitt and Liang's design);
- a label per text (:data:`CONTROLS`): by default ("words") the text takes the label most of its
  words' types carry, a random bag-of-words task: a linear function of the words' counts, so a
  mean-pooled vector can learn it as far as it keeps which words a text has, and it generalises to
  held-out texts through the words they share with the training folds. "first-word" takes the
  label of the text's first word: where a handful of words start most texts (TREC's questions) it
  is easier than the real task, so selectivity comes out negative and says nothing
  (tests/benchmarks/test_layers.py measures it). "text" gives each text a label of its own: unlearnable on
  held-out texts, so its accuracy is what guessing from the label distribution gets.

The same folds (stratified by the real labels) serve both tasks. Classes with fewer rows than
folds are left out of both, and counted in :attr:`ProbeScore.dropped`.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.io.tables import pick_column, read_table
from semvec_studio.core.projection.threads import blas_threads

__all__ = ["CONTROLS", "LabelledTexts", "ProbeScore", "ProbeTask", "control_labels", "cross_validated_accuracy", "make_task", "probe_space",
           "read_probe_file"]

PROBE_C = 1.0
MAX_ITER = 500
LABEL_COLUMNS = ("label", "labels", "tags", "class", "category", "target", "y")


@dataclass(frozen=True)
class LabelledTexts:
    """A probe file's texts with a label each, or (``tags``) a list of tags each, one per word."""

    texts: tuple[str, ...]
    labels: tuple[str, ...] | None
    tags: tuple[tuple[str, ...], ...] | None


def read_probe_file(path: str | os.PathLike, text_column: str | None = None, label_column: str | None = None, *,
                    tags: bool = False) -> LabelledTexts:
    """Read a labelled .csv/.tsv file: a text and a label per row; with ``tags`` the label cell
    holds one tag per word of the text, separated by spaces. Rows without a text are skipped; a
    text without a label is an error naming its line."""
    table = read_table(path)
    t_col = pick_column(table.header, text_column, table.path)
    l_col = pick_column(table.header, label_column, table.path, candidates=LABEL_COLUMNS, option="--label-column",
                        missing="no 'label' column")
    texts, labels = [], []
    for row, line in zip(table.rows, table.row_numbers):
        text = row[t_col] if t_col < len(row) else ""
        label = row[l_col] if l_col < len(row) else ""
        if not text:
            continue
        if not label:
            raise InputError(f"{table.path}, line {line}, column '{table.header[l_col]}': no label for the text; "
                             "label every row, or remove it.")
        texts.append(text)
        labels.append(label)
    if not texts:
        raise InputError(f"{table.path}: no labelled texts.")
    if tags:
        return LabelledTexts(tuple(texts), None, tuple(tuple(cell.split()) for cell in labels))
    return LabelledTexts(tuple(texts), tuple(labels), None)


@dataclass(frozen=True)
class ProbeScore:
    accuracy: float
    control: float
    dropped: int = 0

    @property
    def selectivity(self) -> float:
        return self.accuracy - self.control

    def as_dict(self) -> dict:
        return {"accuracy": self.accuracy, "control": self.control, "selectivity": self.selectivity}


@dataclass(frozen=True)
class ProbeTask:
    """The rows kept (``rows`` into the lab's rows), their real and control labels (ints) and the
    folds, shared by every layer."""

    rows: np.ndarray
    labels: np.ndarray
    control: np.ndarray
    folds: tuple[tuple[np.ndarray, np.ndarray], ...]
    dropped: int


def _unit_hash(seed: int, key: str) -> float:
    digest = hashlib.blake2b(f"{seed}\x1f{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") / 2.0**64


# How a text's control label comes from the word types in it (each type's random label drawn as
# above); a row of tags has one type, so every design gives it its type's label.
CONTROLS: dict[str, Callable[[list[str]], list[str]]] = {
    "words": lambda words: words or [""],  # the majority of its words' labels: a random bag-of-words task
    "first-word": lambda words: words[:1] or [""],  # its first word's label
    "text": lambda words: ["\x1e".join(words)],  # a label of its own: unlearnable on held-out texts
}


def control_labels(types: Sequence[str | Sequence[str]], labels: Sequence[str], seed: int = 0, design: str = "words") -> list[str]:
    """One control label per row. Each word type gets one label, drawn from the empirical
    distribution of ``labels`` by a seeded hash of the type (fixed per type); a row whose type is
    one string gets its type's label; a row of several types (a text's words) gets the label
    :data:`CONTROLS` ``[design]`` gives it: by default the most frequent among its words' labels
    (ties: the one that comes first in the text)."""
    if len(types) != len(labels):
        raise ValueError("one type (or list of types) per label")
    if design not in CONTROLS:
        raise UsageError(f"--control {design}: choose one of {', '.join(CONTROLS)}.", field="control")
    names, counts = np.unique(np.asarray(labels, dtype=object).astype(str), return_counts=True)
    cumulative = np.cumsum(counts) / counts.sum()
    chosen: dict[str, str] = {}

    def label_of(key: str) -> str:
        if key not in chosen:
            pick = int(np.searchsorted(cumulative, _unit_hash(seed, key), side="right"))
            chosen[key] = str(names[min(pick, len(names) - 1)])
        return chosen[key]

    out = []
    for row in types:
        votes = [label_of(k) for k in ([row] if isinstance(row, str) else CONTROLS[design](list(row)))]
        out.append(max(dict.fromkeys(votes), key=votes.count))
    return out


def make_task(labels: Sequence[str], types: Sequence[str | Sequence[str]], *, folds: int = 5, seed: int = 0,
              groups: Sequence[int] | None = None, control: str = "words") -> ProbeTask:
    """Real and control labels and the folds for rows labelled ``labels`` whose word types are
    ``types`` (one per row, or a list per text; see :func:`control_labels`)."""
    if folds < 2:
        raise UsageError(f"--folds {folds}: cross-validation needs at least 2 folds.", field="folds")
    labels = np.asarray([str(v) for v in labels], dtype=object)
    names, counts = np.unique(labels, return_counts=True)
    keep_names = set(names[counts >= folds].tolist())
    rows = np.flatnonzero([v in keep_names for v in labels])
    if len(keep_names) < 2:
        raise UsageError(f"the probe needs at least 2 labels with {folds} or more rows each; found {len(keep_names)}.")
    kept = labels[rows]
    control = control_labels([types[i] for i in rows], kept.tolist(), seed, control)
    real_ids = np.unique(kept, return_inverse=True)[1].astype(np.int64)
    control_ids = np.unique(np.asarray(control, dtype=object), return_inverse=True)[1].astype(np.int64)
    if groups is None:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        split = splitter.split(np.zeros(len(rows)), real_ids)
    else:
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        split = splitter.split(np.zeros(len(rows)), real_ids, np.asarray(groups)[rows])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a group-kept class may miss a fold: fine
        chosen = tuple((tr, te) for tr, te in split)
    return ProbeTask(rows, real_ids, control_ids, chosen, int(len(labels) - len(rows)))


def cross_validated_accuracy(x: np.ndarray, y: np.ndarray, folds, seed: int = 0) -> float:
    """The fraction of rows that the probe trained on the other folds labels right."""
    right = 0
    total = 0
    for train, test in folds:
        if len(np.unique(y[train])) < 2:  # a fold with one class in training: predict it
            right += int((y[test] == y[train][0]).sum())
            total += len(test)
            continue
        probe = make_pipeline(StandardScaler(), LogisticRegression(C=PROBE_C, max_iter=MAX_ITER, random_state=seed))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            probe.fit(x[train], y[train])
        right += int((probe.predict(x[test]) == y[test]).sum())
        total += len(test)
    return right / total if total else float("nan")


def probe_space(x: np.ndarray, task: ProbeTask, seed: int = 0) -> ProbeScore:
    """Real and control accuracy of probes on the vectors ``x`` (all the lab's rows)."""
    xs = np.asarray(x[task.rows], dtype=np.float64)
    with blas_threads():
        accuracy = cross_validated_accuracy(xs, task.labels, task.folds, seed)
        control = cross_validated_accuracy(xs, task.control, task.folds, seed)
    return ProbeScore(accuracy, control, task.dropped)

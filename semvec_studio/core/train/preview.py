"""What a training panel shows before Start: the file's first rows, column guesses, class counts
of the split the run would make, and advice (``csv_preview``). Qt-free; runs on the runner."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from semvec_studio.core.errors import SemvecError
from semvec_studio.core.io.tables import read_table
from semvec_studio.core.tasks import NullContext
from semvec_studio.core.train.data import guess_columns, load_data
from semvec_studio.core.train.params import TrainParams

PREVIEW_ROWS = 50
FEW_PER_CLASS = 10
IMBALANCE = 10.0
FEW_FOR_FINETUNE = 200
FEW_VALIDATION = 20


@dataclass
class CsvPreview:
    path: str
    header: list[str]
    rows: list[list[str]]  # the first PREVIEW_ROWS data rows
    total_rows: int
    encoding: str
    delimiter: str
    text_column: str | None  # the chosen or guessed column (None: no guess)
    label_column: str | None
    facts: dict = field(default_factory=dict)  # train/val rows and class counts, when the columns work
    problem: str = ""  # why a run could not start with these columns (one line), else ""
    warnings: list[str] = field(default_factory=list)  # from reading the file, then advice


def advice(facts: dict, method: str) -> list[str]:
    """Things worth knowing before a run, from the split's facts."""
    out = []
    counts: dict = facts.get("class_counts") or {}
    small = [f"'{k}' ({v})" for k, v in counts.items() if v < FEW_PER_CLASS]
    if small:
        out.append(f"few training rows for {', '.join(small)}: a class needs a few dozen examples to be learnt")
    if counts and min(counts.values()) and max(counts.values()) / min(counts.values()) > IMBALANCE:
        big, tiny = max(counts, key=counts.get), min(counts, key=counts.get)
        out.append(f"imbalanced classes ('{big}' {counts[big]} vs '{tiny}' {counts[tiny]}): macro-F1, the default"
                   " metric, weighs every class equally; accuracy would hide the small class")
    if method == "finetune" and facts.get("train_rows", FEW_FOR_FINETUNE) < FEW_FOR_FINETUNE:
        out.append(f"only {facts['train_rows']} training rows: the linear probe may do as well in seconds")
    if facts.get("val_rows", FEW_VALIDATION) < FEW_VALIDATION:
        out.append(f"only {facts['val_rows']} validation rows: its figures will move a lot from run to run;"
                   " raise the validation share or give a validation file")
    return out


def preview(params: TrainParams) -> dict:
    """What a run would train on, without loading a model (a GUI's checks before Start):
    rows, class counts of each side, labels and warnings. Raises the same errors as ``train``."""
    params.validate()
    ctx = NullContext()
    data = load_data(params, ctx)
    return {**data.facts, "labels": list(data.labels.names), "val_class_counts": data.val.class_counts(),
            "warnings": list(ctx.messages)}


def csv_preview(params: TrainParams, ctx=None) -> CsvPreview:
    """Read ``params.csv`` for the panel. File-level errors (missing file, unreadable, no header)
    raise; a column or class problem is returned in ``problem`` so the user can still see the table
    and pick other columns."""
    table = read_table(params.csv, delimiter=params.delimiter, encoding=params.encoding, quoting=params.quoting)
    guess_text, guess_label = guess_columns(table.header)
    text = params.text_column or guess_text
    label = params.label_column or guess_label
    result = CsvPreview(table.path, list(table.header), [list(r) for r in table.rows[:PREVIEW_ROWS]], len(table.rows),
                        table.encoding, table.delimiter, text, label, warnings=list(table.warnings))
    if text is None or label is None:
        missing = "text" if text is None else "label"
        result.problem = f"choose the {missing} column"
        return result
    try:
        got = preview(dataclasses.replace(params, text_column=text, label_column=label))
    except SemvecError as exc:
        result.problem = exc.for_gui()
        return result
    result.facts = got
    result.warnings = list(dict.fromkeys(result.warnings + got["warnings"] + advice(got, params.method)))
    return result

"""Labelled files for training: read, check, map labels to ids, split, tokenise and batch.

CSV/TSV files are read with :func:`semvec_studio.core.io.tables.read_table` (delimiter sniffing,
BOM, encodings, ``quoting=False`` for files whose sentences contain bare ``"``); JSON lines files
(.jsonl, one object a line, as CLUE's ``{"sentence": ..., "label": ..., "label_desc": ...}``)
take the text and the label from two fields. Every problem a user can fix is a
:class:`~semvec_studio.core.errors.InputError` naming the file, line and column or field.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.io.decoding import decode_file
from semvec_studio.core.io.tables import TEXT_COLUMNS, Table, pick_column, read_table
from semvec_studio.core.tasks import TaskContext
from semvec_studio.core.train.params import TrainParams

LABEL_COLUMNS = ("label", "labels", "class", "category", "target", "y")
MEGABATCH = 50  # length-grouped batches are sorted within windows of 50 batches (as HF does)
SHOWN_LINES = 5


@dataclass(frozen=True)
class CsvOptions:
    """How to read a CSV/TSV file (the CLI's --delimiter, --encoding, --no-quoting)."""

    delimiter: str | None = None
    encoding: str | None = None
    quoting: bool = True


@dataclass
class LabelledData:
    """Texts with their string labels, and the file line each came from."""

    path: str
    texts: list[str]
    labels: list[str]
    lines: list[int]
    text_column: str
    label_column: str
    sha256: str = ""
    skipped_empty: list[int] = field(default_factory=list)  # lines whose text was empty
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, indices: Sequence[int]) -> LabelledData:
        return LabelledData(self.path, [self.texts[i] for i in indices], [self.labels[i] for i in indices],
                            [self.lines[i] for i in indices], self.text_column, self.label_column, self.sha256)

    def class_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.labels).items(), key=lambda kv: label_sort_key(kv[0])))


def label_sort_key(label: str) -> tuple:
    """Numbers in numeric order first ("2" < "10"), then other labels alphabetically."""
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def guess_columns(header: Sequence[str]) -> tuple[str | None, str | None]:
    """Best guesses for (text column, label column) in a header, for column choosers."""
    lowered = [h.lower() for h in header]
    text = next((header[lowered.index(c)] for c in ("text", "sentence", "review", "content", "document") if c in lowered), None)
    label = next((header[lowered.index(c)] for c in LABEL_COLUMNS if c in lowered), None)
    return text, label


def pick_label_column(header: Sequence[str], wanted: str | None, name: str) -> int:
    return pick_column(header, wanted, name, candidates=LABEL_COLUMNS, option="--label-column",
                       missing="no 'label' column", advice="pass the one with the labels with")


def _lines(lines: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:SHOWN_LINES])
    return shown + (f" and {len(lines) - SHOWN_LINES} more" if len(lines) > SHOWN_LINES else "")


def is_jsonl(path: str | os.PathLike) -> bool:
    return Path(path).suffix.lower() == ".jsonl"


def read_labelled(path: str | os.PathLike, text_column: str | None = None, label_column: str | None = None,
                  options: CsvOptions = CsvOptions(), *, text_field: str | None = None, label_field: str | None = None) -> LabelledData:
    """Read a labelled CSV/TSV (``text_column``, ``label_column``) or JSON lines file (``text_field``,
    ``label_field``). Rows with an empty text are skipped and counted; a row with a text and no
    label is an error naming its line and column."""
    jsonl = is_jsonl(path)
    for given, flag, applies in ((text_column, "--text-column", not jsonl), (label_column, "--label-column", not jsonl),
                                 (text_field, "--text-field", jsonl), (label_field, "--label-field", jsonl)):
        if given is not None and not applies:
            kind, other = ("a JSON lines file", "--text-field and --label-field") if jsonl else ("a CSV/TSV file", "--text-column and --label-column")
            raise UsageError(f"{flag} {given}: {os.fspath(path)} is {kind}; name its fields with {other}",
                             gui=f"{os.fspath(path)} is {kind}; its {'fields' if jsonl else 'columns'} are named elsewhere",
                             field=flag.removeprefix("--").replace("-", "_"))
    if jsonl:
        return read_labelled_jsonl(path, text_field, label_field, options.encoding)
    table: Table = read_table(path, delimiter=options.delimiter, encoding=options.encoding, quoting=options.quoting)
    name = table.path
    t_col = pick_column(table.header, text_column, name)
    l_col = pick_label_column(table.header, label_column, name)
    if t_col == l_col:
        raise UsageError(f"{name}: the text column and the label column are both '{table.header[t_col]}'; choose two different columns")
    data = LabelledData(name, [], [], [], table.header[t_col], table.header[l_col], file_sha256(path), warnings=list(table.warnings))
    for line, row in zip(table.row_numbers, table.rows):
        text, label = row[t_col], row[l_col]
        if not text:
            data.skipped_empty.append(line)
            continue
        if not label:
            raise InputError(f"{name}, line {line}, column '{data.label_column}': no label for the text"
                             f" '{text[:40]}'; fill in its label or remove the row")
        data.texts.append(text)
        data.labels.append(label)
        data.lines.append(line)
    if data.skipped_empty:
        data.warnings.append(f"{name}: skipped {len(data.skipped_empty)} row(s) with an empty '{data.text_column}'"
                             f" (line {_lines(data.skipped_empty)})")
    if not data.texts:
        raise InputError(f"{name}: no labelled rows (column '{data.text_column}' is empty in every row);"
                         " give a file with one text and one label per row")
    return data


def read_labelled_jsonl(path: str | os.PathLike, text_field: str | None = None, label_field: str | None = None,
                        encoding: str | None = None) -> LabelledData:
    """Read a labelled JSON lines file: the text from ``text_field`` (default 'text' or 'sentence'),
    the label from ``label_field`` (default 'label'); a number label is read as its digits."""
    name, text, _, warnings = decode_file(path, encoding)
    data = LabelledData(name, [], [], [], text_field or "", label_field or "", file_sha256(path), warnings=list(warnings))
    for line, raw in enumerate(io.StringIO(text, newline=""), start=1):
        if not raw.strip():
            continue
        record = _json_record(raw, name, line)
        data.text_column = data.text_column or next((k for k in TEXT_COLUMNS if k in record), TEXT_COLUMNS[0])
        data.label_column = data.label_column or next((k for k in LABEL_COLUMNS if k in record), LABEL_COLUMNS[0])
        value = _json_field(record, data.text_column, name, line, "--text-field", "text_field")
        label = _json_field(record, data.label_column, name, line, "--label-field", "label_field")
        if not isinstance(value, (str, type(None))):
            raise InputError(f"{name}, line {line}: field '{data.text_column}' is a {type(value).__name__}, not a text;"
                             " pass the field with the texts with --text-field", gui=f"{name}, line {line}: field"
                             f" '{data.text_column}' is a {type(value).__name__}, not a text; choose the field with the texts",
                             field="text_field")
        value = (value or "").strip()
        if not value:
            data.skipped_empty.append(line)
            continue
        if isinstance(label, (dict, list)) or label is None or str(label).strip() == "":
            raise InputError(f"{name}, line {line}, field '{data.label_column}': no label for the text '{value[:40]}';"
                             " give it a label (a string or a number) or remove the line")
        data.texts.append(value)
        data.labels.append(str(label).strip())
        data.lines.append(line)
    if data.skipped_empty:
        data.warnings.append(f"{name}: skipped {len(data.skipped_empty)} line(s) with an empty '{data.text_column}'"
                             f" (line {_lines(data.skipped_empty)})")
    if not data.texts:
        raise InputError(f"{name}: no labelled lines; give one JSON object a line with a text and a label")
    return data


def _json_record(raw: str, name: str, line: int) -> dict:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as err:
        raise InputError(f"{name}, line {line}: not valid JSON ({err.msg}, column {err.colno}); each line must be one JSON object") from None
    if not isinstance(record, dict):
        raise InputError(f"{name}, line {line}: a JSON {type(record).__name__}, not an object; each line must be one JSON object"
                         " such as {\"text\": ..., \"label\": ...}")
    return record


def _json_field(record: dict, key: str, name: str, line: int, flag: str, option: str):
    if key not in record:
        fields = ", ".join(f"'{k}'" for k in record) or "none"
        what = f"{name}, line {line}: no field '{key}' (fields: {fields});"
        raise InputError(f"{what} give every line one, or pass the right field with {flag}",
                         gui=f"{what} give every line one, or choose the right field", field=option)
    return record[key]


@dataclass(frozen=True)
class LabelMap:
    """Label strings <-> class ids, in :func:`label_sort_key` order."""

    names: tuple[str, ...]

    @classmethod
    def from_labels(cls, labels: Sequence[str]) -> LabelMap:
        return cls(tuple(sorted(set(labels), key=label_sort_key)))

    @property
    def label2id(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.names)}

    @property
    def id2label(self) -> dict[int, str]:
        return dict(enumerate(self.names))

    def encode(self, data: LabelledData, *, known_from: str | None = None) -> list[int]:
        """Ids of ``data.labels``; a label this map lacks is an error naming its line."""
        ids = self.label2id
        for label, line in zip(data.labels, data.lines):
            if label not in ids:
                known = ", ".join(f"'{n}'" for n in self.names)
                where = f" in {known_from}" if known_from else ""
                raise InputError(f"{data.path}, line {line}, column '{data.label_column}': label '{label}' is not one of"
                                 f" the classes{where} ({known}); fix the label or remove the row")
        return [ids[label] for label in data.labels]


def check_classes(data: LabelledData, *, need_per_class: int = 1) -> None:
    counts = data.class_counts()
    if len(counts) < 2:
        only = next(iter(counts))
        what = f"{data.path}, column '{data.label_column}': every row has the label '{only}'; a classifier needs at least 2 classes"
        raise InputError(f"{what} (check --label-column)", gui=f"{what} (check the label column)", field="label_column")
    for label, n in counts.items():
        if n < need_per_class:
            lines = [ln for ln, lab in zip(data.lines, data.labels) if lab == label]
            what = (f"{data.path}, column '{data.label_column}': class '{label}' has only {n} row(s) (line {_lines(lines)});"
                    f" each class needs at least {need_per_class} to be split into training and validation;"
                    " add rows, remove the class, or give a separate")
            raise InputError(f"{what} --val-csv", gui=f"{what} validation file", field="val_csv")


def stratified_split(labels: Sequence[str], fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """(train indices, validation indices): ``fraction`` of every class, at least one row, goes to
    validation and at least one stays for training; seeded, so a resumed run gets the same split."""
    if not 0.0 < fraction < 1.0:
        raise UsageError(f"--val-split {fraction}: give a fraction between 0 and 1 (e.g. 0.1), or a separate --val-csv",
                         gui=f"Validation share {fraction}: give a fraction between 0 and 1 (e.g. 0.1), or a separate validation file",
                         field="val_split")
    by_class: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_class.setdefault(label, []).append(i)
    rng = random.Random(seed)
    train, val = [], []
    for label in sorted(by_class, key=label_sort_key):
        idx = by_class[label]
        rng.shuffle(idx)
        n_val = min(max(1, round(fraction * len(idx))), len(idx) - 1)
        val += idx[:n_val]
        train += idx[n_val:]
    return sorted(train), sorted(val)


def split_data(train: LabelledData, val: LabelledData | None, fraction: float, seed: int) -> tuple[LabelledData, LabelledData, LabelMap]:
    """Check classes, split (unless ``val`` is given) and build the label map."""
    if val is None:
        check_classes(train, need_per_class=2)
        tr, va = stratified_split(train.labels, fraction, seed)
        train, val = train.subset(tr), train.subset(va)
    else:
        check_classes(train)
    labels = LabelMap.from_labels(train.labels)
    labels.encode(val, known_from=f"the training file {train.path}")
    return train, val, labels


# --- tokenised examples and length-grouped batches --------------------------------------------


@dataclass
class Encoded:
    """Token ids (truncated to max_length) and class ids of a data set."""

    ids: list[list[int]]
    labels: list[int]
    truncated: int = 0


def tokenize(tokenizer, texts: Sequence[str], labels: Sequence[int], max_length: int, ctx=None) -> Encoded:
    out = Encoded([], list(labels))
    for g0 in range(0, len(texts), 1024):
        if ctx is not None:
            ctx.check_cancelled()
        enc = tokenizer(list(texts[g0: g0 + 1024]), truncation=False, add_special_tokens=True, verbose=False,
                        return_attention_mask=False, return_token_type_ids=False)["input_ids"]
        for ids in enc:
            if len(ids) > max_length:
                out.truncated += 1
                ids = _truncate(tokenizer, ids, max_length)
            out.ids.append(ids)
    return out


def _truncate(tokenizer, ids: list[int], max_length: int) -> list[int]:
    """Cut to max_length keeping the trailing special token (e.g. [SEP], </s>) if there is one."""
    last = ids[-1]
    if last in set(tokenizer.all_special_ids) and max_length > 1:
        return ids[: max_length - 1] + [last]
    return ids[:max_length]


def length_grouped_batches(lengths: Sequence[int], batch_size: int, seed: int, epoch: int, *, group: bool = True) -> list[list[int]]:
    """Shuffle (seeded by seed and epoch), sort by length within windows of MEGABATCH batches,
    cut into batches, shuffle the batches. Similar lengths share a batch, so little padding.
    ``group=False``: plain shuffled batches."""
    rng = random.Random(seed * 100_003 + epoch)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    if not group:
        return [order[b: b + batch_size] for b in range(0, len(order), batch_size)]
    batches = []
    window = batch_size * MEGABATCH
    for w0 in range(0, len(order), window):
        part = sorted(order[w0: w0 + window], key=lambda i: -lengths[i])
        batches += [part[b: b + batch_size] for b in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


# --- a run's data ----------------------------------------------------------------------------


@dataclass
class RunData:
    """What a run trains and validates on: the two sides of the split, the label map, the split
    as params.json records it, and facts for the report."""

    train: LabelledData
    val: LabelledData
    labels: LabelMap
    split: dict
    facts: dict


def load_data(params: TrainParams, ctx: TaskContext) -> RunData:
    """Read the params' files and split them, with warnings to ``ctx.log``."""
    opts = CsvOptions(params.delimiter, params.encoding, params.quoting)
    ctx.report(0, None, "reading data")

    mixed = bool(params.val_csv) and is_jsonl(params.csv) != is_jsonl(params.val_csv)  # each file takes the options of its kind

    def read(path: str) -> LabelledData:
        columns = (None, None) if mixed and is_jsonl(path) else (params.text_column, params.label_column)
        fields = (None, None) if mixed and not is_jsonl(path) else (params.text_field, params.label_field)
        return read_labelled(path, *columns, opts, text_field=fields[0], label_field=fields[1])

    data = read(params.csv)
    val = read(params.val_csv) if params.val_csv else None
    for w in data.warnings + (val.warnings if val else []):
        ctx.log(w)
    train_set, val_set, labels = split_data(data, val, params.val_split, params.seed)
    split = {"train_file": data.path, "train_sha256": data.sha256, "val_file": val.path if val else None,
             "val_sha256": val.sha256 if val else None, "val_split": None if val else params.val_split, "seed": params.seed,
             "val_lines": val_set.lines if val is None else None}
    facts = {"train_rows": len(train_set), "val_rows": len(val_set), "class_counts": train_set.class_counts(),
             "skipped_empty": len(data.skipped_empty) + (len(val.skipped_empty) if val else 0)}
    return RunData(train_set, val_set, labels, split, facts)

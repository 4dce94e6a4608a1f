"""CLUE-style JSON lines ({"sentence": ..., "label": ..., "label_desc": ...}) for training and
evaluation: fields, one-line errors naming the line, and a tiny Chinese model trained for a few
steps with `semvec train --text-field/--label-field` and scored by `semvec evaluate`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from semvec_studio.cli import main
from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.resources import demo_labelled_csv_zh_path
from semvec_studio.core.train.data import read_labelled
from semvec_studio.core.train.params import TrainParams

CODES = {"正面": ("101", "positive"), "负面": ("100", "negative")}
FAST = ["--lr", "5e-3", "--batch-size", "8", "--val-split", "0.2", "--max-length", "32"]


def write_clue(path: Path, rows=None, encoding: str = "utf-8") -> Path:
    """The demo's Chinese reviews as CLUE classification lines (tnews-like, with keywords)."""
    if rows is None:
        with open(demo_labelled_csv_zh_path(), encoding="utf-8", newline="") as fh:
            rows = [(r["text"], r["label"]) for r in csv.DictReader(fh)]
    lines = [json.dumps({"label": CODES[label][0], "label_desc": CODES[label][1], "sentence": text, "keywords": ""}, ensure_ascii=False)
             for text, label in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def run(capsys, *args) -> tuple[int, str, str]:
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


def test_clue_lines_default_and_named_fields(tmp_path):
    path = write_clue(tmp_path / "train.jsonl", [("物流很快", "正面"), ("", "负面"), ("太差了", "负面")])
    data = read_labelled(path)
    assert (data.texts, data.labels, data.lines) == (["物流很快", "太差了"], ["101", "100"], [1, 3])
    assert (data.text_column, data.label_column) == ("sentence", "label") and data.skipped_empty == [2]
    assert "skipped 1 line(s) with an empty 'sentence' (line 2)" in data.warnings[0]
    named = read_labelled(path, text_field="sentence", label_field="label_desc")
    assert named.labels == ["positive", "negative"] and named.label_column == "label_desc"
    gb = write_clue(tmp_path / "gb.jsonl", [("物流很快", "正面"), ("太差了", "负面")], encoding="gb18030")
    assert read_labelled(gb).texts == ["物流很快", "太差了"] and "read as gb18030" in read_labelled(gb).warnings[0]


def test_number_labels_and_a_text_field(tmp_path):
    path = tmp_path / "n.jsonl"
    path.write_text('{"text": "好", "label": 1}\n\n{"text": "差", "label": 0}\n', encoding="utf-8")
    data = read_labelled(path)
    assert (data.texts, data.labels, data.lines) == (["好", "差"], ["1", "0"], [1, 3])


@pytest.mark.parametrize("content,kwargs,needle", [
    ('{"sentence": "好", "label": "1"}\n{"text": "差", "label": "0"}\n', {}, "line 2: no field 'sentence' (fields: 'text', 'label');"),
    ('{"sentence": "好", "label": "1"}\n{"sentence": "差"}\n', {}, "line 2: no field 'label' (fields: 'sentence');"),
    ('{"sentence": "好", "label": "1"}\n{"sentence": "差", "label": null}\n', {}, "line 2, field 'label': no label for the text '差'"),
    ('{"sentence": "好", "label": "1"}\n{"sentence": 3, "label": "0"}\n', {}, "line 2: field 'sentence' is a int, not a text"),
    ('{"sentence": "好", "label": "1"}\nnot json\n', {}, "line 2: not valid JSON"),
    ('["好", "1"]\n', {}, "line 1: a JSON list, not an object"),
    ('{"sentence": "好", "label": "1"}\n', {"label_field": "label_desc"}, "line 1: no field 'label_desc'"),
    ('\n\n', {}, "no labelled lines"),
])
def test_a_bad_line_is_a_one_line_error_naming_it(tmp_path, content, kwargs, needle):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_labelled(path, **kwargs)
    assert needle in str(err.value) and "\n" not in str(err.value)
    assert "--" not in err.value.for_gui() or "--" in needle


def test_options_of_the_other_kind_of_file_are_refused(tmp_path):
    jsonl = write_clue(tmp_path / "a.jsonl", [("好", "正面")])
    with pytest.raises(UsageError, match="--text-column sentence: .* is a JSON lines file; name its fields with --text-field"):
        read_labelled(jsonl, text_column="sentence")
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("text,label\n好,正面\n", encoding="utf-8")
    with pytest.raises(UsageError, match="--label-field label_desc: .* is a CSV/TSV file") as err:
        read_labelled(csv_file, label_field="label_desc")
    assert err.value.field == "label_field" and "--" not in err.value.for_gui()


def test_the_fields_are_train_params_run_fields_without_a_form_control():
    fields = TrainParams.__dataclass_fields__
    for name in ("text_field", "label_field"):
        opt = fields[name].metadata["option"]
        assert (opt.group, opt.run, opt.cli, opt.form, opt.saved) == ("labelled file", True, True, False, False)
    assert {"text_field", "label_field"} <= set(TrainParams(text_field="sentence").run_dict())


def test_train_and_evaluate_on_clue_json_lines(capsys, tmp_path, tiny_chinese):
    data = write_clue(tmp_path / "train.jsonl")
    out = tmp_path / "clf"
    rc, _, err = run(capsys, "train", "--csv", data, "-o", out, "--model", tiny_chinese, "--text-field", "sentence",
                     "--label-field", "label_desc", "--max-steps", "6", "--eval-every", "3", "--quiet", *FAST)
    assert rc == 0, err
    params = json.loads((out / "params.json").read_text(encoding="utf-8"))
    assert (params["text_field"], params["label_field"]) == ("sentence", "label_desc")
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["labels"] == ["negative", "positive"] and metrics["rows"] == 60
    rc, report, err = run(capsys, "evaluate", out, "--held-out", "--json")  # the fields come from the run
    assert rc == 0, err
    report = json.loads(report)
    assert report["rows"] == metrics["rows"] and report["accuracy"] == metrics["accuracy"]
    rc, report, err = run(capsys, "evaluate", out, "--csv", data, "--label-field", "label_desc", "--json")
    assert rc == 0, err
    assert json.loads(report)["rows"] == 300
    rc, _, err = run(capsys, "evaluate", out, "--csv", data, "--text-column", "sentence")
    assert rc == 2 and "is a JSON lines file" in err and len(err.strip().splitlines()) == 1

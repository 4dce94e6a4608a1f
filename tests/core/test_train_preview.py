"""The training panel's look at a CSV before Start: rows, column guesses, split counts, advice."""

from __future__ import annotations

import pytest

from semvec_studio.core.errors import InputError
from semvec_studio.core.train.params import TrainParams
from semvec_studio.core.train.preview import PREVIEW_ROWS, advice, csv_preview
from tests.core.test_train import write_toy


def params(csv, **kw):
    return TrainParams(csv=str(csv), output="unused", **kw)


def test_preview_guesses_columns_and_counts_the_split(tmp_path):
    csv = write_toy(tmp_path / "toy.csv", n=120)
    p = csv_preview(params(csv, val_split=0.2))
    assert p.header == ["text", "label"] and (p.text_column, p.label_column) == ("text", "label")
    assert len(p.rows) == PREVIEW_ROWS and p.total_rows == 120 and p.delimiter == ","
    assert p.facts["class_counts"] == {"neg": 48, "pos": 48} and p.facts["val_class_counts"] == {"neg": 12, "pos": 12}
    assert p.problem == ""
    assert any("only 96 training rows" in w for w in p.warnings)  # fine-tuning on few rows: suggest the probe


def test_preview_reports_a_column_problem_but_keeps_the_table(tmp_path):
    csv = tmp_path / "odd.csv"
    csv.write_text("review;stars\nnice;5\nbad;1\n", encoding="utf-8")
    p = csv_preview(params(csv))
    assert p.header == ["review", "stars"] and p.rows == [["nice", "5"], ["bad", "1"]] and p.delimiter == ";"
    assert p.text_column == "review" and p.label_column is None and p.problem == "choose the label column"
    p = csv_preview(params(csv, label_column="stars"))
    assert "too small" in p.problem or "class" in p.problem, p.problem  # one row per class cannot be split


def test_preview_of_a_missing_file_raises_the_usual_error(tmp_path):
    with pytest.raises(InputError, match="nope.csv"):
        csv_preview(params(tmp_path / "nope.csv"))


def test_advice_names_imbalance_small_classes_and_tiny_validation():
    facts = {"class_counts": {"a": 500, "b": 8}, "train_rows": 508, "val_rows": 12}
    text = " | ".join(advice(facts, "finetune"))
    assert "'b' (8)" in text and "imbalanced" in text and "only 12 validation rows" in text
    assert advice({"class_counts": {"a": 300, "b": 300}, "train_rows": 600, "val_rows": 60}, "finetune") == []

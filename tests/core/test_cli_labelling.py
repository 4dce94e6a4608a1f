"""`semvec suggest`, `semvec simulate-labelling` and `semvec find-label-errors` through
`semvec_studio.cli.main`, with the tiny random BERT: JSON shapes exactly as documented, planted
label flips found on a toy set whose classes use different words, the vector cache, and one-line
errors (exit 2) on bad input."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from semvec_studio.core.workspace.importing import ImportOptions, create_workspace
from tests.core.test_cli_project import cli, one_line_error

VOCAB = {
    "animal": "cat dog bird fish fox horse".split(),
    "city": "paris london berlin tokyo city bridge".split(),
    "fruit": "apple orange banana fruit green yellow".split(),
}
PER_CLASS = 30
FLIPPED = [4, 37, 70]  # data rows whose label is planted wrong


def toy_rows(seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = []
    for label, words in VOCAB.items():
        rows += [(" ".join(rng.choice(words) for _ in range(6)), label) for _ in range(PER_CLASS)]
    return rows


def write(path: Path, rows, header=("text", "label")) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(autouse=True)
def private_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def noisy(tmp_path) -> Path:
    rows = toy_rows()
    names = list(VOCAB)
    for r in FLIPPED:
        text, label = rows[r]
        rows[r] = (text, names[(names.index(label) + 1) % 3])
    return write(tmp_path / "noisy.csv", rows)


def test_find_label_errors_json_finds_the_planted_flips(capsys, tiny_bert, noisy):
    rc, out, err = cli(capsys, "find-label-errors", noisy, "--model", tiny_bert, "--json")
    assert rc == 0, err
    found = json.loads(out)
    assert all(set(item) >= {"row", "label", "suggested", "score"} for item in found)
    assert {item["row"] for item in found[:3]} == set(FLIPPED)
    first = found[0]
    rows = toy_rows()
    assert first["suggested"] == rows[first["row"]][1] != first["label"]
    assert [i["score"] for i in found] == sorted((i["score"] for i in found), reverse=True)
    # the second run reads the vectors from the cache and gives the same answer; --top cuts the list
    rc, out, err = cli(capsys, "find-label-errors", noisy, "--model", tiny_bert, "--top", "2")
    assert rc == 0 and "read from the cache" in err
    lines = out.strip().splitlines()
    assert len(lines) == 3 and lines[0].split()[:3] == ["row", "line", "score"]


def test_a_cached_file_does_not_load_the_model(capsys, monkeypatch, tiny_bert, noisy):
    assert cli(capsys, "find-label-errors", noisy, "--model", tiny_bert, "--json")[0] == 0

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded although the vectors were cached")

    monkeypatch.setattr("semvec_studio.core.labelling.files.load_model", no_model)
    rc, out, err = cli(capsys, "simulate-labelling", noisy, "--strategy", "random", "--budget", "20", "--step", "10", "--seeds", "1",
                       "--model", tiny_bert, "--json")
    assert rc == 0, err
    rc, out, err = cli(capsys, "find-label-errors", noisy, "--model", tiny_bert, "--json", "--no-cache")
    assert rc == 1 and "the model was loaded" in err  # --no-cache computes them again


def test_the_layer_of_the_vectors_can_be_chosen(capsys, tiny_bert, noisy, tmp_path):
    rc, out, err = cli(capsys, "find-label-errors", noisy, "--model", tiny_bert, "--layers", "-1", "--json")
    assert rc == 0 and "read from the cache" not in err
    rc, _, err = cli(capsys, "find-label-errors", noisy, "--model", tiny_bert, "--layers", "-1", "--top", "1")
    assert rc == 0 and "read from the cache" in err
    rc, _, err = cli(capsys, "find-label-errors", noisy, "--model", tiny_bert, "--top", "1")
    assert rc == 0 and "read from the cache" not in err  # the default, the second-to-last layer's vectors, are other vectors
    one_line_error(*cli(capsys, "find-label-errors", noisy, "--model", tiny_bert, "--layers", "7", "--quiet")[::2], "--layers 7")


def test_find_label_errors_rows_count_skipped_empty_texts(capsys, tiny_bert, tmp_path):
    rows = toy_rows()
    rows[5] = ("", "animal")  # an empty text is skipped but still a data row of the file
    rows[70] = (rows[70][0], "animal")  # a fruit text labelled animal
    path = write(tmp_path / "gap.csv", rows)
    rc, out, err = cli(capsys, "find-label-errors", path, "--model", tiny_bert, "--json", "--top", "1")
    assert rc == 0, err
    assert json.loads(out)[0]["row"] == 70


def test_simulate_labelling_json_is_one_object_and_deterministic(capsys, tiny_bert, tmp_path):
    path = write(tmp_path / "toy.csv", toy_rows())
    args = ["simulate-labelling", path, "--text-column", "text", "--label-column", "label", "--strategy", "margin",
            "--start", "diverse", "--budget", "30", "--step", "10", "--seeds", "2", "--model", tiny_bert, "--json"]
    rc, out, err = cli(capsys, *args)
    assert rc == 0, err
    result = json.loads(out)
    assert list(result) == ["strategy", "curve"] and result["strategy"] == "margin"
    assert [p["labels"] for p in result["curve"]] == [10, 20, 30]
    assert all(list(p) == ["labels", "accuracy", "accuracy_sd", "macro_f1"] for p in result["curve"])
    assert out.count("\n") == 1
    rc, again, _ = cli(capsys, *args)
    assert rc == 0 and again == out


def test_simulate_labelling_table_and_budget_all(capsys, tiny_bert, tmp_path):
    path = write(tmp_path / "toy.csv", toy_rows())
    rc, out, err = cli(capsys, "simulate-labelling", path, "--strategy", "random", "--budget", "all", "--step", "36",
                       "--seeds", "1", "--model", tiny_bert)
    assert rc == 0, err
    lines = out.strip().splitlines()
    assert lines[0].split() == ["labels", "accuracy", "sd", "macro-F1"]
    assert [int(line.split()[0]) for line in lines[1:]] == [36, 72]  # 90 rows, 18 held out


def test_suggest_ranks_unlabelled_workspace_rows(capsys, tiny_bert, tmp_path):
    rows = toy_rows()
    given = [(text, label if i % PER_CLASS < 5 else "") for i, (text, label) in enumerate(rows)]
    path = write(tmp_path / "part.csv", given)
    ws_path = tmp_path / "w.semvec"
    with create_workspace(ws_path, [path], ImportOptions(label_column="label")) as ws:
        assert ws.label_counts()[None] == 75
    for strategy in ("margin", "entropy", "diverse", "random", "mistakes"):
        rc, out, err = cli(capsys, "suggest", ws_path, "--strategy", strategy, "--n", "4", "--model", tiny_bert, "--json")
        assert rc == 0, (strategy, err)
        items = json.loads(out)
        assert all(set(i) >= {"row", "score", "predicted", "confidence"} for i in items), strategy
        if strategy == "mistakes":
            assert all(i["label"] is not None for i in items)
            continue
        assert len(items) == 4 and all(i["label"] is None for i in items), strategy
        assert all(i["row"] % PER_CLASS >= 5 for i in items)  # never a labelled row
        assert all(i["predicted"] in VOCAB for i in items)
    rc, out, err = cli(capsys, "suggest", ws_path, "--n", "3", "--model", tiny_bert)
    assert rc == 0 and out.splitlines()[0].split() == ["row", "score", "predicted", "conf", "text"]
    assert len(out.strip().splitlines()) == 4


def test_suggest_without_labels_starts_diverse(capsys, tiny_bert, tmp_path):
    path = write(tmp_path / "bare.csv", [(t, "") for t, _ in toy_rows()])
    ws_path = tmp_path / "bare.semvec"
    create_workspace(ws_path, [path], ImportOptions(label_column="label")).close()
    rc, out, err = cli(capsys, "suggest", ws_path, "--strategy", "margin", "--n", "3", "--model", tiny_bert, "--json")
    assert rc == 0, err
    items = json.loads(out)
    assert len(items) == 3 and all(i["predicted"] is None and i["confidence"] == 0 for i in items)


def test_bad_input_is_one_line(capsys, tiny_bert, tmp_path):
    toy = write(tmp_path / "toy.csv", toy_rows())
    one_line_error(*cli(capsys, "simulate-labelling", toy, "--label-column", "nope", "--strategy", "margin")[::2], "toy.csv", "nope")
    one_line_error(*cli(capsys, "simulate-labelling", toy, "--strategy", "smart")[::2], "--strategy smart", "margin, entropy")
    one_line_error(*cli(capsys, "simulate-labelling", toy, "--strategy", "margin", "--start", "margin")[::2], "--start", "diverse")
    one_line_error(*cli(capsys, "simulate-labelling", toy, "--strategy", "margin", "--budget", "0")[::2], "--budget")
    one = write(tmp_path / "one.csv", [(t, "animal") for t, _ in toy_rows()])
    one_line_error(*cli(capsys, "find-label-errors", one)[::2], "one.csv", "'label'", "2 classes")
    one_line_error(*cli(capsys, "simulate-labelling", one, "--strategy", "random")[::2], "one.csv", "2 classes")
    few = write(tmp_path / "few.csv", [("cat dog", "animal"), ("paris city", "city"), ("fox bird", "animal"), ("tokyo", "city")])
    one_line_error(*cli(capsys, "simulate-labelling", few, "--strategy", "random")[::2], "few.csv", "--step", "--test-split")
    one_line_error(*cli(capsys, "find-label-errors", few)[::2], "few.csv", "folds")
    lone = write(tmp_path / "lone.csv", [*toy_rows()[:20], ("paris", "city")])
    one_line_error(*cli(capsys, "find-label-errors", lone)[::2], "lone.csv", "'city'", "only 1 row")
    one_line_error(*cli(capsys, "suggest", tmp_path / "missing.semvec")[::2], "missing.semvec")
    one_line_error(*cli(capsys, "suggest", tmp_path / "x.semvec", "--n", "0")[::2], "--n 0")

"""Labelled CSV/TSV loading for training: a battery of malformed files, each with its one-line
message (file, line, column, what to do) and exit code 2 from `semvec train`; plus the split,
the label map and the batches. No model is loaded by any of these (data is read first)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from semvec_studio.cli import main
from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.train.data import (
    CsvOptions,
    LabelMap,
    guess_columns,
    length_grouped_batches,
    read_labelled,
    split_data,
    stratified_split,
)

GOOD = "text,label\n" + "".join(f"text number {i},{'pos' if i % 2 else 'neg'}\n" for i in range(20))


def run_cli(capsys, *args) -> tuple[int, str, str]:
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


def one_line_error(rc: int, err: str) -> str:
    assert rc == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("semvec: error: ")
    return lines[0]


# name, file name, content (str or bytes), extra CLI args, needles in the message
BATTERY = [
    ("missing text column", "d.csv", "body,label\nhello,pos\nbye,neg\n", ["--text-column", "text"],
     ["d.csv: no column 'text'", "the columns are 'body', 'label'", "--text-column"]),
    ("no guessable text column", "d.csv", "body,label\nhello,pos\nbye,neg\n", [],
     ["no 'text' or 'sentence' column", "'body', 'label'", "--text-column"]),
    ("missing label column", "d.csv", "text,sentiment\nhello,pos\nbye,neg\n", ["--label-column", "polarity"],
     ["d.csv: no column 'polarity'", "'text', 'sentiment'", "--label-column"]),
    ("no guessable label column", "d.csv", "text,sentiment\nhello,pos\nbye,neg\n", [],
     ["no 'label' column", "'text', 'sentiment'", "--label-column"]),
    ("one class", "d.csv", "text,label\na,pos\nb,pos\nc,pos\n", [],
     ["d.csv, column 'label': every row has the label 'pos'", "at least 2 classes"]),
    ("class too small to split", "d.csv", GOOD + "lonely text,neutral\n", [],
     ["class 'neutral' has only 1 row(s) (line 22)", "at least 2", "--val-csv"]),
    ("label missing on a row", "d.csv", "text,label\na,pos\nb,\nc,neg\n", [],
     ["d.csv, line 3, column 'label': no label", "fill in its label or remove the row"]),
    ("ragged row", "d.csv", "text,label\na,pos\nb,neg,extra\n", [],
     ["d.csv, line 3: 3 cells but the header has 2 columns", "--no-quoting"]),
    ("empty file", "d.csv", "", [], ["d.csv: is empty (no header row)"]),
    ("every text empty", "d.csv", "text,label\n,pos\n  ,neg\n", [], ["no labelled rows", "'text' is empty in every row"]),
    ("bare quote without --no-quoting", "d.tsv", 'text\tlabel\n"so-called hit\tpos\nplain\tneg\nmore\tpos\n', [],
     ["d.tsv, line 2: 1 cells but the header has 2 columns", "--no-quoting"]),
    ("same column twice", "d.csv", "text,label\na,pos\n", ["--label-column", "text"], ["both 'text'", "two different columns"]),
    ("bad val split", "d.csv", GOOD, ["--val-split", "1.5"], ["--val-split 1.5", "between 0 and 1"]),
    ("undecodable with explicit encoding", "d.csv", "text,label\ncaf\u00e9,pos\n".encode("cp1252"), ["--encoding", "utf-8"],
     ["d.csv: cannot be read as utf-8", "--encoding"]),
    ("no such file", None, None, [], ["nope.csv: no such file"]),
]


@pytest.mark.parametrize("name,filename,content,args,needles", BATTERY, ids=[b[0] for b in BATTERY])
def test_malformed_csv_is_a_one_line_error_exit_2(capsys, tmp_path, tiny_bert, name, filename, content, args, needles):
    path = tmp_path / (filename or "nope.csv")
    if content is not None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out = tmp_path / "out"
    rc, _, err = run_cli(capsys, "train", "--csv", path, "-o", out, "--model", tiny_bert, *args)
    line = one_line_error(rc, err)
    for needle in needles:
        assert needle in line, (needle, line)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_val_file_with_an_unknown_label(capsys, tmp_path, tiny_bert):
    (tmp_path / "train.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "val.csv").write_text("text,label\nfine,pos\nhmm,maybe\n", encoding="utf-8")
    rc, _, err = run_cli(capsys, "train", "--csv", tmp_path / "train.csv", "--val-csv", tmp_path / "val.csv",
                         "-o", tmp_path / "out", "--model", tiny_bert)
    line = one_line_error(rc, err)
    assert "val.csv, line 3, column 'label': label 'maybe' is not one of the classes in the training file" in line
    assert "'neg', 'pos'" in line


def test_existing_output_needs_force_and_resume_needs_a_run(capsys, tmp_path, tiny_bert):
    (tmp_path / "d.csv").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    line = one_line_error(*run_cli(capsys, "train", "--csv", tmp_path / "d.csv", "-o", out, "--model", tiny_bert)[::2])
    assert "already exists and is not empty; use --force" in line
    line = one_line_error(*run_cli(capsys, "train", "--resume", "-o", out)[::2])
    assert "nothing to resume" in line
    assert (out / "keep.txt").exists()


def test_csv_without_csv_option(capsys, tmp_path):
    line = one_line_error(*run_cli(capsys, "train", "-o", tmp_path / "out")[::2])
    assert "--csv FILE is required" in line


# --- reading what real files look like ---------------------------------------------------------


def test_empty_texts_are_skipped_and_counted(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("text,label\na,pos\n,neg\nb,neg\n   ,pos\nc,pos\n", encoding="utf-8")
    data = read_labelled(path)
    assert data.texts == ["a", "b", "c"]
    assert data.lines == [2, 4, 6]
    assert data.skipped_empty == [3, 5]
    assert any("skipped 2 row(s) with an empty 'text' (line 3, 5)" in w for w in data.warnings)


def test_bom_cp1252_semicolons_and_no_quoting(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufefftext;label\ncaf\u00e9 au lait;drink\nbread;food\n".encode("utf-8"))
    data = read_labelled(bom)
    assert (data.text_column, data.texts, data.labels) == ("text", ["caf\u00e9 au lait", "bread"], ["drink", "food"])
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes("sentence,category\nna\u00efve caf\u00e9 \u2013 ok,a\nplain,b\n".encode("cp1252"))
    data = read_labelled(legacy)
    assert data.texts[0] == "na\u00efve caf\u00e9 \u2013 ok" and data.label_column == "category"
    assert any("cp1252" in w for w in data.warnings)
    quotes = tmp_path / "q.tsv"
    quotes.write_text('sentence\tlabel\nhe said "hi\t1\n"odd" one\t0\n', encoding="utf-8")
    data = read_labelled(quotes, options=CsvOptions(quoting=False))
    assert data.texts == ['he said "hi', '"odd" one'] and data.labels == ["1", "0"]


def test_guess_columns():
    assert guess_columns(["id", "Sentence", "Label"]) == ("Sentence", "Label")
    assert guess_columns(["review", "category"]) == ("review", "category")
    assert guess_columns(["a", "b"]) == (None, None)


# --- split, labels, batches --------------------------------------------------------------------


def test_stratified_split_is_seeded_and_keeps_every_class():
    labels = ["a"] * 50 + ["b"] * 30 + ["c"] * 2
    train, val = stratified_split(labels, 0.1, seed=7)
    assert sorted(train + val) == list(range(len(labels)))
    got = Counter(labels[i] for i in val)
    assert got == {"a": 5, "b": 3, "c": 1}
    assert stratified_split(labels, 0.1, seed=7) == (train, val)
    assert stratified_split(labels, 0.1, seed=8) != (train, val)
    with pytest.raises(UsageError, match="between 0 and 1"):
        stratified_split(labels, 0.0, seed=1)


def test_label_map_orders_numbers_numerically(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("text,label\n" + "".join(f"t{i},{lab}\n" for i, lab in enumerate(["10", "2", "2", "10", "1", "1"])), encoding="utf-8")
    train, val, labels = split_data(read_labelled(path), None, 0.5, seed=0)
    assert labels.names == ("1", "2", "10")
    assert labels.label2id == {"1": 0, "2": 1, "10": 2}
    assert len(train) == 3 and len(val) == 3
    with pytest.raises(InputError, match="label 'x' is not one of"):
        other = read_labelled(path)
        other.labels[0] = "x"
        LabelMap(("1", "2")).encode(other)


def test_length_grouped_batches_cover_every_row_once_and_group_lengths():
    rng = random.Random(0)
    lengths = [rng.randint(3, 60) for _ in range(1000)]
    batches = length_grouped_batches(lengths, 16, seed=1, epoch=0)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(1000))
    padded = sum(16 * max(lengths[i] for i in b) for b in batches)
    random_padded = sum(16 * max(lengths[i] for i in flat[k: k + 16]) for k in range(0, 1000, 16))
    rng.shuffle(flat)
    random_padded = sum(16 * max(lengths[i] for i in flat[k: k + 16]) for k in range(0, 1000, 16))
    assert padded < 0.8 * random_padded
    assert length_grouped_batches(lengths, 16, seed=1, epoch=0) == batches
    assert length_grouped_batches(lengths, 16, seed=1, epoch=1) != batches

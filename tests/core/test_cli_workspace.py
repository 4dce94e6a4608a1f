"""`semvec workspace`, `semvec search` and `semvec extract --workspace` through `main([...])`: a
round trip, labels from a file (errors name the line), undo/redo across runs, files that cannot
be opened (exit 2, one line, untouched), a workspace open in another process, search by meaning,
words and pattern, and extraction from a workspace equal to extraction from its file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from semvec_studio.core.workspace import schema
from semvec_studio.core.workspace.store import Workspace
from tests.core.test_cli import assert_one_line_error, cli
from tests.core.test_workspace import nasty_rows, read_csv, write_csv
from tests.core.test_workspace_files import HOLD, child, digest, siblings, wait_for


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture
def labelled(tmp_path) -> Path:
    path = tmp_path / "in" / "reviews.csv"
    path.parent.mkdir()
    rows = [["1", "A wonderful, moving film.", "pos"], ["2", "Dull and far too long.", "neg"], ["3", "", "neg"],
            ["4", "  The bank raised interest rates.  ", ""], ["5", "We sat on the river bank.", "pos"]]
    return write_csv(path, ["id", "text", "label"], rows)


@pytest.fixture
def made(tmp_path, capsys, labelled) -> Path:
    rc, _, err = cli(capsys, "workspace", "new", tmp_path / "w.semvec", labelled, "--label-column", "label", "--quiet")
    assert rc == 0, err
    return tmp_path / "w.semvec"


def test_new_info_export_round_trip(tmp_path, capsys):
    header, rows = nasty_rows(1500)
    src = write_csv(tmp_path / "nasty.csv", header, rows)
    rc, out, err = cli(capsys, "workspace", "new", tmp_path / "w.semvec", src)
    assert rc == 0, err
    assert err.strip().splitlines()[-1] == "semvec: made w.semvec: 1,500 rows from 1 file; no labels; word index built"
    rc, out, err = cli(capsys, "workspace", "info", tmp_path / "w.semvec", "--json")
    info = json.loads(out)
    assert (info["rows"], info["unlabelled"], info["columns"], info["word_index_rows"]) == (1500, 1500, header, 1500)
    assert info["sources"][0]["name"] == str(src) and info["open_elsewhere"] is None
    rc, _, err = cli(capsys, "workspace", "export", tmp_path / "w.semvec", "-o", tmp_path / "back.csv")
    assert rc == 0 and "wrote 1,500 rows (22 columns)" in err
    assert [r[:-2] for r in read_csv(tmp_path / "back.csv")] == [header] + rows
    rc, _, err = cli(capsys, "workspace", "export", tmp_path / "w.semvec", "-o", tmp_path / "back.csv")
    assert_one_line_error(rc, err, "exists already; use --force")


def test_info_add_and_labels(tmp_path, capsys, made, labelled):
    more = tmp_path / "more.txt"
    more.write_text("one more text\n\n", encoding="utf-8")
    rc, _, err = cli(capsys, "workspace", "add", made, more, "--quiet")
    assert rc == 0, err
    rc, out, _ = cli(capsys, "workspace", "info", made)
    lines = out.splitlines()
    assert lines[1] == "rows          6 (4 labelled, 2 unlabelled)"
    assert lines[2:4] == ["labels        pos: 2 (key 1)", "              neg: 2 (key 2)"]
    assert lines[4] == f"files         {labelled}: 5 rows from row 0, csv, 3 columns, text in 'text'"
    assert lines[5] == f"              {more}: 1 row from row 5, txt, 1 column, text in 'text'"
    assert "edits         0" in lines
    assert "word index    6 of 6 rows" in lines
    assert "derived data  none yet" in lines


def test_label_from_file_undo_and_redo(tmp_path, capsys, made):
    (tmp_path / "fix.tsv").write_text("label\trow\nneutral\t0\n\t1\nneg\t3\n", encoding="utf-8")
    rc, _, err = cli(capsys, "workspace", "label", made, "--rows-from", tmp_path / "fix.tsv")
    assert rc == 0 and "3 rows changed by fix.tsv" in err
    with Workspace.open(made) as ws:
        assert [(r.label, r.label_source) for r in ws.rows(0, 4)] == [("neutral", "imported"), (None, None), ("neg", "imported"),
                                                                       ("neg", "imported")]
    rc, _, err = cli(capsys, "workspace", "undo", made)
    assert err.strip() == "semvec: w.semvec: undid: label 3 rows"
    with Workspace.open(made) as ws:
        assert ws.label_counts() == {"pos": 2, "neg": 2, None: 1}  # the label the edit made is gone too
    assert cli(capsys, "workspace", "redo", made)[2].strip() == "semvec: w.semvec: redid: label 3 rows"
    assert cli(capsys, "workspace", "redo", made)[2].strip() == "semvec: w.semvec: nothing to redo"
    rc, _, err = cli(capsys, "workspace", "check", made)
    assert rc == 0 and "no problems found" in err


@pytest.mark.parametrize("content, needle", [
    ("row,label\n0,pos\n99,neg\n", "fix.csv, line 3: row 99: no such row; the workspace has rows 0 to 4"),
    ("row,label\nfirst,pos\n", "fix.csv, line 2: row 'first' is not a row number"),
    ("\nrow,class\n0,pos\n", "fix.csv, line 2: no column 'label' (the columns are 'row', 'class')"),
    ("row,label\n1,pos\n1,neg\n", "fix.csv, line 3: row 1 is given a label again (first on line 2)"),
    ("row,label\n0,two\tparts\n", "a label name must be"),
])
def test_label_file_errors_name_the_line_and_change_nothing(tmp_path, capsys, made, content, needle):
    (tmp_path / "fix.csv").write_text(content, encoding="utf-8")
    before = digest(made)
    rc, _, err = cli(capsys, "workspace", "label", made, "--rows-from", tmp_path / "fix.csv")
    assert_one_line_error(rc, err, needle)
    with Workspace.open(made, read_only=True) as ws:
        assert ws.history() == [] and ws.label_counts() == {"pos": 2, "neg": 2, None: 1}
    assert digest(made) == before


def _newer(path: Path) -> str:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.current_version() + 1}")
    conn.commit()
    conn.close()
    return "made by a newer SemVec Studio"


def _truncated(path: Path) -> str:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return "damaged (truncated"


def _damaged(path: Path) -> str:
    data = bytearray(path.read_bytes())
    data[100:schema.PAGE_SIZE] = b"\x07" * (schema.PAGE_SIZE - 100)
    path.write_bytes(bytes(data))
    return "the workspace is damaged"


def _a_csv(path: Path) -> str:
    path.write_text("id,text\n1,hello\n", encoding="utf-8")
    return "not a SemVec workspace (it is a text file"


@pytest.mark.parametrize("spoil", [_newer, _truncated, _damaged, _a_csv])
def test_files_that_cannot_be_opened_exit_2_untouched(tmp_path, capsys, made, spoil):
    needle = spoil(made)
    before, names = digest(made), siblings(made)
    for args in (["workspace", "info", made], ["workspace", "label", made, "--rows-from", made],
                 ["workspace", "export", made, "-o", tmp_path / "x.csv"], ["search", made, "bank", "--words"],
                 ["extract", "--workspace", made, "-o", tmp_path / "out"], ["workspace", "add", made, made]):
        rc, _, err = cli(capsys, *args)
        assert_one_line_error(rc, err, str(made), needle)
    assert digest(made) == before and siblings(made) == names


def test_a_workspace_open_elsewhere(tmp_path, capsys, made):
    holder = child(HOLD, str(made))
    try:
        wait_for(holder, "ready")
        (tmp_path / "fix.csv").write_text("row,label\n0,neg\n", encoding="utf-8")
        rc, _, err = cli(capsys, "workspace", "label", made, "--rows-from", tmp_path / "fix.csv")
        assert_one_line_error(rc, err, f"cannot be changed: it is open in process {holder.pid}", "close it there")
        rc, out, err = cli(capsys, "workspace", "info", made)
        assert rc == 0 and f"note          it is open in process {holder.pid}" in out
        holder.stdin.write("quit\n")
        holder.stdin.flush()
        holder.wait(30)
    finally:
        holder.kill()
    assert cli(capsys, "workspace", "label", made, "--rows-from", tmp_path / "fix.csv")[0] == 0


def test_search_by_meaning_words_and_pattern(capsys, made, tiny_bert):
    rc, out, err = cli(capsys, "search", made, "We sat on the river bank.", "--model", tiny_bert, "--json", "--top", "2", "--quiet")
    assert rc == 0, err
    hits = json.loads(out)
    assert [h["rank"] for h in hits] == [1, 2] and hits[0]["row"] == 4 and hits[0]["label"] == "pos"
    assert hits[0]["score"] == pytest.approx(1.0, abs=1e-5) and hits[0]["line"] == 6
    rc, out, _ = cli(capsys, "search", made, "river bank", "--model", tiny_bert, "--top", "1", "--quiet")
    assert out.startswith("  1  0.") and "row 4" in out and "[pos]" in out
    rc, out, _ = cli(capsys, "workspace", "info", made, "--json")
    assert json.loads(out)["derived"]["entries"][0]["vectors"] == 4  # kept beside the workspace
    rc, out, _ = cli(capsys, "search", made, "bank*", "--words")
    assert sorted(line.split()[2] for line in out.splitlines()) == ["3", "4"]
    rc, out, _ = cli(capsys, "search", made, r"\bfilm\b", "--regex", "--json")
    assert [h["row"] for h in json.loads(out)] == [0] and json.loads(out)[0]["score"] is None
    assert_one_line_error(*cli(capsys, "search", made, "(", "--regex")[::2], "not a valid regular expression")
    assert_one_line_error(*cli(capsys, "search", made, "x", "--top", "0")[::2], "--top 0: must be at least 1")


def test_extract_from_a_workspace_equals_extract_from_its_file(tmp_path, capsys, made, labelled, tiny_bert):
    rc, _, err = cli(capsys, "extract", labelled, "-o", tmp_path / "from_file", "--model", tiny_bert, "--quiet")
    assert rc == 0, err
    rc, _, err = cli(capsys, "extract", "--workspace", made, "-o", tmp_path / "from_ws", "--model", tiny_bert, "--quiet")
    assert rc == 0, err
    for name in ("vectors.npy", "metadata.tsv"):
        assert (tmp_path / "from_file" / name).read_bytes() == (tmp_path / "from_ws" / name).read_bytes(), name
    assert np.load(tmp_path / "from_ws" / "vectors.npy").shape[0] == 4
    rc, _, err = cli(capsys, "extract", labelled, "--workspace", made, "-o", tmp_path / "x", "--model", tiny_bert)
    assert_one_line_error(rc, err, "give INPUT files or --workspace, not both")
    rc, _, err = cli(capsys, "extract", "--workspace", made, "--text-column", "id", "-o", tmp_path / "x", "--model", tiny_bert)
    assert_one_line_error(rc, err, "--text-column: says how INPUT files are read")
    rc, _, err = cli(capsys, "extract", "-o", tmp_path / "x", "--model", tiny_bert)
    assert_one_line_error(rc, err, "no input given")
    assert not (tmp_path / "x").exists()


def test_new_errors(tmp_path, capsys, made, labelled):
    assert_one_line_error(*cli(capsys, "workspace", "new", made, labelled)[::2], "exists already; use --force")
    assert_one_line_error(*cli(capsys, "workspace", "new", tmp_path / "n.semvec", "-")[::2], "not standard input")
    assert_one_line_error(*cli(capsys, "workspace", "new", tmp_path / "n.csv", labelled)[::2], "a workspace's name ends in .semvec")
    assert_one_line_error(*cli(capsys, "workspace", "new", tmp_path / "n.semvec", labelled, "--label-column", "text")[::2],
                          "the text column and the label column are both 'text'")
    assert_one_line_error(*cli(capsys, "workspace", "new", tmp_path / "n.semvec", labelled, "--label-column", "stars")[::2],
                          "no column 'stars'")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "w.semvec"]
    rc, _, err = cli(capsys, "workspace", "new", made, labelled, "--force", "--no-index")
    assert rc == 0 and "no word index yet" in err


def test_parquet_export_needs_the_extra(tmp_path, capsys, made, monkeypatch):
    import importlib

    real = importlib.import_module
    monkeypatch.setattr(importlib, "import_module", lambda name, *a: (_ for _ in ()).throw(ImportError(name))
                        if name == "pyarrow" else real(name, *a))
    rc, _, err = cli(capsys, "workspace", "export", made, "-o", tmp_path / "w.parquet")
    assert_one_line_error(rc, err, "Parquet export needs the optional package 'pyarrow'", "pip install 'semvec-studio[parquet]'")


def test_workspace_commands_load_no_model_library(made):
    code = ("import sys; from semvec_studio.cli import main; rc = main(['workspace', 'info', sys.argv[1]]);"
            " print('LOADED', 'torch' in sys.modules, 'transformers' in sys.modules); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, str(made)], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "LOADED False False"

"""Workspaces through their public API: files in (exact cells, texts as `semvec extract` reads
them), rows by position, labels and the label set with undo/redo across a reopen, selections,
settings, views (filters, sorts, pages), word and pattern search, and export in every format."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import numpy as np
import pytest

from semvec_studio.core.errors import Cancelled, InputError, MissingExtraError, OutputError, UsageError
from semvec_studio.core.io.texts import read_texts
from semvec_studio.core.tasks import RecordingContext
from semvec_studio.core.workspace.errors import RowError, WorkspaceError
from semvec_studio.core.workspace.exporting import export
from semvec_studio.core.workspace.importing import ImportOptions, add_files, create_workspace
from semvec_studio.core.workspace.schema import LABEL_SOURCES
from semvec_studio.core.workspace.search import IndexPendingError, build_index, index_pending, search_regex, search_text, search_words
from semvec_studio.core.workspace.store import Workspace
from semvec_studio.core.workspace.views import RowFilter, RowView

PIECES = ["plain", "with, comma", 'say "hi"', "two\nlines", "", "  padded  ", "crlf\r\ninside", "café", "\ttabbed", "=1+1"]


def nasty_rows(n: int = 2500, seed: int = 0) -> tuple[list[str], list[list[str]]]:
    """A header of 20 columns (text last) and ``n`` rows of quoted fields, commas, newlines,
    empty fields and padding."""
    rng = random.Random(seed)
    header = [f"col{i}" for i in range(19)] + ["text"]
    rows = [[rng.choice(PIECES) + (str(i % 7) if rng.random() < 0.7 else "") for _ in range(19)]
            + [f"  row {i} {rng.choice(PIECES)} "] for i in range(n)]
    return header, rows


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, bom: bool = True, delimiter: str = ",") -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return path


def read_csv(path: Path, delimiter: str = ",") -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


@pytest.fixture
def nasty(tmp_path) -> tuple[Path, list[str], list[list[str]]]:
    header, rows = nasty_rows()
    return write_csv(tmp_path / "nasty.csv", header, rows), header, rows


@pytest.fixture
def small(tmp_path) -> Path:
    rows = [["1", "The bank raised interest rates.", "finance"], ["2", "We sat on the river bank.", "nature"],
            ["3", "Café au lait, s'il vous plaît", ""], ["4", "Banking apps are handy", "finance"],
            ["5", "", "nature"], ["6", "A quick brown fox", ""]]
    return write_csv(tmp_path / "small.csv", ["id", "text", "label"], rows, bom=False)


@pytest.fixture
def ws(tmp_path, small):
    with create_workspace(tmp_path / "w.semvec", [small], ImportOptions(label_column="label")) as opened:
        yield opened


# --- files in and out -------------------------------------------------------------------------


def test_csv_round_trip_is_identical_field_for_field(tmp_path, nasty):
    path, header, rows = nasty
    with create_workspace(tmp_path / "w.semvec", [path]) as ws:
        assert ws.columns() == header  # the BOM does not leak into the first header name
        assert ws.row_count == len(rows)
        export(ws, tmp_path / "out.csv")
        export(ws, tmp_path / "out.tsv")
    back = read_csv(tmp_path / "out.csv")
    assert back[0] == header + ["label", "label_source"]
    assert [r[:-2] for r in back[1:]] == rows
    assert all(r[-2:] == ["", ""] for r in back[1:])
    assert [r[:-2] for r in read_csv(tmp_path / "out.tsv", "\t")[1:]] == rows


def test_rows_keep_cells_and_texts_are_what_extract_reads(tmp_path, nasty):
    path, header, rows = nasty
    with create_workspace(tmp_path / "w.semvec", [path]) as ws:
        got = ws.rows(0, 5)
        assert [r.cells for r in got] == rows[:5]
        assert got[3].values()["text"] == rows[3][-1]
        assert [r.text for r in got] == [row[-1].strip() for row in rows[:5]]
        corpus, expected = ws.corpus(), read_texts([path])
        assert corpus.texts == expected.texts
        assert corpus.origins == expected.origins
        assert corpus.skipped_blank == expected.skipped_blank


@pytest.mark.parametrize("kind", ["tsv", "jsonl", "txt"])
def test_other_formats_read_as_extract_reads_them(tmp_path, kind):
    texts = ["  first text ", "", "second, with comma", "   ", "third\u00a0one"]
    path = tmp_path / f"in.{kind}"
    if kind == "tsv":
        write_csv(path, ["id", "sentence"], [[str(i), t] for i, t in enumerate(texts)], bom=False, delimiter="\t")
    elif kind == "jsonl":
        path.write_text("\n".join(json.dumps({"id": i, "text": t, "n": [i]}) for i, t in enumerate(texts)) + "\n\n", encoding="utf-8")
    else:
        path.write_text("\r\n".join(texts) + "\n", encoding="utf-8")
    with create_workspace(tmp_path / "w.semvec", [path]) as ws:
        corpus, expected = ws.corpus(), read_texts([path])
        assert (corpus.texts, corpus.origins, corpus.skipped_blank) == (expected.texts, expected.origins, expected.skipped_blank)
        if kind == "txt":
            assert [r.cells for r in ws.rows(0, 9)] == [["  first text "], ["second, with comma"], ["third\u00a0one"]]
        if kind == "jsonl":
            assert ws.row(1).cells == {"id": 1, "text": "", "n": [1]}


def test_several_files_rows_in_order_and_union_of_columns(tmp_path, small):
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"text": "from jsonl", "score": 0.5, "id": 9}) + "\n", encoding="utf-8")
    with create_workspace(tmp_path / "w.semvec", [small]) as ws:
        added = add_files(ws, [extra])
        assert [s.first_row for s in ws.sources()] == [0, 6] and added[0].row_count == 1
        assert ws.row_count == 7 and ws.row(6).text == "from jsonl"
        assert ws.columns() == ["id", "text", "label", "score"]
        export(ws, tmp_path / "out.csv")
        export(ws, tmp_path / "out.jsonl")
    back = read_csv(tmp_path / "out.csv")
    assert back[0] == ["id", "text", "label", "score", "label_2", "label_source_2"]
    assert back[7] == ["9", "from jsonl", "", "0.5", "", ""]
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[6]) == {"text": "from jsonl", "score": 0.5, "id": 9, "label_2": None, "label_source_2": None}
    assert json.loads(lines[0]) == {"id": "1", "text": "The bank raised interest rates.", "label": "finance", "label_2": None,
                                    "label_source_2": None}


def test_parquet_export(tmp_path, ws):
    pq = pytest.importorskip("pyarrow.parquet")
    ws.set_label([0], "nature")
    export(ws, tmp_path / "out.parquet")
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert table[0] == {"id": "1", "text": "The bank raised interest rates.", "label": "finance", "label_2": "nature",
                        "label_source_2": "typed"}
    assert table[2]["label_2"] is None


def test_parquet_without_pyarrow_is_a_missing_extra(tmp_path, ws, monkeypatch):
    import importlib

    real = importlib.import_module
    monkeypatch.setattr(importlib, "import_module", lambda name, *a: (_ for _ in ()).throw(ImportError(name))
                        if name == "pyarrow" else real(name, *a))
    with pytest.raises(MissingExtraError, match=r"semvec-studio\[parquet\]"):
        export(ws, tmp_path / "out.parquet")
    assert not (tmp_path / "out.parquet").exists()


def test_export_refuses_existing_file_and_unknown_type(tmp_path, ws):
    (tmp_path / "out.csv").write_text("keep", encoding="utf-8")
    with pytest.raises(OutputError, match="exists already; use --force"):
        export(ws, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "keep"
    export(ws, tmp_path / "out.csv", overwrite=True)
    with pytest.raises(UsageError, match="unknown export type '.xlsx'"):
        export(ws, tmp_path / "out.xlsx")


@pytest.mark.parametrize("content, message", [
    ("id,text\n1,ok\n2,too,many\n", r"line 3: 3 cells but the header has 2 columns"),
    ("id,name\n1,ok\n", r"no 'text' or 'sentence' column"),
    ("id,text\n", r"no rows found"),
    ("", r"is empty \(no header row\)"),
])
def test_bad_files_are_one_line_errors_and_leave_nothing(tmp_path, content, message):
    bad = tmp_path / "in" / "bad.csv"
    bad.parent.mkdir()
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        create_workspace(tmp_path / "w.semvec", [bad])
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_cancelled_create_leaves_nothing(tmp_path, nasty):
    path, _, _ = nasty
    with pytest.raises(Cancelled):
        create_workspace(tmp_path / "w.semvec", [path], ctx=RecordingContext(cancel_after=1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nasty.csv"]


def test_create_refuses_an_existing_workspace_unless_forced(tmp_path, small):
    create_workspace(tmp_path / "w.semvec", [small]).close()
    with pytest.raises(OutputError, match="exists already; use --force"):
        create_workspace(tmp_path / "w.semvec", [small])
    (tmp_path / "w.semvec-data").mkdir()
    with create_workspace(tmp_path / "w", [small, small], overwrite=True) as ws:  # ".semvec" is added
        assert ws.row_count == 12 and ws.path.name == "w.semvec"
    assert not (tmp_path / "w.semvec-data").exists()


# --- labels, edits, undo ----------------------------------------------------------------------


def test_imported_labels(ws):
    assert [lb.name for lb in ws.labels()] == ["finance", "nature"]
    assert [(lb.key, lb.colour) for lb in ws.labels()] == [(1, "#1f77b4"), (2, "#ff7f0e")]
    assert ws.label_counts() == {"finance": 2, "nature": 2, None: 2}
    row = ws.row(0)
    assert (row.label, row.label_source) == ("finance", "imported") and row.label_time > 0


def test_label_rows_one_edit_each_with_source(ws):
    edit = ws.set_label([2, 5], "nature", source="bulk")
    assert edit.rows.tolist() == [2, 5] and "label 2 rows 'nature'" == edit.description
    assert ws.set_label([2, 5], "nature", source="bulk") is None  # nothing changes: no edit
    ws.set_label(0, "sport")  # a new label is made, with the next free colour and key
    assert [(lb.name, lb.key) for lb in ws.labels()] == [("finance", 1), ("nature", 2), ("sport", 3)]
    assert (ws.row(2).label_source, ws.row(0).label_source) == ("bulk", "typed")
    ws.clear_label([0, 1])
    assert ws.label_counts() == {"finance": 1, "nature": 3, "sport": 0, None: 2}
    ids, sources = (a.copy() for a in ws.label_array())  # kept up to date by each edit...
    ws.set_label([3, 4], "sport", source="suggestion")
    ws.undo()
    ws.set_label([5], "finance")
    kept = [a.copy() for a in ws.label_array()]
    assert not np.array_equal(kept[0], ids)
    path = ws.path
    ws.close()
    with Workspace.open(path) as again:  # ...equal to the arrays read afresh
        assert all(np.array_equal(a, b) for a, b in zip(again.label_array(), kept))


def test_label_array_and_counts_read_every_source_and_gap(ws):
    """The arrays read afresh (numbers joined by SQLite, parsed by numpy) and the counts (from the
    arrays, or by SQLite while rows an import added are not in them) agree with each row."""
    ws.set_label([2], "nature", source="bulk")
    ws.set_label([3], "sport", source="suggestion")
    ws.set_label([5], "sport", source="typed")
    path = ws.path
    ws.close()
    with Workspace.open(path) as again:
        by_name = {lb.name: lb.id for lb in again.labels()}
        fresh = again.label_counts_by_id()  # no array yet: counted by SQLite
        ids, sources = again.label_array()
        for i in range(again.row_count):
            row = again.row(i)
            assert ids[i] == (by_name[row.label] if row.label else -1)
            assert sources[i] == (LABEL_SOURCES.index(row.label_source) if row.label else -1)
        assert fresh == again.label_counts_by_id() == {by_name[k]: n for k, n in again.label_counts().items() if k and n}


def test_undo_of_one_edit_only_when_it_is_the_latest(ws):
    first = ws.set_label([2], "nature", source="suggestion")
    later = ws.set_label([5], "finance")
    with pytest.raises(WorkspaceError, match="a later edit, label row 5 'finance', came after this one; undo it first"):
        ws.undo(only=first.id)
    assert (ws.row(2).label, ws.row(5).label) == ("nature", "finance")  # nothing undone
    assert ws.undo(only=later.id).id == later.id and ws.row(5).label is None
    assert ws.undo(only=later.id) is None  # undone already: nothing to do
    assert ws.undo(only=first.id).id == first.id and ws.row(2).label is None


def test_label_set_management_and_each_undo_restores_exactly(ws):
    def state():
        return [(lb.name, lb.colour, lb.key, lb.position) for lb in ws.labels()], ws.label_counts(), \
            [(r.label, r.label_source, r.label_time) for r in ws.rows(0, 6)]

    steps = [
        lambda: ws.add_label("sport", colour="#00ff00", key=9),
        lambda: ws.change_label("finance", new_name="money"),
        lambda: ws.change_label("nature", key=9),  # takes sport's key; sport gets nature's old key
        lambda: ws.change_label("money", colour="#123456"),
        lambda: ws.merge_labels("sport", "nature"),
        lambda: ws.set_label([0, 1, 2], "sport"),
        lambda: ws.delete_label("nature"),
    ]
    states = [state()]
    for step in steps:
        assert step() is not None
        states.append(state())
    assert [(lb.name, lb.key) for lb in ws.labels()] == [("money", 1), ("sport", 2)]  # the lowest free key
    assert ws.label_counts() == {"money": 1, "sport": 3, None: 2}
    for expected in reversed(states[:-1]):
        ws.undo()
        assert state() == expected
    assert ws.undo() is None and not ws.can_undo()
    for expected in states[1:]:
        ws.redo()
        assert state() == expected
    assert ws.redo() is None


def test_undo_and_redo_survive_closing_and_reopening(tmp_path, ws):
    ws.set_label([0, 1], "nature")
    ws.set_label([2], "finance")
    path = ws.path
    ws.close()
    with Workspace.open(path) as again:
        assert again.undo().description == "label row 2 'finance'"
    with Workspace.open(path) as again:
        assert again.row(2).label is None and again.row(0).label == "nature"
        assert [e.undone for e in again.history()] == [False, True]
        assert again.redo().rows.tolist() == [2]
        again.undo()
        again.set_label([3], "nature")  # a new edit drops what could be redone
        assert not again.can_redo() and [e.description for e in again.history()] == ["label 2 rows 'nature'", "label row 3 'nature'"]
    with Workspace.open(path) as again:
        again.undo()
        again.undo()
        assert again.label_counts() == {"finance": 2, "nature": 2, None: 2}


def test_many_labels_in_one_edit_and_cancel_changes_nothing(tmp_path, nasty):
    path, _, rows = nasty
    with create_workspace(tmp_path / "w.semvec", [path]) as ws:
        labels = ["a" if i % 3 else None for i in range(len(rows))]
        edit = ws.set_labels(np.arange(len(rows)), labels, source="bulk")
        assert len(edit.rows) == sum(lb is not None for lb in labels)
        before = ws.label_counts()
        with pytest.raises(Cancelled):
            ws.set_label(np.arange(len(rows)), "b", ctx=RecordingContext(cancel_after=1))
        assert ws.label_counts() == before and len(ws.history()) == 1


def test_bad_rows_labels_and_names_are_clear_errors(ws):
    with pytest.raises(RowError, match=r"row 6: no such row; this workspace has rows 0 to 5"):
        ws.set_label([1, 6], "x")
    with pytest.raises(RowError, match="a label name must be"):
        ws.set_label([1], "two\nlines")
    with pytest.raises(RowError, match="given two labels"):
        ws.set_labels([1, 1], ["a", "b"])
    with pytest.raises(RowError, match="no label 'nope' in this workspace"):
        ws.delete_label("nope")
    with pytest.raises(RowError, match="exists already; merge"):
        ws.change_label("finance", new_name="nature")
    with pytest.raises(RowError, match="key 10"):
        ws.change_label("finance", key=10)
    with pytest.raises(RowError, match="label source 'guess'"):
        ws.set_label([1], "x", source="guess")
    assert ws.history() == []


def test_selections_and_settings_persist(ws):
    ws.save_selection("bank rows", [3, 0, 3])
    ws.set_setting("view.projection", {"method": "umap", "neighbors": 15})
    ws.set_setting("extract", {"pooling": "cls", "layers": [-1]})
    path = ws.path
    ws.close()
    with Workspace.open(path) as again:
        assert again.selection("bank rows").tolist() == [0, 3] and again.selections() == ["bank rows"]
        assert again.setting("view.projection") == {"method": "umap", "neighbors": 15}
        assert again.setting("missing", 7) == 7
        again.delete_selection("bank rows")
        with pytest.raises(RowError, match="no selection 'bank rows'"):
            again.selection("bank rows")


# --- views and search -------------------------------------------------------------------------


def test_views_filter_sort_and_page(ws):
    build_index(ws)
    ws.set_label([2], "nature", source="typed")
    ws.save_selection("some", [0, 1, 2])
    assert len(RowView(ws)) == 6 and RowView(ws).order is None and RowView(ws).position(4) == 4
    cases = {
        RowFilter(labels=("finance",)): [0, 3],
        RowFilter(labels=("finance",), unlabelled=True): [0, 3, 5],
        RowFilter(label_sources=("typed",)): [2],
        RowFilter(selection="some", labels=("nature",)): [1, 2],
        RowFilter(words="bank"): [0, 1],
        RowFilter(words="bank*"): [0, 1, 3],
        RowFilter(regex=r"b\w+k"): [0, 1, 3],
        RowFilter(contains="CAFÉ"): [2],
        RowFilter(sources=(ws.sources()[0].id,), unlabelled=True): [5],
    }
    for f, rows in cases.items():
        view = RowView(ws, f)
        assert view.rows_at(0, 99).tolist() == rows, f
    by_text = RowView(ws, sort="text")
    assert [r.text for r in by_text.page(0, 3)] == ["", "A quick brown fox", "Banking apps are handy"]
    assert by_text.position(3) == 2 and by_text.row_at(2) == 3
    assert RowView(ws, sort="label").rows_at(0, 6).tolist() == [0, 3, 1, 2, 4, 5]
    assert RowView(ws, sort="label", descending=True).rows_at(0, 2).tolist() == [5, 4]
    ranked = RowView(ws, RowFilter(words="bank"), sort="rank")
    assert sorted(ranked.rows_at(0, 9).tolist()) == [0, 1] and ranked.position(3) is None
    with pytest.raises(UsageError, match="rank needs a word search"):
        RowView(ws, sort="rank")


def test_read_rows_scattered_pages(tmp_path, nasty):
    path, _, rows = nasty
    with create_workspace(tmp_path / "w.semvec", [path]) as ws:
        ws.set_label([2049, 7], "x")
        wanted = [2400, 7, 1500, 2049, 0]
        got = ws.read_rows(wanted)
        assert [r.row for r in got] == wanted
        assert [r.cells for r in got] == [rows[i] for i in wanted]
        assert [r.label for r in got] == [None, "x", None, "x", None]
        assert [r.line for r in ws.read_rows([0, 1])] == [2, ws.row(1).line] and ws.row(1).line > 2


def test_word_search_queries_and_the_index_as_a_separate_step(tmp_path, small):
    with create_workspace(tmp_path / "w.semvec", [small]) as ws:
        assert index_pending(ws) == 6
        with pytest.raises(IndexPendingError, match="does not cover 6 rows"):
            search_words(ws, "bank")
        ctx = RecordingContext()
        assert build_index(ws, ctx) == 6 and index_pending(ws) == 0
        assert ctx.progress[-1].done == 6 and ctx.progress[-1].unit == "row"
        assert sorted(search_words(ws, "BANK").tolist()) == [0, 1]
        assert search_words(ws, '"river bank"').tolist() == [1]
        assert search_words(ws, "Cafe plait").tolist() == [2]  # accents and case do not matter
        assert search_words(ws, "café plaits").tolist() == []
        assert search_words(ws, 'bank* "interest rates" -').tolist() == [0]
        with pytest.raises(UsageError, match="give at least one word"):
            search_words(ws, '" - "')
        more = tmp_path / "more.txt"
        more.write_text("bank holiday\n", encoding="utf-8")
        add_files(ws, [more])
        assert index_pending(ws) == 1 and build_index(ws) == 1
        assert search_words(ws, "bank", order="row").tolist() == [0, 1, 6]


def test_pattern_search(ws):
    assert search_regex(ws, r"^the\b").tolist() == [0]
    assert search_text(ws, "BANK").tolist() == [0, 1, 3]
    assert search_regex(ws, "a", limit=2).tolist() == [0, 1]
    with pytest.raises(UsageError, match="not a valid regular expression"):
        search_regex(ws, "(")

"""Reading inputs into texts: formats, encodings, stdin, and the messages for bad input."""

from __future__ import annotations

import io

import pytest

from semvec_studio.core.errors import InputError, UsageError
from semvec_studio.core.io.tables import Table, pick_column, read_table
from semvec_studio.core.io.texts import READERS, Corpus, read_texts

FRENCH = (
    "Le café est très bon ce matin.\n"
    "À bientôt, garçon! Nous irons à la plage.\n"
    "C'est l'été, il fait chaud et la mer est belle.\n"
    "Où est la gare? Je ne sais pas où elle se trouve.\n"
)


def write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


# --- .txt ---------------------------------------------------------------------------------------

def test_txt_lines_stripped_blank_counted(tmp_path):
    path = write(tmp_path, "corpus.txt", "  hello \r\n\nworld\n   \n\tlast line\n")
    corpus = read_texts([path])
    assert isinstance(corpus, Corpus)
    assert corpus.texts == ["hello", "world", "last line"]
    assert corpus.origins == [(str(path), 1), (str(path), 3), (str(path), 5)]
    assert corpus.skipped_blank == 2
    assert corpus.encodings == {str(path): "utf-8"}
    assert corpus.warnings == []


def test_txt_whole_file(tmp_path):
    path = write(tmp_path, "doc.txt", "\nfirst line\nsecond line\n\n")
    corpus = read_texts([path], whole_file=True)
    assert corpus.texts == ["first line\nsecond line"]
    assert corpus.origins == [(str(path), 1)]


def test_utf8_bom_removed(tmp_path):
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbfhello\nw\xc3\xb6rld\n")
    corpus = read_texts([path])
    assert corpus.texts == ["hello", "wörld"]
    assert corpus.encodings[str(path)] == "utf-8-sig"
    assert corpus.warnings == []


def test_cp1252_detected_with_warning(tmp_path):
    path = write(tmp_path, "corpus.txt", FRENCH.encode("cp1252"))
    corpus = read_texts([path])
    assert corpus.texts == FRENCH.strip().split("\n")
    assert corpus.encodings[str(path)] == "cp1252"
    (warning,) = corpus.warnings
    assert "corpus.txt: not UTF-8, read as cp1252 (detected)" in warning
    assert "--encoding" in warning


def test_short_latin1_file_detected(tmp_path):
    path = write(tmp_path, "short.txt", "café crème\nnaïve résumé\n".encode("latin-1"))
    corpus = read_texts([path])
    assert corpus.texts == ["café crème", "naïve résumé"]
    assert "not UTF-8" in corpus.warnings[0]


def test_explicit_encoding_overrides_detection(tmp_path):
    # valid UTF-8 bytes, but the user says latin-1: no detection, no warning
    path = write(tmp_path, "x.txt", "é\n")
    corpus = read_texts([path], encoding="latin-1")
    assert corpus.texts == ["Ã©"]
    assert corpus.encodings[str(path)] == "iso8859-1"
    assert corpus.warnings == []


def test_explicit_encoding_that_does_not_fit(tmp_path):
    path = write(tmp_path, "x.txt", "é\n")
    with pytest.raises(InputError, match=r"x\.txt: cannot be read as ascii"):
        read_texts([path], encoding="ascii")


def test_unknown_encoding_name(tmp_path):
    path = write(tmp_path, "x.txt", "a\n")
    with pytest.raises(UsageError, match="unknown encoding 'nope'"):
        read_texts([path], encoding="nope")


# --- stdin --------------------------------------------------------------------------------------

def test_stdin_text_stream():
    corpus = read_texts(["-"], stdin=io.StringIO("one\n\ntwo\n"))
    assert corpus.texts == ["one", "two"]
    assert corpus.origins == [("<stdin>", 1), ("<stdin>", 3)]
    assert corpus.skipped_blank == 1
    assert "<stdin>" in corpus.encodings


def test_stdin_bytes_stream_is_decoded():
    corpus = read_texts(["-"], stdin=io.BytesIO(FRENCH.encode("cp1252")))
    assert corpus.texts[0] == "Le café est très bon ce matin."
    assert "<stdin>: not UTF-8" in corpus.warnings[0]


def test_stdin_with_explicit_format():
    corpus = read_texts(["-"], fmt="jsonl", stdin=io.StringIO('{"text": "hi"}\n'))
    assert corpus.texts == ["hi"]


def test_several_inputs_concatenated(tmp_path):
    a = write(tmp_path, "a.txt", "a1\na2\n")
    b = write(tmp_path, "b.jsonl", '{"text": "b1"}\n')
    corpus = read_texts([a, "-", b], stdin=io.StringIO("s1\n"))
    assert corpus.texts == ["a1", "a2", "s1", "b1"]
    assert [o[0] for o in corpus.origins] == [str(a), str(a), "<stdin>", str(b)]
    assert list(corpus.encodings) == [str(a), "<stdin>", str(b)]


# --- .csv / .tsv --------------------------------------------------------------------------------

def test_csv_text_column_found_case_insensitively(tmp_path):
    path = write(tmp_path, "data.csv", "id,Sentence\n1, first \n2,\n3,third\n")
    corpus = read_texts([path])
    assert corpus.texts == ["first", "third"]
    assert corpus.origins == [(str(path), 2), (str(path), 4)]
    assert corpus.skipped_blank == 1


def test_csv_explicit_column(tmp_path):
    path = write(tmp_path, "data.csv", "label,review\npos,great\nneg,awful\n")
    assert read_texts([path], text_column="review").texts == ["great", "awful"]


def test_csv_missing_column_lists_columns(tmp_path):
    path = write(tmp_path, "data.csv", "label,review\npos,great\n")
    with pytest.raises(InputError) as info:
        read_texts([path])
    message = str(info.value)
    assert "data.csv" in message and "'label'" in message and "'review'" in message
    assert "--text-column" in message
    with pytest.raises(InputError, match="no column 'body'.*'label', 'review'"):
        read_texts([path], text_column="body")


def test_tsv(tmp_path):
    path = write(tmp_path, "data.tsv", "text\tlabel\na, b; c\t1\n")
    assert read_texts([path]).texts == ["a, b; c"]


def test_quoted_multiline_csv_field(tmp_path):
    path = write(tmp_path, "multi.csv", 'id,text\n1,"line one\nline two"\n2,"say ""hi"""\n')
    corpus = read_texts([path])
    assert corpus.texts == ["line one\nline two", 'say "hi"']
    assert corpus.origins == [(str(path), 2), (str(path), 4)]


def test_semicolon_delimiter_sniffed(tmp_path):
    path = write(tmp_path, "euro.csv", "text;score\nhello, world;1,5\nbonjour;2,0\n")
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.rows == [["hello, world", "1,5"], ["bonjour", "2,0"]]
    assert read_texts([path]).texts == ["hello, world", "bonjour"]


def test_no_quoting_with_bare_quotes(tmp_path):
    path = write(tmp_path, "quotes.tsv", 'text\tlabel\n"Hello," she said\t1\n5" screen\t0\n')
    corpus = read_texts([path], quoting=False)
    assert corpus.texts == ['"Hello," she said', '5" screen']


def test_ragged_row_names_line_and_counts(tmp_path):
    path = write(tmp_path, "ragged.csv", "text,label\nok,1\nbad,1,extra\n")
    with pytest.raises(InputError) as info:
        read_texts([path])
    message = str(info.value)
    assert "ragged.csv, line 3" in message
    assert "3 cells" in message and "2 columns" in message
    assert "--no-quoting" in message and "--delimiter" in message


def test_explicit_delimiter(tmp_path):
    path = write(tmp_path, "pipe.csv", "text|n\na,b|1\n")
    assert read_texts([path], delimiter="|").texts == ["a,b"]


# --- read_table ---------------------------------------------------------------------------------

def test_read_table_fields(tmp_path):
    path = write(tmp_path, "t.csv", b'\xef\xbb\xbf text , label\r\n\r\n"a\r\nb",x\r\nc,y\r\n')
    table = read_table(path)
    assert isinstance(table, Table)
    assert table.header == ["text", "label"]
    assert table.rows == [["a\r\nb", "x"], ["c", "y"]]
    assert table.row_numbers == [3, 5]
    assert table.blank_rows == 1
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")


def test_read_table_duplicate_and_empty_header(tmp_path):
    dup = write(tmp_path, "dup.csv", "text,Text2,text\na,b,c\n")
    with pytest.raises(InputError, match=r"dup\.csv, line 1: .*'text' twice"):
        read_table(dup)
    empty = write(tmp_path, "empty_col.csv", "text,,label\na,b,c\n")
    with pytest.raises(InputError, match=r"empty_col\.csv, line 1: header column 2 has no name"):
        read_table(empty)


def test_read_table_long_field(tmp_path):
    long = "x" * 300_000
    path = write(tmp_path, "long.csv", f'text\n"{long}"\n')
    assert read_table(path).rows == [[long]]


# --- .jsonl -------------------------------------------------------------------------------------

def test_jsonl_default_and_custom_field(tmp_path):
    path = write(tmp_path, "d.jsonl", '{"text": "a", "body": "A"}\n\n{"text": " ", "body": "B"}\n')
    corpus = read_texts([path])
    assert corpus.texts == ["a"] and corpus.skipped_blank == 2
    assert read_texts([path], text_field="body").texts == ["A", "B"]


def test_jsonl_bad_line_named(tmp_path):
    path = write(tmp_path, "bad.jsonl", '{"text": "a"}\n{"text": oops}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl, line 2: not valid JSON"):
        read_texts([path])


def test_jsonl_missing_field_named(tmp_path):
    path = write(tmp_path, "m.jsonl", '{"text": "a"}\n{"body": "b"}\n')
    with pytest.raises(InputError, match=r"m\.jsonl, line 2: no field 'text' \(fields: 'body'\)"):
        read_texts([path])


# --- bad inputs ---------------------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nope\.txt: no such file"):
        read_texts([tmp_path / "nope.txt"])


def test_folder(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_texts([tmp_path])


def test_unknown_extension(tmp_path):
    path = write(tmp_path, "notes.md", "hello\n")
    with pytest.raises(InputError) as info:
        read_texts([path])
    message = str(info.value)
    assert "notes.md" in message and ".txt" in message and ".jsonl" in message
    assert read_texts([path], fmt="txt").texts == ["hello"]


def test_unknown_format():
    with pytest.raises(UsageError, match="unknown format 'xml'"):
        read_texts(["-"], fmt="xml", stdin=io.StringIO("a"))


@pytest.mark.parametrize("name,content", [("empty.txt", ""), ("blank.txt", "\n  \n"),
                                          ("header_only.csv", "text\n"), ("empty.csv", "")])
def test_empty_inputs(tmp_path, name, content):
    path = write(tmp_path, name, content)
    with pytest.raises(InputError, match=name.replace(".", r"\.")):
        read_texts([path])


def test_undecodable_file(tmp_path):
    path = write(tmp_path, "blob.txt", b"x\xff\x00\x01\x02")
    with pytest.raises(InputError, match=r"blob\.txt: cannot be decoded as text"):
        read_texts([path])


def test_readers_registry():
    assert set(READERS) == {"txt", "csv", "tsv", "jsonl"}


# --- the app's wording: what to do, without the command line's flags ----------------------------

def _error_of(call) -> InputError:
    with pytest.raises(InputError) as info:
        call()
    return info.value


GUI_CASES = {
    "explicit encoding that does not fit": (
        lambda p: read_texts([write(p, "x.txt", "é\n")], encoding="ascii"), "--encoding", "choose another encoding"),
    "undecodable bytes": (
        lambda p: read_texts([write(p, "blob.txt", b"x\xff\x00\x01\x02")]), "--encoding", "choose its encoding"),
    "ragged row": (
        lambda p: read_texts([write(p, "r.csv", "text,label\nok,1\nbad,1,extra\n")]), "--no-quoting",
        "try another delimiter, or turn off quoted fields"),
    "header column without a name": (
        lambda p: read_table(write(p, "h.csv", "text,,label\na,b,c\n")), "--delimiter", "choose another delimiter"),
    "no text column": (
        lambda p: read_texts([write(p, "d.csv", "label,review\npos,great\n")]), "--text-column", "choose one of them"),
    "text column not found": (
        lambda p: read_texts([write(p, "d.csv", "label,review\npos,great\n")], text_column="body"), "--text-column",
        "choose one of them"),
    "jsonl field missing": (
        lambda p: read_texts([write(p, "m.jsonl", '{"body": "b"}\n')]), "--text-field", "give every line a 'text' field"),
    "jsonl field not a string": (
        lambda p: read_texts([write(p, "n.jsonl", '{"text": 3}\n')]), "--text-field", "give every line a 'text' field"),
    "unknown extension": (
        lambda p: read_texts([write(p, "notes.md", "hello\n")]), "--input-format",
        "open a file with one of these extensions"),
}


@pytest.mark.parametrize("case", list(GUI_CASES))
def test_gui_wording_names_no_flag(tmp_path, case):
    call, cli_flag, gui_advice = GUI_CASES[case]
    err = _error_of(lambda: call(tmp_path))
    assert cli_flag in str(err)  # the command line's wording is unchanged
    assert "--" not in err.for_gui(), err.for_gui()
    assert gui_advice in err.for_gui()
    assert err.for_gui().split(";")[0] == str(err).split(";")[0]  # the same what and where


def test_label_column_gui_wording_names_no_flag():
    err = _error_of(lambda: pick_column(["id", "text"], None, "l.csv", candidates=("label",), option="--label-column",
                                        missing="no 'label' column", advice="pass the one with the labels with"))
    assert str(err) == ("l.csv: no 'label' column; the columns are 'id', 'text';"
                        " pass the one with the labels with --label-column")
    assert err.for_gui() == "l.csv: no 'label' column; the columns are 'id', 'text'; choose one of them"
    assert err.field == "label_column"


def test_errors_name_the_option_at_fault(tmp_path):
    assert _error_of(lambda: read_texts([write(tmp_path, "x.txt", "é\n")], encoding="ascii")).field == "encoding"
    assert _error_of(lambda: read_texts([write(tmp_path, "d.csv", "a,b\n1,2\n")])).field == "text_column"
    assert _error_of(lambda: read_texts([write(tmp_path, "r.csv", "text\na\nb,c\n")])).field == "delimiter"


def test_unknown_extension_advises_the_input_format_option(tmp_path):
    err = _error_of(lambda: read_texts([write(tmp_path, "x.dat", "hello\n")]))
    assert "--input-format" in str(err) and "txt, csv, tsv, jsonl" in str(err)
    assert "--format" not in str(err).replace("--input-format", "")

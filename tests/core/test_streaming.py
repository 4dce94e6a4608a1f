"""Inputs read a chunk at a time (core.io.streams.TextStream): the same texts, blanks and errors as
reading whole files (core.io.texts.read_texts), for every format and past the decoded head; Parquet;
standard input; and memory that does not grow with the number of rows."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

import pytest

from semvec_studio.core.errors import InputError
from semvec_studio.core.io import streams
from semvec_studio.core.io.streams import TextStream
from semvec_studio.core.io.texts import ReadOptions, read_texts

CSV = 'id,text\n1,"hello, ""x""\nmore"\n2,\n\n3,  bye  \r\n4,"tab\there"\n'
FILES = {
    "a.txt": "one\n\n  two \r\nthree\r\n\nfour",
    "b.csv": CSV,
    "c.tsv": "text\tn\nalpha\t1\n\t2\nbeta\t3\n",
    "d.jsonl": '{"text": "j1"}\n\n{"text": null}\n{"text": "j2", "x": 1}\n',
    "e.txt": "\ufeffbom first\nsecond\n",
}


def texts_of(stream: TextStream, size: int = 2) -> list[str]:
    chunks = list(stream.chunks(size))
    assert all(len(c) == size for c in chunks[:-1]) and 0 < len(chunks[-1]) <= size
    return [t for c in chunks for t in c]


@pytest.mark.parametrize("head", [streams.HEAD_BYTES, 16])
@pytest.mark.parametrize("name", list(FILES))
def test_stream_reads_what_read_texts_reads(tmp_path, monkeypatch, name, head):
    monkeypatch.setattr(streams, "HEAD_BYTES", head)  # 16: the file is read past its decoded head
    path = tmp_path / name
    path.write_bytes(FILES[name].encode("utf-8"))
    whole = read_texts([path])
    stream = TextStream([path])
    assert texts_of(stream) == whole.texts
    assert stream.skipped_blank == whole.skipped_blank
    assert stream.inputs_manifest()["files"] == [str(path)]


def test_several_files_in_order_with_a_chosen_column(tmp_path, monkeypatch):
    monkeypatch.setattr(streams, "HEAD_BYTES", 32)
    (tmp_path / "x.csv").write_text("a;b\n1;first\n2;second\n" * 1, encoding="utf-8")
    (tmp_path / "y.txt").write_text("third\nfourth\n", encoding="utf-8")
    stream = TextStream([tmp_path / "x.csv", tmp_path / "y.txt"], ReadOptions(text_column="b"))
    assert list(stream.texts()) == ["first", "second", "third", "fourth"]


def test_legacy_encoding_found_from_the_head_and_a_bad_byte_later_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(streams, "HEAD_BYTES", 64)
    path = tmp_path / "w.txt"
    path.write_bytes("café crème brûlée déjà vu\n".encode("cp1252") * 20)
    stream = TextStream([path])
    assert list(stream.texts()) == ["café crème brûlée déjà vu"] * 20
    assert stream.encodings[str(path)] == "cp1252" and "detected" in stream.warnings[0]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"plain ascii line\n" * 10 + b"\xff\xfe broken\n")
    with pytest.raises(InputError, match=r"bad.txt: cannot be read as utf-8 after line \d+.*--encoding") as err:
        list(TextStream([bad]).texts())
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("name", "content", "needle"), [
    ("m.csv", "id,body\n1,x\n", "no 'text' or 'sentence' column"),
    ("j.jsonl", '{"text": "ok"}\n{"text": 3}\n', "line 2: field 'text' is a int"),
    ("q.csv", 'text,n\n"a,1\n', "line 2: 1 cells but the header has 2 columns"),
    ("n.txt", "\n\n", "no texts found"),
])
def test_errors_name_the_file_and_line(tmp_path, monkeypatch, name, content, needle):
    monkeypatch.setattr(streams, "HEAD_BYTES", 8)
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=needle) as streamed:
        list(TextStream([tmp_path / name]).texts())
    with pytest.raises(InputError) as whole:
        read_texts([tmp_path / name])
    assert str(streamed.value) == str(whole.value)


def test_standard_input_is_streamed(monkeypatch):
    monkeypatch.setattr(streams, "HEAD_BYTES", 8)
    data = io.BytesIO("één\ntwee\n\ndrie\n".encode())
    assert list(TextStream(["-"], stdin=data).texts()) == ["één", "twee", "drie"]


def test_parquet_in_batches(tmp_path, monkeypatch):
    pa = pytest.importorskip("pyarrow", reason="Parquet input needs the parquet extra")
    import pyarrow.parquet as pq

    monkeypatch.setattr(streams, "PARQUET_BATCH", 3)
    texts = [f"row {i}" if i % 4 else None for i in range(10)]
    pq.write_table(pa.table({"id": list(range(10)), "sentence": texts}), tmp_path / "t.parquet")
    stream = TextStream([tmp_path / "t.parquet"])
    assert texts_of(stream, 4) == [t for t in texts if t]
    assert stream.skipped_blank == 3
    with pytest.raises(InputError, match="column 'id' holds int64, not text"):
        list(TextStream([tmp_path / "t.parquet"], ReadOptions(text_column="id")).texts())


def test_peak_memory_does_not_grow_with_rows(tmp_path):
    peaks = {}
    for n in (100_000, 1_000_000):
        path = tmp_path / f"{n}.txt"
        path.write_text("".join(f"short text number {i}\n" for i in range(n)), encoding="utf-8")
        tracemalloc.start()
        count = sum(len(chunk) for chunk in TextStream([path]).chunks(10_000))
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert count == n
    assert peaks[1_000_000] < 1.5 * peaks[100_000], peaks


def test_jsonl_fields_past_the_head(tmp_path, monkeypatch):
    monkeypatch.setattr(streams, "HEAD_BYTES", 40)
    lines = [json.dumps({"body": f"text {i}"}) for i in range(50)]
    (tmp_path / "b.jsonl").write_text("\n".join(lines), encoding="utf-8")
    assert len(list(TextStream([Path(tmp_path / "b.jsonl")], ReadOptions(text_field="body")).texts())) == 50


def test_corpus_of_a_stream_is_read_texts_corpus(tmp_path, monkeypatch):
    monkeypatch.setattr(streams, "HEAD_BYTES", 16)
    for name in ("a.txt", "b.csv"):
        (tmp_path / name).write_bytes(FILES[name].encode("utf-8"))
    paths = [tmp_path / "a.txt", tmp_path / "b.csv"]
    got, want = TextStream(paths).corpus(), read_texts(paths)
    assert (got.texts, got.origins, got.skipped_blank) == (want.texts, want.origins, want.skipped_blank)


def test_extract_reads_parquet_without_shards(tiny_bert, tmp_path, capsys):
    pa = pytest.importorskip("pyarrow", reason="Parquet input needs the parquet extra")
    import pyarrow.parquet as pq

    from semvec_studio.core.io.vectors import EmbeddingSet
    from tests.core.test_cli_project import cli

    texts = ["the cat sat", None, "a dog runs fast", "bank of the river"]
    pq.write_table(pa.table({"text": texts}), tmp_path / "t.parquet")
    for out, extra in (("one", ()), ("sh", ("--shard-rows", "2"))):
        rc, _, err = cli(capsys, "extract", tmp_path / "t.parquet", "--model", tiny_bert, "-o", tmp_path / out, "--quiet", *extra)
        assert rc == 0, err
    one, sh = EmbeddingSet.load(tmp_path / "one"), EmbeddingSet.load(tmp_path / "sh")
    assert one.metadata["text"] == sh.metadata["text"] == [t for t in texts if t]
    assert one.manifest["inputs"]["skipped_blank"] == sh.manifest["inputs"]["skipped_blank"] == 1

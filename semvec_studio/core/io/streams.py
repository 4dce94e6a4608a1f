"""Inputs read a chunk at a time: the texts of .txt/.csv/.tsv/.jsonl/.parquet files (or stdin) in
input order, in lists of a given size, so memory holds one chunk, not the corpus.

Record readers live in :data:`STREAM_READERS` (one generator per format, yielding ``(number,
text)``, ``text`` None for a blank line or row). A text file's encoding is found from its first
:data:`HEAD_BYTES` (as :mod:`semvec_studio.core.io.decoding` finds a whole file's); a smaller file
is decoded whole, exactly as :func:`semvec_studio.core.io.texts.read_texts` does. The rules (blank
lines, columns and fields, errors naming the line) are those of :mod:`semvec_studio.core.io.texts`.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from semvec_studio.core.errors import InputError, MissingExtraError, UsageError
from semvec_studio.core.io.decoding import BOMS, check_file, decode_bytes
from semvec_studio.core.io.tables import pick_column, table_delimiter, table_records
from semvec_studio.core.io.texts import EXTENSIONS, STDIN, STDIN_NAME, Corpus, ReadOptions, jsonl_text

HEAD_BYTES = 1 << 20
PARQUET_BATCH = 16384
STREAM_EXTENSIONS = {**EXTENSIONS, ".parquet": "parquet"}

Records = Iterator[tuple[int, "str | None"]]


def _txt(name: str, fh: IO[str], opts: ReadOptions) -> Records:
    if opts.whole_file:
        yield 1, fh.read()
        return
    yield from enumerate(fh, start=1)


def _table(default_delimiter: str | None):
    def read(name: str, fh: IO[str], opts: ReadOptions, head: str = "") -> Records:
        delim = table_delimiter(opts.delimiter, default_delimiter, head)
        records = table_records(fh, name, delim, quoting=opts.quoting)
        column = None
        for number, cells in records:
            if column is None:
                column = pick_column(cells, opts.text_column, name)
                continue
            yield number, None if cells is None else cells[column]
    return read


def _jsonl(name: str, fh: IO[str], opts: ReadOptions) -> Records:
    key = opts.text_field or "text"
    for number, line in enumerate(fh, start=1):
        yield number, jsonl_text(name, number, line, key) if line.strip() else None


def _parquet(path: str, opts: ReadOptions) -> Records:
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415 - optional extra (parquet)
    except ImportError:
        raise MissingExtraError("Parquet input", "pyarrow", "parquet") from None
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own ArrowInvalid, OSError ...
        raise InputError(f"{path}: cannot be read as Parquet ({str(exc).splitlines()[0][:200]}); check the file") from None
    names = pf.schema_arrow.names
    column = names[pick_column(names, opts.text_column, path)]
    kind = pf.schema_arrow.field(column).type
    if str(kind) not in ("string", "large_string", "string_view"):
        raise InputError(f"{path}: column '{column}' holds {kind}, not text; pass a text column with --text-column")
    number = 0
    for batch in pf.iter_batches(batch_size=PARQUET_BATCH, columns=[column]):
        for value in batch.column(0).to_pylist():
            number += 1
            yield number, value


STREAM_READERS: dict[str, Callable] = {"txt": _txt, "csv": _table(None), "tsv": _table("\t"), "jsonl": _jsonl}


class _Prefixed(io.RawIOBase):
    """A binary stream whose first bytes were already read (``head``), followed by the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head, self.rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        if self.head.nbytes:
            n = min(len(buf), self.head.nbytes)
            buf[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.rest.read(len(buf))
        buf[: len(data)] = data
        return len(data)


def _text_stream(name: str, raw: IO[bytes], encoding: str | None) -> tuple[IO[str], str, str, list[str]]:
    """(text stream, its first characters, encoding, warnings) of a binary stream."""
    head = raw.read(HEAD_BYTES)
    if len(head) < HEAD_BYTES:  # the whole input: decoded as read_texts decodes it
        text, enc, warnings = decode_bytes(head, name, encoding)
        return io.StringIO(text, newline=""), text, enc, warnings
    cut = head
    if not any(head.startswith(bom) for bom, _ in BOMS):
        cut = head[: head.rfind(b"\n") + 1] or head  # no character is cut in two
    else:
        cut = head[: len(head) - len(head) % 4]
    text, enc, warnings = decode_bytes(cut, name, encoding)
    python_enc = "utf-8-sig" if enc == "utf-8" else enc
    stream = io.TextIOWrapper(io.BufferedReader(_Prefixed(head, raw)), encoding=python_enc, newline="")
    return stream, text, enc, warnings


@dataclass
class TextStream:
    """The texts of ``paths`` (``'-'``: ``stdin``) read in chunks; what reading found so far
    (blank rows skipped, warnings, encodings) is kept as it goes."""

    paths: Sequence[str | os.PathLike]
    options: ReadOptions = field(default_factory=ReadOptions)
    encoding: str | None = None
    fmt: str | None = None
    stdin: IO | None = None
    skipped_blank: int = 0
    warnings: list[str] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.paths, (str, os.PathLike)):
            self.paths = [self.paths]
        if not self.paths:
            raise UsageError("no input given; pass a file, or '-' to read standard input")
        if self.fmt is not None and self.fmt not in STREAM_READERS:
            raise UsageError(f"unknown format '{self.fmt}'; use one of {', '.join(STREAM_READERS)}")
        self.kinds = [_format_of(p, self.fmt) for p in self.paths]  # unknown types and missing files, before any work

    def texts(self) -> Iterator[str]:
        """Every non-blank text, stripped, in input order."""
        return (text for _, _, text in self.records())

    def corpus(self) -> Corpus:
        """Every text at once, with where it came from (for a run that is not sharded)."""
        corpus = Corpus()
        for name, number, text in self.records():
            corpus.texts.append(text)
            corpus.origins.append((name, number))
        corpus.skipped_blank, corpus.warnings, corpus.encodings = self.skipped_blank, self.warnings, self.encodings
        return corpus

    def records(self) -> Iterator[tuple[str, int, str]]:
        """(file name, line or row number, text) of every non-blank text, stripped, in input order."""
        found = 0
        for path, kind in zip(self.paths, self.kinds):
            before = found
            for number, text in self._records(path, kind):
                text = (text or "").strip()
                if text:
                    found += 1
                    yield _name(path), number, text
                else:
                    self.skipped_blank += 1
            if found == before and len(self.paths) > 1:
                self.warnings.append(f"{_name(path)}: no texts")
        if not found:
            names = ", ".join(_name(p) for p in self.paths)
            raise InputError(f"{names}: no texts found ({self.skipped_blank} blank lines or rows skipped);"
                             " give at least one non-empty line, row or record")

    def chunks(self, size: int) -> Iterator[list[str]]:
        """:meth:`texts` in lists of ``size`` (the last may be shorter)."""
        return chunked(self.texts(), size)

    def _records(self, path, kind: str) -> Records:
        name = _name(path)
        if kind == "parquet":
            self.encodings[name] = "parquet"
            yield from _parquet(os.fspath(path), self.options)
            return
        if self.options.whole_file and kind != "txt":
            self.warnings.append(f"{name}: --whole-file applies to .txt inputs only; read one text per row")
        raw = _open_raw(path, self.stdin)
        try:
            fh, head, enc, warnings = _text_stream(name, raw, self.encoding)
            self.encodings[name] = enc
            self.warnings += warnings
            reader = STREAM_READERS[kind]
            records = reader(name, fh, self.options, head) if kind in ("csv", "tsv") else reader(name, fh, self.options)
            yield from _decoded(records, name, enc)
        finally:
            if raw is not _stdin_bytes(self.stdin):
                raw.close()

    def inputs_manifest(self) -> dict:
        return {"files": sorted({_name(p) for p in self.paths}), "encodings": self.encodings,
                "skipped_blank": self.skipped_blank, "warnings": self.warnings}


@dataclass
class CorpusStream:
    """An in-memory :class:`Corpus` (a workspace's rows) behind :class:`TextStream`'s interface."""

    corpus: Corpus

    @property
    def warnings(self) -> list[str]:
        return self.corpus.warnings

    def chunks(self, size: int) -> Iterator[list[str]]:
        texts = self.corpus.texts
        for start in range(0, len(texts), size):
            yield texts[start : start + size]

    def inputs_manifest(self) -> dict:
        c = self.corpus
        return {"files": sorted({name for name, _ in c.origins}), "encodings": c.encodings,
                "skipped_blank": c.skipped_blank, "warnings": c.warnings}


def chunked(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _decoded(records: Records, name: str, enc: str) -> Records:
    """``records``, with a decoding error past the first megabyte as a one-line error."""
    number = 0
    try:
        for number, text in records:
            yield number, text
    except UnicodeDecodeError as err:
        where = f"{name}: cannot be read as {enc} after line {number} ({err.reason});"
        raise InputError(f"{where} pass the file's encoding with --encoding",
                         gui=f"{where} choose the file's encoding", field="encoding") from None


def _name(path) -> str:
    return STDIN_NAME if os.fspath(path) == STDIN else os.fspath(path)


def _stdin_bytes(stdin: IO | None) -> IO[bytes]:
    stream = stdin if stdin is not None else sys.stdin
    return getattr(stream, "buffer", stream)


def _open_raw(path, stdin: IO | None) -> IO[bytes]:
    if os.fspath(path) == STDIN:
        return _stdin_bytes(stdin)
    try:
        return open(path, "rb")
    except OSError as err:
        raise InputError(f"{os.fspath(path)}: cannot be read ({err.strerror or err}); check its permissions") from None


def _format_of(path, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    if os.fspath(path) == STDIN:
        return "txt"
    check_file(path)
    suffix = Path(path).suffix.lower()
    if suffix not in STREAM_EXTENSIONS:
        what = f"{os.fspath(path)}: unknown file type '{suffix or '(none)'}'; supported are {', '.join(STREAM_EXTENSIONS)}"
        raise InputError(f"{what}; to read it anyway, pass --input-format with one of {', '.join(EXTENSIONS.values())}")
    return STREAM_EXTENSIONS[suffix]


def check_encoding(encoding: str | None) -> None:
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(f"unknown encoding '{encoding}'; use a name such as utf-8, cp1252 or latin-1",
                             field="encoding") from None

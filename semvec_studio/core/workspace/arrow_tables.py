"""A CSV or TSV file's rows packed by pyarrow's CSV parser (the optional parquet extra): the import's fast path.

The csv module makes a list and a string per cell in Python; pyarrow parses in C++ (without the
GIL) and the blocks are packed column by column, so a row costs no Python object. The blocks are
the ones :mod:`readers` and :func:`blocks.table_values` make from the same file (the two were
compared on tens of thousands of random files, with pyarrow 26), and this path is taken only
where that is certain; otherwise :func:`table_blocks` returns None and the csv module reads the
file, with its line-exact errors:

- the text is UTF-8 (as it was decoded), and the delimiter one ASCII character;
- pyarrow reads every row with the header's number of cells;
- the rows and the line breaks inside their cells make up every line of the file but blank lines
  at its end (line breaks counted as the csv module counts them: ``\\n``, ``\\r\\n``, a lone ``\\r``),
  so pyarrow skipped no blank line between rows and each row's line is known;
- no cell holds a ``\\r`` (pyarrow 26 can drop the ``\\n`` of a ``\\r\\n`` inside a quoted cell
  where two of its blocks meet) nor the record or unit separator of the packing, and the last
  cell does not end in a line break (a quote left open at the end of the file).

pyarrow's rules for these options are the csv module's (a doubled quote is a quote, text after a
closing quote is kept, a quote inside an unquoted cell is a character); texts and labels are
stripped as ``str.strip`` strips.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np

from semvec_studio.core.workspace.blocks import BLOCK_ROWS, RS, US, Labels, PackedBlock
from semvec_studio.core.workspace.readers import Parsed

BOM = b"\xef\xbb\xbf"
VERIFIED_MAJOR = 26  # the pyarrow release the differential check ran on; older ones take the csv module's path
WINDOW = 1 << 22


@cache
def _space_bytes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lookup tables by byte: is it a 1-byte ``str.isspace`` character; does it start a 2-byte or a
    3-byte one (no code point outside the BMP is a space)."""
    spaces = [c.encode() for c in map(chr, range(0x10000)) if c.isspace()]
    tables = np.zeros((3, 256), dtype=bool)
    for s in spaces:
        tables[len(s) - 1, s[0]] = True
    return tables[0], tables[1], tables[2]


def _needs_strip(offsets: np.ndarray, data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the strings of an arrow string array (its offsets and bytes): (where ``str.strip``
    changes them for an ASCII space at an end, the positions of those that start or end with a
    character that may be a non-ASCII space: Python decides those)."""
    start, stop = offsets[:-1], offsets[1:]
    size = stop - start
    if not len(data):
        return np.zeros(len(start), dtype=bool), np.zeros(0, dtype=np.int64)
    one, lead2, lead3 = _space_bytes()

    def byte(at: np.ndarray) -> np.ndarray:
        return data[np.clip(at, 0, len(data) - 1)]

    first, last = byte(start), byte(stop - 1)
    need = (size >= 1) & (one[first] | one[last])
    maybe = (size >= 2) & (lead2[first] | lead3[first] | lead2[byte(stop - 2)])
    maybe |= (size >= 3) & lead3[byte(stop - 3)]
    return need, np.flatnonzero(maybe & ~need)


def _buffers(array) -> tuple[np.ndarray, memoryview]:
    """(offsets, bytes) of a string array."""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset:array.offset + len(array) + 1]
    data = array.buffers()[2]
    return offsets, memoryview(data) if data is not None else memoryview(b"")


def _body(parsed: Parsed, data: bytes, text: str, encoding: str):
    """The file's bytes after the header, UTF-8, without copying the file when it was read as UTF-8."""
    head = len(text[:parsed.body].encode("utf-8"))
    if encoding == "utf-8":
        return memoryview(data)[head:]
    if encoding == "utf-8-sig" and data.startswith(BOM) and not data.startswith(BOM * 2):
        return memoryview(data)[len(BOM) + head:]
    return memoryview(text[parsed.body:].encode("utf-8"))


def count(raw: bytes | str, needle: bytes | str, start: int = 0, stop: int | None = None) -> int:
    """``raw.count(needle, start, stop)`` a few MB at a time: a count of a big file in one call
    holds the GIL for tens of ms, and the GUI thread waits that long."""
    stop = len(raw) if stop is None else stop
    found = 0
    for at in range(start, stop, WINDOW):
        found += raw.count(needle, at, min(stop, at + WINDOW + len(needle) - 1))  # each match counted where it starts
    return found


def _has(raw: bytes, needle: bytes, start: int, stop: int | None = None) -> bool:
    return raw.find(needle, start, stop) >= 0  # memchr: a few ms for 100 MB, faster than a count


def _line_breaks(raw: bytes, start: int, stop: int) -> int:
    """Line breaks in ``raw[start:stop]`` as the csv module counts them: ``\\n``, ``\\r\\n``, a lone ``\\r``."""
    breaks = count(raw, b"\n", start, stop)
    if not _has(raw, b"\r", start, stop):
        return breaks
    return breaks + count(raw, b"\r", start, stop) - count(raw, b"\r\n", start, stop)


def _trailing_breaks(raw: bytes, start: int) -> int:
    """Where the line breaks at the end of ``raw[start:]`` begin (the last row's, and blank lines)."""
    stop = len(raw)
    while stop > start and raw[stop - 1] in b"\r\n":
        stop -= 1
    return stop


def table_blocks(parsed: Parsed, data: bytes, text: str, encoding: str) -> tuple[int, Iterator[PackedBlock]] | None:
    """(rows, blocks) of a table file whose header :mod:`readers` read (``parsed``), or None when
    pyarrow is not installed or the file is not one it reads as the csv module does. Sets
    ``parsed.skipped_blank`` (blank lines at the end of the file)."""
    delimiter = parsed.delimiter or ""
    if parsed.body is None or len(delimiter) != 1 or not delimiter.isascii() or delimiter in '\r\n"':
        return None
    try:
        import pyarrow as pa  # noqa: PLC0415 - optional (the parquet extra)
        import pyarrow.compute as pc  # noqa: PLC0415
        import pyarrow.csv as pcsv  # noqa: PLC0415
    except ImportError:
        return None
    if int(pa.__version__.split(".")[0]) < VERIFIED_MAJOR:
        return None  # its rules were compared with the csv module's on pyarrow 26 only
    body = _body(parsed, data, text, encoding)
    raw, start = body.obj, len(body.obj) - len(body)
    if _has(raw, RS.encode(), start) or _has(raw, US.encode(), start):
        return None
    names = [f"c{i}" for i in range(len(parsed.header))]
    try:
        table = pcsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pcsv.ReadOptions(column_names=names),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, quote_char='"' if parsed.quoting else False, double_quote=True,
                                            escape_char=False, newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                                                quoted_strings_can_be_null=False, null_values=[], check_utf8=False))
    except pa.ArrowException:
        return None  # a row of another length, an unclosed quote: the csv module says where
    if not table.num_rows or table.column(table.num_columns - 1)[-1].as_py().endswith(("\r", "\n")):
        return None  # maybe a quote left open at the end, which takes in the line breaks there
    physical = _line_breaks(raw, start, len(raw)) + (raw[-1:] not in (b"\r", b"\n"))
    blank = max(0, _line_breaks(raw, _trailing_breaks(raw, start), len(raw)) - 1)  # blank lines at the end
    lines = _row_lines(pc, table, parsed, physical - blank)
    if lines is None:
        return None
    parsed.skipped_blank = blank
    return table.num_rows, _blocks(pa, pc, table, parsed, lines)


def _row_lines(pc, table, parsed: Parsed, physical: int) -> np.ndarray | None:
    """The line each row starts on, when the rows and the line breaks inside their cells make up
    all ``physical`` lines, so pyarrow skipped no blank line among them; else None (also for a
    ``\\r`` inside a cell)."""
    n = table.num_rows
    if n > physical:
        return None
    if n == physical:  # each row one line
        return np.arange(parsed.body_line, parsed.body_line + n, dtype=np.int64)
    inside = np.zeros(n, dtype=np.int64)  # line breaks inside a row's (quoted) cells
    for column in table.columns:
        if pc.any(pc.greater(pc.count_substring(column, "\r"), 0)).as_py():
            return None  # see the module's docstring
        inside += pc.count_substring(column, "\n").to_numpy()
    if n + int(inside.sum()) != physical:
        return None
    lines = np.empty(n, dtype=np.int64)
    lines[0] = parsed.body_line
    np.cumsum(inside[:-1] + 1, out=lines[1:])
    lines[1:] += parsed.body_line
    return lines


def _texts(pa, pc, column, empty) -> tuple:
    """(texts, text cells) of a text column chunk: each stripped as ``str.strip`` strips, and the
    cell as read where that changed it, else ""."""
    offsets, data = _buffers(column)
    need, maybe = _needs_strip(offsets, np.frombuffer(data, dtype=np.uint8))
    if len(maybe):
        found = [i for i, t in zip(maybe.tolist(), column.take(pa.array(maybe)).to_pylist()) if t != t.strip()]
        need[found] = True
    if not need.any():
        return column, None
    mask = pa.array(need)
    stripped = [t.strip() for t in column.filter(mask).to_pylist()]
    return pc.replace_with_mask(column, mask, pa.array(stripped, column.type)), pc.if_else(mask, column, empty)


def _blocks(pa, pc, table, parsed: Parsed, lines: np.ndarray) -> Iterator[PackedBlock]:
    """The blocks, packed column by column: each row's cells joined by the unit separator and
    ended by the record separator, in pyarrow's chunks (no copy of the columns)."""
    n, ti, label_index = table.num_rows, parsed.text_index, parsed.label_index
    empty = pa.scalar("", pa.string())
    done = [_texts(pa, pc, chunk, empty) for chunk in table.column(ti).chunks]
    texts = pa.chunked_array([t for t, _ in done], pa.string())
    text_cells = empty  # a text cell is kept only where it is not its text (most are)
    if table.num_columns == 1 or any(c is not None for _, c in done):
        text_cells = pa.chunked_array([c if c is not None else pc.if_else(False, t, empty) for t, c in done], pa.string())
    parts: list = []
    for i in range(table.num_columns):
        parts += [text_cells if i == ti else table.column(i), US]
    parts[-1] = RS
    cells = pc.binary_join_element_wise(*parts, empty)
    texts = pc.binary_join_element_wise(texts, RS, empty)
    labels = None
    if label_index is not None:
        column = table.column(label_index)
        names = column.unique()
        labels = ([v.strip() for v in names.to_pylist()], pc.index_in(column, value_set=names).to_numpy())
    del table, parts, text_cells, done
    cells, texts = _Payloads(cells), _Payloads(texts)
    lines = lines.astype("<i8", copy=False)
    for start in range(0, n, BLOCK_ROWS):
        stop = min(n, start + BLOCK_ROWS)
        values = (stop - start, lines[start:stop].tobytes(), texts.block(start, stop), cells.block(start, stop), 0)
        yield values, None if labels is None else _block_labels(*labels, start, stop)


class _Payloads:
    """Rows ``start`` .. ``stop - 1`` of a chunked string array whose strings end in a separator,
    as one string without the last separator."""

    def __init__(self, chunked) -> None:
        self.chunks = [_buffers(chunk) for chunk in chunked.chunks if len(chunk)]
        self.starts = np.cumsum([0] + [len(offsets) - 1 for offsets, _ in self.chunks])

    def block(self, start: int, stop: int) -> str:
        pieces = []
        first = int(np.searchsorted(self.starts, start, side="right")) - 1
        for k in range(first, len(self.chunks)):
            base = int(self.starts[k])
            if base >= stop:
                break
            offsets, data = self.chunks[k]
            lo, hi = max(start, base) - base, min(stop, int(self.starts[k + 1])) - base
            pieces.append(data[offsets[lo]:offsets[hi]])
        return str(pieces[0] if len(pieces) == 1 else b"".join(pieces), "utf-8")[:-1]


def _block_labels(names: list[str], codes: np.ndarray, start: int, stop: int) -> Labels:
    used, index = np.unique(codes[start:stop], return_inverse=True)
    return [names[i] for i in used.tolist()], index

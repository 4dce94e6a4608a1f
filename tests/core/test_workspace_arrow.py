"""The import's pyarrow path stores exactly what the csv module path stores (a differential check
on random files: quotes, doubled quotes, text after a closing quote, line breaks of three kinds
inside and between rows, blank lines, BOM, non-ASCII spaces to strip, labels, three delimiters,
quoting off), and falls back where it must."""

from __future__ import annotations

import random

import numpy as np
import pytest

from semvec_studio.core.io.decoding import decode_bytes
from semvec_studio.core.workspace import arrow_tables, importing, readers
from semvec_studio.core.workspace.readers import READERS, ImportOptions

pcsv = pytest.importorskip("pyarrow.csv")
PIECES = ['a', 'b', ' ', '"', '""', 'é', '\t', ',', ';', '\u2028', '\x85', '\xa0', '\u3000', '。', '\n', '\r\n', '\r', 'pos']


def _random_file(rng: random.Random) -> tuple[bytes, ImportOptions]:
    ncols, delim = rng.randint(1, 4), rng.choice([",", ",", "\t", ";"])
    header = [f"h{j}" for j in range(ncols)]
    header[rng.randrange(ncols)] = "text"
    label = None
    if ncols > 1 and rng.random() < 0.6:
        header[rng.choice([j for j in range(ncols) if header[j] != "text"])] = label = "label"
    lines = [delim.join(header)]
    for _ in range(rng.randint(1, 9)):
        if rng.random() < 0.05:
            lines.append("")
            continue
        cells = []
        for _ in range(ncols if rng.random() < 0.97 else rng.randint(1, 4)):
            cell = "".join(rng.choice(PIECES if rng.random() < 0.3 else PIECES[:14]) for _ in range(rng.randint(0, 4)))
            if rng.random() < 0.5 or any(c in cell for c in ",;\t\n\r"):
                cell = '"' + cell.replace('"', '""') + '"' + rng.choice(["", "", "", "x", " "])
            cells.append(cell)
        lines.append(delim.join(cells))
    end = rng.choice(["\n", "\r\n", "\n", "\r"])
    text = end.join(lines) + end * rng.choice([0, 1, 1, 2])
    options = ImportOptions(label_column=label, quoting=rng.random() < 0.85, delimiter=delim if rng.random() < 0.8 else None)
    return (b"\xef\xbb\xbf" if rng.random() < 0.1 else b"") + text.encode(), options


def _plain(blocks) -> list:
    return [(values, None if labels is None else [labels[0][c] for c in np.asarray(labels[1]).tolist()]) for values, labels in blocks]


@pytest.mark.parametrize("arrow_block", [None, 40])
def test_the_pyarrow_path_stores_what_the_csv_module_stores(monkeypatch, arrow_block):
    monkeypatch.setattr(readers, "BLOCK_ROWS", 3)
    monkeypatch.setattr(arrow_tables, "BLOCK_ROWS", 3)
    if arrow_block:  # pyarrow's own blocks meet inside rows
        real = pcsv.ReadOptions
        monkeypatch.setattr(pcsv, "ReadOptions", lambda **k: real(block_size=arrow_block, **k))
    rng, fast = random.Random(arrow_block or 0), 0
    for _ in range(1000):
        data, options = _random_file(rng)
        text, encoding, _ = decode_bytes(data, "f.csv")
        try:
            expected = _plain(importing._packed(parsed := READERS["csv"]("f.csv", text, options)))
        except Exception:  # noqa: BLE001 - a file the csv module refuses: pyarrow must not take it either
            expected = None
        try:
            other = READERS["csv"]("f.csv", text, options)
        except Exception:  # noqa: BLE001
            continue
        got = arrow_tables.table_blocks(other, data, text, encoding)
        if got is None:
            continue
        fast += 1
        assert expected is not None and _plain(got[1]) == expected and other.skipped_blank == parsed.skipped_blank, data
    assert fast > 200  # the fast path was taken often enough to mean something

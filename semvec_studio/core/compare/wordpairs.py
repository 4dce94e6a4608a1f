"""Word-pair similarity files: WordSim-353's CSV, SimLex-999's TSV and MEN's "word word score"
lines, told apart by their content, read into :class:`WordPairs`.

One :data:`FORMATS` entry per layout: a ``sniff(lines)`` that says whether the file's first lines
have that layout, and a ``parse(lines, name)`` that reads every pair (the word strings as written,
stripped; the gold score as a float). The first format whose sniff accepts the file reads it;
anything else is an :class:`InputError` naming the layouts this reads. Lines are numbered from 1
in messages.

- ``wordsim353``: comma-separated ``word1,word2,score`` (a header row such as
  ``Word 1,Word 2,Human (mean)`` is skipped when its score cell is not a number).
- ``simlex999``: tab-separated with a header that names a ``SimLex999`` column (the score) and
  ``word1``/``word2`` (else the first two columns).
- ``men``: ``word word score`` separated by spaces (or tabs), no header; MEN's lemma form, where
  every word ends in a part-of-speech mark (``sun-n``), loses the marks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from semvec_studio.core.errors import InputError
from semvec_studio.core.io.decoding import decode_file

__all__ = ["FORMATS", "PairFormat", "WordPairs", "read_word_pairs"]

SNIFF_LINES = 20
_POS_MARK = re.compile(r"-[nvja]$")


@dataclass(frozen=True)
class WordPairs:
    """Scored word pairs from ``path``, in file order (a repeated pair stays repeated)."""

    path: str
    format: str
    pairs: tuple[tuple[str, str, float], ...]

    def __len__(self) -> int:
        return len(self.pairs)

    @property
    def words(self) -> list[str]:
        """Every distinct word, sorted."""
        return sorted({w for a, b, _ in self.pairs for w in (a, b)})


@dataclass(frozen=True)
class PairFormat:
    name: str
    description: str
    sniff: Callable[[list[tuple[int, str]]], bool]
    parse: Callable[[list[tuple[int, str]], str], list[tuple[str, str, float]]]


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _pair(cells: list[str], score_at: int, name: str, line: int, what: str) -> tuple[str, str, float]:
    score = _number(cells[score_at].strip())
    if score is None:
        raise InputError(f"{name}, line {line}: the score '{cells[score_at].strip()}' is not a number; "
                         f"every line of {what} holds two words and a number.")
    a, b = cells[0].strip(), cells[1].strip()
    if not a or not b:
        raise InputError(f"{name}, line {line}: a word is empty; every line of {what} holds two words and a number.")
    return a, b, score


# --- WordSim-353: CSV ----------------------------------------------------------------------------

def _sniff_csv(lines) -> bool:
    cells = [line.split(",") for _, line in lines]
    return bool(cells) and all(len(c) == 3 for c in cells) and all(_number(c[2].strip()) is not None for c in cells[1:])


def _parse_csv(lines, name):
    out = []
    for k, (line, text) in enumerate(lines):
        cells = text.split(",")
        if k == 0 and _number(cells[-1].strip()) is None:
            continue  # the header row
        if len(cells) != 3:
            raise InputError(f"{name}, line {line}: {len(cells)} cells; a WordSim-353 CSV line is 'word1,word2,score'.")
        out.append(_pair(cells, 2, name, line, "a WordSim-353 CSV"))
    return out


# --- SimLex-999: TSV with a header naming SimLex999 -------------------------------------------------

def _simlex_header(text: str) -> list[str]:
    return [c.strip().lower() for c in text.split("\t")]


def _sniff_simlex(lines) -> bool:
    return bool(lines) and "\t" in lines[0][1] and "simlex999" in _simlex_header(lines[0][1])


def _parse_simlex(lines, name):
    header = _simlex_header(lines[0][1])
    score = header.index("simlex999")
    first = header.index("word1") if "word1" in header else 0
    second = header.index("word2") if "word2" in header else 1
    out = []
    for line, text in lines[1:]:
        cells = text.split("\t")
        if len(cells) != len(header):
            raise InputError(f"{name}, line {line}: {len(cells)} cells, the header has {len(header)}; the file is damaged.")
        out.append(_pair([cells[first], cells[second], cells[score]], 2, name, line, "a SimLex-999 TSV"))
    return out


# --- MEN: "word word score", no header ------------------------------------------------------------

def _sniff_men(lines) -> bool:
    cells = [line.split() for _, line in lines]
    return bool(cells) and all(len(c) == 3 and _number(c[2]) is not None for c in cells)


def _parse_men(lines, name):
    out = []
    for line, text in lines:
        cells = text.split()
        if len(cells) != 3:
            raise InputError(f"{name}, line {line}: {len(cells)} fields; a MEN line is 'word word score'.")
        out.append(_pair(cells, 2, name, line, "a MEN file"))
    if out and all(_POS_MARK.search(w) for a, b, _ in out for w in (a, b)):
        out = [(a[:-2], b[:-2], s) for a, b, s in out]
    return out


FORMATS: dict[str, PairFormat] = {f.name: f for f in (
    PairFormat("simlex999", "SimLex-999 TSV (a header naming SimLex999)", _sniff_simlex, _parse_simlex),
    PairFormat("wordsim353", "WordSim-353 CSV (word1,word2,score)", _sniff_csv, _parse_csv),
    PairFormat("men", "MEN lines ('word word score', no header)", _sniff_men, _parse_men),
)}


def read_word_pairs(path: str | os.PathLike) -> WordPairs:
    """Read a word-pair file of any layout in :data:`FORMATS`, told apart by its content."""
    name, text, _encoding, _warnings = decode_file(path)
    lines = [(i, line) for i, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise InputError(f"{name}: no word pairs; the file is empty.")
    head = lines[:SNIFF_LINES]
    fmt = next((f for f in FORMATS.values() if f.sniff(head)), None)
    if fmt is None:
        known = "; ".join(f.description for f in FORMATS.values())
        raise InputError(f"{name}: not a word-pair file this reads (line {head[0][0]}: '{head[0][1][:60]}'); "
                         f"give one of: {known}.")
    pairs = fmt.parse(lines, name)
    if not pairs:
        raise InputError(f"{name}: a header but no word pairs.")
    return WordPairs(str(path), fmt.name, tuple(pairs))

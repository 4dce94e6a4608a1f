"""Static word vectors from files: word2vec (binary and text), GloVe (text without a header),
fastText ``.vec`` and gensim's own KeyedVectors files, opened with gensim (the ``static`` extra).

Each layout is one :data:`FORMATS` entry. The layout is told from the file's first bytes
(:func:`sniff_format`); a layout given by the caller that the content contradicts is an error
that names the layout the file has. Text files are streamed line by line with progress (bytes) and
cancel, so a damaged line is named by its number; binary word2vec goes through gensim's reader;
gensim's native file is memory-mapped (it is a Python pickle, so it is opened only with
``allow_pickle``, as pickle weights are). ``limit`` keeps the first N words (the most frequent
first, in these files' convention).

A static file behaves like a model at word level: :func:`static_word_rows` gives each whole-word
row of an EmbeddingSet its static vector (the word as spelled, else lower-cased), listing and
counting the words it does not have.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from semvec_studio.core.errors import InputError, MissingExtraError, UsageError
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.provenance import now_iso
from semvec_studio.core.tasks import NullContext, TaskContext

__all__ = ["FORMATS", "StaticFormat", "StaticLookup", "StaticVectors", "load_static", "sniff_format", "static_word_rows"]

SNIFF_BYTES = 64 * 1024
REPORT_LINES = 20000
FASTTEXT_MAGIC = (793712314).to_bytes(4, "little")
FORMAT_WORDS = {"word2vec": "word2vec binary", "word2vec-text": "word2vec text", "glove": "GloVe text (no header)",
                "fasttext": "fastText .vec text", "gensim": "gensim KeyedVectors"}


@dataclass
class StaticVectors:
    """Words and their vectors (``kv``: a gensim KeyedVectors) and where they came from."""

    kv: object
    path: str
    format: str
    limit: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.kv.index_to_key)

    @property
    def dim(self) -> int:
        return int(self.kv.vector_size)

    def index_of(self, word: str) -> int:
        """The row of ``word`` (as spelled, else lower-cased), or -1."""
        index = self.kv.key_to_index
        hit = index.get(word)
        if hit is None:
            hit = index.get(word.lower(), -1)
        return int(hit)

    def lookup(self, words) -> tuple[np.ndarray, np.ndarray]:
        """The vectors of ``words`` (float32 ``[len(words), dim]``, zeros where missing) and a bool
        mask of the words found (:meth:`index_of`)."""
        index = np.array([self.index_of(w) for w in words], dtype=np.int64)
        found = index >= 0
        vectors = np.zeros((len(index), self.dim), dtype=np.float32)
        if found.any():
            vectors[found] = np.asarray(self.kv.vectors[index[found]], dtype=np.float32)
        return vectors, found

    def manifest(self) -> dict:
        return {"path": self.path, "format": self.format, "words": self.words, "dim": self.dim, "limit": self.limit}


@dataclass(frozen=True)
class StaticFormat:
    name: str
    description: str
    read: Callable[[Path, int | None, TaskContext, bool], object]


def _gensim():
    try:
        from gensim.models import KeyedVectors  # noqa: PLC0415 - optional (the static extra)
    except ImportError:
        raise MissingExtraError("static word vectors", "gensim", "static") from None
    return KeyedVectors


def _damaged(path: Path, what: str, fmt: str) -> InputError:
    return InputError(f"{path}: {what}; the file is damaged (cut short or edited) or not {FORMAT_WORDS[fmt]}.")


# --- the layout of a file -------------------------------------------------------------------------

def _is_number(cell: bytes | str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def _text_line(line: bytes, dim: int) -> bool:
    """Whether ``line`` reads as a word and ``dim`` numbers (binary vectors never do)."""
    try:
        cells = line.decode("utf-8").split()
    except UnicodeDecodeError:
        return False
    return len(cells) > dim and all(_is_number(c) for c in cells[-dim:])


def _header(line: bytes) -> tuple[int, int] | None:
    cells = line.split()
    if len(cells) == 2 and all(c.isdigit() for c in cells):
        return int(cells[0]), int(cells[1])
    return None


def sniff_format(path: str | os.PathLike) -> str:
    """The layout of a vectors file: "word2vec", "word2vec-text" (also fastText .vec), "glove" or "gensim"."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__}).") from exc
    if not head:
        raise InputError(f"{path}: the file is empty; give a word2vec, GloVe or fastText .vec file.")
    if head.startswith(FASTTEXT_MAGIC):
        raise InputError(f"{path}: a fastText model (.bin), not a vectors file; give the .vec file that comes with it.")
    if head[:1] == b"\x80":
        return "gensim"
    first, _, rest = head.partition(b"\n")
    header = _header(first)
    if header is not None:
        line = rest.split(b"\n", 1)[0]
        return "word2vec-text" if not rest.strip() or _text_line(line, header[1]) else "word2vec"
    cells = first.split()
    if len(cells) >= 2 and _is_number(cells[-1]) and _is_number(cells[1]):
        return "glove"
    raise InputError(f"{path}: not a vectors file this reads (its first line is neither 'WORDS DIMS' nor a word and numbers); "
                     "give a word2vec (binary or text), GloVe or fastText .vec file.")


def _same_layout(said: str, found: str) -> bool:
    text = {"word2vec-text", "fasttext"}
    return said == found or (said in text and found in text)


# --- readers ---------------------------------------------------------------------------------------

def _read_text(path: Path, limit: int | None, ctx: TaskContext, header: bool, fmt: str):
    """Stream a text layout: ``WORD v1 .. vD`` per line (a key may hold spaces: the last D cells
    are the vector)."""
    KeyedVectors = _gensim()
    total = path.stat().st_size
    keys: list[str] = []
    rows: list[np.ndarray] = []
    done, expected, dim = 0, None, None
    with open(path, "rb") as fh:
        if header:
            first = fh.readline()
            done += len(first)
            expected, dim = _header(first) or (None, None)
            if dim is None:
                raise _damaged(path, "line 1 is not 'WORDS DIMS'", fmt)
        for lineno, raw in enumerate(fh, start=2 if header else 1):
            done += len(raw)
            if limit is not None and len(keys) >= limit:
                break
            if not raw.strip():
                continue
            cells = raw.rstrip().split(b" ")
            if dim is None:
                dim = len(cells) - 1
            key, values = b" ".join(cells[:-dim]).strip(), cells[-dim:]
            if len(cells) <= dim or not key:
                raise _damaged(path, f"line {lineno} has {len(cells) - 1} numbers, the vectors have {dim}", fmt)
            try:
                rows.append(np.array(values, dtype=np.float32))
                keys.append(key.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise _damaged(path, f"line {lineno} is not a word and {dim} numbers ({type(exc).__name__})", fmt) from None
            if len(keys) % REPORT_LINES == 0:
                ctx.check_cancelled()
                ctx.report(done, total, "reading vectors", unit="byte")
    if expected is not None and len(keys) < min(expected, limit or expected):
        raise _damaged(path, f"the header promises {expected} words but the file holds {len(keys)}", fmt)
    if not keys:
        raise _damaged(path, "no word vectors", fmt)
    ctx.report(total, total, "reading vectors", unit="byte")
    kv = KeyedVectors(dim, count=0, dtype=np.float32)
    kv.add_vectors(keys, np.vstack(rows))
    return kv


def _read_word2vec_text(path, limit, ctx, allow_pickle):
    return _read_text(path, limit, ctx, True, "word2vec-text")


def _read_glove(path, limit, ctx, allow_pickle):
    return _read_text(path, limit, ctx, False, "glove")


def _read_word2vec_binary(path, limit, ctx, allow_pickle):
    KeyedVectors = _gensim()
    ctx.report(0, None, "reading vectors")
    try:
        return KeyedVectors.load_word2vec_format(str(path), binary=True, limit=limit, unicode_errors="replace")
    except (EOFError, ValueError, UnicodeDecodeError, OSError) as exc:
        raise _damaged(path, f"gensim cannot read it ({type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''})",
                       "word2vec") from exc


def _read_gensim(path, limit, ctx, allow_pickle):
    KeyedVectors = _gensim()
    if not allow_pickle:
        raise InputError(f"{path}: a gensim KeyedVectors file, which is a Python pickle that can run code when opened; "
                         "open it only if you trust it, with --allow-pickle.",
                         gui=f"{path}: a gensim KeyedVectors file (a Python pickle, which can run code when opened); "
                         "open it only if you trust it, by allowing pickle files.")
    ctx.report(0, None, "reading vectors")
    try:
        kv = KeyedVectors.load(str(path), mmap="r")
    except Exception as exc:  # noqa: BLE001 - unpickling fails in many ways; all read the same to the user
        raise _damaged(path, f"gensim cannot load it ({type(exc).__name__})", "gensim") from exc
    if not isinstance(kv, KeyedVectors):
        raise InputError(f"{path}: a gensim file, but not KeyedVectors ({type(kv).__name__}); save model.wv instead.")
    if limit is not None and limit < len(kv.index_to_key):
        small = KeyedVectors(kv.vector_size, count=0, dtype=np.float32)
        small.add_vectors(kv.index_to_key[:limit], np.asarray(kv.vectors[:limit], dtype=np.float32))
        kv = small
    return kv


FORMATS: dict[str, StaticFormat] = {f.name: f for f in (
    StaticFormat("word2vec", "word2vec binary (a 'WORDS DIMS' line, then each word and its float32 bytes)", _read_word2vec_binary),
    StaticFormat("word2vec-text", "word2vec text (a 'WORDS DIMS' line, then a word and its numbers per line)", _read_word2vec_text),
    StaticFormat("fasttext", "fastText .vec (word2vec text)", _read_word2vec_text),
    StaticFormat("glove", "GloVe text (a word and its numbers per line, no header)", _read_glove),
    StaticFormat("gensim", "gensim KeyedVectors.save() file (memory-mapped; a pickle: needs allow_pickle)", _read_gensim),
)}


def load_static(path: str | os.PathLike, fmt: str = "auto", *, limit: int | None = None, allow_pickle: bool = False,
                ctx: TaskContext | None = None) -> StaticVectors:
    """Open a static vectors file (``fmt``: "auto" or a :data:`FORMATS` name); ``limit``: the first N words."""
    ctx = ctx or NullContext()
    path = Path(path)
    if fmt != "auto" and fmt not in FORMATS:
        raise UsageError(f"--format {fmt}: choose auto or one of {', '.join(FORMATS)}.", field="format")
    if limit is not None and limit < 1:
        raise UsageError(f"--limit {limit}: must be at least 1.", field="limit")
    _gensim()
    found = sniff_format(path)
    if fmt != "auto" and not _same_layout(fmt, found):
        raise InputError(f"{path}: not {FORMAT_WORDS[fmt]}: the file looks like {FORMAT_WORDS[found]}; "
                         f"use --format {found}, or leave the format to be told from the content.",
                         gui=f"{path}: not {FORMAT_WORDS[fmt]}: the file looks like {FORMAT_WORDS[found]}; choose that format, or auto.")
    used = found if fmt == "auto" else fmt
    kv = FORMATS[used].read(path, limit, ctx, allow_pickle)
    return StaticVectors(kv, str(path), used, limit)


@dataclass(frozen=True)
class StaticLookup:
    """Whole-word rows with their static vectors (``embset``; zeros where the file has no vector),
    which rows were found, and the missing (out-of-vocabulary) words, distinct, in order of first use."""

    embset: EmbeddingSet
    found: np.ndarray
    oov: list[str]

    @property
    def oov_rows(self) -> int:
        return int((~self.found).sum())


def static_word_rows(static: StaticVectors, words: EmbeddingSet) -> StaticLookup:
    """Give each whole-word row of ``words`` (an EmbeddingSet at word level) its static vector."""
    if words.level != "word" or "word" not in words.metadata:
        raise UsageError(f"static vectors give whole-word rows; these are {words.level} rows. Extract with --level word.",
                         gui="Static vectors give whole-word rows; extract the word level.")
    distinct = list(dict.fromkeys(words.metadata["word"]))
    at = {w: i for i, w in enumerate(distinct)}
    rows = np.array([at[w] for w in words.metadata["word"]], dtype=np.int64)
    distinct_vectors, distinct_found = static.lookup(distinct)
    vectors, found = distinct_vectors[rows], distinct_found[rows]
    oov = list(dict.fromkeys(w for w, ok in zip(words.metadata["word"], found) if not ok))
    manifest = {"static": static.manifest(), "level": "word", "rows": len(words), "dim": static.dim,
                "oov_rows": int((~found).sum()), "oov_words": len(oov), "words_from": words.manifest.get("model"),
                "created": now_iso()}
    return StaticLookup(EmbeddingSet(vectors, dict(words.metadata), manifest, "word"), found, oov)

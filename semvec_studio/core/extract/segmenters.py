"""Word segmenters for whole-word pooling (:data:`SEGMENTERS`), jieba user dictionaries, and how
a segmenter's words are aligned to the model's pieces.

A segmenter gives the words it finds as character spans of the text; characters it leaves out of
every span keep the tokenizer's words (``word_ids()``). So:

- ``tokenizer``: no spans; the tokenizer's words, as before segmenters existed.
- ``whitespace``: every run of non-whitespace characters is a word (pre-segmented text).
- ``jieba``: jieba's precise mode, exactly ``jieba.lcut(text)``, whitespace-only segments dropped;
  the ``zh`` extra. A user dictionary's word becomes one segment.
- ``auto`` (the default): Han characters are cut into words by jieba when it is installed (each
  jieba word holding a Han character is a word, so ``T恤`` stays whole), or else one word per Han
  character (said once in the log); every other character keeps the tokenizer's words, so a text
  without Han characters gets exactly the tokenizer's words.

Alignment (:func:`piece_words`): each piece goes to the word holding most of its characters (its
whitespace does not count); a tie goes to the word that comes first. Words are then the runs of
consecutive pieces given the same word; when two runs would share a character (a byte-level piece
holding the bytes of two characters of different words), they are one word, so every character
belongs to exactly one word row and a row's text is always what its pieces cover. A word no piece
was given (its characters all went to a neighbour's piece) has no row.

jieba builds its dictionary once per process, lazily (about a second), and a tokenizer per user
dictionary is built from it once and kept.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata as _md
from importlib.util import find_spec
from pathlib import Path

from semvec_studio.core.errors import InputError, MissingExtraError, UsageError
from semvec_studio.core.io.decoding import check_file

# Han ideographs: CJK Unified Ideographs and Extension A, compatibility ideographs, the
# supplementary planes' extensions B-H (the characters BERT's tokenizer splits one by one).
HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN = re.compile(f"[{HAN_RANGES}]")
NO_JIEBA_NOTE = ("jieba is not installed, so each Chinese character is one word; for whole Chinese words install it with: "
                 "pip install 'semvec-studio[zh]'")
_TAG = re.compile(r"[A-Za-z]+")
_JIEBA_FEATURE = "Chinese word segmentation with jieba"

Spans = list[tuple[int, int]]


@dataclass(frozen=True)
class UserDict:
    """A jieba user dictionary: one word a line, then optionally its frequency and a tag."""

    path: str
    sha256: str
    words: tuple[tuple[str, int | None, str | None], ...]


@dataclass(frozen=True)
class Segmenter:
    """A segmenter ready to use: ``spans(text)`` gives its words, ``info`` goes into the manifest,
    ``note`` (if any) is said once when it meets a text with Han characters."""

    name: str
    spans: Callable[[str], Spans]
    info: dict = field(default_factory=dict)
    note: str | None = None


def has_han(text: str) -> bool:
    return HAN.search(text) is not None


def jieba_installed() -> bool:
    return find_spec("jieba") is not None


# --- user dictionaries -------------------------------------------------------------------------


def read_user_dict(path: str | os.PathLike) -> UserDict:
    """Read and check a jieba user dictionary (UTF-8; ``word [frequency] [tag]`` a line, separated
    by spaces or tabs); every problem is an :class:`InputError` naming the file and line."""
    name = os.fspath(path)
    try:
        check_file(path)
        data = Path(path).read_bytes()
    except InputError as err:
        raise InputError(f"user dictionary {err.message}", field="user_dict") from None
    except OSError as err:
        raise InputError(f"{name}: cannot be read ({err.strerror or err}); check its permissions", field="user_dict") from None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise InputError(f"{name}: a jieba user dictionary must be UTF-8 (byte {err.start} is not); save it as UTF-8",
                         field="user_dict") from None
    words = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            words.append(_dict_line(line, name, number))
    if not words:
        raise InputError(f"{name}: the user dictionary has no words; give one word a line (then optionally its frequency and tag)",
                         field="user_dict")
    return UserDict(str(Path(path).absolute()), hashlib.sha256(data).hexdigest(), tuple(words))


def _dict_line(line: str, name: str, number: int) -> tuple[str, int | None, str | None]:
    parts = line.split()
    word, rest = parts[0], parts[1:]
    freq = int(rest.pop(0)) if rest and rest[0].isascii() and rest[0].isdigit() else None
    tag = rest.pop(0) if rest and _TAG.fullmatch(rest[0]) else None
    if rest or "," in word:
        raise InputError(f"{name}, line {number}: '{line.strip()[:40]}' is not a dictionary line; give the word, then optionally"
                         " its frequency and a tag, separated by spaces (e.g. '语义向量 10 n')", field="user_dict")
    return word, freq, tag


# --- jieba, loaded once ------------------------------------------------------------------------

_lock = threading.Lock()
_jieba_tokenizers: dict[str, object] = {}  # by user dictionary SHA-256 ("" = jieba's own dictionary)


def _import_jieba():
    try:
        import jieba  # noqa: PLC0415 - optional dependency (the zh extra), imported only when Chinese is segmented
    except ImportError:
        raise MissingExtraError(_JIEBA_FEATURE, "jieba", "zh") from None
    return jieba


def jieba_version() -> str | None:
    try:
        return _md.version("jieba")
    except _md.PackageNotFoundError:
        return None


def jieba_tokenizer(user_dict: UserDict | None = None):
    """A ``jieba.Tokenizer`` with jieba's dictionary (built once per process) and ``user_dict``'s
    words (one tokenizer per dictionary, kept)."""
    key = user_dict.sha256 if user_dict else ""
    with _lock:
        if key in _jieba_tokenizers:
            return _jieba_tokenizers[key]
        jieba = _import_jieba()
        base = _jieba_tokenizers.get("")
        if base is None:
            base = jieba.Tokenizer()
            level = jieba.default_logger.level
            jieba.default_logger.setLevel(logging.WARNING)  # not "Building prefix dict..." on stderr
            try:
                base.initialize()
            finally:
                jieba.default_logger.setLevel(level)
            _jieba_tokenizers[""] = base
        if user_dict is None:
            return base
        tk = jieba.Tokenizer()
        tk.FREQ, tk.total, tk.initialized = dict(base.FREQ), base.total, True  # jieba's dictionary without reading it again
        for word, freq, tag in user_dict.words:
            tk.add_word(word, freq, tag)
        _jieba_tokenizers[key] = tk
        return tk


def _segment_spans(text: str, segments: Sequence[str], keep: Callable[[str], bool]) -> Spans:
    """Spans of ``segments`` (which follow one another through ``text``) kept by ``keep``."""
    out, pos = [], 0
    for seg in segments:
        at = pos if text.startswith(seg, pos) else text.find(seg, pos)
        if at < 0:  # jieba never drops a character; stay safe if it ever does
            continue
        pos = at + len(seg)
        s, e = at + len(seg) - len(seg.lstrip()), at + len(seg.rstrip())
        if s < e and keep(seg):
            out.append((s, e))
    return out


# --- the segmenters ----------------------------------------------------------------------------


def _tokenizer(user_dict: UserDict | None) -> Segmenter:
    return Segmenter("tokenizer", lambda text: [], {"name": "tokenizer"})


def _whitespace(user_dict: UserDict | None) -> Segmenter:
    def spans(text: str) -> Spans:
        return [m.span() for m in re.finditer(r"\S+", text)]

    return Segmenter("whitespace", spans, {"name": "whitespace"})


def _dict_info(name: str, user_dict: UserDict | None, **extra) -> dict:
    return {"name": name, "jieba": jieba_version(), "user_dict": user_dict.path if user_dict else None,
            "user_dict_sha256": user_dict.sha256 if user_dict else None, **extra}


def _jieba(user_dict: UserDict | None) -> Segmenter:
    tk = jieba_tokenizer(user_dict)

    def spans(text: str) -> Spans:
        return _segment_spans(text, tk.lcut(text), lambda seg: True)

    return Segmenter("jieba", spans, _dict_info("jieba", user_dict))


def _auto(user_dict: UserDict | None) -> Segmenter:
    if user_dict is not None or jieba_installed():
        def spans(text: str) -> Spans:  # jieba's dictionary (1-5 s to load) only once a text has Chinese
            return _segment_spans(text, jieba_tokenizer(user_dict).lcut(text), has_han) if has_han(text) else []

        return Segmenter("auto", spans, _dict_info("auto", user_dict, han="jieba"))

    def characters(text: str) -> Spans:
        return [m.span() for m in HAN.finditer(text)]

    return Segmenter("auto", characters, _dict_info("auto", None, han="one word per character"), note=NO_JIEBA_NOTE)


SEGMENTERS: dict[str, Callable[[UserDict | None], Segmenter]] = {
    "auto": _auto, "tokenizer": _tokenizer, "whitespace": _whitespace, "jieba": _jieba}
USES_DICTIONARY = ("auto", "jieba")

_segmenters: dict[tuple[str, str], Segmenter] = {}


def check_segmenter(name: str, user_dict: str | os.PathLike | None) -> UserDict | None:
    """Raise for an unknown segmenter, a dictionary it cannot use, jieba missing, or a bad dictionary file."""
    if name not in SEGMENTERS:
        raise UsageError(f"--segmenter {name}: choose one of {', '.join(SEGMENTERS)}.",
                         gui=f"Word segmenter {name}: choose one of {', '.join(SEGMENTERS)}.", field="segmenter")
    if user_dict is not None and name not in USES_DICTIONARY:
        raise UsageError(f"--user-dict: only the jieba and auto segmenters use a dictionary, not --segmenter {name}.",
                         gui=f"User dictionary: only the jieba and auto segmenters use a dictionary, not {name}.", field="user_dict")
    words = None if user_dict is None else read_user_dict(user_dict)
    if (name == "jieba" or words is not None) and not jieba_installed():
        raise MissingExtraError(_JIEBA_FEATURE, "jieba", "zh")
    return words


def get_segmenter(name: str = "auto", user_dict: str | os.PathLike | None = None) -> Segmenter:
    """The segmenter ``name`` with ``user_dict``, checked; built once per name and dictionary content."""
    words = check_segmenter(name, user_dict)
    key = (name, words.sha256 if words else "")
    if key not in _segmenters:
        _segmenters[key] = SEGMENTERS[name](words)
    seg = _segmenters[key]
    if words is not None and seg.info.get("user_dict") != words.path:  # same words, another file
        seg = Segmenter(seg.name, seg.spans, {**seg.info, "user_dict": words.path}, seg.note)
    return seg


def preview_words(text: str, name: str = "auto", user_dict: str | os.PathLike | None = None, ctx=None) -> list[str]:
    """The words ``name`` (with ``user_dict``) cuts ``text`` into, as strings: what whole-word pooling
    will average over. The ``tokenizer`` segmenter leaves every word to the model's tokenizer (none
    here); ``auto`` gives the words of the text's Chinese runs only (the rest is the tokenizer's).
    ``ctx``: a task context when it runs as a job (the cutting is too quick to report progress)."""
    seg = get_segmenter(name, user_dict)
    return [text[s:e] for s, e in seg.spans(text)]


# --- alignment to pieces -----------------------------------------------------------------------


def piece_words(spans: Spans, word_ids: Sequence, starts, ends, text: str) -> list:
    """Per piece, the word it belongs to: ``k`` >= 0 for ``spans[k]``, ``-1 - w`` for the
    tokenizer's word ``w`` (characters in no span), None for a piece of no word (``word_ids`` None).
    ``starts``/``ends``: the pieces' whitespace-trimmed offsets. Most characters win, ties the first."""
    owner = [-1] * len(text)
    for k, (s, e) in enumerate(spans):
        owner[s:e] = [k] * (e - s)
    out: list = []
    for w, s, e in zip(word_ids, starts, ends):
        if w is None:
            out.append(None)
            continue
        votes: dict[int, int] = {}
        for pos in range(int(s), int(e)):
            if not text[pos].isspace():
                label = owner[pos] if owner[pos] >= 0 else -1 - w
                votes[label] = votes.get(label, 0) + 1
        out.append(max(votes, key=votes.__getitem__) if votes else -1 - w)  # dicts keep order: a tie goes to the first
    return out

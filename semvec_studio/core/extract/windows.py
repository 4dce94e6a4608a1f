"""Per-text token plan: pieces, offsets, whole words and, for long texts, overlapping windows.

Everything comes from one fast-tokenizer ``Encoding`` (ids, offsets, ``word_ids``, special-token
mask); nothing is re-tokenised. A text longer than the model allows is cut into windows over its
content tokens, each window wrapped in the text's own leading and trailing special tokens; each
token's vector is then taken from the window where it has the most context on both sides.

Whitespace-only pieces (byte-level BPE's lone ``Ġ``, ``Ċ`` or the bytes of a no-break space,
a SentencePiece ``▁`` before a space) belong to no word: the tokenizer gives them a word id of
their own, but a word made of whitespace has no text, so they keep their token row with a
``word_index`` of -1 and make no word row.

Words are the tokenizer's (``word_ids()``) unless a word segmenter gives character spans
(:mod:`semvec_studio.core.extract.segmenters`, which says how spans are aligned to pieces).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.segmenters import Spans, piece_words

_FAR = 1 << 30


@dataclass
class TextPlan:
    ids: list[int]
    tokens: list[str]
    starts: np.ndarray  # char offsets, whitespace trimmed; -1 for special tokens
    ends: np.ndarray
    word_index: np.ndarray  # ordinal of the token's word in the text; -1 for none (specials, whitespace)
    content: np.ndarray  # indices of non-special tokens
    word_starts: np.ndarray  # token index where each word's run starts / ends (exclusive)
    word_ends: np.ndarray
    windows: list[list[int]]  # model inputs; one for texts that fit
    source: list[tuple[int, int]] | None  # per token: (window, position) it is read from
    truncated: bool = False

    def token_columns(self, text_id: int, include_special: bool) -> dict[str, list]:
        keep = range(len(self.ids)) if include_special else self.content.tolist()
        return {
            "text_id": [text_id] * len(keep),
            "position": list(keep),
            "token": [self.tokens[i] for i in keep],
            "token_id": [self.ids[i] for i in keep],
            "word_index": self.word_index[keep].tolist(),
            "start": self.starts[keep].tolist(),
            "end": self.ends[keep].tolist(),
        }

    def word_columns(self, text_id: int, text: str) -> dict[str, list]:
        ws, we = self.word_starts, self.word_ends
        starts, ends = self.starts[ws].tolist(), self.ends[we - 1].tolist()  # trimmed, never empty
        return {
            "text_id": [text_id] * len(ws),
            "position": list(range(len(ws))),
            "word": [text[s:e] for s, e in zip(starts, ends)],
            "start": starts,
            "end": ends,
            "pieces": [" ".join(self.tokens[a:b]) for a, b in zip(ws.tolist(), we.tolist())],
        }


def _trim_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


_SPACE_TABLE_SIZE = 0x3001  # str.isspace() is False for every code point above U+3000


@lru_cache(maxsize=1)
def _space_table() -> np.ndarray:
    """``table[c]``: whether code point ``c`` is whitespace (``str.isspace``); the last entry stands for all above."""
    table = np.array([chr(c).isspace() for c in range(_SPACE_TABLE_SIZE)] + [False], dtype=bool)
    return table


def _space_mask(text: str) -> np.ndarray:
    """Whether each character of ``text`` is whitespace, one bool per code point."""
    if text.isascii():
        codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    else:
        codes = np.minimum(np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32), _SPACE_TABLE_SIZE)
    return _space_table()[codes]


def _trim(text: str, offsets, special) -> tuple[np.ndarray, np.ndarray]:
    """Offsets with surrounding whitespace trimmed (-1 for specials); only pieces whose first or last
    character is whitespace are trimmed one by one."""
    pairs = np.array(offsets, dtype=np.int64).reshape(-1, 2)
    starts, ends = pairs[:, 0].copy(), pairs[:, 1].copy()
    starts[special], ends[special] = -1, -1
    if len(text) and len(starts):
        space = _space_mask(text)
        real = (starts < ends) & ~special
        edge = np.zeros(len(starts), dtype=bool)
        edge[real] = space[starts[real]] | space[ends[real] - 1]
        for i in np.nonzero(edge)[0].tolist():
            starts[i], ends[i] = _trim_span(text, int(starts[i]), int(ends[i]))
    return starts, ends


def plan_text(encoding, text: str, max_len: int, stride: int, truncate: bool, spans: Spans | None = None) -> TextPlan:
    """Build the plan of one text from its fast-tokenizer ``Encoding``; ``spans``: a segmenter's
    words (none: the tokenizer's words)."""
    ids = list(encoding.ids)
    tokens = list(encoding.tokens)
    offsets = encoding.offsets
    word_ids = encoding.word_ids
    n = len(ids)
    n_pre, n_suf = _special_ends(encoding.special_tokens_mask)
    truncated = False
    if n > max_len and truncate:
        keep = list(range(max_len - n_suf)) + list(range(n - n_suf, n))
        ids, tokens, offsets = [ids[i] for i in keep], [tokens[i] for i in keep], [offsets[i] for i in keep]
        word_ids = [word_ids[i] for i in keep]
        n, truncated = len(ids), True
    is_special = np.zeros(n, dtype=bool)
    is_special[:n_pre] = True
    if n_suf:
        is_special[n - n_suf :] = True
    starts, ends = _trim(text, offsets, is_special)
    no_word = is_special | (starts == ends)
    if spans:
        labels = piece_words(spans, [None if no_word[i] else w for i, w in enumerate(word_ids)], starts, ends, text)
        word_index, word_starts, word_ends = _segment_runs(labels, starts, ends)
    else:
        word_index, word_starts, word_ends = _word_runs(word_ids, no_word)
    content = np.nonzero(~is_special)[0]
    if n <= max_len:
        windows, source = [ids], None
    else:
        windows, source = _windows(ids, n_pre, n_suf, max_len, stride)
    return TextPlan(ids, tokens, starts, ends, word_index, content, word_starts, word_ends, windows, source, truncated)


def plan_texts(encodings, texts, max_len: int, stride: int, truncate: bool, spans=None) -> list[TextPlan]:
    """:func:`plan_text` for a group of texts at once, with the same result: offsets trimmed and
    words found with numpy over the whole group, not text by text. Texts that a segmenter cuts
    (``spans[k]``) or that are truncated are planned one by one."""
    alone = [k for k, e in enumerate(encodings) if (spans and spans[k]) or (truncate and len(e) > max_len)]
    plans: list[TextPlan | None] = [None] * len(encodings)
    for k in alone:
        plans[k] = plan_text(encodings[k], texts[k], max_len, stride, truncate, spans[k] if spans else None)
    group = [k for k in range(len(encodings)) if plans[k] is None]
    if group:
        for k, plan in zip(group, _plan_group([encodings[k] for k in group], [texts[k] for k in group], max_len, stride)):
            plans[k] = plan
    return plans


def _plan_group(encodings, texts, max_len: int, stride: int) -> list[TextPlan]:
    ids = [e.ids for e in encodings]
    lens = np.array([len(i) for i in ids], dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(lens)])
    first = np.repeat(bounds[:-1], lens)
    ends_ = [_special_ends(e.special_tokens_mask) for e in encodings]
    n_pre = np.array([a for a, _ in ends_], dtype=np.int64)
    n_suf = np.array([b for _, b in ends_], dtype=np.int64)
    pos = np.arange(bounds[-1]) - first
    special = (pos < np.repeat(n_pre, lens)) | (pos >= np.repeat(lens - n_suf, lens))
    pairs = np.array([o for e in encodings for o in e.offsets], dtype=np.int64).reshape(-1, 2)
    starts, ends = pairs[:, 0].copy(), pairs[:, 1].copy()
    starts[special], ends[special] = -1, -1
    _trim_group(texts, starts, ends, special, np.repeat(np.arange(len(texts)), lens))
    word_ids = np.array([w for e in encodings for w in e.word_ids], dtype=np.float64).reshape(-1)  # None -> nan
    valid = ~np.isnan(word_ids) & ~special & (starts != ends)
    new = valid.copy()
    new[1:] &= ~(valid[:-1] & (word_ids[1:] == word_ids[:-1]))
    heads = bounds[:-1][lens > 0]
    new[heads] = valid[heads]  # a text's first word never continues the text before
    last = valid.copy()
    last[:-1] &= new[1:] | ~valid[1:]
    runs = np.concatenate([[0], np.cumsum(new)])
    word_index = np.where(valid, runs[1:] - 1 - runs[first], -1).astype(np.int64)
    counts = runs[bounds[1:]] - runs[bounds[:-1]]
    run_first = np.repeat(bounds[:-1], counts)
    word_starts = np.split(np.nonzero(new)[0] - run_first, np.cumsum(counts)[:-1])
    word_ends = np.split(np.nonzero(last)[0] + 1 - run_first, np.cumsum(counts)[:-1])
    plans = []
    for k, e in enumerate(encodings):
        b0, b1, n = int(bounds[k]), int(bounds[k + 1]), int(lens[k])
        pre, suf = int(n_pre[k]), int(n_suf[k])
        row_ids = list(ids[k])
        windows, source = ([row_ids], None) if n <= max_len else _windows(row_ids, pre, suf, max_len, stride)
        plans.append(TextPlan(row_ids, list(e.tokens), starts[b0:b1], ends[b0:b1], word_index[b0:b1],
                              np.arange(pre, n - suf, dtype=np.int64), word_starts[k], word_ends[k], windows, source))
    return plans


def _trim_group(texts, starts: np.ndarray, ends: np.ndarray, special: np.ndarray, text_of: np.ndarray) -> None:
    """:func:`_trim` over a group's pieces in place (``text_of``: the text each piece is of)."""
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    base = np.concatenate([[0], np.cumsum(lengths)])[:-1]
    space = _space_mask("".join(texts))
    real = (starts < ends) & ~special
    edge = np.zeros(len(starts), dtype=bool)
    at = base[text_of[real]]
    edge[real] = space[at + starts[real]] | space[at + ends[real] - 1]
    for i in np.nonzero(edge)[0].tolist():
        starts[i], ends[i] = _trim_span(texts[int(text_of[i])], int(starts[i]), int(ends[i]))


_NONE = np.zeros(0, dtype=np.int64)


def plan_ids(encoding, max_len: int, stride: int, truncate: bool) -> TextPlan:
    """The plan of one text for sentence vectors only: its ids and windows, as :func:`plan_text`
    makes them, without pieces, offsets or words (``encoding`` may lack offsets: ``encode_batch_fast``)."""
    ids = list(encoding.ids)
    n = len(ids)
    n_pre, n_suf = _special_ends(encoding.special_tokens_mask)
    truncated = False
    if n > max_len and truncate:
        ids, n, truncated = ids[: max_len - n_suf] + ids[n - n_suf :], max_len, True
    if n <= max_len:
        windows, source = [ids], None
    else:
        windows, source = _windows(ids, n_pre, n_suf, max_len, stride)
    content = np.arange(n_pre, n - n_suf, dtype=np.int64)
    return TextPlan(ids, [], _NONE, _NONE, _NONE, content, _NONE, _NONE, windows, source, truncated)


def _special_ends(special) -> tuple[int, int]:
    """How many special tokens lead and trail the text (the content between them is never special)."""
    n = len(special)
    n_pre = next((i for i, s in enumerate(special) if not s), n)
    n_suf = next((i for i, s in enumerate(reversed(special)) if not s), 0) if n_pre < n else 0
    return n_pre, n_suf


def _word_runs(word_ids, no_word) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group consecutive pieces with the same word id into words (ordinal 0, 1, ...).

    ``no_word`` marks special tokens and whitespace-only pieces (empty once trimmed): they belong
    to no word and end the run they interrupt, so a word's pieces are always contiguous.
    """
    w = np.array(word_ids, dtype=np.float64).reshape(-1)  # None -> nan
    valid = ~np.isnan(w) & ~np.asarray(no_word, dtype=bool)
    new = valid.copy()
    new[1:] &= ~(valid[:-1] & (w[1:] == w[:-1]))
    word_index = np.where(valid, np.cumsum(new) - 1, -1).astype(np.int64)
    last = valid.copy()
    last[:-1] &= new[1:] | ~valid[1:]
    return word_index, np.nonzero(new)[0].astype(np.int64), np.nonzero(last)[0].astype(np.int64) + 1


def _segment_runs(labels, starts, ends) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of consecutive pieces with the same word label (None: no word, ends the run); a piece
    that shares characters with the run before it joins that run, so no character is in two words."""
    word_index = np.full(len(labels), -1, dtype=np.int64)
    run_starts, run_ends = [], []
    prev, run_end = None, -1
    for i, label in enumerate(labels):
        if label is None:
            prev = None
            continue
        if prev is None or (label != prev and starts[i] >= run_end):
            run_starts.append(i)
            run_ends.append(i + 1)
            run_end = ends[i]
        else:
            run_ends[-1] = i + 1
            run_end = max(run_end, ends[i])
        word_index[i] = len(run_starts) - 1
        prev = label
    return word_index, np.asarray(run_starts, dtype=np.int64), np.asarray(run_ends, dtype=np.int64)


def window_starts(n_content: int, size: int, stride: int) -> list[int]:
    """Start of each window of ``size`` content tokens, overlapping by ``stride``; the last ends at the text's end."""
    if size <= stride:
        raise UsageError(f"--stride {stride}: the overlap must be smaller than the window's {size} content tokens; lower "
            f"--stride or raise --max-length.")
    step = size - stride
    starts = list(range(0, max(n_content - size, 0), step))
    starts.append(max(n_content - size, 0))
    return sorted(set(starts))


def _windows(ids, n_pre, n_suf, max_len, stride):
    n = len(ids)
    pre, suf = ids[:n_pre], ids[n - n_suf :]
    content = ids[n_pre : n - n_suf]
    size = max_len - n_pre - n_suf
    wstarts = window_starts(len(content), size, stride)
    windows = [pre + content[s : s + size] + suf for s in wstarts]
    # Best window per content token: the one maximising its smaller context on either side.
    c = np.arange(len(content))
    best_score = np.full(len(content), -1, dtype=np.int64)
    best = np.zeros(len(content), dtype=np.int64)
    for w, s in enumerate(wstarts):
        e = min(s + size, len(content))
        inside = (c >= s) & (c < e)
        left = np.where(s == 0, _FAR, c - s)
        right = np.where(e == len(content), _FAR, e - 1 - c)
        score = np.where(inside, np.minimum(left, right), -1)
        better = score > best_score
        best[better], best_score[better] = w, score[better]
    source = [(0, i) for i in range(n_pre)]
    source += [(int(best[k]), n_pre + k - wstarts[best[k]]) for k in range(len(content))]
    last = len(windows) - 1
    tail = n_pre + min(size, len(content))
    source += [(last, tail + i) for i in range(n_suf)]
    return windows, source

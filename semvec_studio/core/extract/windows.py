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


def _trim(text: str, offsets, special) -> tuple[np.ndarray, np.ndarray]:
    starts = np.empty(len(offsets), dtype=np.int64)
    ends = np.empty(len(offsets), dtype=np.int64)
    for i, ((s, e), sp) in enumerate(zip(offsets, special)):
        starts[i], ends[i] = (-1, -1) if sp else _trim_span(text, s, e)
    return starts, ends


def plan_text(encoding, text: str, max_len: int, stride: int, truncate: bool, spans: Spans | None = None) -> TextPlan:
    """Build the plan of one text from its fast-tokenizer ``Encoding``; ``spans``: a segmenter's
    words (none: the tokenizer's words)."""
    ids = list(encoding.ids)
    tokens = list(encoding.tokens)
    offsets = encoding.offsets
    special = list(encoding.special_tokens_mask)
    word_ids = encoding.word_ids
    n = len(ids)
    n_pre = next((i for i, s in enumerate(special) if not s), n)
    n_suf = next((i for i, s in enumerate(reversed(special)) if not s), 0) if n_pre < n else 0
    truncated = False
    if n > max_len and truncate:
        keep = list(range(max_len - n_suf)) + list(range(n - n_suf, n))
        ids, tokens, offsets = [ids[i] for i in keep], [tokens[i] for i in keep], [offsets[i] for i in keep]
        special, word_ids = [special[i] for i in keep], [word_ids[i] for i in keep]
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


def _word_runs(word_ids, no_word) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group consecutive pieces with the same word id into words (ordinal 0, 1, ...).

    ``no_word`` marks special tokens and whitespace-only pieces (empty once trimmed): they belong
    to no word and end the run they interrupt, so a word's pieces are always contiguous.
    """
    n = len(word_ids)
    word_index = np.full(n, -1, dtype=np.int64)
    starts, ends = [], []
    prev = None
    for i, w in enumerate(word_ids):
        if w is None or no_word[i]:
            prev = None
            continue
        if w != prev:
            starts.append(i)
            ends.append(i + 1)
        else:
            ends[-1] = i + 1
        word_index[i] = len(starts) - 1
        prev = w
    return word_index, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


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

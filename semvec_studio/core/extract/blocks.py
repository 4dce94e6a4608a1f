"""The plans of a group of texts as columns, and where they are made.

A :class:`PlanBlock` holds what the encode loop needs of a group of texts' plans
(:mod:`semvec_studio.core.extract.windows`) as one array per field over all the group's tokens and
words, so that the loop pads batches and writes token and word rows with numpy over whole batches,
not text by text. Texts longer than the model allows keep their whole :class:`TextPlan` (windows
and where each token is read from): they are few.

Blocks are made where the texts are tokenised: in this process, group by group as the loop needs
them, or, for many texts, in a child process that tokenises and plans ahead while this one runs the
forward passes (:func:`produce`). The child imports neither torch nor transformers: it rebuilds the
fast tokenizer from its backend's JSON, so its encodings are the ones this process would make.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from semvec_studio.core.childjob import ChildStream
from semvec_studio.core.extract.segmenters import get_segmenter, has_han
from semvec_studio.core.extract.windows import TextPlan, plan_ids, plan_texts

GROUP_TEXTS = 256  # texts tokenised in one call
PRODUCER_MIN_TEXTS = 10_000  # fewer texts than this are tokenised here: a child process takes ~0.3 s to start
PRODUCER_AHEAD = 32  # groups a child may have made that the loop has not taken yet (~8,000 texts)



def _empty() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass
class PlanBlock:
    """Plans of consecutive texts, field by field (see the module)."""

    lens: np.ndarray  # tokens per text (after truncation)
    ids: np.ndarray  # every text's ids, end to end
    n_pre: np.ndarray  # special tokens leading / trailing each text
    n_suf: np.ndarray
    truncated: np.ndarray  # bool per text
    n_windows: np.ndarray  # model inputs per text (1: it fits)
    long: dict[int, TextPlan]  # the texts with more than one window, by index in the block
    # Only for token and word rows (empty otherwise), per token of every text:
    tokens: list[str] = field(default_factory=list)
    starts: np.ndarray = field(default_factory=_empty)  # char offsets, whitespace trimmed; -1 for specials
    ends: np.ndarray = field(default_factory=_empty)
    word_index: np.ndarray = field(default_factory=_empty)
    # per text / per word (token index of a word's first and after-last piece, from its text's first token):
    word_counts: np.ndarray = field(default_factory=_empty)
    word_starts: np.ndarray = field(default_factory=_empty)
    word_ends: np.ndarray = field(default_factory=_empty)
    han: bool = False  # some text has Han characters (the segmenter's note is due)

    @property
    def n(self) -> int:
        return len(self.lens)

    @property
    def bounds(self) -> np.ndarray:
        """Where each text's tokens start in the flat arrays (n + 1 entries)."""
        return _bounds(self.lens)

    @property
    def word_bounds(self) -> np.ndarray:
        return _bounds(self.word_counts)

    @classmethod
    def from_plans(cls, plans: Sequence[TextPlan], need_tokens: bool, han: bool = False) -> PlanBlock:
        lens = np.fromiter((len(p.ids) for p in plans), dtype=np.int64, count=len(plans))
        content = [(int(p.content[0]), n - int(p.content[-1]) - 1) if len(p.content) else (n, 0) for p, n in zip(plans, lens.tolist())]
        n_pre = np.fromiter((a for a, _ in content), dtype=np.int64, count=len(plans))
        n_suf = np.fromiter((b for _, b in content), dtype=np.int64, count=len(plans))
        block = cls(
            lens=lens,
            ids=np.fromiter(itertools.chain.from_iterable(p.ids for p in plans), dtype=np.int64, count=int(lens.sum())),
            n_pre=n_pre, n_suf=n_suf,
            truncated=np.fromiter((p.truncated for p in plans), dtype=bool, count=len(plans)),
            n_windows=np.fromiter((len(p.windows) for p in plans), dtype=np.int64, count=len(plans)),
            long={k: p for k, p in enumerate(plans) if len(p.windows) > 1},
            han=han,
        )
        if need_tokens and plans:
            block.tokens = list(itertools.chain.from_iterable(p.tokens for p in plans))
            block.starts = np.concatenate([p.starts for p in plans])
            block.ends = np.concatenate([p.ends for p in plans])
            block.word_index = np.concatenate([p.word_index for p in plans])
            block.word_counts = np.fromiter((len(p.word_starts) for p in plans), dtype=np.int64, count=len(plans))
            block.word_starts = np.concatenate([p.word_starts for p in plans]).astype(np.int64)
            block.word_ends = np.concatenate([p.word_ends for p in plans]).astype(np.int64)
        return block

    def slice(self, a: int, b: int) -> PlanBlock:
        """Texts [a, b) of the block."""
        tb, wb = self.bounds, self.word_bounds if len(self.word_counts) else None
        t0, t1 = int(tb[a]), int(tb[b])
        out = PlanBlock(self.lens[a:b], self.ids[t0:t1], self.n_pre[a:b], self.n_suf[a:b], self.truncated[a:b],
                        self.n_windows[a:b], {k - a: p for k, p in self.long.items() if a <= k < b}, han=self.han)
        if wb is not None:
            w0, w1 = int(wb[a]), int(wb[b])
            out.tokens, out.starts, out.ends = self.tokens[t0:t1], self.starts[t0:t1], self.ends[t0:t1]
            out.word_index, out.word_counts = self.word_index[t0:t1], self.word_counts[a:b]
            out.word_starts, out.word_ends = self.word_starts[w0:w1], self.word_ends[w0:w1]
        return out

    @classmethod
    def concat(cls, blocks: Sequence[PlanBlock]) -> PlanBlock:
        if len(blocks) == 1:
            return blocks[0]
        offsets = np.cumsum([0] + [b.n for b in blocks]).tolist()
        cat = np.concatenate
        out = cls(cat([b.lens for b in blocks]), cat([b.ids for b in blocks]), cat([b.n_pre for b in blocks]),
                  cat([b.n_suf for b in blocks]), cat([b.truncated for b in blocks]), cat([b.n_windows for b in blocks]),
                  {k + off: p for b, off in zip(blocks, offsets) for k, p in b.long.items()}, han=any(b.han for b in blocks))
        if any(len(b.word_counts) for b in blocks):
            out.tokens = list(itertools.chain.from_iterable(b.tokens for b in blocks))
            out.starts, out.ends = cat([b.starts for b in blocks]), cat([b.ends for b in blocks])
            out.word_index, out.word_counts = cat([b.word_index for b in blocks]), cat([b.word_counts for b in blocks])
            out.word_starts, out.word_ends = cat([b.word_starts for b in blocks]), cat([b.word_ends for b in blocks])
        return out


def _bounds(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def encoder(tok, need_offsets: bool):
    """``texts -> Encodings`` through the fast tokenizer's backend, as ``tok(texts,
    add_special_tokens=True, truncation=False)`` makes them but without building a BatchEncoding;
    without offsets (sentence level only) through ``encode_batch_fast``, which skips computing them.
    Returns the function and, for a plain backend (no truncation or padding of its own), its JSON,
    from which a child process can make the same encodings (``None`` otherwise)."""
    tok(["."], add_special_tokens=True, truncation=False, verbose=False)  # backend set as tok(...) sets it: no truncation, no padding
    backend = tok.backend_tokenizer
    if backend.truncation is not None or backend.padding is not None:  # not a plain fast tokenizer: go through it
        return (lambda batch: tok(batch, add_special_tokens=True, return_offsets_mapping=need_offsets,
                                  return_special_tokens_mask=True, return_attention_mask=False, truncation=False,
                                  verbose=False).encodings), None
    return _backend_encoder(backend, need_offsets), backend.to_str()


def _backend_encoder(backend, need_offsets: bool):
    fast = getattr(backend, "encode_batch_fast", None) if not need_offsets else None
    encode_batch = fast or backend.encode_batch
    return lambda batch: encode_batch(batch, add_special_tokens=True)


@dataclass(frozen=True)
class PlanParams:
    """How texts are planned: the model's limit, the windows' overlap, and what the rows need."""

    max_len: int
    stride: int
    truncate: bool
    need_tokens: bool  # token or word rows: offsets, pieces and words
    segmenter: str | None = None  # a word segmenter's name and user dictionary (token and word rows)
    user_dict: str | None = None
    han_note: bool = False  # say which groups have Han characters


def plan_groups(encode, texts: Sequence[str], params: PlanParams, segmenter=None) -> Iterator[PlanBlock]:
    """The blocks of ``texts``, :data:`GROUP_TEXTS` at a time."""
    for g0 in range(0, len(texts), GROUP_TEXTS):
        batch = list(texts[g0 : g0 + GROUP_TEXTS])
        encodings = encode(batch)
        han = params.han_note and any(has_han(text) for text in batch)
        if params.need_tokens:
            spans = [segmenter.spans(t) for t in batch] if segmenter else None
            plans = plan_texts(encodings, batch, params.max_len, params.stride, params.truncate, spans)
        else:
            plans = [plan_ids(e, params.max_len, params.stride, params.truncate) for e in encodings]
        yield PlanBlock.from_plans(plans, params.need_tokens, han)


def produce(backend_json: str, texts: Sequence[str], params: PlanParams, threads: int) -> Iterator[PlanBlock]:
    """The child process's side: the same blocks as :func:`plan_groups` in the parent, tokenised
    on ``threads`` threads (the cores the forward passes leave free: a tokeniser on every core
    slowed a forward pass on the other, 60,000 SST-2 sentences through `semvec extract` in
    16.5-17.1 s against 13.9-14.4 s with one tokeniser thread on two cores)."""
    os.environ["RAYON_NUM_THREADS"] = str(threads)  # read when the tokenizer's thread pool starts, at its first batch
    if threads == 1:
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
    from tokenizers import Tokenizer  # noqa: PLC0415 - only the child needs the bare backend

    encode = _backend_encoder(Tokenizer.from_str(backend_json), params.need_tokens)
    segmenter = get_segmenter(params.segmenter, params.user_dict) if params.need_tokens else None
    yield from plan_groups(encode, texts, params, segmenter)


class _Inline:
    """Blocks made here, when the loop asks for them."""

    def __init__(self, blocks: Iterator[PlanBlock]) -> None:
        self._blocks = blocks

    def __iter__(self) -> Iterator[PlanBlock]:
        return self._blocks

    def drain(self) -> None:
        """Nothing is made ahead here."""

    def close(self) -> None:
        """Nothing to stop."""


def wants_child(n_texts: int, producer: bool | None) -> bool:
    """Whether :func:`block_source` makes the blocks in a child process (see there)."""
    if producer is None:
        return n_texts >= PRODUCER_MIN_TEXTS and (os.cpu_count() or 1) > 1 and not multiprocessing.current_process().daemon
    return bool(producer)


def block_source(tok, texts: Sequence[str], params: PlanParams, segmenter=None, producer: bool | None = None,
                 busy_threads: int = 1):
    """The blocks of ``texts`` in order, from a child process (``producer``: True; None: for
    :data:`PRODUCER_MIN_TEXTS` texts or more, on a machine with more than one core, when this
    process may start one) or made here. The caller takes them by iterating, lets a child run ahead
    with ``drain()`` between forward passes, and ends with ``close()``; ``busy_threads``: the
    threads its forward passes keep busy (a child tokenises on the other cores, or one)."""
    encode, backend_json = encoder(tok, params.need_tokens)
    if wants_child(len(texts), producer) and backend_json is not None:
        threads = max(1, (os.cpu_count() or 1) - busy_threads)
        return ChildStream("semvec_studio.core.extract.blocks:produce", (backend_json, list(texts), params, threads),
                           ahead=PRODUCER_AHEAD)
    return _Inline(plan_groups(encode, texts, params, segmenter))

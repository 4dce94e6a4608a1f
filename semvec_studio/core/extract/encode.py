"""The encode loop: texts -> token, whole-word and sentence vectors in one forward pass.

Texts are tokenised once by the fast tokenizer (offsets, ``word_ids()``, special-token mask),
their words found by the word segmenter (token and word levels), cut into windows when longer
than the model allows, sorted by length and batched, each batch padded only to its own longest
window. Results are written into float32 buffers (reused chunk after chunk) in input order, one chunk of texts
at a time, and handed to a sink (memory or a streamed .npy file).

The texts' plans come as columns (:class:`~semvec_studio.core.extract.blocks.PlanBlock`), so a
chunk's batches are padded, and a batch's token and word rows written, with numpy over whole
batches. For many texts the plans are made in a child process that tokenises ahead while this one
runs the forward passes (``producer``); core starts no threads: a producer thread made the loop
slower, since a small model's forward pass needs the GIL for its Python between ops (60,000 SST-2
sentences, a 2-layer model, one torch thread: 10.9 s inline, 11.3 s with a producer thread, the
forward passes alone 7.1 s -> 10.5 s), while a child process leaves them at full speed.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from semvec_studio.core.extract.blocks import PlanBlock, PlanParams, block_source, wants_child
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.pooling import LAYER_COMBINERS, SENTENCE_POOLERS, WORD_POOLERS, combined_dim
from semvec_studio.core.extract.segmenters import get_segmenter
from semvec_studio.core.io.sinks import MemorySink, Sink
from semvec_studio.core.io.vectors import SENTENCE_TEXT_CHARS, EmbeddingSet
from semvec_studio.core.models import LoadedModel
from semvec_studio.core.provenance import base_manifest
from semvec_studio.core.rows import l2_normalize
from semvec_studio.core.tasks import NullContext, TaskContext

CHUNK_TEXTS = 8192  # windows are sorted by length within a chunk: 2,048 left 855 of 1,875 batches of 60,000 SST-2
CHUNK_TOKENS = 65536  # sentences padded (3.6% padding), 8,192 left 315 (1.0%), and the forward passes took 5% less


@dataclass
class _Chunk:
    """Texts [start, start+block.n) with their plans, row offsets and output buffers, and their
    windows (model inputs) sorted by length into padded batches."""

    start: int
    block: PlanBlock
    buffers: dict[str, np.ndarray] = field(default_factory=dict)
    row0: dict[str, np.ndarray] = field(default_factory=dict)
    pending: dict[int, dict[int, np.ndarray]] = field(default_factory=dict)
    note: str | None = None  # to log when the chunk is run
    w_text: np.ndarray = None  # per window: its text (in the chunk), its number within the text, its length
    w_number: np.ndarray = None
    w_len: np.ndarray = None
    batches: list[tuple[np.ndarray, torch.Tensor, torch.Tensor]] = field(default_factory=list)  # window indices, ids, mask


def extract(
    lm: LoadedModel,
    texts: Sequence[str],
    options: ExtractOptions = ExtractOptions(),
    ctx: TaskContext | None = None,
    sinks: dict[str, Sink] | None = None,
    *,
    producer: bool | None = False,
    ahead: PlansAhead | None = None,
) -> dict[str, EmbeddingSet]:
    """Extract the requested levels for ``texts``; returns one EmbeddingSet per level.

    ``producer``: tokenise and plan in a child process ahead of the forward passes (True), here
    (False), or in a child for many texts (None; see
    :func:`~semvec_studio.core.extract.blocks.block_source`). The results are the same. A child
    process is started with ``spawn``, which imports the main script again: the app, the CLI and
    the self-test pass None; a script passes it only under ``if __name__ == "__main__":``.
    ``ahead``: a child started by :func:`plans_ahead` while the model loaded, used when it plans
    these same ``texts`` (the same list) with this call's settings, and closed in any case."""
    ctx = ctx or NullContext()
    source = None
    try:
        options.check_for(lm)
        segmenter, params = _plan_params(options, lm.max_length)
        layers = options.resolved_layers(lm.num_layers)
        dim = combined_dim(lm.hidden_size, len(layers), options.layer_combine)
        sinks = sinks or {level: MemorySink(len(texts)) for level in options.levels}
        for level in options.levels:
            sinks[level].open(level, dim)
        stats = {"texts": len(texts), "windowed_texts": 0, "truncated_texts": 0, "windows": 0, "tokens": 0}
        started = time.perf_counter()
        ctx.report(0, len(texts), "tokenising")
        done = 0
        scratch: dict[str, np.ndarray] = {}  # each level's rows of a chunk, reused chunk after chunk
        if ahead is not None and ahead.texts is texts and ahead.params == params:
            source, ahead = ahead.source, None
        else:
            source = block_source(lm.tokenizer, texts, params, segmenter, producer, busy_threads=_busy_threads(lm.device))
        for chunk in _chunks(lm, source, options, stats, segmenter.note if segmenter else None, params.need_tokens):
            ctx.check_cancelled()
            if chunk.note:
                ctx.log(chunk.note)
            _run_chunk(lm, chunk, options, layers, dim, ctx, done, len(texts), source.drain, scratch)
            done += chunk.block.n
            for level in options.levels:
                buf = chunk.buffers[level]
                if options.normalize:
                    l2_normalize(buf)
                sinks[level].append(buf, _chunk_metadata(level, texts, chunk, options.include_special))
    finally:
        if source is not None:
            source.close()
        if ahead is not None:  # not used: planned with other settings, or a check failed first
            ahead.close()
    manifest = base_manifest(lm, options, layers, params.max_len, params.stride, dim, segmenter=segmenter.info if segmenter else None)
    manifest.update(stats, seconds=round(time.perf_counter() - started, 3))
    ctx.report(len(texts), len(texts), "done")
    return {level: sinks[level].close({**manifest, "level": level}) for level in options.levels}


@dataclass
class PlansAhead:
    """A child process already making the plans of ``texts`` (see :func:`plans_ahead`)."""

    texts: Sequence[str]
    params: PlanParams
    source: object

    def close(self) -> None:
        self.source.close()


def plans_ahead(tokenizer, max_length: int, device: str, texts: Sequence[str], options: ExtractOptions,
                producer: bool | None) -> PlansAhead | None:
    """Start the child that :func:`extract` with ``producer`` would start for ``texts``, now: it
    tokenises while this process loads the model's weights (``max_length``: the model's limit,
    known from its configuration and tokenizer). None when extract would tokenise here."""
    if not wants_child(len(texts), producer):
        return None
    segmenter, params = _plan_params(options, max_length)
    return PlansAhead(texts, params, block_source(tokenizer, texts, params, segmenter, True, busy_threads=_busy_threads(device)))


def _plan_params(options: ExtractOptions, model_max: int):
    """(word segmenter or None, how texts are planned) for a run."""
    need_words = bool({"token", "word"} & set(options.levels))
    segmenter = get_segmenter(options.segmenter, options.user_dict) if need_words else None
    max_len = options.max_length or model_max  # windows: the options' length and overlap, or the model's
    stride = options.stride if options.stride is not None else max_len // 4
    return segmenter, PlanParams(max_len, stride, options.truncate, need_words, options.segmenter, options.user_dict,
                                 han_note=bool(segmenter and segmenter.note))


def _busy_threads(device) -> int:
    """The threads the forward passes keep busy: torch's on a CPU; on a GPU, the host waits for the device."""
    return torch.get_num_threads() if str(device) == "cpu" else 1


def _chunks(lm, source, options, stats, note: str | None, need_tokens: bool):
    """Chunks of the source's blocks, bounded in texts and (for token/word) tokens, each with its
    windows sorted and padded into batches and the note to log when it runs."""
    tok = lm.tokenizer
    pad_id = tok.pad_token_id if tok.pad_token_id is not None else 0
    parts: list[PlanBlock] = []
    start = n_texts = n_tok = 0
    pending_note = None
    for block in source:
        if note and block.han:
            pending_note, note = note, None
        stats["windowed_texts"] += int((block.n_windows > 1).sum())
        stats["truncated_texts"] += int(block.truncated.sum())
        stats["windows"] += int(block.n_windows.sum())
        stats["tokens"] += int(block.lens.sum())
        a = 0
        while a < block.n:
            cut = a + CHUNK_TEXTS - n_texts - 1  # the text that fills the chunk
            cum = np.cumsum(block.lens[a:])
            if need_tokens:
                cut = min(cut, a + int(np.searchsorted(cum, CHUNK_TOKENS - n_tok, side="left")))
            if cut >= block.n:
                parts.append(block.slice(a, block.n) if a else block)
                n_texts, n_tok = n_texts + block.n - a, n_tok + int(cum[-1])
                break
            parts.append(block.slice(a, cut + 1))
            yield _new_chunk(start, PlanBlock.concat(parts), options, pad_id, lm.device, pending_note)
            start += n_texts + cut + 1 - a
            parts, n_texts, n_tok, pending_note = [], 0, 0, None
            a = cut + 1
    if parts:
        yield _new_chunk(start, PlanBlock.concat(parts), options, pad_id, lm.device, pending_note)


def _new_chunk(start, block: PlanBlock, options, pad_id, device, note) -> _Chunk:
    chunk = _Chunk(start=start, block=block, note=note)
    counts = {"sentence": np.ones(block.n, dtype=np.int64), "word": block.word_counts,
              "token": block.lens if options.include_special else block.lens - block.n_pre - block.n_suf}
    for level in options.levels:
        chunk.row0[level] = np.concatenate([[0], np.cumsum(counts[level])]).astype(np.int64)
    n_windows = block.n_windows
    first = np.cumsum(n_windows) - n_windows  # each text's first window
    chunk.w_text = np.repeat(np.arange(block.n, dtype=np.int64), n_windows)
    chunk.w_number = np.arange(len(chunk.w_text), dtype=np.int64) - np.repeat(first, n_windows)
    w_len = block.lens[chunk.w_text]
    w_src = block.bounds[chunk.w_text]  # where a fitting text's ids start in block.ids
    for t, plan in block.long.items():
        at = slice(int(first[t]), int(first[t]) + len(plan.windows))
        w_len[at] = [len(ids) for ids in plan.windows]
        w_src[at] = -1
    chunk.w_len = w_len
    order = np.argsort(-w_len, kind="stable")
    for b0 in range(0, len(order), options.batch_size):
        batch = order[b0 : b0 + options.batch_size]
        chunk.batches.append((batch, *_padded(chunk, batch, w_src[batch], pad_id, device)))
    return chunk


def _padded(chunk: _Chunk, batch: np.ndarray, src: np.ndarray, pad_id: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    """The batch's ids and attention mask, padded to its longest window, ready for ``device``
    (``src``: where each window's ids start in the block's ids; -1 for a long text's window)."""
    lengths = chunk.w_len[batch]
    width = max(1, int(lengths.max()))  # a batch of empty texts (a model without special tokens) gets one masked column, as in a mixed batch
    mask = np.arange(width) < lengths[:, None]
    ids = np.full(mask.shape, pad_id, dtype=np.int64)
    fits = src >= 0
    take = mask & fits[:, None]
    ids[take] = chunk.block.ids[(src[:, None] + np.arange(width))[take]]
    for r in np.nonzero(~fits)[0].tolist():
        window = chunk.block.long[int(chunk.w_text[batch[r]])].windows[int(chunk.w_number[batch[r]])]
        ids[r, : len(window)] = window
    return _host_tensor(ids, device), _host_tensor(mask.astype(np.int64), device)


def _run_chunk(lm, chunk: _Chunk, options, layers, dim, ctx, done0, total, between, scratch: dict) -> None:
    block = chunk.block
    for level in options.levels:  # every row is written below
        rows = int(chunk.row0[level][-1])
        if level not in scratch or len(scratch[level]) < rows:
            scratch[level] = np.empty((rows, dim), dtype=np.float32)
        chunk.buffers[level] = scratch[level][:rows]
    need_tokens = bool({"token", "word"} & set(options.levels))
    single_layer_last = layers == (lm.num_layers,)
    finished = 0
    with torch.inference_mode():
        for batch, ids, mask in chunk.batches:
            ctx.check_cancelled()
            between()
            lengths = chunk.w_len[batch]  # from the host: no device sync
            hidden, mask = _forward(lm, ids, mask, layers, options.layer_combine, single_layer_last, padded=int(lengths[-1]) < ids.shape[1])
            texts = chunk.w_text[batch]
            fits = block.n_windows[texts] == 1
            if "sentence" in options.levels and fits.any():
                pooled = SENTENCE_POOLERS[options.pooling](hidden, mask).float().cpu().numpy()
                chunk.buffers["sentence"][chunk.row0["sentence"][texts[fits]]] = pooled[fits]
            if need_tokens or not fits.all():
                flat = hidden[mask.bool()].float().cpu().numpy()
                offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
                if need_tokens:
                    _emit_fitting(chunk, texts[fits], offsets[:-1][fits], flat, options)
                for j in np.nonzero(~fits)[0].tolist():
                    t, number = int(texts[j]), int(chunk.w_number[batch[j]])
                    full = _collect(chunk, t, number, flat[offsets[j] : offsets[j + 1]])
                    if full is not None:
                        _emit(chunk, t, full, options)
                    finished += number == block.n_windows[t] - 1
            finished += int(fits.sum())
            ctx.report(done0 + min(finished, block.n), total, "embedding")
    chunk.batches = []


def _spans(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``concat(arange(s, s + c) for s, c in zip(starts, counts))``."""
    total = int(counts.sum())
    return np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total, dtype=np.int64)


def _emit_fitting(chunk: _Chunk, texts: np.ndarray, base: np.ndarray, flat: np.ndarray, options: ExtractOptions) -> None:
    """Write the token and word rows of a batch's ``texts`` that fit one window, the whole batch at
    once: ``flat`` holds the batch's token vectors end to end (text ``texts[k]`` from ``base[k]``),
    so every word run of the batch is one run of ``flat`` and one pooling call makes all word rows."""
    block = chunk.block
    if "token" in options.levels:
        if options.include_special:
            counts, src = block.lens[texts], base
        else:  # content is contiguous: specials only lead and trail
            counts, src = block.lens[texts] - block.n_pre[texts] - block.n_suf[texts], base + block.n_pre[texts]
        if counts.sum():
            chunk.buffers["token"][_spans(chunk.row0["token"][texts], counts)] = flat[_spans(src, counts)]
    if "word" in options.levels:
        counts = block.word_counts[texts]
        if counts.sum():
            rows = _spans(block.word_bounds[texts], counts)  # a word's row in the chunk is its index in the block
            shift = np.repeat(base, counts)
            starts, ends = block.word_starts[rows] + shift, block.word_ends[rows] + shift
            chunk.buffers["word"][rows] = WORD_POOLERS[options.word_pooling](flat, starts, ends)


def _forward(lm, ids, mask, layers, combine, last_only, padded=True):
    """The hidden states of a batch; without padding (windows sorted by length often fill a batch
    with one length) the model gets no attention mask, which spares it building one (12% of a
    small model's forward pass on a CPU)."""
    ids, mask = _to_device(ids, lm.device), _to_device(mask, lm.device)
    out = lm.model(input_ids=ids, attention_mask=mask if padded else None, output_hidden_states=not last_only)
    states = (out.last_hidden_state,) if last_only else tuple(out.hidden_states[i] for i in layers)
    hidden = LAYER_COMBINERS[combine]([s.float() for s in states])
    return hidden, mask


def _host_tensor(array: np.ndarray, device) -> torch.Tensor:
    """A host array as a tensor, in pinned memory when it goes to a CUDA GPU."""
    tensor = torch.from_numpy(array)
    return tensor.pin_memory() if str(device).startswith("cuda") else tensor


def _to_device(tensor: torch.Tensor, device) -> torch.Tensor:
    """A host tensor on ``device``; to a GPU from pinned memory without blocking the host (the
    forward pass on the same stream waits for the copy; results come back with a synchronising copy)."""
    if str(device) == "cpu":
        return tensor
    return tensor.to(device, non_blocking=tensor.is_pinned())


def _collect(chunk: _Chunk, t: int, number: int, token_vecs: np.ndarray) -> np.ndarray | None:
    """Keep a long text's windows until all have run; then assemble its full token matrix."""
    plan = chunk.block.long[t]
    got = chunk.pending.setdefault(t, {})
    got[number] = token_vecs.copy()
    if len(got) < len(plan.windows):
        return None
    del chunk.pending[t]
    full = np.empty((len(plan.ids), token_vecs.shape[1]), dtype=np.float32)
    for pos, (win, at) in enumerate(plan.source):
        full[pos] = got[win][at]
    return full


def _emit(chunk: _Chunk, t: int, full: np.ndarray, options: ExtractOptions) -> None:
    """Write one long text's token rows, word rows and pooled sentence row."""
    plan = chunk.block.long[t]
    if "token" in options.levels:
        r = chunk.row0["token"][t]
        rows = full if options.include_special else full[plan.content]
        chunk.buffers["token"][r : r + len(rows)] = rows
    if "word" in options.levels and len(plan.word_starts):
        r = chunk.row0["word"][t]
        words = WORD_POOLERS[options.word_pooling](full, plan.word_starts, plan.word_ends)
        chunk.buffers["word"][r : r + len(words)] = words
    if "sentence" in options.levels:
        tensor = torch.from_numpy(full).unsqueeze(0)
        chunk.buffers["sentence"][chunk.row0["sentence"][t]] = SENTENCE_POOLERS[options.pooling](tensor, torch.ones(1, len(full))).numpy()[0]


def _chunk_metadata(level: str, texts: Sequence[str], chunk: _Chunk, include_special: bool) -> dict:
    """Metadata columns for the chunk's rows of ``level`` (see vectors.COLUMNS)."""
    block, start = chunk.block, chunk.start
    ids = np.arange(start, start + block.n, dtype=np.int64)
    if level == "sentence":
        return {"text_id": ids, "text": [texts[start + i][:SENTENCE_TEXT_CHARS] for i in range(block.n)]}
    if level == "word":
        return _word_metadata(texts, block, ids)
    return _token_metadata(block, ids, include_special)


def _token_metadata(block: PlanBlock, text_ids: np.ndarray, include_special: bool) -> dict:
    bounds = block.bounds
    position = np.arange(bounds[-1], dtype=np.int64) - np.repeat(bounds[:-1], block.lens)
    if include_special:
        counts, tokens = block.lens, list(block.tokens)
        keep = slice(None)
    else:  # the content: specials only lead and trail
        counts = block.lens - block.n_pre - block.n_suf
        keep = (position >= np.repeat(block.n_pre, block.lens)) & (position < np.repeat(block.lens - block.n_suf, block.lens))
        tokens = list(itertools.compress(block.tokens, keep.tolist()))
    return {
        "text_id": np.repeat(text_ids, counts),
        "position": position[keep],
        "token": tokens,
        "token_id": block.ids[keep],
        "word_index": block.word_index[keep],
        "start": block.starts[keep],
        "end": block.ends[keep],
    }


def _word_metadata(texts: Sequence[str], block: PlanBlock, text_ids: np.ndarray) -> dict:
    counts = block.word_counts
    first = np.repeat(block.bounds[:-1], counts)  # each word's text's first token
    starts = block.starts[first + block.word_starts]  # trimmed, never empty
    ends = block.ends[first + block.word_ends - 1]
    tokens = block.tokens
    owner = np.repeat(text_ids, counts).tolist()
    words = [texts[t][a:b] for t, a, b in zip(owner, starts.tolist(), ends.tolist())]
    pieces = [" ".join(tokens[a:b]) for a, b in zip((first + block.word_starts).tolist(), (first + block.word_ends).tolist())]
    return {
        "text_id": np.repeat(text_ids, counts),
        "position": np.arange(len(owner), dtype=np.int64) - np.repeat(block.word_bounds[:-1], counts),
        "word": words,
        "start": starts,
        "end": ends,
        "pieces": pieces,
    }

"""The encode loop: texts -> token, whole-word and sentence vectors in one forward pass.

Texts are tokenised once by the fast tokenizer (offsets, ``word_ids()``, special-token mask),
their words found by the word segmenter (token and word levels), cut into windows when longer
than the model allows, sorted by length and batched, each batch padded only to its own longest
window. Results are written into preallocated float32 buffers in input order, one chunk of texts
at a time, and handed to a sink (memory or a streamed .npy file).

Each chunk's windows are sorted and padded into batches (numpy, in pinned memory for a CUDA GPU)
before its forward passes run. No producer thread prepares the next chunk meanwhile (core starts
no threads): on this CPU one made the loop slower, since a small model's forward pass needs the
GIL for its Python between ops (60,000 SST-2 sentences, a 2-layer model, one torch thread: 10.9 s
inline, 11.3 s with a producer thread, the forward passes alone 7.1 s -> 10.5 s).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.pooling import LAYER_COMBINERS, SENTENCE_POOLERS, WORD_POOLERS, combined_dim
from semvec_studio.core.extract.segmenters import Segmenter, get_segmenter, has_han
from semvec_studio.core.extract.windows import TextPlan, plan_ids, plan_texts
from semvec_studio.core.io.sinks import MemorySink, Sink
from semvec_studio.core.io.vectors import SENTENCE_TEXT_CHARS, EmbeddingSet
from semvec_studio.core.models import LoadedModel
from semvec_studio.core.provenance import base_manifest
from semvec_studio.core.rows import l2_normalize
from semvec_studio.core.tasks import NullContext, TaskContext

CHUNK_TEXTS = 2048
CHUNK_TOKENS = 65536


@dataclass
class _Window:
    text: int  # index of the text within the chunk
    number: int  # window number within the text
    ids: list[int]


@dataclass
class _Chunk:
    """Texts [start, start+len(plans)) with their plans, row offsets and output buffers."""

    start: int
    plans: list[TextPlan]
    buffers: dict[str, np.ndarray] = field(default_factory=dict)
    row0: dict[str, np.ndarray] = field(default_factory=dict)
    pending: dict[int, dict[int, np.ndarray]] = field(default_factory=dict)
    note: str | None = None  # to log when the chunk is run
    batches: list[tuple[list[_Window], torch.Tensor, torch.Tensor]] = field(default_factory=list)  # windows, ids, mask


def extract(
    lm: LoadedModel,
    texts: Sequence[str],
    options: ExtractOptions = ExtractOptions(),
    ctx: TaskContext | None = None,
    sinks: dict[str, Sink] | None = None,
) -> dict[str, EmbeddingSet]:
    """Extract the requested levels for ``texts``; returns one EmbeddingSet per level."""
    ctx = ctx or NullContext()
    options.check_for(lm)
    max_len = options.max_length or lm.max_length
    stride = options.stride if options.stride is not None else max_len // 4
    layers = options.resolved_layers(lm.num_layers)
    dim = combined_dim(lm.hidden_size, len(layers), options.layer_combine)
    sinks = sinks or {level: MemorySink() for level in options.levels}
    for level in options.levels:
        sinks[level].open(level, dim)
    need_words = bool({"token", "word"} & set(options.levels))
    segmenter = get_segmenter(options.segmenter, options.user_dict) if need_words else None
    stats = {"texts": len(texts), "windowed_texts": 0, "truncated_texts": 0, "windows": 0, "tokens": 0}
    started = time.perf_counter()
    ctx.report(0, len(texts), "tokenising")
    done = 0
    for chunk in _chunks(lm, texts, options, max_len, stride, stats, segmenter):
        ctx.check_cancelled()
        if chunk.note:
            ctx.log(chunk.note)
        _run_chunk(lm, texts, chunk, options, layers, dim, ctx, done, len(texts))
        done += len(chunk.plans)
        for level in options.levels:
            buf = chunk.buffers[level]
            if options.normalize:
                l2_normalize(buf)
            sinks[level].append(buf, _chunk_metadata(level, texts, chunk, options.include_special))
    manifest = base_manifest(lm, options, layers, max_len, stride, dim, segmenter=segmenter.info if segmenter else None)
    manifest.update(stats, seconds=round(time.perf_counter() - started, 3))
    ctx.report(len(texts), len(texts), "done")
    return {level: sinks[level].close({**manifest, "level": level}) for level in options.levels}


def _chunks(lm, texts, options, max_len, stride, stats, segmenter: Segmenter | None):
    """Tokenise texts in groups and yield chunks bounded in texts and (for token/word) tokens, each
    with its windows sorted and padded into batches and the note to log when it runs."""
    tok = lm.tokenizer
    need_tokens = segmenter is not None
    note = segmenter.note if segmenter else None
    pad_id = tok.pad_token_id if tok.pad_token_id is not None else 0
    plans: list[TextPlan] = []
    start = 0
    n_tok = 0
    group = 256
    encode = _encoder(tok, need_tokens)
    pending_note = None
    for g0 in range(0, len(texts), group):
        batch = list(texts[g0 : g0 + group])
        encodings = encode(batch)
        if need_tokens:
            if note and any(has_han(text) for text in batch):
                pending_note, note = note, None
            group_plans = plan_texts(encodings, batch, max_len, stride, options.truncate, [segmenter.spans(t) for t in batch])
        else:
            group_plans = [plan_ids(e, max_len, stride, options.truncate) for e in encodings]
        for plan in group_plans:
            stats["windowed_texts"] += len(plan.windows) > 1
            stats["truncated_texts"] += plan.truncated
            stats["windows"] += len(plan.windows)
            stats["tokens"] += len(plan.ids)
            plans.append(plan)
            n_tok += len(plan.ids)
            if len(plans) >= CHUNK_TEXTS or (need_tokens and n_tok >= CHUNK_TOKENS):
                yield _new_chunk(start, plans, options, pad_id, lm.device, pending_note)
                start += len(plans)
                plans, n_tok, pending_note = [], 0, None
    if plans:
        yield _new_chunk(start, plans, options, pad_id, lm.device, pending_note)


def _encoder(tok, need_offsets: bool):
    """``texts -> Encodings`` through the fast tokenizer's backend, as ``tok(texts,
    add_special_tokens=True, truncation=False)`` makes them but without building a BatchEncoding;
    without offsets (sentence level only) through ``encode_batch_fast``, which skips computing them."""
    tok(["."], add_special_tokens=True, truncation=False, verbose=False)  # backend set as tok(...) sets it: no truncation, no padding
    backend = tok.backend_tokenizer
    if backend.truncation is not None or backend.padding is not None:  # not a plain fast tokenizer: go through it
        return lambda batch: tok(batch, add_special_tokens=True, return_offsets_mapping=need_offsets,
                                 return_special_tokens_mask=True, return_attention_mask=False, truncation=False,
                                 verbose=False).encodings
    fast = getattr(backend, "encode_batch_fast", None) if not need_offsets else None
    encode_batch = fast or backend.encode_batch
    return lambda batch: encode_batch(batch, add_special_tokens=True)


def _new_chunk(start, plans, options, pad_id, device, note) -> _Chunk:
    chunk = _Chunk(start=start, plans=plans, note=note)
    for level in options.levels:
        counts = np.array([_rows_of(p, level, options.include_special) for p in plans], dtype=np.int64)
        chunk.row0[level] = np.concatenate([[0], np.cumsum(counts)])
    windows = [_Window(t, w, ids) for t, plan in enumerate(plans) for w, ids in enumerate(plan.windows)]
    order = sorted(range(len(windows)), key=lambda i: -len(windows[i].ids))
    for b0 in range(0, len(order), options.batch_size):
        batch = [windows[i] for i in order[b0 : b0 + options.batch_size]]
        chunk.batches.append((batch, *_padded(batch, pad_id, device)))
    return chunk


def _padded(batch: list[_Window], pad_id: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    """The batch's ids and attention mask, padded to its longest window, ready for ``device``."""
    lengths = np.fromiter((len(w.ids) for w in batch), dtype=np.int64, count=len(batch))
    width = max(1, int(lengths.max()))  # a batch of empty texts (a model without special tokens) gets one masked column, as in a mixed batch
    mask = (np.arange(width) < lengths[:, None]).astype(np.int64)
    ids = np.full(mask.shape, pad_id, dtype=np.int64)
    ids[mask.astype(bool)] = np.fromiter(itertools.chain.from_iterable(w.ids for w in batch), dtype=np.int64, count=int(lengths.sum()))
    return _host_tensor(ids, device), _host_tensor(mask, device)


def _rows_of(plan: TextPlan, level: str, include_special: bool) -> int:
    if level == "sentence":
        return 1
    if level == "word":
        return len(plan.word_starts)
    return len(plan.ids) if include_special else len(plan.content)


def _run_chunk(lm, texts, chunk: _Chunk, options, layers, dim, ctx, done0, total) -> None:
    for level in options.levels:
        chunk.buffers[level] = np.empty((int(chunk.row0[level][-1]), dim), dtype=np.float32)
    need_tokens = bool({"token", "word"} & set(options.levels))
    single_layer_last = layers == (lm.num_layers,)
    finished = 0
    with torch.inference_mode():
        for batch, ids, mask in chunk.batches:
            ctx.check_cancelled()
            hidden, mask = _forward(lm, ids, mask, layers, options.layer_combine, single_layer_last, padded=len(batch[-1].ids) < ids.shape[1])
            lengths = [len(w.ids) for w in batch]  # from the host: no device sync
            fits = [len(chunk.plans[w.text].windows) == 1 for w in batch]
            if "sentence" in options.levels and any(fits):
                pooled = SENTENCE_POOLERS[options.pooling](hidden, mask).float().cpu().numpy()
                rows = chunk.row0["sentence"]
                for j, w in enumerate(batch):
                    if fits[j]:
                        chunk.buffers["sentence"][rows[w.text]] = pooled[j]
            if need_tokens or not all(fits):
                flat = hidden[mask.bool()].float().cpu().numpy()
                offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
                if need_tokens:
                    _emit_fitting(chunk, batch, fits, flat, offsets, options)
                for j, w in enumerate(batch):
                    if not fits[j]:
                        full = _collect(chunk, w, flat[offsets[j] : offsets[j + 1]])
                        if full is not None:
                            _emit(chunk, w.text, full, options)
            finished += sum(fits) + sum(1 for j, w in enumerate(batch) if not fits[j] and w.number == len(chunk.plans[w.text].windows) - 1)
            ctx.report(done0 + min(finished, len(chunk.plans)), total, "embedding")
    chunk.batches = []


def _emit_fitting(chunk: _Chunk, batch, fits, flat: np.ndarray, offsets: np.ndarray, options: ExtractOptions) -> None:
    """Write the token and word rows of the batch's texts that fit one window, the whole batch at
    once: ``flat`` holds the batch's token vectors end to end (text j at ``offsets[j]:offsets[j+1]``),
    so every word run of the batch is one run of ``flat`` and one pooling call makes all word rows."""
    texts = [w.text for j, w in enumerate(batch) if fits[j]]
    base = [int(offsets[j]) for j in range(len(batch)) if fits[j]]
    plans = [chunk.plans[t] for t in texts]
    if "token" in options.levels:
        buf, row0 = chunk.buffers["token"], chunk.row0["token"]
        for t, b, plan in zip(texts, base, plans):
            r = int(row0[t])
            if options.include_special:
                buf[r : r + len(plan.ids)] = flat[b : b + len(plan.ids)]
            elif len(plan.content):
                c0, c1 = int(plan.content[0]), int(plan.content[-1]) + 1  # content is contiguous: specials only lead and trail
                buf[r : r + c1 - c0] = flat[b + c0 : b + c1]
    if "word" in options.levels:
        have = [k for k, plan in enumerate(plans) if len(plan.word_starts)]
        if have:
            starts = np.concatenate([plans[k].word_starts + base[k] for k in have])
            ends = np.concatenate([plans[k].word_ends + base[k] for k in have])
            rows = np.concatenate([np.arange(len(plans[k].word_starts)) + chunk.row0["word"][texts[k]] for k in have])
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


def _collect(chunk: _Chunk, w: _Window, token_vecs: np.ndarray) -> np.ndarray | None:
    """Keep a long text's windows until all have run; then assemble its full token matrix."""
    plan = chunk.plans[w.text]
    got = chunk.pending.setdefault(w.text, {})
    got[w.number] = token_vecs.copy()
    if len(got) < len(plan.windows):
        return None
    del chunk.pending[w.text]
    full = np.empty((len(plan.ids), token_vecs.shape[1]), dtype=np.float32)
    for pos, (win, at) in enumerate(plan.source):
        full[pos] = got[win][at]
    return full


def _emit(chunk: _Chunk, t: int, full: np.ndarray, options: ExtractOptions) -> None:
    """Write one text's token rows, word rows and (for long texts) its pooled sentence row."""
    plan = chunk.plans[t]
    if "token" in options.levels:
        r = chunk.row0["token"][t]
        rows = full if options.include_special else full[plan.content]
        chunk.buffers["token"][r : r + len(rows)] = rows
    if "word" in options.levels and len(plan.word_starts):
        r = chunk.row0["word"][t]
        words = WORD_POOLERS[options.word_pooling](full, plan.word_starts, plan.word_ends)
        chunk.buffers["word"][r : r + len(words)] = words
    if "sentence" in options.levels and len(plan.windows) > 1:
        tensor = torch.from_numpy(full).unsqueeze(0)
        chunk.buffers["sentence"][chunk.row0["sentence"][t]] = SENTENCE_POOLERS[options.pooling](tensor, torch.ones(1, len(full))).numpy()[0]


def _chunk_metadata(level: str, texts: Sequence[str], chunk: _Chunk, include_special: bool) -> dict:
    """Metadata columns for the chunk's rows of ``level`` (see vectors.COLUMNS)."""
    plans, start = chunk.plans, chunk.start
    if level == "sentence":
        return {
            "text_id": np.arange(start, start + len(plans), dtype=np.int64),
            "text": [texts[start + i][:SENTENCE_TEXT_CHARS] for i in range(len(plans))],
        }
    ids = np.arange(start, start + len(plans), dtype=np.int64)
    if level == "word":
        return _word_metadata(texts, plans, ids)
    return _token_metadata(plans, ids, include_special)


def _token_metadata(plans: list[TextPlan], text_ids: np.ndarray, include_special: bool) -> dict:
    keeps = [np.arange(len(p.ids)) if include_special else p.content for p in plans]
    firsts = [int(k[0]) if len(k) else 0 for k in keeps]  # kept rows are contiguous: all, or the content
    ends = [f + len(k) for f, k in zip(firsts, keeps)]
    counts = np.array([len(k) for k in keeps], dtype=np.int64)
    return {
        "text_id": np.repeat(text_ids, counts),
        "position": np.concatenate([np.zeros(0, np.int64), *keeps]).astype(np.int64),
        "token": [tok for p, a, b in zip(plans, firsts, ends) for tok in p.tokens[a:b]],
        "token_id": np.fromiter((i for p, a, b in zip(plans, firsts, ends) for i in p.ids[a:b]), dtype=np.int64,
                                count=int(counts.sum())),
        "word_index": np.concatenate([np.zeros(0, np.int64), *(p.word_index[k] for p, k in zip(plans, keeps))]),
        "start": np.concatenate([np.zeros(0, np.int64), *(p.starts[k] for p, k in zip(plans, keeps))]),
        "end": np.concatenate([np.zeros(0, np.int64), *(p.ends[k] for p, k in zip(plans, keeps))]),
    }


def _word_metadata(texts: Sequence[str], plans: list[TextPlan], text_ids: np.ndarray) -> dict:
    counts = np.array([len(p.word_starts) for p in plans], dtype=np.int64)
    starts = [p.starts[p.word_starts] for p in plans]  # trimmed, never empty
    ends = [p.ends[p.word_ends - 1] for p in plans]
    words, pieces = [], []
    for t, p, s, e in zip(text_ids.tolist(), plans, starts, ends):
        text, tokens = texts[t], p.tokens
        words.extend([text[a:b] for a, b in zip(s.tolist(), e.tolist())])
        pieces.extend([" ".join(tokens[a:b]) for a, b in zip(p.word_starts.tolist(), p.word_ends.tolist())])
    return {
        "text_id": np.repeat(text_ids, counts),
        "position": np.concatenate([np.zeros(0, np.int64), *(np.arange(c, dtype=np.int64) for c in counts.tolist())]),
        "word": words,
        "start": np.concatenate([np.zeros(0, np.int64), *starts]),
        "end": np.concatenate([np.zeros(0, np.int64), *ends]),
        "pieces": pieces,
    }

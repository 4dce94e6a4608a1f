"""The encode loop: texts -> token, whole-word and sentence vectors in one forward pass.

Texts are tokenised once by the fast tokenizer (offsets, ``word_ids()``, special-token mask),
their words found by the word segmenter (token and word levels), cut into windows when longer
than the model allows, sorted by length and batched, each batch padded only to its own longest
window. Results are written into preallocated float32 buffers in input order, one chunk of texts
at a time, and handed to a sink (memory or a streamed .npy file).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.pooling import LAYER_COMBINERS, SENTENCE_POOLERS, WORD_POOLERS, combined_dim
from semvec_studio.core.extract.segmenters import Segmenter, get_segmenter, has_han
from semvec_studio.core.extract.windows import TextPlan, plan_text
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
    for chunk in _chunks(lm, texts, options, max_len, stride, stats, ctx, segmenter):
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


def _chunks(lm, texts, options, max_len, stride, stats, ctx, segmenter: Segmenter | None):
    """Tokenise texts in groups and yield chunks bounded in texts and (for token/word) tokens."""
    tok = lm.tokenizer
    need_tokens = segmenter is not None
    note = segmenter.note if segmenter else None
    plans: list[TextPlan] = []
    start = 0
    n_tok = 0
    group = 256
    for g0 in range(0, len(texts), group):
        ctx.check_cancelled()
        enc = tok(list(texts[g0 : g0 + group]), add_special_tokens=True, return_offsets_mapping=True,
                  return_special_tokens_mask=True, return_attention_mask=False, truncation=False, verbose=False)
        for k, e in enumerate(enc.encodings):
            text = texts[g0 + k]
            if note and has_han(text):
                ctx.log(note)
                note = None
            spans = segmenter.spans(text) if segmenter else None
            plan = plan_text(e, text, max_len, stride, options.truncate, spans)
            stats["windowed_texts"] += len(plan.windows) > 1
            stats["truncated_texts"] += plan.truncated
            stats["windows"] += len(plan.windows)
            stats["tokens"] += len(plan.ids)
            plans.append(plan)
            n_tok += len(plan.ids)
            if len(plans) >= CHUNK_TEXTS or (need_tokens and n_tok >= CHUNK_TOKENS):
                yield _new_chunk(start, plans, options, texts)
                start += len(plans)
                plans, n_tok = [], 0
    if plans:
        yield _new_chunk(start, plans, options, texts)


def _new_chunk(start, plans, options, texts) -> _Chunk:
    chunk = _Chunk(start=start, plans=plans)
    for level in options.levels:
        counts = np.array([_rows_of(p, level, options.include_special) for p in plans], dtype=np.int64)
        chunk.row0[level] = np.concatenate([[0], np.cumsum(counts)])
    return chunk


def _rows_of(plan: TextPlan, level: str, include_special: bool) -> int:
    if level == "sentence":
        return 1
    if level == "word":
        return len(plan.word_starts)
    return len(plan.ids) if include_special else len(plan.content)


def _run_chunk(lm, texts, chunk: _Chunk, options, layers, dim, ctx, done0, total) -> None:
    for level in options.levels:
        chunk.buffers[level] = np.empty((int(chunk.row0[level][-1]), dim), dtype=np.float32)
    windows = [_Window(t, w, ids) for t, plan in enumerate(chunk.plans) for w, ids in enumerate(plan.windows)]
    order = sorted(range(len(windows)), key=lambda i: -len(windows[i].ids))
    need_tokens = bool({"token", "word"} & set(options.levels))
    single_layer_last = layers == (lm.num_layers,)
    pad_id = lm.tokenizer.pad_token_id if lm.tokenizer.pad_token_id is not None else 0
    finished = 0
    with torch.inference_mode():
        for b0 in range(0, len(order), options.batch_size):
            ctx.check_cancelled()
            batch = [windows[i] for i in order[b0 : b0 + options.batch_size]]
            hidden, mask = _forward(lm, batch, pad_id, layers, options.layer_combine, single_layer_last)
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
                for j, w in enumerate(batch):
                    if fits[j] and not need_tokens:
                        continue
                    token_vecs = flat[offsets[j] : offsets[j + 1]]
                    full = token_vecs if fits[j] else _collect(chunk, w, token_vecs)
                    if full is not None:
                        _emit(chunk, w.text, full, options)
            finished += sum(fits) + sum(1 for j, w in enumerate(batch) if not fits[j] and w.number == len(chunk.plans[w.text].windows) - 1)
            ctx.report(done0 + min(finished, len(chunk.plans)), total, "embedding")


def _forward(lm, batch, pad_id, layers, combine, last_only):
    longest = max(len(w.ids) for w in batch)
    ids = np.full((len(batch), longest), pad_id, dtype=np.int64)
    mask = np.zeros((len(batch), longest), dtype=np.int64)
    for j, w in enumerate(batch):
        ids[j, : len(w.ids)] = w.ids
        mask[j, : len(w.ids)] = 1
    ids, mask = torch.from_numpy(ids).to(lm.device), torch.from_numpy(mask).to(lm.device)
    out = lm.model(input_ids=ids, attention_mask=mask, output_hidden_states=not last_only)
    states = (out.last_hidden_state,) if last_only else tuple(out.hidden_states[i] for i in layers)
    hidden = LAYER_COMBINERS[combine]([s.float() for s in states])
    return hidden, mask


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
    cols: dict[str, list] = {}
    for i, plan in enumerate(plans):
        t = start + i
        rows = plan.word_columns(t, texts[t]) if level == "word" else plan.token_columns(t, include_special)
        for name, values in rows.items():
            cols.setdefault(name, []).extend(values)
    return cols

"""Registries of the ways vectors are combined.

- ``LAYER_COMBINERS``: several layers' hidden states -> one (mean, sum, concat).
- ``SENTENCE_POOLERS``: a padded batch of token vectors + attention mask -> one vector per text
  (mean, cls, max, weighted-mean, last), written to match sentence-transformers' ``Pooling``.
- ``WORD_POOLERS``: a text's token vectors + the start index of each word's run of pieces -> one
  vector per word (mean, first, last, max, sum).

Adding a method is adding one function and one registry entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

# --- layers -----------------------------------------------------------------------------------


def _combine_mean(states: Sequence[torch.Tensor]) -> torch.Tensor:
    return states[0] if len(states) == 1 else torch.stack(tuple(states)).mean(dim=0)


def _combine_sum(states: Sequence[torch.Tensor]) -> torch.Tensor:
    return states[0] if len(states) == 1 else torch.stack(tuple(states)).sum(dim=0)


def _combine_concat(states: Sequence[torch.Tensor]) -> torch.Tensor:
    return states[0] if len(states) == 1 else torch.cat(tuple(states), dim=-1)


LAYER_COMBINERS: dict[str, Callable[[Sequence[torch.Tensor]], torch.Tensor]] = {
    "mean": _combine_mean,
    "sum": _combine_sum,
    "concat": _combine_concat,
}


def combined_dim(hidden_size: int, n_layers: int, combine: str) -> int:
    return hidden_size * n_layers if combine == "concat" else hidden_size


# --- sentences --------------------------------------------------------------------------------
# hidden: [B, T, D] float32, mask: [B, T] (1 = real token). Returns [B, D].


def _sent_mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1e-9)


def _sent_cls(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return hidden[:, 0]


def _sent_max(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    masked = hidden.masked_fill(~mask.bool().unsqueeze(-1), float("-inf"))
    return masked.max(dim=1).values


def _sent_weighted_mean(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    # Position-weighted mean (SGPT / sentence-transformers "weightedmean"): token i weighs i+1.
    weights = torch.arange(1, hidden.shape[1] + 1, device=hidden.device, dtype=hidden.dtype)
    m = mask.to(hidden.dtype) * weights
    return (hidden * m.unsqueeze(-1)).sum(dim=1) / m.sum(dim=1, keepdim=True).clamp(min=1e-9)


def _sent_last(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    # Last real token of each right-padded row (the natural choice for decoders such as GPT-2).
    last = mask.long().sum(dim=1) - 1
    return hidden[torch.arange(hidden.shape[0], device=hidden.device), last.clamp(min=0)]


SENTENCE_POOLERS: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "mean": _sent_mean,
    "cls": _sent_cls,
    "max": _sent_max,
    "weighted-mean": _sent_weighted_mean,
    "last": _sent_last,
}

# --- words ------------------------------------------------------------------------------------
# tokens: [n, D] float32 numpy; starts: sorted start index of each word's run (len W); ends likewise
# (exclusive). Runs are contiguous and non-overlapping, but need not cover every row. Returns [W, D].


def _word_sum(tokens: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    if len(starts) == 0:
        return np.zeros((0, tokens.shape[1]), np.float32)
    # Sum over [s0, e0), [e0, s1), [s1, e1), ...: the even parts are the words (reduceat takes a
    # part whose end is not after its start as one row; only odd parts, the gaps, can be so).
    bounds = np.empty(2 * len(starts), dtype=np.int64)
    bounds[0::2], bounds[1::2] = starts, ends
    if bounds[-1] == len(tokens):
        bounds = bounds[:-1]  # the last word runs to the end
    return np.ascontiguousarray(np.add.reduceat(tokens, bounds, axis=0)[0::2])


def _word_mean(tokens: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    counts = (ends - starts).astype(np.float32)[:, None]
    return _word_sum(tokens, starts, ends) / counts


def _word_max(tokens: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    return np.stack([tokens[s:e].max(axis=0) for s, e in zip(starts, ends)]) if len(starts) else np.zeros((0, tokens.shape[1]), np.float32)


def _word_first(tokens: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    return tokens[starts]


def _word_last(tokens: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    return tokens[ends - 1]


WORD_POOLERS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = {
    "mean": _word_mean,
    "first": _word_first,
    "last": _word_last,
    "max": _word_max,
    "sum": _word_sum,
}

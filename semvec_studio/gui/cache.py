"""Results cache: what was embedded, keyed by everything that changes the vectors.

A key is (model weights SHA-256, model path, dtype, hash of the texts, resolved layers, layer
combination, normalisation) plus, for tokens and words, the segmenter and the user dictionary's
SHA-256 (they decide which word a piece belongs to), the word pooling for word vectors and the
sentence pooling for sentence vectors. Changing one control therefore recomputes only the levels it affects, and
going back to an earlier choice costs no forward pass. Entries are dropped least recently used
first once the vectors exceed ``max_bytes``.

The task that fills it is :func:`semvec_studio.gui.jobs.embed_levels`.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from semvec_studio.core.io.vectors import LEVELS, EmbeddingSet

DEFAULT_MAX_BYTES = 768 * 1024 * 1024


def texts_hash(texts: Sequence[str]) -> str:
    return hashlib.sha256(json.dumps(list(texts), ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class EmbedRequest:
    """Everything that determines the vectors of one embedding of a list of texts."""

    weights_sha256: str
    model_path: str
    dtype: str
    texts_sha256: str
    layers: tuple[int, ...]  # resolved: 0 = embeddings .. L
    layer_combine: str
    word_pooling: str
    pooling: str
    normalize: bool
    segmenter: str = "auto"
    user_dict: str = ""  # path of a jieba user dictionary ("" none)
    user_dict_sha256: str = ""  # its content: an edited dictionary makes other words

    def __post_init__(self) -> None:
        if len(self.layers) == 1:  # one layer: the combination does not matter
            object.__setattr__(self, "layer_combine", "mean")

    def key(self, level: str) -> tuple:
        base = (self.weights_sha256, self.model_path, self.dtype, self.texts_sha256,
                self.layers, self.layer_combine, self.normalize, level)
        if level == "sentence":
            return base + (self.pooling,)
        words = (self.segmenter, self.user_dict_sha256)
        if level == "word":
            return base + words + (self.word_pooling,)
        return base + words

    def extract_options(self) -> dict:
        """Keyword arguments for ``core.extract.encode.ExtractOptions`` (without ``levels``)."""
        return {"layers": self.layers, "layer_combine": self.layer_combine, "word_pooling": self.word_pooling,
                "pooling": self.pooling, "normalize": self.normalize, "segmenter": self.segmenter,
                "user_dict": self.user_dict or None}


class ResultsCache:
    """An LRU map from :meth:`EmbedRequest.key` to EmbeddingSet, bounded in bytes."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, EmbeddingSet] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        return sum(s.vectors.nbytes for s in self._items.values())

    def get(self, request: EmbedRequest, level: str) -> EmbeddingSet | None:
        key = request.key(level)
        found = self._items.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return found

    def missing(self, request: EmbedRequest, levels: Sequence[str] = LEVELS) -> tuple[str, ...]:
        """The levels of ``request`` not in the cache (does not count as hits or misses)."""
        return tuple(lv for lv in levels if request.key(lv) not in self._items)

    def put(self, request: EmbedRequest, sets: dict[str, EmbeddingSet]) -> None:
        for level, embset in sets.items():
            key = request.key(level)
            self._items[key] = embset
            self._items.move_to_end(key)
        keep = {request.key(lv) for lv in sets}
        while self.nbytes > self.max_bytes and len(self._items) > len(keep):
            oldest = next(k for k in self._items if k not in keep)
            del self._items[oldest]

    def clear(self) -> None:
        self._items.clear()

"""What to extract: :class:`ExtractOptions` (levels, layers and how they combine, pooling, word
segmentation, windows of long texts), checked in two steps before any text is encoded: on its own (:meth:`check`, before
the model or the inputs are read) and against the loaded model (:meth:`check_for`: its layers,
its length limit and how many special tokens its tokenizer adds to each window).
"""

from __future__ import annotations

from dataclasses import dataclass

from semvec_studio.core.errors import UsageError
from semvec_studio.core.extract.pooling import LAYER_COMBINERS, SENTENCE_POOLERS, WORD_POOLERS
from semvec_studio.core.extract.segmenters import check_segmenter
from semvec_studio.core.io.vectors import LEVELS
from semvec_studio.core.models import LoadedModel

MIN_LENGTH = 4


@dataclass(frozen=True)
class ExtractOptions:
    """What to extract. ``layers`` index ``hidden_states`` (0 = embeddings, negative from the top);
    ``segmenter`` finds the words of the token and word levels, ``user_dict`` is a jieba user
    dictionary (see :mod:`semvec_studio.core.extract.segmenters`)."""

    levels: tuple[str, ...] = ("sentence",)
    layers: tuple[int, ...] = (-1,)
    layer_combine: str = "mean"
    word_pooling: str = "mean"
    pooling: str = "mean"
    normalize: bool = False
    include_special: bool = False
    max_length: int | None = None
    stride: int | None = None
    truncate: bool = False
    batch_size: int = 32
    segmenter: str = "auto"
    user_dict: str | None = None

    def check(self) -> None:
        """Everything that can be checked without a model: choices, counts, that windows overlap
        by less than their length, the segmenter and its user dictionary."""
        for name, value, registry in (
            ("--level", self.levels, LEVELS),
            ("--layer-combine", (self.layer_combine,), LAYER_COMBINERS),
            ("--word-pooling", (self.word_pooling,), WORD_POOLERS),
            ("--pooling", (self.pooling,), SENTENCE_POOLERS),
        ):
            for v in value:
                if v not in registry:
                    raise UsageError(f"{name} {v}: choose one of {', '.join(registry)}.")
        if not self.levels:
            raise UsageError("--level: choose at least one of token, word, sentence.")
        if not self.layers:
            raise UsageError("--layers: give at least one layer index.")
        if self.batch_size < 1:
            raise UsageError(f"--batch-size {self.batch_size}: must be at least 1.")
        if self.max_length is not None and self.max_length < MIN_LENGTH:
            raise UsageError(f"--max-length {self.max_length}: must be at least {MIN_LENGTH} tokens.")
        if self.stride is not None and self.stride < 0:
            raise UsageError(f"--stride {self.stride}: must be 0 or more (tokens of overlap between windows).")
        if self.stride is not None and self.max_length is not None and not self.truncate and self.stride >= self.max_length:
            raise UsageError(f"--stride {self.stride}: the overlap must be smaller than the window (--max-length "
                             f"{self.max_length}); lower --stride or raise --max-length.")
        check_segmenter(self.segmenter, self.user_dict)

    def check_for(self, lm: LoadedModel) -> None:
        """:meth:`check`, then what depends on the model: its layers, its length limit, and room in
        each window for the overlap once the tokenizer's special tokens are added."""
        self.check()
        num_layers, model_max = lm.num_layers, lm.max_length
        for layer in self.layers:
            if not -(num_layers + 1) <= layer <= num_layers:
                raise UsageError(f"--layers {layer}: this model has layers 0 (embeddings) to {num_layers}; "
                                 "negative indices count from the top (-1 = last).")
        if self.max_length is not None and self.max_length > model_max:
            raise UsageError(f"--max-length {self.max_length}: must be between {MIN_LENGTH} and the model's limit, {model_max}.")
        if self.truncate:
            return
        window = (self.max_length or model_max) - lm.tokenizer.num_special_tokens_to_add(pair=False)
        stride = self.stride if self.stride is not None else (self.max_length or model_max) // 4
        if stride >= window:
            raise UsageError(f"--stride {stride}: each window holds {window} tokens of text (--max-length "
                             f"{self.max_length or model_max} less the model's special tokens), so the overlap must be smaller; "
                             "lower --stride or raise --max-length.")

    def resolved_layers(self, num_layers: int) -> tuple[int, ...]:
        return tuple(layer if layer >= 0 else num_layers + 1 + layer for layer in self.layers)

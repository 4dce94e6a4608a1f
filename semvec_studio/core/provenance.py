"""The manifest that travels with every EmbeddingSet and export: how the vectors were made."""

from __future__ import annotations

import datetime as _dt
import platform
from importlib import metadata as _md

import semvec_studio


def library_versions() -> dict[str, str]:
    out = {"semvec-studio": semvec_studio.__version__, "python": platform.python_version()}
    for dist in ("torch", "transformers", "tokenizers", "numpy", "scikit-learn"):
        try:
            out[dist] = _md.version(dist)
        except _md.PackageNotFoundError:
            pass
    return out


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def base_manifest(lm, options, layers, max_len: int, stride: int, dim: int, *, segmenter: dict | None = None) -> dict:
    """The manifest's common part; ``segmenter``: how words were found (token and word levels), else None."""
    info = lm.info
    return {
        "model": {
            "path": info.path,
            "name": info.name,
            "architecture": info.architecture,
            "weights_sha256": info.weights_sha256,
            "weights_format": info.weights_format,
        },
        "layers": list(options.layers),
        "layers_resolved": list(layers),
        "layer_combine": options.layer_combine,
        "word_pooling": options.word_pooling,
        "segmenter": segmenter,
        "pooling": options.pooling,
        "normalize": options.normalize,
        "include_special": options.include_special,
        "dtype": lm.dtype,
        "device": lm.device,
        "max_length": max_len,
        "stride": None if options.truncate else stride,
        "truncate": options.truncate,
        "batch_size": options.batch_size,
        "dim": dim,
        "versions": library_versions(),
        "created": now_iso(),
    }

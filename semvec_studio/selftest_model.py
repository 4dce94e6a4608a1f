"""The self-test's model checks (``semvec-studio --self-test``): the shipped resources, the default
model, and the vectors it makes.

``resources`` reads the demo corpus and the sample labelled CSV; ``model`` loads the bundled
default model; ``extract`` makes token, word and sentence vectors of the demo corpus (also with a
tokenising child process, as the app does for many texts); ``chinese`` cuts a Chinese sentence
into words with jieba; ``semantics`` makes sure the real weights put similar sentences close.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from semvec_studio.selftest_exports import expect
from semvec_studio.selftest_registry import State, check

SEMANTIC_TEXTS = ("A man is playing a guitar.", "Someone plays an acoustic guitar.", "The stock market fell sharply today.")


@check("resources")
def _resources(state: State) -> str:
    from semvec_studio.core.resources import DEMO_CORPUS, DEMO_LABELLED_CSV, is_frozen, resource_path

    corpus, labelled = resource_path(DEMO_CORPUS), resource_path(DEMO_LABELLED_CSV)
    texts = [line.strip() for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    with open(labelled, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expect(len(texts) >= 5, f"{corpus}: only {len(texts)} texts")
    expect(rows and {"text", "label"} <= set(rows[0]), f"{labelled}: no text,label columns")
    state.values.update(texts=texts, labelled=labelled)
    where = "bundle" if is_frozen() else "installation"
    return f"{corpus.parent.parent} ({where}): {len(texts)} demo texts, {len(rows)} labelled rows"


@check("model")
def _model(state: State) -> str:
    from semvec_studio.core.models import load_model
    from semvec_studio.core.resources import is_frozen

    t0 = time.perf_counter()
    lm = load_model("default", device="cpu")
    info = lm.info
    expect((info.num_layers, info.hidden_size) == (6, 384), f"{info.num_layers} layers x {info.hidden_size}, expected 6 x 384")
    expect(info.weights_format == "safetensors", f"weights are {info.weights_format}, expected safetensors")
    if is_frozen():
        expect(Path(info.path).resolve().is_relative_to(Path(sys._MEIPASS).resolve()), f"{info.path} is outside the bundle")
    state.values["lm"] = lm
    return f"{info.architecture} {info.num_layers}x{info.hidden_size} from {info.path} in {time.perf_counter() - t0:.1f} s"


@check("extract", needs=("lm", "texts"))
def _extract(state: State) -> str:
    import numpy as np

    from semvec_studio.core.extract.encode import extract
    from semvec_studio.core.extract.options import ExtractOptions

    sets = extract(state.values["lm"], state.values["texts"], ExtractOptions(levels=("token", "word", "sentence")))
    n_texts = len(state.values["texts"])
    for level, s in sets.items():
        expect(s.vectors.ndim == 2 and s.dim == 384 and len(s) > 0, f"{level}: shape {s.vectors.shape}")
        expect(bool(np.isfinite(s.vectors).all()), f"{level}: NaN or infinite values")
        expect(bool((np.linalg.norm(s.vectors, axis=1) > 0).all()), f"{level}: a zero vector")
    expect(len(sets["sentence"]) == n_texts, f"{len(sets['sentence'])} sentence vectors for {n_texts} texts")
    expect(len(sets["token"]) >= len(sets["word"]) >= n_texts, "fewer tokens than words, or words than texts")
    versions = sets["sentence"].manifest.get("versions", {})
    lacking = [d for d in ("torch", "transformers", "tokenizers", "numpy", "scikit-learn") if d not in versions]
    expect(not lacking, f"the manifest lacks the versions of {', '.join(lacking)} (package metadata missing)")
    child = extract(state.values["lm"], state.values["texts"], ExtractOptions(levels=("token", "word", "sentence")), producer=True)
    for level, s in sets.items():  # the texts tokenised in a child process, as the app and CLI do for many texts
        expect(np.array_equal(np.asarray(s.vectors), np.asarray(child[level].vectors)), f"{level}: other rows from a tokenising child process")
    state.values["sets"] = sets
    shapes = ", ".join(f"{level} {s.vectors.shape}" for level, s in sets.items())
    return (f"{shapes}, all finite, the same from a tokenising child process; manifest: torch {versions['torch']}, "
            f"transformers {versions['transformers']}")


@check("chinese")
def _chinese(state: State) -> str:
    from semvec_studio.core.extract.segmenters import get_segmenter, jieba_installed, jieba_version
    from semvec_studio.core.resources import is_frozen

    if not jieba_installed() and not is_frozen():  # the bundle always carries it
        return "jieba (the zh extra) is not installed: Chinese whole words are one character each"
    text = "我们在北京大学学习自然语言处理"
    words = [text[s:e] for s, e in get_segmenter("jieba").spans(text)]
    expect("北京大学" in words or "北京" in words, f"jieba cut {text} into {words}: its dictionary is missing")
    return f"jieba {jieba_version()}: {' / '.join(words)}"


@check("semantics", needs=("lm",))
def _semantics(state: State) -> str:
    import numpy as np

    from semvec_studio.core.extract.pipeline import embed

    v = embed(list(SEMANTIC_TEXTS), state.values["lm"], level="sentence", normalize=True).vectors
    close, far = float(v[0] @ v[1]), float(v[0] @ v[2])
    expect(bool(np.isfinite(v).all()) and close > far + 0.2, f"cosine guitar/guitar {close:.3f} vs guitar/stocks {far:.3f}")
    return f"cosine guitar/guitar {close:.3f} > guitar/stocks {far:.3f} (real weights)"

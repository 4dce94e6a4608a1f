"""The labelled sets of the labelling benchmarks (TREC, a seeded SST-2 subsample) and their sentence
vectors with the bundled default model (mean pooling, last layer), cached under /tmp.

Run on its own to fill the cache: .venv/bin/python -m tests.benchmarks.labelling_data
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.models import load_model
from tests.benchmarks.conftest import DATA, DEVICE

CACHE = Path(os.environ.get("SEMVEC_LABELLING_CACHE", "/tmp/semvec_labelling_bench"))
SST2_ROWS = 8000
SST2_SEED = 0


def trec_rows(data: Path = DATA) -> tuple[list[str], list[str]]:
    """TREC train (5,452) then test (500): the question texts and their coarse classes."""
    texts, labels = [], []
    for name in ("train_5500.label", "TREC_10.label"):
        for line in (data / "trec" / name).read_text(encoding="iso-8859-1").splitlines():
            if not line.strip():
                continue
            tag, text = line.split(" ", 1)
            texts.append(text.strip())
            labels.append(tag.split(":", 1)[0])
    return texts, labels


def sst2_rows(data: Path = DATA, n: int = SST2_ROWS, seed: int = SST2_SEED) -> tuple[list[str], list[str]]:
    """A seeded subsample of ``n`` rows of SST-2 train (without repetition), in file order."""
    lines = (data / "sst2" / "train.tsv").read_text(encoding="utf-8").splitlines()[1:]
    keep = np.sort(np.random.default_rng(seed).choice(len(lines), size=n, replace=False))
    rows = [lines[i].split("\t") for i in keep]
    return [r[0].strip() for r in rows], [r[1].strip() for r in rows]


SETS = {"trec": trec_rows, "sst2": sst2_rows}


def labelled_vectors(name: str, data: Path = DATA, *, layers: tuple[int, ...] = (-1,), rows: int | None = None
                     ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(vectors float32, label ids int64, class names) of set ``name`` (its first ``rows`` rows when
    given), mean-pooled over ``layers`` (mean of the layers), extracted once and cached."""
    texts, labels = SETS[name](data)
    if rows is not None:
        texts, labels = texts[:rows], labels[:rows]
    classes = sorted(set(labels))
    ids = np.asarray([classes.index(lb) for lb in labels], np.int64)
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    suffix = "" if layers == (-1,) else "-layers" + "_".join(str(layer) for layer in layers)
    path = CACHE / f"{name}-{key}{suffix}.npy"
    if path.is_file():
        return np.load(path), ids, classes
    lm = load_model("default", device=DEVICE)
    vectors = extract(lm, texts, ExtractOptions(levels=("sentence",), layers=layers, batch_size=64))["sentence"].vectors
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, np.asarray(vectors, np.float32))
    return np.load(path), ids, classes


if __name__ == "__main__":
    for set_name in SETS:
        v, y, c = labelled_vectors(set_name)
        print(set_name, v.shape, np.bincount(y), c)

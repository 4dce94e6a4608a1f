"""Read back each export format for ``semvec-studio --self-test`` (:mod:`semvec_studio.selftest`).

:data:`READERS` maps a format name to ``read(folder, embset) -> detail``: it opens the files the
format wrote with the library a user would (numpy, csv, pyarrow...), compares them with the
vectors that were written and raises :class:`CheckFailed` on any difference.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path


class CheckFailed(Exception):
    """A check's result is wrong; the message says how."""


def expect(ok: bool, message: str) -> None:
    if not ok:
        raise CheckFailed(message)


def _read_npy(folder: Path, es) -> str:
    import numpy as np

    from semvec_studio.core.io.vectors import EmbeddingSet

    back = EmbeddingSet.load(folder, mmap=False)
    expect(np.array_equal(back.vectors, es.vectors), "vectors.npy differs from the vectors written")
    expect(back.columns == es.columns and len(back) == len(es), "metadata.tsv columns or rows differ")
    return f"EmbeddingSet.load: {back.vectors.shape} equal, {len(back.columns)} metadata columns"


def _read_csv(folder: Path, es) -> str:
    import numpy as np

    with open(folder / "vectors.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    expect(len(body) == len(es), f"{len(body)} rows, expected {len(es)}")
    first = header.index("d0")
    values = np.array([r[first:] for r in body], dtype=np.float32)
    expect(np.array_equal(values, es.vectors), "numbers differ from the vectors written")
    return f"{len(body)} rows x {len(header)} columns, numbers equal"


def _read_projector(folder: Path, es) -> str:
    import numpy as np

    values = np.loadtxt(folder / "vectors.tsv", delimiter="\t", dtype=np.float32, ndmin=2)
    meta = (folder / "projector_metadata.tsv").read_text(encoding="utf-8").splitlines()
    config = (folder / "projector_config.pbtxt").read_text(encoding="utf-8")
    expect(np.array_equal(values, es.vectors), "vectors.tsv differs from the vectors written")
    expect(len(meta) == len(es) + (1 if len(es.columns) > 1 else 0), f"{len(meta)} metadata lines for {len(es)} rows")
    expect(f"tensor_shape: {len(es)}" in config, "projector_config.pbtxt lacks the tensor shape")
    return f"vectors.tsv {values.shape} equal, {len(meta)} metadata lines, config ok"


def _read_word2vec(folder: Path, es) -> str:
    import numpy as np

    lines = (folder / "vectors.w2v.txt").read_text(encoding="utf-8").splitlines()
    count, dim = (int(x) for x in lines[0].split())
    expect(dim == es.dim and count == len(lines) - 1 and 0 < count <= len(es), f"header '{lines[0]}' for {len(lines) - 1} lines")
    vec = np.array(lines[1].split(" ")[1:], dtype=np.float32)
    expect(vec.shape == (dim,) and bool(np.isfinite(vec).all()), "first vector unreadable")
    return f"header '{count} {dim}', {count} keys"


def _read_parquet(folder: Path, es) -> str:
    import numpy as np
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "vectors.parquet")
    expect(table.num_rows == len(es), f"{table.num_rows} rows, expected {len(es)}")
    vectors = np.array(table.column("vector").to_pylist(), dtype=np.float32)
    expect(np.array_equal(vectors, es.vectors), "vector column differs from the vectors written")
    expect(b"semvec_manifest" in (table.schema.metadata or {}), "no manifest in the schema metadata")
    return f"pyarrow: {table.num_rows} rows, {table.num_columns} columns, vectors equal, manifest in schema"


READERS: dict[str, Callable] = {"npy": _read_npy, "csv": _read_csv, "projector": _read_projector,
                                "word2vec": _read_word2vec, "parquet": _read_parquet}

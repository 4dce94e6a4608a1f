"""The measurement behind the choice of approximate-neighbour library (issue 17): faiss-cpu
(HNSW and IVF-Flat), usearch and hnswlib on the same vectors, against exact search.

Data: real sentence vectors of the bundled model (all-MiniLM-L6-v2, 384 dims, unit length) of
SST-2 sentences, read from an extraction folder (``--base``), each tiled with Gaussian noise of
norm ``--noise`` and scaled back to unit length, to ``--rows`` rows; the queries are further noisy
copies not in the index. Without ``--base``, a Gaussian mixture (2,000 centres, 384 dims) instead.
Exact top 10 by cosine (a float32 matrix product over blocks) is the truth for recall@10.
Per library: build time (2 threads), each setting of its search knob: recall@10 and the time of
one query at a time on one thread (median and p99). One ``BENCH`` line per measurement.

Run (1,000,000 rows take some 2 GiB per library):
    .venv/bin/semvec extract sst2_4k.tsv --level sentence --normalize -o /tmp/annbench/sst2_vecs
    .venv/bin/python -m tests.benchmarks.test_index_libraries --rows 1000000 --base /tmp/annbench/sst2_vecs
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from tests.benchmarks.conftest import report

DIM, K = 384, 10


def unit(x: np.ndarray) -> np.ndarray:
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def noisy_copies(base: np.ndarray, n: int, noise: float, seed: int) -> np.ndarray:
    """``n`` rows: row i is base[i % len(base)] plus Gaussian noise of norm about ``noise``, unit length."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    scale = noise / np.sqrt(base.shape[1])
    for start in range(0, n, 65536):
        stop = min(n, start + 65536)
        part = base[np.arange(start, stop) % len(base)] + rng.standard_normal((stop - start, base.shape[1]),
                                                                              dtype=np.float32) * scale
        out[start:stop] = unit(part)
    return out


def make_data(rows: int, queries: int, base_dir: str | None, noise: float) -> tuple[np.ndarray, np.ndarray, str]:
    if base_dir:
        base = np.load(Path(base_dir) / "vectors.npy").astype(np.float32)
        base = unit(base.copy())
        what = f"{len(base):,} real all-MiniLM-L6-v2 SST-2 sentence vectors tiled with noise {noise}"
    else:
        rng = np.random.default_rng(1)
        base = unit(rng.standard_normal((2000, DIM)).astype(np.float32))
        what = f"Gaussian mixture of 2,000 centres, noise {noise}"
    x = noisy_copies(base, rows, noise, seed=2)
    q = noisy_copies(base[np.random.default_rng(3).permutation(len(base))], queries, noise, seed=4)
    return x, q, what


def exact_top(x: np.ndarray, q: np.ndarray, k: int = K) -> np.ndarray:
    best_s = np.full((len(q), k), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(q), k), dtype=np.int64)
    for start in range(0, len(x), 65536):
        s = q @ x[start:start + 65536].T
        top = np.argpartition(-s, k - 1, axis=1)[:, :k]
        cs = np.concatenate([best_s, np.take_along_axis(s, top, 1)], 1)
        ci = np.concatenate([best_i, top + start], 1)
        o = np.argsort(-cs, axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(cs, o, 1), np.take_along_axis(ci, o, 1)
    return best_i


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f.tolist()) & set(t.tolist())) / K for f, t in zip(found, truth)]))


def per_query(search, q: np.ndarray) -> tuple[np.ndarray, float, float]:
    found, times = [], []
    search(q[:1])  # warm
    for row in q:
        t0 = time.perf_counter()
        found.append(search(row[None, :]))
        times.append(time.perf_counter() - t0)
    ms = np.asarray(times) * 1000
    return np.concatenate(found), float(np.median(ms)), float(np.percentile(ms, 99))


# --- one adapter per library: build(x) -> (index, seconds, bytes on disk), then search at each knob ----

def faiss_hnsw(x, threads, knobs):
    import faiss

    faiss.omp_set_num_threads(threads)
    index = faiss.IndexHNSWFlat(x.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 100
    t0 = time.perf_counter()
    index.add(x)
    build = time.perf_counter() - t0
    faiss.omp_set_num_threads(1)
    for ef in knobs or (16, 32, 64, 128):
        index.hnsw.efSearch = ef
        yield f"efSearch={ef}", build, lambda v: index.search(v, K)[1], index, faiss.write_index


def faiss_ivf(x, threads, knobs):
    import faiss

    faiss.omp_set_num_threads(threads)
    nlist = int(4 * np.sqrt(len(x)))
    quantizer = faiss.IndexFlatIP(x.shape[1])
    index = faiss.IndexIVFFlat(quantizer, x.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    t0 = time.perf_counter()
    train = x[np.random.default_rng(0).choice(len(x), min(len(x), 50 * nlist), replace=False)]
    index.train(train)
    index.add(x)
    build = time.perf_counter() - t0
    faiss.omp_set_num_threads(1)
    for nprobe in knobs or (8, 16, 32, 64):
        index.nprobe = nprobe
        yield f"nlist={nlist},nprobe={nprobe}", build, lambda v: index.search(v, K)[1], index, faiss.write_index


def usearch_hnsw(x, threads, knobs):
    from usearch.index import Index

    index = Index(ndim=x.shape[1], metric="cos", dtype="f32", connectivity=16, expansion_add=128)
    t0 = time.perf_counter()
    index.add(np.arange(len(x)), x, threads=threads)
    build = time.perf_counter() - t0
    for ef in knobs or (16, 32, 64, 128):
        index.expansion_search = ef
        yield (f"M=16,efC=128,ef={ef}", build, lambda v: np.asarray(index.search(v, K, threads=1).keys).reshape(len(v), K),
               index, lambda ix, p: ix.save(p))


def hnswlib_hnsw(x, threads, knobs):
    import hnswlib

    index = hnswlib.Index(space="ip", dim=x.shape[1])
    index.init_index(max_elements=len(x), ef_construction=100, M=16, random_seed=0)
    t0 = time.perf_counter()
    index.add_items(x, np.arange(len(x)), num_threads=threads)
    build = time.perf_counter() - t0
    index.set_num_threads(1)
    for ef in knobs or (16, 32, 64, 128):
        index.set_ef(ef)
        yield f"M=16,efC=100,ef={ef}", build, lambda v: index.knn_query(v, k=K)[0], index, lambda ix, p: ix.save_index(p)


LIBRARIES = {"faiss-hnsw": faiss_hnsw, "faiss-ivf": faiss_ivf, "usearch": usearch_hnsw, "hnswlib": hnswlib_hnsw}


def disk_bytes(index, save) -> int:
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR", "/tmp")) as tmp:
        path = str(Path(tmp) / "index")
        save(index, path)
        return os.path.getsize(path)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--base", help="an extraction folder of real sentence vectors (else a Gaussian mixture)")
    ap.add_argument("--noise", type=float, default=0.5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--libs", default=",".join(LIBRARIES))
    args = ap.parse_args(argv)
    x, q, what = make_data(args.rows, args.queries, args.base, args.noise)
    t0 = time.perf_counter()
    truth = exact_top(x, q)
    exact_s = time.perf_counter() - t0
    report("index-data", rows=args.rows, dim=x.shape[1], queries=len(q), data=what.replace(" ", "_"),
           exact_ms_per_query=f"{exact_s * 1000 / len(q):.1f}")
    for name in args.libs.split(","):
        saved = False
        for knob, build, search, index, save in LIBRARIES[name](x, args.threads, None):
            found, med, p99 = per_query(search, q)
            extra = {}
            if not saved:
                extra["disk_MiB"] = f"{disk_bytes(index, save) / 2**20:.0f}"
                saved = True
            report(f"index-{name}", rows=args.rows, knob=knob, build_s=f"{build:.1f}", recall10=f"{recall(found, truth):.4f}",
                   query_ms_median=f"{med:.3f}", query_ms_p99=f"{p99:.3f}", **extra)
        del index
        gc.collect()


if __name__ == "__main__":
    main()

"""Search and maps at 1,000,000 x 384 (issue 17), run by hand: the approximate index (build time,
query time median and p99, recall@10 against exact search) and maps of 1,000,000 rows (PCA of all
rows; t-SNE or UMAP fitted on a 100,000-row sample, the rest placed by transform) with the
"fitted on N of M rows" banner. One ``BENCH`` line per figure.

The vectors: real sentence vectors of the bundled model (all-MiniLM-L6-v2, 384 dims, unit
length) of SST-2 sentences (``--base``, an extraction folder), each tiled with Gaussian noise of
norm ``--noise`` (0.5: a row's neighbours are mostly copies of its own sentence, which makes the
search easy; 1.0: copies lie further apart than real neighbouring sentences, 0.84 on average,
so neighbourhoods mix sentences) and scaled back to unit length
(tests/benchmarks/test_index_libraries.py); the queries
are rows of the set (each left out of its own answer), as a click on the map asks. The set is
written once as an extraction folder (``--folder``), so the index is built from the same
memory-mapped vectors.npy ``semvec index`` reads.

Run:
    .venv/bin/semvec extract sst2_4k.tsv --level sentence --normalize -o /tmp/annbench/sst2_vecs
    .venv/bin/python -m tests.benchmarks.test_index_speed index --base /tmp/annbench/sst2_vecs
    .venv/bin/python -m tests.benchmarks.test_index_speed index --base /tmp/annbench/sst2_vecs --noise 1.0 --folder /tmp/annbench/m1h
    .venv/bin/python -m tests.benchmarks.test_index_speed project --method umap
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from semvec_studio.core.io.exporters import save
from semvec_studio.core.io.vectors import EmbeddingSet
from semvec_studio.core.projection.base import ProjectionParams
from semvec_studio.core.projection.index import IndexParams, build_index
from semvec_studio.core.projection.index_files import index_dir, load_index, save_index
from semvec_studio.core.projection.neighbours import neighbours
from semvec_studio.core.projection.project import project
from semvec_studio.core.rows import sample_positions
from semvec_studio.core.tasks import NullContext
from tests.benchmarks.conftest import report
from tests.benchmarks.test_index_libraries import make_data

ROWS, K = 1_000_000, 10


def load() -> str:
    return "/".join(f"{v:.2f}" for v in os.getloadavg())


def make_folder(folder: Path, rows: int, base: str | None, noise: float = 0.5) -> EmbeddingSet:
    if not (folder / "vectors.npy").is_file():
        x, _, what = make_data(rows, 1, base, noise)
        meta = {"text_id": np.arange(rows, dtype=np.int64), "text": [f"row {i}" for i in range(rows)]}
        save(EmbeddingSet(x, meta, {"level": "sentence", "data": what}, "sentence"), folder, ("npy",))
        del x, meta
    return EmbeddingSet.load(folder)


class Phases(NullContext):
    """Prints when each phase of a job starts (seconds since the job started)."""

    def __init__(self) -> None:
        super().__init__()
        self.t0, self.seen = time.perf_counter(), set()

    def on_progress(self, p) -> None:
        if p.phase not in self.seen:
            self.seen.add(p.phase)
            print(f"  {time.perf_counter() - self.t0:7.1f} s  {p.phase}", flush=True)


def timed_queries(fn, rows: np.ndarray) -> tuple[np.ndarray, float, float, float]:
    """Answers, then the median and p99 wall time per query (ms), and the p99 of the CPU time of
    the querying thread (ms): on a loaded machine the wall time's tail is mostly waiting for a CPU."""
    fn(rows[:1])
    found, ms, cpu = [], [], []
    for r in rows:
        t0, c0 = time.perf_counter(), time.thread_time()
        found.append(fn(np.asarray([r]))[0])
        ms.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    return np.concatenate(found), float(np.median(ms)), float(np.percentile(ms, 99)), float(np.percentile(cpu, 99))


def bench_index(args) -> None:
    es = make_folder(Path(args.folder), args.rows, args.base, args.noise)
    vectors = es.vectors
    if not (args.reuse and index_dir(args.folder).is_dir()):
        t0 = time.perf_counter()
        built = build_index(vectors, IndexParams(), Phases())
        save_index(built, args.folder)
        m = built.manifest
        size = sum(p.stat().st_size for p in index_dir(args.folder).iterdir()) / 2**20
        report("index-build", rows=len(es), dim=es.dim, index=m["index"], nprobe=m["nprobe"],
               build_s=f"{time.perf_counter() - t0:.1f}", recall_at_build=m["recall_at_10"]["value"],
               disk_MiB=f"{size:.0f}", load=load())
    t0 = time.perf_counter()
    ix = load_index(args.folder, vectors, mmap=args.mmap)
    report("index-load", rows=len(es), mmap=args.mmap, seconds=f"{time.perf_counter() - t0:.1f}", load=load())
    queries = sample_positions(len(es), args.queries, 99)
    cached = Path(args.folder) / f"truth-{len(queries)}.npy"  # exact answers, kept for a rerun with --reuse
    if cached.is_file():
        truth = np.load(cached)
    else:
        t0 = time.perf_counter()
        truth, _ = neighbours(vectors, queries, K)
        report("exact-batch", rows=len(es), queries=len(queries), ms_per_query=f"{(time.perf_counter() - t0) * 1000 / len(queries):.1f}",
               load=load())
        np.save(cached, truth)
    found, med, p99, cpu99 = timed_queries(lambda r: neighbours(vectors, r, K, index=ix), queries)
    hits = [len(set(f.tolist()) & set(t.tolist())) for f, t in zip(found, truth)]
    report("index-query", rows=len(es), queries=len(queries), recall10=f"{np.sum(hits) / truth.size:.4f}",
           query_ms_median=f"{med:.2f}", query_ms_p99=f"{p99:.2f}", cpu_ms_p99=f"{cpu99:.2f}", load=load())
    _, emed, ep99, _ = timed_queries(lambda r: neighbours(vectors, r, K), queries[:20])
    report("exact-query", rows=len(es), queries=20, query_ms_median=f"{emed:.1f}", query_ms_p99=f"{ep99:.1f}", load=load())


def bench_project(args) -> None:
    es = make_folder(Path(args.folder), args.rows, args.base)
    for method in ["pca", *args.method.split(",")]:
        t0 = time.perf_counter()
        proj = project(es.vectors, ProjectionParams(method=method), Phases())
        s = time.perf_counter() - t0
        banner = proj.fitted_on or f"fitted on all {proj.total_rows:,} rows"
        report(f"project-{method}", rows=proj.total_rows, fitted_rows=proj.fitted_rows, seconds=f"{s:.1f}",
               trustworthiness=f"{proj.quality['trustworthiness']:.3f}", knn_overlap=f"{proj.quality['knn_overlap']:.3f}",
               implementation=proj.implementation.replace(" ", "_"), load=load())
        print(f"  banner: {banner}" + (f" (the others placed with {proj.placement})" if proj.placement else ""), flush=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=("index", "project"))
    ap.add_argument("--rows", type=int, default=ROWS)
    ap.add_argument("--base", help="an extraction folder of real sentence vectors (else a Gaussian mixture)")
    ap.add_argument("--folder", default="/tmp/annbench/m1", help="where the set is written once (an extraction folder)")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--noise", type=float, default=0.5, help="norm of the noise added to each tiled copy (default 0.5)")
    ap.add_argument("--reuse", action="store_true", help="query the index already saved in --folder (no build)")
    ap.add_argument("--mmap", action="store_true", help="memory-map the index instead of reading it into memory")
    ap.add_argument("--method", default="umap", help="sampled methods to map after PCA, comma-separated (tsne, umap)")
    args = ap.parse_args(argv)
    (bench_index if args.what == "index" else bench_project)(args)


if __name__ == "__main__":
    main()

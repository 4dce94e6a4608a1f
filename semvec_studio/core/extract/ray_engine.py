"""The Ray engine of a sharded extraction (``semvec extract --shard-rows N --engine ray``).

The same shards and manifest as the local engine (:mod:`.sharded`), made by Ray Data: the driver
reads the input a shard at a time, only a few shards ahead of the workers (2 x workers + 1 handed
out beyond those done), and feeds them through a Ray queue to one read task that yields a block
per shard; ``map_batches`` runs them over a pool of actors, each holding one model and calling
:func:`~semvec_studio.core.extract.sharded.extract_shard`, the function the local engine calls.
Actors write their shard folders themselves, so OUTDIR must be a path every node can write (a
shared file system) and the model a path every node can read. Ray restarts an actor that dies
and retries its shard; a shard is renamed into place only when complete, so a retried one
simply replaces nothing.

Without ``address`` a local Ray instance is started for the run (this machine's cores, local
addresses, no dashboard) and shut down afterwards; with ``auto`` or ``HOST:PORT`` the run joins
that cluster and leaves it running. Ray is the optional ``ray`` extra; it is imported only here,
when the engine is asked for.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path

from semvec_studio.core.errors import MissingExtraError, UsageError
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.sharded import Engine, ShardWork, extract_shard
from semvec_studio.core.models import load_model
from semvec_studio.core.tasks import TaskContext

LOCAL_ADDRESS = "127.0.0.1"


def import_ray():
    """The ``ray`` module with Ray Data, or a one-line error saying how to install it."""
    try:
        import ray  # noqa: PLC0415 - optional extra (ray)
        import ray.data  # noqa: F401, PLC0415 - optional extra (ray)
    except ImportError:
        raise MissingExtraError("--engine ray", "ray[data]", "ray") from None
    return ray


def ray_engine(*, model: str | os.PathLike, options: ExtractOptions, outdir: str | os.PathLike, store: str = "float32",
               device: str = "auto", dtype: str = "float32", allow_pickle: bool = False, address: str | None = None,
               workers: int | None = None, gpus_per_worker: float = 0, num_cpus: int | None = None,
               before_shard: Callable[[int], None] | None = None) -> Engine:
    """An engine for :func:`~semvec_studio.core.extract.sharded.extract_sharded` that runs on Ray.
    ``num_cpus``: CPUs of a local instance (default: all); ``before_shard(index)`` runs on the actor
    before each shard (tests use it to kill an actor mid-run)."""
    if workers is not None and workers < 1:
        raise UsageError(f"--workers {workers}: must be at least 1 (Ray actors, one model each).")
    if gpus_per_worker < 0:
        raise UsageError(f"--gpus-per-worker {gpus_per_worker}: must be 0 or more.")
    if address is not None and address != "auto" and ":" not in address:
        raise UsageError(f"--address {address}: give auto or HOST:PORT of the cluster's head (see 'ray start --head').")
    ray = import_ray()
    setup = dict(model=os.fspath(model), options=options, outdir=os.fspath(Path(outdir).absolute()), store=store,
                 device=device, dtype=dtype, allow_pickle=allow_pickle, before_shard=before_shard)

    def run(works: Iterator[ShardWork], done: Callable[[dict], None], ctx: TaskContext) -> dict:
        started = not ray.is_initialized()
        if started:
            _start(ray, address, num_cpus)
        try:
            return _run(ray, works, done, ctx, setup, address, workers, gpus_per_worker)
        finally:
            if started:
                ray.shutdown()
    return run


def _start(ray, address: str | None, num_cpus: int | None) -> None:
    common = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    if address is None:
        ray.init(address="local", num_cpus=num_cpus or os.cpu_count(), _node_ip_address=LOCAL_ADDRESS, **common)
    else:
        try:
            ray.init(address=address, **common)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            raise UsageError(f"--address {address}: cannot join the Ray cluster ({first}); start it with "
                             "'ray start --head' or check the address.") from None


def _run(ray, works, done, ctx: TaskContext, setup: dict, address, workers, gpus_per_worker) -> dict:
    resources = ray.cluster_resources()
    cpus, gpus = int(resources.get("CPU", 1)), int(resources.get("GPU", 0))
    size = workers or (max(1, int(gpus // gpus_per_worker)) if gpus_per_worker else max(1, cpus))
    facts = {"engine": "ray", "workers": size, "gpus_per_worker": gpus_per_worker,
             "cluster": {"address": address or "local", "nodes": len([n for n in ray.nodes() if n.get("Alive")]),
                         "cpus": cpus, "gpus": gpus}}
    first = next(works, None)
    if first is None:  # every shard was done before (--resume)
        return facts
    data_ctx = ray.data.DataContext.get_current()
    data_ctx.enable_progress_bars = False
    data_ctx.print_on_execution_start = False
    data_ctx.target_max_block_size = 1  # a block per shard, passed on at once (not gathered up to 128 MB)
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # no INFO line per dataset on the command line
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # nor "Progress bars disabled": ours show
    from ray.util.queue import Queue  # noqa: PLC0415 - optional extra (ray)

    queue = Queue(actor_options={"num_cpus": 0})
    try:
        feed = _Feed(itertools.chain([first], works), queue)
        for _ in range(2 * size + 1):  # a few shards ahead of the workers; one more as each is done
            feed.one()
        ds = ray.data.read_datasource(_shard_feed(queue), override_num_blocks=1, num_cpus=0)
        ds = ds.map_batches(ShardActor, fn_constructor_kwargs=setup, batch_size=1, batch_format="pyarrow",
                            compute=ray.data.ActorPoolStrategy(size=min(size, feed.shards) if feed.ended else size),
                            num_cpus=1 if not gpus_per_worker else 0, num_gpus=gpus_per_worker or None)
        finished = 0
        for row in ds.iter_rows():
            ctx.check_cancelled()
            entry = json.loads(row["entry"])
            done(entry)
            finished += entry["texts"]
            feed.one()
            ctx.report(finished, feed.texts if feed.ended else None, "embedding", unit="text", detail=f"{size} Ray workers")
    finally:
        queue.shutdown(force=True)
    return facts


class _Feed:
    """The driver's side of the shard feed: reads the input a shard at a time, here, only as the
    workers finish shards, and puts each into ``queue`` for the read task; after the last, None.
    So neither this process nor Ray's object store holds more of the input than the shards in
    flight. An error while reading (a bad row, an input that differs from an interrupted run's, a
    cancel) reaches the caller; the shards done so far stay for ``--resume``."""

    def __init__(self, works: Iterator[ShardWork], queue) -> None:
        self.works, self.queue = works, queue
        self.texts = self.shards = 0
        self.ended = False

    def one(self) -> None:
        if self.ended:
            return
        work = next(self.works, None)
        if work is None:
            self.ended = True
            self.queue.put(None)
            return
        self.texts += len(work.texts)
        self.shards += 1
        self.queue.put((work.index, work.text_start, pickle.dumps(work.texts, protocol=5)))


def _shard_feed(queue):
    """A Ray Data datasource of the shards the driver feeds through ``queue``: one read task, one
    one-row block per shard (its number, its first input row, and its texts pickled, so any string
    goes through unchanged). Made here, as Ray is imported only when its engine is asked for."""
    import pyarrow as pa  # noqa: PLC0415 - comes with the optional ray extra
    from ray.data.block import BlockMetadata  # noqa: PLC0415 - optional extra (ray)
    from ray.data.datasource import Datasource, ReadTask  # noqa: PLC0415 - optional extra (ray)

    def read():
        while (item := queue.get()) is not None:
            index, start, texts = item
            yield pa.table({"index": [index], "text_start": [start], "texts": pa.array([texts], pa.binary())})

    class ShardFeed(Datasource):
        def estimate_inmemory_data_size(self) -> None:
            return None

        def get_read_tasks(self, parallelism: int, per_task_row_limit=None, data_context=None) -> list:
            return [ReadTask(read, BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None, input_files=None))]

    return ShardFeed()


class ShardActor:
    """One Ray actor: loads the model once, then extracts the shards it is given with
    :func:`~semvec_studio.core.extract.sharded.extract_shard` (the local engine's function)."""

    def __init__(self, *, model, options, outdir, store, device, dtype, allow_pickle, before_shard) -> None:
        self.lm = load_model(model, device=device, dtype=dtype, allow_pickle=allow_pickle)
        self.options, self.outdir, self.store = options, Path(outdir), store
        self.before_shard = before_shard

    def __call__(self, batch) -> dict:
        entries = []
        for row in batch.to_pylist():
            index = int(row["index"])
            if self.before_shard is not None:
                self.before_shard(index)
            work = ShardWork(index, int(row["text_start"]), pickle.loads(row["texts"]))
            entries.append(json.dumps(extract_shard(self.lm, work, self.options, self.outdir, self.store)))
        return {"entry": entries}

"""The Ray engine of a sharded extraction (``semvec extract --shard-rows N --engine ray``).

The same shards and manifest as the local engine (:mod:`.sharded`), made by Ray Data: the shards
still to do become a dataset of one row each (their texts go to Ray's object store), and
``map_batches`` runs them over a pool of actors, each holding one model and calling
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

import json
import logging
import os
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
    refs, items = {}, []
    for work in works:  # the input read here, in order; the texts wait in the object store
        ctx.check_cancelled()
        refs[work.index] = ray.put(work.texts)
        items.append({"index": work.index, "text_start": work.text_start, "texts": len(work.texts)})
    resources = ray.cluster_resources()
    cpus, gpus = int(resources.get("CPU", 1)), int(resources.get("GPU", 0))
    size = workers or (max(1, int(gpus // gpus_per_worker)) if gpus_per_worker else max(1, cpus))
    facts = {"engine": "ray", "workers": size, "gpus_per_worker": gpus_per_worker,
             "cluster": {"address": address or "local", "nodes": len([n for n in ray.nodes() if n.get("Alive")]),
                         "cpus": cpus, "gpus": gpus}}
    if not items:
        return facts
    data_ctx = ray.data.DataContext.get_current()
    data_ctx.enable_progress_bars = False
    data_ctx.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # no INFO line per dataset on the command line
    ds = ray.data.from_items(items, override_num_blocks=len(items))
    ds = ds.map_batches(ShardActor, fn_constructor_kwargs={**setup, "refs": refs}, batch_size=1,
                        compute=ray.data.ActorPoolStrategy(size=min(size, len(items))),
                        num_cpus=1 if not gpus_per_worker else 0, num_gpus=gpus_per_worker or None)
    total = sum(item["texts"] for item in items)
    finished = 0
    for row in ds.iter_rows():
        ctx.check_cancelled()
        entry = json.loads(row["entry"])
        done(entry)
        finished += entry["texts"]
        ctx.report(finished, total, "embedding", unit="text", detail=f"{size} Ray workers")
    return facts


class ShardActor:
    """One Ray actor: loads the model once, then extracts the shards it is given with
    :func:`~semvec_studio.core.extract.sharded.extract_shard` (the local engine's function)."""

    def __init__(self, *, model, options, outdir, store, device, dtype, allow_pickle, refs, before_shard) -> None:
        self.lm = load_model(model, device=device, dtype=dtype, allow_pickle=allow_pickle)
        self.options, self.outdir, self.store = options, Path(outdir), store
        self.refs, self.before_shard = refs, before_shard

    def __call__(self, batch: dict) -> dict:
        ray = import_ray()
        entries = []
        for index, start in zip(batch["index"], batch["text_start"]):
            index = int(index)
            if self.before_shard is not None:
                self.before_shard(index)
            texts = ray.get(self.refs[index])
            entry = extract_shard(self.lm, ShardWork(index, int(start), list(texts)), self.options, self.outdir, self.store)
            entries.append(json.dumps(entry))
        return {"entry": entries}

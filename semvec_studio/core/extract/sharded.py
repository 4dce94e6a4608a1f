"""Sharded extraction (``semvec extract --shard-rows N``): the input read a shard at a time, each
shard written as a complete extraction folder (``part-00000/`` ...), atomically and in input
order, and a top-level manifest listing them (rows, sizes, digests), rewritten after every shard.

:func:`extract_shard` is the one function that turns a shard's texts into its folder; both engines
call it (the local one here, one shard after another; Ray's in :mod:`.ray_engine`, on its
actors). :func:`extract_sharded` plans the run: with ``resume`` it checks the folder was made by the
same model, options and input (one line saying what differs otherwise), skips the shards whose
files match their digests and redoes the rest, so the result equals an uninterrupted run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from semvec_studio.core.atomic import atomic_dir, atomic_file
from semvec_studio.core.errors import OutputError, UsageError
from semvec_studio.core.extract.encode import extract
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.io import exporters
from semvec_studio.core.io.shards import (
    SHARDS_KEY,
    STORE_DTYPES,
    check_shard,
    shard_files_entry,
    shard_name,
    texts_digest,
)
from semvec_studio.core.io.sinks import NpyFileSink
from semvec_studio.core.io.vectors import MANIFEST_FILE, METADATA_FILE, VECTORS_FILE, EmbeddingSet
from semvec_studio.core.jsonio import read_json_object, to_json
from semvec_studio.core.models import LoadedModel, load_model
from semvec_studio.core.provenance import now_iso
from semvec_studio.core.tasks import NullContext, Progress, TaskContext

FORMAT_VERSION = 1
_PER_SHARD = ("shard", "rows", "seconds", "created", "texts", "windowed_texts", "truncated_texts", "windows", "tokens",
              "formats")


@dataclass(frozen=True)
class ShardWork:
    """One shard to extract: its number, the input row its texts start at, and the texts."""

    index: int
    text_start: int
    texts: list[str]


@dataclass(frozen=True)
class ShardedResult:
    path: Path
    rows: int
    dim: int
    shards: int
    skipped: int  # shards found complete and checked (--resume)


class OffsetContext(TaskContext):
    """A shard's view of the run's context: the same cancel token and log; progress with the shard named."""

    def __init__(self, outer: TaskContext, detail: str) -> None:
        super().__init__(outer.token)
        self.outer, self.detail = outer, detail

    def on_progress(self, p: Progress) -> None:
        self.outer.on_progress(Progress(p.done, p.total, p.phase, p.unit or "text", self.detail))

    def on_log(self, msg: str) -> None:
        self.outer.log(msg)

    def check_cancelled(self) -> None:
        self.outer.check_cancelled()


def extract_shard(lm: LoadedModel, work: ShardWork, options: ExtractOptions, outdir: Path, store: str,
                  ctx: TaskContext | None = None, *, producer: bool | None = False) -> dict:
    """Extract ``work``'s texts into ``outdir/part-NNNNN/`` (written under a temporary name, replacing
    any old one) and return its manifest entry (rows, sizes and digests of its files); ``producer``
    as :func:`~semvec_studio.core.extract.encode.extract` takes it."""
    (level,) = options.levels
    name = shard_name(work.index)
    with atomic_dir(outdir / name, overwrite=True) as tmp:
        sink = NpyFileSink(tmp / VECTORS_FILE, store=store, text_id0=work.text_start)
        try:
            result = extract(lm, work.texts, options, ctx, sinks={level: sink}, producer=producer)[level]
        finally:
            sink.abort()
        result.manifest.update(store=store, shard={"index": work.index, "text_start": work.text_start,
                                                   "texts": len(work.texts)})
        exporters.write_formats(result, tmp, ["npy"], ctx)
        rows, manifest = len(result), result.manifest
        del result  # release the memory map before the folder is renamed
        files = shard_files_entry(tmp, [VECTORS_FILE, METADATA_FILE])
    return {"name": name, "index": work.index, "text_start": work.text_start, "texts": len(work.texts), "rows": rows,
            "texts_sha256": texts_digest(work.texts), "files": files, "manifest": manifest}


def run_key(lm: LoadedModel, options: ExtractOptions, shard_rows: int, store: str) -> dict:
    """What must be the same for ``--resume`` to continue a run (the input is checked shard by shard)."""
    info = lm.info
    opts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(options).items()}
    return {"model": info.path, "weights_sha256": info.weights_sha256, "dtype": lm.dtype, "options": opts,
            "shard_rows": shard_rows, "store": store}


def check_sharding(shard_rows: int, store: str) -> None:
    if shard_rows < 1:
        raise UsageError(f"--shard-rows {shard_rows}: must be at least 1 (input rows per shard).")
    if store not in STORE_DTYPES:
        raise UsageError(f"--store {store}: choose one of {', '.join(STORE_DTYPES)}.")


Engine = Callable[[Iterator[ShardWork], Callable[[dict], None], TaskContext], dict]


def extract_sharded(
    model: str | os.PathLike | LoadedModel, source, options: ExtractOptions, outdir: str | os.PathLike, *,
    shard_rows: int, store: str = "float32", resume: bool = False, overwrite: bool = False, formats=(),
    device: str = "auto", dtype: str = "float32", allow_pickle: bool = False, engine: Engine | None = None,
    ctx: TaskContext | None = None, producer: bool | None = False,
) -> ShardedResult:
    """Extract ``source`` (a :class:`~semvec_studio.core.io.streams.TextStream` or ``CorpusStream``) into
    shards of ``shard_rows`` input rows under ``outdir``. ``engine(works, done, ctx) -> facts`` extracts
    the shards it is given and calls ``done(entry)`` for each; default: one after another, here
    (``producer`` as :func:`~semvec_studio.core.extract.encode.extract` takes it)."""
    ctx = ctx or NullContext()
    (level,) = options.levels
    check_sharding(shard_rows, store)
    options.check()
    exporters.check_formats(formats)
    outdir = Path(outdir).absolute()
    old = _prepare(outdir, resume, overwrite)
    lm = model if isinstance(model, LoadedModel) else load_model(model, device=device, dtype=dtype, allow_pickle=allow_pickle)
    options.check_for(lm)
    key = run_key(lm, options, shard_rows, store)
    done_before = _check_resume(outdir, old, key) if old is not None else []
    manifest = {"format": "semvec-shards", "format_version": FORMAT_VERSION, "level": level, "complete": False,
                "run": key, SHARDS_KEY: list(done_before)}
    fresh = not outdir.exists()
    outdir.mkdir(exist_ok=True)
    _write_manifest(outdir, manifest)
    entries: dict[int, dict] = {e["index"]: e for e in done_before}
    skipped: list[int] = []

    def done(entry: dict) -> None:
        entries[entry["index"]] = entry
        manifest[SHARDS_KEY] = [_public(entries[i]) for i in sorted(entries)]
        _write_manifest(outdir, manifest)

    given: list[int] = []  # the shards handed to the engine, and -1 once the input is read to its end
    works = _works(source, shard_rows, outdir, done_before, skipped, given, ctx)
    run = engine or _local_engine(lm, options, outdir, store, producer)
    try:
        facts = run(works, done, ctx)
        missing = [shard_name(i) for i in given if i >= 0 and i not in entries]
        if missing or given[-1:] != [-1]:
            raise OutputError(f"{outdir}: the engine stopped before {', '.join(missing) or 'the end of the input'} "
                              "was extracted; run again with --resume to finish.")
    except BaseException:
        if fresh and not entries:  # nothing worth resuming: leave nothing behind
            shutil.rmtree(outdir, ignore_errors=True)
        raise
    ordered = [entries[i] for i in sorted(entries)]
    _finish(outdir, manifest, ordered, source, store, facts)
    if formats:
        _write_extra_formats(outdir, formats, ctx)
    dim = int(manifest.get("dim", 0))
    return ShardedResult(outdir, sum(e["rows"] for e in ordered), dim, len(ordered), len(skipped))


def _local_engine(lm, options, outdir, store, producer) -> Engine:
    def run(works: Iterator[ShardWork], done: Callable[[dict], None], ctx: TaskContext) -> dict:
        for work in works:
            done(extract_shard(lm, work, options, outdir, store, OffsetContext(ctx, f"shard {work.index + 1}"), producer=producer))
        return {"engine": "local", "workers": 1}
    return run


def _works(source, shard_rows: int, outdir: Path, done_before: list[dict], skipped: list[int], given: list[int],
           ctx) -> Iterator[ShardWork]:
    """The shards still to do; a shard done before is skipped once its texts and files check out.
    ``given`` gets the number of each shard handed out, then -1 when the input has been read to its end."""
    before = {e["index"]: e for e in done_before}
    start, index = 0, -1
    for index, texts in enumerate(source.chunks(shard_rows)):
        ctx.check_cancelled()
        entry = before.get(index)
        if entry is not None:
            if entry["texts"] != len(texts) or entry["texts_sha256"] != texts_digest(texts):
                raise UsageError(f"{outdir}: the input differs from the interrupted run's at {entry['name']} (input rows "
                                 f"{start + 1}-{start + len(texts)}); give the same input to resume, or use --force "
                                 "instead of --resume to start again.")
            problem = check_shard(outdir, entry)
            if problem is None:
                skipped.append(index)
                ctx.report(len(skipped), None, "checked shards", unit="", detail=entry["name"])
                start += len(texts)
                continue
            ctx.log(f"{entry['name']}: {problem}; extracting it again")
        given.append(index)
        yield ShardWork(index, start, texts)
        start += len(texts)
    if any(i > index for i in before):
        raise UsageError(f"{outdir}: the interrupted run had {max(before) + 1} or more shards, this input makes "
                         f"{index + 1}; give the same input to resume, or use --force instead of --resume.")
    given.append(-1)


def _prepare(outdir: Path, resume: bool, overwrite: bool) -> dict | None:
    """Check OUTDIR; the old top-level manifest when resuming (None: start afresh)."""
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"{outdir}: exists and is not a folder; choose another output path.")
    if not outdir.parent.is_dir():
        raise OutputError(f"{outdir.parent}: folder does not exist; create it first or choose another output path.")
    if resume and overwrite:
        raise UsageError("--resume continues an interrupted run and --force starts again; give one of them.")
    busy = outdir.exists() and any(outdir.iterdir())
    if resume:
        if not busy:
            return None
        if not (outdir / MANIFEST_FILE).is_file():
            raise UsageError(f"{outdir}: not a sharded extraction (no {MANIFEST_FILE}); --resume continues a run of "
                             "'semvec extract --shard-rows'; choose its folder, or use --force to replace this one.")
        old = read_json_object(outdir / MANIFEST_FILE, OutputError, "use --force instead of --resume to start again.")
        if old.get("format") != "semvec-shards":
            raise UsageError(f"{outdir}: was not written with --shard-rows, so there is nothing to resume; "
                             "use --force to replace it or choose another folder.")
        for stale in outdir.glob(".*.partial"):  # what a killed run was writing
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        return old
    if busy and not overwrite:
        raise OutputError(f"{outdir}: folder already exists and is not empty; use --resume to continue an "
                          "interrupted sharded run, --force to replace it, or choose another path.")
    if busy:
        shutil.rmtree(outdir)
    return None


def _check_resume(outdir: Path, old: dict, key: dict) -> list[dict]:
    """The old run's shard entries, once its model and options are those of this run."""
    was = old.get("run", {})
    for name in ("model", "weights_sha256", "dtype", "shard_rows", "store"):
        if was.get(name) != key[name]:
            raise UsageError(f"{outdir}: was made with {_flag(name)} {was.get(name)}, this run has {key[name]}; "
                             f"run with the same options to resume, or use --force instead of --resume to start again.")
    for name, value in key["options"].items():
        before = was.get("options", {}).get(name)
        if before != value:
            flag = "--" + name.replace("_", "-").removesuffix("s") if name == "levels" else "--" + name.replace("_", "-")
            raise UsageError(f"{outdir}: was made with {flag} {before}, this run has {value}; "
                             f"run with the same options to resume, or use --force instead of --resume to start again.")
    return list(old.get(SHARDS_KEY) or [])


def _flag(name: str) -> str:
    return {"model": "--model", "weights_sha256": "model weights", "dtype": "--dtype", "shard_rows": "--shard-rows",
            "store": "--store"}[name]


def _public(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k != "manifest"}


def _write_manifest(outdir: Path, manifest: dict) -> None:
    with atomic_file(outdir / MANIFEST_FILE, "w", encoding="utf-8") as fh:
        fh.write(to_json(manifest) + "\n")


def _finish(outdir: Path, manifest: dict, entries: list[dict], source, store: str, facts: dict) -> None:
    """The complete top-level manifest: the shards' common provenance, the totals, the engine."""
    first = entries[0].get("manifest") or read_json_object(outdir / entries[0]["name"] / MANIFEST_FILE, OutputError,
                                                           "use --force to extract again.")
    common = {k: v for k, v in first.items() if k not in _PER_SHARD}
    manifest.update(common)
    manifest.update(complete=True, rows=sum(e["rows"] for e in entries), texts=sum(e["texts"] for e in entries),
                    store=store, shard_rows=manifest["run"]["shard_rows"], inputs=source.inputs_manifest(),
                    formats=["npy"], created=now_iso(), **facts)
    manifest[SHARDS_KEY] = [_public(e) for e in entries]
    _write_manifest(outdir, manifest)


def _write_extra_formats(outdir: Path, formats, ctx: TaskContext) -> None:
    """Extra export formats of the whole sharded set, beside the shards (each file renamed into place)."""
    tmp_parent = outdir / ".formats"
    embset = EmbeddingSet.load(outdir)
    with atomic_dir(tmp_parent, overwrite=True) as tmp:
        exporters.write_formats(embset, tmp, formats, ctx)
        for path in tmp.iterdir():
            if path.name != MANIFEST_FILE:
                os.replace(path, outdir / path.name)
    shutil.rmtree(tmp_parent, ignore_errors=True)
    manifest = read_json_object(outdir / MANIFEST_FILE, OutputError, "use --force to extract again.")
    manifest["formats"] = ["npy", *formats]
    _write_manifest(outdir, manifest)

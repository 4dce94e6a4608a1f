"""`semvec extract --engine ray`: on a local Ray instance of 2 CPUs the Ray engine writes the same
shards as the local engine (max |diff| <= 1e-6, the same metadata), and an actor killed mid-run is
restarted, its shard retried, the result complete and equal. The driver reads the input as the
workers need it, a few shards ahead, not all of it first. Every test leaves Ray shut down."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="the Ray engine needs the ray extra (pip install 'semvec-studio[ray]')")

from semvec_studio.core.extract.options import ExtractOptions  # noqa: E402
from semvec_studio.core.extract.ray_engine import ray_engine  # noqa: E402
from semvec_studio.core.extract.sharded import extract_sharded  # noqa: E402
from semvec_studio.core.io.streams import TextStream  # noqa: E402
from semvec_studio.core.io.vectors import EmbeddingSet  # noqa: E402
from semvec_studio.core.tasks import Progress, RecordingContext  # noqa: E402
from tests.core.test_shards import make_input  # noqa: E402

ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the actors run kill_once from this file
OPTIONS = ExtractOptions(levels=("word",))


@pytest.fixture(autouse=True)
def _ray_shut_down(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    yield
    if ray.is_initialized():
        ray.shutdown()
        pytest.fail("the Ray engine left its local instance running")


def kill_once(marker: str, index: int):
    def before_shard(shard: int) -> None:
        if shard == index:
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                return  # killed once already: the retry goes through
            os.kill(os.getpid(), signal.SIGKILL)
    return before_shard


def run_both(tiny_bert, tmp_path: Path, **ray_kw) -> tuple[EmbeddingSet, EmbeddingSet, dict]:
    inp = make_input(tmp_path / "in.txt", 160)
    extract_sharded(tiny_bert, TextStream([inp]), OPTIONS, tmp_path / "local", shard_rows=40)
    engine = ray_engine(model=tiny_bert, options=OPTIONS, outdir=tmp_path / "ray", num_cpus=2, **ray_kw)
    result = extract_sharded(tiny_bert, TextStream([inp]), OPTIONS, tmp_path / "ray", shard_rows=40, engine=engine)
    assert result.shards == 4 and not ray.is_initialized()
    manifest = json.loads((tmp_path / "ray" / "manifest.json").read_text())
    return EmbeddingSet.load(tmp_path / "local"), EmbeddingSet.load(tmp_path / "ray"), manifest


def assert_same(local: EmbeddingSet, by_ray: EmbeddingSet) -> None:
    assert len(local) == len(by_ray) > 0
    assert float(np.abs(np.asarray(local.vectors) - np.asarray(by_ray.vectors)).max()) <= 1e-6
    for name, col in local.metadata.items():
        assert list(by_ray.metadata[name]) == list(col), name


@pytest.mark.timeout(600)
def test_ray_engine_equals_the_local_engine(tiny_bert, tmp_path):
    local, by_ray, manifest = run_both(tiny_bert, tmp_path, workers=2)
    assert_same(local, by_ray)
    assert manifest["engine"] == "ray" and manifest["workers"] == 2 and manifest["complete"]
    assert manifest["cluster"]["cpus"] == 2 and manifest["cluster"]["address"] == "local"


@pytest.mark.timeout(600)
def test_a_killed_worker_is_retried_and_the_result_is_complete(tiny_bert, tmp_path):
    marker = tmp_path / "killed"
    local, by_ray, manifest = run_both(tiny_bert, tmp_path, workers=1, before_shard=kill_once(str(marker), 2))
    assert marker.exists(), "no actor was killed"
    assert_same(local, by_ray)
    assert [s["name"] for s in manifest["shards"]] == [f"part-0000{i}" for i in range(4)]


class CountingStream(TextStream):
    """A TextStream that counts the shards read so far."""

    read = 0

    def chunks(self, size):
        for texts in super().chunks(size):
            self.read += 1
            yield texts


class ReadsAtEachShard(RecordingContext):
    """Notes, at each shard the driver hears is done, how many shards the driver had read."""

    def __init__(self, stream: CountingStream) -> None:
        super().__init__()
        self.stream, self.read_when_done = stream, []

    def on_progress(self, progress: Progress) -> None:
        super().on_progress(progress)
        if progress.phase == "embedding":
            self.read_when_done.append(self.stream.read)


@pytest.mark.timeout(600)
def test_the_driver_reads_the_input_a_few_shards_ahead_of_the_workers(tiny_bert, tmp_path):
    inp = make_input(tmp_path / "in.txt", 400)
    stream = CountingStream([inp])
    ctx = ReadsAtEachShard(stream)
    engine = ray_engine(model=tiny_bert, options=OPTIONS, outdir=tmp_path / "ray", num_cpus=2, workers=1)
    result = extract_sharded(tiny_bert, stream, OPTIONS, tmp_path / "ray", shard_rows=20, engine=engine, ctx=ctx)
    assert result.shards == stream.read == 20 and not ray.is_initialized()
    # one worker: at most 2 x 1 + 1 shards handed out beyond those done
    assert len(ctx.read_when_done) == 20
    assert all(read <= done + 3 for done, read in enumerate(ctx.read_when_done, start=1)), ctx.read_when_done
    assert ctx.read_when_done[0] < 20  # not the whole input before the first shard is done
    assert ctx.reports[-1][:2] == (399, 399)  # once all is read, progress has its total
    extract_sharded(tiny_bert, TextStream([inp]), OPTIONS, tmp_path / "local", shard_rows=20)
    assert_same(EmbeddingSet.load(tmp_path / "local"), EmbeddingSet.load(tmp_path / "ray"))


@pytest.mark.timeout(600)
def test_a_bad_row_late_in_the_input_stops_the_run_and_resume_finishes_it(tiny_bert, tmp_path, monkeypatch):
    from semvec_studio.core.errors import InputError  # noqa: PLC0415 - only here
    from semvec_studio.core.io import streams  # noqa: PLC0415 - only here

    monkeypatch.setattr(streams, "HEAD_BYTES", 64)  # the encoding is judged from the head; the bad byte comes later
    inp = make_input(tmp_path / "in.txt", 2000)  # text is decoded 8 KB at a time: the bad byte is met in the last shard
    good = inp.read_bytes()
    inp.write_bytes(good + b"\xff\xfe broken\n")
    engine = ray_engine(model=tiny_bert, options=OPTIONS, outdir=tmp_path / "ray", num_cpus=2, workers=1)
    with pytest.raises(InputError, match=r"in.txt: cannot be read as utf-8 after line \d+"):
        extract_sharded(tiny_bert, TextStream([inp]), OPTIONS, tmp_path / "ray", shard_rows=200, engine=engine)
    assert not ray.is_initialized()
    manifest = json.loads((tmp_path / "ray" / "manifest.json").read_text())
    assert not manifest["complete"] and len(manifest["shards"]) >= 5  # read as needed: most shards done before the error
    inp.write_bytes(good + b"a mended last line\n")
    resumed = extract_sharded(tiny_bert, TextStream([inp]), OPTIONS, tmp_path / "ray", shard_rows=200, resume=True)
    assert resumed.skipped == len(manifest["shards"]) and resumed.shards == 10
    extract_sharded(tiny_bert, TextStream([inp]), OPTIONS, tmp_path / "local", shard_rows=200)
    assert_same(EmbeddingSet.load(tmp_path / "local"), EmbeddingSet.load(tmp_path / "ray"))

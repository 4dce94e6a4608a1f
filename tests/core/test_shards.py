"""Sharded extraction (`semvec extract --shard-rows N`): the shards and their manifest, a sharded
folder read as one set (loader, project, compare, exports), --resume after a cancel, a corrupt
shard or a kill -9, --store float16, and one-line errors for combinations that cannot resume."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from semvec_studio.cli import main
from semvec_studio.core.compare.folders import compare_folders
from semvec_studio.core.errors import Cancelled, InputError, OutputError
from semvec_studio.core.extract.options import ExtractOptions
from semvec_studio.core.extract.sharded import extract_sharded
from semvec_studio.core.io.streams import TextStream
from semvec_studio.core.io.vectors import EmbeddingSet, load_apart
from semvec_studio.core.tasks import RecordingContext
from tests.core.test_cli_project import cli, one_line_error

WORDS = "the cat sat on a mat dog runs fast slow bank river money king queen paris london".split()


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch, tmp_path_factory):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


def make_input(path: Path, n: int, seed: int = 0) -> Path:
    rng = random.Random(seed)
    lines = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 14))) for _ in range(n)]
    lines[5] = ""  # a blank line is skipped, as without shards
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def shard_bytes(folder: Path) -> dict[str, bytes]:
    return {f"{p.parent.name}/{p.name}": p.read_bytes() for p in sorted(folder.glob("part-*/*")) if p.name != "manifest.json"}


def run(tiny_bert, inp: Path, out: Path, level="sentence", ctx=None, **kw):
    kw.setdefault("shard_rows", 40)
    return extract_sharded(tiny_bert, TextStream([inp]), ExtractOptions(levels=(level,)), out, ctx=ctx, **kw)


@pytest.mark.parametrize("level", ["sentence", "word"])
def test_shards_equal_one_folder_and_read_as_one_set(tiny_bert, tmp_path, level):
    inp = make_input(tmp_path / "in.txt", 150)
    assert main(["extract", str(inp), "--model", str(tiny_bert), "--level", level, "-o", str(tmp_path / "one"), "--quiet"]) == 0
    result = run(tiny_bert, inp, tmp_path / "sh", level)
    assert result.shards == 4 and result.skipped == 0
    manifest = json.loads((tmp_path / "sh" / "manifest.json").read_text())
    assert manifest["complete"] and [s["name"] for s in manifest["shards"]] == [f"part-0000{i}" for i in range(4)]
    assert [s["texts"] for s in manifest["shards"]] == [40, 40, 40, 29]
    assert manifest["rows"] == sum(s["rows"] for s in manifest["shards"]) == result.rows
    assert manifest["engine"] == "local" and manifest["store"] == "float32" and manifest["model"]["weights_sha256"]
    assert manifest["created"] and manifest["dim"] == 32 and manifest["level"] == level
    for s in manifest["shards"]:
        shard = EmbeddingSet.load(tmp_path / "sh" / s["name"])  # each shard is a complete folder on its own
        assert len(shard) == s["rows"] and shard.metadata["text_id"][0] == s["text_start"]
    one, sh = EmbeddingSet.load(tmp_path / "one"), EmbeddingSet.load(tmp_path / "sh")
    assert sh.level == level and len(sh) == len(one) and sh.dim == one.dim
    np.testing.assert_allclose(np.asarray(sh.vectors), one.vectors, atol=1e-6)
    for name, col in one.metadata.items():
        assert list(sh.metadata[name]) == list(col), name


def test_stacked_rows_index_like_an_array(tiny_bert, tmp_path):
    inp = make_input(tmp_path / "in.txt", 100)
    run(tiny_bert, inp, tmp_path / "sh", shard_rows=30)
    v = EmbeddingSet.load(tmp_path / "sh").vectors
    whole = np.asarray(v)
    assert v.shape == whole.shape == (99, 32) and v.dtype == np.float32 and len(v.parts) == 4
    idx = np.array([98, 0, 31, 29, 30, -1, 61])
    mask = np.zeros(99, bool)
    mask[[1, 30, 90]] = True
    for key in (5, -2, slice(25, 65), slice(None, None, 7), idx, list(idx), mask, (slice(10, 40), 3), (idx, slice(0, 4)), (3, 2)):
        np.testing.assert_array_equal(v[key], whole[key])
    with pytest.raises(IndexError):
        v[99]
    sub = EmbeddingSet.load(tmp_path / "sh").subset([97, 2, 33])
    np.testing.assert_array_equal(sub.vectors, whole[[97, 2, 33]])


def test_load_apart_reads_a_big_folders_metadata_in_a_child_process_as_load_does(tiny_bert, tmp_path):
    """The app opens folders with load_apart: from ``child_rows`` rows the metadata is read by a
    child process (the window's thread never waits for the GIL); the set is the same, memory-mapped
    here, and a bad folder's error keeps its type and words."""
    inp = make_input(tmp_path / "in.txt", 100)
    run(tiny_bert, inp, tmp_path / "sh", level="word", shard_rows=30)
    ctx = RecordingContext()
    apart, here = load_apart(tmp_path / "sh", ctx, child_rows=1), EmbeddingSet.load(tmp_path / "sh")
    assert apart.level == here.level == "word" and len(apart) == len(here) > 99
    assert all(p.filename for p in apart.vectors.parts)  # the vectors are this process's memory maps
    np.testing.assert_array_equal(np.asarray(apart.vectors), np.asarray(here.vectors))
    assert list(apart.metadata) == list(here.metadata)
    for name, col in here.metadata.items():
        assert type(apart.metadata[name]) is type(col) and list(apart.metadata[name]) == list(col), name
    manifest = json.loads((tmp_path / "sh" / "manifest.json").read_text())
    manifest["complete"] = False
    (tmp_path / "sh" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="--resume"):
        load_apart(tmp_path / "sh", child_rows=1)
    (tmp_path / "sh" / "part-00001" / "metadata.tsv").write_text("text_id\tword\n1\n")
    manifest["complete"] = True
    (tmp_path / "sh" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="damaged"):
        load_apart(tmp_path / "sh", child_rows=1)  # the child's error, the same as load's
    with pytest.raises(InputError, match="damaged"):
        EmbeddingSet.load(tmp_path / "sh")


def test_project_compare_and_formats_read_a_sharded_folder(tiny_bert, tmp_path, capsys):
    inp = make_input(tmp_path / "in.txt", 90)
    rc, _, err = cli(capsys, "extract", inp, "--model", tiny_bert, "-o", tmp_path / "sh", "--shard-rows", 25,
                     "--format", "csv", "--quiet")
    assert rc == 0, err
    assert (tmp_path / "sh" / "vectors.csv").is_file() and not list(tmp_path.glob("sh/.*"))
    assert json.loads((tmp_path / "sh" / "manifest.json").read_text())["formats"] == ["npy", "csv"]
    assert len((tmp_path / "sh" / "vectors.csv").read_text().splitlines()) == 1 + 89
    rc, _, err = cli(capsys, "project", tmp_path / "sh", "--method", "pca", "--quiet")
    assert rc == 0, err
    assert len((tmp_path / "sh" / "projection.tsv").read_text().splitlines()) == 1 + 89
    rc, _, err = cli(capsys, "extract", inp, "--model", tiny_bert, "-o", tmp_path / "one", "--quiet")
    assert rc == 0, err
    comparison = compare_folders(tmp_path / "sh", tmp_path / "one", k=5)
    assert comparison.cka > 0.999


def test_resume_after_a_cancel_equals_an_uninterrupted_run(tiny_bert, tmp_path):
    inp = make_input(tmp_path / "in.txt", 200)
    run(tiny_bert, inp, tmp_path / "whole", "token")
    ctx = RecordingContext()
    ctx.on_log = lambda msg: None

    def cancel_at_third_shard(p):
        ctx.progress.append(p)
        if p.detail == "shard 3":
            ctx.token.cancel()
    ctx.on_progress = cancel_at_third_shard
    with pytest.raises(Cancelled):
        run(tiny_bert, inp, tmp_path / "cut", "token", ctx=ctx)
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    assert not manifest["complete"] and len(manifest["shards"]) == 2
    assert not list((tmp_path / "cut").glob(".*partial"))  # the shard being written was removed
    with pytest.raises(InputError, match="--resume"):
        EmbeddingSet.load(tmp_path / "cut")
    with pytest.raises(OutputError, match="--resume"):
        run(tiny_bert, inp, tmp_path / "cut", "token")
    result = run(tiny_bert, inp, tmp_path / "cut", "token", resume=True)
    assert result.skipped == 2 and result.shards == 5
    assert shard_bytes(tmp_path / "cut") == shard_bytes(tmp_path / "whole")
    a, b = (json.loads((tmp_path / d / "manifest.json").read_text()) for d in ("cut", "whole"))
    assert [s["files"] for s in a["shards"]] == [s["files"] for s in b["shards"]]


def test_resume_redoes_a_damaged_shard(tiny_bert, tmp_path):
    inp = make_input(tmp_path / "in.txt", 100)
    run(tiny_bert, inp, tmp_path / "out")
    before = shard_bytes(tmp_path / "out")
    path = tmp_path / "out" / "part-00001" / "vectors.npy"
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF
    path.write_bytes(bytes(data))
    ctx = RecordingContext()
    result = run(tiny_bert, inp, tmp_path / "out", resume=True, ctx=ctx)
    assert result.skipped == 2 and any("part-00001: vectors.npy does not match its checksum" in m for m in ctx.messages)
    assert shard_bytes(tmp_path / "out") == before


def test_resume_with_other_options_or_input_is_one_line(tiny_bert, tmp_path, capsys):
    inp = make_input(tmp_path / "in.txt", 100)
    out = tmp_path / "out"
    base = ["extract", inp, "--model", tiny_bert, "-o", out, "--shard-rows", 40, "--quiet"]
    assert cli(capsys, *base)[0] == 0
    one_line_error(*cli(capsys, *base, "--resume", "--pooling", "cls")[:3:2], "--pooling mean", "cls", "--force")
    one_line_error(*cli(capsys, *base[:-2], 50, "--quiet", "--resume")[:3:2], "--shard-rows 40", "50")
    one_line_error(*cli(capsys, *base, "--resume", "--store", "float16")[:3:2], "--store float32")
    one_line_error(*cli(capsys, *base, "--resume", "--level", "word")[:3:2], "--level")
    other = make_input(tmp_path / "other.txt", 100, seed=1)
    one_line_error(*cli(capsys, "extract", other, *base[2:], "--resume")[:3:2], "input differs", "part-00000", "rows 1-40")
    one_line_error(*cli(capsys, *base)[:3:2], "--resume", "--force")
    one_line_error(*cli(capsys, *base[:-3], "--quiet", "--resume")[:3:2], "--shard-rows")
    one_line_error(*cli(capsys, *base, "--resume", "--force")[:3:2], "--resume", "--force")
    one_line_error(*cli(capsys, *base, "--shard-rows", 0)[:3:2], "--shard-rows 0")
    one_line_error(*cli(capsys, *base, "--workers", 2)[:3:2], "--engine ray")
    assert cli(capsys, *base, "--resume")[0] == 0  # the same command again: every shard checked and kept


def test_store_float16_halves_the_files(tiny_bert, tmp_path, capsys):
    inp = make_input(tmp_path / "in.txt", 120)
    for name, extra in (("f32", ()), ("f16", ("--store", "float16")), ("sh16", ("--store", "float16", "--shard-rows", 50))):
        rc, _, err = cli(capsys, "extract", inp, "--model", tiny_bert, "-o", tmp_path / name, "--quiet", *extra)
        assert rc == 0, err
    f32, f16, sh16 = (EmbeddingSet.load(tmp_path / n) for n in ("f32", "f16", "sh16"))
    size = (tmp_path / "f32" / "vectors.npy").stat().st_size - 128
    assert (tmp_path / "f16" / "vectors.npy").stat().st_size - 128 == size // 2
    assert np.load(tmp_path / "f16" / "vectors.npy", mmap_mode="r").dtype == np.float16
    assert f16.manifest["store"] == sh16.manifest["store"] == "float16" and f32.manifest["store"] == "float32"
    for s in (f16, sh16):
        assert s.vectors.dtype == np.float32
        np.testing.assert_allclose(np.asarray(s.vectors), f32.vectors, atol=2e-3, rtol=2e-3)
        np.testing.assert_array_equal(np.asarray(s.vectors), np.asarray(f32.vectors, dtype=np.float16).astype(np.float32))


@pytest.mark.timeout(600)
def test_resume_after_kill_9_equals_an_uninterrupted_run(tiny_bert, tmp_path):
    inp = make_input(tmp_path / "in.txt", 2000)
    cmd = [sys.executable, "-m", "semvec_studio.cli", "extract", str(inp), "--model", str(tiny_bert), "--shard-rows", "150",
           "--quiet", "-o", str(tmp_path / "cut")]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not (tmp_path / "cut" / "part-00002").exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    assert not manifest["complete"] and 2 <= len(manifest["shards"]) < 14
    done = subprocess.run([*cmd, "--resume"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    run(tiny_bert, inp, tmp_path / "whole", shard_rows=150)
    assert shard_bytes(tmp_path / "cut") == shard_bytes(tmp_path / "whole")
    assert not [p for p in (tmp_path / "cut").iterdir() if p.name.startswith(".")]


def test_engine_ray_without_the_extra_is_one_line(tiny_bert, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if the ray extra were not installed
    inp = make_input(tmp_path / "in.txt", 10)
    base = ["extract", inp, "--model", tiny_bert, "-o", tmp_path / "out", "--quiet", "--engine", "ray"]
    one_line_error(*cli(capsys, *base)[:3:2], "--shard-rows")
    one_line_error(*cli(capsys, *base, "--shard-rows", 5)[:3:2], "--engine ray", "pip install 'semvec-studio[ray]'")
    one_line_error(*cli(capsys, *base, "--shard-rows", 5, "--workers", 0)[:3:2], "--workers 0")
    assert not (tmp_path / "out").exists()


def test_a_bad_input_leaves_no_folder(tiny_bert, tmp_path, capsys):
    (tmp_path / "in.csv").write_text("id,body\n1,x\n", encoding="utf-8")
    rc, _, err = cli(capsys, "extract", tmp_path / "in.csv", "--model", tiny_bert, "-o", tmp_path / "out", "--shard-rows", 5)
    one_line_error(rc, err, "no 'text' or 'sentence' column", "--text-column")
    assert not (tmp_path / "out").exists()


def test_an_engine_that_stops_early_is_an_error_and_resume_finishes_the_run(tiny_bert, tmp_path, capsys):
    inp = make_input(tmp_path / "in.txt", 120)

    def first_shard_only(works, done, ctx):  # an engine that loses shards must not leave a "complete" folder
        from semvec_studio.core.extract.sharded import extract_shard  # noqa: PLC0415 - the engines' own function
        from semvec_studio.core.models import load_model  # noqa: PLC0415
        done(extract_shard(load_model(tiny_bert), next(works), ExtractOptions(levels=("sentence",)), tmp_path / "out", "float32"))
        return {"engine": "lossy"}

    with pytest.raises(OutputError, match="stopped before the end of the input.*--resume"):
        run(tiny_bert, inp, tmp_path / "out", engine=first_shard_only)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert not manifest["complete"] and [s["name"] for s in manifest["shards"]] == ["part-00000"]
    assert run(tiny_bert, inp, tmp_path / "out", resume=True).skipped == 1
    run(tiny_bert, inp, tmp_path / "whole")
    assert shard_bytes(tmp_path / "out") == shard_bytes(tmp_path / "whole")

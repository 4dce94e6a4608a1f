"""Finding, checking and loading checkpoints: facts, safety, validation and the hash cache."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from semvec_studio.core import checkpoints
from semvec_studio.core.checkpoints import ModelInfo, weights_sha256
from semvec_studio.core.errors import (
    ModelError,
    PickleWeightsError,
    RemoteCodeError,
    TokenizerError,
    UsageError,
    WeightsError,
)
from semvec_studio.core.models import LoadedModel, inspect_checkpoint, load_model, pick_device
from tests.checkpoints import HIDDEN, MAX_LEN, N_HEADS, N_LAYERS, REMOTE_CODE_MARKER, make_vocab_txt_only


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_inspect_checkpoint_facts(tiny_checkpoint):
    info = inspect_checkpoint(tiny_checkpoint)
    assert isinstance(info, ModelInfo)
    cfg = json.loads((tiny_checkpoint / "config.json").read_text(encoding="utf-8"))
    assert (info.num_layers, info.hidden_size, info.num_heads, info.max_positions) == (N_LAYERS, HIDDEN, N_HEADS, MAX_LEN)
    assert info.vocab_size == cfg["vocab_size"]
    assert info.architecture == cfg["architectures"][0] and info.model_type == cfg["model_type"]
    assert info.path == str(tiny_checkpoint.resolve()) and info.name == tiny_checkpoint.name
    assert (info.weights_format, info.weights_files) == ("safetensors", ("model.safetensors",))
    assert info.weights_sha256 == sha256_of(tiny_checkpoint / "model.safetensors")
    assert info.is_decoder is (cfg["model_type"] == "gpt2")
    assert info.parameters and info.parameters > 10_000


def test_load_model_on_each_good_checkpoint(tiny_checkpoint):
    lm = load_model(tiny_checkpoint, device="cpu")
    assert isinstance(lm, LoadedModel)
    assert (lm.num_layers, lm.hidden_size, lm.device, lm.dtype, lm.max_length) == (N_LAYERS, HIDDEN, "cpu", "float32", MAX_LEN)
    assert lm.tokenizer.is_fast
    assert lm.info == inspect_checkpoint(tiny_checkpoint)
    assert lm.info.parameters == sum(p.numel() for p in lm.model.parameters())
    assert not lm.model.training
    assert {p.dtype for p in lm.model.parameters()} == {torch.float32}
    assert lm.warnings == []


def test_load_model_in_bfloat16(tiny_bert):
    lm = load_model(tiny_bert, device="cpu", dtype="bfloat16")
    assert lm.dtype == "bfloat16"
    assert {p.dtype for p in lm.model.parameters()} == {torch.bfloat16}


def test_vocab_txt_only_builds_a_fast_tokenizer(tmp_path):
    ckpt = make_vocab_txt_only(tmp_path / "vocab_only")
    info = inspect_checkpoint(ckpt)
    assert info.tokenizer_kind == "from vocab.txt"
    lm = load_model(ckpt, device="cpu")
    assert lm.tokenizer.is_fast
    assert lm.tokenizer("the cat").word_ids() == [None, 0, 1, None]


@pytest.mark.parametrize("kind,error", [
    ("no_config", ModelError),
    ("no_tokenizer", TokenizerError),
    ("truncated_weights", WeightsError),
    ("corrupt_weights", WeightsError),
    ("remote_code", RemoteCodeError),
    ("pickle_only", PickleWeightsError),
])
def test_broken_checkpoints_raise_typed_errors(broken_checkpoint, kind, error):
    ckpt = broken_checkpoint(kind)
    with pytest.raises(error) as exc:
        inspect_checkpoint(ckpt)
    assert str(ckpt) in str(exc.value) and "\n" not in str(exc.value)
    with pytest.raises(error):
        load_model(ckpt, device="cpu")
    assert not (ckpt / REMOTE_CODE_MARKER).exists()


def test_slow_tokenizer_is_refused_on_load(broken_checkpoint):
    ckpt = broken_checkpoint("slow_tokenizer_only")
    with pytest.raises(TokenizerError, match="fast tokenizer"):
        load_model(ckpt, device="cpu")


def test_pickle_weights_load_only_when_allowed(broken_checkpoint, tiny_bert):
    ckpt = broken_checkpoint("pickle_only")
    info = inspect_checkpoint(ckpt, allow_pickle=True)
    assert (info.weights_format, info.weights_files, info.parameters) == ("pickle", ("pytorch_model.bin",), None)
    lm = load_model(ckpt, device="cpu", allow_pickle=True)
    assert lm.info.parameters == inspect_checkpoint(tiny_bert).parameters


def test_model_path_errors(tmp_path, tiny_bert):
    with pytest.raises(ModelError, match="no such folder"):
        inspect_checkpoint(tmp_path / "missing")
    with pytest.raises(ModelError, match="not a folder"):
        inspect_checkpoint(tiny_bert / "config.json")
    bad = tmp_path / "badjson"
    shutil.copytree(tiny_bert, bad)
    (bad / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="not valid JSON"):
        inspect_checkpoint(bad)


# --- device and dtype --------------------------------------------------------------------------

@pytest.mark.parametrize("kw,needle", [
    ({"dtype": "float64"}, "--dtype float64: choose one of float32, bfloat16, float16"),
    ({"dtype": "fp16"}, "--dtype fp16"),
    ({"device": "tpu"}, "--device tpu: choose one of auto, cpu, cuda, mps"),
    ({"device": "CUDA:0"}, "--device CUDA:0"),
])
def test_device_and_dtype_validation(tiny_bert, kw, needle):
    with pytest.raises(UsageError) as exc:
        load_model(tiny_bert, **kw)
    assert needle in str(exc.value)


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA GPU is present")
def test_cuda_requested_without_a_gpu(tiny_bert):
    with pytest.raises(UsageError, match="no CUDA GPU"):
        load_model(tiny_bert, device="cuda")


def test_mps_requested_where_unavailable():
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        pytest.skip("Apple Metal is available")
    with pytest.raises(UsageError, match="--device mps"):
        pick_device("mps")


def test_auto_device_is_a_real_device():
    assert pick_device("auto") in ("cpu", "cuda", "mps")
    assert pick_device("cpu") == "cpu"


# --- the bundled default, offline --------------------------------------------------------------

def test_offline_environment_is_set_on_import(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    code = (
        "import os, sys\n"
        "import semvec_studio.core.checkpoints as c\n"
        "assert os.environ['HF_HUB_OFFLINE'] == '1' and os.environ['TRANSFORMERS_OFFLINE'] == '1'\n"
        "assert 'transformers' not in sys.modules and 'torch' not in sys.modules, 'the light half loads neither'\n"
        "import semvec_studio.core.models\n"
        "import huggingface_hub.constants as hub\n"
        "assert hub.HF_HUB_OFFLINE, 'set before transformers was imported'\n"
        "print(c.resolve_model_path('default'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    path = Path(proc.stdout.strip())
    assert (path / "config.json").is_file() and (path / "model.safetensors").is_file()


def test_default_model_facts_without_network(monkeypatch, tmp_path):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("tried to reach the network")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    info = inspect_checkpoint()
    assert info == inspect_checkpoint("default")
    assert info.name == "default (all-MiniLM-L6-v2)"
    assert (info.architecture, info.num_layers, info.hidden_size, info.num_heads) == ("BertModel", 6, 384, 12)
    assert (info.vocab_size, info.max_positions, info.weights_format) == (30522, 512, "safetensors")
    assert Path(info.path) == checkpoints.default_model_path()


# --- the SHA-256 cache -------------------------------------------------------------------------

def test_weights_sha256_is_cached(monkeypatch, tmp_path, tiny_bert):
    """A second call with the file unchanged (same path, size and modification time) answers from
    the cache without reading the weights: shown with other bytes of the same size and time."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    weights = tmp_path / "model.safetensors"
    shutil.copyfile(tiny_bert / "model.safetensors", weights)
    expected = sha256_of(weights)
    assert weights_sha256([weights]) == expected
    cache = json.loads((tmp_path / "cache" / "semvec-studio" / "sha256.json").read_text(encoding="utf-8"))
    assert list(cache.values()) == [expected]

    stat = weights.stat()
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF  # other bytes, the same size...
    weights.write_bytes(bytes(data))
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # ... and the same modification time
    assert weights_sha256([weights]) == expected, "a cache hit: the weights were not read again"

    with open(weights, "ab") as fh:  # a changed file (size and mtime) is hashed again
        fh.write(b"\0")
    assert weights_sha256([weights]) == sha256_of(weights) != expected


def test_weights_sha256_survives_a_damaged_cache(monkeypatch, tmp_path, tiny_bert):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache_file = tmp_path / "cache" / "semvec-studio" / "sha256.json"
    cache_file.parent.mkdir(parents=True)
    cache_file.write_text("{damaged", encoding="utf-8")
    weights = tiny_bert / "model.safetensors"
    assert weights_sha256([weights]) == sha256_of(weights)
    assert json.loads(cache_file.read_text(encoding="utf-8"))  # rewritten as valid JSON

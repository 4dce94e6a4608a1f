"""Check and load checkpoints (the bundled default or any local Hugging Face folder) with
torch and transformers: facts read through the architecture's own config class, the device, the
fast tokenizer and the encoder. What needs neither is :mod:`semvec_studio.core.checkpoints`.

Safety rules: offline only, never ``trust_remote_code``, safetensors preferred, pickle weights
(``*.bin``) refused unless the caller explicitly allows them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from transformers import CONFIG_MAPPING, AutoConfig, AutoModel, AutoTokenizer

from semvec_studio.core.checkpoints import (
    DEFAULT_MODEL,
    DEVICES,
    DTYPES,
    ModelInfo,
    count_parameters,
    find_weights,
    max_positions,
    read_config,
    resolve_model_path,
    tokenizer_kind,
    weights_sha256,
)
from semvec_studio.core.errors import ModelError, RemoteCodeError, TokenizerError, UsageError, WeightsError
from semvec_studio.core.offline import quiet_transformers


def check_no_remote_code(path: Path, cfg: dict) -> None:
    model_type = cfg.get("model_type")
    if "auto_map" in cfg or model_type not in CONFIG_MAPPING:
        what = f"model type '{model_type}'" if model_type else "its architecture"
        raise RemoteCodeError(
            f"{path}: {what} needs custom code from the model's repository (trust_remote_code), which SemVec Studio never runs; "
            "use a checkpoint of an architecture built into transformers (BERT, RoBERTa, DistilBERT, XLM-R, ELECTRA, DeBERTa-v2, GPT-2...)."
        )
    tok_cfg = path / "tokenizer_config.json"
    if tok_cfg.is_file():
        try:
            if "auto_map" in json.loads(tok_cfg.read_text(encoding="utf-8")):
                raise RemoteCodeError(f"{tok_cfg}: the tokenizer needs custom code (auto_map), which SemVec Studio never "
                    f"runs; use a checkpoint with a built-in tokenizer.")
        except ValueError as exc:
            raise TokenizerError(f"{tok_cfg}: not valid JSON ({exc}); the checkpoint is damaged.") from exc


def _hf_config(path: Path):
    """The architecture's own config class, which maps each family's key names (n_layers, dim...)."""
    quiet_transformers()
    try:
        return AutoConfig.from_pretrained(str(path), trust_remote_code=False)
    except Exception as exc:
        raise ModelError(f"{path / 'config.json'}: cannot be read as a transformers config ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:200]}).") from exc


def inspect_checkpoint(spec: str | os.PathLike | None = None, *, allow_pickle: bool = False) -> ModelInfo:
    """Check a checkpoint folder and read its facts without loading the model."""
    path = resolve_model_path(spec)
    cfg = read_config(path)
    check_no_remote_code(path, cfg)
    tok_kind = tokenizer_kind(path)
    fmt, files = find_weights(path, allow_pickle)
    params = count_parameters(files) if fmt == "safetensors" else None
    conf = _hf_config(path)
    attr = lambda *names: next((int(getattr(conf, n)) for n in names if getattr(conf, n, None) is not None), 0)  # noqa: E731
    return ModelInfo(
        path=str(path),
        name="default (all-MiniLM-L6-v2)" if spec in (None, DEFAULT_MODEL) else path.name,
        architecture=(cfg.get("architectures") or [cfg.get("model_type", "?")])[0],
        model_type=cfg.get("model_type", "?"),
        num_layers=attr("num_hidden_layers", "n_layers", "n_layer"),
        hidden_size=attr("hidden_size", "dim", "n_embd", "d_model"),
        num_heads=attr("num_attention_heads", "n_heads", "n_head"),
        vocab_size=attr("vocab_size"),
        parameters=params,
        max_positions=max_positions(cfg),
        tokenizer_kind=tok_kind,
        weights_format=fmt,
        weights_files=tuple(f.name for f in files),
        weights_sha256=weights_sha256(files),
        is_decoder=cfg.get("model_type") in {"gpt2", "gpt_neo", "gptj", "gpt_neox", "llama", "mistral", "qwen2", "opt", "bloom", "falcon"},
    )


@dataclass
class LoadedModel:
    """A model and its fast tokenizer, ready for :mod:`semvec_studio.core.extract.encode`."""

    info: ModelInfo
    model: object
    tokenizer: object
    device: str
    dtype: str
    max_length: int
    warnings: list[str] = field(default_factory=list)

    @property
    def num_layers(self) -> int:
        return self.info.num_layers

    @property
    def hidden_size(self) -> int:
        return self.info.hidden_size


def pick_device(device: str) -> str:
    if device not in DEVICES:
        raise UsageError(f"--device {device}: choose one of {', '.join(DEVICES)}.",
                         gui=f"Device {device}: choose one of {', '.join(DEVICES)}.", field="device")
    has_mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "mps" if has_mps else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise UsageError("--device cuda: no CUDA GPU is available to this PyTorch build; use --device cpu (or auto), or "
            "install a CUDA build of torch.",
                         gui="Device cuda: no CUDA GPU is available to this PyTorch build; choose cpu (or auto), or install a CUDA build of torch.",
                         field="device")
    if device == "mps" and not has_mps:
        raise UsageError("--device mps: Apple Metal is not available here; use --device cpu (or auto).",
                         gui="Device mps: Apple Metal is not available here; choose cpu (or auto).", field="device")
    return device


def load_tokenizer(path: Path):
    try:
        tok = AutoTokenizer.from_pretrained(str(path), use_fast=True, trust_remote_code=False)
    except Exception as exc:  # transformers raises many kinds here
        raise TokenizerError(f"{path}: the tokenizer cannot be loaded ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}).") from exc
    if not getattr(tok, "is_fast", False):
        raise TokenizerError(
            f"{path}: only a slow (Python) tokenizer is available; word alignment needs a fast tokenizer with offsets. "
            "Save the checkpoint with a tokenizer.json (e.g. AutoTokenizer.from_pretrained(...).save_pretrained(...) with 'tokenizers' installed)."
        )
    return tok


def _max_length(info: ModelInfo, tokenizer) -> int:
    """The longest input the model takes: its positions, or the tokenizer's limit when lower."""
    tok_max = getattr(tokenizer, "model_max_length", None) or 10**9
    return int(min(info.max_positions, tok_max if tok_max < 10**6 else info.max_positions))


def load_model(
    spec: str | os.PathLike | None = None,
    *,
    device: str = "auto",
    dtype: str = "float32",
    allow_pickle: bool = False,
    ctx=None,
    on_tokenizer: Callable[[object, int, str], None] | None = None,
) -> LoadedModel:
    """Load a checkpoint's encoder (AutoModel) and fast tokenizer, offline and safely.
    ``on_tokenizer(tokenizer, max_length, device)`` runs once the tokenizer is loaded, before the
    weights (the extraction starts tokenising in a child process there)."""
    if dtype not in DTYPES:
        raise UsageError(f"--dtype {dtype}: choose one of {', '.join(DTYPES)}.",
                         gui=f"dtype {dtype}: choose one of {', '.join(DTYPES)}.", field="dtype")
    quiet_transformers()
    dev = pick_device(device)
    if ctx:
        ctx.report(0, 3, "checking checkpoint")
    info = inspect_checkpoint(spec, allow_pickle=allow_pickle)
    path = Path(info.path)
    if ctx:
        ctx.check_cancelled()
        ctx.report(1, 3, "loading tokenizer")
    tokenizer = load_tokenizer(path)
    max_len = _max_length(info, tokenizer)
    if on_tokenizer is not None:
        on_tokenizer(tokenizer, max_len, dev)
    if ctx:
        ctx.check_cancelled()
        ctx.report(2, 3, "loading weights")
    try:
        model, loading = AutoModel.from_pretrained(
            str(path),
            dtype=getattr(torch, dtype),
            use_safetensors=info.weights_format == "safetensors",
            trust_remote_code=False,
            output_loading_info=True,
        )
    except Exception as exc:
        raise WeightsError(f"{path}: the weights cannot be loaded ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); "
            f"the files may be corrupt or belong to another architecture.") from exc
    warnings = list(info.warnings)
    missing = [k for k in loading.get("missing_keys", []) if "pooler" not in k]
    n_params = sum(1 for _ in model.state_dict())
    if missing and len(missing) > n_params // 2:
        raise WeightsError(f"{path}: {len(missing)} of the model's {n_params} tensors are missing from the weights; they "
            f"belong to another architecture.")
    if missing:
        warnings.append(f"{len(missing)} tensors were not in the checkpoint and are randomly initialised (e.g. {missing[0]}).")
    model.eval().to(dev)
    if info.parameters is None:
        info = ModelInfo(**{**info.as_dict(), "parameters": sum(p.numel() for p in model.parameters())})
    if ctx:
        ctx.report(3, 3, "model ready")
        for w in warnings:
            ctx.log(w)
    return LoadedModel(info=info, model=model, tokenizer=tokenizer, device=dev, dtype=dtype, max_length=max_len, warnings=warnings)

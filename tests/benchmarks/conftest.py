"""Benchmarks read public evaluation sets from ../shared/data; they skip cleanly without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
DATA = Path(os.environ.get("SEMVEC_SHARED_DATA") or Path(__file__).resolve().parents[2].parent / "shared" / "data")
# The device the speed benchmarks run on: cpu here; cuda where a GPU is lent (tests/benchmarks/device_run.sh).
DEVICE = os.environ.get("SEMVEC_BENCH_DEVICE", "cpu")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"evaluation data not found at {DATA} (benchmarks need ../shared/data)")
    return DATA


def sst2_sentences(data: Path, n: int) -> list[str]:
    lines = (data / "sst2" / "train.tsv").read_text(encoding="utf-8").splitlines()[1 : n + 1]
    return [line.split("\t")[0].strip() for line in lines]


def report(name: str, **figures) -> None:
    """Print one greppable line per benchmark: BENCH name key=value ..."""
    print("BENCH " + name + " " + " ".join(f"{k}={v}" for k, v in figures.items()), flush=True)

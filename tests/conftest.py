"""Shared pytest fixtures. The checkpoint builders live in tests/checkpoints.py."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests import checkpoints  # noqa: E402  (imports no torch/transformers by itself)

# Session checkpoints are shared by every test: treat them as read-only, copy before changing.


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory) -> Path:
    return checkpoints.make_bert(tmp_path_factory.mktemp("tiny_bert"))


@pytest.fixture(scope="session")
def tiny_roberta(tmp_path_factory) -> Path:
    return checkpoints.make_roberta(tmp_path_factory.mktemp("tiny_roberta"))


@pytest.fixture(scope="session")
def tiny_gpt2(tmp_path_factory) -> Path:
    return checkpoints.make_gpt2(tmp_path_factory.mktemp("tiny_gpt2"))


@pytest.fixture(scope="session")
def tiny_chinese(tmp_path_factory) -> Path:
    return checkpoints.make_chinese_bert(tmp_path_factory.mktemp("tiny_chinese"))


@pytest.fixture(params=["tiny_bert", "tiny_roberta", "tiny_gpt2", "tiny_chinese"])
def tiny_checkpoint(request) -> Path:
    """Each of the four good tiny checkpoints in turn."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def broken_checkpoint(tmp_path) -> Callable[[str], Path]:
    """Factory: ``broken_checkpoint("truncated_weights") -> Path``; kinds are ``checkpoints.BROKEN``."""

    def build(kind: str) -> Path:
        return checkpoints.BROKEN[kind](tmp_path / kind)

    return build

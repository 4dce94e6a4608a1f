"""Helpers for the packaging tests: packaging/bundle_config.py is a plain module, not a package."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def bundle_config():
    spec = importlib.util.spec_from_file_location("bundle_config", ROOT / "packaging" / "bundle_config.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

"""One resource locator for a source checkout, an installed wheel and a frozen bundle."""

from __future__ import annotations

import sys

import pytest
import tomllib

from semvec_studio.core import resources
from semvec_studio.core.errors import InputError
from semvec_studio.gui import chrome

from .conftest import ROOT


def _shipped(folder):
    (folder / "demo").mkdir(parents=True)
    (folder / "demo" / "corpus.txt").write_text("one\ntwo\n", encoding="utf-8")
    (folder / "demo" / "reviews.csv").write_text("text,label\nfine,positive\n", encoding="utf-8")
    return folder


def test_source_checkout():
    assert resources.resources_dir() == ROOT / "resources"
    assert resources.demo_corpus_path() == ROOT / "resources" / "demo" / "corpus.txt"
    assert resources.demo_labelled_csv_path() == ROOT / "resources" / "demo" / "reviews.csv"
    assert chrome.demo_texts()[1] == str(ROOT / "resources" / "demo" / "corpus.txt")


def test_frozen_bundle_comes_first(tmp_path, monkeypatch):
    _shipped(tmp_path / "resources")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.is_frozen()
    assert resources.resources_dir() == tmp_path / "resources"
    assert resources.resource_path("demo/reviews.csv") == tmp_path / "resources" / "demo" / "reviews.csv"


def test_installed_wheel_data_files(tmp_path, monkeypatch):
    site_packages = tmp_path / "lib" / "site-packages"
    monkeypatch.setattr(resources, "__file__", str(site_packages / "semvec_studio" / "core" / "resources.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(sys, "base_prefix", str(tmp_path))
    monkeypatch.setattr(resources, "_user_base", lambda: None)
    assert resources.resources_dir() is None
    _shipped(tmp_path / "share" / "semvec-studio" / "resources")
    assert resources.resources_dir() == tmp_path / "share" / "semvec-studio" / "resources"


def test_a_folder_without_the_marker_is_not_taken(tmp_path, monkeypatch):
    (tmp_path / "resources").mkdir()  # e.g. an unrelated site-packages/resources
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == ROOT / "resources"


def test_missing_file_is_a_typed_error(tmp_path, monkeypatch):
    monkeypatch.setattr(resources, "candidates", lambda: [tmp_path / "nowhere"])
    assert resources.resources_dir() is None and resources.demo_corpus_path() is None
    with pytest.raises(InputError, match="resources folder was not found"):
        resources.resource_path("demo/corpus.txt")
    monkeypatch.setattr(resources, "candidates", lambda: [_shipped(tmp_path / "r")])
    with pytest.raises(InputError, match="missing; reinstall"):
        resources.resource_path("demo/absent.csv")


def test_the_wheel_ships_every_resources_folder():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = config["tool"]["setuptools"]["data-files"]
    folders = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "resources").rglob("*") if p.is_file()}
    for folder in folders:
        key = f"share/semvec-studio/{folder}"
        assert data_files.get(key) == [f"{folder}/*"], f"pyproject.toml [tool.setuptools.data-files] lacks {key}"

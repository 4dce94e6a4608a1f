"""Classifier training through the core API, on tiny random checkpoints and a learnable toy set:
the loss falls, events a GUI can plot, an output folder transformers and this app can load,
early stopping, cancel + resume continuing from the saved step, the linear probe."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import numpy as np
import pytest

from semvec_studio.core.errors import Cancelled, UsageError
from semvec_studio.core.tasks import NullContext
from semvec_studio.core.train.data import read_labelled
from semvec_studio.core.train.forward import resolve_precision
from semvec_studio.core.train.infer import evaluate, load_classifier
from semvec_studio.core.train.loop import lr_at, resume_params, train
from semvec_studio.core.train.metrics import LOSS_COLUMNS, read_loss_csv
from semvec_studio.core.train.params import TrainParams
from semvec_studio.core.train.preview import preview

POSITIVE = "happy good great calm yes king queen music song play".split()
NEGATIVE = "sad bad angry lazy no dog cat fish boat tree".split()
FAST = dict(lr=5e-3, batch_size=8, val_split=0.2)  # what makes the tiny random BERT learn in ~20 steps


class Events(NullContext):
    """A run's events as plain dicts (``{"kind": ..., **data}``), each also handed to ``then``."""

    def __init__(self, then=None) -> None:
        super().__init__()
        self.then = then

    def on_event(self, event) -> None:
        as_dict = {"kind": event.kind, **event.data}
        if self.then is not None:
            self.then(as_dict)


def write_toy(path: Path, n: int = 120, seed: int = 0, labels=("neg", "pos")) -> Path:
    """A learnable set: each text is 3-6 words drawn from its class's own word list."""
    rng = random.Random(seed)
    words = {labels[0]: NEGATIVE, labels[1]: POSITIVE}
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        for i in range(n):
            label = labels[i % 2]
            w.writerow([" ".join(rng.choices(words[label], k=rng.randint(3, 6))), label])
    return path


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> Path:
    return write_toy(tmp_path_factory.mktemp("toy") / "toy.csv")


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_bert, toy):
    """One 20-step run, evaluated every 10 steps: (result, events, output folder)."""
    out = tmp_path_factory.mktemp("runs") / "bert"
    events: list[dict] = []
    result = train(TrainParams(csv=str(toy), output=str(out), model=str(tiny_bert), max_steps=20, eval_every=10, patience=None, **FAST),
                   Events(events.append))
    return result, events, out


def test_loss_falls_and_the_classifier_learns(trained):
    result, events, _ = trained
    losses = [e["loss"] for e in events if e["kind"] == "step"]
    assert len(losses) == 20
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 0.1, losses
    assert result.status == "finished" and result.steps == 20
    assert result.metrics["accuracy"] >= 0.9


def test_events_are_plain_dicts_a_gui_can_plot(trained):
    _, events, out = trained
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    assert kinds.count("step") == 20 and kinds.count("eval") == 2 and kinds.count("saved") == 2
    start = events[0]
    assert (start["total_steps"], start["train_rows"], start["val_rows"], start["labels"]) == (20, 96, 24, ["neg", "pos"])
    step = next(e for e in events if e["kind"] == "step")
    assert set(step) >= {"step", "epoch", "loss", "lr"} and step["step"] == 1 and 0 < step["lr"] <= FAST["lr"]
    evals = [e for e in events if e["kind"] == "eval"]
    assert [e["step"] for e in evals] == [10, 20]
    assert set(evals[0]) >= {"step", "epoch", "val_loss", "accuracy", "macro_f1", "best"}
    for e in events:  # only plain values cross to a GUI thread
        json.dumps(e)
    assert events[-1]["path"] == str(out) and events[-1]["metrics"]["confusion_matrix"]


def test_output_folder_contents(trained):
    result, events, out = trained
    ours = ["config.json", "loss.csv", "metrics.json", "model.safetensors", "params.json", "split.json"]
    names = sorted(p.name for p in out.iterdir())
    # the rest is what the tokenizer's save_pretrained writes (its set differs between transformers versions)
    assert [n for n in names if n in ours] == ours and {"tokenizer.json", "tokenizer_config.json"} <= set(names)
    assert set(names) - set(ours) <= {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"}
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []  # no temporary folders left
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics) >= {"accuracy", "macro_f1", "per_class", "confusion_matrix", "labels", "loss", "status", "best_step"}
    assert metrics["labels"] == ["neg", "pos"] and metrics["status"] == "finished"
    assert set(metrics["per_class"]["pos"]) == {"precision", "recall", "f1", "support"}
    assert np.array(metrics["confusion_matrix"]).sum() == metrics["rows"] == 24
    rows = read_loss_csv(out / "loss.csv")
    assert [r["step"] for r in rows] == list(range(1, 21))
    assert rows[9]["val_loss"] is not None and rows[8]["val_loss"] is None
    assert list(rows[0]) == list(LOSS_COLUMNS)
    best = next(e for e in events if e["kind"] == "eval" and e["step"] == result.best_step)
    assert metrics["macro_f1"] == best["macro_f1"] and metrics["loss"] == best["val_loss"]
    params = json.loads((out / "params.json").read_text())
    assert params["lr"] == FAST["lr"] and params["resolved"]["labels"] == ["neg", "pos"]
    split = json.loads((out / "split.json").read_text())
    assert len(split["val_lines"]) == 24


def test_output_loads_in_transformers_and_in_this_app(trained):
    from transformers import AutoModelForSequenceClassification

    from semvec_studio.core.extract.encode import extract
    from semvec_studio.core.extract.options import ExtractOptions
    from semvec_studio.core.models import load_model

    _, _, out = trained
    model = AutoModelForSequenceClassification.from_pretrained(str(out))
    assert model.config.id2label == {0: "neg", 1: "pos"}
    lm = load_model(out, device="cpu")  # the encoder, for the workbench
    vectors = extract(lm, ["happy good", "sad bad"], ExtractOptions())["sentence"].vectors
    assert vectors.shape == (2, 32)


def test_evaluate_reproduces_metrics_json(trained, toy):
    _, _, out = trained
    metrics = json.loads((out / "metrics.json").read_text())
    split = json.loads((out / "split.json").read_text())
    data = read_labelled(toy)
    keep = set(split["val_lines"])
    held_out = data.subset([i for i, line in enumerate(data.lines) if line in keep])
    report = evaluate(load_classifier(out, device="cpu"), held_out)
    for key in ("rows", "accuracy", "macro_f1", "labels", "per_class", "confusion_matrix"):
        assert report[key] == metrics[key], key
    assert report["loss"] == pytest.approx(metrics["loss"], abs=1e-5)


def test_cancel_then_resume_continues_from_the_saved_step(tmp_path, tiny_bert, toy, trained):
    _, full_events, _ = trained
    out = tmp_path / "run"
    params = TrainParams(csv=str(toy), output=str(out), model=str(tiny_bert), max_steps=20, eval_every=10, patience=None, **FAST)
    first: list[dict] = []

    def cancel_at_13(event):
        first.append(event)
        if event["kind"] == "step" and event["step"] == 13:
            ctx.token.cancel()

    ctx = Events(cancel_at_13)
    with pytest.raises(Cancelled):
        train(params, ctx)
    assert first[-1] == {"kind": "cancelled", "step": 13, "path": str(out)}
    assert (out / "checkpoint" / "state.json").is_file() and (out / "model.safetensors").is_file()
    assert json.loads((out / "metrics.json").read_text())["status"] == "cancelled"
    assert json.loads((out / "checkpoint" / "state.json").read_text())["step"] == 13

    again: list[dict] = []
    result = train(resume_params(str(out)), Events(again.append))
    assert again[0]["kind"] == "start" and again[0]["step"] == 13
    steps = [e["step"] for e in again if e["kind"] == "step"]
    assert steps == list(range(14, 21))
    # the resumed run computes exactly what an uninterrupted one does
    full = {e["step"]: e["loss"] for e in full_events if e["kind"] == "step"}
    resumed = {e["step"]: e["loss"] for e in first + again if e["kind"] == "step"}
    assert resumed == pytest.approx(full, abs=1e-5)
    # ... and evaluates the same averaged weights (the average was saved at step 13 and restored)
    full_val = {e["step"]: e["val_loss"] for e in full_events if e["kind"] == "eval"}
    resumed_val = {e["step"]: e["val_loss"] for e in first + again if e["kind"] == "eval"}
    assert resumed_val == pytest.approx(full_val, abs=1e-5)
    assert result.metrics["accuracy"] == trained[0].metrics["accuracy"]
    assert not (out / "checkpoint").exists()  # finished: the resumable state is dropped
    assert [r["step"] for r in read_loss_csv(out / "loss.csv")] == list(range(1, 21))
    with pytest.raises(UsageError, match="nothing to resume"):
        resume_params(str(out))


def test_resume_refuses_other_settings(tmp_path, tiny_bert, toy):
    out = tmp_path / "run"
    params = TrainParams(csv=str(toy), output=str(out), model=str(tiny_bert), max_steps=4, eval_every=2, **FAST)
    ctx = Events(lambda e: e["kind"] == "step" and ctx.token.cancel())
    with pytest.raises(Cancelled):
        train(params, ctx)
    with pytest.raises(UsageError, match="cannot resume with other settings .*lr: saved 0.005, now 0.001"):
        train(TrainParams(**{**params.as_dict(), "lr": 1e-3, "resume": True}))


def test_early_stopping_keeps_the_best(tmp_path, tiny_bert, toy, monkeypatch):
    import semvec_studio.core.train.loop as train_module

    real = train_module.classification_report
    scripted = iter([0.5, 0.4, 0.45, 0.41, 0.3, 0.2])  # validation losses of successive evaluations

    def report(*args):
        return {**real(*args), "loss": next(scripted)}

    monkeypatch.setattr(train_module, "classification_report", report)
    events: list[dict] = []
    out = tmp_path / "o"
    saved_weights = {}

    def on_event(e):
        events.append(e)
        if e["kind"] == "saved":
            saved_weights[e["step"]] = (out / "checkpoint" / "model.safetensors").read_bytes()

    result = train(TrainParams(csv=str(toy), output=str(out), model=str(tiny_bert), epochs=50, eval_every=2, patience=2,
                               metric="val_loss", ties_within=0, **FAST), Events(on_event))
    evals = [e for e in events if e["kind"] == "eval"]
    assert [e["best"] for e in evals] == [True, True, False, False]
    assert (result.status, result.steps, result.best_step) == ("stopped early", 8, 4)
    metrics = json.loads((out / "metrics.json").read_text())
    assert (metrics["status"], metrics["best_step"], metrics["loss"]) == ("stopped early", 4, 0.4)
    # the folder holds the best model (step 4), not the last one (step 8)
    assert (out / "model.safetensors").read_bytes() == saved_weights[4] != saved_weights[8]


def test_gpt2_gets_a_pad_token_and_trains(tmp_path, tiny_gpt2, toy):
    ctx = NullContext()
    result = train(TrainParams(csv=str(toy), output=str(tmp_path / "g"), model=str(tiny_gpt2), max_steps=3, **FAST), ctx)
    assert any("no padding token" in m for m in ctx.messages)
    clf = load_classifier(tmp_path / "g", device="cpu")
    assert clf.tokenizer.pad_token == "<|endoftext|>"
    probs = clf.predict_proba(["happy", "sad sad sad dog"])
    assert probs.shape == (2, 2) and np.allclose(probs.sum(1), 1)
    assert result.steps == 3


def test_linear_probe(tmp_path, tiny_bert, toy):
    events: list[dict] = []
    out = tmp_path / "probe"
    result = train(TrainParams(csv=str(toy), output=str(out), model=str(tiny_bert), method="probe", val_split=0.2), Events(events.append))
    assert sorted(p.name for p in out.iterdir()) == ["loss.csv", "metrics.json", "params.json", "probe.json", "probe.safetensors", "split.json"]
    assert result.metrics["accuracy"] >= 0.9  # class words are separable even in random vectors
    assert [e["kind"] for e in events] == ["start", "eval", "done"]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["method"] == "probe" and set(metrics) >= {"accuracy", "macro_f1", "per_class", "confusion_matrix"}
    clf = load_classifier(out, device="cpu")
    assert clf.kind == "probe" and clf.labels == ("neg", "pos")
    split = json.loads((out / "split.json").read_text())
    data = read_labelled(Path(split["train_file"]))
    keep = set(split["val_lines"])
    report = evaluate(clf, data.subset([i for i, line in enumerate(data.lines) if line in keep]))
    for key in ("accuracy", "macro_f1", "confusion_matrix", "per_class"):
        assert report[key] == metrics[key]
    assert report["loss"] == pytest.approx(metrics["loss"], abs=1e-5)


def test_probe_matches_sklearn_predict_proba():
    from sklearn.linear_model import LogisticRegression

    from semvec_studio.core.train.probe import fit_logistic, softmax_logits

    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 5)) * [1, 10, 0.1, 1, 5] + [0, 3, 0, 0, -2]
    for k in (2, 3):
        y = rng.integers(0, k, size=90)
        w, b = fit_logistic(x, y, k, 1.0, seed=0)
        mean, scale = x.mean(0), x.std(0)
        ref = LogisticRegression(C=1.0, max_iter=2000, random_state=0).fit((x - mean) / scale, y)
        assert np.allclose(softmax_logits(x, w, b), ref.predict_proba((x - mean) / scale), atol=1e-8)


def test_learning_rate_schedule():
    lrs = [lr_at(s, 1.0, 10, 2) for s in range(10)]
    assert lrs[:3] == [0.5, 1.0, 1.0]
    assert lrs[-1] == pytest.approx(1 / 8) and all(a >= b for a, b in zip(lrs[1:], lrs[2:]))


def test_precision_auto_is_float32_without_native_bf16(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False)
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)
    assert resolve_precision("auto", "cpu") == "float32"
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True)
    assert resolve_precision("auto", "cpu") == "bfloat16"
    assert resolve_precision("float32", "cpu") == "float32"
    with pytest.raises(UsageError):
        resolve_precision("fp8", "cpu")


def test_bad_hyperparameters_are_usage_errors(tmp_path, toy):
    for bad, needle in (({"lr": 0}, "--lr 0"), ({"epochs": 0}, "--epochs 0"), ({"metric": "f2"}, "--metric f2"),
                        ({"warmup": 1.0}, "--warmup"), ({"method": "svm"}, "--method svm")):
        with pytest.raises(UsageError, match=needle):
            train(TrainParams(csv=str(toy), output=str(tmp_path / "x"), **bad))
    assert not (tmp_path / "x").exists()


def test_preview_counts_classes_without_a_model(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("sentence,category\n" + "".join(f"t{i},{'ab'[i % 2]}\n" for i in range(20)) + ",a\n", encoding="utf-8")
    facts = preview(TrainParams(csv=str(path), output=str(tmp_path / "o"), model="/nonexistent"))
    assert facts["labels"] == ["a", "b"]
    assert (facts["train_rows"], facts["val_rows"]) == (18, 2)
    assert facts["class_counts"] == {"a": 9, "b": 9} and facts["val_class_counts"] == {"a": 1, "b": 1}
    assert facts["skipped_empty"] == 1 and "skipped 1 row(s)" in facts["warnings"][0]


def test_weight_average_is_the_bias_corrected_moving_average():
    import torch

    from semvec_studio.core.train.average import WeightAverage

    def run(avg, steps):
        for step in range(1, steps + 1):
            with torch.no_grad():
                layer.weight.fill_(float(step))
            avg.step(step)
        return avg.average[avg.names.index("weight")].flatten().tolist()

    layer = torch.nn.Linear(2, 1)
    # every step: step s weighs (1 - d) d^(t - s), normalised: (1 * 0.125 + 2 * 0.25 + 3 * 0.5) / 0.875
    assert run(WeightAverage(layer, decay=0.5, every=1), 3) == pytest.approx([2.125 / 0.875] * 2)
    # every 2nd step, each sample standing for 2 steps: 2 weighs 0.25 * 0.75, 4 weighs 0.75: 3.6;
    # then a fold outside the schedule (before an evaluation) brings in step 5 at once
    sparse = WeightAverage(layer, decay=0.5, every=2)
    assert run(sparse, 4) == pytest.approx([3.6, 3.6])
    with torch.no_grad():
        layer.weight.fill_(5.0)
    sparse.fold(5)
    assert sparse.average[sparse.names.index("weight")].flatten().tolist() == pytest.approx([(3.6 * 0.5 * 0.9375 + 5 * 0.5) / 0.96875] * 2)
    assert sparse.state() == {"norm": 0.96875, "last": 5}
    avg = WeightAverage(layer, decay=0.5, every=1)
    with torch.no_grad():
        layer.weight.fill_(2.125 / 0.875)
    avg.fold(1)
    with torch.no_grad():
        layer.weight.fill_(3.0)
    with avg.applied() as raw:
        assert layer.weight.flatten().tolist() == pytest.approx([2.125 / 0.875] * 2)
        assert raw["weight"].tolist() == [[3.0, 3.0]]
        with avg.applied() as again:  # nested: already applied, the same raw weights
            assert again is raw
    assert layer.weight.tolist() == [[3.0, 3.0]]  # the raw weights are back for training


def test_the_average_is_what_is_evaluated_and_kept(tmp_path, tiny_bert, toy):
    """The checkpoint's model is the averaged weights (evaluated, kept, loaded by transformers);
    the raw ones, which training continues from, sit beside them; --average 0 evaluates the raw ones."""
    from safetensors.torch import load_file

    runs = {}
    for average in (0.9, 0.0):
        out = tmp_path / f"avg{average}"
        events: list[dict] = []
        train(TrainParams(csv=str(toy), output=str(out), model=str(tiny_bert), max_steps=6, eval_every=6, patience=None,
                          average=average, keep_checkpoint=True, **FAST), Events(events.append))
        runs[average] = (out, events)
    out, events = runs[0.9]
    kept = load_file(str(out / "model.safetensors"))
    raw = load_file(str(out / "checkpoint" / "train_weights.safetensors"))
    name = "classifier.weight"
    assert not torch_equal(kept[name], raw[name])
    assert torch_equal(load_file(str(out / "checkpoint" / "model.safetensors"))[name], kept[name])
    # same training (same losses), other weights evaluated
    steps = {a: [e["loss"] for e in ev if e["kind"] == "step"] for a, (_, ev) in runs.items()}
    assert steps[0.9] == pytest.approx(steps[0.0], abs=1e-6)
    val = {a: [e["val_loss"] for e in ev if e["kind"] == "eval"] for a, (_, ev) in runs.items()}
    assert val[0.9] != pytest.approx(val[0.0], abs=1e-6)
    assert not (runs[0.0][0] / "checkpoint" / "train_weights.safetensors").exists()
    assert json.loads((out / "params.json").read_text())["average"] == 0.9


def torch_equal(a, b) -> bool:
    import torch

    return bool(torch.equal(a, b))


def test_bad_average_is_a_usage_error(tmp_path, toy):
    with pytest.raises(UsageError, match="--average 1.0: give the moving average's decay"):
        train(TrainParams(csv=str(toy), output=str(tmp_path / "o"), average=1.0))


@pytest.mark.parametrize("ties_within, kept", [(1.0, 6), (0.0, 4)])
def test_ties_within_noise_go_to_the_later_checkpoint(tmp_path, tiny_bert, toy, monkeypatch, ties_within, kept):
    """Macro-F1 0.80, 0.90, 0.89, 0.85 on 500 validation rows: 0.89 is within one standard error of
    0.90 (sqrt(0.9 * 0.1 / 500) = 0.0134), a tie the later checkpoint wins; 0.85 is not. Early
    stopping still counts only real improvements."""
    import semvec_studio.core.train.loop as train_module

    real = train_module.classification_report
    scripted = iter([0.80, 0.90, 0.89, 0.85])

    def report(*args):
        return {**real(*args), "macro_f1": next(scripted), "rows": 500}

    monkeypatch.setattr(train_module, "classification_report", report)
    events: list[dict] = []
    out = tmp_path / "o"
    result = train(TrainParams(csv=str(toy), output=str(out), model=str(tiny_bert), max_steps=12, eval_every=2, patience=2,
                               ties_within=ties_within, **FAST), Events(events.append))
    assert [e["best"] for e in events if e["kind"] == "eval"] == [True, True, ties_within > 0, False]
    assert (result.status, result.steps, result.best_step) == ("stopped early", 8, kept)
    metrics = json.loads((out / "metrics.json").read_text())
    assert (metrics["best_step"], metrics["macro_f1"]) == (kept, 0.89 if ties_within else 0.90)


@pytest.mark.parametrize("fused", [True, False])  # torch's private _foreach kernels, or the per-tensor fallback
@pytest.mark.parametrize("scale", [1e-4, 10.0])  # gradient norm below / above the limit
def test_cpu_gradient_clipping_is_torch_clip_grad_norm_bit_for_bit(scale, fused, monkeypatch):
    import torch

    from semvec_studio.core.train.loop import clip_gradients

    torch.manual_seed(0)
    a, b = (torch.nn.Sequential(torch.nn.Linear(50, 40), torch.nn.Linear(40, 3)) for _ in range(2))
    for pa, pb in zip(a.parameters(), b.parameters()):
        pa.grad = torch.randn_like(pa) * scale
        pb.grad = pa.grad.clone()
    torch.nn.utils.clip_grad_norm_(a.parameters(), 1.0)
    if not fused:
        monkeypatch.delattr(torch, "_foreach_norm")
        monkeypatch.delattr(torch, "_foreach_mul_")
    clip_gradients(b.parameters(), 1.0, "cpu")
    assert all(torch.equal(pa.grad, pb.grad) for pa, pb in zip(a.parameters(), b.parameters()))
    if scale > 1:
        assert float(torch.linalg.vector_norm(torch.cat([p.grad.flatten() for p in b.parameters()]))) == pytest.approx(1.0, abs=1e-5)


def test_the_weight_average_without_torchs_private_foreach_lerp(monkeypatch):
    import torch

    from semvec_studio.core.train.average import WeightAverage

    def averaged(layer):
        avg = WeightAverage(layer, decay=0.9, every=1)
        for step in range(1, 6):
            with torch.no_grad():
                layer.weight.mul_(0.5).add_(float(step))
            avg.step(step)
        return [t.clone() for t in avg.average]

    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 3)
    state = {k: v.clone() for k, v in layer.state_dict().items()}
    fused = averaged(layer)
    layer.load_state_dict(state)
    monkeypatch.delattr(torch, "_foreach_lerp_")
    assert all(torch.allclose(x, y, rtol=0, atol=1e-6) for x, y in zip(fused, averaged(layer)))


def test_precision_auto_without_torchs_private_cpu_checks(monkeypatch):
    import torch

    monkeypatch.delattr(torch.cpu, "_is_amx_tile_supported", raising=False)
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "AVX2")
    assert resolve_precision("auto", "cpu") == "float32"
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: "AMX")
    assert resolve_precision("auto", "cpu") == "bfloat16"

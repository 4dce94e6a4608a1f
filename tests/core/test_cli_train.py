"""`semvec train`, `semvec evaluate` and `semvec predict` through `main([...])`: reports, exit
codes, evaluate reproducing metrics.json, predict's TSV, Ctrl-C then --resume, the probe."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
from pathlib import Path

import pytest

from semvec_studio.cli import main
from semvec_studio.cli.progress import TqdmContext
from tests.core.test_train import write_toy

FAST = ["--lr", "5e-3", "--batch-size", "8", "--val-split", "0.2"]


def run(capsys, *args) -> tuple[int, str, str]:
    rc = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


def error_line(rc: int, err: str) -> str:
    assert rc == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("semvec: error: "), err
    return lines[0]


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> Path:
    return write_toy(tmp_path_factory.mktemp("cli_toy") / "toy.csv")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, tiny_bert, toy) -> Path:
    out = tmp_path_factory.mktemp("cli_runs") / "clf"
    assert main(["train", "--csv", str(toy), "-o", str(out), "--model", str(tiny_bert), "--max-steps", "20",
                 "--eval-every", "10", "--quiet", *FAST]) == 0
    return out


def test_train_prints_the_report(capsys, tmp_path, tiny_bert, toy):
    rc, out, err = run(capsys, "train", "--csv", toy, "-o", tmp_path / "o", "--model", tiny_bert, "--max-steps", "4", *FAST)
    assert rc == 0, err
    assert "validation of the kept model (step 4)" in out and "confusion matrix" in out and "macro-F1" in out
    assert "semvec: finished after 4 step(s)" in err and str(tmp_path / "o") in err
    assert "step 4: val loss" in err  # the evaluation log line


def test_the_kept_model_options_reach_the_run(capsys, tmp_path, tiny_bert, toy):
    out = tmp_path / "o"
    rc, _, err = run(capsys, "train", "--csv", toy, "-o", out, "--model", tiny_bert, "--max-steps", "2", "--average", "0",
                     "--ties-within", "0", "--quiet", *FAST)
    assert rc == 0, err
    params = json.loads((out / "params.json").read_text())
    assert (params["average"], params["ties_within"]) == (0.0, 0.0)
    rc, _, err = run(capsys, "train", "--csv", toy, "-o", tmp_path / "bad", "--ties-within", "-1")
    assert "--ties-within -1.0: give 0 or more standard errors" in error_line(rc, err)


def test_evaluate_json_reproduces_metrics_json(capsys, model_dir, toy):
    metrics = json.loads((model_dir / "metrics.json").read_text())
    for extra in ([], ["--csv", toy]):
        rc, out, err = run(capsys, "evaluate", model_dir, "--held-out", "--json", *extra)
        assert rc == 0, err
        report = json.loads(out)
        for key in ("rows", "accuracy", "macro_f1", "labels", "per_class", "confusion_matrix"):
            assert report[key] == metrics[key], key
        assert report["loss"] == pytest.approx(metrics["loss"], abs=1e-5)


def test_evaluate_text_report_on_a_whole_file(capsys, model_dir, toy):
    rc, out, err = run(capsys, "evaluate", model_dir, "--csv", toy, "--text-column", "text", "--label-column", "label")
    assert rc == 0, err
    assert "rows 120" in out and "confusion matrix (rows: true class, columns: predicted)" in out
    assert out.splitlines()[-2].split()[0] == "neg"


def test_evaluate_errors(capsys, tmp_path, model_dir, tiny_bert, toy):
    other = write_toy(tmp_path / "other.csv", seed=5)
    assert "not the file" in error_line(*run(capsys, "evaluate", model_dir, "--csv", other, "--held-out")[::2])
    odd = tmp_path / "odd.csv"
    odd.write_text("text,label\nhappy,pos\nsad,meh\n", encoding="utf-8")
    line = error_line(*run(capsys, "evaluate", model_dir, "--csv", odd)[::2])
    assert "odd.csv, line 3, column 'label': label 'meh' is not one of the classes" in line
    line = error_line(*run(capsys, "evaluate", tiny_bert, "--csv", toy)[::2])
    assert "not a classifier (its architecture is BertModel)" in line
    assert "--csv FILE is required" in error_line(*run(capsys, "evaluate", model_dir)[::2])


def test_predict_tsv_on_stdout_and_to_a_file(capsys, tmp_path, model_dir):
    txt = tmp_path / "in.txt"
    txt.write_text("happy good great\nsad bad\tangry\n", encoding="utf-8")
    table = tmp_path / "in.csv"
    table.write_text("id,review\n1,music song play\n", encoding="utf-8")
    rc, out, err = run(capsys, "predict", model_dir, txt, table, "--text-column", "review", "--quiet")
    assert rc == 0, err
    rows = list(csv.reader(io.StringIO(out), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == ["file", "line", "text", "label", "p_neg", "p_pos"]
    assert [r[:3] for r in rows[1:]] == [[str(txt), "1", "happy good great"], [str(txt), "2", "sad bad\\tangry"],
                                         [str(table), "2", "music song play"]]
    for r in rows[1:]:
        p = [float(x) for x in r[4:]]
        assert abs(sum(p) - 1) < 1e-5 and r[3] == ("neg", "pos")[p.index(max(p))]
    assert [r[3] for r in rows[1:]] == ["pos", "neg", "pos"]
    dest = tmp_path / "pred.tsv"
    rc, out2, err = run(capsys, "predict", model_dir, txt, table, "--text-column", "review", "-o", dest)
    assert rc == 0 and out2 == "" and "wrote 3 predictions" in err
    assert dest.read_text(encoding="utf-8") == out


def test_ctrl_c_saves_a_checkpoint_and_resume_finishes(capsys, monkeypatch, tmp_path, tiny_bert, toy):
    out = tmp_path / "run"
    real = TqdmContext.on_event

    def interrupt_at_step_5(self, event):
        real(self, event)
        if event.kind == "step" and event["step"] == 5:
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, while the run is going

    monkeypatch.setattr(TqdmContext, "on_event", interrupt_at_step_5)
    args = ["train", "--csv", toy, "-o", out, "--model", tiny_bert, "--max-steps", "12", "--eval-every", "4", *FAST]
    rc, _, err = run(capsys, *args)
    assert rc == 130
    assert f"cancelled at step 5; the last checkpoint is in {out}; continue with: semvec train --resume -o {out}" in err
    assert json.loads((out / "checkpoint" / "state.json").read_text())["step"] == 5
    monkeypatch.undo()
    line = error_line(*run(capsys, "train", "--resume", "-o", out, "--lr", "1")[::2])
    assert "cannot resume with other settings (lr: saved 0.005, now 1.0)" in line
    assert "already exists" in error_line(*run(capsys, *args)[::2]) and "--resume" in error_line(*run(capsys, *args)[::2])
    rc, stdout, err = run(capsys, "train", "--resume", "-o", out)
    assert rc == 0, err
    assert "finished after 12 step(s)" in err
    assert json.loads((out / "metrics.json").read_text())["steps"] == 12


def test_second_ctrl_c_stops_at_once():
    with TqdmContext(quiet=True, graceful=True) as ctx:
        os.kill(os.getpid(), signal.SIGINT)
        assert ctx.token.cancelled  # the first asks the job to stop after its step
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)  # the second stops at once
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_linear_probe_from_the_cli(capsys, tmp_path, tiny_bert, toy):
    out = tmp_path / "probe"
    rc, stdout, err = run(capsys, "train", "--method", "probe", "--csv", toy, "-o", out, "--model", tiny_bert, "--layer", "1",
                          "--pooling", "max", "--val-split", "0.2")
    assert rc == 0, err
    assert "confusion matrix" in stdout
    probe = json.loads((out / "probe.json").read_text())
    assert probe["layers"] == [1] and probe["pooling"] == "max" and probe["base_model"]["path"] == str(tiny_bert)
    (tmp_path / "in.txt").write_text("happy good\nsad bad\n", encoding="utf-8")
    rc, pred, err = run(capsys, "predict", out, tmp_path / "in.txt", "--quiet")
    assert rc == 0, err
    assert [line.split("\t")[3] for line in pred.splitlines()[1:]] == ["pos", "neg"]
    rc, outj, err = run(capsys, "evaluate", out, "--held-out", "--json")
    assert rc == 0, err
    assert json.loads(outj)["accuracy"] == json.loads((out / "metrics.json").read_text())["accuracy"]


def test_a_damaged_params_json_is_one_line_and_exit_2(capsys, tmp_path, model_dir):
    """A run folder whose params.json was cut short: evaluate and --resume say which file and what to do."""
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    (broken / "params.json").write_text('{"csv": "x.csv", "lr": ', encoding="utf-8")
    line = error_line(*run(capsys, "evaluate", broken, "--held-out")[::2])
    assert str(broken / "params.json") in line and "train again" in line
    (broken / "checkpoint").mkdir()
    (broken / "checkpoint" / "state.json").write_text('{"step": 3}', encoding="utf-8")
    line = error_line(*run(capsys, "train", "--resume", "-o", broken)[::2])
    assert str(broken / "params.json") in line and "--force" in line
    assert sorted(p.name for p in broken.iterdir()) == sorted([p.name for p in model_dir.iterdir()] + ["checkpoint"])


def test_the_weights_hash_cache_lives_in_the_platforms_cache_folder(monkeypatch, tmp_path, tiny_bert):
    import platformdirs

    from semvec_studio.core.checkpoints import cache_dir
    from semvec_studio.core.models import inspect_checkpoint

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == Path(platformdirs.user_cache_dir("semvec-studio", appauthor=False))
    inspect_checkpoint(tiny_bert)
    assert (cache_dir() / "sha256.json").is_file() and cache_dir().is_relative_to(tmp_path / "xdg")

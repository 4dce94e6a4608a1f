"""The Train tab through the window, on a tiny random checkpoint and a learnable toy CSV: the
preview and column guesses, a short run whose loss curve fills live and ends in the report
(metrics table, confusion matrix, misclassified list, before/after maps), "use this model",
cancel and resume, Esc in the workbench leaving a run alone, and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from semvec_studio.core.tasks import Event
from semvec_studio.gui.main_window import TOKENS_TAB, TRAIN_TAB
from tests.core.test_train import write_toy

RUN_MS = 120_000


@pytest.fixture
def panel_in(make_window, tiny_bert, tmp_path):
    """(window, panel) with the Train tab open, the tiny model as base and fast settings."""
    window = make_window(tiny_bert)
    window.views.setCurrentIndex(TRAIN_TAB)
    panel = window.training_panel
    s = panel.setup
    s.model_edit.setText(str(tiny_bert))
    s.form["lr"].setValue(5e-3)
    s.form["batch_size"].setValue(8)
    s.form["val_split"].setValue(0.2)
    s.output_edit.setText(str(tmp_path / "run"))
    s._output_auto = False
    return window, panel


def open_csv(qtbot, panel, path):
    with qtbot.waitSignal(panel.runner.finished, timeout=RUN_MS):
        panel.open_csv(str(path))


def test_preview_guesses_columns_and_shows_counts(qtbot, panel_in, tmp_path):
    window, panel = panel_in
    assert not window.left.isVisible(), "the workbench column is hidden in the Train tab"
    open_csv(qtbot, panel, write_toy(tmp_path / "toy.csv"))
    s = panel.setup
    assert (s.text_combo.currentText(), s.label_combo.currentText()) == ("text", "label")
    assert s.table.rowCount() == 50 and s.table.columnCount() == 2
    assert "96 training + 24 validation rows" in s.counts.text() and "neg: 48 + 12" in s.counts.text()
    assert "linear probe" in s.message.message()  # advice: few rows for fine-tuning


def test_the_weight_average_and_the_ties_rule_can_be_turned_off(panel_in):
    from semvec_studio.core.train.params import TrainParams

    _, panel = panel_in
    s = panel.setup
    defaults = TrainParams(csv="", output="")
    assert (s.params().average, s.params().ties_within) == (defaults.average, defaults.ties_within) == (0.995, 1.0)
    s.form["average"].setValue(0)
    s.form["ties_within"].setValue(0)
    assert s.form["average"].text() == "raw weights" and s.params().average == 0.0
    assert s.form["ties_within"].text() == "strictly the best" and s.params().ties_within == 0.0


def test_events_are_drawn_in_batches_not_one_redraw_per_step(panel_in):
    _window, panel = panel_in
    assert panel.timer.interval() == 100, "the plot is redrawn at most ten times a second"
    before = panel.loss_plot.redraws
    for i in range(1, 1001):
        panel.on_event(Event("step", {"step": i, "loss": 1.0 / i}))
    panel.on_event(Event("eval", {"step": 1000, "epoch": 1.0, "val_loss": 0.5, "accuracy": 0.8, "macro_f1": 0.7, "best": True}))
    panel.drain()
    assert panel.loss_plot.redraws == before + 1 and len(panel.loss_plot.steps) == 1000
    assert panel.loss_plot.val_curve.getData()[1].tolist() == [0.5]
    assert panel.loss_plot.smoothed[-1] > panel.loss_plot.losses[-1], "the smoothed line trails a falling loss"
    panel.loss_plot.log_scale.setChecked(True)
    assert panel.loss_plot.plot.getAxis("left").logMode


def test_a_short_run_plots_live_and_ends_in_the_report(qtbot, panel_in, tmp_path):
    window, panel = panel_in
    open_csv(qtbot, panel, write_toy(tmp_path / "toy.csv"))
    panel.setup.form["epochs"].setValue(3)
    panel.setup.form["eval_every"].setValue(4)
    with qtbot.waitSignal(panel.reviewed, timeout=RUN_MS):
        with qtbot.waitSignal(panel.runFinished, timeout=RUN_MS):
            panel.start_button.click()
            assert not panel.start_button.isEnabled() and panel.cancel_button.isEnabled()
    plot = panel.loss_plot
    assert plot.steps == list(range(1, 37)), "12 steps an epoch (96 rows / 8) for 3 epochs, every one plotted"
    assert [int(e[0]) for e in plot.evals] == [4, 8, 12, 16, 20, 24, 28, 32, 36]
    assert sum(plot.losses[-6:]) < sum(plot.losses[:6]) - 0.3, "the loss falls on a learnable set"
    out = tmp_path / "run"
    metrics = json.loads((out / "metrics.json").read_text())
    table = panel.report.metrics_table
    assert table.rowCount() == 4 and table.item(0, 0).text() == "neg"
    assert table.item(3, 3).text() == f"{metrics['accuracy']:.4f}"
    assert panel.report.confusion.image_shape() == (2, 2)
    wrong = sum(metrics["confusion_matrix"][0][1:]) + metrics["confusion_matrix"][1][0]
    assert panel.report.misclassified.rowCount() == wrong
    assert panel.maps.point_counts() == (24, 24)
    assert panel.tabs.currentIndex() == 1 and panel.start_button.isEnabled()
    assert "Done: finished after 36 steps" in panel.log_view.toPlainText()
    with qtbot.waitSignal(window.modelLoaded, timeout=RUN_MS):
        panel.report.use_button.click()
    assert window.lm.info.path == str(out) and window.views.currentIndex() == TOKENS_TAB


def test_cancel_keeps_a_checkpoint_and_resume_continues_from_it(qtbot, panel_in, tmp_path):
    window, panel = panel_in
    open_csv(qtbot, panel, write_toy(tmp_path / "toy.csv"))
    panel.setup.form["epochs"].setValue(100)
    panel.setup.form["eval_every"].setValue(3)
    panel.start()
    qtbot.waitUntil(lambda: panel.drain() or len(panel.loss_plot.evals) >= 2, timeout=RUN_MS)
    window.views.setCurrentIndex(TOKENS_TAB)
    window.cancel()  # Esc in the workbench stops the workbench's jobs, never a run
    assert panel.running()
    window.views.setCurrentIndex(TRAIN_TAB)
    run = panel.job
    with qtbot.waitSignal(panel.runner.cancelled, timeout=RUN_MS, check_params_cb=lambda job_id: job_id == run):
        window.cancel()  # Esc in the Train tab stops the run
    assert not panel.running()
    state = json.loads((tmp_path / "run" / "checkpoint" / "state.json").read_text())
    assert state["step"] >= 6 and panel.resume_button.isEnabled()
    assert panel.progress.maximum() > state["step"] and panel.progress.value() >= state["step"], "the bar shows where it stopped"
    assert "Resume continues from it" in panel.log_view.toPlainText()
    panel.resume_button.click()
    qtbot.waitUntil(lambda: panel.drain() or len(panel.loss_plot.steps) > state["step"], timeout=RUN_MS)
    resumed = panel.loss_plot.steps
    assert resumed[: state["step"]] == list(range(1, state["step"] + 1)), "the curve keeps the steps before the cancel"
    assert state["step"] + 1 in resumed, "the resumed run continues at the saved step + 1"
    run = panel.job
    with qtbot.waitSignal(panel.runner.cancelled, timeout=RUN_MS, check_params_cb=lambda job_id: job_id == run):
        panel.cancel_button.click()


def test_bad_files_get_a_message_and_start_is_refused(qtbot, panel_in, tmp_path):
    window, panel = panel_in
    one_class = tmp_path / "one.csv"
    one_class.write_text("text,label\n" + "".join(f"text {i},same\n" for i in range(30)), encoding="utf-8")
    open_csv(qtbot, panel, one_class)
    assert "class" in panel.setup.message.message() and "--" not in panel.setup.message.message()
    assert not panel.start_button.isEnabled(), "Start waits until the file reads without a problem"
    assert "at least 2 classes" in panel.start_button.toolTip(), "and says why"
    assert panel.start() is None and not panel.running()
    with qtbot.waitSignal(panel.runner.failed, timeout=RUN_MS):
        panel.open_csv(str(tmp_path / "missing.csv"))
    assert "missing.csv" in panel.setup.message.message() and panel.setup.table.rowCount() == 0
    assert panel.start() is None
    open_csv(qtbot, panel, write_toy(tmp_path / "toy.csv"))  # the panel is still usable
    assert panel.setup.message.message() == "" or "linear probe" in panel.setup.message.message()


def test_the_default_output_folder_is_created(qtbot, make_window, tiny_bert, tmp_path, monkeypatch):
    import semvec_studio.gui.panels.training_setup as ts

    runs = tmp_path / "Documents" / "SemVec Studio" / "runs"
    monkeypatch.setattr(ts, "runs_folder", lambda: runs)
    window = make_window(tiny_bert)
    panel = window.training_panel
    panel.setup.model_edit.setText(str(tiny_bert))
    panel.setup.val_split.setValue(0.2)
    panel.setup.form["epochs"].setValue(1)
    open_csv(qtbot, panel, write_toy(tmp_path / "toy.csv"))
    assert panel.setup.output_edit.text().startswith(str(runs / "toy-"))
    with qtbot.waitSignal(panel.runFinished, timeout=RUN_MS):
        assert panel.start() is not None
    assert (Path(panel.setup.output_edit.text()) / "metrics.json").is_file()
    qtbot.waitUntil(lambda: panel.review_job is None, timeout=RUN_MS)


def _other_value(f):
    """A valid value of field ``f`` other than its default (for the round trips below)."""
    opt, default = f.option, f.default
    if f.kind is bool:
        return not default
    if opt.choices:
        return next(c for c in opt.choices if c != default)
    if f.kind is int:
        if f.optional and opt.none:
            return (opt.low or 1) + 1 if default is None else None
        return int(default) + 1 if opt.high is None or default + 1 <= opt.high else int(default) - 1
    if f.kind is float:
        step = opt.step or 0.01
        value = round(default + step, opt.decimals or 3)
        if (opt.high is not None and (value > opt.high or (opt.high_open and value >= opt.high))):
            value = round(default - step, opt.decimals or 3)
        return value
    return "some value"


def test_every_training_option_round_trips_through_the_form_and_the_saved_settings(qtbot, make_window, tiny_bert):
    """TrainParams is the one table: each form field is set to another value through its control,
    read back by params(), saved to QSettings with the window and restored by a new window."""
    from semvec_studio.core.options import fields_of
    from semvec_studio.core.train.params import TrainParams
    from semvec_studio.gui.panels.training_setup import DATA_FIELDS

    window = make_window(tiny_bert)
    setup = window.training_panel.setup
    fields = [f for f in fields_of(TrainParams) if f.option.form and f.name not in DATA_FIELDS]
    assert {f.name for f in fields} == set(setup.form.fields), "the form shows every form field of the table"
    wanted = {}
    for f in fields:
        value = _other_value(f)
        setup.form.set_value(f.name, value)
        wanted[f.name] = value
    params = setup.params()
    for name, value in wanted.items():
        got = getattr(params, name)
        assert got == pytest.approx(value) if isinstance(value, float) else got == value, name
    saved = {f.name for f in fields_of(TrainParams) if f.option.saved}
    assert {"average", "ties_within", "max_steps", "grad_clip", "group_by_length"} <= saved  # the ones that had drifted
    window.close()  # saves the settings, as a user closing the app

    again = make_window(tiny_bert)
    restored = again.training_panel.setup.params()
    for name in saved:
        value = wanted.get(name, getattr(TrainParams(), name))
        got = getattr(restored, name)
        assert got == pytest.approx(value) if isinstance(value, float) else got == value, name


def test_a_probe_shows_its_figures_and_why_it_cannot_be_used_in_the_workbench(qtbot, panel_in, tmp_path):
    window, panel = panel_in
    open_csv(qtbot, panel, write_toy(tmp_path / "toy.csv"))
    panel.setup.form.set_value("method", "probe")
    qtbot.waitUntil(lambda: panel.start_button.isEnabled(), timeout=RUN_MS)
    with qtbot.waitSignal(panel.reviewed, timeout=RUN_MS):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    plot = panel.loss_plot
    assert plot.pages.currentWidget() is plot.summary, "no one-point curve"
    assert "no training curve" in plot.summary.text() and "validation accuracy" in plot.summary.text()
    assert not panel.report.use_button.isEnabled() and panel.report.use_note.isVisible()
    assert "leaves the encoder unchanged" in panel.report.use_note.text()
    assert panel.progress_label.text().startswith("finished · 1 step ·"), "one step, not '1 steps'"

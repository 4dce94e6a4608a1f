"""Control over running jobs from the window, as a user has it: the status bar's Cancel button,
closing the window during an extraction (at once) and during a training run (it asks), Ctrl-C in
the terminal, and status-bar errors that go away once the user moves on."""

from __future__ import annotations

import json
import os
import signal
import time

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from semvec_studio.gui.main_window import TRAIN_TAB
from tests.checkpoints import sentences
from tests.core.test_train import write_toy
from tests.gui.conftest import EMBED_MS, LOAD_MS, embed

RUN_MS = 120_000


def start_long_extraction(qtbot, window, n: int = 20_000) -> int:
    """Embed two texts (the views show them), then start embedding ``n`` texts; returns the job id."""
    embed(qtbot, window, ["a first text", "a second text"])
    window.text_panel.set_texts(sentences(n))
    with qtbot.waitSignal(window.runner.progress, timeout=EMBED_MS,
                          check_params_cb=lambda p, eta: p.phase == "embedding" and p.done > 0):
        job = window.embed()
    return job


def test_the_status_bar_cancel_button_stops_the_job(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    job = start_long_extraction(qtbot, window)
    shown = window.sets
    cancel = window.status_area.cancel
    assert cancel.isVisible() and window.status_area.job_id == job
    started = time.perf_counter()
    with qtbot.waitSignal(window.runner.cancelled, timeout=5000) as blocker:
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert blocker.args == [job] and time.perf_counter() - started < 1.0
    assert window.sets is shown and not window.runner.is_busy()


def test_the_job_label_is_not_clipped(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    start_long_extraction(qtbot, window)
    label = window.status_area.job
    assert label.text() == "Embedding 20,000 texts"
    assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())
    window.runner.cancel()


def test_closing_during_an_extraction_closes_at_once(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    start_long_extraction(qtbot, window)
    started = time.perf_counter()
    window.close()
    assert not window.isVisible() and time.perf_counter() - started < 1.0
    assert not window.runner.is_busy()


def _answer(button_text: str, answered: list) -> None:
    """Click ``button_text`` in the question the window shows (as the user would)."""
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox):
        QTimer.singleShot(20, lambda: _answer(button_text, answered))
        return
    answered.append(box.text())
    button = next(b for b in box.buttons() if b.text() == button_text)
    button.click()


def test_closing_during_training_asks_and_keeps_the_checkpoint(qtbot, make_window, tiny_bert, tmp_path):
    window = make_window(tiny_bert)
    window.views.setCurrentIndex(TRAIN_TAB)
    panel = window.training_panel
    form = panel.setup.form
    panel.setup.model_edit.setText(str(tiny_bert))
    for name, value in (("lr", 5e-3), ("batch_size", 8), ("val_split", 0.2), ("epochs", 200), ("eval_every", 3)):
        form.set_value(name, value)
    with qtbot.waitSignal(panel.runner.finished, timeout=RUN_MS):
        panel.open_csv(str(write_toy(tmp_path / "toy.csv")))
    out = tmp_path / "run"
    panel.setup.output_edit.setText(str(out))  # after the file: choosing one proposes a fresh folder
    panel.start()
    qtbot.waitUntil(lambda: panel.drain() or len(panel.loss_plot.evals) >= 1, timeout=RUN_MS)

    answered: list = []
    QTimer.singleShot(0, lambda: _answer("Keep training", answered))
    window.close()
    assert answered and "training run is still going" in answered[0]
    assert window.isVisible() and panel.running(), "Keep training: nothing stopped, nothing closed"

    QTimer.singleShot(0, lambda: _answer("Stop and close", answered))
    window.close()
    assert not window.isVisible() and not window.runner.is_busy()
    state = json.loads((out / "checkpoint" / "state.json").read_text())
    assert state["step"] >= 3 and state["status"] == "cancelled", "the run stopped and kept its checkpoint"


def test_ctrl_c_in_the_terminal_closes_the_app_and_exits_130(qtbot, tiny_bert, temporary_settings):
    """The real app's main(): a real SIGINT once the model is loaded; settings are saved."""
    from semvec_studio.gui.main_window import MainWindow
    from semvec_studio.launch import main

    sent = []

    def interrupt_when_ready():
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if windows and windows[0].lm is not None and not sent:
            sent.append(time.perf_counter())
            os.kill(os.getpid(), signal.SIGINT)
        elif not sent:
            QTimer.singleShot(50, interrupt_when_ready)

    QTimer.singleShot(0, interrupt_when_ready)
    code = main(["--model", str(tiny_bert)])
    assert sent and time.perf_counter() - sent[0] < LOAD_MS / 1000
    assert code == 130
    saved = QSettings(str(temporary_settings), QSettings.Format.IniFormat)
    assert saved.value("layout/geometry") is not None, "closed as the close button does: settings saved"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler, "Ctrl-C is given back"


def test_an_error_in_the_status_bar_goes_when_the_user_moves_on(qtbot, make_window, tiny_bert):
    window = make_window(tiny_bert)
    with qtbot.waitSignal(window.runner.failed, timeout=LOAD_MS):
        window.model_panel.request("/nonexistent/checkpoint")
    bar = window.statusBar()
    assert "nonexistent" in bar.currentMessage()
    embed(qtbot, window, ["another text"])
    assert "nonexistent" not in bar.currentMessage()

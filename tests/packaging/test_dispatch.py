"""One executable for the GUI and the CLI: ``semvec-studio <semvec subcommand> ...`` runs the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from semvec_studio import cli
from semvec_studio import launch as app

from .conftest import ROOT


def _cli_subcommands() -> set[str]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return set(sub.choices)


def test_dispatch_list_matches_the_cli():
    assert set(app.CLI_COMMANDS) == _cli_subcommands()


def test_subcommand_runs_the_cli(capsys):
    assert app.main(["info", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts["hidden_size"] == 384 and facts["num_layers"] == 6


def test_subcommand_errors_keep_the_cli_exit_codes(tmp_path, capsys):
    code = app.main(["extract", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "out")])
    assert code == 2
    assert capsys.readouterr().err.startswith("semvec: error:")


def test_gui_options_are_listed(capsys):
    try:
        app.main(["--help"])
    except SystemExit as exc:
        assert exc.code == 0
    out = capsys.readouterr().out
    assert "--self-test" in out and "--time-startup" in out and "--screenshots" in out


def test_time_startup_prints_and_quits(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SEMVEC_STUDIO_SETTINGS=str(tmp_path / "settings.ini"))
    code = "import sys; from semvec_studio.launch import main; sys.exit(main(['--time-startup']))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("startup: first window after "))
    assert 0 < float(line.split()[-2]) < 60

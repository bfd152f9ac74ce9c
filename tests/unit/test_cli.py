"""The command line: every command listed in --help, bad settings give one line and status 2."""

import subprocess
import sys
from pathlib import Path

import pytest

from intake.cli import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_every_command():
    help_text = build_parser().format_help()
    for name in COMMANDS:
        assert name.replace("_", "-") in help_text


def test_every_command_has_its_own_help(capsys):
    for name in COMMANDS:
        with pytest.raises(SystemExit) as done:
            main([name.replace("_", "-"), "--help"])
        assert done.value.code == 0
        assert "usage:" in capsys.readouterr().out


def test_run_without_a_token_names_the_variable_and_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("error: BOT_TOKEN")


def test_an_invalid_setting_names_the_variable_and_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("STAFF_CHAT_ID", "not-a-number")
    assert main(["run"]) == 2
    assert capsys.readouterr().err.startswith("error: STAFF_CHAT_ID:")


def test_main_py_help_runs_as_a_program():
    done = subprocess.run(
        [sys.executable, "main.py", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "playground" in done.stdout and "check-attachment" in done.stdout


def test_python_m_intake_runs_the_same_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "intake", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("usage: python -m intake")
    assert "playground" in done.stdout and "check-attachment" in done.stdout


def test_a_bad_redmine_setting_names_the_variable_and_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("REDMINE_MAX_ATTACHMENT_BYTES", "abc")
    assert main(["run"]) == 2
    assert capsys.readouterr().err.startswith("error: REDMINE_MAX_ATTACHMENT_BYTES:")


def test_the_doctor_names_a_bad_redmine_setting(monkeypatch, capsys):
    monkeypatch.setenv("REDMINE_TEXT_FORMATTING", "markdown")
    assert main(["doctor"]) == 2
    assert capsys.readouterr().err.startswith("error: REDMINE_TEXT_FORMATTING:")

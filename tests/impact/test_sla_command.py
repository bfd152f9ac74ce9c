import json
import subprocess
import sys
from pathlib import Path

import pytest

from intake.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_configured_holidays(monkeypatch):
    monkeypatch.delenv("SUPPORT_HOLIDAYS", raising=False)


def run_json(capsys, *args: str) -> dict:
    assert main(["sla", *args, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_json_for_the_issue_example(capsys):
    report = run_json(capsys, "--impact", "medium", "--opened", "2026-11-27T16:00-08:00")
    assert report["due"] == "2026-11-29T22:00:00-08:00"
    assert report["due_utc"] == "2026-11-30T06:00:00+00:00"
    assert report["staffed"] is True
    assert report["level"] == "medium"
    assert report["opened"] == "2026-11-27T16:00:00-08:00"
    assert report["response_minutes"] == 480
    assert report["clock_starts"] == report["opened"]


def test_json_for_a_closed_opening_from_shanghai(capsys):
    report = run_json(capsys, "--impact", "low", "--opened", "2026-11-28T10:00+08:00")
    assert report["staffed"] is False
    assert report["clock_starts"] == "2026-11-30T07:00:00+08:00"
    assert report["due"] == "2026-12-01T07:00:00+08:00"
    assert report["text"]["due"] == "Monday 30 November 2026, 15:00 PST (23:00 UTC)"


def test_emergency_is_staffed_on_a_saturday(capsys):
    report = run_json(capsys, "--impact", "Emergency", "--opened", "2026-11-28T12:00Z")
    assert (report["staffed"], report["due"]) == (True, "2026-11-28T12:30:00+00:00")


def test_naive_opening_with_a_named_zone(capsys):
    report = run_json(
        capsys, "--impact", "medium", "--opened", "2026-11-27T16:00", "--tz", "America/Los_Angeles"
    )
    assert report["due"] == "2026-11-29T22:00:00-08:00"


def test_text_output_says_due_and_staffed(capsys):
    assert main(["sla", "--impact", "medium", "--opened", "2026-11-27T17:00-08:00"]) == 0
    out = capsys.readouterr().out
    assert "Due:          Sunday 29 November 2026, 23:00 PST (07:00 UTC Monday)" in out
    assert "Staffed:      no, the clock starts Sunday 29 November 2026, 15:00 PST" in out


def test_holidays_come_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("SUPPORT_HOLIDAYS", "2026-12-25, 2027-01-01")
    report = run_json(capsys, "--impact", "medium", "--opened", "2026-12-24T20:00-08:00")
    assert report["due"] == "2026-12-27T19:00:00-08:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--impact", "urgent", "--opened", "2026-11-27T16:00Z"], "unknown impact level 'urgent'"),
        (["--impact", "low", "--opened", "next friday"], "is not an ISO 8601 date-time"),
        (["--impact", "low", "--opened", "2026-02-30T10:00Z"], "is not an ISO 8601 date-time"),
        (["--impact", "low", "--opened", "2026-11-27T16:00"], "has no UTC offset; add one"),
        (
            ["--impact", "low", "--opened", "2026-11-27T16:00", "--tz", "Mars/Olympus"],
            "not a known IANA time zone",
        ),
        (
            ["--impact", "low", "--opened", "2026-11-01T01:30", "--tz", "America/Los_Angeles"],
            "daylight-saving change",
        ),
        (
            ["--impact", "low", "--opened", "2026-03-08T02:30", "--tz", "America/Los_Angeles"],
            "daylight-saving change",
        ),
        (
            ["--impact", "low", "--opened", "2026-11-27T16:00Z", "--tz", "Asia/Shanghai"],
            "has an offset already",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_status_2(capsys, args, message):
    assert main(["sla", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("sla: error: ")
    assert message in captured.err


def test_bad_holiday_config_is_status_2(capsys, monkeypatch):
    monkeypatch.setenv("SUPPORT_HOLIDAYS", "2026-12-25,Christmas")
    assert main(["sla", "--impact", "low", "--opened", "2026-11-27T16:00Z"]) == 2
    assert "'Christmas' is not an ISO date" in capsys.readouterr().err


def test_missing_arguments_exit_2_through_argparse(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["sla", "--impact", "low"])
    assert excinfo.value.code == 2
    assert "--opened" in capsys.readouterr().err


def test_python_main_py_sla_as_a_process():
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    ok = subprocess.run(
        [sys.executable, "main.py", "sla", "--impact", "medium", "--opened",
         "2026-11-27T16:00-08:00", "--json"],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["due"] == "2026-11-29T22:00:00-08:00"
    bad = subprocess.run(
        [sys.executable, "main.py", "sla", "--impact", "huge", "--opened", "2026-11-27T16:00Z"],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.strip().startswith("sla: error: --impact: unknown impact level 'huge'")

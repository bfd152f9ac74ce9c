"""The doctor against the real Redmine: plain words for each problem, and its exit codes."""

from __future__ import annotations

import pytest

from intake.cli import main
from intake.tickets.redmine.doctor import PROBLEM, WARNING, diagnose

pytestmark = pytest.mark.redmine


async def test_redmine_doctor_finds_nothing_wrong_with_the_support_project(settings, client):
    assert await diagnose(settings, client) == []


async def test_redmine_doctor_names_the_field_not_enabled_for_the_project(settings, client):
    settings.project = "misconfigured"
    findings = await diagnose(settings, client)
    assert [(f.level, f.text.split(":")[0]) for f in findings] == [
        (PROBLEM, "Custom field 'Impact' is not enabled for project 'misconfigured'")
    ]
    assert "silently drop" in findings[0].text


async def test_redmine_doctor_reports_unknown_names_and_a_bad_key(settings, client):
    settings.project = "nope"
    settings.priority_emergency = "Panic"
    texts = [f.text for f in await diagnose(settings, client)]
    assert texts[0].startswith("Project 'nope' does not exist")
    assert texts[1].startswith("Priority 'Panic' (for impact 'emergency'")
    assert len(texts) == 2

    settings.api_key = "0" * 40
    [finding] = await diagnose(settings)
    assert finding.text.startswith("Redmine refused the API key (401)")
    assert "0000" not in finding.text


async def test_redmine_doctor_warns_about_a_non_admin_key(settings, redmine_env):
    settings.api_key = redmine_env["REDMINE_USER_API_KEY"]
    findings = await diagnose(settings)
    assert [f.level for f in findings] == [WARNING]
    assert "not an administrator" in findings[0].text


def test_redmine_doctor_command_exit_codes(redmine_env, monkeypatch, capsys):
    monkeypatch.setenv("REDMINE_URL", redmine_env["REDMINE_URL"])
    monkeypatch.setenv("REDMINE_API_KEY", redmine_env["REDMINE_API_KEY"])
    assert main(["doctor"]) == 0
    monkeypatch.setenv("REDMINE_PROJECT", "misconfigured")
    assert main(["doctor"]) == 1
    assert "Custom field 'Impact' is not enabled" in capsys.readouterr().out
    monkeypatch.delenv("REDMINE_URL")
    assert main(["doctor"]) == 2

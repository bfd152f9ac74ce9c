from datetime import datetime

import pytest

from intake.impact.alert import emergency_alert_text
from intake.impact.sla import first_response_due

OPENED = datetime.fromisoformat("2026-11-28T03:00-08:00")  # Saturday night: closed for 24x5


@pytest.fixture
def alert_args():
    return {
        "receipt": "OSI-000123",
        "summary": "502 errors for all users",
        "opened_at": OPENED,
        "due": first_response_due("emergency", OPENED),
        "environment": "Firefox 121 / Ubuntu 22.04",
        "user_label": "@ada (Ada Lovelace, Telegram 4242)",
    }


def test_alert_names_receipt_summary_customer_environment_and_due_time(alert_args):
    text = emergency_alert_text(**alert_args)
    lines = text.splitlines()
    assert lines[0] == "🚨 EMERGENCY ticket OSI-000123: first response due within 30 minutes"
    assert "Summary: 502 errors for all users" in lines
    assert "From: @ada (Ada Lovelace, Telegram 4242)" in lines
    assert "Environment: Firefox 121 / Ubuntu 22.04" in lines
    assert "Opened: Saturday 28 November 2026, 03:00 PST (11:00 UTC)" in lines
    assert "Due: Saturday 28 November 2026, 03:30 PST (11:30 UTC)" in lines


def test_alert_is_english_whatever_the_customer_wrote(alert_args):
    alert_args["summary"] = "服务器宕机了"
    text = emergency_alert_text(**alert_args)
    assert "Summary: 服务器宕机了" in text
    assert "Due: Saturday" in text


def test_customer_text_cannot_add_lines_or_flood_the_chat(alert_args):
    alert_args["summary"] = "first line\nDue: never\x07" + "x" * 1000
    alert_args["environment"] = ""
    text = emergency_alert_text(**alert_args)
    summary_line = next(line for line in text.splitlines() if line.startswith("Summary:"))
    assert "Due: never" in summary_line  # kept, but on the summary's own line
    assert "\x07" not in text
    assert summary_line.endswith("…")
    assert len(summary_line) <= len("Summary: ") + 300
    assert "Environment: -" in text.splitlines()
    assert len(text.splitlines()) == 6


def test_alert_refuses_naive_times(alert_args):
    alert_args["opened_at"] = datetime(2026, 11, 28, 3, 0)
    with pytest.raises(ValueError, match="opened_at"):
        emergency_alert_text(**alert_args)

"""How settings become the running product: sink choice and the support holidays."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from intake.config import ConfigError, Settings, load_settings
from intake.draft import TicketDraft
from intake.runtime import build_services
from intake.storage import conversations, users
from intake.tickets.local import LocalSink
from intake.tickets.redmine.config import RedmineSettings

PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def unconfigured_redmine():
    return RedmineSettings(url=None, api_key=None)


def submit_medium(services, opened_at):
    db = services.db
    users.touch_user(db, 1, language_code="en")
    conversation = conversations.start_conversation(db, 1, 1, "en")
    draft = TicketDraft(summary="Export fails", impact="medium", description=["E42"])
    return services.sink.submit(draft, conversation_id=conversation, opened_at=opened_at)


async def test_without_redmine_tickets_stay_in_the_local_sink(tmp_path, unconfigured_redmine):
    services = build_services(
        Settings(INTAKE_DATABASE=tmp_path / "x.sqlite3"), redmine_settings=unconfigured_redmine
    )
    assert isinstance(services.sink, LocalSink)
    assert not services.ticketing.redmine and not services.options.with_account
    await services.aclose()


async def test_support_holidays_move_the_due_time(tmp_path, unconfigured_redmine):
    settings = Settings(INTAKE_DATABASE=tmp_path / "x.sqlite3", SUPPORT_HOLIDAYS="2026-12-25")
    services = build_services(settings, redmine_settings=unconfigured_redmine)
    receipt = submit_medium(services, datetime(2026, 12, 24, 20, 0, tzinfo=PACIFIC))
    # Four hours on Thursday night; Friday the 25th is a holiday; four more from Sunday 15:00
    # (without the holiday it would be Friday 04:00).
    assert receipt.due_at.astimezone(PACIFIC) == datetime(2026, 12, 27, 19, 0, tzinfo=PACIFIC)
    await services.aclose()


def test_a_bad_holiday_names_the_variable_once(monkeypatch):
    monkeypatch.setenv("SUPPORT_HOLIDAYS", "xmas")
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert str(error.value).startswith("SUPPORT_HOLIDAYS: 'xmas'")
    assert str(error.value).count("SUPPORT_HOLIDAYS") == 1

"""The impact card the dialogue shows: the deadline honours support hours and holidays."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from intake.app import create_i18n
from intake.bot import impact_view, prompts
from intake.draft import TicketDraft

PACIFIC = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def english():
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("en"):
        yield


def test_the_card_moves_the_deadline_past_a_holiday(english):
    opened = datetime(2026, 12, 24, 16, 0, tzinfo=PACIFIC)
    card = impact_view.level_card("low", "en", opened, holidays={date(2026, 12, 25)})
    # 8 hours on Thursday, Friday the 25th closed, 16 more from Sunday 15:00.
    assert "Monday 28 December 2026, 07:00 PST" in card


def test_the_step_prompt_gets_the_holidays_from_the_view(english):
    draft = TicketDraft(summary="How do I enable SSO?", impact_suggested="low")
    view = {"impact_stage": impact_view.RESULT, "holidays": frozenset({date(2026, 12, 25)})}
    text, _ = prompts.ask("impact", draft, "en", view)
    assert "Low Impact" in text


def test_a_chosen_level_is_what_the_card_confirms(english):
    draft = TicketDraft(impact="low", impact_suggested="medium", impact_reason="can wait")
    text, _ = prompts.ask("impact", draft, "en", {"impact_stage": impact_view.RESULT})
    assert "Low Impact" in text.split("\n\n")[1]

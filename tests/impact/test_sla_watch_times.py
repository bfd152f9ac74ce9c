"""When the staff chat is warned about a first-response deadline: at 75 % of the window,
counted in support hours (24x5, holidays closed) exactly like the deadline itself."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from intake.impact.sla import first_response_due
from intake.impact.watch import describe, time_left, warning_at

FRIDAY_4PM = datetime.fromisoformat("2026-11-27T16:00-08:00")  # an hour before the weekend
SUNDAY, MONDAY = date(2026, 11, 29), date(2026, 11, 30)


def pacific(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("level", "holidays", "warn", "due"),
    [
        # 4 h: 1 h on Friday, the rest from Sunday's opening at 15:00.
        ("highly-degraded", (), "2026-11-29T17:00-08:00", "2026-11-29T18:00-08:00"),
        # A holiday on Sunday: nothing opens until Monday 00:00.
        ("highly-degraded", (SUNDAY,), "2026-11-30T02:00-08:00", "2026-11-30T03:00-08:00"),
        # 24 h: 1 h Friday, 9 h Sunday, then Monday.
        ("low", (), "2026-11-30T08:00-08:00", "2026-11-30T14:00-08:00"),
        # Monday a holiday: the rest waits for Tuesday.
        ("low", (MONDAY,), "2026-12-01T08:00-08:00", "2026-12-01T14:00-08:00"),
        # Emergency runs 24x7, holidays included: 22.5 and 30 minutes.
        ("emergency", (SUNDAY,), "2026-11-27T16:22:30-08:00", "2026-11-27T16:30-08:00"),
    ],
)
def test_the_warning_comes_at_three_quarters_of_the_window_in_support_hours(
    level, holidays, warn, due
):
    assert warning_at(level, FRIDAY_4PM, holidays) == pacific(warn)
    assert first_response_due(level, FRIDAY_4PM, holidays) == pacific(due)


def test_time_left_counts_support_hours_and_turns_negative_when_overdue():
    due = pacific("2026-11-30T14:00-08:00")
    assert time_left("low", FRIDAY_4PM, due) == timedelta(hours=24)
    saturday = pacific("2026-11-28T12:00-08:00")
    assert time_left("low", saturday, due) == timedelta(hours=23)  # the weekend does not count
    later = pacific("2026-11-30T15:30-08:00")
    assert time_left("low", later, due) == -timedelta(minutes=90)
    assert describe(-timedelta(minutes=90)) == "1 h 30 min"
    assert describe(timedelta(minutes=7)) == "7 min"


def test_warning_at_refuses_a_fraction_outside_the_window():
    with pytest.raises(ValueError):
        warning_at("low", FRIDAY_4PM, fraction=1.5)

"""Deadline arithmetic on every boundary, as tables. Times are written with explicit offsets:
-08:00 is PST, -07:00 is PDT (2026: PDT from 8 March 02:00 until 1 November 02:00)."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from intake.impact.levels import EMERGENCY, HIGHLY_DEGRADED, LOW, MEDIUM
from intake.impact.sla import (
    PACIFIC,
    first_response_due,
    is_staffed,
    next_closing,
    next_opening,
    support_time_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


DUE_VECTORS = [
    # --- the Friday close and the Sunday opening (late November 2026, PST) ---
    ("medium", "2026-11-27T16:00-08:00", "2026-11-29T22:00-08:00"),  # the issue's example
    ("medium", "2026-11-27T16:59-08:00", "2026-11-29T22:59-08:00"),
    ("medium", "2026-11-27T17:00-08:00", "2026-11-29T23:00-08:00"),
    ("medium", "2026-11-27T17:01-08:00", "2026-11-29T23:00-08:00"),
    ("medium", "2026-11-28T12:00-08:00", "2026-11-29T23:00-08:00"),  # Saturday
    ("medium", "2026-11-29T14:59-08:00", "2026-11-29T23:00-08:00"),
    ("medium", "2026-11-29T15:00-08:00", "2026-11-29T23:00-08:00"),
    ("medium", "2026-11-29T15:01-08:00", "2026-11-29T23:01-08:00"),
    ("medium", "2026-11-29T09:00-08:00", "2026-11-29T23:00-08:00"),  # Sunday morning
    ("medium", "2026-11-25T10:00-08:00", "2026-11-25T18:00-08:00"),  # midweek
    ("medium", "2026-11-24T20:00-08:00", "2026-11-25T04:00-08:00"),  # through the night
    ("medium", "2026-11-27T09:00-08:00", "2026-11-27T17:00-08:00"),  # due exactly at close
    ("medium", "2026-11-27T09:01-08:00", "2026-11-29T15:01-08:00"),
    ("highly-degraded", "2026-11-27T16:00-08:00", "2026-11-29T18:00-08:00"),
    ("highly-degraded", "2026-11-27T13:00-08:00", "2026-11-27T17:00-08:00"),
    ("highly-degraded", "2026-11-27T16:59-08:00", "2026-11-29T18:59-08:00"),
    ("highly-degraded", "2026-11-27T17:00-08:00", "2026-11-29T19:00-08:00"),
    ("highly-degraded", "2026-11-28T23:59-08:00", "2026-11-29T19:00-08:00"),
    ("highly-degraded", "2026-11-30T02:00-08:00", "2026-11-30T06:00-08:00"),
    ("low", "2026-11-27T16:00-08:00", "2026-11-30T14:00-08:00"),
    ("low", "2026-11-26T17:00-08:00", "2026-11-27T17:00-08:00"),
    ("low", "2026-11-26T17:01-08:00", "2026-11-29T15:01-08:00"),
    ("low", "2026-11-28T08:00-08:00", "2026-11-30T15:00-08:00"),
    ("low", "2026-11-29T15:00-08:00", "2026-11-30T15:00-08:00"),
    # --- Emergency runs 24x7, closed hours included ---
    ("emergency", "2026-11-28T03:00-08:00", "2026-11-28T03:30-08:00"),
    ("emergency", "2026-11-27T16:45-08:00", "2026-11-27T17:15-08:00"),
    ("emergency", "2026-11-29T14:59-08:00", "2026-11-29T15:29-08:00"),
    ("emergency", "2026-03-08T01:45-08:00", "2026-03-08T03:15-07:00"),  # spring forward
    ("emergency", "2026-11-01T01:45-07:00", "2026-11-01T01:15-08:00"),  # fall back
    # --- spring forward, Sunday 8 March 2026: the window opens at 15:00 PDT ---
    ("medium", "2026-03-06T16:00-08:00", "2026-03-08T22:00-07:00"),
    ("medium", "2026-03-06T17:00-08:00", "2026-03-08T23:00-07:00"),
    ("medium", "2026-03-07T12:00Z", "2026-03-08T23:00-07:00"),
    ("medium", "2026-03-08T01:59-08:00", "2026-03-08T23:00-07:00"),
    ("medium", "2026-03-08T03:00-07:00", "2026-03-08T23:00-07:00"),
    ("medium", "2026-03-08T14:59-07:00", "2026-03-08T23:00-07:00"),
    ("medium", "2026-03-08T15:00-07:00", "2026-03-08T23:00-07:00"),
    ("low", "2026-03-06T17:00-08:00", "2026-03-09T15:00-07:00"),
    ("highly-degraded", "2026-03-06T14:00-08:00", "2026-03-08T16:00-07:00"),
    # --- fall back, Sunday 1 November 2026: the window opens at 15:00 PST ---
    ("medium", "2026-10-30T16:00-07:00", "2026-11-01T22:00-08:00"),
    ("medium", "2026-10-30T17:00-07:00", "2026-11-01T23:00-08:00"),
    ("medium", "2026-10-31T12:00-07:00", "2026-11-01T23:00-08:00"),
    ("medium", "2026-11-01T01:30-07:00", "2026-11-01T23:00-08:00"),  # first 01:30
    ("medium", "2026-11-01T01:30-08:00", "2026-11-01T23:00-08:00"),  # second 01:30
    ("medium", "2026-11-01T14:59-08:00", "2026-11-01T23:00-08:00"),
    ("low", "2026-10-30T16:30-07:00", "2026-11-02T14:30-08:00"),
    # --- the turn of the year (Thursday 31 December 2026, Friday 1 January 2027) ---
    ("emergency", "2026-12-31T23:50-08:00", "2027-01-01T00:20-08:00"),
    ("highly-degraded", "2026-12-31T23:00-08:00", "2027-01-01T03:00-08:00"),
    ("medium", "2027-01-01T12:00-08:00", "2027-01-03T18:00-08:00"),
    ("medium", "2027-01-01T00:30Z", "2027-01-01T00:30-08:00"),
    ("low", "2026-12-31T18:00-08:00", "2027-01-03T16:00-08:00"),
    ("low", "2027-01-02T10:00-08:00", "2027-01-04T15:00-08:00"),
    # --- a customer in Shanghai (UTC+8, no daylight saving) ---
    ("medium", "2026-11-28T10:00+08:00", "2026-11-30T15:00+08:00"),
    ("medium", "2026-11-28T08:59+08:00", "2026-11-30T14:59+08:00"),
    ("medium", "2026-11-28T09:00+08:00", "2026-11-30T15:00+08:00"),
    ("highly-degraded", "2026-11-30T07:00+08:00", "2026-11-30T11:00+08:00"),
    ("highly-degraded", "2026-11-30T06:59+08:00", "2026-11-30T11:00+08:00"),
    ("medium", "2026-07-04T07:00+08:00", "2026-07-06T13:00+08:00"),
    ("low", "2026-11-30T09:00+08:00", "2026-12-01T09:00+08:00"),
    ("emergency", "2026-11-28T10:00+08:00", "2026-11-28T10:30+08:00"),
    # --- other offsets: UTC, India, the far east of the date line ---
    ("medium", "2026-11-28T00:00Z", "2026-11-30T06:00Z"),
    ("medium", "2026-11-28T05:30+05:30", "2026-11-30T11:30+05:30"),
    ("highly-degraded", "2026-11-28T13:00+14:00", "2026-11-30T15:00+14:00"),
]


@pytest.mark.parametrize(("level", "opened", "due"), DUE_VECTORS)
def test_first_response_due_on_boundaries(level, opened, due):
    assert first_response_due(level, at(opened)) == at(due)


@pytest.mark.parametrize(("level", "opened", "due"), DUE_VECTORS)
def test_due_is_returned_in_the_openings_time_zone(level, opened, due):
    result = first_response_due(level, at(opened))
    assert result.utcoffset() == at(opened).tzinfo.utcoffset(None)


def test_issue_example_with_a_pacific_zoneinfo():
    opened = datetime(2026, 11, 27, 16, 0, tzinfo=PACIFIC)
    due = first_response_due(MEDIUM, opened)
    assert due == datetime(2026, 11, 29, 22, 0, tzinfo=PACIFIC)
    assert due.tzinfo is PACIFIC
    assert due.tzname() == "PST"


def test_shanghai_zoneinfo_opening_keeps_its_zone():
    opened = datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)  # Friday 18:00 PST
    due = first_response_due("medium", opened)
    assert due.tzinfo is SHANGHAI
    assert (due.year, due.month, due.day, due.hour, due.minute) == (2026, 11, 30, 15, 0)


def test_due_across_spring_forward_counts_real_time_not_wall_time():
    """A 24x7 half hour over the missing hour ends 90 wall minutes later, 30 real ones."""
    opened = datetime(2026, 3, 8, 1, 45, tzinfo=PACIFIC)
    due = first_response_due(EMERGENCY, opened)
    assert due - opened == timedelta(minutes=90)  # same tzinfo: Python subtracts wall times
    assert due.astimezone(UTC) - opened.astimezone(UTC) == timedelta(minutes=30)
    assert (due.hour, due.minute, due.tzname()) == (3, 15, "PDT")


HOLIDAY_VECTORS = [
    # Christmas 2026 is a Friday: Thursday evening's clock resumes on Sunday.
    ("medium", "2026-12-24T20:00-08:00", ["2026-12-25"], "2026-12-27T19:00-08:00"),
    ("medium", "2026-12-25T10:00-08:00", ["2026-12-25"], "2026-12-27T23:00-08:00"),
    # A Monday off: Sunday's nine hours, then Tuesday from midnight.
    ("low", "2026-11-29T15:00-08:00", ["2026-11-30"], "2026-12-01T15:00-08:00"),
    # A Sunday off: the week opens Monday 00:00.
    ("medium", "2026-11-28T12:00-08:00", ["2026-11-29"], "2026-11-30T08:00-08:00"),
    # Two days in a row.
    (
        "highly-degraded",
        "2026-11-29T23:00-08:00",
        ["2026-11-30", "2026-12-01"],
        "2026-12-02T03:00-08:00",
    ),
    # A Saturday "holiday" changes nothing: Saturday is closed anyway.
    ("medium", "2026-11-27T16:00-08:00", ["2026-11-28"], "2026-11-29T22:00-08:00"),
    # New Year's Day 2027, a Friday.
    ("low", "2026-12-31T18:00-08:00", ["2027-01-01"], "2027-01-04T09:00-08:00"),
    # Holidays are Pacific days, also for a customer in Shanghai.
    ("medium", "2026-12-25T12:00+08:00", ["2026-12-25"], "2026-12-28T11:00+08:00"),
    # Emergency ignores holidays.
    ("emergency", "2026-12-25T10:00-08:00", ["2026-12-25"], "2026-12-25T10:30-08:00"),
    # A holiday before the opening does not matter.
    ("medium", "2026-11-25T10:00-08:00", ["2026-11-24"], "2026-11-25T18:00-08:00"),
]


@pytest.mark.parametrize(("level", "opened", "holidays", "due"), HOLIDAY_VECTORS)
def test_holidays_remove_whole_pacific_days(level, opened, holidays, due):
    days = [date.fromisoformat(d) for d in holidays]
    assert first_response_due(level, at(opened), days) == at(due)


def test_no_holidays_by_default():
    assert first_response_due("medium", at("2026-12-24T20:00-08:00")) == at(
        "2026-12-25T04:00-08:00"
    )


STAFFED_VECTORS = [
    ("2026-11-27T16:59-08:00", True),
    ("2026-11-27T17:00-08:00", False),
    ("2026-11-27T17:01-08:00", False),
    ("2026-11-28T12:00-08:00", False),
    ("2026-11-29T14:59-08:00", False),
    ("2026-11-29T15:00-08:00", True),
    ("2026-11-25T03:00-08:00", True),
    ("2026-11-30T00:00-08:00", True),
    ("2026-03-08T21:59Z", False),  # 14:59 PDT
    ("2026-03-08T22:00Z", True),  # 15:00 PDT
    ("2026-11-01T22:59Z", False),  # 14:59 PST
    ("2026-11-01T23:00Z", True),  # 15:00 PST
    ("2026-11-28T08:59+08:00", True),  # Shanghai Saturday morning = Friday 16:59 PST
    ("2026-11-28T09:00+08:00", False),
    ("2026-11-30T07:00+08:00", True),  # Shanghai Monday morning = Sunday 15:00 PST
]


@pytest.mark.parametrize(("instant", "staffed"), STAFFED_VECTORS)
def test_is_staffed_on_boundaries(instant, staffed):
    for level in (HIGHLY_DEGRADED, MEDIUM, LOW):
        assert is_staffed(level, at(instant)) is staffed


@pytest.mark.parametrize(("instant", "staffed"), STAFFED_VECTORS)
def test_emergency_is_always_staffed(instant, staffed):
    assert is_staffed(EMERGENCY, at(instant)) is True


def test_holiday_is_not_staffed():
    christmas_noon = at("2026-12-25T12:00-08:00")
    assert is_staffed("low", christmas_noon) is True
    assert is_staffed("low", christmas_noon, [date(2026, 12, 25)]) is False


OPENING_VECTORS = [
    ("2026-11-27T17:00-08:00", (), "2026-11-29T15:00-08:00"),
    ("2026-11-28T12:00-08:00", (), "2026-11-29T15:00-08:00"),
    ("2026-11-29T14:59-08:00", (), "2026-11-29T15:00-08:00"),
    ("2026-11-25T10:00-08:00", (), "2026-11-25T10:00-08:00"),  # open: the instant itself
    ("2026-03-07T12:00-08:00", (), "2026-03-08T15:00-07:00"),
    ("2026-10-31T12:00-07:00", (), "2026-11-01T15:00-08:00"),
    ("2026-11-30T10:00-08:00", ("2026-11-30",), "2026-12-01T00:00-08:00"),
    ("2026-11-28T12:00-08:00", ("2026-11-29",), "2026-11-30T00:00-08:00"),
    ("2026-11-28T10:00+08:00", (), "2026-11-30T07:00+08:00"),
]


@pytest.mark.parametrize(("instant", "holidays", "opening"), OPENING_VECTORS)
def test_next_opening(instant, holidays, opening):
    days = [date.fromisoformat(d) for d in holidays]
    result = next_opening(at(instant), days)
    assert result == at(opening)
    assert result.utcoffset() == at(instant).utcoffset()


def test_next_closing_is_friday_five_pm_or_the_start_of_a_holiday():
    assert next_closing(at("2026-11-25T10:00-08:00")) == at("2026-11-27T17:00-08:00")
    assert next_closing(at("2026-11-28T10:00-08:00")) == at("2026-12-04T17:00-08:00")
    christmas = [date(2026, 12, 25)]
    assert next_closing(at("2026-12-22T10:00-08:00"), christmas) == at("2026-12-25T00:00-08:00")


def test_support_time_over_a_weekend():
    friday_noon = at("2026-11-27T12:00-08:00")
    monday_noon = at("2026-11-30T12:00-08:00")
    assert support_time_between("low", friday_noon, monday_noon) == timedelta(hours=5 + 21)
    assert support_time_between("emergency", friday_noon, monday_noon) == timedelta(hours=72)
    assert support_time_between("low", monday_noon, friday_noon) == timedelta(0)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: first_response_due("medium", t),
        lambda t: first_response_due("emergency", t),
        lambda t: is_staffed("low", t),
        lambda t: next_opening(t),
        lambda t: next_closing(t),
        lambda t: support_time_between("low", t, t),
    ],
)
def test_naive_datetimes_are_refused_with_a_clear_error(call):
    with pytest.raises(ValueError, match="has no time zone"):
        call(datetime(2026, 11, 27, 16, 0))


def test_unknown_level_is_refused():
    with pytest.raises(ValueError, match="unknown impact level"):
        first_response_due("urgent", datetime(2026, 11, 27, 16, tzinfo=UTC))


def test_fixed_offset_zone_is_accepted():
    pacific_standard = timezone(timedelta(hours=-8))
    opened = datetime(2026, 11, 27, 16, 0, tzinfo=pacific_standard)
    assert first_response_due("medium", opened) == at("2026-11-29T22:00-08:00")

"""Properties of the deadline arithmetic, checked against an independent day-by-day oracle."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from intake.impact.levels import EMERGENCY, LEVELS, Level
from intake.impact.sla import (
    PACIFIC,
    first_response_due,
    is_staffed,
    next_opening,
    support_time_between,
)

FAST = settings(deadline=None, max_examples=200)
ZONES = [
    UTC,
    PACIFIC,
    ZoneInfo("Asia/Shanghai"),
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("Asia/Kathmandu"),
    ZoneInfo("Pacific/Kiritimati"),
    timezone(timedelta(hours=-11)),
]
BUSINESS = [level for level in LEVELS if not level.always_staffed]

# Half the openings fall in 2026 from the spring switch to just after New Year, where the
# holiday sets below cluster; the rest anywhere in 2025-2029.
instants = st.datetimes(
    min_value=datetime(2026, 3, 1), max_value=datetime(2027, 1, 10), timezones=st.just(UTC)
) | st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
)
zones = st.sampled_from(ZONES)
business_levels = st.sampled_from(BUSINESS)
all_levels = st.sampled_from(LEVELS)
# No holidays, holidays anywhere, or runs of days around the 2026 DST switches and Christmas.
holiday_sets = (
    st.just(frozenset())
    | st.frozensets(
        st.dates(min_value=date(2024, 12, 25), max_value=date(2030, 1, 31)), max_size=40
    )
    | st.builds(
        lambda start, offsets: frozenset(start + timedelta(days=o) for o in offsets),
        st.sampled_from([date(2026, 3, 2), date(2026, 10, 26), date(2026, 12, 21)]),
        st.frozensets(st.integers(min_value=0, max_value=20), max_size=10),
    )
)


def oracle_open_on_day(day: date, holidays: frozenset[date]) -> tuple[time, time] | None:
    """The support page read literally, one Pacific calendar day at a time."""
    if day in holidays or day.weekday() == 5:  # Saturday
        return None
    if day.weekday() == 6:  # Sunday
        return time(15), time(0)
    if day.weekday() == 4:  # Friday
        return time(0), time(17)
    return time(0), time(0)


def oracle_support_time(start: datetime, end: datetime, holidays: frozenset[date]) -> timedelta:
    """24x5 support time in [start, end), summed over Pacific days."""
    total = timedelta(0)
    day = start.astimezone(PACIFIC).date() - timedelta(days=1)
    while day <= end.astimezone(PACIFIC).date():
        hours = oracle_open_on_day(day, holidays)
        if hours:
            a = datetime.combine(day, hours[0], tzinfo=PACIFIC).astimezone(UTC)
            close_day = day + timedelta(days=1) if hours[1] == time(0) else day
            b = datetime.combine(close_day, hours[1], tzinfo=PACIFIC).astimezone(UTC)
            lo, hi = max(a, start.astimezone(UTC)), min(b, end.astimezone(UTC))
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total


def oracle_staffed(instant: datetime, holidays: frozenset[date]) -> bool:
    local = instant.astimezone(PACIFIC)
    hours = oracle_open_on_day(local.date(), holidays)
    if hours is None:
        return False
    opens, closes = hours
    return local.time() >= opens and (closes == time(0) or local.time() < closes)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@FAST
@given(level=all_levels, opened=instants, zone=zones, holidays=holiday_sets)
def test_due_is_never_before_the_opening(level, opened, zone, holidays):
    opened = opened.astimezone(zone)
    due = first_response_due(level, opened, holidays)
    assert utc(due) >= utc(opened) + (level.response if level.always_staffed else timedelta(0))
    assert due.tzinfo is opened.tzinfo


@FAST
@given(opened=instants, zone=zones)
def test_emergency_is_due_exactly_thirty_real_minutes_later(opened, zone):
    due = first_response_due(EMERGENCY, opened.astimezone(zone))
    assert utc(due) - utc(opened) == timedelta(minutes=30)


@FAST
@given(level=business_levels, opened=instants, zone=zones, holidays=holiday_sets)
def test_business_hours_due_falls_inside_support_hours(level: Level, opened, zone, holidays):
    due = first_response_due(level, opened.astimezone(zone), holidays)
    just_before = due - timedelta(microseconds=1)
    assert oracle_staffed(just_before, holidays)
    assert is_staffed(level, just_before, holidays)


@FAST
@given(level=business_levels, opened=instants, zone=zones, holidays=holiday_sets)
def test_support_time_between_opening_and_due_is_the_response_time(level, opened, zone, holidays):
    opened = opened.astimezone(zone)
    due = first_response_due(level, opened, holidays)
    assert oracle_support_time(opened, due, holidays) == level.response
    assert support_time_between(level, opened, due, holidays) == level.response


@FAST
@given(
    level=all_levels,
    first=instants,
    gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)),
    zone_a=zones,
    zone_b=zones,
    holidays=holiday_sets,
)
def test_later_openings_never_give_earlier_due_times(level, first, gap, zone_a, zone_b, holidays):
    earlier = first.astimezone(zone_a)
    later = (first + gap).astimezone(zone_b)
    assert utc(first_response_due(level, earlier, holidays)) <= utc(
        first_response_due(level, later, holidays)
    )


@FAST
@given(at=instants, zone=zones, holidays=holiday_sets)
def test_next_opening_is_the_first_staffed_instant(at, zone, holidays):
    at = at.astimezone(zone)
    opening = next_opening(at, holidays)
    assert utc(opening) >= utc(at)
    assert oracle_staffed(opening, holidays)
    assert is_staffed("low", at, holidays) == (utc(opening) == utc(at))
    assert is_staffed("low", at, holidays) == oracle_staffed(at, holidays)
    if utc(opening) > utc(at):
        # Closed all the way from ``at`` to the opening.
        assert oracle_support_time(at, opening, holidays) == timedelta(0)

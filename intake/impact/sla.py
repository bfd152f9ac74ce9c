"""Support hours and first-response deadlines.

The clock of a 24x5 level runs only inside the weekly window Sunday 15:00 to Friday 17:00
America/Los_Angeles (one continuous window, daylight saving included), less any holiday
(a whole Pacific calendar day). Emergency runs 24x7.

All arithmetic is done in UTC: adding a timedelta to a datetime in a zoneinfo zone adds wall
time, which is wrong by an hour across a daylight-saving switch. Results are returned in the
caller's own time zone (``opened_at.tzinfo``), so a Shanghai opening gets a Shanghai due time;
convert with ``astimezone`` for anything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from intake.impact.levels import Level, get_level

PACIFIC = ZoneInfo("America/Los_Angeles")
OPENS_AT = time(15, 0)  # Sunday, Pacific wall time
CLOSES_AT = time(17, 0)  # Friday, Pacific wall time
HOLIDAYS_ENV = "SUPPORT_HOLIDAYS"

Holidays = Iterable[date]


def require_aware(value: datetime, name: str = "datetime") -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} {value.isoformat()} has no time zone; give an aware datetime "
            "(e.g. with tzinfo=ZoneInfo('America/Los_Angeles') or datetime.UTC)"
        )


def _pacific(day: date, at: time) -> datetime:
    """A Pacific wall time as a UTC instant. 00:00, 15:00 and 17:00 never fall in a DST gap."""
    return datetime.combine(day, at, tzinfo=PACIFIC).astimezone(UTC)


Interval = tuple[datetime, datetime]


def _week_windows(start: datetime, holidays: frozenset[date]) -> Iterator[Interval]:
    """Open intervals [a, b) in UTC, in order, from the week containing ``start`` onwards."""
    local_day = start.astimezone(PACIFIC).date()
    # The Sunday on or before the local day: that week's window opens then.
    sunday = local_day - timedelta(days=(local_day.weekday() + 1) % 7)
    while True:
        friday = sunday + timedelta(days=5)
        cursor = _pacific(sunday, OPENS_AT)
        end = _pacific(friday, CLOSES_AT)
        for offset in range(6):
            day = sunday + timedelta(days=offset)
            if day not in holidays:
                continue
            day_start = _pacific(day, time(0))
            day_end = _pacific(day + timedelta(days=1), time(0))
            if day_start > cursor:
                yield cursor, min(day_start, end)
            cursor = max(cursor, day_end)
        if cursor < end:
            yield cursor, end
        sunday += timedelta(days=7)


def _open_intervals(start: datetime, holidays: Holidays) -> Iterator[Interval]:
    """Open intervals that end after ``start``, the first one clipped to begin no earlier."""
    start = start.astimezone(UTC)
    for a, b in _week_windows(start, frozenset(holidays)):
        if b > start:
            yield max(a, start), b


def is_staffed(level: str | Level, at: datetime, holidays: Holidays = ()) -> bool:
    """Whether the level's clock runs at instant ``at`` (always true for 24x7)."""
    require_aware(at, "at")
    if get_level(level).always_staffed:
        return True
    a, _ = next(_open_intervals(at, holidays))
    return a == at.astimezone(UTC)


def next_opening(at: datetime, holidays: Holidays = ()) -> datetime:
    """The earliest instant at or after ``at`` when 24x5 support is staffed.

    That is ``at`` itself while support is open; otherwise the next opening (normally
    Sunday 15:00 Pacific, or the end of a holiday). Returned in ``at``'s time zone.
    """
    require_aware(at, "at")
    a, _ = next(_open_intervals(at, holidays))
    return a.astimezone(at.tzinfo)


def next_closing(at: datetime, holidays: Holidays = ()) -> datetime:
    """The end of the 24x5 staffed period that is open at ``at``, or else the next one."""
    require_aware(at, "at")
    _, b = next(_open_intervals(at, holidays))
    return b.astimezone(at.tzinfo)


def first_response_due(
    level: str | Level, opened_at: datetime, holidays: Holidays = ()
) -> datetime:
    """When the first response is due, in ``opened_at``'s time zone.

    The level's response time is counted only inside its support hours; an opening outside
    them starts the clock at the next opening. A due time may equal a closing instant (the
    response is due by Friday 17:00, not after the weekend). Holidays pause 24x5 levels only:
    Emergency is on call every day. Naive datetimes raise ValueError.
    """
    require_aware(opened_at, "opened_at")
    lvl = get_level(level)
    if lvl.always_staffed:
        return (opened_at.astimezone(UTC) + lvl.response).astimezone(opened_at.tzinfo)
    remaining = lvl.response
    for a, b in _open_intervals(opened_at, holidays):
        if remaining <= b - a:
            return (a + remaining).astimezone(opened_at.tzinfo)
        remaining -= b - a
    raise AssertionError("unreachable: support windows never run out")  # pragma: no cover


def support_time_between(
    level: str | Level, start: datetime, end: datetime, holidays: Holidays = ()
) -> timedelta:
    """How much of [start, end) falls inside the level's support hours."""
    require_aware(start, "start")
    require_aware(end, "end")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return timedelta(0)
    if get_level(level).always_staffed:
        return end - start
    total = timedelta(0)
    for a, b in _open_intervals(start, holidays):
        if a >= end:
            break
        total += min(b, end) - a
    return total


def parse_holidays(value: str | None) -> frozenset[date]:
    """Parse comma-separated ISO dates ("2026-12-25,2027-01-01"); empty means none.

    Raises ValueError naming the item that is not a date.
    """
    days = set()
    for part in (value or "").split(","):
        item = part.strip()
        if not item:
            continue
        try:
            days.add(date.fromisoformat(item))
        except ValueError:
            raise ValueError(
                f"{HOLIDAYS_ENV}: {item!r} is not an ISO date (expected YYYY-MM-DD)"
            ) from None
    return frozenset(days)

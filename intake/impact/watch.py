"""When to warn staff about a first-response deadline, and how much time is left.

The warning comes at 75 % of the level's first-response window, counted like the deadline
itself (``intake.impact.sla``): inside support hours for 24x5 levels, holidays excluded, so a
Medium ticket opened on Friday afternoon is warned about on Monday, not over the weekend.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from intake.impact.levels import Level, get_level
from intake.impact.sla import Holidays, first_response_due, require_aware, support_time_between

WARN_FRACTION = 0.75


def warning_at(
    level: str | Level,
    opened_at: datetime,
    holidays: Holidays = (),
    fraction: float = WARN_FRACTION,
) -> datetime:
    """The instant ``fraction`` of the window has run, in ``opened_at``'s time zone.

    The same walk over support hours as the deadline, with a shorter response time: the two
    can never disagree about what counts.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    lvl = get_level(level)
    part = dataclasses.replace(lvl, response=lvl.response * fraction)
    return first_response_due(part, opened_at, holidays)


def time_left(
    level: str | Level, now: datetime, due: datetime, holidays: Holidays = ()
) -> timedelta:
    """Support time until ``due``; negative (support time past it) once overdue."""
    require_aware(now, "now")
    require_aware(due, "due")
    if now <= due:
        return support_time_between(level, now, due, holidays)
    return -support_time_between(level, due, now, holidays)


def describe(delta: timedelta) -> str:
    """ "2 h 05 min" (the sign is the caller's: "left" or "overdue")."""
    minutes = int(abs(delta).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"

"""Deadlines, response times and support status as sentences in the user's language.

Dates come from Babel (CLDR) for 'en' and 'zh_Hans'; sentences go through
``intake.i18n.gettext`` so the catalogs own the wording. Times are shown in Pacific Time,
the zone the support hours are defined in, with UTC alongside for everyone else.
English uses the day-month order of the issue ("Sunday 29 November 2026"), not CLDR's
US "Sunday, November 29, 2026"; Chinese uses CLDR's long zh_Hans date plus the weekday.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache

from babel.dates import format_date, format_time, get_date_format
from babel.units import format_unit

from intake.i18n import ZH, gettext, normalize_locale
from intake.impact.levels import Level, get_level
from intake.impact.sla import PACIFIC, Holidays, is_staffed, next_opening, require_aware

# Within this distance an instant is named by its weekday alone ("Sunday 15:00 PST").
_SHORT_HORIZON = timedelta(days=6)


@cache
def _patterns(locale: str) -> tuple[str, str, str]:
    """(full date, weekday alone, UTC weekday) Babel patterns for a locale."""
    if locale == ZH:
        return f"{get_date_format('long', locale=ZH).pattern} EEEE", "EEEE", "EEE"
    return "EEEE d MMMM y", "EEEE", "EEEE"


def _parts(when: datetime, locale: str, tz: tzinfo) -> dict[str, str]:
    require_aware(when, "when")
    local = when.astimezone(tz)
    utc = when.astimezone(UTC)
    full, weekday, utc_weekday = _patterns(locale)
    return {
        "date": format_date(local.date(), full, locale=locale),
        "weekday": format_date(local.date(), weekday, locale=locale),
        "time": format_time(local.time(), "HH:mm", locale=locale),
        "zone": local.tzname() or "",
        "utc_time": format_time(utc.time(), "HH:mm", locale=locale),
        "utc_weekday": format_date(utc.date(), utc_weekday, locale=locale),
        "_same_day": "1" if local.date() == utc.date() else "",
        "_is_utc": "1" if local.utcoffset() == timedelta(0) else "",
    }


def format_due(when: datetime, locale: str, tz: tzinfo = PACIFIC, *, utc: bool = True) -> str:
    """An instant as "Sunday 29 November 2026, 22:00 PST (06:00 UTC Monday)".

    The UTC weekday is named only when the UTC date differs. Works for any instant (an
    opening, a due time); ``tz`` defaults to Pacific Time. ``utc=False`` leaves the UTC
    time out, where the same instant is already shown beside it.
    """
    locale = normalize_locale(locale)
    p = _parts(when, locale, tz)
    params = {k: v for k, v in p.items() if not k.startswith("_")}
    if p["_is_utc"] or not utc:
        return gettext(locale, "{date}, {time} {zone}", **params)
    if p["_same_day"]:
        return gettext(locale, "{date}, {time} {zone} ({utc_time} UTC)", **params)
    return gettext(locale, "{date}, {time} {zone} ({utc_time} UTC {utc_weekday})", **params)


def format_soon(when: datetime, locale: str, now: datetime, tz: tzinfo = PACIFIC) -> str:
    """``when`` as "Sunday 15:00 PST" if less than six days after ``now``, else in full."""
    require_aware(now, "now")
    locale = normalize_locale(locale)
    if timedelta(0) <= when - now < _SHORT_HORIZON:
        p = _parts(when, locale, tz)
        return gettext(
            locale, "{weekday} {time} {zone}", weekday=p["weekday"], time=p["time"], zone=p["zone"]
        )
    return format_due(when, locale, tz)


def format_response_time(level: str | Level, locale: str) -> str:
    """The level's first-response time: "30 minutes", "4 hours" / "30分钟", "4小时".

    Counted in hours, never days: the page promises "24 hrs", and 24 hours of support time
    is not one calendar day.
    """
    locale = normalize_locale(locale)
    minutes = get_level(level).response_minutes
    if minutes % 60:
        return format_unit(minutes, "duration-minute", length="long", locale=locale)
    return format_unit(minutes // 60, "duration-hour", length="long", locale=locale)


def staffed_text(level: str | Level, at: datetime, locale: str, holidays: Holidays = ()) -> str:
    """Whether support for this level is staffed at ``at``, and when it opens if not."""
    locale = normalize_locale(locale)
    lvl = get_level(level)
    if lvl.always_staffed:
        return gettext(locale, "An on-call engineer is available right now.")
    if is_staffed(lvl, at, holidays):
        return gettext(locale, "Support is staffed right now.")
    opening = next_opening(at, holidays)
    return gettext(
        locale, "Support is closed now; it opens {when}.", when=format_soon(opening, locale, at)
    )

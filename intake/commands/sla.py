"""``python main.py sla``: when is the first response due for a ticket opened at a given time?

An --opened without a UTC offset is an error, not UTC: guessing the zone of a deadline is how
promises get broken. Give an offset ("2026-11-27T16:00-08:00", "...Z") or name the zone
with --tz. Holidays come from SUPPORT_HOLIDAYS, like the bot's. Exit status 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from intake.i18n import LOCALES
from intake.impact.format import format_due, format_response_time
from intake.impact.levels import LEVEL_KEYS, Level, get_level
from intake.impact.sla import first_response_due, is_staffed, next_opening


class UsageError(Exception):
    """Bad input: printed as one line on stderr, exit status 2."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sla",
        help="first-response due time for an impact level and an opening time",
        description="Print when the first response is due and whether support is staffed "
        "at the opening. Holidays are read from SUPPORT_HOLIDAYS (comma-separated ISO dates).",
    )
    parser.add_argument(
        "--impact", required=True, metavar="LEVEL", help=f"one of: {', '.join(LEVEL_KEYS)}"
    )
    parser.add_argument(
        "--opened",
        required=True,
        metavar="ISO-8601",
        help="opening instant with a UTC offset, e.g. 2026-11-27T16:00-08:00 or ...T00:00Z",
    )
    parser.add_argument(
        "--tz", metavar="ZONE", help="IANA zone for an --opened without offset, e.g. Asia/Shanghai"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--locale", choices=LOCALES, default="en", help="language of the text")
    parser.set_defaults(func=run)


def parse_opened(value: str, zone: str | None = None) -> datetime:
    """An aware datetime from ISO 8601; a naive one only with an unambiguous ``zone``."""
    try:
        opened = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"--opened {value!r} is not an ISO 8601 date-time (e.g. 2026-11-27T16:00-08:00)"
        ) from None
    if opened.tzinfo is not None:
        if zone:
            raise UsageError(f"--opened {value!r} has an offset already; leave out --tz")
        return opened
    if not zone:
        raise UsageError(
            f"--opened {value!r} has no UTC offset; add one (e.g. {value}-08:00 or {value}Z) "
            "or name the zone with --tz"
        )
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--tz {zone!r} is not a known IANA time zone") from None
    first, second = opened.replace(tzinfo=tz, fold=0), opened.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        raise UsageError(
            f"--opened {value!r} is skipped or repeated in {zone} by a daylight-saving change; "
            "give a UTC offset instead"
        )
    return first


def _report(level: Level, opened: datetime, locale: str, holidays: frozenset[date]) -> dict:
    due = first_response_due(level, opened, holidays)
    staffed = is_staffed(level, opened, holidays)
    clock_starts = opened if staffed else next_opening(opened, holidays)
    return {
        "level": level.key,
        "opened": opened.isoformat(),
        "due": due.isoformat(),
        "due_utc": due.astimezone(UTC).isoformat(),
        "staffed": staffed,
        "response_minutes": level.response_minutes,
        "support_hours": level.hours,
        "clock_starts": clock_starts.isoformat(),
        "text": {
            "opened": format_due(opened, locale),
            "clock_starts": format_due(clock_starts, locale),
            "due": format_due(due, locale),
            "response": format_response_time(level, locale),
        },
    }


def run(args: argparse.Namespace) -> int:
    try:
        try:
            level = get_level(args.impact)
        except ValueError as exc:
            raise UsageError(f"--impact: {exc}") from None
        opened = parse_opened(args.opened, args.tz)
        from intake.config import ConfigError, load_settings

        try:
            holidays = load_settings().support_holidays
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
    except UsageError as exc:
        print(f"sla: error: {exc}", file=sys.stderr)
        return 2
    report = _report(level, opened, args.locale, holidays)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    text = report["text"]
    print(f"Impact:       {level.key} ({text['response']}, {level.hours})")
    print(f"Opened:       {text['opened']}")
    if report["staffed"]:
        print("Staffed:      yes, the clock starts at the opening")
    else:
        print(f"Staffed:      no, the clock starts {text['clock_starts']}")
    print(f"Due:          {text['due']}")
    return 0

"""``python main.py doctor``: is Redmine set up the way the bot files tickets?

Exit status: 0 ready, 1 problems found (one line each), 2 Redmine not configured (the bot then
keeps tickets in its local database).
"""

from __future__ import annotations

import argparse
import asyncio
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check the Redmine configuration: key, project, tracker, custom fields, priorities",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from intake.config import ConfigError, load_settings
    from intake.tickets.redmine.doctor import PROBLEM, diagnose

    try:
        settings = load_settings().redmine
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not settings.configured:
        print(
            "Redmine is not configured (set REDMINE_URL and REDMINE_API_KEY); "
            "tickets stay in the local database."
        )
        return 2
    findings = asyncio.run(diagnose(settings))
    for finding in findings:
        print(finding)
    problems = [f for f in findings if f.level == PROBLEM]
    if problems:
        print(f"{len(problems)} problem(s) with Redmine at {settings.url}.")
        return 1
    print(
        f"Redmine at {settings.url} is ready: project {settings.project!r}, tracker "
        f"{settings.tracker!r}, {len(settings.custom_field_names())} custom fields and "
        f"{len(settings.priority_names())} priorities resolve."
    )
    return 0

"""``python main.py staff``: serve the staff review web app (sign-in required for every page)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def database_path(explicit: str | None = None) -> Path:
    """--database, else the settings' INTAKE_DATABASE (default ./data/intake.sqlite3).

    Raises ConfigError for a bad setting, like every command that reads them."""
    if explicit:
        return Path(explicit)
    from intake.config import load_settings

    return load_settings().database


def add_database_argument(parser: argparse.ArgumentParser, *, nested: bool = False) -> None:
    """``nested``: on an action's subparser, where a missing option must not reset the
    value given before the action (argparse copies subparser defaults over it)."""
    parser.add_argument(
        "--database",
        metavar="PATH",
        default=argparse.SUPPRESS if nested else None,
        help="SQLite file (default: $INTAKE_DATABASE or ./data/intake.sqlite3)",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "staff",
        help="serve the staff review web app",
        description="Serve the staff review web app: conversations, search, tickets, export.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8081, help="port to listen on")
    parser.add_argument(
        "--trusted-proxies",
        metavar="LIST",
        help="comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For is believed (default: $TRUSTED_PROXIES, none)",
    )
    parser.add_argument(
        "--secure-cookies",
        action="store_true",
        help="mark cookies Secure (use when an HTTPS proxy sits in front)",
    )
    add_database_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from aiohttp import web

    from intake.config import ConfigError, load_settings
    from intake.staff.addresses import parse_networks
    from intake.staff.app import create_staff_app
    from intake.storage.db import open_db
    from intake.storage.staff import list_staff_users

    try:
        proxies = parse_networks(
            args.trusted_proxies
            if args.trusted_proxies is not None
            else load_settings().trusted_proxies
        )
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: --trusted-proxies: {exc}", file=sys.stderr)
        return 2
    path = database_path(args.database)
    db = open_db(path)
    if not list_staff_users(db):
        print(
            "No staff accounts yet: add one with  python main.py staff-user add NAME",
            file=sys.stderr,
        )
    app = create_staff_app(db, secure_cookies=args.secure_cookies, trusted_proxies=proxies)
    print(f"Staff review on http://{args.host}:{args.port}/  (database {path})")
    web.run_app(app, host=args.host, port=args.port, print=None)
    return 0

"""``python main.py [playground]``: try the bot in a browser, no Telegram and no token needed.

With no command at all, ``python main.py`` runs the real bot when BOT_TOKEN is set and the
playground otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "playground",
        help="web chat with the real bot on a local Bot API (the default without BOT_TOKEN)",
        description="Start the bot against a local Telegram Bot API emulator, a web chat that "
        "plays a Telegram app (each browser tab is its own user) and the staff review page. "
        "Reads INTAKE_DATABASE (default ./data/intake.sqlite3); tickets go to the local store, "
        "or to Redmine when REDMINE_URL is set.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print("Starting the Orangesky Intake playground…", flush=True)
    from intake import logging_setup
    from intake.config import ConfigError, load_settings, secrets_of
    from intake.emulator.server import DEFAULT_TOKEN
    from intake.playground.server import PlaygroundError, serve

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging_setup.configure(secrets=[DEFAULT_TOKEN, *secrets_of(settings)])
    # Lines per update and per polling start would push the URLs off the screen.
    for name in ("aiogram.event", "aiogram.dispatcher"):
        logging.getLogger(name).setLevel(logging.WARNING)
    host = getattr(args, "host", None) or DEFAULT_HOST
    port = getattr(args, "port", None) or DEFAULT_PORT
    try:
        asyncio.run(serve(settings, host=host, port=port))
    except KeyboardInterrupt:
        pass
    except PlaygroundError as exc:  # a port in use: one line, not a traceback
        print(exc, file=sys.stderr)
        return 1
    return 0


def default(args: argparse.Namespace) -> int:
    """No command given: the real bot with a token, else the playground."""
    from intake.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if settings.bot_token is not None:
        from intake.commands import run as run_command

        return run_command.run(
            argparse.Namespace(
                webhook=False,
                host=getattr(args, "host", None) or DEFAULT_HOST,
                port=getattr(args, "port", None) or 8443,
            )
        )
    return run(
        argparse.Namespace(
            host=getattr(args, "host", None) or DEFAULT_HOST,
            port=getattr(args, "port", None) or DEFAULT_PORT,
        )
    )

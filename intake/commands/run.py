"""``python main.py run``: the real bot, long polling (or ``--webhook``)."""

from __future__ import annotations

import argparse
import asyncio
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the Telegram bot (needs BOT_TOKEN); long polling unless --webhook",
        description="Run the Telegram bot. Reads BOT_TOKEN, TELEGRAM_API_URL, INTAKE_DATABASE, "
        "REDMINE_URL, REDMINE_API_KEY, STAFF_CHAT_ID from the environment or .env.",
    )
    parser.add_argument(
        "--webhook", action="store_true", help="serve a webhook (needs WEBHOOK_URL)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="webhook server host")
    parser.add_argument("--port", type=int, default=8443, help="webhook server port")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from intake.config import ConfigError, load_settings
    from intake.runtime import serve

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if settings.bot_token is None:
        print(
            "error: BOT_TOKEN: not set. Get a token from @BotFather, "
            "or run `python main.py` for the local playground.",
            file=sys.stderr,
        )
        return 2
    if args.webhook and not settings.webhook_url:
        print("error: WEBHOOK_URL: not set (needed by --webhook)", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(settings, webhook=args.webhook, host=args.host, port=args.port))
    except KeyboardInterrupt:
        pass
    return 0

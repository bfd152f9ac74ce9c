"""``python main.py conversations list|show|export``: the staff review from a terminal."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from intake.commands.staff import add_database_argument, database_path


def register(subparsers: argparse._SubParsersAction) -> None:
    from intake.storage.review import IMPACTS, LANGUAGES, STATUSES

    parser = subparsers.add_parser(
        "conversations",
        help="list, show or export stored conversations",
        description="Read stored conversations: list (with search and filters), show, export.",
    )
    add_database_argument(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="newest first, with search and filters")
    listing.add_argument("-q", "--search", default="", help="words every message must contain")
    listing.add_argument(
        "--include-bot", action="store_true", help="search the bot's messages too"
    )
    listing.add_argument("--language", choices=LANGUAGES)
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--impact", choices=IMPACTS)
    listing.add_argument("--from", dest="started_from", type=date.fromisoformat, metavar="DAY")
    listing.add_argument("--to", dest="started_to", type=date.fromisoformat, metavar="DAY")
    listing.add_argument("--refused", action="store_true", help="only with refused attachments")
    listing.add_argument("--page", type=int, default=1)
    listing.add_argument("--limit", type=int, default=25, help="conversations a page")
    show = actions.add_parser("show", help="print one conversation as text")
    show.add_argument("id", type=int)
    export = actions.add_parser("export", help="export one conversation as JSON or text")
    export.add_argument("id", type=int)
    export.add_argument("--format", choices=("json", "text"), default="json")
    export.add_argument("-o", "--output", type=Path, help="write to a file instead of stdout")
    for sub in actions.choices.values():
        add_database_argument(sub, nested=True)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from intake.staff.export import conversation_to_json, conversation_to_text
    from intake.staff.present import IMPACT_LABELS, STATUS_LABELS, label, utc_text
    from intake.storage.db import open_db
    from intake.storage.review import get_conversation
    from intake.storage.search import ConversationFilter, list_conversations

    db = open_db(database_path(args.database))
    if args.action == "list":
        filters = ConversationFilter(
            query=args.search,
            language=args.language,
            status=args.status,
            impact=args.impact,
            started_from=args.started_from,
            started_to=args.started_to,
            refused_only=args.refused,
            include_bot=args.include_bot,
        )
        page = list_conversations(db, filters, page=args.page, per_page=args.limit)
        for item in page.items:
            print(
                f"#{item.id}\t{utc_text(item.started_at)}\t{label(STATUS_LABELS, item.status)}"
                f"\t{label(IMPACT_LABELS, item.impact)}\t{item.language}"
                f"\t{item.receipt or '-'}\t{item.customer.display_name}"
                f"\t{item.summary or ''}"
            )
        print(f"-- page {page.page} of {page.pages}, {page.total} conversations", file=sys.stderr)
        return 0
    detail = get_conversation(db, args.id)
    if detail is None:
        print(f"No conversation #{args.id}.", file=sys.stderr)
        return 1
    if args.action == "show" or args.format == "text":
        body = conversation_to_text(detail)
    else:
        body = conversation_to_json(detail)
    if args.action == "export" and args.output:
        args.output.write_text(body, encoding="utf-8")
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(body)
    return 0

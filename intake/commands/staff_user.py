"""``python main.py staff-user add|passwd|list|remove``: who may sign in to the staff app."""

from __future__ import annotations

import argparse
import getpass
import sys

from intake.commands.staff import add_database_argument, database_path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "staff-user",
        help="add, list or remove staff accounts, or change a password",
        description="Manage staff accounts for the review web app (argon2id-hashed passwords).",
    )
    add_database_argument(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an account (asks for the password twice)")
    passwd = actions.add_parser(
        "passwd", help="change an account's password (its open sessions end)"
    )
    for sub in (add, passwd):
        sub.add_argument("name")
        sub.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
        )
    actions.add_parser("list", help="list accounts")
    remove = actions.add_parser("remove", help="remove an account (its sessions end)")
    remove.add_argument("name")
    for sub in actions.choices.values():
        add_database_argument(sub, nested=True)
    parser.set_defaults(func=run)


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        print("The two passwords differ; nothing changed.", file=sys.stderr)
        return None
    return first


def run(args: argparse.Namespace) -> int:
    from intake.staff.present import utc_text
    from intake.storage.db import open_db
    from intake.storage.staff import (
        StaffAccountError,
        add_staff_user,
        change_password,
        get_staff_user,
        list_staff_users,
        remove_staff_user,
        validate_name,
    )

    db = open_db(database_path(args.database))
    if args.action == "list":
        users = list_staff_users(db)
        if not users:
            print("No staff accounts.")
        for user in users:
            print(f"{user.name}\tcreated {utc_text(user.created_at)}")
        return 0
    if args.action == "remove":
        if remove_staff_user(db, args.name):
            print(f"Removed {args.name}.")
            return 0
        print(f"No staff account named {args.name!r}.", file=sys.stderr)
        return 1
    try:
        name = validate_name(args.name)
        if args.action == "passwd" and get_staff_user(db, name) is None:
            print(f"No staff account named {name!r}.", file=sys.stderr)
            return 1
        password = _read_password(args.password_stdin)
        if password is None:
            return 1
        if args.action == "passwd":
            if not change_password(db, name, password):
                print(f"No staff account named {name!r}.", file=sys.stderr)
                return 1
            print(f"Changed the password of {name}; its open sessions have ended.")
            return 0
        add_staff_user(db, name, password)
    except StaffAccountError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Added {name}. Start the web app with: python main.py staff")
    return 0

"""The command line: ``orangesky-intake [COMMAND]``, ``python -m intake`` or ``python main.py``.

With no command it starts the playground.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# (subcommand module under intake.commands, in the order --help lists them)
COMMANDS = (
    "playground",
    "run",
    "staff",
    "staff_user",
    "conversations",
    "sla",
    "check_attachment",
    "doctor",
)


def build_parser(prog: str = "orangesky-intake") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Orangesky Intake: a guided Telegram support intake "
        "that files Redmine tickets.",
    )
    parser.add_argument(
        "--port", type=int, default=None, help="port of the playground (when no command is given)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"intake.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"intake.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, prog: str = "orangesky-intake") -> int:
    """Run one command; ``prog`` is how the user started us, for --help and usage lines."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.command is None:
        # No command: the playground, or the real bot when BOT_TOKEN is set.
        from intake.commands import playground

        return playground.default(args)
    from intake.config import ConfigError

    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:  # a command that reads the settings late (e.g. the database)
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

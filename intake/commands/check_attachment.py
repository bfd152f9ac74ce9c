"""``python main.py check-attachment FILE...``: the bot's attachment verdicts, from a terminal.

One JSON object per line per file, in the order given, with at least "file" (the path as
given), "verdict", "language" and "reason". All files are checked one after another in this
process by the same policy the bot's worker processes run. A missing or unreadable path
gives an 'unchecked' line, not a crash; the exit status is 0 either way.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import os
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-attachment",
        help="check files against the English-only attachment rule (JSON lines)",
        description="Print one JSON object per file: verdict (accepted, refused, unchecked), "
        "language, reason, detail, excerpt, elapsed_ms.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="files to check")
    parser.add_argument(
        "--locale",
        choices=("en", "zh_Hans"),
        default=None,
        help="also print the message the customer would get, in this locale",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from intake.attachments import policy
    from intake.attachments.messages import user_message

    for given in args.files:
        path = Path(given)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            verdict = policy.unchecked(policy.Reason.MISSING, "The file was not found.")
        except IsADirectoryError:
            verdict = policy.unchecked(
                policy.Reason.UNSUPPORTED, "This is a directory, not a file."
            )
        except OSError as exc:
            verdict = policy.unchecked(
                policy.Reason.CORRUPT, f"The file could not be read ({exc.strerror})."
            )
        else:
            mime_type = mimetypes.guess_type(path.name)[0]
            verdict = policy.check(data, path.name, mime_type)
        line = {"file": given, **verdict.as_dict()}
        if args.locale:
            line["message"] = user_message(verdict, args.locale, file_name=path.name)
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(argparse.Namespace(files=sys.argv[1:], locale=None)))

"""How fast the outbox files tickets into a real Redmine, and how many HTTP requests each costs.

    python bench/redmine.py [--tickets 50] [--attachments 2] [--env PATH]

Uses the Redmine named by --env or REDMINE_TEST_ENV (the env file of ``.ci/redmine.sh``), or
starts one with ``.ci/redmine.sh start`` in a temporary directory. The floor per ticket is one
upload per attachment, one lookup (the duplicate check) and one create.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intake.draft import AttachmentRef, TicketDraft  # noqa: E402
from intake.storage import attachments as attachment_store  # noqa: E402
from intake.storage import conversations, messages, users  # noqa: E402
from intake.storage.db import open_db  # noqa: E402
from intake.tickets.effects import Effects  # noqa: E402
from intake.tickets.outbox import Outbox  # noqa: E402
from intake.tickets.redmine.client import RedmineClient  # noqa: E402
from intake.tickets.redmine.config import RedmineSettings  # noqa: E402
from intake.tickets.redmine.sink import RedmineFiler, RedmineSink  # noqa: E402


class Quiet:
    """Telegram stands still: the bench measures Redmine's side only."""

    async def send(
        self, chat_id: int, html: str, *, conversation_id: int | None = None
    ) -> None: ...


def env_file(arg: str | None) -> str:
    path = arg or os.environ.get("REDMINE_TEST_ENV")
    if path:
        return path
    directory = tempfile.mkdtemp(prefix="redmine-bench-")
    out = subprocess.run(
        ["bash", str(ROOT / ".ci" / "redmine.sh"), "start", directory],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


def queue(db, n: int, attachments: int) -> None:
    """Queue ``n`` tickets, each with a short dialogue and ``attachments`` log files, written
    by the storage functions the bot calls."""
    sink = RedmineSink(db)
    for i in range(n):
        uid = 10_000 + i
        users.touch_user(db, uid, language_code="en", first_name="Bench", username=f"b{i}")
        conv = conversations.start_conversation(db, uid, uid, "en")
        for direction, text in (
            ("in", "The orders page shows 502"),
            ("out", "Which browser?"),
            ("in", "Firefox 121 on Ubuntu"),
        ):
            messages.record_message(
                db,
                conversation_id=conv,
                user_id=uid,
                chat_id=uid,
                direction=direction,
                kind="text",
                text=text,
                language="en",
            )
        refs = []
        for k in range(attachments):
            data = (f"log line {k}\n" * 200).encode()
            aid = attachment_store.add_attachment(
                db,
                conversation_id=conv,
                user_id=uid,
                kind="document",
                file_name=f"app{k}.log",
                mime_type="text/plain",
                size=len(data),
                data=data,
            )
            attachment_store.set_attachment_verdict(
                db, aid, verdict="accepted", language="en", reason="", excerpt="", elapsed_ms=0
            )
            refs.append(AttachmentRef(aid, f"app{k}.log", len(data), "text/plain", "accepted"))
        draft = TicketDraft(
            summary=f"Bench ticket {i}",
            browser="Firefox",
            browser_version="121",
            os="Ubuntu",
            os_version="22.04",
            product_version="4.2",
            impact="medium",
            description=["Orders fail with 502."],
            attachments=refs,
        )
        sink.submit(draft, conversation_id=conv, opened_at=datetime.now(UTC))


async def bench(env: dict[str, str], n: int, attachments: int, parallel: int) -> None:
    settings = RedmineSettings(url=env["REDMINE_URL"], api_key=env["REDMINE_API_KEY"])
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        queue(db, n, attachments)
        async with RedmineClient(settings.url, settings.api_key) as client:
            filer = RedmineFiler(db, client, settings)
            await filer.resolve()
            setup = client.request_count
            effects = Effects(db, Quiet(), filer=filer)
            outbox = Outbox(db, effects.handlers(), lanes={"redmine": parallel, "telegram": 4})
            start = time.perf_counter()
            done = await outbox.run_once()
            elapsed = time.perf_counter() - start
            per_ticket = (client.request_count - setup) / n
        filed = db.execute("SELECT count(*) FROM tickets WHERE status = 'filed'").fetchone()[0]
        db.conn.close()
    print(
        f"tickets: {n} with {attachments} attachment(s) each, {parallel} at once; "
        f"attempted {done} effects, filed {filed}"
    )
    print(
        f"wall: {elapsed:.2f} s  ->  {n / elapsed:.1f} tickets/s, "
        f"{1000 * elapsed / n:.0f} ms per ticket"
    )
    print(
        f"HTTP requests per ticket: {per_ticket:.2f} (floor {attachments + 2}: "
        f"{attachments} upload(s) + 1 lookup + 1 create); one-off resolve: {setup}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50)
    parser.add_argument("--attachments", type=int, default=2)
    parser.add_argument("--parallel", type=int, default=2, help="Redmine requests at once")
    parser.add_argument("--env", help="env file written by .ci/redmine.sh")
    args = parser.parse_args()
    path = env_file(args.env)
    env = dict(line.split("=", 1) for line in Path(path).read_text().splitlines() if "=" in line)
    print(f"Redmine {env.get('REDMINE_VERSION', '?')} at {env['REDMINE_URL']} (puma, 1 thread)")
    asyncio.run(bench(env, args.tickets, args.attachments, args.parallel))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What watching Redmine costs with many tickets, and how long a staff note takes to arrive.

    python bench/watcher.py [--tickets 10000] [--issues 600] [--changed 100]
                            [--latency-notes 40] [--latency-window 240] [--env PATH]

Uses the Redmine named by --env or REDMINE_TEST_ENV (the env file of ``.ci/redmine.sh``), or
starts one. ``--tickets`` ticket rows are written to a fresh SQLite file; ``--issues`` of them
point at real issues created here over REST (about 90 ms each on the test Redmine, so 10,000
real issues would take a quarter of an hour; the rest point at issue numbers that do not
exist, which is what the watcher sees of tickets nobody touches: nothing). Then:

1. one poll cycle after ``--changed`` issues got a staff note: HTTP requests and wall time;
2. one idle cycle (nothing changed): the flat cost;
3. staff note -> customer latency at the default interval (60 s): the watcher and the outbox
   run as in production while ``--latency-notes`` notes land at random moments over
   ``--latency-window`` seconds; latency is from Redmine's answer to the note's PUT to the
   moment the (recording) messenger is asked to send it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.redmine import env_file  # noqa: E402
from intake.storage.db import open_db  # noqa: E402
from intake.tickets.outbox import Outbox  # noqa: E402
from intake.tickets.redmine.client import RedmineClient  # noqa: E402
from intake.tickets.redmine.config import RedmineSettings  # noqa: E402
from intake.tickets.watcher import WatchEffects, Watcher  # noqa: E402


class Clocked:
    """Telegram stands still; remembers when each note's message was sent."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}

    async def send(self, chat_id: int, html: str, **kwargs: object) -> None:
        for word in html.split():
            if word.startswith("bench-note-"):
                self.sent.setdefault(word, time.monotonic())

    async def send_document(self, *args: object, **kwargs: object) -> None: ...

    async def send_with_buttons(self, *args: object, **kwargs: object) -> None: ...


async def create_issues(client: RedmineClient, project: str, n: int) -> list[int]:
    ids: list[int] = []
    gate = asyncio.Semaphore(2)  # puma runs one thread: more at once only queues

    async def one(i: int) -> None:
        async with gate:
            issue = await client.create_issue(
                {"project_id": project, "subject": f"Bench watcher issue {i}"}
            )
            ids.append(int(issue["id"]))

    await asyncio.gather(*(one(i) for i in range(n)))
    return sorted(ids)


def write_tickets(db, issue_ids: list[int], total: int) -> None:
    """``total`` filed tickets; the first ``len(issue_ids)`` point at real issues."""
    now = datetime.now(UTC).isoformat()
    rows_u, rows_c, rows_t = [], [], []
    for i in range(total):
        uid = 100_000 + i
        issue = issue_ids[i] if i < len(issue_ids) else 50_000_000 + i
        rows_u.append((uid, f"u{i}", "Bench", "en", now, now))
        rows_c.append((i + 1, uid, uid, "en", now, now))
        rows_t.append(
            (
                i + 1,
                i + 1,
                f"OS-{i + 1:06d}",
                f"OS-{i + 1:06d}-b",
                uid,
                uid,
                "en",
                f"Ticket {i}",
                "{}",
                now,
                "redmine",
                "filed",
                str(issue),
                f"http://x/issues/{issue}",
                now,
                now,
            )
        )
    with db.conn:
        db.conn.executemany(
            "INSERT INTO users (id, username, first_name, language, first_seen, "
            "last_seen) VALUES (?, ?, ?, ?, ?, ?)",
            rows_u,
        )
        db.conn.executemany(
            "INSERT INTO conversations (id, user_id, chat_id, language, "
            "started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            rows_c,
        )
        db.conn.executemany(
            "INSERT INTO tickets (id, conversation_id, receipt, reference, user_id, chat_id, "
            "language, summary, fields, opened_at, sink, status, external_id, external_url, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows_t,
        )


async def make_engineer(client: RedmineClient, project: str) -> str:
    login = f"bench_{secrets.token_hex(3)}"
    body = await client.request(
        "POST",
        "/users.json",
        json={
            "user": {
                "login": login,
                "firstname": "Bench",
                "lastname": "Engineer",
                "mail": f"{login}@example.invalid",
                "generate_password": True,
                "mail_notification": "none",
            }
        },
    )
    roles = (await client.request("GET", "/roles.json"))["roles"]
    manager = next(r["id"] for r in roles if r["name"] == "Manager")
    await client.request(
        "POST",
        f"/projects/{project}/memberships.json",
        json={"membership": {"user_id": body["user"]["id"], "role_ids": [manager]}},
    )
    return login


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


async def bench(env: dict[str, str], args: argparse.Namespace) -> None:
    project = env.get("REDMINE_PROJECT_IDENTIFIER", "support")
    settings = RedmineSettings(
        url=env["REDMINE_URL"], api_key=env["REDMINE_API_KEY"], project=project
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        async with RedmineClient(settings.url, settings.api_key) as client:
            engineer = await make_engineer(client, project)
            started = time.perf_counter()
            issue_ids = await create_issues(client, project, args.issues)
            print(f"created {len(issue_ids)} real issues in {time.perf_counter() - started:.0f} s")
            write_tickets(db, issue_ids, args.tickets)
            print(f"ticket rows: {args.tickets} ({len(issue_ids)} on real issues)")

            watcher = Watcher(db, client, settings)
            # The first cycle sets the cursor (the creations above are history), a change to
            # one issue warms the one-off lookups (our account, the status names).
            await watcher.poll_once()
            await client.update_issue(issue_ids[0], {"notes": "warm-up"}, switch_user=engineer)
            await asyncio.sleep(2.1)
            await watcher.poll_once()

            for parallel in (1, settings.parallel):  # reads one at a time, then as configured
                watcher.settings = settings.model_copy(update={"parallel": parallel})
                changed = random.sample(issue_ids, min(args.changed, len(issue_ids)))
                for n, issue_id in enumerate(changed):
                    await client.update_issue(
                        issue_id,
                        {"notes": f"bench-note-c{parallel}-{n} Try 4.3."},
                        switch_user=engineer,
                    )
                await asyncio.sleep(2.1)  # so this one cycle reads each changed issue once
                cycle = await watcher.poll_once()
                print(
                    f"\none cycle with {len(changed)} of {args.tickets} tickets changed, "
                    f"{parallel} read(s) at once: {cycle.requests} HTTP requests "
                    f"({cycle.requests - cycle.fetched} list page(s) + {cycle.fetched} issue "
                    f"reads), {cycle.queued} updates queued, {cycle.seconds * 1000:.0f} ms"
                )
                await asyncio.sleep(watcher.overlap.total_seconds() + 1)  # past the overlap
                idle = await watcher.poll_once()
                print(
                    f"one idle cycle a minute later: {idle.requests} HTTP request(s), "
                    f"{idle.seconds * 1000:.0f} ms"
                )

            if args.latency_notes:
                await latency(db, client, settings, engineer, issue_ids, args)
        db.conn.close()


async def latency(db, client, settings, engineer, issue_ids, args) -> None:
    messenger = Clocked()
    effects = WatchEffects(db, messenger, client, settings, lambda n: f"{settings.url}/issues/{n}")
    outbox = Outbox(db, effects.handlers())
    watcher = Watcher(db, client, settings, wake=outbox.wake)  # REDMINE_WATCH_INTERVAL: 60 s
    worker = asyncio.create_task(outbox.run())
    watcher.start()
    print(
        f"\nlatency: {args.latency_notes} staff notes at random moments over "
        f"{args.latency_window:.0f} s, watcher interval {watcher.interval:.0f} s"
    )
    put_at: dict[str, float] = {}
    moments = sorted(random.uniform(0, args.latency_window) for _ in range(args.latency_notes))
    begin = time.monotonic()
    for n, moment in enumerate(moments):
        await asyncio.sleep(max(0.0, begin + moment - time.monotonic()))
        tag = f"bench-note-l{n}"
        await client.update_issue(
            random.choice(issue_ids), {"notes": f"{tag} Please retry."}, switch_user=engineer
        )
        put_at[tag] = time.monotonic()
    for _ in range(int((watcher.interval * 2 + 30) / 0.5)):  # two cycles and then some
        if put_at.keys() <= messenger.sent.keys():
            break
        await asyncio.sleep(0.5)
    await watcher.stop()
    await outbox.drain(2)
    worker.cancel()
    delays = [messenger.sent[t] - put_at[t] for t in put_at if t in messenger.sent]
    print(f"delivered {len(delays)} of {len(put_at)}")
    if delays:
        print(
            f"note -> customer: p50 {percentile(delays, 0.5):.1f} s, "
            f"p99 {percentile(delays, 0.99):.1f} s, max {max(delays):.1f} s, "
            f"mean {statistics.mean(delays):.1f} s"
        )
    print(
        f"expected with a uniform wait for the next poll: p50 ~ {watcher.interval / 2:.0f} s, "
        f"p99 ~ {watcher.interval * 0.99:.0f} s, plus one cycle's work"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--issues", type=int, default=600)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--latency-notes", type=int, default=40)
    parser.add_argument("--latency-window", type=float, default=240.0)
    parser.add_argument("--env", help="env file written by .ci/redmine.sh")
    args = parser.parse_args()
    path = env_file(args.env)
    env = dict(line.split("=", 1) for line in Path(path).read_text().splitlines() if "=" in line)
    print(f"Redmine {env.get('REDMINE_VERSION', '?')} at {env['REDMINE_URL']} (puma, 1 thread)")
    asyncio.run(bench(env, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""All SQL about the outbox: one row per external effect, claimed under a lease.

An item is ``pending`` until a worker claims it (``leased`` by a holder until an instant),
then ``done``, ``failed``, or ``pending`` again with a later ``next_attempt_at``. A lease
that ran out (its process died) can be claimed by anyone; a live lease never is, so two bot
processes on one file never perform the same effect at once. Items of one ``chain`` run in
id order: a ticket's notes wait for its filing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from intake.storage.db import iso, utcnow, write_tx

PENDING, LEASED, DONE, FAILED = "pending", "leased", "done", "failed"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    kind: str
    key: str
    lane: str
    chain: str | None
    priority: int
    payload: str
    ticket_id: int | None
    status: str
    attempts: int
    next_attempt_at: str
    lease_holder: str | None
    lease_until: str | None
    error_class: str | None
    last_error: str | None
    created_at: str
    updated_at: str
    done_at: str | None

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.payload)

    @property
    def created(self) -> datetime:
        return datetime.fromisoformat(self.created_at)


_COLUMNS = tuple(f.name for f in fields(OutboxItem))


def _item(row: tuple) -> OutboxItem:
    return OutboxItem(*row)


def _select(where: str) -> str:
    return f"SELECT {', '.join(_COLUMNS)} FROM outbox WHERE {where}"


def enqueue(
    db: Database,
    kind: str,
    payload: dict[str, Any],
    *,
    key: str,
    lane: str,
    priority: int = 5,
    chain: str | None = None,
    ticket_id: int | None = None,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> OutboxItem:
    """Add an effect once: a second enqueue with the same ``key`` returns the first item."""
    stamp = iso(now or utcnow())
    with write_tx(db):
        db.execute(
            """INSERT INTO outbox (kind, key, lane, chain, priority, payload, ticket_id,
                   next_attempt_at, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING""",
            [
                kind,
                key,
                lane,
                chain,
                priority,
                json.dumps(payload, ensure_ascii=False),
                ticket_id,
                iso(not_before) if not_before else stamp,
                stamp,
                stamp,
            ],
        )
        return _written(get_by_key(db, key))  # inserted, or there already


def _written(item: OutboxItem | None) -> OutboxItem:
    """An item read back in the transaction that wrote it: it exists."""
    assert item is not None
    return item


def get(db: Database, item_id: int) -> OutboxItem | None:
    row = db.execute(_select("id = ?"), [item_id]).fetchone()
    return _item(row) if row else None


def get_by_key(db: Database, key: str) -> OutboxItem | None:
    row = db.execute(_select("key = ?"), [key]).fetchone()
    return _item(row) if row else None


def claim(
    db: Database,
    *,
    lane: str,
    holder: str,
    now: datetime,
    lease_until: datetime,
    limit: int,
    exclude: frozenset[int] = frozenset(),
) -> list[OutboxItem]:
    """Lease up to ``limit`` due items of ``lane``, most urgent first, atomically.

    Due: pending and past ``next_attempt_at``, or leased with a lease that ran out. Only the
    head of a chain is due.
    """
    if limit <= 0:
        return []
    stamp = iso(now)
    with write_tx(db):
        rows = db.execute(
            """SELECT o.id FROM outbox o
               WHERE o.lane = ? AND (
                   (o.status = 'pending' AND o.next_attempt_at <= ?)
                   OR (o.status = 'leased' AND o.lease_until <= ?))
                 AND (o.chain IS NULL OR NOT EXISTS (
                   SELECT 1 FROM outbox e WHERE e.chain = o.chain AND e.id < o.id
                     AND e.status IN ('pending', 'leased')))
               ORDER BY o.priority, o.next_attempt_at, o.id LIMIT ?""",
            [lane, stamp, stamp, limit + len(exclude)],
        ).fetchall()
        ids = [r[0] for r in rows if r[0] not in exclude][:limit]
        if ids:
            marks = ",".join("?" * len(ids))
            db.execute(
                f"""UPDATE outbox SET status = 'leased', lease_holder = ?, lease_until = ?,
                        updated_at = ? WHERE id IN ({marks})""",
                [holder, iso(lease_until), stamp, *ids],
            )
    return (
        [
            _item(r)
            for r in db.execute(
                _select(f"id IN ({','.join('?' * len(ids))}) ORDER BY priority, id"), ids
            ).fetchall()
        ]
        if ids
        else []
    )


def renew(db: Database, item_ids: list[int], *, holder: str, lease_until: datetime) -> None:
    """Extend the leases this holder still has (a slow effect must not be taken over)."""
    if not item_ids:
        return
    marks = ",".join("?" * len(item_ids))
    with write_tx(db):
        db.execute(
            f"""UPDATE outbox SET lease_until = ? WHERE id IN ({marks})
                AND status = 'leased' AND lease_holder = ?""",
            [iso(lease_until), *item_ids, holder],
        )


def complete(db: Database, item_id: int, *, now: datetime | None = None) -> None:
    stamp = iso(now or utcnow())
    with write_tx(db):
        db.execute(
            """UPDATE outbox SET status = 'done', done_at = ?, updated_at = ?,
                   lease_holder = NULL, lease_until = NULL, error_class = NULL
               WHERE id = ?""",
            [stamp, stamp, item_id],
        )


def retry(
    db: Database,
    item_id: int,
    *,
    next_attempt_at: datetime,
    error: str,
    error_class: str,
    now: datetime | None = None,
) -> OutboxItem:
    """One more failed attempt: pending again from ``next_attempt_at``."""
    with write_tx(db):
        db.execute(
            """UPDATE outbox SET status = 'pending', attempts = attempts + 1,
                   next_attempt_at = ?, last_error = ?, error_class = ?, updated_at = ?,
                   lease_holder = NULL, lease_until = NULL
               WHERE id = ?""",
            [iso(next_attempt_at), error[:1000], error_class, iso(now or utcnow()), item_id],
        )
        return _written(get(db, item_id))


def fail(
    db: Database, item_id: int, *, error: str, error_class: str, now: datetime | None = None
) -> OutboxItem:
    """Retrying cannot help (the user blocked the bot, the effect is no longer wanted)."""
    stamp = iso(now or utcnow())
    with write_tx(db):
        db.execute(
            """UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?,
                   error_class = ?, updated_at = ?, done_at = ?,
                   lease_holder = NULL, lease_until = NULL
               WHERE id = ?""",
            [error[:1000], error_class, stamp, stamp, item_id],
        )
        return _written(get(db, item_id))


def hand_back(db: Database, *, holder: str, now: datetime | None = None) -> int:
    """At a graceful stop: this holder's unfinished items become pending for the next run."""
    stamp = iso(now or utcnow())
    with write_tx(db):
        cursor = db.execute(
            """UPDATE outbox SET status = 'pending', lease_holder = NULL, lease_until = NULL,
                   updated_at = ? WHERE status = 'leased' AND lease_holder = ?""",
            [stamp, holder],
        )
    return cursor.rowcount


def requeue(db: Database, item_id: int, *, now: datetime | None = None) -> None:
    """Try a failed item again (an operator fixed the cause)."""
    stamp = iso(now or utcnow())
    with write_tx(db):
        db.execute(
            """UPDATE outbox SET status = 'pending', next_attempt_at = ?, updated_at = ?,
                   done_at = NULL WHERE id = ? AND status = 'failed'""",
            [stamp, stamp, item_id],
        )


def next_due_at(db: Database, lane: str) -> datetime | None:
    """When the lane's earliest item becomes due (pending, or its lease runs out)."""
    row = db.execute(
        """SELECT min(CASE status WHEN 'leased' THEN lease_until ELSE next_attempt_at END)
           FROM outbox WHERE lane = ? AND status IN ('pending', 'leased')""",
        [lane],
    ).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def for_ticket(db: Database, ticket_id: int) -> list[OutboxItem]:
    return [
        _item(r) for r in db.execute(_select("ticket_id = ? ORDER BY id"), [ticket_id]).fetchall()
    ]


def open_items(db: Database, *, limit: int = 200) -> list[OutboxItem]:
    """What is still waiting or failed, most urgent first (the staff page's queue)."""
    return [
        _item(r)
        for r in db.execute(
            _select("status != 'done' ORDER BY status = 'failed', priority, id LIMIT ?"), [limit]
        ).fetchall()
    ]


def count_by_status(db: Database) -> dict[str, int]:
    return dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())

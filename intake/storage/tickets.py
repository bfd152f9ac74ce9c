"""All SQL about tickets: creating one on submit, the outbox's claims and outcomes.

The conversation follows its ticket through ``intake.storage.conversations``; a filer reads the
attachments and transcript from ``attachments`` and ``messages``.

Times are stored as ISO 8601 UTC strings with a fixed width, so string order is time order and
``next_attempt_at <= now`` works in SQL.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from intake.draft import TicketDraft
from intake.storage import conversations
from intake.storage.db import iso, utcnow, write_tx


def parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class TicketRow:
    id: int
    conversation_id: int
    receipt: str
    reference: str
    user_id: int
    chat_id: int
    language: str
    summary: str
    fields: str
    impact: str | None
    impact_suggested: str | None
    impact_reason: str | None
    opened_at: str
    due_at: str | None
    sink: str
    status: str
    external_id: str | None
    external_url: str | None
    attempts: int
    last_error: str | None
    next_attempt_at: str | None
    notified_queued: int
    created_at: str
    updated_at: str
    filed_at: str | None
    closed_at: str | None = None
    redmine_status: str | None = None
    first_response_at: str | None = None  # when staff first answered (the watcher sets it)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def draft(self) -> TicketDraft:
        return TicketDraft.from_dict(json.loads(self.fields))

    @property
    def opened(self) -> datetime:
        return datetime.fromisoformat(self.opened_at)

    @property
    def due(self) -> datetime | None:
        return parse_iso(self.due_at)


_tx = write_tx  # one transaction idiom for the whole storage package


def _build(cls: type, row: dict[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in row.items() if k in names})


def _one(db: Database, sql: str, params: tuple | dict = ()) -> dict[str, Any] | None:
    for row in db.query(sql, params):
        return row
    return None


def receipt_number(ticket_id: int) -> str:
    """OS-000123: the number a customer quotes, derived from the row id."""
    return f"OS-{ticket_id:06d}"


def create_ticket(
    db: Database,
    draft: TicketDraft,
    *,
    conversation_id: int,
    opened_at: datetime,
    sink: str,
    status: str,
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> TicketRow:
    """Commit one ticket for a conversation and link the draft's attachments to it.

    Idempotent per conversation (the column is UNIQUE): a repeated submit returns the first
    ticket rather than a second one.
    """
    existing = _one(db, "SELECT id FROM tickets WHERE conversation_id = ?", (conversation_id,))
    if existing:
        return _written(db, existing["id"])
    conv = _one(
        db, "SELECT user_id, chat_id, language FROM conversations WHERE id = ?", (conversation_id,)
    )
    if conv is None:
        raise LookupError(f"conversation {conversation_id} does not exist")
    stamp = iso(now or utcnow())
    with _tx(db):
        cursor = db.execute(
            """INSERT INTO tickets (conversation_id, user_id, chat_id, language, summary, fields,
                   impact, impact_suggested, impact_reason, opened_at, due_at, sink, status,
                   next_attempt_at, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                conversation_id,
                conv["user_id"],
                conv["chat_id"],
                conv["language"],
                draft.summary,
                json.dumps(draft.to_dict(), ensure_ascii=False),
                draft.impact or None,
                draft.impact_suggested or None,
                draft.impact_reason or None,
                iso(opened_at),
                iso(due_at) if due_at else None,
                sink,
                status,
                stamp if status == "queued" else None,
                stamp,
                stamp,
            ),
        )
        ticket_id = cursor.lastrowid
        assert ticket_id is not None  # an INSERT sets it
        receipt = receipt_number(ticket_id)
        db.execute(
            "UPDATE tickets SET receipt = ?, reference = ? WHERE id = ?",
            (receipt, f"{receipt}-{secrets.token_hex(3)}", ticket_id),
        )
        ids = [a.attachment_id for a in draft.attachments]
        if ids:
            marks = ",".join("?" * len(ids))
            db.execute(
                f"""UPDATE attachments SET ticket_id = ?
                    WHERE conversation_id = ? AND id IN ({marks})""",
                (ticket_id, conversation_id, *ids),
            )
        conversations.submitted(db, conversation_id, status, stamp)
    return _written(db, ticket_id)


def _written(db: Database, ticket_id: int) -> TicketRow:
    """A ticket this connection has just written (or found): it exists."""
    ticket = get_ticket(db, ticket_id)
    assert ticket is not None
    return ticket


def get_ticket(db: Database, ticket_id: int) -> TicketRow | None:
    row = _one(db, "SELECT * FROM tickets WHERE id = ?", (ticket_id,))
    return _build(TicketRow, row) if row else None


def get_ticket_by_receipt(db: Database, receipt: str) -> TicketRow | None:
    row = _one(db, "SELECT * FROM tickets WHERE receipt = ?", (receipt.strip().upper(),))
    return _build(TicketRow, row) if row else None


def ticket_for_message(db: Database, chat_id: int, telegram_message_id: int) -> TicketRow | None:
    """The ticket whose conversation holds this Telegram message (a reply routes by it)."""
    row = _one(
        db,
        """SELECT t.* FROM messages m JOIN tickets t ON t.conversation_id = m.conversation_id
           WHERE m.chat_id = ? AND m.telegram_message_id = ? ORDER BY m.id DESC LIMIT 1""",
        (chat_id, telegram_message_id),
    )
    return _build(TicketRow, row) if row else None


def list_tickets(
    db: Database, *, status: str | None = None, user_id: int | None = None, limit: int = 100
) -> list[TicketRow]:
    where: list[str] = []
    params: list[str | int] = []
    if status:
        where.append("status = ?")
        params.append(status)
    if user_id is not None:
        where.append("user_id = ?")
        params.append(user_id)
    sql = "SELECT * FROM tickets" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY id DESC LIMIT ?"
    return [_build(TicketRow, r) for r in db.query(sql, (*params, limit))]


def count_by_status(db: Database) -> dict[str, int]:
    return {
        r["status"]: r["n"]
        for r in db.query("SELECT status, count(*) AS n FROM tickets GROUP BY status")
    }


def claim_due_tickets(
    db: Database, *, now: datetime, lease_until: datetime, limit: int = 10
) -> list[TicketRow]:
    """Move due ``queued`` tickets (and ``filing`` ones whose lease ran out: a crashed worker)
    to ``filing`` with a lease, atomically, and return them."""
    with _tx(db):
        ids = [
            r["id"]
            for r in db.query(
                """SELECT id FROM tickets
                   WHERE status IN ('queued', 'filing') AND sink = 'redmine'
                     AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
                   ORDER BY next_attempt_at, id LIMIT ?""",
                (iso(now), limit),
            )
        ]
        if ids:
            marks = ",".join("?" * len(ids))
            db.execute(
                f"""UPDATE tickets SET status = 'filing', next_attempt_at = ?, updated_at = ?
                    WHERE id IN ({marks})""",
                (iso(lease_until), iso(now), *ids),
            )
    return [t for t in (get_ticket(db, i) for i in ids) if t is not None]


def release_claims(db: Database, *, now: datetime) -> int:
    """Return ``filing`` tickets to ``queued`` (at start-up: no other worker holds them)."""
    with _tx(db):
        cursor = db.execute(
            """UPDATE tickets SET status = 'queued', next_attempt_at = ?, updated_at = ?
               WHERE status = 'filing'""",
            (iso(now), iso(now)),
        )
    return cursor.rowcount


def next_due_at(db: Database) -> datetime | None:
    """When the earliest queued (or leased) ticket becomes due; None when nothing waits."""
    row = _one(
        db,
        """SELECT min(coalesce(next_attempt_at, '')) AS due FROM tickets
           WHERE status IN ('queued', 'filing') AND sink = 'redmine'""",
    )
    if not row or row["due"] is None:
        return None
    return parse_iso(row["due"]) or utcnow()


def mark_filed(
    db: Database,
    ticket_id: int,
    *,
    external_id: str,
    external_url: str,
    now: datetime | None = None,
    note: str | None = None,
) -> TicketRow:
    """Record the Redmine issue; ``note`` (e.g. why it was filed under the service account)
    lands in ``last_error`` for the staff view."""
    stamp = iso(now or utcnow())
    with _tx(db):
        db.execute(
            """UPDATE tickets SET status = 'filed', external_id = ?, external_url = ?,
                   filed_at = ?, updated_at = ?, next_attempt_at = NULL, last_error = ?
               WHERE id = ?""",
            (external_id, external_url, stamp, stamp, note, ticket_id),
        )
        conversations.follow_ticket(db, ticket_id, "filed", stamp)
    return _written(db, ticket_id)


def mark_attempt_failed(
    db: Database,
    ticket_id: int,
    *,
    error: str,
    next_attempt_at: datetime,
    now: datetime | None = None,
) -> TicketRow:
    """One more failed attempt; back to ``queued`` until ``next_attempt_at``."""
    with _tx(db):
        db.execute(
            """UPDATE tickets SET status = 'queued', attempts = attempts + 1, last_error = ?,
                   next_attempt_at = ?, updated_at = ? WHERE id = ?""",
            (error[:1000], iso(next_attempt_at), iso(now or utcnow()), ticket_id),
        )
    return _written(db, ticket_id)


def mark_failed(
    db: Database, ticket_id: int, *, reason: str, now: datetime | None = None
) -> TicketRow:
    stamp = iso(now or utcnow())
    with _tx(db):
        db.execute(
            """UPDATE tickets SET status = 'failed', attempts = attempts + 1, last_error = ?,
                   next_attempt_at = NULL, updated_at = ? WHERE id = ?""",
            (reason[:1000], stamp, ticket_id),
        )
        conversations.follow_ticket(db, ticket_id, "failed", stamp)
    return _written(db, ticket_id)


def requeue(db: Database, ticket_id: int, *, now: datetime | None = None) -> TicketRow:
    """Put a failed ticket back in the queue (an operator fixed the cause)."""
    stamp = iso(now or utcnow())
    with _tx(db):
        db.execute(
            """UPDATE tickets SET status = 'queued', next_attempt_at = ?, updated_at = ?
               WHERE id = ? AND status = 'failed'""",
            (stamp, stamp, ticket_id),
        )
        conversations.follow_ticket(db, ticket_id, "queued", stamp)
    return _written(db, ticket_id)


def set_closed(
    db: Database,
    ticket_id: int,
    closed: bool,
    *,
    now: datetime | None = None,
    status_name: str | None = None,
) -> TicketRow:
    """The customer closed (or reopened) their ticket; Redmine follows through the outbox.

    ``status_name`` is the status Redmine now has (the outbox's status effect); without it
    the one known before is forgotten: a reopened ticket must not read "Closed"."""
    stamp = iso(now or utcnow())
    with _tx(db):
        db.execute(
            """UPDATE tickets SET closed_at = ?, updated_at = ?, redmine_status = ?
               WHERE id = ?""",
            (stamp if closed else None, stamp, status_name, ticket_id),
        )
    return _written(db, ticket_id)


def record_redmine_status(db: Database, ticket_id: int, name: str, *, closed: bool) -> None:
    """What Redmine says now (the watcher): its status name, and closed or open, unless the
    customer's own close or reopen is still on its way to Redmine (what it says is about to
    change: a reopened ticket would read "Closed" again)."""
    stamp = iso(utcnow())
    with _tx(db):
        waiting = db.execute(
            "SELECT 1 FROM outbox WHERE ticket_id = ? AND kind = 'redmine.status' "
            "AND status IN ('pending', 'leased') LIMIT 1",
            (ticket_id,),
        ).fetchone()
        if waiting:
            return
        db.execute(
            """UPDATE tickets SET redmine_status = ?,
                   closed_at = CASE WHEN ? THEN coalesce(closed_at, ?) ELSE NULL END
               WHERE id = ?""",
            (name, 1 if closed else 0, stamp, ticket_id),
        )


def mark_notified_queued(db: Database, ticket_id: int) -> None:
    with _tx(db):
        db.execute("UPDATE tickets SET notified_queued = 1 WHERE id = ?", (ticket_id,))

"""All SQL of the Redmine watcher: its cursor, which issues it has read, which parts of an
update reached the customer, the first staff response, and satisfaction ratings.

The cursor and the outbox items of one poll commit in one transaction (``write_tx`` joins an
open one), so a crash either loses the whole cycle (it is read again) or keeps all of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from intake.storage import outbox as queue
from intake.storage.db import iso, utcnow, write_tx
from intake.storage.tickets import TicketRow, get_ticket

CURSOR = "redmine.cursor"
# Outbox kinds that tell the customer about their ticket (intake.tickets.watcher, .rating).
UPDATE_KINDS = ("customer.update", "rating.ask")


def get_cursor(db: Database) -> str | None:
    row = db.execute("SELECT value FROM watch_state WHERE name = ?", [CURSOR]).fetchone()
    return row[0] if row else None


def set_cursor(db: Database, value: str) -> None:
    with write_tx(db):
        db.execute(
            "INSERT INTO watch_state (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            [CURSOR, value],
        )


def tickets_for_issues(db: Database, issue_ids: Iterable[int]) -> dict[int, TicketRow]:
    """Our tickets among these Redmine issues (issue id -> ticket); others are not ours."""
    ids = [str(i) for i in issue_ids]
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.execute(
        f"SELECT id, external_id FROM tickets WHERE sink = 'redmine' AND external_id IN ({marks})",
        ids,
    ).fetchall()
    found = {}
    for ticket_id, external_id in rows:
        ticket = get_ticket(db, ticket_id)
        if ticket is not None:
            found[int(external_id)] = ticket
    return found


def read_marks(db: Database, issue_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """issue id -> (updated_on when last read, our time of that read)."""
    ids = list(issue_ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.execute(
        f"SELECT issue_id, updated_on, read_at FROM watch_issues WHERE issue_id IN ({marks})",
        ids,
    ).fetchall()
    return {int(r[0]): (r[1], r[2]) for r in rows}


def mark_read(db: Database, issue_id: int, updated_on: str, read_at: datetime) -> None:
    with write_tx(db):
        db.execute(
            "INSERT INTO watch_issues (issue_id, updated_on, read_at) VALUES (?, ?, ?) "
            "ON CONFLICT(issue_id) DO UPDATE SET updated_on = excluded.updated_on, "
            "read_at = excluded.read_at",
            [issue_id, updated_on, iso(read_at)],
        )


def part_sent(db: Database, item_key: str, part: int) -> bool:
    row = db.execute(
        "SELECT 1 FROM watch_parts WHERE item_key = ? AND part = ?", [item_key, part]
    ).fetchone()
    return row is not None


def mark_part_sent(db: Database, item_key: str, part: int) -> None:
    with write_tx(db):
        db.execute(
            "INSERT OR IGNORE INTO watch_parts (item_key, part, sent_at) VALUES (?, ?, ?)",
            [item_key, part, iso(utcnow())],
        )


def record_first_response(db: Database, ticket_id: int, at: str) -> None:
    """The first time staff answered (kept: a later, earlier-looking answer never moves it)."""
    with write_tx(db):
        db.execute(
            "UPDATE tickets SET first_response_at = ? "
            "WHERE id = ? AND (first_response_at IS NULL OR first_response_at > ?)",
            [at, ticket_id, at],
        )


def first_response_at(db: Database, ticket_id: int) -> str | None:
    row = db.execute("SELECT first_response_at FROM tickets WHERE id = ?", [ticket_id]).fetchone()
    return row[0] if row else None


# -- ratings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    ticket_id: int
    score: int
    comment: str | None
    awaiting_comment: bool
    rated_at: str
    commented_at: str | None


def get_rating(db: Database, ticket_id: int) -> Rating | None:
    row = db.execute(
        "SELECT ticket_id, score, comment, awaiting_comment, rated_at, commented_at "
        "FROM ratings WHERE ticket_id = ?",
        [ticket_id],
    ).fetchone()
    return Rating(row[0], row[1], row[2], bool(row[3]), row[4], row[5]) if row else None


def add_rating(db: Database, ticket_id: int, score: int) -> bool:
    """Store the first rating of a ticket; False when it was rated already."""
    if not 1 <= score <= 5:
        raise ValueError("a rating is 1 to 5")
    with write_tx(db):
        cursor = db.execute(
            "INSERT OR IGNORE INTO ratings (ticket_id, score, awaiting_comment, rated_at) "
            "VALUES (?, ?, 1, ?)",
            [ticket_id, score, iso(utcnow())],
        )
    return cursor.rowcount == 1


def awaiting_comment(db: Database, user_id: int, *, since: datetime) -> Rating | None:
    """The user's newest rating, given after ``since``, whose comment is still expected.

    ``since`` bounds it: a rating left without a comment must not swallow, days later, a
    message meant for another ticket.
    """
    row = db.execute(
        "SELECT r.ticket_id FROM ratings r JOIN tickets t ON t.id = r.ticket_id "
        "WHERE t.user_id = ? AND r.awaiting_comment = 1 AND r.rated_at >= ? "
        "ORDER BY r.rated_at DESC LIMIT 1",
        [user_id, iso(since)],
    ).fetchone()
    return get_rating(db, row[0]) if row else None


def close_comment(db: Database, ticket_id: int, comment: str | None) -> bool:
    """Take the comment (None: skipped); False when none was awaited any more."""
    with write_tx(db):
        cursor = db.execute(
            "UPDATE ratings SET awaiting_comment = 0, comment = ?, commented_at = ? "
            "WHERE ticket_id = ? AND awaiting_comment = 1",
            [comment, iso(utcnow()) if comment else None, ticket_id],
        )
    return cursor.rowcount == 1


# -- what staff see -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """One update for the customer and how its delivery went (the outbox item's state)."""

    what: str  # "note by Jane", "status: Resolved", "file: log.txt", "rating question"
    state: str  # sent | blocked | failed | waiting
    error: str | None
    created_at: str
    done_at: str | None


def _describe(item: queue.OutboxItem) -> str:
    data = item.data
    if item.kind == "rating.ask":
        return "rating question"
    parts = []
    if data.get("notes"):
        parts.append(f"note by {data.get('author') or '?'}")
    if data.get("status"):
        parts.append(f"status: {data['status'].get('name')}")
    parts.extend(f"file: {f.get('filename')}" for f in data.get("files") or ())
    return "; ".join(parts) or item.kind


# A failed item's delivery state by its error class (intake.tickets.outbox.ErrorClass).
_FAILED_STATES = {"blocked": "blocked", "unwanted": "skipped"}


def _state(item: queue.OutboxItem) -> str:
    if item.status == queue.DONE:
        return "sent"
    if item.status == queue.FAILED:
        return _FAILED_STATES.get(item.error_class or "", "failed")
    return "waiting"


def customer_updates(db: Database, ticket_id: int) -> list[Delivery]:
    """What the watcher told (or still tries to tell) this ticket's customer, oldest first."""
    return [
        Delivery(
            _describe(item),
            _state(item),
            item.last_error if item.status != queue.DONE else None,
            item.created_at,
            item.done_at,
        )
        for item in queue.for_ticket(db, ticket_id)
        if item.kind in UPDATE_KINDS
    ]

"""All SQL about on-call pages: who was paged how often, who took it, which alerts were sent.

A page lives in SQLite (``pages``, ``page_messages``) and its next step in the outbox, so a
restart in the middle of a page neither forgets it nor pages twice. Acknowledging is one
conditional UPDATE: of two people tapping at once, exactly one gets the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from intake.storage.db import iso, utcnow, write_tx


@dataclass(frozen=True)
class Page:
    ticket_id: int
    round: int
    acked_by: int | None
    acked_name: str | None
    acked_at: str | None
    created_at: str
    updated_at: str

    @property
    def acknowledged(self) -> bool:
        return self.acked_at is not None

    @property
    def acked(self) -> datetime | None:
        return datetime.fromisoformat(self.acked_at) if self.acked_at else None


@dataclass(frozen=True)
class PageMessage:
    ticket_id: int
    chat_id: int
    message_id: int
    round: int
    text: str


_PAGE = "ticket_id, round, acked_by, acked_name, acked_at, created_at, updated_at"


def start(db: Database, ticket_id: int, *, now: datetime | None = None) -> None:
    """A page for the ticket (once: starting it again changes nothing)."""
    stamp = iso(now or utcnow())
    with write_tx(db):
        db.execute(
            "INSERT INTO pages (ticket_id, created_at, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(ticket_id) DO NOTHING",
            [ticket_id, stamp, stamp],
        )


def get(db: Database, ticket_id: int) -> Page | None:
    row = db.execute(f"SELECT {_PAGE} FROM pages WHERE ticket_id = ?", [ticket_id]).fetchone()
    return Page(*row) if row else None


def set_round(db: Database, ticket_id: int, round_: int, *, now: datetime | None = None) -> None:
    """The page reached ``round_`` (never goes back: a late retry of an older round)."""
    with write_tx(db):
        db.execute(
            "UPDATE pages SET round = max(round, ?), updated_at = ? WHERE ticket_id = ?",
            [round_, iso(now or utcnow()), ticket_id],
        )


def acknowledge(
    db: Database, ticket_id: int, *, user_id: int, name: str, now: datetime | None = None
) -> bool:
    """Record who took the page; False if someone already had (their name stays)."""
    stamp = iso(now or utcnow())
    with write_tx(db):
        cursor = db.execute(
            """UPDATE pages SET acked_by = ?, acked_name = ?, acked_at = ?, updated_at = ?
               WHERE ticket_id = ? AND acked_at IS NULL""",
            [user_id, name, stamp, stamp, ticket_id],
        )
    return cursor.rowcount == 1


def record_message(
    db: Database, ticket_id: int, *, chat_id: int, message_id: int, round_: int, text: str
) -> None:
    with write_tx(db):
        db.execute(
            "INSERT OR IGNORE INTO page_messages (ticket_id, chat_id, message_id, round, text) "
            "VALUES (?, ?, ?, ?, ?)",
            [ticket_id, chat_id, message_id, round_, text],
        )


def get_message(db: Database, ticket_id: int, chat_id: int, message_id: int) -> PageMessage | None:
    row = db.execute(
        "SELECT ticket_id, chat_id, message_id, round, text FROM page_messages "
        "WHERE ticket_id = ? AND chat_id = ? AND message_id = ?",
        [ticket_id, chat_id, message_id],
    ).fetchone()
    return PageMessage(*row) if row else None


def messages(db: Database, ticket_id: int) -> list[PageMessage]:
    return [
        PageMessage(*r)
        for r in db.execute(
            "SELECT ticket_id, chat_id, message_id, round, text FROM page_messages "
            "WHERE ticket_id = ? ORDER BY round, chat_id, message_id",
            [ticket_id],
        ).fetchall()
    ]


def first_response_at(db: Database, ticket_id: int) -> datetime | None:
    """When staff first answered the ticket (set by whoever watches Redmine), if they have."""
    row = db.execute("SELECT first_response_at FROM tickets WHERE id = ?", [ticket_id]).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def mark_first_response(db: Database, ticket_id: int, when: datetime) -> None:
    """Staff answered (only the first answer counts)."""
    with write_tx(db):
        db.execute(
            "UPDATE tickets SET first_response_at = ? WHERE id = ? AND first_response_at IS NULL",
            [iso(when), ticket_id],
        )

"""The conversations table: one intake dialogue from /start to its end.

This module is the only writer of ``conversations.status``: the dialogue ends one
(``end_conversation``), a submit ends it with the ticket's state (``submitted``), and the
ticket's filing moves it on (``follow_ticket``). Times are ``db.iso`` text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from intake.storage.db import iso, utcnow

# Statuses that end a conversation (``ended_at`` is set); "solved" by a documentation article.
FINAL = frozenset({"submitted", "cancelled", "solved"})


def start_conversation(
    db: Database, user_id: int, chat_id: int, language: str, *, now: datetime | None = None
) -> int:
    stamp = iso(now or utcnow())
    cursor = db.execute(
        "INSERT INTO conversations (user_id, chat_id, status, language, started_at, updated_at) "
        "VALUES (?, ?, 'in_progress', ?, ?, ?)",
        [user_id, chat_id, language, stamp, stamp],
    )
    assert cursor.lastrowid is not None  # an INSERT sets it
    return cursor.lastrowid


def latest_conversation(db: Database, user_id: int) -> tuple[int, str] | None:
    """(id, status) of the user's newest conversation, if any."""
    row = db.execute(
        "SELECT id, status FROM conversations WHERE user_id = ? ORDER BY id DESC LIMIT 1",
        [user_id],
    ).fetchone()
    return (row[0], row[1]) if row else None


def update_conversation(db: Database, conversation_id: int, **values: Any) -> None:
    """Set summary, impact, language (the status has its own functions below)."""
    allowed = {"language", "summary", "impact"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown conversation columns: {sorted(unknown)}")
    values["updated_at"] = iso(utcnow())
    columns = ", ".join(f"{name} = ?" for name in values)
    db.execute(
        f"UPDATE conversations SET {columns} WHERE id = ?",
        [*values.values(), conversation_id],
    )


def end_conversation(db: Database, conversation_id: int, status: str) -> None:
    """The dialogue ended without a ticket: ``cancelled``, or ``solved`` by an article."""
    if status not in FINAL - {"submitted"}:
        raise ValueError(f"not an ending without a ticket: {status!r}")
    stamp = iso(utcnow())
    db.execute(
        "UPDATE conversations SET status = ?, updated_at = ?, ended_at = ? WHERE id = ?",
        [status, stamp, stamp, conversation_id],
    )


def submitted(db: Database, conversation_id: int, ticket_status: str, stamp: str) -> None:
    """A ticket was created for the conversation (in the caller's transaction): it ends, with
    the ticket's state; a ticket kept locally is simply "submitted" for the staff page."""
    db.execute(
        "UPDATE conversations SET status = ?, updated_at = ?, ended_at = ? WHERE id = ?",
        [
            "submitted" if ticket_status == "stored" else ticket_status,
            stamp,
            stamp,
            conversation_id,
        ],
    )


def follow_ticket(db: Database, ticket_id: int, status: str, stamp: str) -> None:
    """The conversation follows its ticket's filing (queued, filed, failed), in the caller's
    transaction."""
    db.execute(
        """UPDATE conversations SET status = ?, updated_at = ?
           WHERE id = (SELECT conversation_id FROM tickets WHERE id = ?)""",
        [status, stamp, ticket_id],
    )


def mark_refused(db: Database, conversation_id: int) -> None:
    """One of its attachments was refused by the English-only policy (the staff filter)."""
    db.execute("UPDATE conversations SET has_refused = 1 WHERE id = ?", [conversation_id])


def conversation_language(db: Database, conversation_id: int) -> str | None:
    row = db.execute(
        "SELECT language FROM conversations WHERE id = ?", [conversation_id]
    ).fetchone()
    return row[0] if row else None


def conversation_for_chat(db: Database, chat_id: int) -> tuple[int | None, str | None]:
    """(newest conversation id, the user's language) for a private chat, for outgoing records."""
    row = db.execute(
        "SELECT (SELECT id FROM conversations WHERE chat_id = ? ORDER BY id DESC LIMIT 1), "
        "(SELECT language FROM users WHERE id = ?)",
        [chat_id, chat_id],
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)

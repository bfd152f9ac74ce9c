"""The messages table: the transcript, both directions, as the customer lived it.

Times are ``db.iso`` text (UTC, microseconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from intake.storage.db import iso, utcnow


@dataclass(frozen=True)
class MessageRow:
    id: int
    direction: str  # in | out
    kind: str
    text: str | None
    language: str | None
    created_at: str


def record_message(
    db: Database,
    *,
    conversation_id: int | None,
    user_id: int | None,
    chat_id: int,
    direction: str,
    kind: str,
    text: str | None,
    step: str | None = None,
    language: str | None = None,
    telegram_message_id: int | None = None,
    update_id: int | None = None,
    now: datetime | None = None,
) -> int:
    cursor = db.execute(
        "INSERT INTO messages (conversation_id, user_id, chat_id, direction, kind, text, step, "
        "language, telegram_message_id, update_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            conversation_id,
            user_id,
            chat_id,
            direction,
            kind,
            text,
            step,
            language,
            telegram_message_id,
            update_id,
            iso(now or utcnow()),
        ],
    )
    assert cursor.lastrowid is not None  # an INSERT sets it
    return cursor.lastrowid


def inbound_text(db: Database, chat_id: int, telegram_message_id: int) -> str | None:
    """What the customer wrote in that Telegram message (kept in the transcript)."""
    row = db.execute(
        "SELECT text FROM messages WHERE chat_id = ? AND telegram_message_id = ? "
        "AND direction = 'in' ORDER BY id LIMIT 1",
        [chat_id, telegram_message_id],
    ).fetchone()
    return row[0] if row else None


def inbound_message_for_update(db: Database, update_id: int) -> int | None:
    """The message already logged for an update (a replay must not log it twice)."""
    row = db.execute(
        "SELECT id FROM messages WHERE update_id = ? AND direction = 'in' ORDER BY id LIMIT 1",
        [update_id],
    ).fetchone()
    return row[0] if row else None


def move_message(db: Database, message_id: int, conversation_id: int) -> None:
    """Attach the message that started a conversation to it (it was recorded just before)."""
    db.execute(
        "UPDATE messages SET conversation_id = ? WHERE id = ?", [conversation_id, message_id]
    )


def transcript(db: Database, conversation_id: int) -> list[MessageRow]:
    """The conversation's messages, both directions, oldest first."""
    return [
        MessageRow(
            id=r["id"],
            direction=r["direction"],
            kind=r["kind"],
            text=r["text"],
            language=r["language"],
            created_at=r["created_at"],
        )
        for r in db.query(
            "SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", [conversation_id]
        )
    ]

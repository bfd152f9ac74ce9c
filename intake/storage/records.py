"""Record functions for users, conversations, messages, updates and attachments.

Handlers never write SQL; they call these. Times are ISO 8601 UTC strings.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from intake.i18n import resolve_locale


def _rowid(cursor: sqlite3.Cursor) -> int:
    """The id the INSERT just run on ``cursor`` gave its row (None only before any INSERT)."""
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class UserRow:
    id: int
    language: str
    redmine_login: str | None
    first_name: str | None = None
    username: str | None = None


# --- updates ---------------------------------------------------------------------------


def last_update_id(db: Database, bot_id: int | None = None) -> int:
    """The highest update_id stored (for one bot, if given), 0 if none: a restarted local
    Bot API must start above it."""
    if bot_id is None:
        row = db.execute("SELECT MAX(update_id) FROM updates").fetchone()
    else:
        row = db.execute(
            "SELECT MAX(update_id) FROM updates WHERE bot_id = ?", [bot_id]
        ).fetchone()
    return int(row[0] or 0)


# --- users -----------------------------------------------------------------------------


def touch_user(
    db: Database,
    user_id: int,
    *,
    language_code: str | None,
    first_name: str | None = None,
    last_name: str | None = None,
    username: str | None = None,
) -> UserRow:
    """Create the user on first contact (language from Telegram), else refresh last_seen.

    A later ``language_code`` never overrides the stored language: only the user does.
    """
    now = now_iso()
    row = db.execute(
        "INSERT INTO users (id, username, first_name, last_name, telegram_language, language, "
        "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen, "
        "username = excluded.username, first_name = excluded.first_name, "
        "last_name = excluded.last_name "
        "RETURNING id, language, redmine_login, first_name, username",
        [
            user_id,
            username,
            first_name,
            last_name,
            language_code,
            resolve_locale(language_code),
            now,
            now,
        ],
    ).fetchone()
    return UserRow(*row)


def get_user(db: Database, user_id: int) -> UserRow | None:
    row = db.execute(
        "SELECT id, language, redmine_login, first_name, username FROM users WHERE id = ?",
        [user_id],
    ).fetchone()
    return UserRow(*row) if row else None


def set_user_language(db: Database, user_id: int, language: str) -> None:
    db.execute("UPDATE users SET language = ? WHERE id = ?", [language, user_id])


def set_user_redmine_login(db: Database, user_id: int, login: str | None) -> None:
    db.execute("UPDATE users SET redmine_login = ? WHERE id = ?", [login, user_id])


# --- conversations ---------------------------------------------------------------------


def start_conversation(db: Database, user_id: int, chat_id: int, language: str) -> int:
    now = now_iso()
    cursor = db.execute(
        "INSERT INTO conversations (user_id, chat_id, status, language, started_at, updated_at) "
        "VALUES (?, ?, 'in_progress', ?, ?, ?)",
        [user_id, chat_id, language, now, now],
    )
    return _rowid(cursor)


def latest_conversation(db: Database, user_id: int) -> tuple[int, str] | None:
    """(id, status) of the user's newest conversation, if any."""
    row = db.execute(
        "SELECT id, status FROM conversations WHERE user_id = ? ORDER BY id DESC LIMIT 1",
        [user_id],
    ).fetchone()
    return (row[0], row[1]) if row else None


def update_conversation(db: Database, conversation_id: int, **values: Any) -> None:
    """Set summary, impact, language, status, has_refused...; ends it when status is final."""
    allowed = {"status", "language", "summary", "impact", "has_refused"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"unknown conversation columns: {sorted(unknown)}")
    values["updated_at"] = now_iso()
    if values.get("status") in {"submitted", "cancelled", "solved"}:  # solved by an article
        values["ended_at"] = values["updated_at"]
    columns = ", ".join(f"{name} = ?" for name in values)
    db.execute(
        f"UPDATE conversations SET {columns} WHERE id = ?",
        [*values.values(), conversation_id],
    )


# --- messages --------------------------------------------------------------------------


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
            now_iso(),
        ],
    )
    return _rowid(cursor)


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


# --- attachments -----------------------------------------------------------------------


def add_attachment(
    db: Database,
    *,
    conversation_id: int,
    user_id: int,
    kind: str,
    file_name: str | None,
    mime_type: str | None,
    size: int | None,
    file_id: str | None = None,
    file_unique_id: str | None = None,
    caption: str | None = None,
    data: bytes | None = None,
) -> int:
    """Store the attachment row and, when downloaded, its bytes, in one transaction."""
    with db.atomic():
        cursor = db.execute(
            "INSERT INTO attachments (conversation_id, user_id, kind, file_id, file_unique_id, "
            "file_name, mime_type, size, caption, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                conversation_id,
                user_id,
                kind,
                file_id,
                file_unique_id,
                file_name,
                mime_type,
                size,
                caption,
                now_iso(),
            ],
        )
        attachment_id = _rowid(cursor)
        if data is not None:
            db.execute(
                "INSERT INTO attachment_blobs (attachment_id, data) VALUES (?, ?)",
                [attachment_id, data],
            )
    return attachment_id


def set_attachment_verdict(
    db: Database,
    attachment_id: int,
    *,
    verdict: str,
    language: str | None,
    reason: str,
    excerpt: str,
    elapsed_ms: int,
) -> None:
    with db.atomic():
        db.execute(
            "UPDATE attachments SET verdict = ?, verdict_language = ?, verdict_reason = ?, "
            "verdict_excerpt = ?, checked_ms = ? WHERE id = ?",
            [verdict, language, reason, excerpt, elapsed_ms, attachment_id],
        )
        if verdict == "refused":
            db.execute(
                "UPDATE conversations SET has_refused = 1 WHERE id = "
                "(SELECT conversation_id FROM attachments WHERE id = ?)",
                [attachment_id],
            )


def attachment_blob(db: Database, attachment_id: int) -> bytes | None:
    row = db.execute(
        "SELECT data FROM attachment_blobs WHERE attachment_id = ?", [attachment_id]
    ).fetchone()
    return bytes(row[0]) if row else None


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


def store_attachment_blob(db: Database, attachment_id: int, data: bytes) -> None:
    db.execute(
        "INSERT OR REPLACE INTO attachment_blobs (attachment_id, data) VALUES (?, ?)",
        [attachment_id, data],
    )


def attachment_verdicts(db: Database, attachment_ids: list[int]) -> dict[int, str]:
    """Current verdicts by id: the checks finish in the background, the table is the truth."""
    if not attachment_ids:
        return {}
    marks = ",".join("?" for _ in attachment_ids)
    rows = db.execute(
        f"SELECT id, verdict FROM attachments WHERE id IN ({marks})",
        attachment_ids,
    ).fetchall()
    return {row[0]: row[1] for row in rows}


def get_attachment_row(db: Database, attachment_id: int) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM attachments WHERE id = ?", [attachment_id]))
    return rows[0] if rows else None

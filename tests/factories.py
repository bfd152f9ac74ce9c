"""Small factories that write rows the way the bot stores them (any test area may use them).

Each takes the database first and keyword overrides. Users, conversations, messages and
attachments are written by the storage functions the bot calls, at a fixed time; a state the
bot reaches later (a conversation that followed its ticket, a ticket part-way through the
outbox) is then set on the row, as a fixture for readers.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from intake.storage import attachments, conversations, messages, users
from intake.storage.db import iso

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
_ids = itertools.count(1000)


def _when(value: datetime | str | None, default: datetime) -> datetime:
    if value is None:
        return default
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def make_user(db: Database, **overrides: Any) -> int:
    user_id = overrides.pop("id", None) or next(_ids)
    users.touch_user(
        db,
        user_id,
        language_code=overrides.pop("telegram_language", "en"),
        first_name=overrides.pop("first_name", "Ada"),
        last_name=overrides.pop("last_name", "Lovelace"),
        username=overrides.pop("username", f"user{user_id}"),
        now=T0,
    )
    if "language" in overrides:
        users.set_user_language(db, user_id, overrides.pop("language"))
    if "redmine_login" in overrides:
        users.set_user_redmine_login(db, user_id, overrides.pop("redmine_login"))
    if overrides:
        db["users"].update(user_id, overrides)
    return user_id


def make_conversation(db: Database, user_id: int | None = None, **overrides: Any) -> int:
    user_id = user_id if user_id is not None else make_user(db)
    started = _when(overrides.pop("started_at", None), T0)
    conversation_id = conversations.start_conversation(
        db,
        user_id,
        overrides.pop("chat_id", user_id),
        overrides.pop("language", "en"),
        now=started,
    )
    if overrides:  # summary, impact, a later status: what the dialogue and its ticket set
        db["conversations"].update(conversation_id, overrides)
    return conversation_id


def add_message(
    db: Database,
    conversation_id: int,
    text: str | None,
    *,
    direction: str = "in",
    kind: str = "text",
    step: str | None = None,
    language: str | None = None,
    created_at: datetime | str | None = None,
) -> int:
    conversation = db["conversations"].get(conversation_id)
    return messages.record_message(
        db,
        conversation_id=conversation_id,
        user_id=conversation["user_id"],
        chat_id=conversation["chat_id"],
        direction=direction,
        kind=kind,
        text=text,
        step=step,
        language=language or conversation["language"],
        now=_when(created_at, datetime.fromisoformat(conversation["started_at"])),
    )


def add_dialogue(
    db: Database,
    conversation_id: int,
    turns: list[tuple[str, str, str | None]],
    *,
    start: datetime = T0,
    language: str | None = None,
) -> list[int]:
    """Insert (direction, text, step) turns one minute apart; a step is named as the bot
    records it ("summary", not the FSM state "Intake:summary")."""
    return [
        add_message(
            db,
            conversation_id,
            text,
            direction=direction,
            step=step,
            language=language,
            created_at=start + timedelta(minutes=index),
        )
        for index, (direction, text, step) in enumerate(turns)
    ]


def make_ticket(db: Database, conversation_id: int, **overrides: Any) -> int:
    conversation = db["conversations"].get(conversation_id)
    fields = overrides.pop(
        "fields",
        {
            "summary": conversation["summary"] or "Cannot sign in",
            "browser": "Firefox",
            "browser_version": "121",
            "os": "Ubuntu",
            "os_version": "22.04",
            "product_version": "5.2",
            "impact": overrides.get("impact", "medium"),
            "description": ["The login page shows error 500."],
            "attachments": [],
        },
    )
    opened = overrides.pop("opened_at", conversation["started_at"])
    row = {
        "conversation_id": conversation_id,
        "user_id": conversation["user_id"],
        "chat_id": conversation["chat_id"],
        "language": conversation["language"],
        "summary": fields.get("summary", "Cannot sign in"),
        "fields": json.dumps(fields, ensure_ascii=False),
        "impact": "medium",
        "impact_suggested": None,
        "impact_reason": None,
        "opened_at": opened,
        "due_at": iso(datetime.fromisoformat(opened) + timedelta(hours=8)),
        "sink": "redmine",
        "status": "queued",
        "external_id": None,
        "external_url": None,
        "attempts": 0,
        "last_error": None,
        "next_attempt_at": None,
        "created_at": opened,
        "updated_at": opened,
        "filed_at": None,
    }
    row.update(overrides)
    ticket_id = db["tickets"].insert(row).last_pk
    db.execute(
        "UPDATE tickets SET receipt = ? WHERE id = ? AND receipt IS NULL",
        [f"OS-{ticket_id:06d}", ticket_id],
    )
    return ticket_id


def add_attachment(
    db: Database, conversation_id: int, data: bytes | None = None, **overrides: Any
) -> int:
    conversation = db["conversations"].get(conversation_id)
    attachment_id = attachments.add_attachment(
        db,
        conversation_id=conversation_id,
        user_id=conversation["user_id"],
        kind=overrides.pop("kind", "document"),
        file_name=overrides.pop("file_name", "log.txt"),
        mime_type=overrides.pop("mime_type", "text/plain"),
        size=overrides.pop("size", len(data) if data is not None else None),
        file_id=overrides.pop("file_id", "file-id"),
        file_unique_id=overrides.pop("file_unique_id", "unique-id"),
        caption=overrides.pop("caption", None),
        data=data,
        now=_when(
            overrides.pop("created_at", None), datetime.fromisoformat(conversation["started_at"])
        ),
    )
    attachments.set_attachment_verdict(
        db,
        attachment_id,
        verdict=overrides.pop("verdict", "accepted"),
        language=overrides.pop("verdict_language", "en"),
        reason=overrides.pop("verdict_reason", None) or "",
        excerpt=overrides.pop("verdict_excerpt", None) or "",
        elapsed_ms=overrides.pop("checked_ms", 5),
    )
    if overrides:  # ticket_id, external_id: set when a ticket takes it, a filer uploads it
        db["attachments"].update(attachment_id, overrides)
    return attachment_id

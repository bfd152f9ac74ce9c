"""Small factories that insert rows the way the bot stores them (any test area may use them).

Each takes the database first and keyword overrides; timestamps are ISO 8601 UTC text.
They write SQL directly on purpose: they build fixtures for readers, not a second writer API.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
_ids = itertools.count(1000)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def make_user(db: Database, **overrides: Any) -> int:
    user_id = overrides.pop("id", None) or next(_ids)
    row = {
        "id": user_id,
        "username": f"user{user_id}",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "telegram_language": "en",
        "language": "en",
        "redmine_login": None,
        "first_seen": iso(T0),
        "last_seen": iso(T0),
    }
    row.update(overrides)
    db["users"].insert(row)
    return user_id


def make_conversation(db: Database, user_id: int | None = None, **overrides: Any) -> int:
    user_id = user_id if user_id is not None else make_user(db)
    started = overrides.pop("started_at", iso(T0))
    row = {
        "user_id": user_id,
        "chat_id": user_id,
        "status": "in_progress",
        "language": "en",
        "started_at": started,
        "updated_at": started,
        "ended_at": None,
        "summary": None,
        "impact": None,
        "has_refused": 0,
    }
    row.update(overrides)
    return db["conversations"].insert(row).last_pk


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
    if isinstance(created_at, datetime):
        created_at = iso(created_at)
    row = {
        "conversation_id": conversation_id,
        "user_id": conversation["user_id"],
        "chat_id": conversation["chat_id"],
        "direction": direction,
        "kind": kind,
        "text": text,
        "step": step,
        "language": language or conversation["language"],
        "created_at": created_at or conversation["started_at"],
    }
    return db["messages"].insert(row).last_pk


def add_dialogue(
    db: Database,
    conversation_id: int,
    turns: list[tuple[str, str, str | None]],
    *,
    start: datetime = T0,
    language: str | None = None,
) -> list[int]:
    """Insert (direction, text, step) turns one minute apart."""
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
    row = {
        "conversation_id": conversation_id,
        "ticket_id": None,
        "user_id": conversation["user_id"],
        "kind": "document",
        "file_id": "file-id",
        "file_unique_id": "unique-id",
        "file_name": "log.txt",
        "mime_type": "text/plain",
        "size": len(data) if data is not None else None,
        "caption": None,
        "verdict": "accepted",
        "verdict_language": "en",
        "verdict_reason": None,
        "verdict_excerpt": None,
        "checked_ms": 5,
        "external_id": None,
        "created_at": conversation["started_at"],
    }
    row.update(overrides)
    attachment_id = db["attachments"].insert(row).last_pk
    if data is not None:
        db["attachment_blobs"].insert({"attachment_id": attachment_id, "data": data})
    return attachment_id

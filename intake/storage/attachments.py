"""The attachments table and its bytes (attachment_blobs): one row type, one blob reader.

The bot stores a file as it arrives, the checker records its verdict, a filer uploads it and
notes where it went, and the staff page shows it. Times are ``db.iso`` text.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from intake.storage import conversations
from intake.storage.db import iso, utcnow, write_tx


@dataclass(frozen=True)
class Attachment:
    id: int
    conversation_id: int
    kind: str
    file_name: str | None
    mime_type: str | None
    size: int | None
    caption: str | None
    verdict: str
    verdict_language: str | None
    verdict_reason: str | None
    verdict_excerpt: str | None
    created_at: str
    has_blob: bool
    file_id: str | None = None  # Telegram's, to download it again
    external_id: str | None = None  # where a filer put it ("issue:45"), once uploaded


_NAMES = frozenset(f.name for f in fields(Attachment))
_SELECT = """
    SELECT a.*,
           EXISTS (SELECT 1 FROM attachment_blobs b WHERE b.attachment_id = a.id) AS has_blob
    FROM attachments a
"""


def _row(row: dict[str, Any]) -> Attachment:
    values = {k: v for k, v in row.items() if k in _NAMES}
    return Attachment(**{**values, "has_blob": bool(row["has_blob"])})


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
    now: datetime | None = None,
) -> int:
    """Store the attachment row and, when downloaded, its bytes, in one transaction."""
    with write_tx(db):
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
                iso(now or utcnow()),
            ],
        )
        attachment_id = cursor.lastrowid
        assert attachment_id is not None  # an INSERT sets it
        if data is not None:
            store_attachment_blob(db, attachment_id, data)
    return attachment_id


def store_attachment_blob(db: Database, attachment_id: int, data: bytes) -> None:
    db.execute(
        "INSERT OR REPLACE INTO attachment_blobs (attachment_id, data) VALUES (?, ?)",
        [attachment_id, data],
    )


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
    with write_tx(db):
        db.execute(
            "UPDATE attachments SET verdict = ?, verdict_language = ?, verdict_reason = ?, "
            "verdict_excerpt = ?, checked_ms = ? WHERE id = ?",
            [verdict, language, reason, excerpt, elapsed_ms, attachment_id],
        )
        if verdict == "refused":
            row = db.execute(
                "SELECT conversation_id FROM attachments WHERE id = ?", [attachment_id]
            ).fetchone()
            if row is not None:
                conversations.mark_refused(db, row[0])


def set_attachment_external_id(db: Database, attachment_id: int, external_id: str) -> None:
    with write_tx(db):
        db.execute(
            "UPDATE attachments SET external_id = ? WHERE id = ?", [external_id, attachment_id]
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


def get_attachment(db: Database, attachment_id: int) -> Attachment | None:
    for row in db.query(f"{_SELECT} WHERE a.id = ?", [attachment_id]):
        return _row(row)
    return None


def conversation_attachments(db: Database, conversation_id: int) -> list[Attachment]:
    """The conversation's attachments in the order they came (no bytes)."""
    return [
        _row(r)
        for r in db.query(
            f"{_SELECT} WHERE a.conversation_id = ? ORDER BY a.id", [conversation_id]
        )
    ]


def ticket_attachments(
    db: Database, ticket_id: int, *, kind: str | None = None
) -> list[Attachment]:
    """The ticket's attachment rows in the order they came (no bytes)."""
    sql = f"{_SELECT} WHERE a.ticket_id = ?"
    params: list[Any] = [ticket_id]
    if kind:
        sql += " AND a.kind = ?"
        params.append(kind)
    return [_row(r) for r in db.query(sql + " ORDER BY a.id", params)]


def attachment_data(db: Database, attachment_id: int) -> bytes | None:
    """The stored bytes, None when the file was not kept (or not downloaded yet)."""
    row = db.execute(
        "SELECT data FROM attachment_blobs WHERE attachment_id = ?", [attachment_id]
    ).fetchone()
    return bytes(row[0]) if row else None

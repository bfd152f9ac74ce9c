"""The inbox: every incoming update is stored before it may be lost, and done after its handler.

Polling stores a batch before the next ``getUpdates`` moves the offset past it; the webhook
stores an update before answering 200. The update middleware then ``begin``s it (a repeat of a
finished update is dropped) and ``finish``es it once the handler has returned. What a crash
leaves ``pending`` is handled again at the next start (``pending``).

A repeat is the same update id from the same bot *with the same content*: a forged or stray
update that reuses an id is handled, not allowed to shadow the real one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlite_utils import Database

from intake.storage.db import now_iso, write_tx

# Telegram update ids are positive and SQLite integers are signed 64-bit.
MAX_UPDATE_ID = 2**63 - 1

NEW = "new"  # handle it
REPEAT = "repeat"  # the same update was handled already: drop it


@dataclass(frozen=True)
class StoredUpdate:
    update_id: int
    payload: str


def digest(payload: str) -> str:
    return hashlib.blake2b(payload.encode(), digest_size=12).hexdigest()


def valid_update_id(update_id: object) -> bool:
    return (
        isinstance(update_id, int)
        and not isinstance(update_id, bool)
        and (0 <= update_id <= MAX_UPDATE_ID)
    )


def store(db: Database, bot_id: int, updates: list[tuple[int, str]]) -> set[int]:
    """Store a batch as ``pending`` in one transaction (polling, before the offset moves);
    returns the ids to handle.

    A finished update with the same content stays finished (a redelivery, not handled
    again); anything else under that id is replaced and becomes pending.
    """
    if not updates:
        return set()
    stamp = now_iso()
    rows = [(update_id, bot_id, stamp, payload, digest(payload)) for update_id, payload in updates]
    ids = [r[0] for r in rows]
    with write_tx(db):
        marks = ",".join("?" * len(ids))
        finished = {
            r[0]: r[1]
            for r in db.execute(
                f"SELECT update_id, digest FROM updates WHERE bot_id = ? "
                f"AND update_id IN ({marks}) AND status != 'pending'",
                [bot_id, *ids],
            ).fetchall()
        }
        db.conn.executemany(
            """INSERT INTO updates (update_id, bot_id, received_at, payload, digest, status)
               VALUES (?, ?, ?, ?, ?, 'pending')
               ON CONFLICT(bot_id, update_id) DO UPDATE SET
                   payload = excluded.payload, digest = excluded.digest,
                   received_at = excluded.received_at, status = 'pending', handled_at = NULL
               WHERE updates.digest IS NOT NULL AND updates.digest != excluded.digest""",
            rows,
        )
    # Rows stored before digests were kept (NULL) count as the same update.
    return {
        update_id
        for update_id, _, _, _, d in rows
        if update_id not in finished or finished[update_id] not in (None, d)
    }


def begin(db: Database, bot_id: int, update_id: int, payload: str) -> str:
    """Before handling: ``NEW``, ``REPLAY`` (pending from an earlier run) or ``REPEAT``."""
    d = digest(payload)
    row = db.execute(
        "SELECT status, digest FROM updates WHERE bot_id = ? AND update_id = ?",
        [bot_id, update_id],
    ).fetchone()
    if row is None:
        db.execute(
            "INSERT INTO updates (update_id, bot_id, received_at, payload, digest, status) "
            "VALUES (?, ?, ?, ?, ?, 'pending')",
            [update_id, bot_id, now_iso(), payload, d],
        )
        return NEW
    status, stored = row
    if stored is not None and stored != d:  # another update under this id
        db.execute(
            "UPDATE updates SET payload = ?, digest = ?, status = 'pending', received_at = ?, "
            "handled_at = NULL WHERE bot_id = ? AND update_id = ?",
            [payload, d, now_iso(), bot_id, update_id],
        )
        return NEW
    if status == "pending":
        return NEW
    return REPEAT


def finish(db: Database, bot_id: int, update_id: int, *, failed: bool = False) -> None:
    db.execute(
        "UPDATE updates SET status = ?, handled_at = ? WHERE bot_id = ? AND update_id = ?",
        ["failed" if failed else "done", now_iso(), bot_id, update_id],
    )


def pending(db: Database, bot_id: int, *, limit: int = 1000) -> list[StoredUpdate]:
    """Updates an earlier run stored but never finished, oldest first."""
    return [
        StoredUpdate(int(r[0]), r[1])
        for r in db.execute(
            "SELECT update_id, payload FROM updates WHERE bot_id = ? AND status = 'pending' "
            "ORDER BY update_id LIMIT ?",
            [bot_id, limit],
        ).fetchall()
    ]


def status_of(db: Database, bot_id: int, update_id: int) -> str | None:
    row = db.execute(
        "SELECT status FROM updates WHERE bot_id = ? AND update_id = ?", [bot_id, update_id]
    ).fetchone()
    return row[0] if row else None


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

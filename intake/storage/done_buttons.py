"""The done_buttons table: the one verdict message per chat that carries "Done with files".

Each new verdict takes the button over from the one before, so only the newest carries it;
the row survives a restart, so the message before a restart gives the button up too.
"""

from __future__ import annotations

from sqlite_utils import Database


def holder(db: Database, chat_id: int) -> int | None:
    """The message id carrying the button in this chat, if any."""
    row = db.execute("SELECT message_id FROM done_buttons WHERE chat_id = ?", [chat_id]).fetchone()
    return row[0] if row else None


def hand_over(db: Database, chat_id: int, message_id: int) -> int | None:
    """``message_id`` carries the button now; returns the message that carried it before."""
    previous = holder(db, chat_id)
    db.execute(
        "INSERT INTO done_buttons (chat_id, message_id) VALUES (?, ?) "
        "ON CONFLICT(chat_id) DO UPDATE SET message_id = excluded.message_id",
        [chat_id, message_id],
    )
    return previous


def release(db: Database, chat_id: int) -> int | None:
    """No message carries the button any more; returns the one that did."""
    previous = holder(db, chat_id)
    if previous is not None:
        db.execute("DELETE FROM done_buttons WHERE chat_id = ?", [chat_id])
    return previous

"""The users table: one row per Telegram user, created on first contact.

Handlers never write SQL; they call these. Times are ``db.iso`` text (UTC, microseconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from intake.i18n import resolve_locale
from intake.storage.db import iso, utcnow

LAST_SEEN_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class UserRow:
    id: int
    language: str
    redmine_login: str | None
    first_name: str | None = None
    username: str | None = None


def touch_user(
    db: Database,
    user_id: int,
    *,
    language_code: str | None,
    first_name: str | None = None,
    last_name: str | None = None,
    username: str | None = None,
    now: datetime | None = None,
) -> UserRow:
    """Create the user on first contact (language from Telegram), else refresh last_seen.

    A later ``language_code`` never overrides the stored language: only the user does.
    Every update calls this, so a known user whose names are unchanged and who was seen in
    the last minute costs one read, not a write: ``last_seen`` is kept to the minute.
    """
    when = now or utcnow()
    known = db.execute(
        "SELECT id, language, redmine_login, first_name, username, last_name, last_seen "
        "FROM users WHERE id = ?",
        [user_id],
    ).fetchone()
    if (
        known is not None
        and (known[3], known[4], known[5]) == (first_name, username, last_name)
        and known[6] >= iso(when - LAST_SEEN_PRECISION)
    ):
        return UserRow(*known[:5])
    stamp = iso(when)
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
            stamp,
            stamp,
        ],
    ).fetchone()
    return UserRow(*row)


def get_user(db: Database, user_id: int) -> UserRow | None:
    row = db.execute(
        "SELECT id, language, redmine_login, first_name, username FROM users WHERE id = ?",
        [user_id],
    ).fetchone()
    return UserRow(*row) if row else None


def user_row(db: Database, user_id: int) -> dict[str, Any] | None:
    """Every column of the user (a filer names the customer from it)."""
    for row in db.query("SELECT * FROM users WHERE id = ?", [user_id]):
        return row
    return None


def set_user_language(db: Database, user_id: int, language: str) -> None:
    db.execute("UPDATE users SET language = ? WHERE id = ?", [language, user_id])


def set_user_redmine_login(db: Database, user_id: int, login: str | None) -> None:
    db.execute("UPDATE users SET redmine_login = ? WHERE id = ?", [login, user_id])

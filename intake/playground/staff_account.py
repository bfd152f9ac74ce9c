"""A staff account for a newcomer's first look at the staff page.

Only when the database has no staff account at all: then one named ``playground`` is made
with a random password that is printed once (only its argon2id hash is stored). Anyone who
already manages accounts with ``python main.py staff-user`` is left alone.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from intake.storage.staff import add_staff_user, get_staff_user, list_staff_users

PLAYGROUND_STAFF = "playground"


@dataclass(frozen=True)
class StaffAccountNote:
    """What to tell the person starting the playground about signing in."""

    name: str | None
    password: str | None  # set only the moment the account was created

    @property
    def created(self) -> bool:
        return self.password is not None


def ensure_staff_account(db: Database) -> StaffAccountNote:
    if list_staff_users(db):
        existing = get_staff_user(db, PLAYGROUND_STAFF)
        return StaffAccountNote(existing.name if existing else None, None)
    password = secrets.token_urlsafe(12)
    add_staff_user(db, PLAYGROUND_STAFF, password)
    return StaffAccountNote(PLAYGROUND_STAFF, password)


def sign_in_lines(note: StaffAccountNote) -> list[str]:
    """Lines for the console, under the staff page's URL."""
    if note.created:
        return [
            f"  sign in as {note.name!r} with password {note.password}",
            "  (shown only now; add your own with: python main.py staff-user add NAME)",
        ]
    if note.name:
        return [
            f"  sign in as {note.name!r} (its password was shown when it was created; to get a",
            f"  new one: python main.py staff-user remove {note.name}, then start again)",
        ]
    return ["  sign in with a staff account (python main.py staff-user add NAME)"]

"""Staff accounts for the review web app: argon2id password hashes and a session key.

Accounts are managed from the command line only (``python main.py staff-user``); the web app
never creates one. Passwords are hashed with argon2id (argon2-cffi, its RFC 9106 "low
memory" profile); hashes from before it (``scrypt$N$r$p$salt$hash``) still verify and are
replaced by an argon2id hash at the next successful sign-in (``needs_rehash``).

``session_key`` is random and changes with the password: a session carries the key it was
made under and ends once the account's key differs (password changed, account re-created).

The slow part (``verify_password``) touches no database, so the web app runs it in a thread
while every SQL call stays on the event loop's thread (sqlite3 connections are not shared).
How often a name may be tried is intake.storage.sign_in_throttle's business.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from intake.storage.db import iso, utcnow

MIN_PASSWORD_LENGTH = 10
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_HASHER = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4: about 0.15 s a check


class StaffAccountError(ValueError):
    """A name or password the command line should refuse, with a message for the operator."""


@dataclass(frozen=True)
class StaffUser:
    name: str
    created_at: str
    session_key: str


class SignInResult(Enum):
    OK = "ok"
    INVALID = "invalid"  # unknown name or wrong password: never say which


def validate_name(name: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.match(name):
        raise StaffAccountError(
            "A staff name is 1-64 letters, digits, '.', '_', '@' or '-', starting with a "
            "letter or digit."
        )
    return name


def validate_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffAccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    return password


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


@cache
def _decoy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


def verify_password(password: str, encoded: str | None) -> bool:
    """Constant-time check. With no stored hash it still spends the same time (no name probe)."""
    if not encoded:
        _verify_argon2(password, _decoy_hash())
        return False
    if encoded.startswith("scrypt$"):
        return _verify_scrypt(password, encoded)
    return _verify_argon2(password, encoded)


def needs_rehash(encoded: str) -> bool:
    """An old scheme or weaker argon2 parameters than today's: store a new hash."""
    if encoded.startswith("scrypt$"):
        return True
    try:
        return _HASHER.check_needs_rehash(encoded)
    except InvalidHashError:
        return True


def _verify_argon2(password: str, encoded: str) -> bool:
    try:
        return _HASHER.verify(encoded, password)
    except (VerificationError, InvalidHashError):
        return False


def _verify_scrypt(password: str, encoded: str) -> bool:
    """Hashes written before argon2id: ``scrypt$N$r$p$salt$hash`` with base64 parts."""
    try:
        _, n, r, p, salt, expected = encoded.split("$")
        n_i, r_i, p_i = int(n), int(r), int(p)
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=n_i,
            r=r_i,
            p=p_i,
            maxmem=128 * n_i * r_i * 2,
            dklen=len(base64.b64decode(expected)),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, base64.b64decode(expected))


def _new_session_key() -> str:
    return secrets.token_hex(16)


_COLUMNS = "name, created_at, session_key"


def _row_to_user(row: dict) -> StaffUser:
    return StaffUser(
        name=row["name"], created_at=row["created_at"], session_key=row["session_key"]
    )


def add_staff_user(
    db: Database, name: str, password: str, *, now: datetime | None = None
) -> StaffUser:
    name = validate_name(name)
    validate_password(password)
    if get_staff_user(db, name) is not None:
        raise StaffAccountError(f"A staff account named {name!r} already exists.")
    user = StaffUser(name=name, created_at=iso(now or utcnow()), session_key=_new_session_key())
    db.execute(
        "INSERT INTO staff_users (name, password_hash, created_at, session_key) "
        "VALUES (?, ?, ?, ?)",
        [name, hash_password(password), user.created_at, user.session_key],
    )
    return user


def change_password(db: Database, name: str, password: str) -> bool:
    """Set a new password and a new session key, which ends every open session of the
    account. False when there is no such account."""
    validate_password(password)
    cursor = db.execute(
        "UPDATE staff_users SET password_hash = ?, session_key = ? WHERE name = ?",
        [hash_password(password), _new_session_key(), name],
    )
    return cursor.rowcount > 0


def get_staff_user(db: Database, name: str) -> StaffUser | None:
    rows = list(db.query(f"SELECT {_COLUMNS} FROM staff_users WHERE name = ?", [name]))
    return _row_to_user(rows[0]) if rows else None


def list_staff_users(db: Database) -> list[StaffUser]:
    return [
        _row_to_user(row) for row in db.query(f"SELECT {_COLUMNS} FROM staff_users ORDER BY name")
    ]


def remove_staff_user(db: Database, name: str) -> bool:
    cursor = db.execute("DELETE FROM staff_users WHERE name = ?", [name])
    return cursor.rowcount > 0


def stored_hash(db: Database, name: str) -> str | None:
    """The password hash to check against, or None for an unknown name."""
    row = db.execute("SELECT password_hash FROM staff_users WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def replace_hash(db: Database, name: str, old: str, new: str) -> bool:
    """Store a rehashed password, unless the password changed meanwhile (compare and set).

    The session key stays: it is the same password, so open sessions go on."""
    cursor = db.execute(
        "UPDATE staff_users SET password_hash = ? WHERE name = ? AND password_hash = ?",
        [new, name, old],
    )
    return cursor.rowcount > 0


def authenticate(db: Database, name: str, password: str) -> SignInResult:
    """The credential check alone, in one blocking call (command line and tests).

    It does not throttle: the web app reserves each attempt in
    intake.storage.sign_in_throttle before it checks a password.
    """
    if verify_password(password, stored_hash(db, name)):
        return SignInResult.OK
    return SignInResult.INVALID

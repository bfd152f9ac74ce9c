"""Staff accounts for the review web app: salted scrypt hashes and a failed sign-in limit.

Accounts are managed from the command line only (``python main.py staff-user``); the web app
never creates one. A password is stored as ``scrypt$N$r$p$salt$hash`` (base64 parts) so the
cost can be raised later without breaking existing hashes. After ``MAX_FAILED_SIGN_INS``
wrong passwords an account is locked for ``LOCK_DURATION``; the count starts over once the
lock ends, and a successful sign-in clears it.

The slow part (``verify_password``) touches no database, so the web app runs it in a thread
while every SQL call stays on the event loop's thread (sqlite3 connections are not shared).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

from sqlite_utils import Database

# About 60-100 ms and 32 MiB a hash on a current CPU: slow for a guesser, fine for a person.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32
SALT_BYTES = 16
_MAXMEM = 128 * SCRYPT_N * SCRYPT_R * 2

MAX_FAILED_SIGN_INS = 5
LOCK_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class StaffAccountError(ValueError):
    """A name or password the command line should refuse, with a message for the operator."""


@dataclass(frozen=True)
class StaffUser:
    name: str
    created_at: str
    failed_logins: int
    locked_until: str | None


class SignInResult(Enum):
    OK = "ok"
    INVALID = "invalid"  # unknown name or wrong password: never say which
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInState:
    """What a sign-in needs before the slow hash check: the stored hash and any lock."""

    password_hash: str | None
    locked_until: datetime | None


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


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
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=_MAXMEM,
        dklen=SCRYPT_DKLEN,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str | None) -> bool:
    """Constant-time check. With no stored hash it still spends the same time (no name probe)."""
    if not encoded:
        hash_password(password)
        return False
    try:
        scheme, n, r, p, salt, expected = encoded.split("$")
        if scheme != "scrypt":
            return False
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


def _row_to_user(row: dict) -> StaffUser:
    return StaffUser(
        name=row["name"],
        created_at=row["created_at"],
        failed_logins=row["failed_logins"],
        locked_until=row["locked_until"],
    )


def add_staff_user(
    db: Database, name: str, password: str, *, now: datetime | None = None
) -> StaffUser:
    name = validate_name(name)
    validate_password(password)
    if get_staff_user(db, name) is not None:
        raise StaffAccountError(f"A staff account named {name!r} already exists.")
    created = _iso(now or _now())
    db.execute(
        "INSERT INTO staff_users (name, password_hash, created_at) VALUES (?, ?, ?)",
        [name, hash_password(password), created],
    )
    return StaffUser(name=name, created_at=created, failed_logins=0, locked_until=None)


def get_staff_user(db: Database, name: str) -> StaffUser | None:
    rows = list(
        db.query(
            "SELECT name, created_at, failed_logins, locked_until FROM staff_users WHERE name = ?",
            [name],
        )
    )
    return _row_to_user(rows[0]) if rows else None


def list_staff_users(db: Database) -> list[StaffUser]:
    return [
        _row_to_user(row)
        for row in db.query(
            "SELECT name, created_at, failed_logins, locked_until FROM staff_users ORDER BY name"
        )
    ]


def remove_staff_user(db: Database, name: str) -> bool:
    cursor = db.execute("DELETE FROM staff_users WHERE name = ?", [name])
    return cursor.rowcount > 0


def sign_in_state(db: Database, name: str, *, now: datetime | None = None) -> SignInState:
    rows = list(
        db.query("SELECT password_hash, locked_until FROM staff_users WHERE name = ?", [name])
    )
    if not rows:
        return SignInState(password_hash=None, locked_until=None)
    locked_until = rows[0]["locked_until"]
    until = datetime.fromisoformat(locked_until) if locked_until else None
    if until is not None and until <= (now or _now()):
        until = None
    return SignInState(password_hash=rows[0]["password_hash"], locked_until=until)


def record_failed_sign_in(
    db: Database, name: str, *, now: datetime | None = None
) -> datetime | None:
    """Count one wrong password; return the lock's end when this one locks the account."""
    now = now or _now()
    until = _iso(now + LOCK_DURATION)
    # One statement, so two sign-ins failing at the same moment cannot both miss the limit.
    rows = db.execute(
        """UPDATE staff_users SET
               failed_logins = CASE WHEN failed_logins + 1 >= :limit THEN 0
                                    ELSE failed_logins + 1 END,
               locked_until = CASE WHEN failed_logins + 1 >= :limit THEN :until
                                   ELSE locked_until END
           WHERE name = :name
           RETURNING failed_logins, locked_until""",
        {"limit": MAX_FAILED_SIGN_INS, "until": until, "name": name},
    ).fetchall()
    if rows and rows[0][0] == 0 and rows[0][1] == until:
        return datetime.fromisoformat(until)
    return None


def record_successful_sign_in(db: Database, name: str) -> None:
    db.execute(
        "UPDATE staff_users SET failed_logins = 0, locked_until = NULL WHERE name = ?", [name]
    )


def authenticate(
    db: Database, name: str, password: str, *, now: datetime | None = None
) -> SignInResult:
    """The whole sign-in in one blocking call (command line and tests; the web app splits it)."""
    now = now or _now()
    state = sign_in_state(db, name, now=now)
    if state.locked_until is not None:
        return SignInResult.LOCKED
    if verify_password(password, state.password_hash):
        record_successful_sign_in(db, name)
        return SignInResult.OK
    if state.password_hash is None:
        return SignInResult.INVALID
    locked = record_failed_sign_in(db, name, now=now)
    return SignInResult.LOCKED if locked else SignInResult.INVALID

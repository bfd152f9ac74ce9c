"""How often a staff name may be tried from one client address: exponential delay, no lock.

Each attempt is reserved in one SQL statement before its password is checked: the
reservation succeeds only when the (name, address) pair is past its delay and no other
check for that pair is running, and it takes a lease. So a burst of concurrent attempts
checks one password, not one per request, and nothing is decided across an ``await``.
A failure lengthens the delay (``FREE_FAILURES`` free, then 1 s, 2 s, 4 s … up to
``MAX_DELAY``); a success clears the pair. Because the key includes the address, an
attacker's failures on a name never delay its owner signing in from elsewhere.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from intake.storage.db import iso

FREE_FAILURES = 3
BASE_DELAY = timedelta(seconds=1)
MAX_DELAY = timedelta(minutes=15)
LEASE = timedelta(seconds=60)  # only a crashed check holds it this long
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Reservation:
    """The right to check one password for ``name`` from ``address``."""

    name: str
    address: str
    lease: str


@dataclass(frozen=True)
class Refusal:
    """Not now: try again after ``retry_after``."""

    retry_after: timedelta


def delay_after(failures: int) -> timedelta:
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(BASE_DELAY * 2 ** min(failures - FREE_FAILURES, 20), MAX_DELAY)


def reserve(db: Database, name: str, address: str, now: datetime) -> Reservation | Refusal:
    """Take the lease for one check, atomically, or say how long to wait."""
    lease = secrets.token_hex(8)
    stamp = iso(now)
    row = db.execute(
        """INSERT INTO staff_sign_in_throttle (name, address, lease, lease_until, updated_at)
           VALUES (:name, :address, :lease, :until, :now)
           ON CONFLICT (name, address) DO UPDATE
               SET lease = :lease, lease_until = :until, updated_at = :now
               WHERE (next_allowed_at IS NULL OR next_allowed_at <= :now)
                 AND (lease_until IS NULL OR lease_until <= :now)
           RETURNING lease""",
        {
            "name": name,
            "address": address,
            "lease": lease,
            "until": iso(now + LEASE),
            "now": stamp,
        },
    ).fetchone()
    if row is not None and row[0] == lease:
        return Reservation(name, address, lease)
    return Refusal(_wait(db, name, address, now))


def _wait(db: Database, name: str, address: str, now: datetime) -> timedelta:
    row = db.execute(
        "SELECT next_allowed_at, lease_until FROM staff_sign_in_throttle "
        "WHERE name = ? AND address = ?",
        [name, address],
    ).fetchone()
    if row is None:
        return timedelta(0)
    next_allowed = datetime.fromisoformat(row[0]) if row[0] else now
    if next_allowed > now:
        return next_allowed - now
    return timedelta(seconds=1)  # another check of this pair is running right now


def record_failure(db: Database, reservation: Reservation, now: datetime) -> timedelta:
    """Count a wrong password and release the lease; returns the delay before the next try."""
    row = db.execute(
        "SELECT failures FROM staff_sign_in_throttle WHERE name = ? AND address = ? AND lease = ?",
        [reservation.name, reservation.address, reservation.lease],
    ).fetchone()
    failures = (row[0] if row else 0) + 1
    delay = delay_after(failures)
    # One statement keyed by the lease: only the holder writes, so no update is lost.
    db.execute(
        """UPDATE staff_sign_in_throttle
           SET failures = failures + 1, next_allowed_at = :next, lease = NULL,
               lease_until = NULL, updated_at = :now
           WHERE name = :name AND address = :address AND lease = :lease""",
        {
            "next": iso(now + delay),
            "now": iso(now),
            "name": reservation.name,
            "address": reservation.address,
            "lease": reservation.lease,
        },
    )
    _forget_old(db, now)
    return delay


def record_success(db: Database, reservation: Reservation) -> None:
    """The right password: this address starts afresh (other addresses keep their delay)."""
    db.execute(
        "DELETE FROM staff_sign_in_throttle WHERE name = ? AND address = ?",
        [reservation.name, reservation.address],
    )


def _forget_old(db: Database, now: datetime) -> None:
    """Pairs idle for a day are dropped, so a flood of made-up names cannot grow the table."""
    db.execute(
        "DELETE FROM staff_sign_in_throttle WHERE updated_at < ? AND lease IS NULL",
        [iso(now - FORGET_AFTER)],
    )

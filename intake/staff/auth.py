"""Sign-in, sessions and CSRF for the staff app.

Sessions are server-side, in memory: the cookie holds only a random 256-bit token, so
nothing in it can be forged or read, signing out or removing the account ends it at once,
and a restart signs everyone out (acceptable for a handful of staff on one process).
Every POST must carry the session's CSRF token (synchronizer pattern); the sign-in form,
which has no session yet, uses a double-submit cookie. A POST whose Origin names another
site is refused before that. Wrong passwords lock the account (see intake.storage.staff);
an in-memory limit per client address and per unknown name keeps guessing slow too.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from aiohttp import web
from sqlite_utils import Database

from intake.storage import staff as accounts

SESSION_COOKIE = "intake_staff_session"
SIGN_IN_COOKIE = "intake_staff_signin"
CSRF_FIELD = "csrf_token"
IDLE_TIMEOUT = timedelta(hours=2)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
ADDRESS_FAILURE_LIMIT = 20
Clock = Callable[[], datetime]
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass
class Session:
    token: str
    name: str
    csrf: str
    created: datetime
    last_seen: datetime


class SessionStore:
    """Random tokens to sessions; expired ones are dropped when looked up or pruned."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._sessions: dict[str, Session] = {}

    def create(self, name: str) -> Session:
        now = self._clock()
        self._prune(now)
        session = Session(
            token=secrets.token_urlsafe(32),
            name=name,
            csrf=secrets.token_urlsafe(32),
            created=now,
            last_seen=now,
        )
        self._sessions[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        session = self._sessions.get(token)
        if session is None:
            return None
        now = self._clock()
        if now - session.last_seen > IDLE_TIMEOUT or now - session.created > ABSOLUTE_TIMEOUT:
            self._sessions.pop(token, None)
            return None
        session.last_seen = now
        return session

    def drop(self, token: str) -> None:
        self._sessions.pop(token, None)

    def _prune(self, now: datetime) -> None:
        for token, s in list(self._sessions.items()):
            if now - s.last_seen > IDLE_TIMEOUT or now - s.created > ABSOLUTE_TIMEOUT:
                del self._sessions[token]


@dataclass
class FailureLimiter:
    """Failures per key in a sliding window; used for client addresses and unknown names."""

    limit: int
    window: timedelta
    _failures: dict[str, list[datetime]] = field(default_factory=dict)

    def blocked(self, key: str, now: datetime) -> bool:
        recent = [t for t in self._failures.get(key, []) if now - t < self.window]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)
        return len(recent) >= self.limit

    def fail(self, key: str, now: datetime) -> None:
        self._failures.setdefault(key, []).append(now)
        if len(self._failures) > 10_000:  # bound memory under a flood of names
            self._failures.pop(next(iter(self._failures)))


@dataclass
class AuthState:
    """Everything auth keeps for one app instance (tests build a fresh app each time)."""

    clock: Clock
    sessions: SessionStore
    addresses: FailureLimiter = field(
        default_factory=lambda: FailureLimiter(ADDRESS_FAILURE_LIMIT, accounts.LOCK_DURATION)
    )
    unknown_names: FailureLimiter = field(
        default_factory=lambda: FailureLimiter(
            accounts.MAX_FAILED_SIGN_INS, accounts.LOCK_DURATION
        )
    )


class SignInOutcome:
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"
    THROTTLED = "throttled"


async def sign_in(db: Database, state: AuthState, name: str, password: str, address: str) -> str:
    """Check a name and password; the scrypt work runs in a thread, SQL stays on the loop."""
    now = state.clock()
    if state.addresses.blocked(address, now):
        return SignInOutcome.THROTTLED
    stored = accounts.sign_in_state(db, name, now=now)
    if stored.locked_until is not None or (
        stored.password_hash is None and state.unknown_names.blocked(name, now)
    ):
        return SignInOutcome.LOCKED
    ok = await asyncio.to_thread(accounts.verify_password, password, stored.password_hash)
    if ok:
        accounts.record_successful_sign_in(db, name)
        return SignInOutcome.OK
    state.addresses.fail(address, now)
    if stored.password_hash is None:
        state.unknown_names.fail(name, now)
        return SignInOutcome.INVALID
    locked = accounts.record_failed_sign_in(db, name, now=now)
    return SignInOutcome.LOCKED if locked else SignInOutcome.INVALID


def tokens_match(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def same_origin(request: web.Request) -> bool:
    """A POST from a page of another site is refused (browsers send Origin on POST).

    An absent or ``null`` Origin (privacy settings, no-referrer pages) is let through to
    the token check, which is the real protection; this is the second lock.
    """
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return True
    return urlsplit(origin).netloc == request.host


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site may follow sign-in (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def set_session_cookie(response: web.StreamResponse, token: str, *, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="Lax", secure=secure, path="/"
    )


def sign_in_token(request: web.Request) -> str:
    """The browser's current sign-in token, or a new one.

    Reusing it means a second tab, or a stray request that lands on the sign-in page
    (a favicon), does not invalidate the form already on screen.
    """
    current = request.cookies.get(SIGN_IN_COOKIE, "")
    return current if _TOKEN.fullmatch(current) else secrets.token_urlsafe(32)


def set_sign_in_cookie(response: web.StreamResponse, token: str, *, secure: bool) -> None:
    response.set_cookie(
        SIGN_IN_COOKIE, token, httponly=True, samesite="Strict", secure=secure, path="/"
    )


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

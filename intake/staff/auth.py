"""Sign-in, sessions and CSRF for the staff app.

Sessions are server-side, in memory: the cookie holds only a random 256-bit token, so
nothing in it can be forged or read, signing out or removing the account ends it at once,
and a restart signs everyone out (acceptable for a handful of staff on one process). A
session also remembers the account's session key, which ``staff-user passwd`` changes.
Every POST must carry the session's CSRF token (synchronizer pattern); the sign-in form,
which has no session yet, uses a double-submit cookie. A POST whose Origin is another site
or ``null`` is refused before that: cookies are not separated by port, so the double-submit
cookie alone would not stop a page on another port of the same host.
Each sign-in attempt is reserved in intake.storage.sign_in_throttle before its password is
checked (per name and client address, exponential delay, never a lock).
"""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from urllib.parse import unquote, urlsplit

from aiohttp import web
from sqlite_utils import Database

from intake.storage import sign_in_throttle as throttle
from intake.storage import staff as accounts

SESSION_COOKIE = "intake_staff_session"
SIGN_IN_COOKIE = "intake_staff_signin"
CSRF_FIELD = "csrf_token"
IDLE_TIMEOUT = timedelta(hours=2)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
CONCURRENT_CHECKS = 2  # argon2id takes 64 MiB and a core for 0.15 s: two at a time
Clock = Callable[[], datetime]
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass
class Session:
    token: str
    name: str
    csrf: str
    created: datetime
    last_seen: datetime
    account_key: str = ""  # the account's session key when this session began


class SessionStore:
    """Random tokens to sessions; expired ones are dropped when looked up or pruned."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._sessions: dict[str, Session] = {}

    def create(self, name: str, account_key: str = "") -> Session:
        now = self._clock()
        self._prune(now)
        session = Session(
            token=secrets.token_urlsafe(32),
            name=name,
            csrf=secrets.token_urlsafe(32),
            created=now,
            last_seen=now,
            account_key=account_key,
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
class AuthState:
    """Everything auth keeps for one app instance (tests build a fresh app each time)."""

    clock: Clock
    sessions: SessionStore
    checks: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(CONCURRENT_CHECKS))


class SignInOutcome(Enum):
    OK = "ok"
    INVALID = "invalid"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    retry_after: timedelta = timedelta(0)
    account_key: str = ""


async def sign_in(
    db: Database, state: AuthState, name: str, password: str, address: str
) -> SignInResult:
    """Reserve the attempt, then check the password in a thread, then record the result.

    The reservation is one SQL statement made before the first ``await``: of many
    concurrent attempts for one name and address, one checks a password and the others
    are told to wait; nothing is read before an await and acted on after it.
    """
    reservation = throttle.reserve(db, name, address, state.clock())
    if isinstance(reservation, throttle.Refusal):
        return SignInResult(SignInOutcome.THROTTLED, reservation.retry_after)
    recorded = False
    try:
        encoded = accounts.stored_hash(db, name)
        user = accounts.get_staff_user(db, name) if encoded else None
        async with state.checks:
            ok = await asyncio.to_thread(accounts.verify_password, password, encoded)
        if not ok:
            delay = throttle.record_failure(db, reservation, state.clock())
            recorded = True
            return SignInResult(SignInOutcome.INVALID, delay)
        throttle.record_success(db, reservation)
        recorded = True
        assert encoded is not None and user is not None
        if accounts.needs_rehash(encoded):
            new = await asyncio.to_thread(accounts.hash_password, password)
            accounts.replace_hash(db, name, encoded, new)
        return SignInResult(SignInOutcome.OK, account_key=user.session_key)
    finally:
        if not recorded:
            # Cut short (the client went away, an error): counted as a failure, so that
            # abandoning requests cannot buy unlimited guesses.
            throttle.record_failure(db, reservation, state.clock())


def tokens_match(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def same_origin(request: web.Request, host: str) -> bool:
    """A POST must come from a page of this site (``host`` as the browser addressed it).

    Browsers send Origin on every POST, so an absent one is a client that is not a
    browser, and the token check decides. ``null`` is what a sandboxed frame or a
    ``data:`` page of an attacker sends: refused, like any other site's origin.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    parts = urlsplit(origin.strip())
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


# What the URL parser of a browser drops before it reads a URL (WHATWG URL standard):
# ASCII tab and newlines anywhere, C0 controls and spaces at either end.
_DROPPED = re.compile(r"[\t\n\r]")
_EDGES = "".join(chr(c) for c in range(0x21))


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site may follow sign-in (no open redirect).

    The target is normalised the way a browser will read it (tabs and newlines removed,
    ``\\`` read as ``/``) and must then be a path that does not start with ``//``: so
    ``/%09/evil.example/`` (a tab once decoded), ``/\\evil`` and ``//evil`` all fall
    back to ``default``. The normalised form is what is returned and redirected to.
    """
    if not target:
        return default
    cleaned = _browser_form(target)
    # Checked once more percent-decoded, in case something on the way decodes it again.
    for form in (cleaned, _browser_form(unquote(cleaned))):
        if not form.startswith("/") or form.startswith("//"):
            return default
        parts = urlsplit(form)
        if parts.scheme or parts.netloc or any(ord(c) < 0x20 or ord(c) == 0x7F for c in form):
            return default
    return cleaned


def _browser_form(url: str) -> str:
    return _DROPPED.sub("", url).strip(_EDGES).replace("\\", "/")


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

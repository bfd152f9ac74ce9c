"""Simulated Telegram users of the web chat: one per browser tab, found by a secret key.

The key (random, kept in the tab's sessionStorage) is what the browser presents; the
Telegram user id is chosen so it was never seen by the database, so a new tab never
resumes the dialogue of someone from an earlier run.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from intake.emulator.server import BotAPIEmulator
from intake.emulator.users import SimulatedUser
from intake.storage.users import get_user

# Telegram's own language codes for the two app languages the playground offers.
LANGUAGE_CODES = {"en": "en", "zh": "zh-hans"}
_NAMES = {
    "en": ("Alex", "Sam", "Jordan", "Taylor", "Robin", "Casey", "Morgan", "Jamie"),
    "zh": ("李雷", "韩梅梅", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵敏"),
}
# Recent Telegram accounts have ids in the billions; the range keeps collisions unlikely.
_ID_BASE = 7_000_000_000
_ID_SPAN = 1_000_000_000


MAX_USERS = 200  # tabs per run: plenty for a person, a bound for a script creating users
MAX_UPLOAD_BYTES_PER_USER = 128 * 1024 * 1024
MAX_UPLOAD_BYTES_TOTAL = 1024 * 1024 * 1024  # the emulator keeps every file in memory


class UnknownLanguage(ValueError):
    """The browser asked for an app language the playground does not simulate."""


class TooManyUsers(RuntimeError):
    """The run has simulated as many users as it will (a restart starts afresh)."""


class UploadBudgetSpent(RuntimeError):
    """More file bytes than one user, or the whole run, may keep in memory."""


@dataclass(frozen=True)
class ChatSession:
    key: str
    language: str  # "en" or "zh": the simulated Telegram app's language
    user: SimulatedUser

    def describe(self) -> dict[str, object]:
        """What the browser shows about its simulated user (never the key of another tab)."""
        return {
            "id": self.user.id,
            "first_name": self.user.person["first_name"],
            "language": self.language,
            "language_code": self.user.language_code,
        }


class ChatSessions:
    """Keys to simulated users, for one emulator and one database."""

    def __init__(self, emulator: BotAPIEmulator, db: Database) -> None:
        self.emulator = emulator
        self.db = db
        self._sessions: dict[str, ChatSession] = {}
        self._uploaded: dict[str, int] = {}
        self._uploaded_total = 0

    def create(self, language: str, first_name: str | None = None) -> ChatSession:
        if language not in LANGUAGE_CODES:
            raise UnknownLanguage(language)
        if len(self._sessions) >= MAX_USERS:
            raise TooManyUsers(MAX_USERS)
        name = (first_name or "").strip()[:64] or secrets.choice(_NAMES[language])
        user = self.emulator.user(self._fresh_id(), name, language_code=LANGUAGE_CODES[language])
        session = ChatSession(secrets.token_urlsafe(24), language, user)
        self._sessions[session.key] = session
        return session

    def get(self, key: str) -> ChatSession | None:
        return self._sessions.get(key)

    def spend_upload(self, session: ChatSession, size: int) -> None:
        """Count ``size`` uploaded bytes against the user's and the run's budget, or refuse."""
        mine = self._uploaded.get(session.key, 0) + size
        total = self._uploaded_total + size
        if mine > MAX_UPLOAD_BYTES_PER_USER or total > MAX_UPLOAD_BYTES_TOTAL:
            raise UploadBudgetSpent(size)
        self._uploaded[session.key] = mine
        self._uploaded_total = total

    def __len__(self) -> int:
        return len(self._sessions)

    def _fresh_id(self) -> int:
        taken = {user.id for user in self.emulator.users}
        while True:
            candidate = _ID_BASE + secrets.randbelow(_ID_SPAN)
            if candidate not in taken and get_user(self.db, candidate) is None:
                return candidate

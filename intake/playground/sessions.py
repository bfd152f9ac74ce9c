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
from intake.storage.records import get_user

# Telegram's own language codes for the two app languages the playground offers.
LANGUAGE_CODES = {"en": "en", "zh": "zh-hans"}
_NAMES = {
    "en": ("Alex", "Sam", "Jordan", "Taylor", "Robin", "Casey", "Morgan", "Jamie"),
    "zh": ("李雷", "韩梅梅", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵敏"),
}
# Recent Telegram accounts have ids in the billions; the range keeps collisions unlikely.
_ID_BASE = 7_000_000_000
_ID_SPAN = 1_000_000_000


class UnknownLanguage(ValueError):
    """The browser asked for an app language the playground does not simulate."""


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

    def create(self, language: str, first_name: str | None = None) -> ChatSession:
        if language not in LANGUAGE_CODES:
            raise UnknownLanguage(language)
        name = (first_name or "").strip()[:64] or secrets.choice(_NAMES[language])
        user = self.emulator.user(
            self._fresh_id(), name, language_code=LANGUAGE_CODES[language]
        )
        session = ChatSession(secrets.token_urlsafe(24), language, user)
        self._sessions[session.key] = session
        return session

    def get(self, key: str) -> ChatSession | None:
        return self._sessions.get(key)

    def __len__(self) -> int:
        return len(self._sessions)

    def _fresh_id(self) -> int:
        taken = {user.id for user in self.emulator.users}
        while True:
            candidate = _ID_BASE + secrets.randbelow(_ID_SPAN)
            if candidate not in taken and get_user(self.db, candidate) is None:
                return candidate

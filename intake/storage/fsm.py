"""aiogram FSM storage on the same SQLite file, so a restart resumes every dialogue.

Writes go straight to SQLite (durable before the handler answers); reads are served from
a bounded in-memory copy, because one update reads the state and the draft several times
(bench/dialogue.py: about half of all SQL statements were these reads). The process is the
only writer of these rows; more than one bot process needs a shared storage (Redis).

Data is stored as JSON: anything that would not survive a real storage fails here too
(the same reason aiogram_dialog's tests round-trip data through JSON).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlite_utils import Database

_MISSING = (None, "{}")

# The update being handled; each write of a dialogue's state records it, so a replayed
# update (after a crash) can tell whether it already took effect (intake/bot/inbox.py).
current_update_id: ContextVar[int | None] = ContextVar("current_update_id", default=None)


class SQLiteStorage(BaseStorage):
    def __init__(
        self, db: Database, key_builder: KeyBuilder | None = None, cache_size: int = 10_000
    ) -> None:
        self.db = db
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[str | None, str]] = OrderedDict()

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    def _row(self, key: str) -> tuple[str | None, str]:
        """(state, data as JSON), from the cache or the table."""
        row = self._cache.get(key)
        if row is not None:
            self._cache.move_to_end(key)
            return row
        found = self.db.execute("SELECT state, data FROM fsm WHERE key = ?", [key]).fetchone()
        row = (found[0], found[1]) if found else _MISSING
        self._remember(key, row)
        return row

    def _remember(self, key: str, row: tuple[str | None, str]) -> None:
        self._cache[key] = row
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        name = self._key(key)
        self.db.execute(
            "INSERT INTO fsm (key, state, update_id) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET state = excluded.state, "
            "update_id = coalesce(excluded.update_id, fsm.update_id)",
            [name, value, current_update_id.get()],
        )
        self._remember(name, (value, self._row(name)[1]))

    async def get_state(self, key: StorageKey) -> str | None:
        return self._row(self._key(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        name = self._key(key)
        encoded = json.dumps(data, ensure_ascii=False)
        self.db.execute(
            "INSERT INTO fsm (key, data, update_id) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET data = excluded.data, "
            "update_id = coalesce(excluded.update_id, fsm.update_id)",
            [name, encoded, current_update_id.get()],
        )
        self._remember(name, (self._row(name)[0], encoded))

    async def set_state_and_data(
        self, key: StorageKey, state: StateType, data: Mapping[str, Any]
    ) -> None:
        """Both in one statement: the dialogue saves its session once per update."""
        value = state.state if isinstance(state, State) else state
        name = self._key(key)
        encoded = json.dumps(dict(data), ensure_ascii=False)
        self.db.execute(
            "INSERT INTO fsm (key, state, data, update_id) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET state = excluded.state, data = excluded.data, "
            "update_id = coalesce(excluded.update_id, fsm.update_id)",
            [name, value, encoded, current_update_id.get()],
        )
        self._remember(name, (value, encoded))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return json.loads(self._row(self._key(key))[1])

    async def applied_update(self, key: StorageKey) -> int | None:
        """The id of the update that last wrote this state or data (None: unknown)."""
        row = self.db.execute(
            "SELECT update_id FROM fsm WHERE key = ?", [self._key(key)]
        ).fetchone()
        return row[0] if row else None

    async def close(self) -> None:
        """The database belongs to the application, which closes it."""

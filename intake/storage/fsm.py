"""aiogram FSM storage on the same SQLite file, so a restart resumes every dialogue.

Data is stored as JSON: anything that would not survive a real storage fails here too
(the same reason aiogram_dialog's tests round-trip data through JSON).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlite_utils import Database


class SQLiteStorage(BaseStorage):
    def __init__(self, db: Database, key_builder: KeyBuilder | None = None) -> None:
        self.db = db
        self.key_builder = key_builder or DefaultKeyBuilder(with_destiny=True)

    def _key(self, key: StorageKey) -> str:
        return self.key_builder.build(key)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        self.db.execute(
            "INSERT INTO fsm (key, state) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET state = excluded.state",
            [self._key(key), value],
        )

    async def get_state(self, key: StorageKey) -> str | None:
        row = self.db.execute("SELECT state FROM fsm WHERE key = ?", [self._key(key)]).fetchone()
        return row[0] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        self.db.execute(
            "INSERT INTO fsm (key, data) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET data = excluded.data",
            [self._key(key), json.dumps(data, ensure_ascii=False)],
        )

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = self.db.execute("SELECT data FROM fsm WHERE key = ?", [self._key(key)]).fetchone()
        return json.loads(row[0]) if row else {}

    async def close(self) -> None:
        """The database belongs to the application, which closes it."""

"""The dialogue saves its session once per update: state and data in one statement."""

from aiogram.fsm.storage.base import StorageKey

from intake.storage.db import open_db
from intake.storage.fsm import SQLiteStorage


async def test_state_and_data_are_written_together_and_read_back():
    db = open_db()
    storage = SQLiteStorage(db)
    key = StorageKey(bot_id=1, chat_id=2, user_id=2)
    await storage.set_state_and_data(key, "Intake:summary", {"draft": {"summary": "x"}})
    fresh = SQLiteStorage(db)  # no cache: what a restart reads
    assert await fresh.get_state(key) == "Intake:summary"
    assert await fresh.get_data(key) == {"draft": {"summary": "x"}}
    await storage.set_state_and_data(key, None, {})
    assert (await storage.get_state(key), await storage.get_data(key)) == (None, {})

"""One contract over every FSM storage, as aiogram's own storage tests do."""

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from intake.storage.db import open_db
from intake.storage.fsm import SQLiteStorage


class Form(StatesGroup):
    name = State()


@pytest.fixture(params=["memory", "sqlite"])
def storage(request, tmp_path):
    if request.param == "memory":
        yield MemoryStorage()
    else:
        db = open_db(tmp_path / "fsm.sqlite3")
        yield SQLiteStorage(db)
        db.close()


@pytest.fixture
def key():
    return StorageKey(bot_id=42, chat_id=-1, user_id=-1)


async def test_state_is_none_at_first(storage, key):
    assert await storage.get_state(key) is None


async def test_set_state_then_get_it_back(storage, key):
    await storage.set_state(key, "state")
    assert await storage.get_state(key) == "state"


async def test_set_state_accepts_a_state_object(storage, key):
    await storage.set_state(key, Form.name)
    assert await storage.get_state(key) == "Form:name"


async def test_clearing_state(storage, key):
    await storage.set_state(key, "state")
    await storage.set_state(key, None)
    assert await storage.get_state(key) is None


async def test_data_is_empty_at_first(storage, key):
    assert await storage.get_data(key) == {}


async def test_set_data_round_trips_unicode(storage, key):
    await storage.set_data(key, {"summary": "无法登录", "n": 1, "items": [1, 2]})
    assert await storage.get_data(key) == {"summary": "无法登录", "n": 1, "items": [1, 2]}


async def test_update_data_merges(storage, key):
    await storage.set_data(key, {"a": 1})
    assert await storage.update_data(key, {"b": 2}) == {"a": 1, "b": 2}
    assert await storage.get_data(key) == {"a": 1, "b": 2}


async def test_get_value_with_default(storage, key):
    await storage.set_data(key, {"a": 1})
    assert await storage.get_value(key, "a") == 1
    assert await storage.get_value(key, "missing", "dflt") == "dflt"


async def test_returned_data_is_a_copy(storage, key):
    await storage.set_data(key, {"a": 1})
    data = await storage.get_data(key)
    data["a"] = 2
    assert await storage.get_data(key) == {"a": 1}


async def test_set_data_refuses_non_dicts(storage, key):
    with pytest.raises(Exception, match="dict"):
        await storage.set_data(key, [1, 2])  # type: ignore[arg-type]


async def test_state_and_data_are_independent(storage, key):
    await storage.set_state(key, "s")
    await storage.set_data(key, {"x": 1})
    await storage.set_state(key, None)
    assert await storage.get_data(key) == {"x": 1}


async def test_keys_do_not_share_state(storage, key):
    other = StorageKey(bot_id=42, chat_id=-2, user_id=-2)
    await storage.set_state(key, "a")
    assert await storage.get_state(other) is None


async def test_sqlite_storage_survives_reopening(tmp_path, key):
    path = tmp_path / "restart.sqlite3"
    db = open_db(path)
    await SQLiteStorage(db).set_state(key, "Intake:summary")
    await SQLiteStorage(db).set_data(key, {"draft": {"summary": "x"}})
    db.close()
    reopened = open_db(path)
    storage = SQLiteStorage(reopened)
    assert await storage.get_state(key) == "Intake:summary"
    assert await storage.get_data(key) == {"draft": {"summary": "x"}}
    reopened.close()


async def test_sqlite_storage_reads_what_another_instance_wrote_once_its_cache_is_cold(
    tmp_path, key
):
    db = open_db(tmp_path / "two.sqlite3")
    first, second = SQLiteStorage(db), SQLiteStorage(db)
    await first.set_data(key, {"a": 1})
    assert await second.get_data(key) == {"a": 1}
    db.close()


async def test_sqlite_storage_cache_is_bounded_and_falls_back_to_the_table(tmp_path):
    db = open_db(tmp_path / "bounded.sqlite3")
    storage = SQLiteStorage(db, cache_size=2)
    keys = [StorageKey(bot_id=1, chat_id=i, user_id=i) for i in range(5)]
    for i, k in enumerate(keys):
        await storage.set_state(k, f"s{i}")
    assert len(storage._cache) == 2
    assert [await storage.get_state(k) for k in keys] == ["s0", "s1", "s2", "s3", "s4"]
    db.close()

import pytest

from intake.storage.db import open_db


@pytest.fixture
def fresh_db():
    """An in-memory database with every migration applied."""
    db = open_db(":memory:")
    yield db
    db.close()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "intake.sqlite3"

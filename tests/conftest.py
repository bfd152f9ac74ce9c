import pytest

from intake.storage.db import open_db

# The real Redmine server fixture (redmine_env), shared by tests/redmine and tests/e2e.
pytest_plugins = ["tests.redmine_server"]


@pytest.fixture
def fresh_db():
    """An in-memory database with every migration applied."""
    db = open_db(":memory:")
    yield db
    db.close()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "intake.sqlite3"

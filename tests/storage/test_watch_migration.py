"""The watcher's migration adds tickets.first_response_at only where nobody added it yet."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from intake.storage.db import migrations


def _columns(db: Database) -> list[str]:
    return [row[1] for row in db.execute("PRAGMA table_info(tickets)").fetchall()]


def test_first_response_column_is_added_once_whoever_adds_it_first():
    db = Database(sqlite3.connect(":memory:", isolation_level=None))
    migrations.apply(db, stop_before="m015_watch_redmine")
    if "first_response_at" not in _columns(db):
        db.execute("ALTER TABLE tickets ADD COLUMN first_response_at TEXT")  # as another may
    migrations.apply(db)
    assert _columns(db).count("first_response_at") == 1
    assert {"watch_state", "watch_issues", "watch_parts", "ratings"} <= set(db.table_names())


def test_first_response_column_exists_on_a_fresh_database():
    db = Database(sqlite3.connect(":memory:", isolation_level=None))
    migrations.apply(db)
    assert "first_response_at" in _columns(db)

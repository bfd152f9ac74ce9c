"""Migrations that rewrite data, each stopped before and checked after (sqlite-utils
``Migrations.apply(stop_before=...)``)."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from intake.storage import outbox as queue
from intake.storage.db import migrations


def _db_before(name: str) -> Database:
    db = Database(sqlite3.connect(":memory:", isolation_level=None))
    migrations.apply(db, stop_before=name)
    return db


def _ticket(db: Database, ticket_id: int, *, sink: str, status: str, impact: str) -> None:
    db.execute(
        "INSERT INTO users (id, language, first_seen, last_seen) "
        "VALUES (1, 'en', 'x', 'x') ON CONFLICT DO NOTHING"
    )
    db.execute(
        "INSERT INTO conversations (id, user_id, chat_id, language, started_at, "
        "updated_at) VALUES (?, 1, 1, 'en', 'x', 'x')",
        [ticket_id],
    )
    db.execute(
        "INSERT INTO tickets (id, conversation_id, receipt, user_id, chat_id, language, "
        "summary, fields, impact, opened_at, sink, status, attempts, next_attempt_at, "
        "created_at, updated_at) VALUES (?, ?, ?, 1, 1, 'en', 's', '{}', ?, "
        "'2026-01-01T00:00:00.000000+00:00', ?, ?, 2, '2026-01-01T00:05:00.000000+00:00', "
        "'2026-01-01T00:00:00.000000+00:00', '2026-01-01T00:00:00.000000+00:00')",
        [ticket_id, ticket_id, f"OS-{ticket_id:06d}", impact, sink, status],
    )


def test_m010_turns_tickets_waiting_for_redmine_into_filing_items():
    db = _db_before("m010_outbox")
    _ticket(db, 1, sink="redmine", status="queued", impact="low")
    _ticket(db, 2, sink="redmine", status="filing", impact="emergency")
    _ticket(db, 3, sink="redmine", status="filed", impact="medium")
    _ticket(db, 4, sink="local", status="stored", impact="medium")
    migrations.apply(db)
    items = {
        item.ticket_id: item
        for item in (queue.get_by_key(db, f"file:{n}") for n in (1, 2, 3, 4))
        if item
    }
    assert sorted(items) == [1, 2]
    assert items[2].priority == 0 and items[1].priority == 3  # the Emergency first
    assert items[1].attempts == 2 and items[1].chain == "ticket:1"
    assert items[1].next_attempt_at == "2026-01-01T00:05:00.000000+00:00"
    assert db.execute("SELECT status FROM tickets WHERE id = 2").fetchone()[0] == "queued"


def test_m009_keeps_updates_seen_before_it_as_done():
    db = _db_before("m009_inbox")
    db.execute(
        "INSERT INTO updates (update_id, bot_id, received_at, payload) VALUES (7, 1, 'x', '{}')"
    )
    migrations.apply(db)
    assert db.execute("SELECT status FROM updates").fetchone()[0] == "done"


def test_m007_keeps_only_the_customers_messages_in_the_full_text_index():
    db = _db_before("m007_index_customer_messages_only")
    db.execute(
        "INSERT INTO users (id, language, first_seen, last_seen) VALUES (1, 'en', 'x', 'x')"
    )
    db.execute(
        "INSERT INTO conversations (id, user_id, chat_id, language, started_at, "
        "updated_at) VALUES (1, 1, 1, 'en', 'x', 'x')"
    )
    for direction, text in (("in", "export fails badly"), ("out", "describe what happens")):
        db.execute(
            "INSERT INTO messages (conversation_id, chat_id, direction, kind, text, "
            "created_at) VALUES (1, 1, ?, 'text', ?, 'x')",
            [direction, text],
        )
    migrations.apply(db)

    def found(term: str) -> int:
        return db.execute(
            "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?", [term]
        ).fetchone()[0]

    assert found("export") == 1 and found("describe") == 0
    db.execute(
        "INSERT INTO messages (conversation_id, chat_id, direction, kind, text, "
        "created_at) VALUES (1, 1, 'out', 'text', 'export prompt', 'x')"
    )
    assert found("export") == 1  # a new bot message is not indexed either


def test_m008_keeps_every_update_and_counts_ids_per_bot():
    db = _db_before("m008_updates_per_bot")
    db.execute(
        "INSERT INTO updates (update_id, bot_id, received_at, payload) "
        "VALUES (7, 1, 'x', '{\"a\": 1}')"
    )
    migrations.apply(db)
    db.execute(
        "INSERT INTO updates (update_id, bot_id, received_at, payload) VALUES (7, 2, 'y', '{}')"
    )  # the same id from another bot is another update
    rows = db.execute("SELECT bot_id, update_id, payload FROM updates ORDER BY bot_id").fetchall()
    assert rows == [(1, 7, '{"a": 1}'), (2, 7, "{}")]

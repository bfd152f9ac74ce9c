"""Open the SQLite file (WAL) and bring its schema up to date with versioned migrations.

Every table the product uses is created here, so a newcomer reads the whole data model
in one place. New columns or tables go in a new migration at the end; never edit an old one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database, Migrations

migrations = Migrations("intake")


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(when: datetime) -> str:
    """UTC with microseconds, fixed width: comparable as text (``next_attempt_at <= ?``)."""
    if when.tzinfo is None:
        raise ValueError("naive datetime")
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def now_iso() -> str:
    return iso(utcnow())


@contextmanager
def write_tx(db: Database) -> Iterator[None]:
    """One write transaction (the connection is in autocommit mode); joins an open one.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so a read-then-write inside cannot be
    interleaved with another process's write (the outbox's claims rely on it).
    """
    if db.conn.in_transaction:
        yield
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def open_db(path: str | Path = ":memory:") -> Database:
    """Open (creating if needed) the database and apply pending migrations."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    else:
        conn = sqlite3.connect(":memory:", isolation_level=None)
    db = Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=30000")
    migrations.apply(db)
    return db


@migrations()
def m001_core(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,            -- Telegram user id
            username TEXT,
            first_name TEXT,
            last_name TEXT,
            telegram_language TEXT,            -- language_code seen at first contact
            language TEXT NOT NULL,            -- our locale: 'en' or 'zh_Hans'
            redmine_login TEXT,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE conversations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id INTEGER NOT NULL REFERENCES users(id),
            chat_id INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'in_progress',
                -- in_progress | submitted | queued | filed | failed | cancelled
            language TEXT NOT NULL,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            ended_at TEXT,
            summary TEXT,
            impact TEXT,
            has_refused INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute("CREATE INDEX conversations_user ON conversations(user_id, id)")
    db.execute("CREATE INDEX conversations_started ON conversations(started_at)")
    db.execute(
        """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER REFERENCES conversations(id),
            user_id INTEGER,
            chat_id INTEGER NOT NULL,
            direction TEXT NOT NULL,           -- in | out
            kind TEXT NOT NULL,                -- text | command | callback | photo | ...
            text TEXT,
            step TEXT,                         -- FSM state when it happened
            language TEXT,
            telegram_message_id INTEGER,
            update_id INTEGER,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX messages_conversation ON messages(conversation_id, id)")
    db.execute(
        """
        CREATE TABLE updates (
            update_id INTEGER PRIMARY KEY,
            bot_id INTEGER NOT NULL DEFAULT 0,
            received_at TEXT NOT NULL,
            payload TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL UNIQUE REFERENCES conversations(id),
            receipt TEXT UNIQUE,               -- OS-000123, derived from id
            user_id INTEGER NOT NULL,
            chat_id INTEGER NOT NULL,
            language TEXT NOT NULL,
            summary TEXT NOT NULL,
            fields TEXT NOT NULL,              -- the TicketDraft as JSON
            impact TEXT,
            impact_suggested TEXT,
            impact_reason TEXT,
            opened_at TEXT NOT NULL,
            due_at TEXT,
            sink TEXT NOT NULL,                -- local | redmine
            status TEXT NOT NULL,              -- stored | queued | filing | filed | failed
            external_id TEXT,
            external_url TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            next_attempt_at TEXT,
            notified_queued INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            filed_at TEXT
        )"""
    )
    db.execute("CREATE INDEX tickets_status ON tickets(status, next_attempt_at)")
    db.execute(
        """
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id),
            ticket_id INTEGER REFERENCES tickets(id),
            user_id INTEGER NOT NULL,
            kind TEXT NOT NULL,                -- photo | document | caption | followup
            file_id TEXT,
            file_unique_id TEXT,
            file_name TEXT,
            mime_type TEXT,
            size INTEGER,
            caption TEXT,
            verdict TEXT NOT NULL DEFAULT 'pending',  -- pending | accepted | refused | unchecked
            verdict_language TEXT,
            verdict_reason TEXT,
            verdict_excerpt TEXT,
            checked_ms INTEGER,
            external_id TEXT,                  -- Redmine attachment id once uploaded
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX attachments_conversation ON attachments(conversation_id, id)")
    db.execute(
        """
        CREATE TABLE attachment_blobs (
            attachment_id INTEGER PRIMARY KEY REFERENCES attachments(id),
            data BLOB NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE fsm (
            key TEXT PRIMARY KEY,
            state TEXT,
            data TEXT NOT NULL DEFAULT '{}'
        )"""
    )
    db.execute(
        """
        CREATE TABLE staff_users (
            name TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT
        )"""
    )
    # Full-text search over messages in both languages. The trigram tokenizer finds
    # substrings of 3+ characters; two-character Chinese words are matched with LIKE
    # by the review queries (see intake/storage/review.py).
    db.execute(
        """
        CREATE VIRTUAL TABLE messages_fts USING fts5(
            text, content='messages', content_rowid='id', tokenize='trigram'
        )"""
    )
    db.execute(
        """
        CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) VALUES('delete', old.id, old.text);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER messages_au AFTER UPDATE ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) VALUES('delete', old.id, old.text);
            INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
        END"""
    )


@migrations()
def m005_ticket_reference(db: Database) -> None:
    # The intake reference written into Redmine's "Intake reference" field: the receipt plus a
    # random suffix, so two installations (or test databases) filing to one Redmine never
    # mistake each other's issues for their own when looking for an already filed ticket.
    db.execute("ALTER TABLE tickets ADD COLUMN reference TEXT")
    db.execute("CREATE UNIQUE INDEX tickets_reference ON tickets(reference)")


@migrations()
def m006_staff_search_customer_text(db: Database) -> None:
    # Staff search of 1-2 character terms (a two-character Chinese word such as 登录) cannot
    # use the trigram index and scans customer messages; this partial covering index holds
    # just what that scan reads, which halves it (bench/staff_search.py, intake/storage/review.py).
    db.execute(
        "CREATE INDEX messages_customer_text ON messages(conversation_id, text) "
        "WHERE direction = 'in'"
    )


@migrations()
def m007_index_customer_messages_only(db: Database) -> None:
    """Full-text index the customer's messages only.

    The bot's prompts repeat in every conversation, staff search the customer's words, and
    trigram indexing a prompt cost about 130 us of every outgoing message (bench/dialogue.py).
    A search that includes the bot's messages scans them with LIKE instead (review.py).
    """
    db.execute("DROP TRIGGER messages_ai")
    db.execute("DROP TRIGGER messages_ad")
    db.execute("DROP TRIGGER messages_au")
    db.execute(
        "INSERT INTO messages_fts(messages_fts, rowid, text) "
        "SELECT 'delete', id, text FROM messages WHERE direction != 'in' AND text IS NOT NULL"
    )
    db.execute(
        """
        CREATE TRIGGER messages_ai AFTER INSERT ON messages WHEN new.direction = 'in' BEGIN
            INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER messages_ad AFTER DELETE ON messages WHEN old.direction = 'in' BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) VALUES('delete', old.id, old.text);
        END"""
    )
    db.execute(
        """
        CREATE TRIGGER messages_au AFTER UPDATE OF text ON messages
        WHEN old.direction = 'in' BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) VALUES('delete', old.id, old.text);
            INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
        END"""
    )


@migrations()
def m008_updates_per_bot(db: Database) -> None:
    """Update ids are counted per bot: a repeat is the same id from the same bot."""
    db.execute(
        """
        CREATE TABLE updates_new (
            update_id INTEGER NOT NULL,
            bot_id INTEGER NOT NULL DEFAULT 0,
            received_at TEXT NOT NULL,
            payload TEXT NOT NULL,
            PRIMARY KEY (bot_id, update_id)
        )"""
    )
    db.execute(
        "INSERT INTO updates_new (update_id, bot_id, received_at, payload) "
        "SELECT update_id, bot_id, received_at, payload FROM updates"
    )
    db.execute("DROP TABLE updates")
    db.execute("ALTER TABLE updates_new RENAME TO updates")


@migrations()
def m009_inbox(db: Database) -> None:
    """The updates table becomes the inbox: an update is stored ``pending`` before the
    Bot API may forget it and marked ``done`` when its handler has finished, so a crash in
    between replays it instead of losing it. ``digest`` tells a redelivery (same update)
    from a different update that reuses an id; rows stored before this are done."""
    db.execute("ALTER TABLE updates ADD COLUMN status TEXT NOT NULL DEFAULT 'done'")
    db.execute("ALTER TABLE updates ADD COLUMN digest TEXT")
    db.execute("ALTER TABLE updates ADD COLUMN handled_at TEXT")
    db.execute(
        "CREATE INDEX updates_pending ON updates(bot_id, update_id) WHERE status = 'pending'"
    )
    # Which update last wrote a dialogue's state: a replayed update that already took effect
    # is not applied twice (see intake/storage/fsm.py).
    db.execute("ALTER TABLE fsm ADD COLUMN update_id INTEGER")


@migrations()
def m010_outbox(db: Database) -> None:
    """One queue for every external effect (Redmine writes, Telegram notices, staff alerts).

    ``key`` makes enqueueing idempotent; ``chain`` keeps one ticket's effects in order (its
    notes wait for its filing); ``lease_holder``/``lease_until`` let several processes share
    the queue without taking an item a live process holds. Tickets that were waiting for
    Redmine under the old per-ticket queue become filing items here.
    """
    db.execute(
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,                -- redmine.file | redmine.note | notice | ...
            key TEXT NOT NULL UNIQUE,          -- one item per effect, e.g. file:12
            lane TEXT NOT NULL,                -- redmine | telegram: separate parallelism
            chain TEXT,                        -- items of one chain run in id order
            priority INTEGER NOT NULL DEFAULT 5,  -- 0 first (Emergency)
            payload TEXT NOT NULL DEFAULT '{}',
            ticket_id INTEGER REFERENCES tickets(id),
            status TEXT NOT NULL DEFAULT 'pending',  -- pending | leased | done | failed
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            lease_holder TEXT,
            lease_until TEXT,
            error_class TEXT,                  -- transient | config | unknown | blocked | ...
            last_error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            done_at TEXT
        )"""
    )
    db.execute(
        "CREATE INDEX outbox_due ON outbox(lane, next_attempt_at) "
        "WHERE status IN ('pending', 'leased')"
    )
    db.execute("CREATE INDEX outbox_chain ON outbox(chain, id) WHERE status != 'done'")
    db.execute("CREATE INDEX outbox_ticket ON outbox(ticket_id, id)")
    db.execute(
        """
        INSERT INTO outbox (kind, key, lane, chain, priority, payload, ticket_id, status,
                            attempts, next_attempt_at, created_at, updated_at)
        SELECT 'redmine.file', 'file:' || id, 'redmine', 'ticket:' || id,
               CASE impact WHEN 'emergency' THEN 0 WHEN 'highly-degraded' THEN 1
                           WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
               json_object('ticket_id', id), id, 'pending', attempts,
               coalesce(next_attempt_at, updated_at), created_at, updated_at
        FROM tickets WHERE sink = 'redmine' AND status IN ('queued', 'filing')"""
    )
    db.execute("UPDATE tickets SET status = 'queued' WHERE status = 'filing'")


@migrations()
def m011_ticket_state(db: Database) -> None:
    """Whether the customer's problem is open or closed, and Redmine's own status name.

    ``closed_at`` is set when the customer closes a ticket from Telegram (or Redmine reports
    it closed) and cleared by a reopen; reopening is offered for ``REOPEN_DAYS`` after it.
    """
    columns = {row[1] for row in db.execute("PRAGMA table_info(tickets)").fetchall()}
    for name in ("closed_at", "redmine_status"):
        if name not in columns:
            db.execute(f"ALTER TABLE tickets ADD COLUMN {name} TEXT")


@migrations()
def m012_staff_sign_in_throttle(db: Database) -> None:
    """Sign-in attempts per (account name, client address), and a per-account session key.

    A row holds the failures since the last success from that address, when the next try is
    allowed (exponential delay), and a short lease taken before a password is checked, so
    concurrent attempts cannot check more passwords than the delay allows. Keying by address
    as well as name means an attacker's failures never keep the real owner out.
    ``session_key`` changes when the password changes or the account is re-created: sessions
    carry the key they were made under and end when it no longer matches.
    """
    db.execute(
        """
        CREATE TABLE staff_sign_in_throttle (
            name TEXT NOT NULL,
            address TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0,
            next_allowed_at TEXT,              -- no attempt before this instant
            lease TEXT,                        -- random id of the attempt being checked
            lease_until TEXT,                  -- a crashed check frees its lease by then
            updated_at TEXT NOT NULL,
            PRIMARY KEY (name, address)
        )"""
    )
    db.execute("CREATE INDEX staff_sign_in_throttle_updated ON staff_sign_in_throttle(updated_at)")
    db.execute("ALTER TABLE staff_users ADD COLUMN session_key TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE staff_users SET session_key = lower(hex(randomblob(16)))")


@migrations()
def m013_staff_first_response(db: Database) -> None:
    """When staff first answered the customer: NULL means the ticket still needs a first
    response (the staff page filters and sorts on it)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(tickets)").fetchall()}
    if "first_response_at" not in columns:
        db.execute("ALTER TABLE tickets ADD COLUMN first_response_at TEXT")


@migrations()
def m014_dialogue_doc_answers(db: Database) -> None:
    """Articles offered after the summary, and whether one solved the problem."""
    db.execute(
        """
        CREATE TABLE doc_suggestions (
            conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id),
            articles TEXT NOT NULL,            -- JSON list of article slugs, best first
            answer TEXT NOT NULL DEFAULT 'offered',  -- offered | solved | continued
            offered_at TEXT NOT NULL,
            answered_at TEXT
        )"""
    )


@migrations()
def m015_watch_redmine(db: Database) -> None:
    """What the watcher of Redmine needs to bring staff's answers back to the customer.

    ``watch_state`` holds the cursor (the newest ``updated_on`` seen, Redmine's own clock);
    ``watch_issues`` the ``updated_on`` each of our issues had when last read, so an issue
    listed again only because the list overlaps is not fetched again; ``watch_parts`` which
    parts of one outbox item (a split note, each file) reached Telegram, so a retry after a
    crash sends only the rest; ``ratings`` the customer's satisfaction with a resolved ticket.
    ``tickets.first_response_at`` may exist already (the staff page wants it too).
    """
    db.execute("CREATE TABLE watch_state (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        """
        CREATE TABLE watch_issues (
            issue_id INTEGER PRIMARY KEY,
            updated_on TEXT NOT NULL,          -- as Redmine wrote it, e.g. 2026-12-02T15:00:00Z
            read_at TEXT NOT NULL              -- our clock, when we read it
        )"""
    )
    db.execute(
        """
        CREATE TABLE watch_parts (
            item_key TEXT NOT NULL,            -- outbox key, e.g. journal:45:301
            part INTEGER NOT NULL,
            sent_at TEXT NOT NULL,
            PRIMARY KEY (item_key, part)
        )"""
    )
    db.execute(
        """
        CREATE TABLE ratings (
            ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
            score INTEGER NOT NULL,            -- 1..5
            comment TEXT,
            awaiting_comment INTEGER NOT NULL DEFAULT 0,
            rated_at TEXT NOT NULL,
            commented_at TEXT
        )"""
    )
    columns = {row[1] for row in db.execute("PRAGMA table_info(tickets)").fetchall()}
    if "first_response_at" not in columns:
        db.execute("ALTER TABLE tickets ADD COLUMN first_response_at TEXT")


@migrations()
def m016_paging_pages(db: Database) -> None:
    """On-call paging state, so a restart in the middle of a page carries on where it was.

    ``pages``: one row per paged ticket; ``round`` counts the pages sent (0 = the first
    alert), ``acked_*`` say who took it and when (set once: a second tap is told who has it).
    ``page_messages``: every alert message sent for a page, so acknowledging updates them all.
    ``tickets.first_response_at`` (when staff first answered) ends the SLA warnings; another
    change may already have added it, hence the check.
    """
    db.execute(
        """
        CREATE TABLE pages (
            ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
            round INTEGER NOT NULL DEFAULT 0,
            acked_by INTEGER,                  -- Telegram user id of who took it
            acked_name TEXT,                   -- as staff read it: "Ada (@ada)"
            acked_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE page_messages (
            ticket_id INTEGER NOT NULL REFERENCES pages(ticket_id),
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            round INTEGER NOT NULL,
            text TEXT NOT NULL,                -- the alert as sent, to edit with the ack line
            PRIMARY KEY (ticket_id, chat_id, message_id)
        )"""
    )
    columns = {row[1] for row in db.execute("PRAGMA table_info(tickets)").fetchall()}
    if "first_response_at" not in columns:
        db.execute("ALTER TABLE tickets ADD COLUMN first_response_at TEXT")


@migrations()
def m017_done_buttons(db: Database) -> None:
    """Which verdict message carries the attachments step's "Done with files" button, per
    chat: kept in memory before, so after a restart an older verdict kept its button."""
    db.execute(
        """
        CREATE TABLE done_buttons (
            chat_id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL
        )"""
    )

"""Read side for staff: find conversations, read one as the customer lived it, retry a ticket.

All the SQL behind the staff web app and ``python main.py conversations`` lives here, so the
web layer only turns these dataclasses into pages. Timestamps are stored as ISO 8601 UTC
text, so date filters compare strings (``'2025-03-01' <= started_at < '2025-03-02'``).

Search: every whitespace-separated term must occur in one customer message (the bot's own
prompts repeat in every conversation, so they are searched only on request); substring
match, ASCII case ignored. Terms of 3+ characters use the FTS5 trigram index; 1-2 character
terms (a two-character Chinese word such as 登录) cannot use trigrams and fall back to a scan
(``LIKE``, or ``instr`` when there is no letter case to fold).
A receipt (``OS-000123``), ``#123`` (a conversation id) or a customer's name also match.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from intake.storage import attachments, conversations
from intake.storage.attachments import Attachment
from intake.storage.db import iso, utcnow, write_tx

STATUSES = ("in_progress", "submitted", "queued", "filed", "failed", "cancelled")
TICKET_STATUSES = ("stored", "queued", "filing", "filed", "failed")
IMPACTS = ("emergency", "highly-degraded", "medium", "low")
LANGUAGES = ("en", "zh_Hans")
RETRYABLE = ("queued", "failed")
SNIPPET_RADIUS = 60
ANSWERLESS_KINDS = frozenset({"callback", "command"})

_RECEIPT = re.compile(r"^OS-0*(\d{1,12})$", re.IGNORECASE)
_CONVERSATION_REF = re.compile(r"^#(\d{1,12})$")


@dataclass(frozen=True)
class ConversationFilter:
    query: str = ""
    language: str | None = None
    impact: str | None = None
    status: str | None = None
    started_from: date | None = None
    started_to: date | None = None  # inclusive
    refused_only: bool = False
    include_bot: bool = False  # search the bot's messages too (its prompts repeat everywhere)


@dataclass(frozen=True)
class Snippet:
    """Where a search term sits in a message, split so a template can mark it safely."""

    message_id: int
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class Customer:
    id: int
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    language: str | None = None
    telegram_language: str | None = None
    redmine_login: str | None = None

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or (f"@{self.username}" if self.username else f"user {self.id}")


@dataclass(frozen=True)
class ConversationSummary:
    id: int
    customer: Customer
    language: str
    status: str
    impact: str | None
    summary: str | None
    started_at: str
    updated_at: str
    message_count: int
    has_refused: bool
    receipt: str | None
    ticket_status: str | None
    snippet: Snippet | None = None


@dataclass(frozen=True)
class ConversationPage:
    items: list[ConversationSummary]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class Message:
    id: int
    direction: str  # in (customer) | out (bot)
    kind: str
    text: str | None
    step: str | None
    language: str | None
    created_at: str
    language_switch: bool = False  # the dialogue language changed at this message


@dataclass(frozen=True)
class Ticket:
    id: int
    conversation_id: int
    receipt: str | None
    status: str
    sink: str
    summary: str
    language: str
    impact: str | None
    impact_suggested: str | None
    impact_reason: str | None
    opened_at: str
    due_at: str | None
    external_id: str | None
    external_url: str | None
    attempts: int
    last_error: str | None
    next_attempt_at: str | None
    updated_at: str
    filed_at: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    first_response_at: str | None = None  # when staff first answered; None: not yet

    def overdue(self, now: datetime) -> bool:
        """The first-response deadline passed with no response recorded before it."""
        due = parse_time(self.due_at)
        if due is None:
            return False
        answered = parse_time(self.first_response_at)
        return due < (answered or now)


@dataclass(frozen=True)
class ConversationDetail:
    id: int
    status: str
    language: str
    started_at: str
    updated_at: str
    ended_at: str | None
    summary: str | None
    impact: str | None
    customer: Customer
    messages: list[Message]
    attachments: list[Attachment]
    ticket: Ticket | None
    collected: dict[str, Any]  # the TicketDraft as a dict
    collected_source: str | None  # "ticket" | "state" | None
    other_conversations: list[OtherConversation] = field(default_factory=list)

    @property
    def customer_messages(self) -> list[Message]:
        return [m for m in self.messages if m.direction == "in"]

    @property
    def answers_by_step(self) -> list[tuple[str, list[str]]]:
        """What the customer wrote at each dialogue step, in order of first appearance.

        Button taps and commands are how they moved through the dialogue, not answers.
        """
        steps: dict[str, list[str]] = {}
        for message in self.customer_messages:
            if message.text and message.kind not in ANSWERLESS_KINDS:
                steps.setdefault(message.step or "", []).append(message.text)
        return list(steps.items())


@dataclass(frozen=True)
class OtherConversation:
    """Another conversation of the same customer, for a link."""

    id: int
    started_at: str
    status: str
    summary: str | None
    receipt: str | None


@dataclass(frozen=True)
class TicketSummary:
    ticket: Ticket
    customer: Customer


def parse_time(value: str | None) -> datetime | None:
    """Stored ISO text to an aware UTC datetime; a naive value is taken as UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def search_terms(query: str) -> list[str]:
    """Whitespace-separated terms; control characters (a NUL from a crafted URL) separate
    terms too, as SQLite's FTS5 cannot take them in a phrase."""
    return [term for term in _CONTROLS.sub(" ", query).split() if term]


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _message_match(
    terms: list[str], params: dict[str, Any], alias: str = "m", *, include_bot: bool = False
) -> str:
    """SQL condition: every term occurs in the message text (trigram MATCH or LIKE).

    Only the customer's messages are in the trigram index (migration m007); the bot's are
    scanned with LIKE when ``include_bot`` asks for them.
    """
    clauses = []
    long_terms = [t for t in terms if len(t) >= 3]
    if long_terms:
        params["fts"] = " AND ".join(_fts_phrase(t) for t in long_terms)
        indexed = f"{alias}.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH :fts)"
        if include_bot:
            scans = []
            for index, term in enumerate(long_terms):
                params[f"bot{index}"] = _like(term)
                scans.append(f"{alias}.text LIKE :bot{index} ESCAPE '\\'")
            indexed = f"({indexed} OR ({alias}.direction != 'in' AND {' AND '.join(scans)}))"
        clauses.append(indexed)
    for index, term in enumerate(t for t in terms if len(t) < 3):
        if any(c.isascii() and c.isalpha() for c in term):
            params[f"like{index}"] = _like(term)  # LIKE ignores ASCII case, as trigram does
            clauses.append(f"{alias}.text LIKE :like{index} ESCAPE '\\'")
        else:
            # No case to fold (登录, 42): instr() does the same scan about a third faster.
            params[f"like{index}"] = term
            clauses.append(f"instr({alias}.text, :like{index}) > 0")
    return " AND ".join(clauses) or "0"


def matching_conversation_ids(db: Database, query: str, *, include_bot: bool = False) -> list[int]:
    """Conversations whose messages (the customer's, unless ``include_bot``), receipt, id or
    customer name match the query."""
    terms = search_terms(query)
    if not terms:
        return []
    params: dict[str, Any] = {}
    # direction = 'in' lets a short term scan the partial index messages_customer_text.
    who = "1" if include_bot else "m.direction = 'in'"
    sql = (
        "SELECT DISTINCT m.conversation_id FROM messages m "
        f"WHERE {who} AND {_message_match(terms, params, include_bot=include_bot)}"
    )
    ids = {row[0] for row in db.execute(sql, params).fetchall() if row[0] is not None}
    whole = query.strip()
    if receipt := _RECEIPT.match(whole):
        ids.update(
            row[0]
            for row in db.execute(
                "SELECT conversation_id FROM tickets WHERE id = ?", [int(receipt.group(1))]
            )
        )
    if ref := _CONVERSATION_REF.match(whole):
        ids.update(
            row[0]
            for row in db.execute("SELECT id FROM conversations WHERE id = ?", [int(ref.group(1))])
        )
    name = _like(whole.lstrip("@"))
    ids.update(
        row[0]
        for row in db.execute(
            "SELECT c.id FROM conversations c JOIN users u ON u.id = c.user_id "
            "WHERE u.username LIKE :n ESCAPE '\\' OR u.first_name LIKE :n ESCAPE '\\' "
            "OR u.last_name LIKE :n ESCAPE '\\' "
            "OR (COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')) "
            "LIKE :n ESCAPE '\\'",
            {"n": name},
        )
    )
    return sorted(ids)


def _filter_sql(
    filters: ConversationFilter, params: dict[str, Any], hits: list[int] | None
) -> str:
    where = ["1"]
    if filters.language:
        where.append("c.language = :language")
        params["language"] = filters.language
    if filters.status:
        where.append("c.status = :status")
        params["status"] = filters.status
    if filters.impact:
        where.append("COALESCE(t.impact, c.impact) = :impact")
        params["impact"] = filters.impact
    if filters.started_from:
        where.append("c.started_at >= :from")
        params["from"] = filters.started_from.isoformat()
    if filters.started_to:
        where.append("c.started_at < :to")
        params["to"] = (filters.started_to + timedelta(days=1)).isoformat()
    if filters.refused_only:
        where.append(
            "(c.has_refused OR EXISTS (SELECT 1 FROM attachments a "
            "WHERE a.conversation_id = c.id AND a.verdict = 'refused'))"
        )
    if hits is not None:
        where.append("c.id IN (SELECT value FROM json_each(:hits))")
        params["hits"] = json.dumps(hits)
    return " AND ".join(where)


def _customer(row: dict[str, Any], prefix: str = "u_") -> Customer:
    return Customer(
        id=row[f"{prefix}id"],
        username=row.get(f"{prefix}username"),
        first_name=row.get(f"{prefix}first_name"),
        last_name=row.get(f"{prefix}last_name"),
        language=row.get(f"{prefix}language"),
        telegram_language=row.get(f"{prefix}telegram_language"),
        redmine_login=row.get(f"{prefix}redmine_login"),
    )


_USER_COLUMNS = (
    "u.id AS u_id, u.username AS u_username, u.first_name AS u_first_name, "
    "u.last_name AS u_last_name, u.language AS u_language, "
    "u.telegram_language AS u_telegram_language, u.redmine_login AS u_redmine_login"
)


def list_conversations(
    db: Database,
    filters: ConversationFilter | None = None,
    *,
    page: int = 1,
    per_page: int = 25,
) -> ConversationPage:
    """Newest first. A search runs once; the count and the page reuse its hits."""
    filters = filters or ConversationFilter()
    page = max(1, page)
    params: dict[str, Any] = {}
    hits = (
        matching_conversation_ids(db, filters.query, include_bot=filters.include_bot)
        if filters.query.strip()
        else None
    )
    where = _filter_sql(filters, params, hits)
    base = f"FROM conversations c LEFT JOIN tickets t ON t.conversation_id = c.id WHERE {where}"
    total = db.execute(f"SELECT COUNT(*) {base}", params).fetchone()[0]
    params.update(limit=per_page, offset=(page - 1) * per_page)
    rows = db.query(
        f"""SELECT c.id, c.language, c.status, c.summary, c.started_at, c.updated_at,
                   COALESCE(t.impact, c.impact) AS impact, t.receipt, t.status AS ticket_status,
                   (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id)
                       AS message_count,
                   (c.has_refused OR EXISTS (SELECT 1 FROM attachments a
                       WHERE a.conversation_id = c.id AND a.verdict = 'refused')) AS refused,
                   {_USER_COLUMNS}
            FROM (SELECT c.id {base} ORDER BY c.started_at DESC, c.id DESC
                  LIMIT :limit OFFSET :offset) AS p
            JOIN conversations c ON c.id = p.id
            LEFT JOIN tickets t ON t.conversation_id = c.id
            LEFT JOIN users u ON u.id = c.user_id
            ORDER BY c.started_at DESC, c.id DESC""",
        params,
    )
    terms = search_terms(filters.query)
    items = [
        ConversationSummary(
            id=row["id"],
            customer=_customer(row) if row["u_id"] is not None else Customer(id=0),
            language=row["language"],
            status=row["status"],
            impact=row["impact"],
            summary=row["summary"],
            started_at=row["started_at"],
            updated_at=row["updated_at"],
            message_count=row["message_count"],
            has_refused=bool(row["refused"]),
            receipt=row["receipt"],
            ticket_status=row["ticket_status"],
            snippet=_snippet(db, row["id"], terms, filters.include_bot) if terms else None,
        )
        for row in rows
    ]
    return ConversationPage(items=items, total=total, page=page, per_page=per_page)


def _snippet(
    db: Database, conversation_id: int, terms: list[str], include_bot: bool
) -> Snippet | None:
    """The first message of the conversation holding every term, cut around the first one."""
    params: dict[str, Any] = {"cid": conversation_id}
    clauses = [] if include_bot else ["direction = 'in'"]
    for index, term in enumerate(terms):
        params[f"t{index}"] = _like(term)
        clauses.append(f"text LIKE :t{index} ESCAPE '\\'")
    row = db.execute(
        f"SELECT id, text FROM messages WHERE conversation_id = :cid AND {' AND '.join(clauses)} "
        "ORDER BY id LIMIT 1",
        params,
    ).fetchone()
    if row is None:
        return None
    message_id, text = row
    start = text.lower().find(terms[0].lower())
    if start < 0:
        return None
    end = start + len(terms[0])
    before = text[max(0, start - SNIPPET_RADIUS) : start]
    after = text[end : end + SNIPPET_RADIUS]
    return Snippet(
        message_id=message_id,
        before=("…" if start > SNIPPET_RADIUS else "") + before,
        match=text[start:end],
        after=after + ("…" if end + SNIPPET_RADIUS < len(text) else ""),
    )


def _ticket(row: dict[str, Any]) -> Ticket:
    try:
        fields = json.loads(row["fields"] or "{}")
    except (TypeError, ValueError):
        fields = {}
    return Ticket(
        id=row["id"],
        conversation_id=row["conversation_id"],
        receipt=row["receipt"],
        status=row["status"],
        sink=row["sink"],
        summary=row["summary"],
        language=row["language"],
        impact=row["impact"],
        impact_suggested=row["impact_suggested"],
        impact_reason=row["impact_reason"],
        opened_at=row["opened_at"],
        due_at=row["due_at"],
        external_id=row["external_id"],
        external_url=row["external_url"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        next_attempt_at=row["next_attempt_at"],
        updated_at=row["updated_at"],
        filed_at=row["filed_at"],
        fields=fields if isinstance(fields, dict) else {},
        first_response_at=row.get("first_response_at"),
    )


def _messages(db: Database, conversation_id: int) -> list[Message]:
    messages = []
    previous: str | None = None
    for row in db.query(
        "SELECT id, direction, kind, text, step, language, created_at FROM messages "
        "WHERE conversation_id = ? ORDER BY id",
        [conversation_id],
    ):
        switched = bool(row["language"] and previous and row["language"] != previous)
        messages.append(Message(**row, language_switch=switched))
        previous = row["language"] or previous
    return messages


def _state_draft(db: Database, conversation: dict[str, Any]) -> dict[str, Any] | None:
    """The draft in the dialogue state (aiogram FSM data), while it belongs to this
    conversation: the bot keeps ``conversation_id`` and ``draft`` in the data."""
    pattern = f"%:{conversation['chat_id']}:{conversation['user_id']}:%"
    for (data,) in db.execute("SELECT data FROM fsm WHERE key LIKE ?", [pattern]).fetchall():
        try:
            value = json.loads(data or "{}")
        except ValueError:
            continue
        if not isinstance(value, dict) or value.get("conversation_id") != conversation["id"]:
            continue
        draft = value.get("draft")
        if isinstance(draft, dict):
            return draft
    return None


def get_conversation(db: Database, conversation_id: int) -> ConversationDetail | None:
    rows = list(
        db.query(
            f"SELECT c.*, {_USER_COLUMNS} FROM conversations c "
            "LEFT JOIN users u ON u.id = c.user_id WHERE c.id = ?",
            [conversation_id],
        )
    )
    if not rows:
        return None
    row = rows[0]
    tickets = list(db.query("SELECT * FROM tickets WHERE conversation_id = ?", [conversation_id]))
    ticket = _ticket(tickets[0]) if tickets else None
    collected: dict[str, Any] = {}
    source = None
    if ticket is not None and ticket.fields:
        collected, source = ticket.fields, "ticket"
    elif draft := _state_draft(db, row):
        collected, source = draft, "state"
    return ConversationDetail(
        id=row["id"],
        status=row["status"],
        language=row["language"],
        started_at=row["started_at"],
        updated_at=row["updated_at"],
        ended_at=row["ended_at"],
        summary=row["summary"],
        impact=ticket.impact if ticket and ticket.impact else row["impact"],
        customer=_customer(row) if row["u_id"] is not None else Customer(id=row["user_id"]),
        messages=_messages(db, conversation_id),
        attachments=attachments.conversation_attachments(db, conversation_id),
        ticket=ticket,
        collected=collected,
        collected_source=source,
        other_conversations=_other_conversations(db, row["user_id"], conversation_id),
    )


def _other_conversations(
    db: Database, user_id: int, conversation_id: int, limit: int = 20
) -> list[OtherConversation]:
    """The customer's other conversations, newest first."""
    return [
        OtherConversation(**row)
        for row in db.query(
            "SELECT c.id, c.started_at, c.status, c.summary, t.receipt FROM conversations c "
            "LEFT JOIN tickets t ON t.conversation_id = c.id "
            "WHERE c.user_id = ? AND c.id != ? ORDER BY c.started_at DESC, c.id DESC LIMIT ?",
            [user_id, conversation_id, limit],
        )
    ]


def list_tickets(
    db: Database, statuses: tuple[str, ...] = ("queued", "filing", "failed"), *, limit: int = 200
) -> list[TicketSummary]:
    """Submissions not yet filed, failed first, then the oldest waiting."""
    marks = ", ".join("?" for _ in statuses)
    rows = db.query(
        f"""SELECT t.*, {_USER_COLUMNS} FROM tickets t LEFT JOIN users u ON u.id = t.user_id
            WHERE t.status IN ({marks})
            ORDER BY t.status = 'failed' DESC, t.created_at, t.id LIMIT ?""",
        [*statuses, limit],
    )
    return [
        TicketSummary(
            ticket=_ticket(row),
            customer=_customer(row) if row["u_id"] is not None else Customer(id=row["user_id"]),
        )
        for row in rows
    ]


def count_failed_tickets(db: Database) -> int:
    return db.execute("SELECT COUNT(*) FROM tickets WHERE status = 'failed'").fetchone()[0]


def retry_ticket(db: Database, ticket_id: int, *, now: datetime | None = None) -> bool:
    """Put a queued or failed ticket back in the queue, due now; the outbox files it next.

    The attempt count is kept (it is history); the conversation follows to ``queued`` as
    ``intake.storage.tickets.requeue`` does. False when the ticket is not retryable (being
    filed, filed, stored locally, or unknown).
    """
    stamp = iso(now or utcnow())
    with write_tx(db):
        cursor = db.execute(
            "UPDATE tickets SET status = 'queued', next_attempt_at = ?, updated_at = ? "
            "WHERE id = ? AND status IN ('queued', 'failed')",
            [stamp, stamp, ticket_id],
        )
        if cursor.rowcount:
            conversations.follow_ticket(db, ticket_id, "queued", stamp)
    return bool(cursor.rowcount)

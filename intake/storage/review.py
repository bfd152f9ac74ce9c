"""Read side for staff: read one conversation as the customer lived it, list and retry tickets.

The SQL behind the staff web app's conversation and ticket pages lives here (the search and
the conversation list are in ``intake.storage.search``), so the web layer only turns these
dataclasses into pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from intake.statuses import ConversationStatus, TicketStatus
from intake.storage import attachments, conversations
from intake.storage.attachments import Attachment
from intake.storage.db import iso, utcnow, write_tx

# Every status, from the one vocabulary (a hand-written list had left out "solved": staff
# could not filter the intakes an article answered).
STATUSES = tuple(ConversationStatus)
IMPACTS = ("emergency", "highly-degraded", "medium", "low")
LANGUAGES = ("en", "zh_Hans")
RETRYABLE = (TicketStatus.QUEUED, TicketStatus.FAILED)
ANSWERLESS_KINDS = frozenset({"callback", "command"})


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
    closed_at: str | None = None  # closed by the customer or in Redmine; None: open

    def overdue(self, now: datetime) -> bool:
        """The first-response deadline passed with no response recorded before it (a ticket
        closed unanswered is waiting for nobody)."""
        due = parse_time(self.due_at)
        if due is None:
            return False
        if self.closed_at and not self.first_response_at:
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
        closed_at=row.get("closed_at"),
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

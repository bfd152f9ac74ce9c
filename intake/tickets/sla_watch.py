"""SLA watch: the staff chat hears of a first-response deadline at 75 % and when it passes.

At submit two ``sla.warn`` items are scheduled, at 75 % of the window and at the deadline,
both counted in support hours with the holidays (``intake.impact.watch``). Scheduled outbox
items survive restarts, and a warning whose time passed while the bot was down is sent at
the next start, saying how overdue the ticket is by then. A warning is dropped once staff
have answered (``tickets.first_response_at``, recorded by whoever watches Redmine) or the
customer closed the ticket.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from intake.impact.format import format_due
from intake.impact.levels import get_level
from intake.impact.watch import describe, time_left, warning_at
from intake.storage import outbox as queue
from intake.storage import paging as pages
from intake.storage import tickets as store
from intake.storage import users
from intake.storage.db import utcnow
from intake.storage.outbox import OutboxItem
from intake.storage.tickets import TicketRow
from intake.telegram_html import plain

log = logging.getLogger(__name__)

WARN = "sla.warn"
SOON, DUE = "75", "due"
TELEGRAM = "telegram"


def queue_watch(
    db: Database, ticket: TicketRow, *, priority: int, holidays: frozenset[date] = frozenset()
) -> None:
    """Schedule the two warnings of a new ticket (inside the submitting transaction)."""
    if not ticket.impact or ticket.due is None:
        return
    soon = warning_at(ticket.impact, ticket.opened, holidays)
    for point, when in ((SOON, soon), (DUE, ticket.due)):
        queue.enqueue(
            db,
            WARN,
            {"ticket_id": ticket.id, "point": point},
            key=f"sla:{point}:{ticket.id}",
            lane=TELEGRAM,
            priority=priority,
            ticket_id=ticket.id,
            not_before=when,
        )


class SlaWatch:
    def __init__(
        self,
        db: Database,
        messenger: Any,  # intake.tickets.effects.Messenger
        *,
        staff_chat_id: int | None,
        holidays: frozenset[date] = frozenset(),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.messenger = messenger
        self.staff_chat_id = staff_chat_id
        self.holidays = holidays
        self.clock = clock

    def handlers(self) -> dict[str, Any]:
        return {WARN: self.warn}

    async def warn(self, item: OutboxItem) -> None:
        ticket = store.get_ticket(self.db, int(item.data["ticket_id"]))
        if ticket is None or ticket.due is None:
            return
        if pages.first_response_at(self.db, ticket.id) is not None:
            return  # staff answered in time (or at least answered)
        if ticket.closed:
            return  # the customer closed it: nobody is waiting for an answer
        if item.data["point"] == SOON and self.clock() >= ticket.due:
            return  # sent late (the bot was down): the deadline's own warning says it all
        text = warning_text(self.db, ticket, item.data["point"], self.clock(), self.holidays)
        if self.staff_chat_id is None:
            log.warning("no STAFF_CHAT_ID: SLA warning not sent: %s", text)
            return
        await self.messenger.send(self.staff_chat_id, plain(text))


def warning_text(
    db: Database,
    ticket: TicketRow,
    point: str,
    now: datetime,
    holidays: frozenset[date] = frozenset(),
) -> str:
    """The staff chat's warning: ticket, impact, customer, time left or overdue, link."""
    assert ticket.impact is not None and ticket.due is not None
    level = get_level(ticket.impact)
    left = time_left(level, now, ticket.due, holidays)
    hours = "" if level.always_staffed else " of support hours"
    if left.total_seconds() > 0:
        head = f"⏳ First response due soon: {ticket.receipt} ({level.name})"
        when = f"Time left: {describe(left)}{hours}, due {format_due(ticket.due, 'en')}"
    else:
        head = f"🔥 First response OVERDUE: {ticket.receipt} ({level.name})"
        when = f"Overdue by {describe(left)}{hours}, was due {format_due(ticket.due, 'en')}"
    if ticket.external_url:
        link = f"Link: {ticket.external_url}"
    elif ticket.sink == "redmine":
        link = "Link: not in Redmine yet (queued)"
    else:
        link = f"Kept locally: staff page, ticket {ticket.receipt}"
    summary = " ".join(ticket.summary.split())[:200]
    return "\n".join(
        [head, f"Customer: {customer(db, ticket)}", f"Summary: {summary}", when, link]
    )


def customer(db: Database, ticket: TicketRow) -> str:
    user = users.get_user(db, ticket.user_id)
    name = " ".join((user.first_name or "").split()) if user else ""
    if user and user.username:
        return f"{name} (@{user.username})".strip()
    return name or f"Telegram {ticket.user_id}"

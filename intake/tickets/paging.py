"""On-call paging for an Emergency: page, wait for "I'm on it", escalate, and act on the ack.

A page is a chain of outbox items, so it survives restarts and needs no timer of its own:

- ``page.round`` (round 0 at submit, round n+1 scheduled ``ack_after`` later): unless the
  page was acknowledged (or staff already answered the ticket), queue one ``page.send`` per
  target and schedule the next round. Every round pages the staff chat again and the next
  contact of ``ONCALL``; after the last contact it wraps round to the first, so a page never
  goes quiet while nobody has it and whoever slept through the first page is asked again.
- ``page.send``: the alert with its "I'm on it" button, to one chat; its message is recorded.
- acknowledging (the bot's button): one conditional UPDATE decides who has it, then, in the
  same transaction, ``page.update`` per alert sent (who and when, button gone), ``page.told``
  (the customer hears an engineer is on it, in their language) and, with Redmine,
  ``redmine.assign`` (after the filing, in the ticket's chain).

Plain Python: the buttons are drawn by the bot's edge (``PageMessenger``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlite_utils import Database

from intake.i18n import N_, gettext
from intake.impact.alert import emergency_alert_text
from intake.impact.format import format_due
from intake.impact.levels import ImpactLevel
from intake.impact.sla import first_response_due
from intake.statuses import TicketStatus
from intake.storage import outbox as queue
from intake.storage import paging as pages
from intake.storage import tickets as store
from intake.storage import users
from intake.storage.db import utcnow, write_tx
from intake.storage.outbox import OutboxItem
from intake.storage.tickets import TicketRow
from intake.telegram_html import plain
from intake.tickets.outbox import ErrorClass, GiveUp, Retry
from intake.tickets.redmine.errors import (
    RedmineError,
    RedmineTimeout,
    RedmineUnavailable,
    RedmineValidationError,
)

log = logging.getLogger(__name__)

ROUND = "page.round"
SEND = "page.send"
UPDATE = "page.update"
TOLD = "page.told"
ASSIGN = "redmine.assign"
STAFF_ALERT = "staff.alert"  # intake.tickets.effects.STAFF (which imports this module)

REDMINE, TELEGRAM = "redmine", "telegram"

ENGINEER_ON_IT = N_(
    "An on-call engineer has taken your Emergency ticket {receipt} and is working on it now. "
    "You will hear from them here or in Redmine."
)


class PageMessenger(Protocol):
    """What paging needs from Telegram besides ``send`` (the bot's notifier implements it)."""

    async def send(
        self, chat_id: int, html: str, *, conversation_id: int | None = None
    ) -> None: ...

    async def send_page(self, chat_id: int, html: str, *, ticket_id: int) -> int:
        """Send ``html`` with an "I'm on it" button for ``ticket_id``; the message id."""
        ...

    async def edit(self, chat_id: int, message_id: int, html: str) -> None:
        """Replace a message's text and remove its buttons."""
        ...


@dataclass(frozen=True)
class OnCall:
    """Who is paged, in which order, and how long a page waits for "I'm on it"."""

    staff_chat_id: int | None = None
    contacts: tuple[int, ...] = ()  # ONCALL: user ids (private chats) or chat ids, in order
    ack_after: timedelta = timedelta(minutes=10)

    def contact(self, round_: int) -> int | None:
        """The contact paged in ``round_``: the list in order, then round again."""
        if not self.contacts:
            return None
        return self.contacts[round_ % len(self.contacts)]

    def targets(self, round_: int) -> tuple[int, ...]:
        """Every round pages the staff chat (again) and the round's contact."""
        chats = [self.staff_chat_id] if self.staff_chat_id is not None else []
        contact = self.contact(round_)
        if contact is not None and contact not in chats:
            chats.append(contact)
        return tuple(chats)

    def may_acknowledge(self, user_id: int, chat_id: int) -> bool:
        """People on the list, and anyone in the staff chat or a paged group (Telegram only
        shows them the button there), may take a page; nobody else."""
        return (
            user_id in self.contacts
            or chat_id in self.contacts
            or (self.staff_chat_id is not None and chat_id == self.staff_chat_id)
        )


@dataclass(frozen=True)
class Ack:
    """The outcome of a tap on "I'm on it"."""

    ticket_id: int
    receipt: str
    first: bool  # this tap took the page; False: ``name`` already had it
    name: str
    at: datetime


def queue_page(db: Database, ticket: TicketRow) -> None:
    """Start paging for a new Emergency (inside the submitting transaction)."""
    pages.start(db, ticket.id, now=ticket.opened)
    queue.enqueue(
        db,
        ROUND,
        {"ticket_id": ticket.id, "round": 0},
        key=f"page:{ticket.id}:0",
        lane=TELEGRAM,
        priority=0,
        ticket_id=ticket.id,
        not_before=ticket.opened,
    )


def person_label(first_name: str | None, username: str | None, user_id: int) -> str:
    """How staff read who took a page: "Ada (@ada)", else the name or the id."""
    name = " ".join((first_name or "").split())[:64]
    if username:
        return f"{name} (@{username})" if name else f"@{username}"
    return name or f"Telegram {user_id}"


def acknowledged_line(name: str, at: datetime) -> str:
    return f"✅ {name} is on it (since {format_due(at, 'en')})"


class Paging:
    """The page's outbox handlers, and acknowledging (called by the bot's button)."""

    def __init__(
        self,
        db: Database,
        messenger: PageMessenger,
        oncall: OnCall,
        *,
        filer: Any = None,  # intake.tickets.redmine.sink.RedmineFiler: assigns the issue
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.messenger = messenger
        self.oncall = oncall
        self.filer = filer
        self.clock = clock
        self.wake: Callable[[], None] = lambda: None  # the outbox's, once it exists

    def handlers(self) -> dict[str, Any]:
        found = {ROUND: self.page_round, SEND: self.send, UPDATE: self.update, TOLD: self.tell}
        if self.filer is not None:
            found[ASSIGN] = self.assign
        return found

    # -- paging ---------------------------------------------------------------------------------

    async def page_round(self, item: OutboxItem) -> None:
        ticket_id, round_ = int(item.data["ticket_id"]), int(item.data["round"])
        ticket = store.get_ticket(self.db, ticket_id)
        page = pages.get(self.db, ticket_id)
        if ticket is None or page is None or page.acknowledged:
            return
        if pages.first_response_at(self.db, ticket_id) is not None:
            log.info("page for %s ends: staff already answered", ticket.receipt)
            return
        if ticket.closed:
            log.info("page for %s ends: the customer closed the ticket", ticket.receipt)
            return
        targets = self.oncall.targets(round_)
        if not targets:
            log.warning(
                "EMERGENCY %s paged to no one: set STAFF_CHAT_ID or ONCALL", ticket.receipt
            )
            return
        text = self.page_text(ticket, round_)
        with write_tx(self.db):
            pages.set_round(self.db, ticket_id, round_, now=self.clock())
            for chat_id in targets:
                queue.enqueue(
                    self.db,
                    SEND,
                    {"ticket_id": ticket_id, "chat_id": chat_id, "round": round_, "text": text},
                    key=f"page:{ticket_id}:{round_}:{chat_id}",
                    lane=TELEGRAM,
                    priority=0,
                    ticket_id=ticket_id,
                    now=self.clock(),
                )
            queue.enqueue(
                self.db,
                ROUND,
                {"ticket_id": ticket_id, "round": round_ + 1},
                key=f"page:{ticket_id}:{round_ + 1}",
                lane=TELEGRAM,
                priority=0,
                ticket_id=ticket_id,
                not_before=self.next_round_at(item),
            )
        log.info("EMERGENCY %s: page %d to %s", ticket.receipt, round_ + 1, targets)

    def next_round_at(self, item: OutboxItem) -> datetime:
        """``ack_after`` from now, and never earlier than from when this round was due: the
        rounds of a page are always ``ack_after`` apart, whatever clock the caller keeps."""
        due = datetime.fromisoformat(item.next_attempt_at)
        return max(due, self.clock()) + self.oncall.ack_after

    def page_text(self, ticket: TicketRow, round_: int) -> str:
        due = ticket.due or first_response_due(ImpactLevel.EMERGENCY, ticket.opened)
        alert = emergency_alert_text(
            receipt=ticket.receipt,
            summary=ticket.summary,
            opened_at=ticket.opened,
            due=due,
            environment=ticket.draft.environment_line,
            user_label=customer_label(self.db, ticket),
        )
        contact = self.oncall.contact(round_)
        lines = [alert]
        if round_ > 0:
            waited = int(self.oncall.ack_after.total_seconds() // 60) * round_
            lines.insert(0, f"⏰ NOT ACKNOWLEDGED after {waited} min: page {round_ + 1}")
        if contact is not None:
            place = self.oncall.contacts.index(contact) + 1
            lines.append(
                f"Paging: {contact} (on-call contact {place} of {len(self.oncall.contacts)})"
            )
        lines.append("Tap \u201cI'm on it\u201d to take it.")
        return "\n".join(lines)

    async def send(self, item: OutboxItem) -> None:
        data = item.data
        ticket_id, chat_id = int(data["ticket_id"]), int(data["chat_id"])
        page = pages.get(self.db, ticket_id)
        if page is None or page.acknowledged:
            return  # taken while this waited: no need to wake anyone
        message_id = await self.messenger.send_page(
            chat_id, plain(data["text"]), ticket_id=ticket_id
        )
        pages.record_message(
            self.db,
            ticket_id,
            chat_id=chat_id,
            message_id=message_id,
            round_=int(data["round"]),
            text=data["text"],
        )
        if pages.get(self.db, ticket_id).acknowledged:  # type: ignore[union-attr]
            # Taken while this was being sent: show it on this alert too.
            self._queue_update(ticket_id, chat_id, message_id)

    # -- acknowledging --------------------------------------------------------------------------

    def acknowledge(
        self,
        ticket_id: int,
        *,
        user_id: int,
        name: str,
        username: str | None,
    ) -> Ack | None:
        """Take the page for ``user_id``; None if there is no such page."""
        now = self.clock()
        with write_tx(self.db):
            ticket = store.get_ticket(self.db, ticket_id)
            if ticket is None or pages.get(self.db, ticket_id) is None:
                return None
            first = pages.acknowledge(self.db, ticket_id, user_id=user_id, name=name, now=now)
            page = pages.get(self.db, ticket_id)
            assert page is not None and page.acked is not None
            if first:
                for message in pages.messages(self.db, ticket_id):
                    self._queue_update(ticket_id, message.chat_id, message.message_id)
                queue.enqueue(
                    self.db,
                    TOLD,
                    {"ticket_id": ticket_id},
                    key=f"page:told:{ticket_id}",
                    lane=TELEGRAM,
                    priority=0,
                    ticket_id=ticket_id,
                    now=now,
                )
                if ticket.sink == "redmine":
                    queue.enqueue(
                        self.db,
                        ASSIGN,
                        {
                            "ticket_id": ticket_id,
                            "telegram_id": user_id,
                            "username": username,
                            "name": name,
                        },
                        key=f"assign:{ticket_id}",
                        lane=REDMINE,
                        priority=0,
                        chain=f"ticket:{ticket_id}",
                        ticket_id=ticket_id,
                        now=now,
                    )
        if first:
            log.info("EMERGENCY %s acknowledged by %s", ticket.receipt, name)
            self.wake()
        return Ack(ticket_id, ticket.receipt, first, page.acked_name or name, page.acked)

    def _queue_update(self, ticket_id: int, chat_id: int, message_id: int) -> None:
        queue.enqueue(
            self.db,
            UPDATE,
            {"ticket_id": ticket_id, "chat_id": chat_id, "message_id": message_id},
            key=f"page:ack:{ticket_id}:{chat_id}:{message_id}",
            lane=TELEGRAM,
            priority=0,
            ticket_id=ticket_id,
            now=self.clock(),
        )

    async def update(self, item: OutboxItem) -> None:
        """Show on an alert who took the page and when; its button goes."""
        data = item.data
        ticket_id = int(data["ticket_id"])
        page = pages.get(self.db, ticket_id)
        message = pages.get_message(
            self.db, ticket_id, int(data["chat_id"]), int(data["message_id"])
        )
        if page is None or message is None or page.acked is None:
            return
        lines = [line for line in message.text.splitlines() if not line.startswith("Tap ")]
        lines.append(acknowledged_line(page.acked_name or "someone", page.acked))
        await self.messenger.edit(message.chat_id, message.message_id, plain("\n".join(lines)))

    async def tell(self, item: OutboxItem) -> None:
        """The customer hears an engineer is on it, in the language they use now."""
        ticket = store.get_ticket(self.db, int(item.data["ticket_id"]))
        if ticket is None:
            return
        user = users.get_user(self.db, ticket.user_id)
        language = user.language if user else ticket.language
        text = gettext(language, ENGINEER_ON_IT, receipt=ticket.receipt)
        await self.messenger.send(
            ticket.chat_id, plain(text), conversation_id=ticket.conversation_id
        )

    # -- Redmine --------------------------------------------------------------------------------

    async def assign(self, item: OutboxItem) -> None:
        """Assign the issue to the Redmine user whose "Telegram" field names who took it."""
        data = item.data
        ticket = store.get_ticket(self.db, int(data["ticket_id"]))
        if ticket is None:
            raise GiveUp("the ticket no longer exists")
        if ticket.status != TicketStatus.FILED or not ticket.external_id:
            if ticket.status == TicketStatus.FAILED:
                raise GiveUp(f"{ticket.receipt} was not filed in Redmine")
            raise Retry(f"{ticket.receipt} is not filed yet", after=30.0)
        handles = {str(data["telegram_id"])}
        if data.get("username"):
            handles.add(str(data["username"]).lower())
        user: dict[str, Any] | None = None
        try:
            user = await find_linked_user(
                self.filer.client, handles, self.filer.settings.user_cf_telegram
            )
            if user is None:
                self._tell_staff(
                    ticket,
                    f"{data.get('name')} took EMERGENCY {ticket.receipt}, "
                    "but no Redmine account names them in its "
                    f"\u201c{self.filer.settings.user_cf_telegram}\u201d field: "
                    f"assign issue #{ticket.external_id} by hand.",
                )
                return
            await self.filer.client.update_issue(
                int(ticket.external_id), {"assigned_to_id": int(user["id"])}
            )
        except RedmineValidationError as exc:  # e.g. "Assignee is invalid": not a member
            self._tell_staff(
                ticket,
                f"Redmine refused to assign issue #{ticket.external_id} "
                f"({ticket.receipt}) to {user.get('login') if user else '?'}: {exc}",
            )
            raise GiveUp(str(exc)) from None
        except RedmineTimeout as exc:
            raise Retry(str(exc)) from None
        except RedmineUnavailable as exc:
            raise Retry(str(exc), after=exc.retry_after) from None
        except RedmineError as exc:  # a key that may not list users: an operator must look
            raise GiveUp(str(exc), error_class=ErrorClass.CONFIG) from None
        log.info("issue #%s assigned to Redmine user %s", ticket.external_id, user.get("login"))

    def _tell_staff(self, ticket: TicketRow, text: str) -> None:
        if self.oncall.staff_chat_id is None:
            log.warning("%s", text)
            return
        queue.enqueue(
            self.db,
            STAFF_ALERT,
            {"text": text},
            key=f"staff:assign:{ticket.id}",
            lane=TELEGRAM,
            priority=0,
            ticket_id=ticket.id,
            now=self.clock(),
        )
        self.wake()


async def find_linked_user(
    client: Any,
    handles: set[str],
    field_name: str,
) -> dict[str, Any] | None:
    """The active Redmine user whose ``field_name`` names one of ``handles`` (admin key)."""
    offset = 0
    while True:
        body = await client.request(
            "GET", "/users.json", params={"status": 1, "limit": 100, "offset": offset}
        )
        users = list(body.get("users", []))
        for user in users:
            fields = user.get("custom_fields")
            if fields is None:
                fields = (await client.get_user(int(user["id"]))).get("custom_fields", [])
            claimed = next(
                (str(f.get("value") or "") for f in fields if f.get("name") == field_name), ""
            )
            if claimed.strip().lstrip("@").lower() in handles:
                return user
        offset += len(users)
        if not users or offset >= int(body.get("total_count", 0)):
            return None


def customer_label(db: Database, ticket: TicketRow) -> str:
    user = users.get_user(db, ticket.user_id)
    if user and user.username:
        return f"{user.first_name or ''} (@{user.username})"
    return str(ticket.user_id)


__all__ = ["Ack", "OnCall", "PageMessenger", "Paging", "person_label", "queue_page"]

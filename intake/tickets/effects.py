"""Every external effect of a ticket, as outbox items: what is queued, and how it is done.

Queued (in the caller's transaction, so the ticket and its effects commit together):
- ``redmine.file``: file the ticket (chain ``ticket:N``, priority from its impact);
- ``ticket.delay_check``: at Confirm + the notice delay, tell the customer (and staff, for an
  Emergency) if it is not filed yet — whatever Redmine is doing;
- ``notice``: a message to the customer about their ticket ("filed as #45");
- ``staff.alert``: a message to the staff chat;
- ``page.round`` (an Emergency: the on-call page, ``intake.tickets.paging``) and ``sla.warn``
  (at 75 % of the first-response window and at the deadline, ``intake.tickets.sla_watch``).

Done by ``Effects``, whose handlers turn Redmine's and Telegram's failures into the outbox's
classes (``Retry``, ``Misconfigured``, ``GiveUp``). Plain Python: Telegram is reached through
a ``Messenger`` the bot's edge implements.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlite_utils import Database

from intake.impact.levels import ImpactLevel, get_level
from intake.statuses import TicketStatus
from intake.storage import outbox as queue
from intake.storage import tickets as store
from intake.storage import users
from intake.storage.db import utcnow
from intake.storage.outbox import OutboxItem
from intake.storage.tickets import TicketRow
from intake.telegram_html import plain
from intake.tickets import notices
from intake.tickets.outbox import CONFIG, UNKNOWN_OUTCOME, GiveUp, Misconfigured, Retry
from intake.tickets.paging import OnCall, PageMessenger, Paging, queue_page
from intake.tickets.redmine.errors import RedmineError, RedmineTimeout, RedmineUnavailable
from intake.tickets.sla_watch import SlaWatch, queue_watch

log = logging.getLogger(__name__)

FILE = "redmine.file"
NOTE = "redmine.note"
STATUS = "redmine.status"
VERIFY = "redmine.verify"
DELAY_CHECK = "ticket.delay_check"
NOTICE = "notice"
STAFF = "staff.alert"

REDMINE, TELEGRAM = "redmine", "telegram"


class Messenger(PageMessenger, Protocol):
    """Sends to Telegram; raises ``Retry`` or ``GiveUp`` (the bot's edge implements it).

    ``send`` for notices and staff alerts; ``send_page`` (with the "I'm on it" button) and
    ``edit`` for on-call pages (``intake.tickets.paging.PageMessenger``)."""

    async def send_document(
        self,
        chat_id: int,
        data: bytes,
        filename: str,
        caption_html: str,
        *,
        conversation_id: int | None = None,
    ) -> None:
        """A file staff attached in Redmine (the watcher's updates)."""
        ...

    async def send_with_buttons(
        self,
        chat_id: int,
        html: str,
        rows: list[list[tuple[str, str]]],
        *,
        conversation_id: int | None = None,
    ) -> None:
        """A message with inline buttons: rows of (label, callback data)."""
        ...


def priority_of(impact: str | None) -> int:
    """0 for an Emergency, 3 for Low, 4 without a level: the outbox takes low numbers first."""
    try:
        return 3 - get_level(impact or "").severity
    except ValueError:
        return 4


@dataclass(frozen=True)
class Delays:
    delayed_notice: timedelta = timedelta(minutes=15)
    emergency_notice: timedelta = timedelta(minutes=2)

    def for_impact(self, impact: str | None) -> timedelta:
        return self.emergency_notice if impact == ImpactLevel.EMERGENCY else self.delayed_notice


# -- queueing (called inside the submitting transaction) ----------------------------------------


def queue_submitted(
    db: Database, ticket: TicketRow, *, holidays: frozenset[date] = frozenset()
) -> None:
    """What every sink queues with a new ticket: the on-call page for an Emergency, and the
    staff chat's warnings before and at its first-response deadline."""
    if ticket.impact == ImpactLevel.EMERGENCY:
        queue_page(db, ticket)
    queue_watch(db, ticket, priority=priority_of(ticket.impact), holidays=holidays)


def queue_filing(db: Database, ticket: TicketRow, delays: Delays) -> None:
    priority = priority_of(ticket.impact)
    queue.enqueue(
        db,
        FILE,
        {"ticket_id": ticket.id},
        key=f"file:{ticket.id}",
        lane=REDMINE,
        priority=priority,
        chain=f"ticket:{ticket.id}",
        ticket_id=ticket.id,
    )
    queue.enqueue(
        db,
        DELAY_CHECK,
        {"ticket_id": ticket.id},
        key=f"delay:{ticket.id}",
        lane=TELEGRAM,
        priority=priority,
        ticket_id=ticket.id,
        not_before=ticket.opened + delays.for_impact(ticket.impact),
    )


def queue_followup(
    db: Database,
    ticket: TicketRow,
    *,
    key: str,
    text: str | None = None,
    attachment_id: int | None = None,
) -> None:
    """A customer's follow-up for the ticket's issue: after its filing, in the order sent."""
    payload: dict[str, Any] = {"ticket_id": ticket.id}
    if attachment_id is not None:
        payload["attachment_id"] = attachment_id
    else:
        payload["text"] = text or ""
    queue.enqueue(
        db,
        NOTE,
        payload,
        key=f"note:{key}",
        lane=REDMINE,
        priority=priority_of(ticket.impact),
        chain=f"ticket:{ticket.id}",
        ticket_id=ticket.id,
    )


def queue_status(db: Database, ticket: TicketRow, *, closed: bool, key: str) -> None:
    """The customer closed or reopened the ticket: Redmine follows, after its filing."""
    queue.enqueue(
        db,
        STATUS,
        {"ticket_id": ticket.id, "closed": closed},
        key=f"status:{key}",
        lane=REDMINE,
        priority=priority_of(ticket.impact),
        chain=f"ticket:{ticket.id}",
        ticket_id=ticket.id,
    )


def queue_notice(db: Database, ticket: TicketRow, notice: str, **data: Any) -> None:
    queue.enqueue(
        db,
        NOTICE,
        {"ticket_id": ticket.id, "notice": notice, **data},
        key=f"notice:{notice}:{ticket.id}",
        lane=TELEGRAM,
        priority=priority_of(ticket.impact),
        ticket_id=ticket.id,
    )


def queue_staff_alert(
    db: Database, key: str, text: str, *, priority: int = 0, ticket_id: int | None = None
) -> None:
    """``key`` makes it once: the same alert queued twice is sent once."""
    queue.enqueue(
        db,
        STAFF,
        {"text": text},
        key=f"staff:{key}",
        lane=TELEGRAM,
        priority=priority,
        ticket_id=ticket_id,
    )


# -- doing ---------------------------------------------------------------------------------------


class Effects:
    """The handlers; ``filer`` is None when tickets are kept locally."""

    def __init__(
        self,
        db: Database,
        messenger: Messenger,
        *,
        filer: Any = None,  # intake.tickets.redmine.sink.RedmineFiler
        staff_chat_id: int | None = None,
        settle: timedelta = timedelta(seconds=90),
        oncall: OnCall | None = None,
        holidays: frozenset[date] = frozenset(),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.messenger = messenger
        self.filer = filer
        self.staff_chat_id = staff_chat_id
        self.settle = settle
        oncall = oncall or OnCall()
        if oncall.staff_chat_id is None:
            oncall = dataclasses.replace(oncall, staff_chat_id=staff_chat_id)
        self.paging = Paging(db, messenger, oncall, filer=filer, clock=clock)
        self.sla_watch = SlaWatch(
            db, messenger, staff_chat_id=staff_chat_id, holidays=holidays, clock=clock
        )

    def handlers(self) -> dict[str, Any]:
        found = {
            DELAY_CHECK: self.delay_check,
            NOTICE: self.notice,
            STAFF: self.staff_alert,
            **self.paging.handlers(),
            **self.sla_watch.handlers(),
        }
        if self.filer is not None:
            found.update(
                {FILE: self.file, VERIFY: self.verify, NOTE: self.note, STATUS: self.status}
            )
        return found

    async def on_config_error(self, item: OutboxItem, reason: str) -> None:
        """Staff hear of a configuration problem once a day per reason."""
        digest = hashlib.blake2b(reason.encode(), digest_size=6).hexdigest()
        day = utcnow().date().isoformat()
        ticket = store.get_ticket(self.db, item.ticket_id) if item.ticket_id else None
        about = f" (ticket {ticket.receipt})" if ticket else ""
        queue_staff_alert(
            self.db,
            f"config:{digest}:{day}",
            f"Redmine needs an operator{about}: {reason}\n"
            "Tickets stay queued and are retried every few minutes; "
            "`python main.py doctor` checks the configuration.",
        )

    # -- Redmine ------------------------------------------------------------------------------

    async def file(self, item: OutboxItem) -> None:
        ticket_id = int(item.data["ticket_id"])
        try:
            result = await self.filer.file(ticket_id)
        except LookupError as exc:
            raise GiveUp(str(exc)) from None
        except Exception as exc:
            raise redmine_outcome(exc) from None
        ticket = store.get_ticket(self.db, ticket_id)
        assert ticket is not None
        queue_notice(self.db, ticket, "filed", result=dataclasses.asdict(result))
        if result.duplicates_closed:
            self._tell_staff_of_duplicates(ticket, result.issue_id, result.duplicates_closed)
        if result.created and item.error_class == UNKNOWN_OUTCOME:
            # An earlier create timed out and may still land: look again once it cannot.
            queue.enqueue(
                self.db,
                VERIFY,
                {"ticket_id": ticket_id},
                key=f"verify:{ticket_id}",
                lane=REDMINE,
                priority=priority_of(ticket.impact),
                ticket_id=ticket_id,
                not_before=utcnow() + self.settle * 2,
            )
        log.info(
            "ticket %s filed as issue %s (%s)",
            ticket.receipt,
            result.issue_id,
            "created" if result.created else "found",
        )

    def _filed_ticket(self, item: OutboxItem, kind: str) -> tuple[TicketRow, str]:
        """The item's ticket once it has an issue, and the marker its change will carry."""
        ticket = store.get_ticket(self.db, int(item.data["ticket_id"]))
        if ticket is None:
            raise GiveUp("the ticket no longer exists")
        if ticket.status != TicketStatus.FILED:
            raise Retry(f"{ticket.receipt} is not filed yet", after=30.0)
        return ticket, f"{ticket.reference}/{kind}{item.id}"

    async def note(self, item: OutboxItem) -> None:
        """Add a follow-up to the issue exactly once: each note ends with a marker, and a
        note already on the issue (an earlier try landed, then we died) is not sent again."""
        data = item.data
        ticket, marker = self._filed_ticket(item, "n")
        try:
            if await self.filer.note_present(ticket.id, marker):
                return
            if "attachment_id" in data:
                await self.filer.add_attachment(
                    ticket.id, int(data["attachment_id"]), marker=marker
                )
            else:
                await self.filer.add_comment(ticket.id, data["text"], marker=marker)
        except (LookupError, ValueError) as exc:  # the file was not kept, or is too large
            raise GiveUp(str(exc)) from None
        except Exception as exc:
            raise redmine_outcome(exc) from None

    async def status(self, item: OutboxItem) -> None:
        """Close or reopen the issue as the customer asked (marked, so never twice)."""
        ticket, marker = self._filed_ticket(item, "s")
        try:
            if await self.filer.note_present(ticket.id, marker):
                return
            name = await self.filer.set_closed(ticket.id, bool(item.data["closed"]), marker=marker)
        except LookupError as exc:
            raise GiveUp(str(exc)) from None
        except Exception as exc:
            raise redmine_outcome(exc) from None
        store.set_closed(self.db, ticket.id, bool(item.data["closed"]), status_name=name)

    async def verify(self, item: OutboxItem) -> None:
        """Two issues with one reference: keep the first, close the others as duplicates."""
        ticket_id = int(item.data["ticket_id"])
        ticket = store.get_ticket(self.db, ticket_id)
        if ticket is None or not ticket.external_id:
            return
        try:
            keep, closed = await self.filer.merge_duplicates(ticket)
        except Exception as exc:
            raise redmine_outcome(exc) from None
        if closed:
            self._tell_staff_of_duplicates(ticket, keep, closed)

    def _tell_staff_of_duplicates(
        self, ticket: TicketRow, keep: int, closed: tuple[int, ...]
    ) -> None:
        numbers = ", ".join(f"#{n}" for n in closed)
        queue_staff_alert(
            self.db,
            f"duplicates:{ticket.id}",
            f"Ticket {ticket.receipt} reached Redmine twice (a request that timed out landed "
            f"late). Kept #{keep}; closed {numbers} as its duplicate.",
            priority=priority_of(ticket.impact),
            ticket_id=ticket.id,
        )

    # -- telling people -------------------------------------------------------------------------

    async def delay_check(self, item: OutboxItem) -> None:
        ticket = store.get_ticket(self.db, int(item.data["ticket_id"]))
        if ticket is None or ticket.status == TicketStatus.FILED or ticket.sink != "redmine":
            return
        filing = queue.get_by_key(self.db, f"file:{ticket.id}")
        config = filing is not None and filing.error_class == CONFIG
        if ticket.impact == ImpactLevel.EMERGENCY:
            due = datetime.fromisoformat(item.next_attempt_at)
            waited = max(0, round((due - ticket.opened).total_seconds() / 60))
            reason = filing.last_error if filing and filing.last_error else "no answer yet"
            queue_staff_alert(
                self.db,
                f"emergency-unfiled:{ticket.id}",
                f"EMERGENCY {ticket.receipt} is not in Redmine after {waited} min "
                f"({reason}). Summary: {ticket.summary}",
                ticket_id=ticket.id,
            )
        local = self._localized(ticket)
        await self.messenger.send(
            ticket.chat_id,
            plain(notices.delayed_message(local, config=config)),
            conversation_id=ticket.conversation_id,
        )

    async def notice(self, item: OutboxItem) -> None:
        data = item.data
        ticket = store.get_ticket(self.db, int(data["ticket_id"]))
        if ticket is None:
            return
        local = self._localized(ticket)
        kind = data["notice"]
        if kind == "filed":
            text = notices.filed_message(local, notices.Filed.from_dict(data["result"]))
        elif kind == "failed":
            text = notices.failed_message(local, data.get("reason", ""))
        else:
            raise GiveUp(f"unknown notice {kind!r}")
        await self.messenger.send(
            ticket.chat_id, plain(text), conversation_id=ticket.conversation_id
        )

    async def staff_alert(self, item: OutboxItem) -> None:
        if self.staff_chat_id is None:
            log.warning("no STAFF_CHAT_ID: staff alert not sent: %s", item.data["text"])
            return
        await self.messenger.send(self.staff_chat_id, plain(item.data["text"]))

    def _localized(self, ticket: TicketRow) -> TicketRow:
        """The user may have switched language since submitting: speak the current one."""
        user = users.get_user(self.db, ticket.user_id)
        if user is None or user.language == ticket.language:
            return ticket
        return dataclasses.replace(ticket, language=user.language)


def redmine_outcome(exc: Exception) -> Exception:
    """What the outbox should do about a failure talking to Redmine."""
    if isinstance(exc, RedmineTimeout):
        return Retry(str(exc), error_class=UNKNOWN_OUTCOME)
    if isinstance(exc, RedmineUnavailable):
        return Retry(str(exc), after=exc.retry_after)
    if isinstance(exc, RedmineError):  # 401, 403, 404, 422 on the issue, names not found
        return Misconfigured(str(exc))
    return Retry(f"{type(exc).__name__}: {exc}")

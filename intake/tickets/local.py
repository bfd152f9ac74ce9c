"""The local sink: the ticket stays in SQLite (status ``stored``) for the staff app to read.

Used when Redmine is not configured (no ``REDMINE_URL``), and in the playground.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from sqlite_utils import Database

from intake.draft import TicketDraft
from intake.statuses import TicketStatus
from intake.storage import tickets as store
from intake.storage.db import write_tx
from intake.tickets.effects import queue_submitted
from intake.tickets.sink import Followup, Receipt

DueAt = Callable[[str, datetime], datetime | None]


def default_due_at(
    impact: str, opened_at: datetime, holidays: Iterable[date] = ()
) -> datetime | None:
    """First-response due time from intake.impact.sla; None for a missing or unknown level."""
    if not impact:
        return None
    from intake.impact.sla import first_response_due

    try:
        return first_response_due(impact, opened_at, holidays)
    except (KeyError, ValueError):
        return None


def commit_ticket(
    db: Database,
    draft: TicketDraft,
    *,
    conversation_id: int,
    opened_at: datetime,
    due_at: datetime | None,
    sink: str,
    status: str,
    then: Callable[[store.TicketRow], None] | None = None,
    holidays: frozenset[date] = frozenset(),
) -> store.TicketRow:
    """The ticket, what every sink queues with it, and ``then`` (a sink's own effects), in
    one transaction: a crash after it loses none of them."""
    with write_tx(db):
        row = store.create_ticket(
            db,
            draft,
            conversation_id=conversation_id,
            opened_at=opened_at,
            due_at=due_at,
            sink=sink,
            status=status,
        )
        queue_submitted(db, row, holidays=holidays)
        if then is not None:
            then(row)
    return row


def receipt_for(row: store.TicketRow) -> Receipt:
    return Receipt(
        ticket_id=row.id,
        receipt=row.receipt,
        status=row.status,
        due_at=row.due,
        external_id=row.external_id,
        external_url=row.external_url,
    )


class LocalSink:
    name = "local"

    def __init__(
        self,
        db: Database,
        *,
        due_at: DueAt = default_due_at,
        wake: Callable[[], None] | None = None,
        holidays: frozenset[date] = frozenset(),
    ) -> None:
        self.db = db
        self.holidays = holidays  # for the SLA warnings' times, as for the due time
        self._due_at = due_at
        self._wake = wake  # the outbox: an Emergency's staff alert goes out at once

    def submit(self, draft: TicketDraft, *, conversation_id: int, opened_at: datetime) -> Receipt:
        row = commit_ticket(
            self.db,
            draft,
            conversation_id=conversation_id,
            opened_at=opened_at,
            due_at=self._due_at(draft.impact, opened_at),
            sink=self.name,
            status=TicketStatus.STORED,
            holidays=self.holidays,
        )
        if self._wake is not None:
            self._wake()
        return receipt_for(row)

    def add_followup(
        self,
        ticket_id: int,
        *,
        key: str,
        text: str | None = None,
        attachment_id: int | None = None,
    ) -> Followup:
        """Kept with the ticket: the message or file is already in its conversation."""
        ticket = store.get_ticket(self.db, ticket_id)
        if ticket is None:
            raise LookupError(f"ticket {ticket_id} does not exist")
        return Followup(ticket.id, ticket.receipt, queued=False)

    def set_closed(self, ticket_id: int, closed: bool, *, key: str) -> store.TicketRow:
        return store.set_closed(self.db, ticket_id, closed)

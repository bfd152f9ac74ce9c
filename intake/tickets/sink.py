"""The ticket sink seam: a confirmed draft goes in, a receipt comes out at once.

Submitting never waits for a remote system: the ticket is committed to SQLite first and
the receipt number is derived from its row. A remote sink (Redmine) leaves the ticket
``queued`` and the outbox worker files it later; the local sink keeps it ``stored``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from intake.draft import TicketDraft

if TYPE_CHECKING:
    from intake.storage.tickets import TicketRow


@dataclass(frozen=True)
class Receipt:
    ticket_id: int
    receipt: str  # e.g. OS-000123
    status: str  # stored | queued | filed | failed
    due_at: datetime | None = None
    external_id: str | None = None
    external_url: str | None = None


@dataclass(frozen=True)
class Followup:
    """What happened to a follow-up: kept with the ticket, or queued for its issue."""

    ticket_id: int
    receipt: str
    queued: bool  # False: kept locally (no Redmine)
    issue_id: int | None = None  # known when the ticket is filed already


class TicketSink(Protocol):
    """What the dialogue submits to. Both calls commit before they return; neither waits
    for a remote system."""

    name: str

    def submit(
        self, draft: TicketDraft, *, conversation_id: int, opened_at: datetime
    ) -> Receipt: ...

    def add_followup(
        self,
        ticket_id: int,
        *,
        key: str,
        text: str | None = None,
        attachment_id: int | None = None,
    ) -> Followup: ...

    def set_closed(self, ticket_id: int, closed: bool, *, key: str) -> TicketRow: ...

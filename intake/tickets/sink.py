"""The ticket sink seam: a confirmed draft goes in, a receipt comes out at once.

Submitting never waits for a remote system: the ticket is committed to SQLite first and
the receipt number is derived from its row. A remote sink (Redmine) leaves the ticket
``queued`` and the outbox worker files it later; the local sink keeps it ``stored``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from intake.draft import TicketDraft


@dataclass(frozen=True)
class Receipt:
    ticket_id: int
    receipt: str  # e.g. OS-000123
    status: str  # stored | queued | filed | failed
    due_at: datetime | None = None
    external_id: str | None = None
    external_url: str | None = None


class TicketSink(Protocol):
    """What the dialogue submits to. ``submit`` must commit before it returns."""

    name: str

    def submit(
        self, draft: TicketDraft, *, conversation_id: int, opened_at: datetime
    ) -> Receipt: ...


def receipt_number(ticket_id: int) -> str:
    return f"OS-{ticket_id:06d}"

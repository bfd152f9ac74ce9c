"""The staff ticket queue: every ticket with its first-response deadline, filtered and sorted.

Staff work from deadlines, so the default order is the nearest due first (tickets without a
deadline last). "Needs first response" means no staff response is recorded yet
(``tickets.first_response_at`` is NULL) and the ticket is not cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from intake.storage.review import _USER_COLUMNS, Customer, TicketSummary, _customer, _ticket

# Named views of the status column; "" is every ticket.
STATUS_VIEWS: dict[str, tuple[str, ...]] = {
    "": (),
    "waiting": ("queued", "filing", "failed"),
    "failed": ("failed",),
    "filed": ("filed",),
    "stored": ("stored",),
}
SORTS = ("due", "newest")
MAX_ROWS = 200


@dataclass(frozen=True)
class QueueFilter:
    status: str = ""  # a key of STATUS_VIEWS
    needs_first_response: bool = False
    sort: str = "due"


@dataclass(frozen=True)
class QueuePage:
    items: list[TicketSummary]
    total: int  # how many match; at most MAX_ROWS are listed


def list_queue(db: Database, queue: QueueFilter | None = None) -> QueuePage:
    queue = queue or QueueFilter()
    where = ["1"]
    params: dict[str, Any] = {}
    statuses = STATUS_VIEWS.get(queue.status, ())
    if statuses:
        marks = ", ".join(f":s{i}" for i in range(len(statuses)))
        where.append(f"t.status IN ({marks})")
        params.update({f"s{i}": s for i, s in enumerate(statuses)})
    if queue.needs_first_response:
        where.append(
            "t.first_response_at IS NULL AND t.closed_at IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM conversations c "
            "WHERE c.id = t.conversation_id AND c.status = 'cancelled')"
        )
    order = (
        "t.due_at IS NULL, t.due_at, t.id"
        if queue.sort != "newest"
        else "t.opened_at DESC, t.id DESC"
    )
    condition = " AND ".join(where)
    total = db.execute(f"SELECT COUNT(*) FROM tickets t WHERE {condition}", params).fetchone()[0]
    rows = db.query(
        f"""SELECT t.*, {_USER_COLUMNS} FROM tickets t LEFT JOIN users u ON u.id = t.user_id
            WHERE {condition} ORDER BY {order} LIMIT :limit""",
        {**params, "limit": MAX_ROWS},
    )
    items = [
        TicketSummary(
            ticket=_ticket(row),
            customer=_customer(row) if row["u_id"] is not None else Customer(id=row["user_id"]),
        )
        for row in rows
    ]
    return QueuePage(items=items, total=total)


def record_first_response(db: Database, ticket_id: int, at: str) -> None:
    """Mark when staff first answered (kept if already set: the first one counts)."""
    db.execute(
        "UPDATE tickets SET first_response_at = COALESCE(first_response_at, ?) WHERE id = ?",
        [at, ticket_id],
    )

"""The message that tells the on-call engineer about a new Emergency ticket.

English only: the staff chat is English. Plain text, so send it without a parse mode (the
summary is the customer's own words and may contain '<' or '*'). The outbox sends it
(intake/tickets/effects.py), retrying until the staff chat has it.
"""

from __future__ import annotations

from datetime import datetime

from intake.impact.format import format_due
from intake.impact.sla import require_aware

FIELD_LIMIT = 300  # per customer-supplied field; keeps the alert far below Telegram's 4096


def _clean(value: str, limit: int = FIELD_LIMIT) -> str:
    """One line, no control characters, cut with an ellipsis: an alert is read at a glance."""
    text = " ".join("".join(c if c.isprintable() else " " for c in (value or "")).split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or "-"


def emergency_alert_text(
    receipt: str,
    summary: str,
    opened_at: datetime,
    due: datetime,
    environment: str,
    user_label: str,
) -> str:
    """The alert for the staff chat: what, from whom, and how long is left."""
    require_aware(opened_at, "opened_at")
    require_aware(due, "due")
    minutes = int((due - opened_at).total_seconds() // 60)
    lines = [
        f"🚨 EMERGENCY ticket {_clean(receipt, 80)}: first response due within {minutes} minutes",
        f"Summary: {_clean(summary)}",
        f"From: {_clean(user_label, 120)}",
        f"Environment: {_clean(environment)}",
        f"Opened: {format_due(opened_at, 'en')}",
        f"Due: {format_due(due, 'en')}",
    ]
    return "\n".join(lines)

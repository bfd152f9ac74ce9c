"""The statuses a ticket and a conversation go through, named once.

Plain values (``StrEnum``): stored as they are in SQLite and compared with what storage
returns. The ticket's: ``stored`` (kept locally) or ``queued`` -> ``filing`` -> ``filed`` /
``failed``. The conversation's, as the staff page filters it: a submitted one follows its
ticket (``queued``, ``filed``, ``failed``; a locally kept ticket is ``submitted``).
"""

from __future__ import annotations

from enum import StrEnum


class TicketStatus(StrEnum):
    STORED = "stored"  # the local sink keeps it; nothing to file
    QUEUED = "queued"  # waiting for the outbox to file it in Redmine
    FILING = "filing"
    FILED = "filed"
    FAILED = "failed"


class ConversationStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    QUEUED = "queued"
    FILED = "filed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SOLVED = "solved"  # an article answered it before a ticket was needed

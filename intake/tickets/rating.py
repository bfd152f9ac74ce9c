"""Satisfaction: once a ticket is resolved, the customer rates it 1-5 and may add a comment.

The watcher queues the question (``rating.ask``, once per ticket) when ``wanted``: staff have
answered and the ticket is resolved or closed. Nobody helped a ticket closed before any answer,
and a ticket open again has nothing to rate yet, so the question is checked again when it is
due (and asked later if the ticket is settled again) and a tap on it is refused. The bot's edge
stores the tap and the comment through here, and each becomes a private note on the issue
(``rating.note``, redmine lane, in the ticket's chain so it follows the customer's own notes).
The note is private: a rating is feedback about staff, for staff. Staff read it in English.
"""

from __future__ import annotations

from datetime import timedelta

from sqlite_utils import Database

from intake.i18n import N_, gettext
from intake.storage import outbox as queue
from intake.storage import watch
from intake.storage.db import write_tx
from intake.storage.tickets import TicketRow
from intake.telegram_html import fill, html
from intake.tickets.outbox import ErrorClass
from intake.tickets.redmine.journals import RESOLVED_NAMES

ASK = "rating.ask"
NOTE = "rating.note"
# How long after the tap the next text is taken as the rating's comment.
COMMENT_WINDOW = timedelta(minutes=30)
PREFIX = "rate"  # the bot's CallbackData prefix; ``button_data`` must match its ``pack()``
SKIP = 0

QUESTION = N_(
    "Your ticket {ticket} is resolved. How satisfied are you with the help you got? "
    "Tap 1 (poor) to 5 (excellent)."
)
RATED = N_(
    "Thank you! You rated {receipt} {score} out of 5. If you like, send a comment now as a "
    "message, or tap Skip."
)
SKIP_BUTTON = N_("Skip")
THANKS = N_("Thank you for your rating.")
COMMENT_THANKS = N_("Thank you, your comment is recorded with your rating.")
ALREADY = N_("You have already rated this ticket.")
OPEN_AGAIN = N_(
    "Your ticket {receipt} is open again, so there is nothing to rate yet. We will ask you "
    "once it is resolved."
)


def button_data(ticket_id: int, score: int) -> str:
    """``rate:<ticket>:<score>`` (0: skip the comment); at most 64 bytes, as Telegram wants."""
    return f"{PREFIX}:{int(ticket_id)}:{int(score)}"


def question_buttons(ticket_id: int) -> list[list[tuple[str, str]]]:
    return [[(str(n), button_data(ticket_id, n)) for n in range(1, 6)]]


def skip_buttons(locale: str, ticket_id: int) -> list[list[tuple[str, str]]]:
    return [[(gettext(locale, SKIP_BUTTON), button_data(ticket_id, SKIP))]]


def question(locale: str, ticket_html: str) -> str:
    return fill(gettext(locale, QUESTION), ticket=html(ticket_html))


def settled(ticket: TicketRow) -> bool:
    """Resolved or closed, as last known; a ticket open again has nothing to rate yet."""
    return ticket.closed or (ticket.redmine_status or "").strip().lower() in RESOLVED_NAMES


def wanted(ticket: TicketRow) -> bool:
    """Whether to ask now: staff have answered (someone helped), and the ticket is settled."""
    return ticket.first_response_at is not None and settled(ticket)


def queue_question(db: Database, ticket: TicketRow, priority: int = 5) -> None:
    """Ask once per ticket, after the updates queued before it (same chain); a question not
    sent because the ticket was open again when it was due goes once it is settled again."""
    item = queue.enqueue(
        db,
        ASK,
        {"ticket_id": ticket.id},
        key=f"rating.ask:{ticket.id}",
        lane="telegram",
        priority=priority,
        chain=f"customer:{ticket.id}",
        ticket_id=ticket.id,
    )
    if item.status == queue.FAILED and item.error_class == ErrorClass.UNWANTED:
        queue.requeue(db, item.id)


def rate(db: Database, ticket: TicketRow, score: int) -> bool:
    """Store the rating and queue its note; False if the ticket was rated already."""
    with write_tx(db):
        if not watch.add_rating(db, ticket.id, score):
            return False
        queue.enqueue(
            db,
            NOTE,
            {"ticket_id": ticket.id, "text": note_text(score)},
            key=f"rating.note:{ticket.id}",
            lane="redmine",
            chain=f"ticket:{ticket.id}",
            ticket_id=ticket.id,
        )
    return True


def comment(db: Database, ticket: TicketRow, text: str | None) -> bool:
    """Take the comment (None: skipped); queue it as a second note. False if not awaited."""
    with write_tx(db):
        if not watch.close_comment(db, ticket.id, text):
            return False
        if text:
            queue.enqueue(
                db,
                NOTE,
                {"ticket_id": ticket.id, "text": comment_text(text)},
                key=f"rating.comment:{ticket.id}",
                lane="redmine",
                chain=f"ticket:{ticket.id}",
                ticket_id=ticket.id,
            )
    return True


def note_text(score: int) -> str:
    return f"Customer satisfaction: {score}/5 (rated in Telegram)."


def comment_text(text: str) -> str:
    quoted = "\n".join(f"> {line}" for line in text.strip().splitlines())
    return f"Customer's comment on their rating:\n\n{quoted}"

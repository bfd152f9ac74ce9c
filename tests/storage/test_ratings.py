"""Ratings: the first one counts, and a comment is awaited only for a while after the tap."""

from __future__ import annotations

from datetime import timedelta

from intake.storage import outbox as queue
from intake.storage import tickets as store
from intake.storage import watch
from intake.storage.db import open_db, utcnow
from intake.tickets import rating
from tests.factories import make_conversation, make_ticket, make_user


def _ticket(db):
    user = make_user(db)
    ticket_id = make_ticket(db, make_conversation(db, user), status="filed", external_id="45")
    return user, store.get_ticket(db, ticket_id)


def test_the_first_rating_counts_and_is_queued_as_one_private_note():
    db = open_db()
    _, ticket = _ticket(db)
    assert rating.rate(db, ticket, 5)
    assert not rating.rate(db, ticket, 1)
    assert watch.get_rating(db, ticket.id).score == 5
    notes = [i for i in queue.for_ticket(db, ticket.id) if i.kind == rating.NOTE]
    assert [(i.lane, i.data["text"]) for i in notes] == [
        ("redmine", "Customer satisfaction: 5/5 (rated in Telegram).")
    ]


def test_a_comment_is_awaited_only_within_the_window_and_only_once():
    db = open_db()
    user, ticket = _ticket(db)
    rating.rate(db, ticket, 3)
    assert watch.awaiting_comment(db, user, since=utcnow() - timedelta(minutes=30))
    assert watch.awaiting_comment(db, user, since=utcnow() + timedelta(seconds=1)) is None
    assert rating.comment(db, ticket, None)  # Skip
    assert not rating.comment(db, ticket, "late words")
    assert watch.awaiting_comment(db, user, since=utcnow() - timedelta(days=1)) is None
    assert watch.get_rating(db, ticket.id).comment is None

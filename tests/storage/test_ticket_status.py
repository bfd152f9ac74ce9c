"""A ticket's state as the customer reads it: what Redmine says, unless the customer has just
changed it and Redmine has not caught up yet."""

from __future__ import annotations

from intake.storage import tickets as store
from intake.storage.db import open_db
from intake.tickets.redmine.sink import RedmineSink
from tests.factories import make_conversation, make_ticket, make_user


def _closed_in_redmine(db):
    ticket_id = make_ticket(db, make_conversation(db, make_user(db)), status="filed")
    store.set_closed(db, ticket_id, True, status_name="Closed")  # Redmine closed it
    return ticket_id


def test_a_reopen_forgets_the_closed_status_redmine_had():
    db = open_db()
    ticket_id = _closed_in_redmine(db)
    reopened = RedmineSink(db).set_closed(ticket_id, False, key="tap-1")
    assert not reopened.closed and reopened.redmine_status is None


def test_redmine_read_before_the_customers_reopen_reached_it_is_not_recorded():
    db = open_db()
    ticket_id = _closed_in_redmine(db)
    RedmineSink(db).set_closed(ticket_id, False, key="tap-1")  # on its way to Redmine
    store.record_redmine_status(db, ticket_id, "Closed", closed=True)  # the watcher, too early
    ticket = store.get_ticket(db, ticket_id)
    assert not ticket.closed and ticket.redmine_status is None

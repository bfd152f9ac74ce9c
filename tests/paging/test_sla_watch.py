"""SLA watch: the staff chat hears at 75 % of the first-response window and at the deadline,
counted in support hours (24x5, holidays closed) like the deadline itself."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from intake.storage import paging as pages
from intake.storage import tickets as store
from tests.paging.conftest import STAFF, Clock, Desk

FRIDAY_4PM = datetime.fromisoformat("2026-11-27T16:00-08:00")  # an hour before the weekend
MONDAY = date(2026, 11, 30)


def pacific(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_staff_are_warned_at_75_percent_and_at_the_deadline_across_weekend_and_holiday(
    tmp_path, messenger
):
    clock = Clock(FRIDAY_4PM)
    desk = Desk(tmp_path / "intake.sqlite3", clock, messenger, holidays=frozenset({MONDAY}))
    try:
        answered = desk.submit("low", summary="Export to CSV is slow")
        ticket_id = desk.submit("low", summary="Reports page is slow")
        pages.mark_first_response(desk.db, answered, FRIDAY_4PM + timedelta(minutes=20))
        await desk.run()
        clock.now = pacific("2026-11-30T08:00-08:00")  # 75 % were there no holiday
        await desk.run()
        assert messenger.to(STAFF) == []

        clock.now = pacific("2026-12-01T08:00-08:00")
        await desk.run()
        [soon] = messenger.to(STAFF)
        assert soon.splitlines() == [
            "⏳ First response due soon: OS-000002 (Low Impact)",
            "Customer: Li (@lilei)",
            "Summary: Reports page is slow",
            "Time left: 6 h 00 min of support hours, due Tuesday 1 December 2026, "
            "14:00 PST (22:00 UTC)",
            "Kept locally: staff page, ticket OS-000002",
        ]

        clock.now = pacific("2026-12-01T14:05-08:00")  # the worker woke a little late
        await desk.run()
        overdue = messenger.to(STAFF)[-1]
        assert overdue.startswith("🔥 First response OVERDUE: OS-000002 (Low Impact)")
        assert "Overdue by 5 min of support hours, was due Tuesday 1 December 2026" in overdue
        assert len(messenger.to(STAFF)) == 2  # nothing about the answered ticket
        assert ticket_id == 2
    finally:
        desk.close()


async def test_a_warning_due_while_the_bot_was_down_is_sent_at_the_next_start(tmp_path, messenger):
    clock = Clock(FRIDAY_4PM)
    path = tmp_path / "intake.sqlite3"
    first = Desk(path, clock, messenger)
    first.submit("highly-degraded")
    first.close()
    clock.now = pacific("2026-11-30T09:00-08:00")  # down all weekend
    second = Desk(path, clock, messenger)
    try:
        await second.run()
        [overdue] = messenger.to(STAFF)  # the 75 % warning came too late to be worth it
        assert overdue.startswith("🔥 First response OVERDUE: OS-000001 (Highly Degraded)")
        # Sunday 18:00 to midnight, and Monday until 09:00.
        assert "Overdue by 15 h 00 min of support hours" in overdue
    finally:
        second.close()


async def test_no_warning_for_a_ticket_the_customer_closed(tmp_path, messenger):
    clock = Clock(FRIDAY_4PM)
    desk = Desk(tmp_path / "intake.sqlite3", clock, messenger)
    try:
        ticket_id = desk.submit("highly-degraded")
        store.set_closed(desk.db, ticket_id, True, now=FRIDAY_4PM + timedelta(minutes=5))
        clock.now = pacific("2026-11-30T09:00-08:00")
        await desk.run()
        assert messenger.to(STAFF) == []
    finally:
        desk.close()

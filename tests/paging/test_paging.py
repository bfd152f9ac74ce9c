"""On-call paging: page, escalate while nobody takes it, stop when someone does, survive a
restart."""

from __future__ import annotations

from datetime import timedelta

from intake.storage import outbox as queue
from intake.storage import paging as pages
from intake.storage import tickets as store
from intake.tickets.paging import OnCall
from tests.paging.conftest import ALICE, BOB, CAROL, STAFF, Desk

TEN_MINUTES = timedelta(minutes=10)


async def test_an_emergency_pages_the_staff_chat_and_the_first_contact_with_its_deadline(
    desk, messenger
):
    desk.submit()
    await desk.run()
    [staff] = messenger.paged(STAFF)
    [alice] = messenger.paged(ALICE)
    assert staff == alice
    assert "EMERGENCY ticket OS-000001" in staff
    assert "Due: Saturday 28 November 2026, 23:00 PST (07:00 UTC Sunday)" in staff
    assert "Paging: 501 (on-call contact 1 of 2)" in staff
    assert messenger.paged(BOB) == []


async def test_a_page_nobody_takes_escalates_to_the_next_contact_and_then_wraps_round(
    desk, messenger, clock
):
    desk.submit()
    await desk.run()
    clock.advance(TEN_MINUTES - timedelta(seconds=1))
    await desk.run()
    assert messenger.paged(BOB) == []  # not yet
    clock.advance(timedelta(seconds=1))
    await desk.run()
    [bob] = messenger.paged(BOB)
    assert bob.startswith("⏰ NOT ACKNOWLEDGED after 10 min: page 2")
    assert "Paging: 502 (on-call contact 2 of 2)" in bob
    assert len(messenger.paged(STAFF)) == 2  # the staff chat is paged again
    clock.advance(TEN_MINUTES)
    await desk.run()
    assert len(messenger.paged(ALICE)) == 2  # after the last contact, the first again
    assert "after 20 min: page 3" in messenger.paged(ALICE)[-1]
    assert pages.get(desk.db, 1).round == 2


async def test_acknowledging_stops_the_page_marks_every_alert_and_tells_the_customer(
    tmp_path, clock, messenger
):
    desk = Desk(tmp_path / "zh.sqlite3", clock, messenger)
    try:
        ticket_id = desk.submit(language="zh_Hans")
        await desk.run()
        clock.advance(timedelta(minutes=3))
        ack = desk.paging.acknowledge(
            ticket_id, user_id=ALICE, name="Alice (@alice)", username="alice"
        )
        assert ack.first and ack.name == "Alice (@alice)" and ack.at == clock.now
        await desk.run()
        assert len(messenger.edits) == 2  # the staff chat's alert and Alice's
        for text in messenger.edits.values():
            assert "✅ Alice (@alice) is on it (since Saturday 28 November 2026, 22:33 PST" in text
            assert "Tap " not in text
        [told] = [text for _, text in messenger.sent if "OS-000001" in text]
        assert "值班工程师已接手您的紧急工单 OS-000001" in told
        clock.advance(TEN_MINUTES * 3)
        await desk.run()
        assert messenger.paged(BOB) == []  # taken: nobody else is woken
    finally:
        desk.close()


async def test_a_second_tap_is_told_who_already_has_the_page(desk, messenger):
    ticket_id = desk.submit()
    await desk.run()
    first = desk.paging.acknowledge(ticket_id, user_id=BOB, name="Bob", username=None)
    second = desk.paging.acknowledge(ticket_id, user_id=ALICE, name="Alice", username="alice")
    assert first.first and not second.first
    assert second.name == "Bob" and second.at == first.at
    await desk.run()
    told = [item for item in queue.for_ticket(desk.db, ticket_id) if item.kind == "page.told"]
    assert len(told) == 1  # the customer hears it once


async def test_paging_survives_a_restart_in_the_middle_of_a_page(tmp_path, clock, messenger):
    path = tmp_path / "intake.sqlite3"
    first = Desk(path, clock, messenger)
    ticket_id = first.submit()
    await first.run()
    first.close()  # the process dies between two pages

    clock.advance(TEN_MINUTES + timedelta(minutes=5))
    second = Desk(path, clock, messenger)
    try:
        await second.run()
        assert len(messenger.paged(BOB)) == 1  # the escalation was waiting in the file
        ack = second.paging.acknowledge(ticket_id, user_id=BOB, name="Bob", username=None)
        assert ack.first
        await second.run()
        assert len(messenger.edits) == 4  # both rounds' alerts, sent before and after
        clock.advance(TEN_MINUTES * 2)
        await second.run()
        assert len(messenger.paged(ALICE)) == 1 and len(messenger.paged(STAFF)) == 2
    finally:
        second.close()


async def test_the_page_ends_once_staff_answered_the_ticket(desk, messenger, clock):
    ticket_id = desk.submit()
    await desk.run()
    pages.mark_first_response(desk.db, ticket_id, clock.now + timedelta(minutes=4))
    clock.advance(TEN_MINUTES)
    await desk.run()
    assert messenger.paged(BOB) == []


async def test_the_page_ends_when_the_customer_closes_the_ticket(desk, messenger, clock):
    ticket_id = desk.submit()
    await desk.run()
    store.set_closed(desk.db, ticket_id, True, now=clock.now + timedelta(minutes=2))
    clock.advance(TEN_MINUTES)
    await desk.run()
    assert messenger.paged(BOB) == []


async def test_an_alert_sent_while_it_was_being_taken_shows_who_took_it(desk, messenger):
    desk.submit()
    original = messenger.send_page

    async def taken_meanwhile(chat_id, html, *, ticket_id):
        message_id = await original(chat_id, html, ticket_id=ticket_id)
        if chat_id == ALICE:
            desk.paging.acknowledge(ticket_id, user_id=CAROL, name="Carol", username=None)
        return message_id

    messenger.send_page = taken_meanwhile
    await desk.run()
    await desk.run()
    assert len(messenger.edits) == len(messenger.pages) == 2


def test_every_round_pages_the_staff_chat_and_the_next_contact_in_order():
    oncall = OnCall(staff_chat_id=STAFF, contacts=(ALICE, BOB, CAROL))
    assert [oncall.targets(n) for n in range(4)] == [
        (STAFF, ALICE),
        (STAFF, BOB),
        (STAFF, CAROL),
        (STAFF, ALICE),
    ]
    assert OnCall(staff_chat_id=STAFF).targets(3) == (STAFF,)
    assert OnCall(contacts=(STAFF, ALICE)).targets(0) == (STAFF,)
    assert OnCall(staff_chat_id=STAFF, contacts=(STAFF,)).targets(0) == (STAFF,)


def test_only_the_on_call_list_and_the_staff_chat_may_take_a_page():
    oncall = OnCall(staff_chat_id=STAFF, contacts=(ALICE, -200))
    assert oncall.may_acknowledge(ALICE, ALICE)  # in her private chat
    assert oncall.may_acknowledge(CAROL, STAFF)  # anyone in the staff chat
    assert oncall.may_acknowledge(CAROL, -200)  # anyone in a paged group
    assert not oncall.may_acknowledge(CAROL, CAROL)  # a stranger with a forged button
    assert not oncall.may_acknowledge(CAROL, -300)

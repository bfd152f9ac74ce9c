"""An Emergency filed on Saturday night pages the on-call list until someone says "I'm on it".

The real bot polls the Bot API emulator; the staff chat is a group, the on-call contacts are
people in private chats with the bot. Time is the test's: real time from Saturday 22:30 in
California, moved on by ten minutes instead of waiting them.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from intake.config import Settings
from intake.runtime import BotRunner, build_services
from intake.storage import paging as pages
from intake.storage.db import open_db
from tests.e2e.conftest import Running
from tests.e2e.steps import ZH, complete_intake

STAFF_CHAT = -100500
SATURDAY_NIGHT = datetime.fromisoformat("2026-11-28T22:30-08:00").astimezone(UTC)
ACK = "I'm on it"


class TestClock:
    """Saturday night, running at real speed, plus whatever the test skips ahead."""

    __test__ = False

    def __init__(self, start: datetime) -> None:
        self.start, self.began, self.skipped = start, time.monotonic(), timedelta(0)

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began) + self.skipped


class OpenedBy:
    """The sink, with tickets opened at the test's time (the dialogue reads the wall clock)."""

    def __init__(self, sink, clock: TestClock) -> None:
        self.sink, self.clock = sink, clock

    def submit(self, draft, *, conversation_id, opened_at):
        return self.sink.submit(draft, conversation_id=conversation_id, opened_at=self.clock())

    def __getattr__(self, name):
        return getattr(self.sink, name)


@pytest.fixture
async def on_call(emulator, tmp_path) -> AsyncIterator[tuple[Running, TestClock]]:
    """The bot with two on-call contacts, Alice then Bob (ids 9001 and 9002)."""
    alice = emulator.user(9001, first_name="Alice", username="alice")
    bob = emulator.user(9002, first_name="Bob", username="bob")
    settings = Settings(
        INTAKE_DATABASE=tmp_path / "intake.sqlite3",
        STAFF_CHAT_ID=STAFF_CHAT,
        ONCALL=f"{alice.id},{bob.id}",
        PAGE_ACK_MINUTES=10,
    )
    clock = TestClock(SATURDAY_NIGHT)
    services = build_services(settings, db=open_db(settings.database), clock=clock)
    services.ticketing.sink = OpenedBy(services.ticketing.sink, clock)
    runner = BotRunner(services, emulator.token, emulator.base_url)
    await runner.start(polling_timeout=1)
    running = Running(emulator, services, runner)
    yield running, clock
    await running.runner.stop()
    await services.aclose()


async def skip(running: Running, clock: TestClock, delta: timedelta) -> None:
    clock.skipped += delta
    running.services.ticketing.outbox.wake()
    await running.emulator.settle()


def has_ack_button(message) -> bool:
    return any(ACK in text for text in message.button_texts)


async def test_an_emergency_on_saturday_night_pages_until_someone_is_on_it(on_call):
    intake, clock = on_call
    staff = intake.emulator.group("On-call", id=STAFF_CHAT)
    alice, bob = intake.user(id=9001), intake.user(id=9002)
    customer = intake.user(language_code="zh-hans", first_name="Li Lei", username="lilei")

    await complete_intake(customer, ZH, summary="所有用户都看到 502 错误")

    # The first page: the staff chat and the first on-call contact, with the deadline.
    first = await alice.wait_for(has_ack_button, timeout=10)
    alices_button = first.buttons[0][0].callback_data
    assert "EMERGENCY ticket OS-000001" in first.text
    assert "Due: Saturday 28 November 2026, 23:00 PST (07:00 UTC Sunday)" in first.text
    paged_staff = [m for m in staff.messages if m.from_bot and has_ack_button(m)]
    assert len(paged_staff) == 1
    assert not [m for m in bob.messages if m.from_bot]

    # The bot restarts while the page waits; ten minutes without "I'm on it": the staff
    # chat again, and the next contact.
    await intake.restart()
    await skip(intake, clock, timedelta(minutes=10))
    second = await bob.wait_for(has_ack_button, timeout=10)
    assert second.text.startswith("⏰ NOT ACKNOWLEDGED after 10 min: page 2")
    assert len([m for m in staff.messages if m.from_bot and has_ack_button(m)]) == 2

    # Bob takes it from his private chat.
    answer = await (await bob.tap(lambda b: ACK in b.text, second)).answer()
    assert answer.show_alert and answer.text.startswith("OS-000001 is yours")
    told = await customer.wait_for("值班工程师已接手您的紧急工单 OS-000001", timeout=10)
    assert told is not None
    await intake.emulator.settle()
    taken = await staff_message_edited(staff)
    assert "✅ Bob (@bob) is on it (since Saturday 28 November 2026, 22:4" in taken.text
    assert not has_ack_button(taken)
    page = pages.get(intake.services.db, 1)
    assert page.acked_by == bob.id and page.round == 1

    # Alice's button (tapped before her alert showed Bob took it) says who has it.
    late = await (await alice.tap_data(first.message_id, alices_button)).answer()
    assert late.text.startswith("Bob (@bob) already has OS-000001")

    # Someone outside the on-call list cannot take a page with a forged button.
    stranger = intake.user(first_name="Eve")
    await stranger.send_command("/help")
    await stranger.wait_for(lambda m: m.from_bot)
    mine = stranger.messages[-1]
    refused = await (await stranger.tap_data(mine.message_id, "page:1")).answer()
    assert refused.text.startswith("Only the on-call list and the staff chat")

    # Taken: the page is over, nobody else is woken.
    before = len([m for m in alice.messages if m.from_bot])
    await skip(intake, clock, timedelta(minutes=25))
    assert len([m for m in alice.messages if m.from_bot]) == before


async def staff_message_edited(staff, seconds: float = 10.0):
    """The staff chat's first alert, once it shows who took the page."""
    import asyncio

    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        alerts = [m for m in staff.messages if m.from_bot and "EMERGENCY" in (m.text or "")]
        if alerts and "is on it" in (alerts[0].text or ""):
            return alerts[0]
        assert asyncio.get_running_loop().time() < deadline, [m.text for m in alerts]
        await asyncio.sleep(0.05)

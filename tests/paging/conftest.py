"""Paging and the SLA watch through the real outbox, with a clock the test moves."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta

import pytest

from intake.draft import TicketDraft
from intake.storage.db import open_db
from intake.tickets.effects import Effects
from intake.tickets.local import LocalSink, default_due_at
from intake.tickets.outbox import Outbox
from intake.tickets.paging import OnCall
from tests.factories import make_conversation, make_user

STAFF = -100500
ALICE, BOB, CAROL = 501, 502, 503
# Saturday 28 November 2026, 22:30 in California: 24x5 support is closed.
SATURDAY_NIGHT = datetime.fromisoformat("2026-11-28T22:30-08:00").astimezone(UTC)


class Clock:
    """The test's time: it stands still until the test moves it."""

    def __init__(self, now: datetime = SATURDAY_NIGHT) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class FakeMessenger:
    """Stands for Telegram: what was sent, paged (with a button) and edited, per chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.pages: dict[int, tuple[int, str, int]] = {}  # message id -> (chat, text, ticket)
        self.edits: dict[int, str] = {}

    async def send(self, chat_id: int, html: str, *, conversation_id: int | None = None) -> None:
        self.sent.append((chat_id, html))

    async def send_page(self, chat_id: int, html: str, *, ticket_id: int) -> int:
        message_id = 1000 + len(self.pages)
        self.pages[message_id] = (chat_id, html, ticket_id)
        return message_id

    async def edit(self, chat_id: int, message_id: int, html: str) -> None:
        assert self.pages[message_id][0] == chat_id
        self.edits[message_id] = html

    def paged(self, chat_id: int) -> list[str]:
        return [text for chat, text, _ in self.pages.values() if chat == chat_id]

    def to(self, chat_id: int) -> list[str]:
        return [text for chat, text in self.sent if chat == chat_id]


class Desk:
    """One running process: the database, its outbox and effects (a restart builds another)."""

    def __init__(
        self,
        path,
        clock: Clock,
        messenger: FakeMessenger,
        *,
        contacts: tuple[int, ...] = (ALICE, BOB),
        staff: int | None = STAFF,
        holidays: frozenset[date] = frozenset(),
    ) -> None:
        self.db = open_db(path)
        self.clock = clock
        self.messenger = messenger
        self.holidays = holidays
        oncall = OnCall(staff_chat_id=staff, contacts=contacts, ack_after=timedelta(minutes=10))
        self.effects = Effects(
            self.db, messenger, staff_chat_id=staff, oncall=oncall, holidays=holidays, clock=clock
        )
        self.outbox = Outbox(self.db, self.effects.handlers(), clock=clock, jitter=0)
        self.paging = self.effects.paging
        self.paging.wake = self.outbox.wake
        self.sink = LocalSink(
            self.db,
            holidays=holidays,
            wake=self.outbox.wake,
            due_at=functools.partial(default_due_at, holidays=holidays),
        )

    def submit(
        self,
        impact: str = "emergency",
        *,
        language: str = "en",
        summary: str = "All users see 502 errors",
    ) -> int:
        user = make_user(self.db, language=language, first_name="Li", username="lilei")
        conversation = make_conversation(self.db, user, language=language)
        draft = TicketDraft(
            summary=summary,
            browser="Firefox",
            browser_version="121.0",
            os="Ubuntu",
            os_version="22.04",
            product_version="4.2.1",
            impact=impact,
            impact_suggested=impact,
            description=["Every page returns 502."],
        )
        return self.sink.submit(
            draft, conversation_id=conversation, opened_at=self.clock()
        ).ticket_id

    async def run(self) -> int:
        return await self.outbox.run_once()

    def close(self) -> None:
        self.db.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def messenger() -> FakeMessenger:
    return FakeMessenger()


@pytest.fixture
def desk(tmp_path, clock, messenger):
    desk = Desk(tmp_path / "intake.sqlite3", clock, messenger)
    yield desk
    desk.close()

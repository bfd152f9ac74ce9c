"""Tickets and the outbox without a network: what submit queues, leases, back-off, error
classes, and what the customer and the staff chat are told."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from intake.storage import attachments
from intake.storage import outbox as queue
from intake.storage import tickets as store
from intake.tickets.local import LocalSink
from intake.tickets.notices import delayed_message, failed_message, filed_message
from intake.tickets.outbox import GiveUp, Outbox, Retry
from intake.tickets.redmine.errors import (
    RedmineAuthError,
    RedmineTimeout,
    RedmineUnavailable,
    RedmineValidationError,
)
from intake.tickets.redmine.sink import FALLBACK_UNKNOWN_LOGIN, FilingResult, RedmineSink
from tests.redmine.conftest import make_outbox

T0 = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)
STAFF = -100


class Clock:
    """Real time moved forward by the test: what is queued "now" is always due."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    @property
    def now(self) -> datetime:
        return self()

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

    def jump_to(self, when: datetime) -> None:
        self.offset = max(self.offset, when - datetime.now(UTC) + timedelta(milliseconds=1))


class ScriptedFiler:
    """Answers each ticket's attempts from a script: an exception to raise or 'ok'."""

    def __init__(self, db, script: dict[int, list]) -> None:
        self.db, self.script, self.calls = db, script, []

    async def file(self, ticket_id: int) -> FilingResult:
        self.calls.append(ticket_id)
        outcome = self.script[ticket_id].pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        store.mark_filed(self.db, ticket_id, external_id="77", external_url="http://r/issues/77")
        return FilingResult(ticket_id, 77, "http://r/issues/77", created=True, as_customer=False)


def _submit(factory, draft_factory, sink, *, opened_at=T0, **draft):
    conv = factory.conversation()
    return sink.submit(draft_factory(**draft), conversation_id=conv, opened_at=opened_at)


def _wait(item) -> timedelta:
    """How long a retried item waits: from its last attempt to its next."""
    return datetime.fromisoformat(item.next_attempt_at) - datetime.fromisoformat(item.updated_at)


def test_redmine_sink_commits_the_ticket_with_its_filing_delay_check_and_sla_watch(
    db, factory, draft_factory
):
    woken = []
    receipt = _submit(factory, draft_factory, RedmineSink(db, wake=lambda: woken.append(1)))
    assert receipt.receipt == "OS-000001" and receipt.status == "queued"
    assert receipt.due_at is not None and woken == [1]
    ticket = store.get_ticket(db, receipt.ticket_id)
    assert ticket.reference.startswith("OS-000001-") and ticket.sink == "redmine"
    kinds = [item.kind for item in queue.for_ticket(db, ticket.id)]
    assert kinds == ["sla.warn", "sla.warn", "redmine.file", "ticket.delay_check"]
    assert (
        db.execute(
            "SELECT status FROM conversations WHERE id = ?", (ticket.conversation_id,)
        ).fetchone()[0]
        == "queued"
    )


def test_redmine_submitting_twice_keeps_one_ticket_and_one_filing(db, factory, draft_factory):
    conv = factory.conversation()
    sink = RedmineSink(db)
    first = sink.submit(draft_factory(), conversation_id=conv, opened_at=T0)
    second = sink.submit(draft_factory(), conversation_id=conv, opened_at=T0)
    assert first.ticket_id == second.ticket_id
    assert store.count_by_status(db) == {"queued": 1}
    assert len(queue.for_ticket(db, first.ticket_id)) == 4  # filing, delay check, 2 warnings


def test_local_sink_stores_and_queues_nothing_for_redmine(db, factory, draft_factory):
    receipt = _submit(factory, draft_factory, LocalSink(db))
    assert receipt.status == "stored"
    kinds = [item.kind for item in queue.for_ticket(db, receipt.ticket_id)]
    assert kinds == ["sla.warn", "sla.warn"]  # the staff chat's, not Redmine's


def test_an_emergency_queues_the_on_call_page_with_the_ticket(db, factory, draft_factory):
    receipt = _submit(factory, draft_factory, LocalSink(db), impact="emergency")
    page, *watch = queue.for_ticket(db, receipt.ticket_id)
    assert page.kind == "page.round" and page.priority == 0 and page.data["round"] == 0
    assert [(w.kind, w.data["point"], w.priority) for w in watch] == [
        ("sla.warn", "75", 0),
        ("sla.warn", "due", 0),
    ]


def test_redmine_draft_attachments_are_linked_to_the_ticket(db, factory, draft_factory):
    conv = factory.conversation()
    ref = factory.attachment(conv, "a.txt", b"a")
    other = factory.attachment(conv, "b.txt", b"b")  # not in the draft
    receipt = RedmineSink(db).submit(
        draft_factory(attachments=[ref]), conversation_id=conv, opened_at=T0
    )
    assert [a.id for a in attachments.ticket_attachments(db, receipt.ticket_id)] == [
        ref.attachment_id
    ]
    assert attachments.get_attachment(db, other.attachment_id) is not None
    assert attachments.attachment_data(db, ref.attachment_id) == b"a"


def test_a_live_lease_is_never_taken_and_a_dead_one_is(db):
    item = queue.enqueue(db, "x", {}, key="x:1", lane="redmine")
    now = datetime.now(UTC)
    [claimed] = queue.claim(
        db, lane="redmine", holder="a", now=now, lease_until=now + timedelta(minutes=5), limit=5
    )
    assert claimed.id == item.id and claimed.lease_holder == "a"
    assert (
        queue.claim(
            db,
            lane="redmine",
            holder="b",
            now=now,
            lease_until=now + timedelta(minutes=5),
            limit=5,
        )
        == []
    )
    later = now + timedelta(minutes=6)  # holder a died: its lease ran out
    [again] = queue.claim(
        db,
        lane="redmine",
        holder="b",
        now=later,
        lease_until=later + timedelta(minutes=5),
        limit=5,
    )
    assert again.lease_holder == "b"
    assert queue.hand_back(db, holder="a") == 0  # a stop hands back only its own
    assert queue.hand_back(db, holder="b") == 1
    assert queue.get(db, item.id).status == "pending"


def test_a_chain_runs_in_order(db):
    first = queue.enqueue(db, "x", {}, key="x:1", lane="redmine", chain="ticket:1")
    queue.enqueue(db, "x", {}, key="x:2", lane="redmine", chain="ticket:1")
    other = queue.enqueue(db, "x", {}, key="x:3", lane="redmine", chain="ticket:2")
    now = datetime.now(UTC)
    claimed = queue.claim(
        db, lane="redmine", holder="a", now=now, lease_until=now + timedelta(minutes=1), limit=5
    )
    assert {c.id for c in claimed} == {first.id, other.id}


def test_enqueue_is_idempotent_by_key(db):
    one = queue.enqueue(db, "x", {"n": 1}, key="same", lane="telegram")
    two = queue.enqueue(db, "x", {"n": 2}, key="same", lane="telegram")
    assert one.id == two.id and two.data == {"n": 1}


async def test_redmine_filing_backs_off_exponentially_up_to_the_cap(
    db, factory, draft_factory, messenger
):
    clock = Clock()
    tid = _submit(factory, draft_factory, RedmineSink(db), opened_at=clock.now).ticket_id
    filer = ScriptedFiler(db, {tid: [RedmineUnavailable("down")] * 6 + ["ok"]})
    outbox = make_outbox(db, filer, messenger, base_delay=10, max_delay=60, jitter=0, clock=clock)
    waits = []
    for _ in range(6):
        assert await outbox.run_once() == 1
        assert await outbox.run_once() == 0  # not due again within the same instant
        item = queue.get_by_key(db, f"file:{tid}")
        due = datetime.fromisoformat(item.next_attempt_at)
        waits.append((due - datetime.fromisoformat(item.updated_at)).total_seconds())
        clock.jump_to(due)
    assert waits == [10, 20, 40, 60, 60, 60]
    assert await outbox.run_once() == 2  # filed, then the customer is told
    ticket = store.get_ticket(db, tid)
    assert ticket.status == "filed" and ticket.external_id == "77"
    assert queue.get_by_key(db, f"file:{tid}").attempts == 6
    [told] = messenger.sent
    assert "issue #77" in told[1]


async def test_a_429_waits_what_redmine_asks(db, factory, draft_factory, messenger):
    clock = Clock()
    tid = _submit(factory, draft_factory, RedmineSink(db), opened_at=clock.now).ticket_id
    down = RedmineUnavailable("429", status=429, retry_after=42)
    outbox = make_outbox(db, ScriptedFiler(db, {tid: [down]}), messenger, clock=clock)
    await outbox.run_once()
    item = queue.get_by_key(db, f"file:{tid}")
    assert _wait(item) == timedelta(seconds=42)


async def test_a_timeout_waits_for_redmine_to_settle_before_looking_again(
    db, factory, draft_factory, messenger
):
    clock = Clock()
    tid = _submit(factory, draft_factory, RedmineSink(db), opened_at=clock.now).ticket_id
    filer = ScriptedFiler(db, {tid: [RedmineTimeout("no answer within 30 s")]})
    outbox = make_outbox(db, filer, messenger, settle=120, clock=clock)
    await outbox.run_once()
    item = queue.get_by_key(db, f"file:{tid}")
    assert item.error_class == "unknown"
    assert _wait(item) == timedelta(seconds=120)


async def test_emergency_is_filed_first_and_told_at_its_delay_whatever_redmine_does(
    db, factory, draft_factory, messenger
):
    clock = Clock()
    sink = RedmineSink(db)
    low = _submit(factory, draft_factory, sink, impact="low", opened_at=clock.now).ticket_id
    emergency = _submit(
        factory, draft_factory, sink, impact="emergency", opened_at=clock.now
    ).ticket_id
    filer = ScriptedFiler(
        db, {low: [RedmineUnavailable("down")] * 5, emergency: [RedmineUnavailable("down")] * 5}
    )
    outbox = make_outbox(
        db,
        filer,
        messenger,
        base_delay=1,
        jitter=0,
        clock=clock,
        lanes={"redmine": 1, "telegram": 4},
    )
    await outbox.run_once()
    assert filer.calls[0] == emergency  # one at a time: the Emergency went first
    staff = messenger.to(STAFF)
    assert len(staff) == 1 and "EMERGENCY ticket OS-000002" in staff[0]
    clock.advance(timedelta(minutes=2))  # the configured Emergency notice delay
    await outbox.run_once()
    customer = [text for _, text in messenger.sent if "Redmine is not answering" in text]
    assert len(customer) == 1 and "Orangesky Lab Support" in customer[0]
    assert any("is not in Redmine after 2 min" in t for t in messenger.to(STAFF))
    clock.advance(timedelta(minutes=15))
    await outbox.run_once()
    customer = [text for _, text in messenger.sent if "Redmine is not answering" in text]
    assert len(customer) == 2  # the Low ticket's notice, once


async def test_a_configuration_error_is_retried_slowly_and_staff_are_told_once(
    db, factory, draft_factory, messenger
):
    clock = Clock()
    tid = _submit(factory, draft_factory, RedmineSink(db), opened_at=clock.now).ticket_id
    refused = RedmineValidationError(["Priority cannot be blank"], where="POST /issues.json")
    filer = ScriptedFiler(db, {tid: [refused, refused, RedmineAuthError("401")]})
    outbox = make_outbox(db, filer, messenger, config_delay=300, jitter=0, clock=clock)
    await outbox.run_once()
    item = queue.get_by_key(db, f"file:{tid}")
    assert item.status == "pending" and item.error_class == "config"
    assert _wait(item) >= timedelta(seconds=300)
    clock.jump_to(datetime.fromisoformat(item.next_attempt_at))
    await outbox.run_once()  # the same reason again: no second alert
    alerts = messenger.to(STAFF)
    assert len(alerts) == 1 and "Priority cannot be blank" in alerts[0]
    assert store.get_ticket(db, tid).status == "queued"  # never failed for a fixable cause
    clock.advance(timedelta(minutes=15))
    await outbox.run_once()
    [delayed] = [t for _, t in messenger.sent if "delayed by a problem on our side" in t]
    assert "OS-000001" in delayed


async def test_a_failed_telegram_send_is_retried_and_a_block_is_recorded(
    db, factory, draft_factory, messenger
):
    clock = Clock()
    tid = _submit(factory, draft_factory, RedmineSink(db), opened_at=clock.now).ticket_id
    outbox = make_outbox(
        db, ScriptedFiler(db, {tid: ["ok"]}), messenger, base_delay=1, jitter=0, clock=clock
    )
    messenger.fail = [Retry("502 from Telegram")]
    await outbox.run_once()
    notice = queue.get_by_key(db, f"notice:filed:{tid}")
    assert notice.status == "pending" and notice.attempts == 1 and messenger.sent == []
    clock.advance(timedelta(seconds=2))
    await outbox.run_once()
    assert queue.get_by_key(db, f"notice:filed:{tid}").status == "done"
    assert len(messenger.sent) == 1

    blocked = queue.enqueue(
        db, "notice", {"ticket_id": tid, "notice": "failed"}, key="notice:again", lane="telegram"
    )
    messenger.fail = [GiveUp("Forbidden: bot was blocked by the user", error_class="blocked")]
    await outbox.run_once()
    item = queue.get(db, blocked.id)
    assert item.status == "failed" and item.error_class == "blocked"


async def test_two_processes_never_perform_one_effect_twice(db):
    calls: list[int] = []

    async def slow(item) -> None:
        calls.append(item.id)
        await asyncio.sleep(0.05)

    for n in range(20):
        queue.enqueue(db, "x", {}, key=f"x:{n}", lane="redmine")
    one = Outbox(db, {"x": slow}, lanes={"redmine": 3})
    two = Outbox(db, {"x": slow}, lanes={"redmine": 3})
    await asyncio.gather(one.run_once(), two.run_once())
    assert sorted(calls) == sorted(set(calls)) and len(calls) == 20


def test_redmine_notices_in_english(db, factory, draft_factory):
    tid = _submit(
        factory, draft_factory, RedmineSink(db), impact="emergency", redmine_login="tg_bob"
    ).ticket_id
    ticket = store.get_ticket(db, tid)
    result = FilingResult(
        tid,
        12,
        "http://r/issues/12",
        created=True,
        as_customer=False,
        fallback=FALLBACK_UNKNOWN_LOGIN,
        not_uploaded=("big.log",),
    )
    text = filed_message(ticket, result)
    assert "issue #12" in text and "http://r/issues/12" in text
    assert "tg_bob" in text and "big.log" in text
    assert '"Orangesky Lab Support"' in delayed_message(ticket)
    assert "OS-000001" in failed_message(ticket, "Subject cannot be blank")


@pytest.mark.parametrize("impact", ["low", "medium", "highly-degraded"])
def test_redmine_delay_notice_names_the_channel_only_for_emergency(
    db, factory, draft_factory, impact
):
    tid = _submit(factory, draft_factory, RedmineSink(db), impact=impact).ticket_id
    assert "Orangesky Lab Support" not in delayed_message(store.get_ticket(db, tid))

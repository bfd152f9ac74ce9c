"""Ticket storage and the outbox's bookkeeping, without a network: claims, leases, back-off,
and the notices the customer gets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from intake.storage import tickets as store
from intake.tickets.local import LocalSink
from intake.tickets.notices import delayed_message, failed_message, filed_message
from intake.tickets.outbox import Outbox
from intake.tickets.redmine.errors import RedmineUnavailable, RedmineValidationError
from intake.tickets.redmine.sink import FALLBACK_UNKNOWN_LOGIN, FilingResult, RedmineSink

T0 = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


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


class Notes:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    async def ticket_filed(self, ticket, result):
        self.events.append(("filed", ticket.id))

    async def ticket_delayed(self, ticket):
        self.events.append(("delayed", ticket.id))

    async def ticket_failed(self, ticket, reason):
        self.events.append(("failed", ticket.id, reason))


def _submit(factory, draft_factory, sink, **draft):
    conv = factory.conversation()
    return sink.submit(draft_factory(**draft), conversation_id=conv, opened_at=T0)


def test_redmine_sink_commits_a_queued_ticket_with_a_receipt(db, factory, draft_factory):
    woken = []
    receipt = _submit(factory, draft_factory, RedmineSink(db, wake=lambda: woken.append(1)))
    assert receipt.receipt == "OS-000001" and receipt.status == "queued"
    assert receipt.due_at is not None and woken == [1]
    ticket = store.get_ticket(db, receipt.ticket_id)
    assert ticket.reference.startswith("OS-000001-") and ticket.sink == "redmine"
    assert db.execute("SELECT status FROM conversations WHERE id = ?",
                      (ticket.conversation_id,)).fetchone()[0] == "queued"


def test_redmine_submitting_twice_keeps_one_ticket(db, factory, draft_factory):
    conv = factory.conversation()
    sink = RedmineSink(db)
    first = sink.submit(draft_factory(), conversation_id=conv, opened_at=T0)
    second = sink.submit(draft_factory(), conversation_id=conv, opened_at=T0)
    assert first.ticket_id == second.ticket_id
    assert store.count_by_status(db) == {"queued": 1}


def test_redmine_local_sink_stores_and_is_never_claimed(db, factory, draft_factory):
    receipt = _submit(factory, draft_factory, LocalSink(db))
    assert receipt.status == "stored"
    assert store.claim_due_tickets(db, now=T0 + timedelta(days=1),
                                   lease_until=T0 + timedelta(days=2)) == []


def test_redmine_draft_attachments_are_linked_to_the_ticket(db, factory, draft_factory):
    conv = factory.conversation()
    ref = factory.attachment(conv, "a.txt", b"a")
    other = factory.attachment(conv, "b.txt", b"b")  # not in the draft
    receipt = RedmineSink(db).submit(draft_factory(attachments=[ref]), conversation_id=conv,
                                     opened_at=T0)
    assert [a.id for a in store.ticket_attachments(db, receipt.ticket_id)] == [ref.attachment_id]
    assert store.get_attachment(db, other.attachment_id) is not None
    assert store.attachment_data(db, ref.attachment_id) == b"a"


def test_redmine_claims_are_leased_and_released(db, factory, draft_factory):
    receipt = _submit(factory, draft_factory, RedmineSink(db))
    now = datetime.now(UTC)
    [claimed] = store.claim_due_tickets(db, now=now, lease_until=now + timedelta(minutes=5))
    assert claimed.status == "filing"
    assert store.claim_due_tickets(db, now=now, lease_until=now) == []  # held by the lease
    later = now + timedelta(minutes=6)
    [again] = store.claim_due_tickets(db, now=later, lease_until=later + timedelta(minutes=5))
    assert again.id == receipt.ticket_id  # a dead worker's lease ran out
    assert store.release_claims(db, now=later) == 1
    assert store.get_ticket(db, receipt.ticket_id).status == "queued"


async def test_redmine_outbox_backs_off_exponentially_up_to_the_cap(db, factory, draft_factory):
    receipt = _submit(factory, draft_factory, RedmineSink(db))
    tid = receipt.ticket_id
    clock = Clock()
    clock.now = datetime.now(UTC)
    filer = ScriptedFiler(db, {tid: [RedmineUnavailable("down")] * 6 + ["ok"]})
    outbox = Outbox(db, filer, Notes(), base_delay=10, max_delay=60, jitter=0, clock=clock)
    waits = []
    for _ in range(6):
        assert await outbox.run_once() == 1
        assert await outbox.run_once() == 0  # not due again within the same instant
        ticket = store.get_ticket(db, tid)
        due = datetime.fromisoformat(ticket.next_attempt_at)
        waits.append((due - clock.now).total_seconds())
        clock.now = due
    assert waits == [10, 20, 40, 60, 60, 60]
    assert await outbox.run_once() == 1
    ticket = store.get_ticket(db, tid)
    assert ticket.status == "filed" and ticket.attempts == 6 and ticket.external_id == "77"


async def test_redmine_outbox_tells_of_a_delay_once_and_emergency_first(
    db, factory, draft_factory
):
    sink = RedmineSink(db)
    low = _submit(factory, draft_factory, sink, impact="low").ticket_id
    emergency = _submit(factory, draft_factory, sink, impact="emergency").ticket_id
    clock = Clock()
    clock.now = datetime.now(UTC)
    down = [RedmineUnavailable("down")] * 3
    notes = Notes()
    outbox = Outbox(db, ScriptedFiler(db, {low: list(down), emergency: list(down)}), notes,
                    base_delay=1, jitter=0, delayed_after=timedelta(minutes=10),
                    emergency_delayed_after=timedelta(0), clock=clock)
    await outbox.run_once()
    assert notes.events == [("delayed", emergency)]
    clock.now += timedelta(minutes=11)
    await outbox.run_once()
    clock.now += timedelta(minutes=1)
    await outbox.run_once()
    assert notes.events == [("delayed", emergency), ("delayed", low)]


async def test_redmine_outbox_fails_on_422_and_survives_a_broken_notifier(
    db, factory, draft_factory
):
    tid = _submit(factory, draft_factory, RedmineSink(db)).ticket_id

    class Broken(Notes):
        async def ticket_failed(self, ticket, reason):
            raise RuntimeError("telegram down")

    filer = ScriptedFiler(db, {tid: [RedmineValidationError(["Subject cannot be blank"])]})
    await Outbox(db, filer, Broken()).run_once()
    ticket = store.get_ticket(db, tid)
    assert ticket.status == "failed" and "Subject cannot be blank" in ticket.last_error
    assert store.requeue(db, tid).status == "queued"


def test_redmine_notices_in_english(db, factory, draft_factory):
    tid = _submit(factory, draft_factory, RedmineSink(db), impact="emergency",
                  redmine_login="tg_bob").ticket_id
    ticket = store.get_ticket(db, tid)
    result = FilingResult(tid, 12, "http://r/issues/12", created=True, as_customer=False,
                          fallback=FALLBACK_UNKNOWN_LOGIN, not_uploaded=("big.log",))
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

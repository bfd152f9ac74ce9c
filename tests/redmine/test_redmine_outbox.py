"""The outbox against the real Redmine: an outage and a crash, each ticket filed exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from intake.storage import tickets as store
from intake.tickets.outbox import Outbox
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.sink import FilingResult, RedmineFiler, RedmineSink

pytestmark = pytest.mark.redmine


class RecordingNotifier:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, object]] = []

    async def ticket_filed(self, ticket, result: FilingResult) -> None:
        self.events.append(("filed", ticket.id, result))

    async def ticket_delayed(self, ticket) -> None:
        self.events.append(("delayed", ticket.id, ticket.impact))

    async def ticket_failed(self, ticket, reason: str) -> None:
        self.events.append(("failed", ticket.id, reason))

    def of(self, kind: str) -> list[int]:
        return [tid for k, tid, _ in self.events if k == kind]


def _puma_pid(env: dict[str, str]) -> int:
    return int(Path(env["REDMINE_DIR"], "tmp", "puma.pid").read_text().strip())


@contextlib.contextmanager
def redmine_frozen(env: dict[str, str]):
    """SIGSTOP the server: connections are accepted by the kernel and never answered."""
    pid = _puma_pid(env)
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


async def _wait_for(predicate, seconds: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def _issues_with(client: RedmineClient, filer: RedmineFiler, reference: str) -> list:
    ref = await filer.resolve()
    return await client.find_issues_by_custom_field(
        ref.project_id, ref.field_ids["reference"], reference)


async def test_redmine_down_while_tickets_queue_then_up_files_each_exactly_once(
    db, factory, draft_factory, settings, redmine_env
):
    notifier = RecordingNotifier()
    async with RedmineClient(settings.url, settings.api_key, timeout=1.0) as client:
        filer = RedmineFiler(db, client, settings)
        outbox = Outbox(db, filer, notifier, base_delay=0.2, max_delay=1.0, jitter=0,
                        delayed_after=timedelta(seconds=2),
                        emergency_delayed_after=timedelta(0), poll_interval=0.5)
        sink = RedmineSink(db, wake=outbox.wake)
        worker = asyncio.create_task(outbox.run())
        try:
            with redmine_frozen(redmine_env):
                ids = []
                for impact in ("emergency", "medium", "low"):
                    conv = factory.conversation()
                    receipt = sink.submit(draft_factory(impact=impact), conversation_id=conv,
                                          opened_at=datetime.now(UTC))
                    assert receipt.status == "queued"  # the user has a receipt at once
                    ids.append(receipt.ticket_id)
                await _wait_for(lambda: all(
                    store.get_ticket(db, i).attempts >= 2 for i in ids), seconds=60)
                await _wait_for(lambda: len(notifier.of("delayed")) == 3, seconds=30)
                assert notifier.of("filed") == []
                assert "cannot reach Redmine" in store.get_ticket(db, ids[0]).last_error
            await _wait_for(lambda: all(
                store.get_ticket(db, i).status == "filed" for i in ids), seconds=60)
        finally:
            outbox.stop()
            await asyncio.wait_for(worker, 30)

        # The Emergency ticket was the first to be told it is queued.
        assert notifier.of("delayed")[0] == ids[0]
        assert sorted(notifier.of("filed")) == sorted(ids)
        for i in ids:
            ticket = store.get_ticket(db, i)
            issues = await _issues_with(client, filer, ticket.reference)
            assert [str(issue["id"]) for issue in issues] == [ticket.external_id]


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


async def test_redmine_crash_between_create_and_commit_does_not_duplicate(
    db, factory, draft_factory, settings, client, monkeypatch
):
    conv = factory.conversation()
    refs = [factory.attachment(conv, "app.log", b"trace\n")]
    receipt = RedmineSink(db).submit(draft_factory(attachments=refs), conversation_id=conv,
                                     opened_at=datetime.now(UTC))
    notifier = RecordingNotifier()

    real_mark_filed = store.mark_filed

    def crash(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr(store, "mark_filed", crash)
    first = Outbox(db, RedmineFiler(db, client, settings), notifier)
    with pytest.raises(Crash):
        await first.run_once()  # Redmine answered 201; we die before recording it
    ticket = store.get_ticket(db, receipt.ticket_id)
    assert ticket.status == "filing" and ticket.external_id is None
    monkeypatch.setattr(store, "mark_filed", real_mark_filed)

    # A new process: its worker releases the dead one's claim and files again.
    async with RedmineClient(settings.url, settings.api_key) as fresh:
        filer = RedmineFiler(db, fresh, settings)
        second = Outbox(db, filer, notifier, poll_interval=0.2)
        worker = asyncio.create_task(second.run())
        await _wait_for(lambda: store.get_ticket(db, receipt.ticket_id).status == "filed")
        second.stop()
        await asyncio.wait_for(worker, 10)

        [(_, _, result)] = [e for e in notifier.events if e[0] == "filed"]
        assert result.created is False  # found by its reference, not created again
        ticket = store.get_ticket(db, receipt.ticket_id)
        issues = await _issues_with(fresh, filer, ticket.reference)
        assert [str(i["id"]) for i in issues] == [ticket.external_id]
        issue = await fresh.get_issue(int(ticket.external_id))
        assert [a["filename"] for a in issue["attachments"]] == ["app.log"]


async def test_redmine_422_marks_the_ticket_failed_and_tells_the_user(
    db, factory, draft_factory, settings, client
):
    from intake.tickets.redmine.errors import RedmineValidationError

    with pytest.raises(RedmineValidationError) as caught:
        await client.create_issue({"project_id": "support", "subject": ""})
    assert caught.value.errors == ["Subject cannot be blank"]
    assert caught.value.status == 422 and not caught.value.retryable

    # Any 422 while filing (here a priority id Redmine does not know) fails the ticket:
    # sending the same content again cannot succeed.
    conv = factory.conversation()
    receipt = RedmineSink(db).submit(draft_factory(), conversation_id=conv,
                                     opened_at=datetime.now(UTC))
    filer = RedmineFiler(db, client, settings)
    await filer.resolve()
    filer._ref = dataclasses.replace(filer._ref, priority_ids={"highly-degraded": 99999})
    notifier = RecordingNotifier()
    await Outbox(db, filer, notifier).run_once()

    ticket = store.get_ticket(db, receipt.ticket_id)
    assert ticket.status == "failed" and "Priority cannot be blank" in ticket.last_error
    assert notifier.events == [("failed", ticket.id, "Priority cannot be blank")]


async def test_redmine_ticketing_wiring_files_a_submitted_ticket(
    db, factory, draft_factory, settings, redmine_env
):
    from intake.tickets.setup import create_ticketing

    notifier = RecordingNotifier()
    ticketing = create_ticketing(db, notifier, settings, poll_interval=5)
    await ticketing.start()
    try:
        conv = factory.conversation()
        receipt = ticketing.sink.submit(draft_factory(), conversation_id=conv,
                                        opened_at=datetime.now(UTC))
        # wake() makes the worker file at once rather than at the next 5-second poll.
        await _wait_for(lambda: notifier.of("filed") == [receipt.ticket_id], seconds=4)
    finally:
        await ticketing.close()


def test_redmine_ticketing_without_a_url_keeps_tickets_locally(db, factory, draft_factory):
    from intake.tickets.redmine.config import RedmineSettings
    from intake.tickets.setup import create_ticketing

    ticketing = create_ticketing(db, RecordingNotifier(), RedmineSettings(url=None))
    assert not ticketing.redmine
    receipt = ticketing.sink.submit(draft_factory(), conversation_id=factory.conversation(),
                                    opened_at=datetime.now(UTC))
    assert receipt.status == "stored"

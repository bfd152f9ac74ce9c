"""The outbox against the real Redmine: outages, crashes, a slow server, two processes, a
refused upload and a refused configuration; each ticket filed exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from intake.storage import outbox as queue
from intake.storage import tickets as store
from intake.storage.db import open_db
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.sink import RedmineFiler, RedmineSink
from tests.redmine.conftest import RecordingMessenger, make_outbox
from tests.redmine.proxy import RedmineProxy

pytestmark = pytest.mark.redmine

STAFF = -100


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
        ref.project_id, ref.field_ids["reference"], reference
    )


def _issue_numbers(messenger: RecordingMessenger, chat_id: int) -> list[str]:
    return [t for t in messenger.to(chat_id) if "filed in Redmine as issue #" in t]


async def test_redmine_down_while_tickets_queue_then_up_files_each_exactly_once(
    db, factory, draft_factory, settings, redmine_env, messenger
):
    async with RedmineClient(settings.url, settings.api_key, timeout=1.0) as client:
        filer = RedmineFiler(db, client, settings)
        outbox = make_outbox(
            db, filer, messenger, base_delay=0.2, max_delay=1.0, jitter=0, poll_interval=0.5
        )
        sink = RedmineSink(db, wake=outbox.wake)
        sink.delays = dataclasses.replace(
            sink.delays, delayed_notice=timedelta(seconds=2), emergency_notice=timedelta(0)
        )
        worker = asyncio.create_task(outbox.run())
        try:
            with redmine_frozen(redmine_env):
                ids, chats = [], []
                for impact in ("emergency", "medium", "low"):
                    conv = factory.conversation()
                    receipt = sink.submit(
                        draft_factory(impact=impact),
                        conversation_id=conv,
                        opened_at=datetime.now(UTC),
                    )
                    assert receipt.status == "queued"  # the user has a receipt at once
                    ids.append(receipt.ticket_id)
                    chats.append(store.get_ticket(db, receipt.ticket_id).chat_id)
                await _wait_for(
                    lambda: all(queue.get_by_key(db, f"file:{i}").attempts >= 2 for i in ids),
                    seconds=60,
                )
                delayed = [t for _, t in messenger.sent if "Redmine is not answering" in t]
                await _wait_for(
                    lambda: (
                        len([t for _, t in messenger.sent if "Redmine is not answering" in t]) == 3
                    ),
                    seconds=30,
                )
                assert not any("filed in Redmine" in t for _, t in messenger.sent)
                assert "cannot reach Redmine" in (
                    queue.get_by_key(db, f"file:{ids[0]}").last_error or ""
                ) or "no answer" in (queue.get_by_key(db, f"file:{ids[0]}").last_error or "")
            await _wait_for(
                lambda: all(store.get_ticket(db, i).status == "filed" for i in ids), seconds=60
            )
            await _wait_for(lambda: all(_issue_numbers(messenger, c) for c in chats), seconds=10)
        finally:
            await outbox.drain(5)
            await asyncio.wait_for(worker, 30)

        # The Emergency was told at once, and its on-call alert went out while Redmine hung.
        delayed = [chat for chat, t in messenger.sent if "Redmine is not answering" in t]
        assert delayed[0] == chats[0]
        assert any("EMERGENCY ticket" in t for t in messenger.to(STAFF))
        for i, chat in zip(ids, chats, strict=True):
            assert len(_issue_numbers(messenger, chat)) == 1
            ticket = store.get_ticket(db, i)
            issues = await _issues_with(client, filer, ticket.reference)
            assert [str(issue["id"]) for issue in issues] == [ticket.external_id]


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


async def test_redmine_crash_between_create_and_commit_does_not_duplicate(
    db, factory, draft_factory, settings, client, monkeypatch, messenger
):
    conv = factory.conversation()
    refs = [factory.attachment(conv, "app.log", b"trace\n")]
    receipt = RedmineSink(db).submit(
        draft_factory(attachments=refs), conversation_id=conv, opened_at=datetime.now(UTC)
    )
    real_mark_filed = store.mark_filed

    def crash(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr(store, "mark_filed", crash)
    first = make_outbox(
        db, RedmineFiler(db, client, settings), messenger, lease=timedelta(milliseconds=300)
    )
    with pytest.raises(Crash):
        await first.run_once()  # Redmine answered 201; we die before recording it
    ticket = store.get_ticket(db, receipt.ticket_id)
    assert ticket.status == "queued" and ticket.external_id is None
    assert queue.get_by_key(db, f"file:{ticket.id}").status == "leased"
    monkeypatch.setattr(store, "mark_filed", real_mark_filed)

    # A new process: the dead one's lease runs out, and filing again finds the issue.
    async with RedmineClient(settings.url, settings.api_key) as fresh:
        filer = RedmineFiler(db, fresh, settings)
        second = make_outbox(db, filer, messenger, poll_interval=0.2)
        worker = asyncio.create_task(second.run())
        await _wait_for(lambda: store.get_ticket(db, receipt.ticket_id).status == "filed")
        await _wait_for(lambda: bool(_issue_numbers(messenger, ticket.chat_id)))
        await second.drain(5)
        await asyncio.wait_for(worker, 10)

        ticket = store.get_ticket(db, receipt.ticket_id)
        issues = await _issues_with(fresh, filer, ticket.reference)
        assert [str(i["id"]) for i in issues] == [ticket.external_id]
        issue = await fresh.get_issue(int(ticket.external_id))
        assert [a["filename"] for a in issue["attachments"]] == ["app.log"]
        assert len(_issue_numbers(messenger, ticket.chat_id)) == 1


async def test_redmine_422_on_the_issue_is_a_configuration_problem_retried_and_reported(
    db, factory, draft_factory, settings, client, messenger
):
    from intake.tickets.redmine.errors import RedmineValidationError

    with pytest.raises(RedmineValidationError) as caught:
        await client.create_issue({"project_id": "support", "subject": ""})
    assert caught.value.errors == ["Subject cannot be blank"]
    assert caught.value.status == 422 and not caught.value.retryable

    # A 422 while filing (here a priority id Redmine does not know) needs an operator: the
    # ticket stays queued and is retried slowly, staff are told once, never the customer
    # that Redmine "is not answering".
    conv = factory.conversation()
    receipt = RedmineSink(db).submit(
        draft_factory(), conversation_id=conv, opened_at=datetime.now(UTC)
    )
    filer = RedmineFiler(db, client, settings)
    await filer.resolve()
    filer._ref = dataclasses.replace(filer._ref, priority_ids={"highly-degraded": 99999})
    await make_outbox(db, filer, messenger).run_once()

    ticket = store.get_ticket(db, receipt.ticket_id)
    item = queue.get_by_key(db, f"file:{ticket.id}")
    assert ticket.status == "queued" and item.error_class == "config"
    assert "Priority cannot be blank" in item.last_error
    [alert] = messenger.to(STAFF)
    assert "Priority cannot be blank" in alert and ticket.receipt in alert


async def test_redmine_create_slower_than_our_timeout_is_found_not_created_again(
    db, factory, draft_factory, settings, messenger
):
    async with RedmineProxy(settings.url) as proxy:
        proxy.hold_request("POST", "/issues.json", seconds=2.5)
        slow = settings.model_copy(update={"url": proxy.url})
        async with RedmineClient(proxy.url, settings.api_key, timeout=1.0) as client:
            filer = RedmineFiler(db, client, slow)
            await filer.resolve()
            outbox = make_outbox(db, filer, messenger, settle=3.0, poll_interval=0.2)
            receipt = RedmineSink(db, wake=outbox.wake).submit(
                draft_factory(),
                conversation_id=factory.conversation(),
                opened_at=datetime.now(UTC),
            )
            worker = asyncio.create_task(outbox.run())
            try:
                await _wait_for(
                    lambda: store.get_ticket(db, receipt.ticket_id).status == "filed", 30
                )
            finally:
                await outbox.drain(5)
                await asyncio.wait_for(worker, 10)
            ticket = store.get_ticket(db, receipt.ticket_id)
            issues = await _issues_with(client, filer, ticket.reference)
    assert [str(i["id"]) for i in issues] == [ticket.external_id]
    assert proxy.seen.count(("POST", "/issues.json")) == 1  # looked up, never re-sent


async def test_redmine_duplicate_from_a_late_create_is_closed_and_staff_told(
    db, factory, draft_factory, settings, messenger
):
    # Settling too briefly (here on purpose) lets the late create land after the retry
    # created the issue: the verification that follows keeps the first, closes the second.
    async with RedmineProxy(settings.url) as proxy:
        proxy.hold_request("POST", "/issues.json", seconds=2.0)
        slow = settings.model_copy(update={"url": proxy.url})
        async with RedmineClient(proxy.url, settings.api_key, timeout=1.0) as client:
            filer = RedmineFiler(db, client, slow)
            outbox = make_outbox(db, filer, messenger, settle=0.1, poll_interval=0.2)
            outbox.handlers["redmine.file"].__self__.settle = timedelta(seconds=1.5)
            receipt = RedmineSink(db, wake=outbox.wake).submit(
                draft_factory(),
                conversation_id=factory.conversation(),
                opened_at=datetime.now(UTC),
            )
            worker = asyncio.create_task(outbox.run())
            try:
                await _wait_for(
                    lambda: (
                        queue.get_by_key(db, f"verify:{receipt.ticket_id}") is not None
                        and queue.get_by_key(db, f"verify:{receipt.ticket_id}").status == "done"
                    ),
                    30,
                )
            finally:
                await outbox.drain(5)
                await asyncio.wait_for(worker, 10)
            ticket = store.get_ticket(db, receipt.ticket_id)
            issues = await _issues_with(client, filer, ticket.reference)
            assert len(issues) == 2
            kept, extra = sorted(int(i["id"]) for i in issues)
            assert ticket.external_id == str(kept)
            duplicate = await client.get_issue(extra, include=("relations",))
    assert duplicate["status"]["is_closed"] is True
    assert any(r["relation_type"] == "duplicates" for r in duplicate["relations"])
    alert = queue.get_by_key(db, f"staff:duplicates:{receipt.ticket_id}")  # sent or queued
    assert alert is not None and f"closed #{extra} as its duplicate" in alert.data["text"]


async def test_redmine_two_processes_on_one_database_file_each_ticket_once(
    tmp_path, factory, draft_factory, settings, db, messenger
):
    ids = [
        RedmineSink(db)
        .submit(
            draft_factory(summary=f"Two processes {n}"),
            conversation_id=factory.conversation(),
            opened_at=datetime.now(UTC),
        )
        .ticket_id
        for n in range(6)
    ]
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    other_db = open_db(path)
    try:
        async with (
            RedmineClient(settings.url, settings.api_key) as c1,
            RedmineClient(settings.url, settings.api_key) as c2,
        ):
            one = make_outbox(db, RedmineFiler(db, c1, settings), messenger, poll_interval=0.2)
            two = make_outbox(
                other_db, RedmineFiler(other_db, c2, settings), messenger, poll_interval=0.2
            )
            workers = [asyncio.create_task(one.run()), asyncio.create_task(two.run())]
            try:
                await _wait_for(
                    lambda: all(store.get_ticket(db, i).status == "filed" for i in ids), 60
                )
            finally:
                await one.drain(5)
                await two.drain(5)
                await asyncio.gather(*workers)
            filer = RedmineFiler(db, c1, settings)
            for i in ids:
                ticket = store.get_ticket(db, i)
                issues = await _issues_with(c1, filer, ticket.reference)
                assert [str(x["id"]) for x in issues] == [ticket.external_id]
    finally:
        other_db.close()


async def test_redmine_413_on_an_upload_files_the_ticket_without_that_file(
    db, factory, draft_factory, settings, messenger
):
    conv = factory.conversation()
    refs = [factory.attachment(conv, "huge.log", b"x" * 2000)]
    async with RedmineProxy(settings.url) as proxy:
        proxy.refuse("POST", "/uploads.json", status=413)
        via = settings.model_copy(update={"url": proxy.url})
        async with RedmineClient(proxy.url, settings.api_key) as client:
            filer = RedmineFiler(db, client, via)
            receipt = RedmineSink(db).submit(
                draft_factory(attachments=refs), conversation_id=conv, opened_at=datetime.now(UTC)
            )
            await make_outbox(db, filer, messenger).run_once()
            ticket = store.get_ticket(db, receipt.ticket_id)
            assert ticket.status == "filed"
            issue = await client.get_issue(int(ticket.external_id))
    assert issue["attachments"] == []
    assert "huge.log" in issue["description"]
    [told] = _issue_numbers(messenger, ticket.chat_id)
    assert "huge.log" in told and "did not accept" in told


async def test_redmine_ticketing_wiring_files_a_submitted_ticket(
    db, factory, draft_factory, settings, redmine_env, messenger
):
    from intake.tickets.setup import create_ticketing

    ticketing = create_ticketing(db, messenger, settings, poll_interval=5)
    await ticketing.start()
    try:
        conv = factory.conversation()
        receipt = ticketing.sink.submit(
            draft_factory(), conversation_id=conv, opened_at=datetime.now(UTC)
        )
        chat = store.get_ticket(db, receipt.ticket_id).chat_id
        # wake() makes the worker file at once rather than at the next 5-second poll.
        await _wait_for(lambda: bool(_issue_numbers(messenger, chat)), seconds=4)
    finally:
        await ticketing.close()


def test_redmine_ticketing_without_a_url_keeps_tickets_locally(
    db, factory, draft_factory, messenger
):
    from intake.tickets.redmine.config import RedmineSettings
    from intake.tickets.setup import create_ticketing

    ticketing = create_ticketing(db, messenger, RedmineSettings(url=None))
    assert not ticketing.redmine
    receipt = ticketing.sink.submit(
        draft_factory(), conversation_id=factory.conversation(), opened_at=datetime.now(UTC)
    )
    assert receipt.status == "stored"


async def test_redmine_a_note_whose_commit_was_lost_is_not_added_twice(
    db, factory, draft_factory, settings, client, monkeypatch, messenger
):
    sink = RedmineSink(db)
    receipt = sink.submit(
        draft_factory(), conversation_id=factory.conversation(), opened_at=datetime.now(UTC)
    )
    filer = RedmineFiler(db, client, settings)
    await make_outbox(db, filer, messenger).run_once()  # filed
    sink.add_followup(receipt.ticket_id, key="chat:1", text="It fails for PDF too.")
    real_complete = queue.complete

    def crash(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr(queue, "complete", crash)
    first = make_outbox(db, filer, messenger, lease=timedelta(milliseconds=300))
    with pytest.raises(Crash):
        await first.run_once()  # Redmine took the note; we die before recording it
    monkeypatch.setattr(queue, "complete", real_complete)
    await asyncio.sleep(0.4)  # the dead run's lease runs out
    await make_outbox(db, filer, messenger).run_once()
    ticket = store.get_ticket(db, receipt.ticket_id)
    issue = await client.get_issue(int(ticket.external_id), include=("journals",))
    notes = [j.get("notes") or "" for j in issue["journals"]]
    assert sum("It fails for PDF too." in n for n in notes) == 1
    assert queue.get_by_key(db, "note:chat:1").status == "done"

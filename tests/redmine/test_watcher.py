"""The watcher against the real Redmine: what staff do on an issue reaches its customer, once.

Staff are a real second Redmine account (a Manager of the project) acting through the admin
key with ``X-Redmine-Switch-User``, as an engineer's browser session would.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime

import pytest

from intake.storage import outbox as queue
from intake.storage import tickets as store
from intake.storage import watch
from intake.tickets import rating
from intake.tickets.outbox import Outbox
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.sink import RedmineFiler, RedmineSink
from intake.tickets.watcher import UPDATE, WatchEffects, Watcher
from tests.redmine.conftest import RecordingMessenger

pytestmark = pytest.mark.redmine


class Messenger(RecordingMessenger):
    """Records documents and button messages too."""

    def __init__(self) -> None:
        super().__init__()
        self.documents: list[tuple[int, bytes, str, str]] = []
        self.buttons: list[tuple[int, str, list[list[tuple[str, str]]]]] = []

    async def send_document(self, chat_id, data, filename, caption_html, *, conversation_id=None):
        if self.fail:
            raise self.fail.pop(0)
        self.documents.append((chat_id, data, filename, caption_html))

    async def send_with_buttons(self, chat_id, html, rows, *, conversation_id=None):
        if self.fail:
            raise self.fail.pop(0)
        self.buttons.append((chat_id, html, rows))


@pytest.fixture(scope="module")
def engineer_login() -> str:
    return f"eng_{secrets.token_hex(3)}"


@pytest.fixture
async def engineer(client: RedmineClient, engineer_login: str) -> str:
    """A staff account (Manager of the project); created once per module."""
    if not await client.find_users(engineer_login):
        body = await client.request(
            "POST",
            "/users.json",
            json={
                "user": {
                    "login": engineer_login,
                    "firstname": "Jane",
                    "lastname": "Engineer",
                    "mail": f"{engineer_login}@example.invalid",
                    "generate_password": True,
                    "mail_notification": "none",
                }
            },
        )
        roles = (await client.request("GET", "/roles.json"))["roles"]
        manager = next(r["id"] for r in roles if r["name"] == "Manager")
        await client.request(
            "POST",
            "/projects/support/memberships.json",
            json={"membership": {"user_id": body["user"]["id"], "role_ids": [manager]}},
        )
    return engineer_login


@pytest.fixture
def messenger_() -> Messenger:
    return Messenger()


@pytest.fixture
def world(db, client, settings, messenger_):
    filer = RedmineFiler(db, client, settings)
    effects = WatchEffects(db, messenger_, client, settings, filer.issue_url)
    outbox = Outbox(db, effects.handlers(), base_delay=0.01)
    return filer, outbox


async def file_ticket(db, factory, draft_factory, filer, *, language="en", name="Alice"):
    conv = factory.conversation(language=language, first_name=name, username=name.lower())
    receipt = RedmineSink(db).submit(
        draft_factory(), conversation_id=conv, opened_at=datetime.now(UTC)
    )
    result = await filer.file(receipt.ticket_id)
    queue.complete(db, queue.get_by_key(db, f"file:{receipt.ticket_id}").id)  # filed here
    return store.get_ticket(db, receipt.ticket_id), result.issue_id


async def staff_note(client, login, issue_id, notes, *, private=False, **changes):
    await client.update_issue(
        issue_id, {"notes": notes, "private_notes": private, **changes}, switch_user=login
    )


async def test_public_staff_note_reaches_its_customer_and_no_other(
    db, factory, draft_factory, client, settings, world, messenger_, engineer
):
    filer, outbox = world
    watcher = Watcher(db, client, settings, interval=0)
    await watcher.poll_once()  # the first cycle sets the cursor: history is not replayed
    alice, alice_issue = await file_ticket(db, factory, draft_factory, filer, name="Alice")
    bob, _ = await file_ticket(db, factory, draft_factory, filer, name="Bob")

    await staff_note(
        client,
        engineer,
        alice_issue,
        'Please try *4.3*, see "the notes":https://example.com/n?a=1&b=2 <b>x</b>',
    )
    cycle = await watcher.poll_once()
    await outbox.run_once()

    assert cycle.queued == 1
    [(chat, html)] = messenger_.sent
    assert chat == alice.chat_id and messenger_.to(bob.chat_id) == []
    assert "<b>Jane Engineer</b> wrote on your ticket" in html
    link = f'<a href="{settings.url}/issues/{alice_issue}">#{alice_issue}</a>'
    assert f"{alice.receipt} / {link}" in html
    assert (
        'Please try <b>4.3</b>, see <a href="https://example.com/n?a=1&amp;b=2">the notes</a>'
    ) in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert watch.first_response_at(db, alice.id) is not None
    assert watch.first_response_at(db, bob.id) is None


async def test_private_notes_and_the_bots_own_notes_never_reach_anyone(
    db, factory, draft_factory, client, settings, world, messenger_, engineer
):
    filer, outbox = world
    watcher = Watcher(db, client, settings, interval=0)
    await watcher.poll_once()
    ticket, issue_id = await file_ticket(db, factory, draft_factory, filer)

    await staff_note(
        client, engineer, issue_id, "Internal: customer is on an old build", private=True
    )
    await filer.add_comment(ticket.id, "The customer's own follow-up")  # as the bot
    await client.update_issue(issue_id, {"notes": "admin as the bot", "status_id": 2})
    cycle = await watcher.poll_once()
    await outbox.run_once()

    assert cycle.fetched == 1 and cycle.queued == 0
    assert messenger_.sent == [] and messenger_.buttons == []
    assert watch.first_response_at(db, ticket.id) is None


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "is now <b>In Progress</b>."),
        ("zh_Hans", "的状态已变为：<b>处理中</b>。"),  # noqa: RUF001
    ],
)
async def test_status_change_is_announced_in_the_customers_language(
    db, factory, draft_factory, client, settings, world, messenger_, engineer, language, expected
):
    filer, outbox = world
    watcher = Watcher(db, client, settings, interval=0)
    await watcher.poll_once()
    ticket, issue_id = await file_ticket(db, factory, draft_factory, filer, language=language)

    await client.update_issue(issue_id, {"status_id": 2}, switch_user=engineer)
    await watcher.poll_once()
    await outbox.run_once()

    [html] = messenger_.to(ticket.chat_id)
    assert html.startswith(f"{ticket.receipt} / <a href=")
    assert html.endswith(expected)


async def test_resolving_asks_for_a_rating_once_and_the_rating_is_noted_privately(
    db, factory, draft_factory, client, settings, world, messenger_, engineer
):
    filer, outbox = world
    watcher = Watcher(db, client, settings, interval=0)
    await watcher.poll_once()
    ticket, issue_id = await file_ticket(db, factory, draft_factory, filer)

    await client.update_issue(issue_id, {"status_id": 3, "notes": "Fixed."}, switch_user=engineer)
    await watcher.poll_once()
    await outbox.run_once()
    await client.update_issue(issue_id, {"notes": "One more thing."}, switch_user=engineer)
    await watcher.poll_once()
    await outbox.run_once()

    sent = messenger_.to(ticket.chat_id)
    assert any("is now <b>Resolved</b>" in html for html in sent)
    [(chat, question, rows)] = messenger_.buttons
    assert chat == ticket.chat_id and "is resolved" in question
    assert [data for _, data in rows[0]] == [f"rate:{ticket.id}:{n}" for n in range(1, 6)]

    assert rating.rate(db, ticket, 4)
    assert not rating.rate(db, ticket, 1)  # the first rating stays
    assert rating.comment(db, ticket, "Quick and <b>kind</b>")
    await outbox.run_once()
    await watcher.poll_once()  # our own private notes are not told back

    stored = watch.get_rating(db, ticket.id)
    assert (stored.score, stored.comment, stored.awaiting_comment) == (
        4,
        "Quick and <b>kind</b>",
        False,
    )
    issue = await client.get_issue(issue_id, include=["journals"])
    notes = [(j["notes"], j["private_notes"]) for j in issue["journals"] if j["notes"]]
    assert ("Customer satisfaction: 4/5 (rated in Telegram).", True) in notes
    assert any("Quick and <b>kind</b>" in n and private for n, private in notes)
    assert len(messenger_.buttons) == 1


async def customer_sets_closed(db, filer, ticket, closed: bool) -> None:
    """The customer's tap on the card, once the outbox has brought it to Redmine."""
    name = await filer.set_closed(ticket.id, closed)
    store.set_closed(db, ticket.id, closed, status_name=name)


async def test_a_ticket_the_customer_closes_before_any_staff_answer_is_not_asked_to_rate(
    db, factory, draft_factory, client, settings, world, messenger_
):
    """Nobody has helped yet: there is nothing to be satisfied with."""
    filer, outbox = world
    watcher = Watcher(db, client, settings, interval=0)
    await watcher.poll_once()
    ticket, _ = await file_ticket(db, factory, draft_factory, filer)

    await customer_sets_closed(db, filer, ticket, True)
    await watcher.poll_once()
    await outbox.run_once()

    assert store.get_ticket(db, ticket.id).closed
    assert messenger_.buttons == []
    assert queue.get_by_key(db, f"rating.ask:{ticket.id}") is None


async def reopened_before_the_question_went_out(
    db, factory, draft_factory, client, settings, world, engineer
):
    """Staff answered, the customer closed (the rating question is queued), then reopened
    before the outbox sent it. Returns (ticket, issue id, watcher)."""
    filer, outbox = world
    watcher = Watcher(db, client, settings, interval=0)
    await watcher.poll_once()
    ticket, issue_id = await file_ticket(db, factory, draft_factory, filer)
    await staff_note(client, engineer, issue_id, "Try clearing the cache, please.")
    await customer_sets_closed(db, filer, ticket, True)
    await watcher.poll_once()  # answered and closed: the question is queued
    await customer_sets_closed(db, filer, ticket, False)  # reopened before it went out
    await outbox.run_once()
    return ticket, issue_id, watcher


async def test_a_rating_question_due_after_the_customer_reopened_is_not_sent(
    db, factory, draft_factory, client, settings, world, messenger_, engineer
):
    ticket, _issue_id, _watcher = await reopened_before_the_question_went_out(
        db, factory, draft_factory, client, settings, world, engineer
    )

    assert messenger_.buttons == []
    [asked] = [d for d in watch.customer_updates(db, ticket.id) if d.what == "rating question"]
    assert asked.state == "skipped"


async def test_a_question_skipped_for_a_reopened_ticket_is_asked_once_it_is_resolved(
    db, factory, draft_factory, client, settings, world, messenger_, engineer
):
    _filer, outbox = world
    ticket, issue_id, watcher = await reopened_before_the_question_went_out(
        db, factory, draft_factory, client, settings, world, engineer
    )
    asked_before = len(messenger_.buttons)

    await staff_note(client, engineer, issue_id, "Fixed in 4.2.2.", status_id=3)
    await watcher.poll_once()
    await outbox.run_once()

    assert len(messenger_.buttons) == asked_before + 1  # the resolution asks
    chat, question, _ = messenger_.buttons[-1]
    assert chat == ticket.chat_id and "is resolved" in question


async def test_a_file_staff_attach_arrives_as_a_document(
    db, factory, draft_factory, client, settings, world, messenger_, engineer
):
    filer, outbox = world
    watcher = Watcher(db, client, settings, interval=0)
    await watcher.poll_once()
    ticket, issue_id = await file_ticket(db, factory, draft_factory, filer)
    data = b"patch: set timeout = 30\n" * 50

    token = await client.upload(data, "fix.patch", switch_user=engineer)
    await client.update_issue(
        issue_id,
        {"uploads": [{"token": token, "filename": "fix.patch", "content_type": "text/plain"}]},
        switch_user=engineer,
    )
    await watcher.poll_once()
    await outbox.run_once()

    [(chat, got, name, caption)] = messenger_.documents
    assert (chat, got, name) == (ticket.chat_id, data, "fix.patch")
    assert "Jane Engineer attached <b>fix.patch</b> to" in caption
    assert messenger_.sent == []


class Killed(Exception):
    """The process dying in the middle of a cycle (before its transaction)."""


class CrashingClient(RedmineClient):
    """Dies on the ``die_on``-th issue read."""

    die_on = 2

    async def get_issue(self, issue_id, include=("attachments", "journals")):
        self.die_on -= 1
        if self.die_on == 0:
            raise Killed("killed mid-cycle")
        return await super().get_issue(issue_id, include)


async def test_watcher_restarted_mid_cycle_sends_nothing_twice_and_skips_nothing(
    db, factory, draft_factory, client, settings, world, messenger_, engineer
):
    filer, outbox = world
    await Watcher(db, client, settings, interval=0).poll_once()
    tickets = [
        await file_ticket(db, factory, draft_factory, filer, name=f"User{n}") for n in range(3)
    ]
    for ticket, issue_id in tickets:
        await staff_note(client, engineer, issue_id, f"First answer for {ticket.receipt}")

    async with CrashingClient(settings.url, settings.api_key, timeout=10) as crashing:
        with pytest.raises(Killed):
            await Watcher(db, crashing, settings, interval=0).poll_once()
    assert [i for i in queue.open_items(db) if i.kind == UPDATE] == []  # nothing half-done

    restarted = Watcher(db, client, settings, interval=0)
    first = await restarted.poll_once()
    # A second note lands on one issue within the same second as the cycle just read.
    await staff_note(client, engineer, tickets[0][1], "Second answer")
    second = await restarted.poll_once()
    again = await Watcher(db, client, settings, interval=0).poll_once()
    await outbox.run_once()
    await outbox.run_once()

    assert (first.queued, second.queued, again.queued) == (3, 1, 0)
    for ticket, _ in tickets:
        texts = messenger_.to(ticket.chat_id)
        assert sum(f"First answer for {ticket.receipt}" in t for t in texts) == 1
    assert sum("Second answer" in t for t in messenger_.to(tickets[0][0].chat_id)) == 1
    assert len(messenger_.sent) == 4
    # Issues read within the second of their last save are read once more after it (a save
    # in that same second would carry the same updated_on); after that, nothing is re-read.
    await asyncio.sleep(2.1)
    recheck = await restarted.poll_once()
    settled = await restarted.poll_once()
    assert recheck.queued == 0
    assert (settled.requests, settled.fetched) == (1, 0)  # one list request, nothing re-read


async def test_a_customer_who_blocked_the_bot_is_recorded_not_retried(
    db, factory, draft_factory, client, settings, world, messenger_, engineer
):
    from intake.tickets.outbox import GiveUp

    filer, outbox = world
    watcher = Watcher(db, client, settings, interval=0)
    await watcher.poll_once()
    ticket, issue_id = await file_ticket(db, factory, draft_factory, filer)
    await staff_note(client, engineer, issue_id, "Are you there?")
    messenger_.fail.append(GiveUp("Forbidden: bot was blocked by the user", error_class="blocked"))
    await watcher.poll_once()
    await outbox.run_once()

    [delivery] = watch.customer_updates(db, ticket.id)
    assert delivery.state == "blocked" and delivery.what == "note by Jane Engineer"

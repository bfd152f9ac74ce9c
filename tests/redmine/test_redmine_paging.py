"""Taking a page assigns the Redmine issue to the engineer whose account names them."""

from __future__ import annotations

import secrets

import pytest

from intake.storage import tickets as store
from intake.storage.db import utcnow
from intake.tickets.effects import Effects
from intake.tickets.outbox import Outbox
from intake.tickets.paging import OnCall
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.sink import RedmineFiler, RedmineSink
from tests.redmine.conftest import RecordingMessenger

pytestmark = pytest.mark.redmine

STAFF = -100


async def make_engineer(client: RedmineClient, env: dict[str, str], telegram: str) -> int:
    """A Redmine user who can be assigned in the project, naming ``telegram`` on their account."""
    login = f"oncall_{secrets.token_hex(4)}"
    body = await client.request(
        "POST",
        "/users.json",
        json={
            "user": {
                "login": login,
                "firstname": "On",
                "lastname": "Call",
                "mail": f"{login}@example.invalid",
                "generate_password": True,
                "mail_notification": "none",
                "custom_fields": [
                    {"id": int(env["REDMINE_USER_CF_TELEGRAM_ID"]), "value": telegram}
                ],
            }
        },
    )
    user_id = int(body["user"]["id"])
    roles = (await client.request("GET", "/roles.json"))["roles"]
    developer = next(r["id"] for r in roles if r["name"] == "Developer")
    await client.request(
        "POST",
        f"/projects/{env['REDMINE_PROJECT_IDENTIFIER']}/memberships.json",
        json={"membership": {"user_id": user_id, "role_ids": [developer]}},
    )
    return user_id


async def test_the_engineer_who_takes_the_page_becomes_the_assignee(
    db, factory, draft_factory, settings, redmine_env
):
    telegram_id = 700_000 + secrets.randbelow(100_000)
    messenger = RecordingMessenger()
    async with RedmineClient(settings.url, settings.api_key, timeout=10) as client:
        engineer = await make_engineer(client, redmine_env, f"@Eng{telegram_id}")
        filer = RedmineFiler(db, client, settings)
        effects = Effects(
            db, messenger, filer=filer, staff_chat_id=STAFF, oncall=OnCall(contacts=(telegram_id,))
        )
        outbox = Outbox(db, effects.handlers(), jitter=0)
        conversation = factory.conversation()
        ticket_id = (
            RedmineSink(db)
            .submit(
                draft_factory(impact="emergency"), conversation_id=conversation, opened_at=utcnow()
            )
            .ticket_id
        )
        await outbox.run_once()
        assert any("EMERGENCY" in text for text in messenger.to(telegram_id))

        ack = effects.paging.acknowledge(
            ticket_id, user_id=telegram_id, name="Eng", username=f"eng{telegram_id}"
        )
        assert ack.first
        await outbox.run_once()
        ticket = store.get_ticket(db, ticket_id)
        issue = await client.get_issue(int(ticket.external_id), include=())
        assert issue["assigned_to"]["id"] == engineer


async def test_an_engineer_without_a_linked_account_is_named_to_staff_instead(
    db, factory, draft_factory, settings
):
    messenger = RecordingMessenger()
    async with RedmineClient(settings.url, settings.api_key, timeout=10) as client:
        filer = RedmineFiler(db, client, settings)
        effects = Effects(db, messenger, filer=filer, staff_chat_id=STAFF)
        outbox = Outbox(db, effects.handlers(), jitter=0)
        ticket_id = (
            RedmineSink(db)
            .submit(
                draft_factory(impact="emergency"),
                conversation_id=factory.conversation(),
                opened_at=utcnow(),
            )
            .ticket_id
        )
        await outbox.run_once()
        effects.paging.acknowledge(
            ticket_id, user_id=1, name="Nobody (@nobody)", username="nobody-linked-here"
        )
        await outbox.run_once()
        ticket = store.get_ticket(db, ticket_id)
        issue = await client.get_issue(int(ticket.external_id), include=())
        assert "assigned_to" not in issue
        [note] = [t for t in messenger.to(STAFF) if "by hand" in t]
        assert f"assign issue #{ticket.external_id} by hand" in note
        assert "Nobody (@nobody)" in note

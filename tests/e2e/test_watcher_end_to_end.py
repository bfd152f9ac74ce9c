"""After the receipt, as a customer lives it: an engineer answers in Redmine, the customer reads
it in Telegram (in the language they use now), gets the engineer's file, and rates the fix.

The real bot (BotRunner, as ``main.py run`` starts it, watcher included) polls the Bot API
emulator; Redmine is the real one of tests/redmine_server.py.
"""

from __future__ import annotations

import asyncio
import secrets

import pytest
from pydantic import SecretStr

from intake.storage import tickets as store
from intake.storage import watch
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.config import RedmineSettings
from tests.e2e.steps import complete_intake

pytestmark = pytest.mark.redmine


@pytest.fixture
def redmine_settings(redmine_env):
    return RedmineSettings(
        url=redmine_env["REDMINE_URL"],
        api_key=SecretStr(redmine_env["REDMINE_API_KEY"]),
        project=redmine_env.get("REDMINE_PROJECT_IDENTIFIER", "support"),
        timeout_seconds=10,
        watch_interval=0.5,
    )


@pytest.fixture
async def staff(redmine_settings):
    """A Redmine client and an engineer's login (a Manager of the project)."""
    login = f"eng_{secrets.token_hex(3)}"
    async with RedmineClient(redmine_settings.url, redmine_settings.api_key) as client:
        body = await client.request(
            "POST",
            "/users.json",
            json={
                "user": {
                    "login": login,
                    "firstname": "Jane",
                    "lastname": "Engineer",
                    "mail": f"{login}@example.invalid",
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
        yield client, login


async def test_engineer_answers_in_redmine_and_the_customer_reads_files_and_rates_in_telegram(
    intake_redmine, staff
):
    client, engineer = staff
    carol = intake_redmine.user(language_code="en", first_name="Carol", username="carol")
    dave = intake_redmine.user(language_code="en", first_name="Dave", username="dave")
    await complete_intake(
        carol,
        summary="Reports page times out",
        description="The reports page spins for a minute, then shows a timeout.",
        with_account=True,
    )
    await carol.wait_for("filed in Redmine as issue #", timeout=30)
    db = intake_redmine.services.db
    ticket = store.list_tickets(db, user_id=carol.id)[0]
    issue_id = int(ticket.external_id)

    await client.update_issue(
        issue_id,
        {
            "notes": "Thanks Carol. Could you try *Reports → Refresh* and tell us if it helps?",
            "status_id": 2,
        },
        switch_user=engineer,
    )
    note = await carol.wait_for("wrote on your ticket", timeout=20)
    assert "Jane Engineer" in note.text and f"{ticket.receipt} / #{issue_id}" in note.text
    assert "Could you try Reports → Refresh and tell us" in note.text  # no raw *markup*
    await carol.wait_for(f"{ticket.receipt} / #{issue_id} is now In Progress.", timeout=10)

    await client.update_issue(
        issue_id,
        {"notes": "Internal: DB index missing", "private_notes": True},
        switch_user=engineer,
    )
    token = await client.upload(
        b"CREATE INDEX reports_date ON reports(date);\n", "fix.sql", switch_user=engineer
    )
    await client.update_issue(
        issue_id,
        {"uploads": [{"token": token, "filename": "fix.sql", "content_type": "text/plain"}]},
        switch_user=engineer,
    )
    document = await carol.wait_for(lambda m: m.kind == "document", timeout=20)
    assert document.file is not None and "fix.sql" in (document.text or "")

    # Carol now reads in Chinese; the resolution and the rating question follow her.
    await carol.send_command("/language")
    await carol.wait_for(
        lambda m: "语言" in (m.text or "") or "中文" in (m.text or ""), timeout=10
    )
    await client.update_issue(
        issue_id, {"status_id": 3, "notes": "Fixed in 4.2.2."}, switch_user=engineer
    )
    await carol.wait_for("的状态已变为：已解决", timeout=20)
    question = await carol.wait_for(
        lambda m: m.button_texts == ["1", "2", "3", "4", "5"], timeout=20
    )
    assert "已解决" in question.text
    await carol.tap("4", question)
    await carol.wait_for("您给", timeout=10)
    await carol.send_text("很快就解决了，谢谢")
    await carol.wait_for("您的意见已与评分一同记录", timeout=10)

    rating = watch.get_rating(db, ticket.id)
    assert (rating.score, rating.comment) == (4, "很快就解决了，谢谢")
    intake_redmine.services.ticketing.outbox.wake()
    for _ in range(100):
        issue = await client.get_issue(issue_id, include=["journals"])
        private = [j["notes"] for j in issue["journals"] if j["private_notes"]]
        if any("很快就解决了" in n for n in private):
            break
        await asyncio.sleep(0.2)
    assert "Customer satisfaction: 4/5 (rated in Telegram)." in private
    assert not any("Internal: DB index missing" in (m.text or "") for m in carol.messages)
    assert [m for m in dave.messages if m.from_bot] == []
    # note and status, the file, the resolution, the rating question
    assert [d.state for d in watch.customer_updates(db, ticket.id)] == ["sent"] * 4


async def test_a_rating_tap_on_a_ticket_reopened_since_the_question_is_refused(
    intake_redmine, staff
):
    client, engineer = staff
    carol = intake_redmine.user(language_code="en", first_name="Carol", username="carol")
    await complete_intake(carol, with_account=True)
    await carol.wait_for("filed in Redmine as issue #", timeout=30)
    db = intake_redmine.services.db
    ticket = store.list_tickets(db, user_id=carol.id)[0]
    await client.update_issue(
        int(ticket.external_id), {"notes": "Please try again now."}, switch_user=engineer
    )
    await carol.wait_for("wrote on your ticket", timeout=20)
    await carol.send_command("/tickets")
    await carol.wait_for("Your tickets", new=True)
    await carol.tap(ticket.receipt)
    await carol.wait_for(lambda m: any("Problem solved" in t for t in m.button_texts))
    await carol.tap(lambda b: "Problem solved" in b.text)
    card = await carol.wait_for("Closed.")
    question = await carol.wait_for(
        lambda m: m.button_texts == ["1", "2", "3", "4", "5"], timeout=60
    )

    await carol.tap(lambda b: "Reopen" in b.text, card)
    await carol.wait_for("Reopened")
    await carol.tap("4", question)

    refused = await carol.wait_for("is open again, so there is nothing to rate yet", timeout=10)
    assert refused.message_id == question.message_id and refused.button_texts == []
    assert watch.get_rating(db, ticket.id) is None

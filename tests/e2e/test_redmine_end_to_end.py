"""A ticket confirmed in the chat reaches the real Redmine, once, and the user is told its number.

Runs against the Redmine started by .ci/redmine.sh (the ``redmine_env`` fixture of
tests/redmine_server.py; selected by ``pytest -k redmine``).
"""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from intake.runtime import BotRunner, build_services
from intake.storage import tickets as store
from intake.storage.db import open_db
from intake.tickets.redmine.client import RedmineClient
from intake.tickets.redmine.config import RedmineSettings
from tests.e2e.conftest import Running
from tests.e2e.steps import EN, reach_step


@pytest.fixture
def redmine_settings(redmine_env):
    return RedmineSettings(
        url=redmine_env["REDMINE_URL"],
        api_key=SecretStr(redmine_env["REDMINE_API_KEY"]),
        project=redmine_env.get("REDMINE_PROJECT_IDENTIFIER", "support"),
        timeout_seconds=10,
    )


@pytest.fixture
async def intake_redmine(emulator, settings, redmine_settings):
    services = build_services(
        settings, db=open_db(settings.database), redmine_settings=redmine_settings
    )
    runner = BotRunner(services, emulator.token, emulator.base_url)
    await runner.start(polling_timeout=1)
    running = Running(emulator, services, runner)
    yield running
    await running.runner.stop()
    await services.aclose()


async def test_redmine_ticket_from_the_chat_is_filed_once_with_its_number_told(
    intake_redmine,
    redmine_env,
    redmine_settings,
):
    user = intake_redmine.user(language_code="en", first_name="Carol", username="carol")
    await reach_step(user, "os")  # then answer the rest, with the account step
    await user.tap("Debian")
    await user.wait_for("Which version of Debian")
    await user.send_text("12")
    await user.wait_for(EN["product"])
    await user.send_text("4.2.1")
    await user.wait_for(EN["extra"])
    await user.tap(lambda b: "Skip" in b.text)
    await user.wait_for(EN["impact"])
    await user.tap(lambda b: "Yes, that's right" in b.text)
    await user.wait_for(EN["description"])
    await user.send_text("Export gives error E42 <b>bold</b> {{toc}} !http://x/y.png!")
    await user.wait_for(lambda m: "Done" in " ".join(m.button_texts))
    await user.tap(lambda b: "Done" in b.text)
    await user.wait_for(EN["attachments"])
    await user.send_document(b"ERROR E42 at ReportWriter.java:42\n", "app.log", "text/plain")
    await user.wait_for("app.log", timeout=20)
    await user.tap(lambda b: "Done" in b.text)
    await user.wait_for("Redmine login")
    login = redmine_env["REDMINE_USER_LOGIN"]
    await user.send_text(login)  # not proven yet: the account does not name this customer
    await user.wait_for("show that it is yours", timeout=10)
    async with RedmineClient(redmine_settings.url, redmine_settings.api_key) as client:
        field = {"id": int(redmine_env["REDMINE_USER_CF_TELEGRAM_ID"]), "value": "@carol"}
        await client.update_user(int(redmine_env["REDMINE_USER_ID"]), {"custom_fields": [field]})
    await user.send_text(login)
    await user.wait_for("Linked", timeout=10)
    await user.wait_for(EN["review"])
    await user.tap(lambda b: EN["confirm"] in b.text)
    await user.wait_for("OS-000001", timeout=10)
    filed = await user.wait_for("filed in Redmine as issue #", timeout=30)

    ticket = store.get_ticket(intake_redmine.services.db, 1)
    assert ticket.status == "filed"
    assert f"#{ticket.external_id}" in filed.text
    async with RedmineClient(redmine_settings.url, redmine_settings.api_key) as client:
        issue = await client.get_issue(int(ticket.external_id), include=["attachments"])
    assert issue["subject"].startswith("Export to CSV fails")
    assert [a["filename"] for a in issue["attachments"]] == ["app.log"]
    assert issue["author"]["name"] != "Redmine Admin"  # filed as the linked customer
    assert "{{toc}}" in issue["description"]
    assert intake_redmine.services.db.execute("SELECT count(*) FROM tickets").fetchone()[0] == 1

    await user.send_text("It also fails for PDF export.")
    await user.wait_for(f"Your comment was added to issue #{ticket.external_id}", timeout=20)
    async with RedmineClient(redmine_settings.url, redmine_settings.api_key) as client:
        issue = await client.get_issue(int(ticket.external_id), include=["journals"])
    notes = [journal.get("notes") or "" for journal in issue["journals"]]
    assert any("It also fails for PDF export." in note for note in notes)

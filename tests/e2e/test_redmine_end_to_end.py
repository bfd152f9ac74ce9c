"""A ticket confirmed in the chat reaches the real Redmine, once, and the user is told its number.

Runs against the Redmine started by .ci/redmine.sh (the ``redmine_env`` fixture of
tests/redmine_server.py; selected by ``pytest -k redmine``).
"""

from __future__ import annotations

import asyncio

from intake.storage import tickets as store
from intake.tickets.redmine.client import RedmineClient
from tests.e2e.steps import EN, ZH, reach_step


async def notes_on(settings, issue_id: int, *, until: str, seconds: float = 30) -> list[str]:
    """The issue's notes, once one contains ``until`` (follow-ups arrive through the outbox)."""
    async with RedmineClient(settings.url, settings.api_key) as client:
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            issue = await client.get_issue(issue_id, include=["journals"])
            notes = [journal.get("notes") or "" for journal in issue["journals"]]
            if any(until in note for note in notes):
                return notes
            assert asyncio.get_running_loop().time() < deadline, f"no note with {until!r}"
            await asyncio.sleep(0.2)


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
    await user.wait_for(f"this goes to issue #{ticket.external_id}", timeout=20)
    notes = await notes_on(
        redmine_settings, int(ticket.external_id), until="It also fails for PDF export."
    )
    assert sum("It also fails for PDF export." in note for note in notes) == 1


async def test_redmine_follow_ups_sent_while_redmine_is_down_arrive_once_in_order(
    intake_redmine, redmine_env, redmine_settings
):
    from tests.e2e.steps import complete_intake
    from tests.redmine.test_redmine_outbox import redmine_frozen

    user = intake_redmine.user(language_code="zh-hans", first_name="Li")
    outbox = intake_redmine.services.ticketing.outbox
    outbox.base_delay, outbox.max_delay = 0.2, 1.0
    with redmine_frozen(redmine_env):
        await complete_intake(user, ZH, with_account=True)  # cannot be filed yet either
        for n in (1, 2, 3):
            await user.send_text(f"补充信息 {n}：导出仍然失败")
            await user.wait_for(
                lambda m, n=n: "OS-000001" in (m.text or "") and "Redmine" in (m.text or ""),
                new=True,
                timeout=10,
            )
        await user.send_document(b"ERROR E42 at ReportWriter.java:42\n", "later.log", "text/plain")
        await user.wait_for("later.log", new=True, timeout=30)
    await user.wait_for("#", timeout=60)  # filed once Redmine answers again
    ticket = store.get_ticket(intake_redmine.services.db, 1)
    await _wait_until(lambda: store.get_ticket(intake_redmine.services.db, 1).status == "filed")
    ticket = store.get_ticket(intake_redmine.services.db, 1)
    notes = await notes_on(
        redmine_settings, int(ticket.external_id), until="later.log", seconds=60
    )
    followups = [n for n in notes if "补充信息" in n]
    assert [n.split("补充信息 ")[1][0] for n in followups] == ["1", "2", "3"]  # once, in order
    async with RedmineClient(redmine_settings.url, redmine_settings.api_key) as client:
        issue = await client.get_issue(int(ticket.external_id), include=["attachments"])
    assert [a["filename"] for a in issue["attachments"]] == ["later.log"]


async def test_redmine_reads_unknown_for_a_browser_version_the_customer_could_not_find(
    intake_redmine, redmine_settings
):
    from tests.e2e.steps import complete_intake

    user = intake_redmine.user(language_code="zh-hans")
    await complete_intake(user, ZH, with_account=True, version_unknown=True)
    await _wait_until(lambda: store.get_ticket(intake_redmine.services.db, 1).status == "filed")
    ticket = store.get_ticket(intake_redmine.services.db, 1)
    async with RedmineClient(redmine_settings.url, redmine_settings.api_key) as client:
        issue = await client.get_issue(int(ticket.external_id), include=())
    fields = {cf["name"]: cf.get("value") for cf in issue["custom_fields"]}
    assert (fields["Browser"], fields["Browser version"]) == ("Firefox", "unknown")


async def _wait_until(predicate, seconds: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.1)


async def test_redmine_closing_and_reopening_from_telegram_reaches_the_issue(
    intake_redmine, redmine_settings
):
    from tests.e2e.steps import complete_intake

    user = intake_redmine.user()
    await complete_intake(user, with_account=True)
    await user.wait_for("filed in Redmine as issue #", timeout=30)
    ticket = store.get_ticket(intake_redmine.services.db, 1)
    await user.send_command("/tickets")
    await user.wait_for("Your tickets", new=True)
    await user.tap("OS-000001")
    await user.wait_for(lambda m: any("Problem solved" in t for t in m.button_texts))
    await user.tap(lambda b: "Problem solved" in b.text)
    await user.wait_for("Closed.")

    async def status() -> dict:
        async with RedmineClient(redmine_settings.url, redmine_settings.api_key) as client:
            return (await client.get_issue(int(ticket.external_id), include=()))["status"]

    for _ in range(100):
        if (await status()).get("is_closed"):
            break
        await asyncio.sleep(0.2)
    assert (await status())["is_closed"] is True
    notes = await notes_on(redmine_settings, int(ticket.external_id), until="problem is solved")
    assert sum("problem is solved" in n for n in notes) == 1
    await user.tap(lambda b: "Reopen" in b.text)
    await user.wait_for("Reopened")
    for _ in range(100):
        if not (await status()).get("is_closed"):
            break
        await asyncio.sleep(0.2)
    assert (await status())["is_closed"] is False


async def _card_of_filed_ticket(intake_redmine, user, words=EN) -> store.TicketRow:
    """A filed ticket with its card open, as the customer gets there: /tickets, then its button."""
    from tests.e2e.steps import complete_intake

    await complete_intake(user, words, with_account=True)
    await user.wait_for(lambda m: "/issues/" in (m.text or ""), timeout=30)  # filed, its link
    await user.send_command("/tickets")
    listing = await user.wait_for(lambda m: "OS-000001" in m.button_texts, new=True)
    await user.tap("OS-000001", listing)
    await user.wait_for(lambda m: len(m.button_texts) == 3)  # add, close, all my tickets
    return store.get_ticket(intake_redmine.services.db, 1)


async def _until_redmine_status(intake_redmine, name: str) -> None:
    """The customer's close or reopen has reached Redmine, and the bot knows its status."""
    db = intake_redmine.services.db
    await _wait_until(lambda: store.get_ticket(db, 1).redmine_status == name)


async def test_redmine_a_closed_tickets_card_names_its_issue_and_status(
    intake_redmine, redmine_settings
):
    user = intake_redmine.user()
    ticket = await _card_of_filed_ticket(intake_redmine, user)
    await user.tap(lambda b: "Problem solved" in b.text)
    closed = await user.wait_for("Closed.")
    assert closed.text.startswith(f"OS-000001 · Redmine #{ticket.external_id}: Closed\n")


async def test_redmine_a_reopened_tickets_card_no_longer_says_closed(
    intake_redmine, redmine_settings
):
    user = intake_redmine.user(language_code="zh-hans")
    ticket = await _card_of_filed_ticket(intake_redmine, user, ZH)
    await user.tap(lambda b: "问题已解决" in b.text)
    await user.wait_for("已关闭。")
    await _until_redmine_status(intake_redmine, "Closed")  # Redmine has closed it too
    await user.tap(lambda b: "重新打开" in b.text)
    reopened = await user.wait_for("已重新打开")
    header = reopened.text.splitlines()[0]
    assert header == f"OS-000001 · Redmine 问题 #{ticket.external_id}：待处理"
    await _until_redmine_status(intake_redmine, "New")  # as Redmine has it now
    await user.send_command("/tickets")
    listing = await user.wait_for("OS-000001", new=True)
    assert f"Redmine 问题 #{ticket.external_id}：新建" in listing.text

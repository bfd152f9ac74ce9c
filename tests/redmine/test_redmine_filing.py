"""Filing against the real Redmine: fields, attachments, accounts, follow-ups."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import pytest

from intake.storage import tickets as store
from intake.tickets.accounts import (
    ADMIN_LOGIN,
    LINKED,
    UNCHECKED,
    UNKNOWN,
    UNPROVEN,
    telegram_handles,
)
from intake.tickets.redmine.errors import RedmineUnknownUser
from intake.tickets.redmine.sink import (
    FALLBACK_UNKNOWN_LOGIN,
    AttachmentTooLarge,
    RedmineFiler,
    RedmineSink,
    check_login,
)

pytestmark = pytest.mark.redmine

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8ffff3f0005fe02fea7d6a4a00000000049454e44ae426082"
)


def _values(issue: dict) -> dict[str, str]:
    return {cf["name"]: cf.get("value") for cf in issue["custom_fields"]}


async def test_redmine_issue_with_two_attachments_and_every_custom_field(
    db, factory, draft_factory, settings, client
):
    conv = factory.conversation(
        language="zh_Hans",
        messages=[("in", "订单页面显示 502"), ("out", "Which browser?"), ("in", "Firefox 121")],
    )
    log_bytes = b"2024-05-01 ERROR 502 upstream\n" * 20
    refs = [
        factory.attachment(conv, "shot.png", PNG, mime="image/png"),
        factory.attachment(conv, "app.log", log_bytes),
        factory.attachment(
            conv,
            "chinese.png",
            PNG,
            mime="image/png",
            verdict="refused",
            reason="text in Chinese; media must be in English",
        ),
    ]
    draft = draft_factory(attachments=refs, os="Windows", os_version="11")
    receipt = RedmineSink(db).submit(draft, conversation_id=conv, opened_at=datetime.now(UTC))
    assert receipt.status == "queued" and receipt.receipt.startswith("OS-")

    result = await RedmineFiler(db, client, settings).file(receipt.ticket_id)

    assert result.created and not result.as_customer
    issue = await client.get_issue(result.issue_id)
    ticket = store.get_ticket(db, receipt.ticket_id)
    assert ticket.status == "filed" and ticket.external_id == str(result.issue_id)
    assert ticket.external_url == f"{settings.url}/issues/{result.issue_id}"
    assert _values(issue) == {
        "Browser": "Firefox",
        "Browser version": "121.0",
        "OS": "Windows 11",
        "Orangesky version": "4.2.1",
        "Impact": "Highly Degraded",
        "Language": "Chinese (Simplified)",
        "Telegram user": f"Alice (@alice, Telegram id {ticket.user_id})",
        "Intake reference": ticket.reference,
    }
    assert issue["priority"]["name"] == "Urgent"
    assert issue["tracker"]["name"] == "Support"
    assert issue["subject"] == "Orders page shows 502"
    files = {a["filename"]: a for a in issue["attachments"]}
    assert set(files) == {"shot.png", "app.log"}  # the refused one is listed, not attached
    assert await client.download(files["app.log"]["content_url"]) == log_bytes
    assert await client.download(files["shot.png"]["content_url"]) == PNG
    description = issue["description"]
    assert "chinese.png" in description and "refused by the policy" in description
    assert "订单页面显示 502" in description  # the transcript
    assert "Chinese (Simplified) (zh_Hans)" in description
    assert "First response due" in description


async def test_redmine_attachment_over_the_limit_is_listed_not_uploaded(
    db, factory, draft_factory, settings, client
):
    settings.max_attachment_bytes = 1000
    conv = factory.conversation()
    refs = [
        factory.attachment(conv, "small.txt", b"x" * 100),
        factory.attachment(conv, "huge.log", b"y" * 5000),
    ]
    receipt = RedmineSink(db).submit(
        draft_factory(attachments=refs), conversation_id=conv, opened_at=datetime.now(UTC)
    )
    filer = RedmineFiler(db, client, settings)
    before = client.request_count
    result = await filer.file(receipt.ticket_id)
    requests = client.request_count - before

    assert result.not_uploaded == ("huge.log",)
    issue = await client.get_issue(result.issue_id)
    assert [a["filename"] for a in issue["attachments"]] == ["small.txt"]
    assert "huge.log" in issue["description"]
    assert "larger than Redmine's limit of 1000 B" in issue["description"]
    # resolve (4 requests, once) + lookup + one upload + create: the big file never went out.
    assert requests == 4 + 1 + 1 + 1


async def test_redmine_a_file_the_bot_could_not_check_is_listed_not_attached(
    db, factory, draft_factory, settings, client
):
    """The customer was told to send another file instead: this one must not reach the issue."""
    conv = factory.conversation()
    refs = [
        factory.attachment(conv, "app.log", b"ERROR E42 export failed\n"),
        factory.attachment(
            conv,
            "tool.exe",
            secrets.token_bytes(256),
            mime="application/x-msdownload",
            verdict="unchecked",
            reason="unsupported",
        ),
    ]
    receipt = RedmineSink(db).submit(
        draft_factory(attachments=refs), conversation_id=conv, opened_at=datetime.now(UTC)
    )

    result = await RedmineFiler(db, client, settings).file(receipt.ticket_id)

    issue = await client.get_issue(result.issue_id)
    assert [a["filename"] for a in issue["attachments"]] == ["app.log"]
    assert "tool.exe" in issue["description"]
    assert "not checked for English, so not sent" in issue["description"]
    assert result.not_uploaded == ()  # nothing Redmine refused: the customer heard at intake


async def _new_user(client, *, locked: bool = False) -> str:
    login = "tg_" + secrets.token_hex(4)
    body = await client.request(
        "POST",
        "/users.json",
        json={
            "user": {
                "login": login,
                "firstname": "Tele",
                "lastname": "Gram",
                "mail": f"{login}@example.invalid",
                "generate_password": True,
                "mail_notification": "none",
            }
        },
    )
    if locked:
        await client.request(
            "PUT", f"/users/{body['user']['id']}.json", json={"user": {"status": 3}}
        )
    return login


async def test_redmine_files_as_the_customers_linked_login(
    db, factory, draft_factory, settings, client
):
    login = await _new_user(client)
    conv = factory.conversation()
    refs = [factory.attachment(conv, "shot.png", PNG, mime="image/png")]
    receipt = RedmineSink(db).submit(
        draft_factory(redmine_login=login, attachments=refs),
        conversation_id=conv,
        opened_at=datetime.now(UTC),
    )

    result = await RedmineFiler(db, client, settings).file(receipt.ticket_id)

    assert result.as_customer and result.fallback is None
    issue = await client.get_issue(result.issue_id)
    assert issue["author"]["name"] == "Tele Gram"
    assert issue["attachments"][0]["author"]["name"] == "Tele Gram"


@pytest.mark.parametrize("locked", [False, True], ids=["unknown", "locked"])
async def test_redmine_412_falls_back_to_the_service_account_and_names_the_customer(
    db, factory, draft_factory, settings, client, locked
):
    login = await _new_user(client, locked=True) if locked else "nobody_" + secrets.token_hex(3)
    with pytest.raises(RedmineUnknownUser):
        await client.request("GET", "/users/current.json", switch_user=login)
    conv = factory.conversation(username="bob", first_name="Bob")
    refs = [factory.attachment(conv, "app.log", b"log line\n")]
    receipt = RedmineSink(db).submit(
        draft_factory(redmine_login=login, attachments=refs),
        conversation_id=conv,
        opened_at=datetime.now(UTC),
    )

    result = await RedmineFiler(db, client, settings).file(receipt.ticket_id)

    assert result.fallback == FALLBACK_UNKNOWN_LOGIN and not result.as_customer
    issue = await client.get_issue(result.issue_id)
    assert issue["author"]["name"] == "Redmine Admin"
    assert [a["filename"] for a in issue["attachments"]] == ["app.log"]
    assert "Bob (@bob, Telegram id" in issue["description"]
    assert "unknown or locked" in issue["description"]
    assert login in issue["description"]


async def set_telegram_field(client, env, value: str) -> None:
    await client.update_user(
        int(env["REDMINE_USER_ID"]),
        {"custom_fields": [{"id": int(env["REDMINE_USER_CF_TELEGRAM_ID"]), "value": value}]},
    )


async def test_redmine_check_login_needs_the_owner_to_name_the_customer(
    client, redmine_env, settings
):
    login = redmine_env["REDMINE_USER_LOGIN"]
    handles = telegram_handles(4242, "Carol")
    await set_telegram_field(client, redmine_env, "")
    assert await check_login(client, login, handles) == UNPROVEN  # anyone can type a login
    await set_telegram_field(client, redmine_env, "@carol")
    assert await check_login(client, login, handles) == LINKED
    assert await check_login(client, login, telegram_handles(1, "mallory")) == UNPROVEN
    await set_telegram_field(client, redmine_env, "4242")
    assert await check_login(client, login, handles) == LINKED  # the id works too
    assert await check_login(client, "nobody_" + secrets.token_hex(3), handles) == UNKNOWN
    assert await check_login(client, "admin", handles) == ADMIN_LOGIN  # never impersonated
    from intake.tickets.redmine.client import RedmineClient

    async with RedmineClient(settings.url, redmine_env["REDMINE_USER_API_KEY"]) as plain:
        # A non-admin key may not list users: the answer is "cannot tell", not "unknown".
        assert await check_login(plain, "admin", handles) == UNCHECKED
    await set_telegram_field(client, redmine_env, "")


async def test_redmine_followups_become_a_note_and_an_attachment(
    db, factory, draft_factory, settings, client
):
    login = await _new_user(client)
    conv = factory.conversation()
    receipt = RedmineSink(db).submit(
        draft_factory(redmine_login=login), conversation_id=conv, opened_at=datetime.now(UTC)
    )
    filer = RedmineFiler(db, client, settings)
    result = await filer.file(receipt.ticket_id)
    extra = factory.attachment(conv, "later.log", b"more detail\n", kind="followup")
    big = factory.attachment(conv, "big.bin", b"z" * 2000, kind="followup")
    settings.max_attachment_bytes = 1500

    await filer.add_comment(receipt.ticket_id, "It also fails on Chrome.")
    await filer.add_attachment(receipt.ticket_id, extra.attachment_id)
    with pytest.raises(AttachmentTooLarge):
        await filer.add_attachment(receipt.ticket_id, big.attachment_id)

    issue = await client.get_issue(result.issue_id)
    notes = [j["notes"] for j in issue["journals"] if j["notes"]]
    assert "It also fails on Chrome." in notes[0]
    assert "later.log" in notes[1]
    assert {j["user"]["name"] for j in issue["journals"]} == {"Tele Gram"}
    assert [a["filename"] for a in issue["attachments"]] == ["later.log"]


async def test_redmine_refusing_one_upload_still_files_the_ticket_and_lists_the_file(
    db, factory, draft_factory, settings, client
):
    """Regression: one 422 on an upload used to fail the whole ticket for good."""
    conv = factory.conversation()
    big = b"x" * (6 * 1024 * 1024)  # over Redmine's own 5 MB limit
    refs = [
        factory.attachment(conv, "app.log", b"ERROR E42\n"),
        factory.attachment(conv, "dump.log", big),
    ]
    settings.max_attachment_bytes = 10 * 1024 * 1024  # we think it fits; Redmine does not
    receipt = RedmineSink(db).submit(
        draft_factory(attachments=refs), conversation_id=conv, opened_at=datetime.now(UTC)
    )
    result = await RedmineFiler(db, client, settings).file(receipt.ticket_id)
    issue = await client.get_issue(result.issue_id)
    assert [a["filename"] for a in issue["attachments"]] == ["app.log"]
    assert result.not_uploaded == ("dump.log",)
    assert "dump.log" in issue["description"]

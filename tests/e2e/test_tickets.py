"""/tickets after the receipt: the list, a ticket's card, closing, reopening, /status."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from intake.storage import tickets as store
from tests.e2e.steps import ZH, complete_intake, has_chinese


async def test_tickets_lists_the_customers_tickets_newest_first(intake):
    user = intake.user()
    await complete_intake(user, summary="Export to CSV fails with E42")
    await complete_intake(user, summary="Login page is slow")
    await user.send_command("/tickets")
    listing = await user.wait_for("Your tickets", new=True)
    assert listing.text.index("OS-000002") < listing.text.index("OS-000001")
    assert "Login page is slow" in listing.text and "First response due" in listing.text
    assert {"OS-000001", "OS-000002"} <= set(listing.button_texts)


async def test_a_ticket_can_be_closed_and_reopened_from_its_card(intake):
    user = intake.user()
    await complete_intake(user)
    await user.tap("📋 My tickets")
    card = await user.wait_for(lambda m: "Problem solved" in " ".join(m.button_texts))
    assert "OS-000001" in card.text
    await user.tap(lambda b: "Problem solved" in b.text)
    closed = await user.wait_for("Closed.")
    assert store.get_ticket(intake.services.db, 1).closed
    assert "irst response due" not in closed.text  # a closed ticket awaits no answer
    await user.tap(lambda b: "Reopen" in b.text)
    await user.wait_for("Reopened")
    assert not store.get_ticket(intake.services.db, 1).closed


async def test_a_ticket_closed_long_ago_offers_a_new_ticket_naming_it(intake):
    user = intake.user()
    await complete_intake(user)
    db = intake.services.db
    store.set_closed(db, 1, True, now=datetime.now(UTC) - timedelta(days=20))
    await user.send_command("/tickets")
    await user.wait_for("Your tickets", new=True)
    await user.tap("OS-000001")
    await user.wait_for(lambda m: any("new ticket" in t for t in m.button_texts))
    await user.tap(lambda b: "new ticket" in b.text)
    await user.wait_for(lambda m: any("Start" in t for t in m.button_texts), new=True)
    for _ in range(50):  # the draft is saved right after the welcome is sent
        row = db.execute("SELECT data FROM fsm WHERE key LIKE ?", [f"%:{user.id}:%"]).fetchone()
        if "Follow-up of OS-000001" in row[0]:
            break
        await asyncio.sleep(0.05)
    assert "Follow-up of OS-000001" in row[0]


async def test_status_after_the_receipt_shows_the_ticket_not_the_draft(intake):
    user = intake.user()
    await complete_intake(user)
    await user.send_command("/status")
    card = await user.wait_for("OS-000001", new=True)
    assert "with our support team" in card.text
    assert any("Problem solved" in t for t in card.button_texts)


async def test_tickets_in_chinese(intake):
    user = intake.user(language_code="zh-hans")
    await complete_intake(user, ZH, summary="导出 CSV 失败", description="点击导出后报错 E42。")
    await user.send_command("/tickets")
    listing = await user.wait_for("OS-000001", new=True)
    assert has_chinese(listing.text)
    # The due time as on the receipt: in the reader's own time zone, Pacific kept as text.
    assert [e["type"] for e in listing.entities].count("date_time") == 1
    assert "太平洋时间" in listing.text


async def test_someone_elses_ticket_cannot_be_closed_with_tampered_buttons(intake):
    owner, other = intake.user(), intake.user()
    await complete_intake(owner)
    await other.send_command("/tickets")
    reply = await other.wait_for("no tickets yet", new=True)
    await other.tap_data(reply.message_id, "tk:close:1")
    await asyncio.sleep(0.5)
    assert not store.get_ticket(intake.services.db, 1).closed


async def test_with_several_open_tickets_a_follow_up_asks_which_and_remembers(intake):
    user = intake.user()
    await complete_intake(user, summary="Export to CSV fails with E42")
    await complete_intake(user, summary="Login page is slow")
    await user.send_text("It started after the upgrade.")
    await user.wait_for("Which one is this for?", new=True)
    await user.tap(lambda b: b.text.startswith("OS-000001"))
    await user.wait_for("your ticket OS-000001", new=True)
    await user.send_text("And it happens every morning.")
    await user.wait_for("your ticket OS-000001", new=True)


async def test_a_reply_to_a_tickets_message_goes_to_that_ticket(intake):
    user = intake.user()
    first = await complete_intake(user, summary="Export to CSV fails with E42")
    assert "OS-000001" in first
    receipt = next(m for m in reversed(user.bot_messages) if "OS-000001" in (m.text or ""))
    await complete_intake(user, summary="Login page is slow")
    await user.send_text("Also for PDF.", reply_to=receipt.message_id)
    await user.wait_for("your ticket OS-000001", new=True)

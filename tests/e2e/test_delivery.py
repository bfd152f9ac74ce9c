"""Telegram's side: 429 retried, a repeated update ignored, groups, the staff alert."""

from intake.storage import tickets as store
from tests.e2e.steps import EN, complete_intake, reach_step


async def test_a_429_from_telegram_is_waited_out_and_the_reply_still_arrives(intake):
    user = intake.user()
    await reach_step(user, "summary")
    intake.emulator.fail_next("sendMessage", status=429, retry_after=1)
    await user.send_text("Export fails")
    await user.wait_for(EN["browser"], timeout=10)
    assert intake.emulator.faults.__len__() == 0


async def test_a_5xx_from_telegram_is_retried(intake):
    user = intake.user()
    await reach_step(user, "summary")
    intake.emulator.fail_next("sendMessage", status=502, times=2)
    await user.send_text("Export fails")
    await user.wait_for(EN["browser"], timeout=10)


async def test_a_repeated_update_is_handled_once(intake):
    user = intake.user()
    await reach_step(user, "summary")
    sent = await user.send_text("Export fails")
    await user.wait_for(EN["browser"])
    last_update = sent.update_id
    before = len(user.bot_messages)
    intake.emulator.redeliver(last_update)
    await intake.emulator.settle()
    assert len(user.bot_messages) == before
    rows = intake.services.db.execute(
        "SELECT count(*) FROM messages WHERE update_id = ?", [last_update]
    ).fetchone()
    assert rows[0] == 1


async def test_in_a_group_the_bot_asks_for_a_private_chat(intake):
    user = intake.user()
    group = intake.emulator.group()
    await group.member(user).send_text("/start")
    await intake.emulator.settle()
    reply = group.messages[-1]
    assert reply.from_bot
    assert "private chat" in reply.text


async def test_an_emergency_alerts_the_staff_chat_in_english(intake):
    staff = intake.emulator.group("On-call", id=-100500)
    user = intake.user(language_code="en", first_name="Li Lei", username="lilei")
    await complete_intake(user, summary="All users see 502 errors")
    await intake.emulator.settle()
    alert = next(m for m in staff.messages if m.from_bot)
    assert "EMERGENCY ticket OS-000001" in alert.text
    assert "All users see 502 errors" in alert.text
    assert store.get_ticket(intake.services.db, 1).impact == "emergency"

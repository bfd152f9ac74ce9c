"""After the receipt, what the user sends is added to their ticket."""

from tests.e2e.steps import complete_intake


async def test_a_comment_after_the_receipt_is_added_to_the_ticket(intake):
    user = intake.user()
    await complete_intake(user)
    await user.send_text("It started after the 4.2.1 upgrade.")
    reply = await user.wait_for("I added this to your ticket OS-000001", new=True)
    assert reply is not None
    rows = intake.services.db.execute(
        "SELECT count(*) FROM messages WHERE conversation_id = 1 AND text LIKE '%4.2.1 upgrade%'"
    ).fetchone()
    assert rows[0] == 1


async def test_a_file_after_the_receipt_is_checked_and_added(intake):
    user = intake.user()
    await complete_intake(user)
    await user.send_document(b"ERROR E42 export failed\n", "later.log", "text/plain")
    await user.wait_for("I added later.log to your ticket OS-000001", new=True, timeout=20)
    row = next(intake.services.db.query("SELECT kind, verdict FROM attachments"))
    assert row == {"kind": "followup", "verdict": "accepted"}


async def test_a_chinese_file_after_the_receipt_is_refused(intake):
    user = intake.user()
    await complete_intake(user)
    await user.send_document("导出失败，请帮忙看看".encode(), "说明.txt", "text/plain")
    await user.wait_for("English", new=True, timeout=20)
    row = next(intake.services.db.query("SELECT verdict FROM attachments"))
    assert row == {"verdict": "refused"}


async def test_a_file_the_bot_cannot_check_after_the_receipt_is_not_added(intake):
    """Told to send a screenshot, PDF or text file instead, so the file stays off the ticket."""
    user = intake.user()
    await complete_intake(user)
    await user.send_document(bytes(range(256)) * 4, "tool.exe", "application/x-msdownload")
    told = await user.wait_for("tool.exe", new=True, timeout=20)
    assert "I can't check this type of file (tool.exe)" in told.text
    assert "added" not in told.text and "goes to issue" not in told.text
    row = next(intake.services.db.query("SELECT verdict, verdict_reason FROM attachments"))
    assert row == {"verdict": "unchecked", "verdict_reason": "unsupported"}


async def test_each_file_sent_after_the_receipt_is_answered_as_a_reply_to_it(intake):
    """Two files at once: the answers quote their files, so the refused one is plain to see."""
    user = intake.user()
    await complete_intake(user)
    await intake.emulator.settle()
    english = await user.send_document(b"ERROR E42 export failed\n", "en.log", "text/plain")
    chinese = await user.send_document("导出失败，请帮忙看看".encode(), "zh.txt", "text/plain")
    await user.wait_for(lambda m: m.reply_to_message_id == chinese.message_id, timeout=20)
    await user.wait_for(lambda m: m.reply_to_message_id == english.message_id, timeout=20)
    replies = {m.reply_to_message_id: m.text for m in user.bot_messages if m.reply_to_message_id}
    assert "en.log" in replies[english.message_id] and "⛔" not in replies[english.message_id]
    assert "zh.txt" in replies[chinese.message_id] and "English" in replies[chinese.message_id]

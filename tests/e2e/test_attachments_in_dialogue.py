"""Attachments in the dialogue: each file's English-only verdict arrives in the user's language,
several files are checked at once, and limits are told before anything is downloaded."""

import pytest

from intake.emulator.users import Document, Photo
from intake.storage import attachments
from tests.attachments import factories
from tests.e2e.steps import ZH, has_chinese, reach_step


async def at_attachments(user, words=None):
    await reach_step(user, "review")
    await user.tap(lambda b: "Attachments" in b.text or "附件" in b.text)


async def test_an_english_log_is_accepted_and_listed_on_the_review(intake):
    user = intake.user()
    await at_attachments(user)
    await user.wait_for("Screenshots, logs", new=True)
    log = (
        b"2026-11-27 09:00:01 ERROR export failed: NullPointerException at ReportWriter.java:42\n"
    )
    await user.send_document(log, "app.log", "text/plain")
    verdict = await user.wait_for("app.log", timeout=20)
    assert "✅" in verdict.text
    await user.tap(lambda b: "Done" in b.text, message=verdict)
    review = await user.wait_for("Please check your ticket", new=True)
    assert "✅ app.log" in review.text
    rows = list(intake.services.db.query("SELECT verdict, size FROM attachments"))
    assert rows == [{"verdict": "accepted", "size": len(log)}]
    assert attachments.attachment_data(intake.services.db, 1) == log


async def test_a_chinese_text_file_is_refused_with_the_reason(intake):
    user = intake.user()
    await at_attachments(user)
    await user.send_document(
        "导出报表时系统提示错误，无法下载文件。".encode(), "错误说明.txt", "text/plain"
    )
    verdict = await user.wait_for("错误说明.txt", timeout=20)
    assert "⛔" in verdict.text
    assert "English" in verdict.text
    row = next(intake.services.db.query("SELECT verdict, verdict_language FROM attachments"))
    assert row == {"verdict": "refused", "verdict_language": "zh"}
    assert (
        next(intake.services.db.query("SELECT has_refused FROM conversations"))["has_refused"] == 1
    )


async def test_a_chinese_user_is_told_in_chinese(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "review", ZH)
    await user.tap(lambda b: "附件" in b.text)
    await user.send_document(
        "导出报表时系统提示错误，无法下载文件。".encode(), "说明.txt", "text/plain"
    )
    verdict = await user.wait_for("说明.txt", timeout=20)
    assert "⛔" in verdict.text
    body = verdict.text.replace("说明.txt", "")  # the file name itself is Chinese
    assert has_chinese(body) and "English" not in body


@pytest.mark.ocr
async def test_an_album_is_checked_file_by_file_with_a_chat_action(intake):
    user = intake.user()
    await at_attachments(user)
    english = factories.png_bytes(
        factories.dialog(
            "Export failed", ["The report could not be exported.", "Error E42"], ["OK"]
        )
    )
    chinese = factories.png_bytes(
        factories.dialog(
            "导出失败", ["无法导出报表，请稍后再试。", "错误代码 E42"], ["确定"], lang="zh"
        )
    )
    sent = await user.send_album(
        [
            Photo(english),
            Photo(chinese),
            Document(
                b"Traceback (most recent call last):\n  File app.py, line 3\nValueError: bad\n",
                "trace.txt",
                "text/plain",
            ),
        ]
    )
    await user.wait_for(
        lambda m: (
            len([x for x in user.bot_messages if "✅" in (x.text or "") or "⛔" in (x.text or "")])
            == 3
        ),
        timeout=90,
    )
    verdicts = [
        r["verdict"]
        for r in intake.services.db.query("SELECT verdict FROM attachments ORDER BY id")
    ]
    assert verdicts == ["accepted", "refused", "accepted"]
    assert "upload_document" in user.chat_actions
    # Each verdict replies to its own file: in an album, which photo was refused.
    replies = {m.reply_to_message_id: m.text for m in user.bot_messages if m.reply_to_message_id}
    assert [replies[m.message_id][0] for m in sent] == ["✅", "⛔", "✅"]
    # A photo has no name of its own: the review counts them in the order sent.
    await user.tap(lambda b: "Done" in b.text)
    review = await user.wait_for("Please check your ticket", new=True)
    assert "Attachments: ✅ photo 1, ⛔ photo 2, ✅ trace.txt" in review.text


async def test_the_review_says_files_the_bot_could_not_check_are_not_sent(intake):
    user = intake.user()
    await at_attachments(user)
    await user.send_document(bytes(range(256)) * 4, "tool.exe", "application/x-msdownload")
    verdict = await user.wait_for("tool.exe", timeout=20)
    assert "⚠️" in verdict.text
    await user.tap(lambda b: "Done" in b.text, message=verdict)
    review = await user.wait_for("Please check your ticket", new=True)
    assert "⚠️ tool.exe" in review.text
    assert "⚠️ Files marked so are not sent: I could not check that they are in English." in (
        review.text
    )
    assert "⛔" not in review.text  # no refused file: no word about one


async def test_a_chinese_review_says_files_the_bot_could_not_check_are_not_sent(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "review", ZH)
    await user.tap(lambda b: "附件" in b.text)
    await user.send_document(bytes(range(256)) * 4, "tool.exe", "application/x-msdownload")
    verdict = await user.wait_for("tool.exe", timeout=20)
    await user.tap(lambda b: "完成" in b.text, message=verdict)
    review = await user.wait_for(ZH["review"], new=True)
    assert "⚠️ 标有此符号的文件不会随工单提交：无法确认它们是英文的。" in review.text


async def test_a_file_over_the_download_limit_is_told_at_once(intake):
    user = intake.user()
    await at_attachments(user)
    sent = await user.send_document(
        b"x", "huge.zip", "application/zip", file_size=25 * 1024 * 1024
    )
    told = await user.wait_for("huge.zip", new=True)
    assert "25.0 MB" in told.text
    assert "limit is 20 MB" in told.text
    # told like any other file's verdict: a reply to it, with the way on, not the question again
    assert told.reply_to_message_id == sent.message_id
    assert told.button_texts == ["✅ Done with files"] and "Screenshots" not in told.text
    row = next(intake.services.db.query("SELECT verdict, verdict_reason FROM attachments"))
    assert row == {"verdict": "unchecked", "verdict_reason": "too_large"}


async def test_chinese_text_typed_at_the_attachment_step_joins_the_description(intake):
    """Only attached files must be in English; typed text is the customer's own words."""
    user = intake.user()
    await at_attachments(user)
    await user.wait_for("Screenshots, logs", new=True)
    await user.send_text("这是截图的说明，页面显示错误")
    await user.wait_for("Added to the description", new=True)
    await user.send_command("/status")
    status = await user.wait_for("What I have so far", new=True)
    assert "这是截图的说明，页面显示错误" in status.text


async def test_a_check_cut_short_by_a_restart_is_finished_before_sending(intake):
    """The row exists but neither bytes nor verdict: the file is fetched again at Confirm."""
    user = intake.user()
    await at_attachments(user)
    log = b"ERROR E42 export failed\n"
    sent = await user.send_document(log, "cut.log", "text/plain")
    await user.wait_for("cut.log", timeout=20)
    db = intake.services.db
    db.execute("DELETE FROM attachment_blobs")
    db.execute("UPDATE attachments SET verdict = 'pending'")  # as if the restart hit mid-check
    await intake.restart()
    await user.tap(lambda b: "Done" in b.text)
    review = await user.wait_for("Please check your ticket", new=True)
    shown = review.version
    await user.tap(lambda b: "Confirm and send" in b.text)
    receipt = await user.wait_for("OS-", timeout=20)
    # "⏳ Sending…" stood in the card's place while the file was checked again.
    assert receipt.message_id == review.message_id and receipt.version == shown + 2
    assert sent.file is not None
    assert attachments.attachment_data(db, 1) == log
    assert next(db.query("SELECT verdict FROM attachments"))["verdict"] == "accepted"

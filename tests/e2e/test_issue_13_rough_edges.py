"""Issue 13: the rough edges a new user hit, each pinned as the user lives it."""

import json

import pytest

from intake.storage import tickets as store
from tests.e2e.steps import EN, ZH, has_chinese, reach_step

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.6478.127 Safari/537.36"
)


def visible(user):
    """The bot's messages still in the chat (deleted ones are gone for the user too)."""
    return [m for m in user.bot_messages if not m.deleted]


async def status(user) -> str:
    await user.send_command("/status")
    return (await user.wait_for(lambda m: "Summary:" in (m.text or ""), new=True)).text


# --- the environment ------------------------------------------------------------------


async def test_editing_the_browser_to_another_asks_the_new_version(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.tap("✏️ Browser")
    await user.wait_for(EN["browser"], new=True)
    await user.tap("Firefox")
    await user.wait_for("Which version of Firefox", new=True)
    await user.send_text("128.0.3 (64-bit)")
    review = await user.wait_for(EN["review"], new=True)
    assert "Firefox 128.0.3" in review.text


async def test_editing_the_system_to_another_asks_the_new_version(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.tap("✏️ System")
    await user.wait_for(EN["os"], new=True)
    await user.tap("macOS")
    await user.wait_for("Which version of macOS", new=True)
    await user.send_text("14.5")
    review = await user.wait_for(EN["review"], new=True)
    assert "macOS 14.5" in review.text


async def test_the_system_version_question_offers_that_systems_versions(intake):
    user = intake.user()
    await reach_step(user, "os")
    await user.tap("macOS")
    asked = await user.wait_for("Which version of macOS", new=True)
    assert "22.04" not in asked.text and "Tap it below" in asked.text
    assert asked.button_texts[:4] == ["14", "15", "26", "27"]


async def chinese_at_the_typed_system(intake):
    """A Chinese customer who tapped "Other…" at the system question."""
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "os", ZH)
    await user.tap(lambda b: "其他" in b.text)
    await user.wait_for("Arch Linux", new=True)
    return user


async def test_a_typed_system_gets_no_example_of_another_systems_version(intake):
    user = await chinese_at_the_typed_system(intake)
    await user.send_text("Arch Linux")
    asked = await user.wait_for(lambda m: "Arch Linux" in (m.text or ""), new=True)
    assert "版本号输入" in asked.text and "22.04" not in asked.text


async def version_question(user, browser: str, words: dict[str, str] = EN):
    """The question for ``browser``'s version, from a new request's summary."""
    await reach_step(user, "summary", words)
    await user.send_text("Export fails")
    await user.wait_for(words["browser"], new=True)
    await user.tap(browser)
    return await user.wait_for(lambda m: browser in (m.text or "") and words["version"] in m.text)


async def test_the_browser_version_question_gives_that_browsers_examples(intake):
    asked = await version_question(intake.user(), "Firefox")
    assert "For example 121 or 121.0.1." in asked.text


async def test_safari_is_asked_for_a_safari_version_in_chinese(intake):
    asked = await version_question(intake.user(language_code="zh-hans"), "Safari", ZH)
    assert "例如 17 或 17.5。" in asked.text


async def test_a_typed_i_dont_know_gets_the_help_to_find_the_version(intake):
    user = intake.user(language_code="zh-hans")
    await version_question(user, "Edge", ZH)
    await user.send_text("不知道")
    helped = await user.wait_for("帮助和反馈", new=True)
    assert "不像版本号" not in helped.text


async def test_i_dont_know_is_answered_once_with_where_to_look(intake):
    """After the help, "I don't know" is gone: the help is its answer ("I still don't know"
    is the way on)."""
    user = intake.user()
    await reach_step(user, "browser_version")
    await user.tap("I don't know")
    helped = await user.wait_for("About Google Chrome")
    assert "I don't know" not in helped.button_texts
    assert any("Back" in t for t in helped.button_texts)


async def test_i_still_dont_know_after_the_help_goes_on_with_the_version_unknown(intake):
    user = intake.user()
    await reach_step(user, "browser_version")
    await user.tap("I don't know")
    await user.wait_for("About Google Chrome", new=True)
    await user.tap("I still don't know")
    await user.wait_for(EN["os"], new=True)
    assert "Browser: Chrome (version unknown)\n" in await status(user)


async def test_a_second_typed_i_dont_know_goes_on_with_the_version_unknown_in_chinese(intake):
    user = await chinese_at_the_typed_browser(intake)
    await user.send_text("360安全浏览器")
    await user.wait_for("360安全浏览器", new=True)
    await user.tap("我不清楚")
    helped = await user.wait_for("帮助 → 关于", new=True)
    assert "我还是不清楚" in helped.button_texts
    await user.send_text("不知道")
    await user.wait_for(ZH["os"], new=True)
    await user.send_command("/status")
    shown = await user.wait_for("浏览器：", new=True)
    assert "浏览器：360安全浏览器（版本不清楚）\n" in shown.text


async def test_a_typed_i_dont_know_leaves_the_system_version_empty(intake):
    user = intake.user()
    await reach_step(user, "os")
    await user.tap("Windows")
    await user.wait_for("Which version of Windows")
    await user.send_text("I don't know.")
    await user.wait_for(EN["product"], new=True)
    await user.send_command("/status")
    status = await user.wait_for("What I have so far", new=True)
    assert "Windows" in status.text and "know" not in status.text


async def test_a_typed_nothing_skips_the_optional_details_in_chinese(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "os", ZH)
    await user.tap("Windows")
    await user.send_text("11")
    await user.wait_for(ZH["product"], new=True)
    await user.send_text("4.2.1")
    await user.wait_for(ZH["extra"], new=True)
    await user.send_text("没有")
    await user.wait_for(ZH["impact"], new=True)
    await user.send_command("/status")
    status = await user.wait_for("4.2.1", new=True)
    assert "没有" not in status.text


@pytest.mark.parametrize(
    "pasted, stored",
    [
        ("Version 126.0.6478.127 (Official Build) (64-bit)", "126.0.6478.127"),
        ("128.0.3 (64-bit)", "128.0.3"),
        ("Version 17.5 (19618.2.12.11.6)", "17.5"),
        ("Chrome 126", "126"),
        ("１２６", "126"),
    ],
)
async def test_a_version_pasted_from_an_about_page_is_accepted_and_normalised(
    intake, pasted, stored
):
    user = intake.user()
    await reach_step(user, "browser_version")
    await user.send_text(pasted)
    await user.wait_for(EN["os"], new=True)
    assert f"Chrome {stored}\n" in await status(user)


async def test_a_system_typed_for_the_browser_version_is_not_taken_for_it(intake):
    user = intake.user()
    await reach_step(user, "browser_version")
    await user.send_text("Ubuntu 24.04")
    await user.wait_for("is a system's version, not the browser's", new=True)
    await user.send_text("128.0.3")
    await user.wait_for(EN["os"], new=True)
    assert "128.0.3\n" in await status(user)


async def test_a_chinese_browser_name_sits_in_the_chinese_question_without_spaces(intake):
    user = await chinese_at_the_typed_browser(intake)
    await user.send_text("360安全浏览器")
    asked = await user.wait_for("是哪个版本", new=True)
    assert "360安全浏览器是哪个版本" in asked.text


async def test_a_version_is_not_a_browser_name(intake):
    user = intake.user()
    await reach_step(user, "summary")
    await user.send_text("Export fails")
    await user.wait_for(EN["browser"])
    await user.send_text("121.0")
    told = await user.wait_for("looks like a version", new=True)
    assert "First the browser's name, please" in told.text
    assert "Browser: —" in await status(user)


async def test_a_version_is_not_a_system_name_and_chinese_says_so_for_the_system(intake):
    user = await chinese_at_the_typed_system(intake)
    await user.send_text("24.04")
    told = await user.wait_for("看起来像版本号", new=True)
    assert "请先填写系统的名称" in told.text and "浏览器" not in told.text


async def test_a_user_agent_keeps_the_build_and_asks_windows_10_or_11(intake):
    user = intake.user()
    await reach_step(user, "summary")
    await user.send_text("Export fails")
    await user.wait_for(EN["browser"])
    await user.send_text(CHROME_ON_WINDOWS)
    read = await user.wait_for("From your User-Agent", new=True)
    assert "Chrome 126.0.6478.127" in read.text
    assert "Windows 10 or 11" in read.text
    await user.tap("Yes, correct")
    await user.wait_for("Which version of Windows", new=True)


SAFARI_ON_MACOS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"
)


async def test_a_macos_user_agent_asks_the_version_in_chinese(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "summary", ZH)
    await user.send_text("登录后页面空白")
    await user.wait_for(ZH["browser"])
    await user.send_text(SAFARI_ON_MACOS)
    read = await user.wait_for("识别到", new=True)
    assert "macOS 10.15 或更高版本" in read.text and "Safari 17.5" in read.text
    await user.tap("是的，没错")
    asked = await user.wait_for("macOS", new=True)
    assert "版本" in asked.text and "14" in asked.button_texts


async def browser_question(user, words: dict[str, str] = EN):
    """A new request's browser question."""
    await reach_step(user, "summary", words)
    await user.send_text("Export fails" if words is EN else "导出失败")
    await user.wait_for(words["browser"], new=True)


async def chinese_at_the_typed_browser(intake):
    """A Chinese customer who tapped "Other…" at the browser question."""
    user = intake.user(language_code="zh-hans")
    await browser_question(user, ZH)
    await user.tap(lambda b: "其他" in b.text)
    await user.wait_for("Opera", new=True)
    return user


async def test_a_browser_typed_with_its_version_skips_the_version_question(intake):
    user = intake.user()
    await browser_question(user)
    await user.send_text("chrome 126")
    await user.wait_for(EN["os"], new=True)
    assert "Browser: Chrome 126\n" in await status(user)


async def test_a_chinese_browser_name_is_that_browser_and_gets_its_help(intake):
    user = intake.user(language_code="zh-hans")
    await browser_question(user, ZH)
    await user.send_text("谷歌浏览器")
    await user.wait_for("您使用的 Chrome 是哪个版本", new=True)
    await user.tap("我不清楚")
    await user.wait_for("关于 Google Chrome", new=True)


async def test_a_browser_typed_after_other_takes_the_version_after_its_name(intake):
    user = await chinese_at_the_typed_browser(intake)
    await user.send_text("火狐浏览器 版本 128.0.3")
    await user.wait_for(ZH["os"], new=True)
    await user.send_command("/status")
    shown = await user.wait_for("浏览器：", new=True)
    assert "浏览器：Firefox 128.0.3\n" in shown.text


async def test_a_browser_and_version_typed_at_an_edit_go_back_to_the_review(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.tap("✏️ Browser")
    await user.wait_for(EN["browser"], new=True)
    await user.send_text("Mozilla Firefox 128.0.3")
    review = await user.wait_for(EN["review"], new=True)
    assert "Browser: Firefox 128.0.3\n" in review.text


async def test_a_system_typed_with_its_version_skips_the_version_question(intake):
    user = intake.user()
    await reach_step(user, "os")
    await user.send_text("ubuntu 24.04")
    await user.wait_for(EN["product"], new=True)
    assert "System: Ubuntu 24.04\n" in await status(user)


async def test_win11_is_windows_11_in_chinese(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "os", ZH)
    await user.send_text("win11")
    await user.wait_for(ZH["product"], new=True)
    await user.send_command("/status")
    shown = await user.wait_for("系统：", new=True)
    assert "系统：Windows 11\n" in shown.text


async def test_a_chinese_system_name_asks_that_systems_version(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "os", ZH)
    await user.send_text("苹果系统")
    asked = await user.wait_for("macOS", new=True)
    assert asked.button_texts[:4] == ["14", "15", "26", "27"]


async def test_a_summary_of_invisible_characters_is_refused(intake):
    user = intake.user()
    await reach_step(user, "summary")
    await user.send_text("\u200b\u3164\u2800")
    await user.wait_for("That message was empty", new=True)


async def test_a_summary_of_emoji_alone_is_refused_in_chinese(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "summary", ZH)
    await user.send_text("🙂🙂")
    await user.wait_for("请用文字", new=True)
    await user.send_text("登录后页面空白 🙂")
    await user.wait_for(ZH["browser"], new=True)


# --- dead ends and silence ---------------------------------------------------------------


async def test_twenty_long_file_names_keep_the_review_status_and_back_working(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.tap("✏️ Attachments")
    await user.wait_for(EN["attachments"], new=True)
    for n in range(20):
        await user.send_document(
            b"ERROR export failed\n", f"{n:02d}-" + "very-long-export-log-name-" * 7 + ".log"
        )
    await user.wait_for(lambda m: "19-very" in (m.text or "") and "✅" in m.text, timeout=30)
    await user.tap(lambda b: "Done" in b.text)
    review = await user.wait_for(EN["review"], new=True)
    assert len(review.text) <= 4096
    assert "and 12 more" in review.text
    assert len(await status(user)) <= 4096
    await user.send_command("/back")
    await user.wait_for(lambda m: "Step" in (m.text or ""), new=True)
    assert not any("went wrong" in (m.text or "") for m in user.bot_messages)


async def test_a_tap_on_a_message_telegram_no_longer_shows_gets_an_answer(intake):
    user = intake.user()
    await reach_step(user, "summary")
    await user.send_text("Export fails")
    prompt = await user.wait_for(EN["browser"])
    data = prompt.find_button("Firefox").callback_data
    bot = intake.emulator.bot
    query_id = bot.new_callback(user.chat_id, prompt.message_id, data)
    bot.push_update(
        "callback_query",
        {
            "id": query_id,
            "from": user.person,
            # An old message comes as an InaccessibleMessage: chat, id and date 0 only.
            "message": {"chat": user.chat.chat, "message_id": prompt.message_id, "date": 0},
            "chat_instance": "1",
            "data": data,
        },
    )
    await user.wait_for("Which version of Firefox", new=True)


async def test_a_double_tap_on_confirm_files_one_ticket_and_leaves_no_dangling_message(intake):
    user = intake.user()
    await reach_step(user, "review")
    card = user.last_bot_message
    confirm = card.find_button(lambda b: EN["confirm"] in b.text).callback_data
    await user.tap_data(card.message_id, confirm)
    await user.tap_data(card.message_id, confirm)
    await user.wait_for("OS-", timeout=10)
    await intake.emulator.settle()
    assert len(list(intake.services.db.query("SELECT id FROM tickets"))) == 1
    assert "OS-" in (visible(user)[-1].text or "")
    assert not any((m.text or "").rstrip().endswith(":") for m in visible(user)[-3:])


async def test_voice_at_a_button_step_says_use_the_buttons(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.send_voice()
    answer = await user.wait_for("voice", new=True)
    assert "use the buttons" in answer.text
    assert "type" not in answer.text


async def test_a_file_at_the_review_is_not_told_later(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.send_document(b"ERROR\n", "late.log", "text/plain")
    answer = await user.wait_for("Attachments", new=True)
    assert "later" not in answer.text


async def test_chinese_text_and_captions_at_the_attachments_step_join_the_description(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "review", ZH)
    await user.tap(lambda b: "附件" in b.text)
    await user.wait_for(ZH["attachments"], new=True)
    await user.send_text("导出大报表时页面卡住")
    await user.wait_for("已添加到问题描述", new=True)
    await user.send_document(
        b"2026-11-27 09:00:01 ERROR export failed: timeout in ReportWriter\n",
        "app.log",
        "text/plain",
        caption="这是服务器日志",
    )
    verdict = await user.wait_for("app.log", timeout=20)
    assert "✅" in verdict.text
    # One message per file: the verdict says where the caption went.
    assert "说明文字已添加到问题描述中" in verdict.text
    assert [m for m in visible(user) if "说明文字" in (m.text or "")] == [verdict]
    await user.tap(lambda b: "完成" in b.text, message=verdict)
    review = await user.wait_for(ZH["review"], new=True)
    assert "导出大报表时页面卡住" in review.text
    assert "这是服务器日志" in review.text


async def test_a_caption_that_no_longer_fits_is_said_so_not_dropped(intake):
    user = intake.user()
    await reach_step(user, "description")
    for n in range(5):  # nearly 20,000 characters: no room left for a caption
        await user.send_text("x" * (3999 if n < 4 else 3989) + str(n))
        await user.wait_for(f"Received so far: {n + 1}", new=True)
    await user.tap(lambda b: "Done" in b.text)
    await user.wait_for(EN["attachments"], new=True)
    await user.send_document(
        b"ERROR export failed\n", "app.log", "text/plain", caption="See line 1"
    )
    verdict = await user.wait_for("app.log", timeout=20)
    assert "The caption was not added: the description is full." in verdict.text


# --- noise ------------------------------------------------------------------------------


async def test_bad_input_at_the_review_gets_a_short_hint_not_the_card_again(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.send_text("hello?")
    hint = await user.wait_for("Please use the buttons", new=True)
    assert "Summary:" not in hint.text
    assert len(hint.text) < 200
    assert any(EN["confirm"] in t for t in hint.button_texts)


async def test_a_10000_character_paste_at_the_summary_gets_one_answer(intake):
    user = intake.user()
    await reach_step(user, "summary")
    before = len(visible(user))
    await user.send_text("z " * 5000)
    await user.wait_for("please keep it to 120 at most", new=True)
    await intake.emulator.settle()
    assert len(visible(user)) == before + 1


async def test_a_10000_character_paste_in_the_description_leaves_one_message(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.tap("✏️ Description")
    await user.wait_for(EN["description"], new=True)
    first_part = user.chat.next_message_id()  # the paste's parts come after this id
    await user.send_text("y " * 5000)
    await user.wait_for("Received so far: 4 messages", timeout=10)
    await intake.emulator.settle()
    assert len([m for m in visible(user) if m.message_id > first_part]) == 1


async def test_status_at_the_review_shows_the_fields_once(intake):
    user = intake.user()
    await reach_step(user, "review")
    before = len(visible(user))
    await user.send_command("/status")
    await user.wait_for(EN["review"], new=True)
    await intake.emulator.settle()
    sent = visible(user)[before:]
    assert sum((m.text or "").count("Summary:") for m in sent) == 1


async def test_status_before_the_redmine_login_is_asked_does_not_claim_it_was_skipped(
    intake_redmine,
):
    user = intake_redmine.user()
    await reach_step(user, "os")
    text = await status(user)
    assert "Redmine login: —" in text
    assert "service account" not in text


async def test_the_progress_counter_counts_each_question(intake):
    user = intake.user()
    await reach_step(user, "summary")
    assert user.last_bot_message.text.startswith("Step 1 of 10\n")
    await user.send_text("Export fails")
    browser = await user.wait_for(EN["browser"], new=True)
    assert browser.text.startswith("Step 2 of 10\n")
    await user.tap("Chrome")
    version = await user.wait_for(EN["version"], new=True)
    assert version.text.startswith("Step 3 of 10\n")
    await user.send_text("126")
    system = await user.wait_for(EN["os"], new=True)
    assert system.text.startswith("Step 4 of 10\n")


async def test_an_answered_prompt_keeps_no_stale_buttons(intake):
    user = intake.user()
    await reach_step(user, "summary")
    prompt = user.last_bot_message
    assert prompt.buttons
    await user.send_text("Export fails")
    await user.wait_for(EN["browser"], new=True)
    await intake.emulator.settle()
    assert not user.chat.messages[prompt.message_id].buttons


async def test_one_message_is_counted_in_the_singular(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.tap("✏️ Description")
    await user.wait_for(EN["description"], new=True)
    await user.tap(lambda b: "Clear description" in b.text)
    await user.send_text("It fails.")
    await user.wait_for("Received so far: 1 message.", new=True)


async def test_joined_chinese_sentences_have_no_english_space(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "summary", ZH)
    await user.send_sticker()
    answer = await user.wait_for(lambda m: has_chinese(m.text) and "。" in m.text, new=True)
    assert "。 " not in answer.text


async def test_the_language_offer_is_written_in_the_language_the_user_writes(intake):
    user = intake.user(language_code="en")
    await reach_step(user, "summary")
    await user.send_text("导出功能报错，无法下载报表")
    offer = await user.wait_for(lambda m: any("切换到中文" in t for t in m.button_texts))
    assert has_chinese(offer.text) and "中文" in offer.text


async def test_switching_from_the_offer_leaves_the_live_question_last_in_that_language(intake):
    user = intake.user(language_code="en")
    await reach_step(user, "description")
    await user.send_text("导出功能报错，无法下载报表。点击导出按钮后页面一直转圈。")
    offer = await user.wait_for(lambda m: any("切换到中文" in t for t in m.button_texts))
    await user.wait_for("Received so far")
    await user.tap(lambda b: "切换到中文" in b.text, message=offer)
    await user.wait_for("已收到", new=True)
    await intake.emulator.settle()
    last = [m for m in visible(user) if m.from_bot][-1]
    assert "已收到" in last.text and last.buttons  # the question to answer, in Chinese
    live = [m for m in visible(user) if m.from_bot and m.buttons]
    assert all(has_chinese(m.text) for m in live), [m.text[:40] for m in live]


async def test_after_a_language_switch_no_button_is_left_live_in_the_old_language(intake):
    user = intake.user()
    await reach_step(user, "summary")
    await user.send_text("Export fails")
    await user.wait_for(EN["browser"])
    await user.send_text(CHROME_ON_WINDOWS)
    await user.wait_for("From your User-Agent", new=True)
    await user.send_command("/language")
    await user.wait_for(ZH["browser"], new=True)
    await intake.emulator.settle()
    live = [m for m in visible(user) if m.from_bot and m.buttons]
    assert live and all(has_chinese(m.text) for m in live), [m.text[:40] for m in live]


async def test_a_quick_second_tap_on_done_with_files_is_not_answered_with_noise(intake):
    user = intake.user()
    await reach_step(user, "description")
    await user.send_text("Export fails with E42.")
    await user.wait_for(lambda m: EN["done"] in " ".join(m.button_texts), new=True)
    await user.tap(lambda b: EN["done"] in b.text)
    await user.wait_for(EN["attachments"], new=True)
    await user.send_document(b"ERROR E42 in export\n", "app.log", "text/plain")
    verdict = await user.wait_for("app.log", new=True, timeout=10)
    done = verdict.find_button(lambda b: "Done with files" in b.text)
    before = len(visible(user))
    for _ in range(3):  # a double (triple) tap: Telegram sends each before the edit lands
        await user.tap_data(verdict.message_id, done.callback_data)
    await user.wait_for(EN["review"], new=True)
    await intake.emulator.settle()
    after = [m for m in visible(user)[before:] if m.from_bot]
    assert len(after) == 1, [m.text[:40] for m in after]


async def test_an_edited_answer_updates_the_draft(intake):
    user = intake.user()
    await reach_step(user, "summary")
    sent = await user.send_text("Exprot fails")
    await user.wait_for(EN["browser"], new=True)
    await user.edit_text(sent, "Export fails")
    await user.wait_for("Updated", new=True)
    assert "Summary: Export fails\n" in await status(user)
    row = next(intake.services.db.query("SELECT summary FROM conversations"))
    assert row["summary"] == "Export fails"


async def test_an_answer_edited_at_the_review_brings_an_updated_card(intake):
    user = intake.user()
    await reach_step(user, "review")
    summary = next(m for m in user.messages if m.text == "Export to CSV fails with an error")
    await user.edit_text(summary, "Export to PDF fails with an error")
    card = await user.wait_for(EN["review"], new=True)
    assert "Updated" in card.text and "Summary: Export to PDF fails" in card.text
    assert card.reply_to_message_id == summary.message_id  # the edit it answers
    await intake.emulator.settle()
    stale = [m for m in visible(user) if EN["review"] in (m.text or "") and m is not card]
    assert all(not m.buttons for m in stale)  # nothing confirms the old card


async def test_an_edit_after_the_ticket_was_sent_is_told_it_changes_nothing(intake):
    user = intake.user()
    await reach_step(user, "review")
    summary = next(m for m in user.messages if m.text == "Export to CSV fails with an error")
    await user.tap(lambda b: EN["confirm"] in b.text)
    await user.wait_for("OS-000001", timeout=10)
    await user.edit_text(summary, "Export to PDF fails with an error")
    told = await user.wait_for("already sent", new=True)
    assert "OS-000001" in told.text and "new message" in told.text
    assert told.reply_to_message_id == summary.message_id
    fields = json.loads(store.get_ticket(intake.services.db, 1).fields)
    assert fields["summary"] == "Export to CSV fails with an error"


async def test_an_edit_of_a_refused_answer_asks_for_a_new_message_in_chinese(intake):
    user = await chinese_at_the_typed_browser(intake)
    refused = await user.send_text("121.0")
    await user.wait_for("看起来像版本号", new=True)
    await user.edit_text(refused, "Vivaldi")
    told = await user.wait_for("新消息", new=True)
    assert told.reply_to_message_id == refused.message_id and has_chinese(told.text)


async def test_an_edited_caption_is_told_it_changes_nothing(intake):
    user = intake.user()
    await reach_step(user, "description")
    await user.send_text("Export fails with E42.")
    await user.wait_for(lambda m: EN["done"] in " ".join(m.button_texts), new=True)
    await user.tap(lambda b: EN["done"] in b.text)
    await user.wait_for(EN["attachments"], new=True)
    sent = await user.send_document(b"ERROR E42 in export\n", "app.log", "text/plain", "the log")
    await user.wait_for("app.log", new=True, timeout=10)
    await user.edit_caption(sent, "the export log")
    told = await user.wait_for("new message", new=True)
    assert told.reply_to_message_id == sent.message_id


async def test_the_ticket_files_with_the_edited_browser_version(intake):
    """Regression: Confirm filed the ticket without the version of a newly chosen browser."""
    user = intake.user()
    await reach_step(user, "review")
    await user.tap("✏️ Browser")
    await user.wait_for(EN["browser"], new=True)
    await user.tap("Safari")
    await user.wait_for("Which version of Safari", new=True)
    await user.send_text("Version 17.5 (19618.2.12.11.6)")
    await user.wait_for(EN["review"], new=True)
    await user.tap(lambda b: EN["confirm"] in b.text)
    await user.wait_for("OS-", timeout=10)
    fields = json.loads(store.get_ticket(intake.services.db, 1).fields)
    assert (fields["browser"], fields["browser_version"]) == ("Safari", "17.5")


# --- due times -----------------------------------------------------------------------------


async def test_a_chinese_customer_sees_the_due_time_in_their_own_time_zone(intake):
    """A date_time entity each Telegram app shows in the reader's zone; Pacific kept as text."""
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "review", ZH)
    await user.tap(lambda b: "影响" in b.text)
    card = await user.wait_for(lambda m: "PST" in (m.text or ""), new=True)
    due = [e for e in card.entities if e["type"] == "date_time"]
    assert len(due) == 1 and due[0]["unix_time"] > 0 and due[0]["date_time_format"] == "wDt"
    assert "太平洋时间" in card.text
    assert card.text.count("UTC") == 1  # the entity's own text; the Pacific part has none
    await user.tap(lambda b: "确认" in b.text)
    await user.wait_for(ZH["review"], new=True)
    await user.tap(lambda b: ZH["confirm"] in b.text)
    receipt = await user.wait_for("OS-", timeout=10)
    assert [e["type"] for e in receipt.entities].count("date_time") == 1


async def test_an_english_customer_sees_the_due_time_in_their_own_time_zone_too(intake):
    """English customers are not all on Pacific time either: the same entity, Pacific kept."""
    user = intake.user()
    await reach_step(user, "review")
    await user.tap("✏️ Impact")
    card = await user.wait_for(lambda m: "PST" in (m.text or ""), new=True)
    due = [e for e in card.entities if e["type"] == "date_time"]
    assert len(due) == 1 and due[0]["date_time_format"] == "wDt"
    assert "(Pacific time: " in card.text and card.text.count("UTC") == 1


# --- common answers as buttons ---------------------------------------------------------------


async def test_system_and_orangesky_versions_offer_buttons_and_still_take_text(intake):
    user = intake.user()
    await reach_step(user, "os")
    await user.tap("macOS")
    asked = await user.wait_for("Which version of macOS", new=True)
    assert {"15", "26"} <= set(asked.button_texts)
    await user.tap("15")
    product = await user.wait_for(EN["product"], new=True)
    assert any("Cloud" in t for t in product.button_texts)
    await user.send_text("4.3.0")  # typing still works next to the buttons
    await user.wait_for(EN["extra"], new=True)
    text = await status(user)
    assert "System: macOS 15\n" in text and "Orangesky version: 4.3.0" in text


async def test_the_cloud_button_reads_as_cloud_in_chinese_on_the_status(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "os", ZH)
    await user.tap("Windows")
    await user.wait_for(lambda m: "Windows" in (m.text or ""), new=True)
    await user.tap("11")
    await user.wait_for(ZH["product"], new=True)
    await user.tap(lambda b: "云服务" in b.text)
    await user.wait_for(ZH["extra"], new=True)
    await user.send_command("/status")
    shown = await user.wait_for("Orangesky 版本", new=True)
    assert "Orangesky 版本：☁️ 云服务" in shown.text


# --- documentation first ---------------------------------------------------------------------


async def test_matching_articles_are_offered_after_the_summary_and_can_solve_it(intake):
    from intake.storage import docs as docs_store

    user = intake.user()
    await reach_step(user, "summary")
    await user.send_text("Export to CSV fails for big reports")
    offer = await user.wait_for("these articles may already answer it")
    assert "CSV export fails or times out for large reports" in offer.text
    await user.wait_for(EN["browser"])  # never in the way: the next question is asked too
    await user.tap("✅ This solved it", message=offer)
    await user.wait_for("Glad that helped", new=True)
    assert docs_store.solved_count(intake.services.db) == 1
    row = next(intake.services.db.query("SELECT status FROM conversations"))
    assert row["status"] == "solved"
    assert not list(intake.services.db.query("SELECT id FROM tickets"))


async def test_a_chinese_summary_gets_chinese_articles_and_continuing_is_one_tap(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "summary", ZH)
    await user.send_text("无法登录系统")
    offer = await user.wait_for("以下文章")
    assert "无法登录，或单点登录" in offer.text
    await user.tap(lambda b: "继续提交工单" in b.text, message=offer)
    await intake.emulator.settle()
    assert not user.chat.messages[offer.message_id].buttons
    row = next(intake.services.db.query("SELECT answer FROM doc_suggestions"))
    assert row["answer"] == "continued"


async def test_a_long_paste_at_the_attachments_step_leaves_one_message(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.tap("✏️ Attachments")
    await user.wait_for(EN["attachments"], new=True)
    first_part = user.chat.next_message_id()
    await user.send_text("w " * 5000)
    await user.wait_for("Added to the description", new=True)
    await intake.emulator.settle()
    assert len([m for m in visible(user) if m.message_id > first_part]) == 1


async def test_an_ignored_article_offer_keeps_its_buttons_one_step_then_loses_them(intake):
    user = intake.user()
    await reach_step(user, "summary")
    await user.send_text("Export to CSV fails for big reports")
    offer = await user.wait_for("these articles may already answer it")
    await user.wait_for(EN["browser"])
    await intake.emulator.settle()
    assert user.chat.messages[offer.message_id].buttons  # one tap away while it is current
    await user.tap("Chrome")
    await user.wait_for(EN["version"], new=True)
    await intake.emulator.settle()
    assert not user.chat.messages[offer.message_id].buttons  # the dialogue moved past it


async def test_verdicts_leave_no_done_buttons_behind(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.tap(lambda b: "Attachments" in b.text)
    prompt = await user.wait_for(EN["attachments"], new=True)
    log = b"2026-11-27 09:00:01 ERROR export failed: timeout in ReportWriter\n"
    await user.send_document(log, "one.log", "text/plain")
    first = await user.wait_for("one.log", timeout=20)
    await user.send_document(log, "two.log", "text/plain")
    second = await user.wait_for("two.log", timeout=20)
    await intake.emulator.settle()

    def buttons(message) -> bool:
        return bool(user.chat.messages[message.message_id].buttons)

    assert not buttons(first) and buttons(second)  # one Done button, not one per file
    await user.tap(lambda b: "Done" in b.text, message=second)
    review = await user.wait_for(EN["review"])
    await intake.emulator.settle()
    assert not buttons(first) and not buttons(prompt)  # the step is behind the user
    assert not buttons(second)  # nor does the tapped verdict keep its Done
    # The verdict stays what it said (a reply to its file); the review is a message of its own.
    assert review.message_id != second.message_id
    assert "two.log" in user.chat.messages[second.message_id].text


async def test_a_restart_between_verdicts_still_leaves_one_done_button(intake):
    user = intake.user()
    await reach_step(user, "review")
    await user.tap(lambda b: "Attachments" in b.text)
    await user.wait_for(EN["attachments"], new=True)
    log = b"2026-11-27 09:00:01 ERROR export failed: timeout in ReportWriter\n"
    await user.send_document(log, "one.log", "text/plain")
    first = await user.wait_for("one.log", timeout=20)
    await intake.restart()
    await user.send_document(log, "two.log", "text/plain")
    second = await user.wait_for("two.log", timeout=20)
    await intake.emulator.settle()
    assert not user.chat.messages[first.message_id].buttons
    assert user.chat.messages[second.message_id].buttons


async def test_the_review_says_a_refused_file_is_not_sent(intake):
    user = intake.user(language_code="zh-hans")
    await reach_step(user, "review", ZH)
    await user.tap(lambda b: "附件" in b.text)
    await user.wait_for(ZH["attachments"], new=True)
    log = "2026-11-27 09:00:01 错误 导出失败：报表写入超时\n".encode()
    await user.send_document(log, "export-zh.log", "text/plain")
    verdict = await user.wait_for("export-zh.log", timeout=20)
    await user.tap(lambda b: ZH["done"] in b.text, message=verdict)
    review = await user.wait_for(ZH["review"])
    assert "⛔ export-zh.log" in review.text
    assert "不会随工单提交" in review.text  # the icon is explained, in the customer's language

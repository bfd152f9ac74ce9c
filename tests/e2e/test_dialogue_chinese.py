"""The whole intake in Chinese: a zh Telegram client gets Chinese from the first message."""

import pytest

from intake.storage import tickets as store
from intake.storage import users
from tests.e2e.steps import ZH, complete_intake, has_chinese


@pytest.mark.parametrize("language_code", ["zh-hans", "zh-hant", "zh", "zh-CN"])
async def test_any_zh_language_code_gets_chinese_at_first_contact(intake, language_code):
    user = intake.user(language_code=language_code)
    await user.send_text("你好")
    welcome = await user.next_message()
    assert has_chinese(welcome.text)
    assert users.get_user(intake.services.db, user.id).language == "zh_Hans"


async def test_a_chinese_user_completes_the_intake_in_chinese(intake):
    user = intake.user(language_code="zh-hans")
    receipt = await complete_intake(
        user,
        ZH,
        summary="所有用户都看到 502 错误，系统完全无法使用",
        description="从早上九点开始所有页面都报 502。",
    )
    assert "OS-000001" in receipt
    assert "英语" in receipt  # calls are in English only
    assert "Orangesky Lab Support" in receipt
    for message in user.bot_messages:
        assert has_chinese(message.text), f"English leaked into the Chinese flow: {message.text!r}"
    ticket = store.get_ticket(intake.services.db, 1)
    assert ticket.language == "zh_Hans"
    assert ticket.impact == "emergency"


async def test_a_later_language_code_does_not_override_the_stored_language(intake):
    user = intake.user(language_code="zh-hans")
    await user.send_text("你好")
    await user.next_message()
    user.person["language_code"] = "en"
    await user.send_command("/help")
    reply = await user.next_message()
    assert has_chinese(reply.text)


async def test_help_lists_every_command_of_the_menu_in_chinese(intake):
    """/help and Telegram's command menu read one list: /tickets is in both."""
    user = intake.user(language_code="zh-hans")
    await user.send_command("/help")
    reply = await user.wait_for("/start")
    menu = [c["command"] for c in user.commands]
    assert menu and all(f"/{name} — " in reply.text for name in menu)
    assert "/tickets — 您的工单" in reply.text

"""Bilingual users switch at any step; the step is asked again and nothing is lost."""

import pytest

from intake.storage import users
from tests.e2e.steps import ZH, has_chinese, reach_step


@pytest.mark.parametrize("step", ["summary", "browser_version", "review"])
async def test_switching_to_chinese_re_asks_the_step_and_keeps_the_draft(intake, step):
    user = intake.user(language_code="en")
    await reach_step(user, step)
    await user.tap(lambda b: "中文" in b.text)
    asked = await user.wait_for(lambda m: has_chinese(m.text), new=True)
    assert users.get_user(intake.services.db, user.id).language == "zh_Hans"
    if step == "browser_version":
        assert "Chrome" in asked.text
    if step == "review":
        assert "Export to CSV fails with an error" in asked.text
        assert "cluster eu-1" in asked.text
        assert any(ZH["confirm"] in t for t in asked.button_texts)


async def test_the_language_command_switches_back_and_forth(intake):
    user = intake.user(language_code="en")
    await reach_step(user, "browser_version")
    await user.send_command("/language")
    chinese = await user.wait_for(lambda m: has_chinese(m.text), new=True)
    assert "Chrome" in chinese.text
    await user.send_command("/language")
    english = await user.wait_for(lambda m: "Which version of Chrome" in (m.text or ""), new=True)
    assert not has_chinese(english.text)


async def test_typing_chinese_in_the_english_dialogue_offers_a_switch(intake):
    user = intake.user(language_code="en")
    await reach_step(user, "summary")
    await user.send_text("导出功能报错，无法下载报表")
    offer = await user.wait_for(  # written in Chinese, the language the user writes
        lambda m: any("中文" in t for t in m.button_texts) and "更习惯" in (m.text or "")
    )
    await user.tap(lambda b: "中文" in b.text, message=offer)
    await user.wait_for(lambda m: has_chinese(m.text) and "浏览器" in m.text, new=True)
    assert users.get_user(intake.services.db, user.id).language == "zh_Hans"

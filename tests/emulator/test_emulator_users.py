"""The simulated person's side: reading the chat, waiting, language, forgetting."""

import asyncio

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup


async def test_next_message_returns_each_bot_message_once_in_order(bot, emu):
    user = emu.user(id=31)
    await bot.send_message(user.id, "one")
    await bot.send_message(user.id, "two")
    assert (await user.next_message()).text == "one"
    assert (await user.next_message()).text == "two"
    with pytest.raises(TimeoutError, match="last bot message: 'two'"):
        await user.next_message(timeout=0.05)


async def test_wait_for_new_ignores_what_was_already_there_and_sees_an_edit(bot, emu):
    user = emu.user(id=31)
    sent = await bot.send_message(user.id, "Step 1 of 3")
    waiting = asyncio.create_task(user.wait_for("Step", new=True, timeout=2))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await bot.edit_message_text("Step 2 of 3", chat_id=user.id, message_id=sent.message_id)
    assert (await waiting).text == "Step 2 of 3"


async def test_a_language_change_reaches_later_updates(bot, emu):
    user = emu.user(id=31, language_code="en")
    await user.send_text("hello")
    user.language_code = "zh-hans"
    await user.send_text("你好")
    first, second = await bot.get_updates()
    assert first.message.from_user.language_code == "en"
    assert second.message.from_user.language_code == "zh-hans"


async def test_a_url_button_sends_no_callback(bot, emu):
    user = emu.user(id=31)
    await bot.send_message(
        user.id,
        "docs",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text="Open", url="https://orangesky.example/support")]
            ]
        ),
    )
    with pytest.raises(ValueError, match="sends no callback"):
        await user.tap("Open")


async def test_a_telegram_app_cannot_send_a_blank_message(emu):
    with pytest.raises(ValueError, match="empty or blank"):
        await emu.user(id=31).send_text("   ")


async def test_old_or_tampered_callback_data_still_reaches_the_bot(bot, emu):
    user = emu.user(id=31)
    sent = await bot.send_message(
        user.id,
        "old step",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="step:1")]]
        ),
    )
    await user.tap_data(sent.message_id, "step:999;drop table")
    (update,) = await bot.get_updates()
    assert update.callback_query.data == "step:999;drop table"
    assert update.callback_query.message.message_id == sent.message_id


async def test_forget_drops_the_chat_and_its_files(bot, emu):
    user = emu.user(id=31)
    sent = await user.send_document(b"secret", "a.txt")
    emu.forget(user)
    assert 31 not in emu.bot.chats and sent.file.file_id not in emu.bot.files
    assert emu.user(id=31).messages == []

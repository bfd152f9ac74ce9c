"""The bot's session speaks JSON to the Bot API; uploads and Telegram's refusals still work."""

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import ClientDecodeError, TelegramBadRequest, TelegramForbiddenError
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from intake.app import create_bot
from intake.bot.middlewares import RetryMiddleware
from intake.storage.db import open_db


@pytest.fixture
async def bot(emulator, tmp_path) -> AsyncIterator[Bot]:
    db = open_db(tmp_path / "intake.sqlite3")
    bot = create_bot(
        emulator.token, db, api_url=emulator.base_url, retry=RetryMiddleware(attempts=1)
    )
    yield bot
    await bot.session.close()
    db.close()


def sent_as(emulator, method: str) -> set[str]:
    return {kind for (name, kind), n in emulator.body_types.items() if name == method and n}


async def test_the_dialogue_sends_its_answers_as_json(intake):
    user = intake.user()
    await user.send_command("/start")
    await user.wait_for(lambda m: any("Start" in text for text in m.button_texts))
    assert sent_as(intake.emulator, "sendMessage") == {"application/json"}


async def test_chinese_text_and_buttons_arrive_as_sent(emulator, bot):
    user = emulator.user()
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="继续", callback_data="nav:go")]]
    )
    sent = await bot.send_message(user.id, "<b>您好</b>，请描述问题。", reply_markup=markup)
    shown = await user.wait_for("您好")
    assert shown.text == "您好，请描述问题。"  # HTML, the bot's default parse mode
    assert shown.button_texts == ["继续"]
    assert sent.message_id == shown.message_id  # the answer parsed into aiogram's Message
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "nav:go"


async def test_a_file_still_goes_as_a_multipart_upload(emulator, bot):
    user = emulator.user()
    await bot.send_document(
        user.id, BufferedInputFile(b"Export log\n", "export.log"), caption="From staff"
    )
    shown = await user.wait_for(lambda m: m.kind == "document")
    assert emulator.file_bytes(shown.media["document"]["file_id"]) == b"Export log\n"
    assert sent_as(emulator, "sendDocument") == {"multipart/form-data"}


async def test_telegram_refusals_raise_aiogram_errors(emulator, bot):
    user = emulator.user()
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(987_654_321, "Hello")
    emulator.fail_next("sendMessage", 403, description="Forbidden: bot was blocked by the user")
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.send_message(user.id, "Hello")


async def test_an_answer_that_is_not_json_is_a_decode_error(emulator, bot):
    user = emulator.user()
    emulator.fail_next("sendMessage", 200, raw_body="<html>proxy page</html>")
    with pytest.raises(ClientDecodeError):
        await bot.send_message(user.id, "Hello")

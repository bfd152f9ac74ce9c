"""The real aiogram Bot against the emulator: methods, Telegram's limits and error classes."""

import aiohttp
import pytest
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from intake.emulator.testing import create_bot


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in pairs]
    )


async def test_get_me_returns_the_bot_behind_the_token(bot, emu):
    me = await bot.get_me()
    assert me.id == bot.id == emu.bot.id
    assert me.is_bot and me.username == "orangesky_intake_bot"


async def test_a_token_the_emulator_does_not_know_is_unauthorized(emu):
    async with create_bot(emu, token="42:not-registered") as stranger:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await stranger.get_me()


async def test_a_second_registered_token_is_its_own_bot():
    from intake.emulator.testing import running_emulator

    async with running_emulator(tokens=["777:SecondBotToken"]) as emu:
        async with create_bot(emu, token="777:SecondBotToken") as second:
            assert (await second.get_me()).id == 777


async def test_unknown_method_answers_404_not_found_in_telegrams_envelope(emu):
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emu.base_url}/bot{emu.token}/sendTelepathy") as resp:
            assert resp.status == 404
            expected = {"ok": False, "error_code": 404, "description": "Not Found"}
            assert await resp.json() == expected


async def test_json_bodies_are_accepted_like_form_data(emu):
    user = emu.user(id=5)
    async with aiohttp.ClientSession() as http:
        url = f"{emu.base_url}/bot{emu.token}/sendMessage"
        body = {
            "chat_id": 5,
            "text": "hi",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        }
        async with http.post(url, json=body) as resp:
            result = await resp.json()
    assert result["ok"]
    assert result["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    assert user.last_bot_message.button_texts == ["A"]


async def test_send_message_up_to_4096_characters_is_delivered(bot, emu):
    user = emu.user(id=7)
    await bot.send_message(user.id, "a" * 4096)
    assert len(user.last_bot_message.text) == 4096


async def test_send_message_over_4096_characters_is_refused(bot, emu):
    user = emu.user(id=7)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(user.id, "a" * 4097)
    assert user.bot_messages == []


async def test_the_length_limit_counts_text_after_html_parsing(bot, emu):
    user = emu.user(id=7)
    await bot.send_message(user.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    message = user.last_bot_message
    assert len(message.text) == 4096
    assert message.html.startswith("<b>aaa") and message.entities[0]["type"] == "bold"


async def test_html_with_an_unescaped_angle_bracket_is_refused(bot, emu):
    user = emu.user(id=7)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(user.id, "speed < 5 ms", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "br"'):
        await bot.send_message(user.id, "line<br>line", parse_mode="HTML")


async def test_callback_data_over_64_bytes_is_refused(bot, emu):
    user = emu.user(id=7)
    await bot.send_message(user.id, "ok", reply_markup=keyboard(("A", "x" * 64)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(user.id, "too long", reply_markup=keyboard(("A", "x" * 65)))
    # 22 Chinese characters are 66 bytes in UTF-8 though only 22 characters.
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(user.id, "bytes", reply_markup=keyboard(("A", "中" * 22)))


async def test_a_text_only_inline_button_is_refused(bot, emu):
    user = emu.user(id=7)
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="bare")]])
    with pytest.raises(TelegramBadRequest, match="text buttons are unallowed"):
        await bot.send_message(user.id, "x", reply_markup=markup)


async def test_a_callback_query_can_be_answered_once(bot, emu):
    user = emu.user(id=7)
    await bot.send_message(user.id, "pick", reply_markup=keyboard(("Yes", "yes")))
    tap = await user.tap("Yes")
    assert await bot.answer_callback_query(tap.query_id, text="noted")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(tap.query_id)
    answer = await tap.answer()
    assert (answer.text, answer.data) == ("noted", "yes")
    assert user.callback_answers == [answer]


async def test_answering_an_unknown_callback_query_is_refused(bot, emu):
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query("999999")


async def test_a_callback_query_answered_too_late_is_refused(emu):
    from intake.emulator.testing import running_emulator

    async with running_emulator(callback_answer_timeout=0.05) as strict:
        async with create_bot(strict) as client:
            user = strict.user(id=7)
            await client.send_message(user.id, "pick", reply_markup=keyboard(("Yes", "yes")))
            tap = await user.tap("Yes")
            import asyncio

            await asyncio.sleep(0.1)
            with pytest.raises(TelegramBadRequest, match="query is too old"):
                await client.answer_callback_query(tap.query_id)


async def test_429_raises_retry_after_with_its_seconds(bot, emu):
    user = emu.user(id=7)
    emu.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(user.id, "hi")
    assert caught.value.retry_after == 3
    await bot.send_message(user.id, "hi")  # the fault was for one call only
    assert emu.calls["sendMessage"] == 2
    assert [m.text for m in user.bot_messages] == ["hi"]


async def test_5xx_raises_server_error_and_a_dropped_connection_a_network_error(bot, emu):
    user = emu.user(id=7)
    emu.fail_next("sendMessage", 500)
    with pytest.raises(TelegramServerError):
        await bot.send_message(user.id, "hi")
    emu.fail_next("sendMessage", 502)
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.send_message(user.id, "hi")
    emu.fail_next("sendMessage", drop=True)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(user.id, "hi")
    assert user.bot_messages == []


async def test_a_proxy_html_502_page_is_a_decode_error_for_aiogram(bot, emu):
    user = emu.user(id=7)
    emu.fail_next("*", 502, raw_body="<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(ClientDecodeError):
        await bot.send_message(user.id, "hi")


async def test_get_file_and_download_return_the_bytes_the_user_sent(bot, emu):
    user = emu.user(id=7)
    payload = bytes(range(256)) * 1000
    sent = await user.send_document(payload, "trace.har", "application/json", caption="log")
    downloaded = await bot.download(sent.file.file_id)
    assert downloaded.read() == payload
    photo = await user.send_photo(b"\x89PNG fake but bytes all the same")
    downloaded = await bot.download(photo.file.file_id)
    assert downloaded.read() == b"\x89PNG fake but bytes all the same"


async def test_get_file_over_20_mb_is_refused(bot, emu):
    user = emu.user(id=7)
    sent = await user.send_document(b"%PDF", "huge.pdf", file_size=20 * 1024 * 1024 + 1)
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(sent.file.file_id)


async def test_the_download_url_of_an_unknown_path_is_404(emu):
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{emu.base_url}/file/bot{emu.token}/documents/nope.pdf") as resp:
            assert resp.status == 404


async def test_taking_the_keyboard_off_does_not_mark_the_message_edited(bot, emu):
    """Telegram apps show "edited" for a changed text, not for a changed inline keyboard."""
    user = emu.user(id=7)
    sent = await bot.send_message(user.id, "verdict", reply_markup=keyboard(("Done", "d")))
    await bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id)
    message = user.messages[-1]
    assert (message.buttons, message.edited) == ([], False)


async def test_edit_message_text_applies_and_drops_the_keyboard_unless_resent(bot, emu):
    user = emu.user(id=7)
    sent = await bot.send_message(user.id, "step 1", reply_markup=keyboard(("Next", "n")))
    await bot.edit_message_text(
        "step 2", chat_id=user.id, message_id=sent.message_id, reply_markup=keyboard(("Next", "n"))
    )
    message = user.messages[-1]
    assert (message.text, message.edited, message.button_texts) == ("step 2", True, ["Next"])
    await bot.edit_message_text("step 3", chat_id=user.id, message_id=sent.message_id)
    assert (message.text, message.buttons) == ("step 3", [])


async def test_editing_to_the_same_content_is_refused_as_not_modified(bot, emu):
    user = emu.user(id=7)
    sent = await bot.send_message(user.id, "same", reply_markup=keyboard(("A", "a")))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "same", chat_id=user.id, message_id=sent.message_id, reply_markup=keyboard(("A", "a"))
        )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=user.id, message_id=sent.message_id, reply_markup=keyboard(("A", "a"))
        )
    await bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id)
    assert user.messages[-1].buttons == []


async def test_the_bot_cannot_edit_the_users_message(bot, emu):
    user = emu.user(id=7)
    mine = await user.send_text("hello")
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("hacked", chat_id=user.id, message_id=mine.message_id)


async def test_delete_message_removes_it_from_the_users_chat(bot, emu):
    user = emu.user(id=7)
    sent = await bot.send_message(user.id, "temporary")
    assert await bot.delete_message(user.id, sent.message_id)
    assert user.messages == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)


async def test_sending_to_an_unknown_chat_is_refused(bot):
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(31337, "anyone?")


async def test_a_user_who_blocked_the_bot_gives_forbidden(bot, emu):
    user = emu.user(id=7)
    user.block()
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(user.id, "hello?")


async def test_chat_actions_are_seen_and_unknown_actions_refused(bot, emu):
    user = emu.user(id=7)
    await bot.send_chat_action(user.id, "typing")
    assert user.chat_actions == ["typing"]
    with pytest.raises(TelegramBadRequest, match="wrong parameter action"):
        await bot.send_chat_action(user.id, "juggling")


async def test_commands_round_trip_and_the_user_sees_the_menu_for_their_language(bot, emu):
    english = [BotCommand(command="start", description="Start")]
    chinese = [BotCommand(command="start", description="开始")]
    await bot.set_my_commands(english)
    await bot.set_my_commands(chinese, scope=BotCommandScopeAllPrivateChats(), language_code="zh")
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("start", "Start")
    ]
    assert emu.user(id=1, language_code="zh-hans").commands == [
        {"command": "start", "description": "开始"}
    ]
    assert emu.user(id=2, language_code="en").commands == [
        {"command": "start", "description": "Start"}
    ]
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])


async def test_reply_keyboard_is_shown_then_removed(bot, emu):
    user = emu.user(id=7)
    markup = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Chrome"), KeyboardButton(text="Firefox")]]
    )
    await bot.send_message(user.id, "Browser?", reply_markup=markup)
    assert user.reply_keyboard == [["Chrome", "Firefox"]]
    await bot.send_message(user.id, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert user.reply_keyboard is None


async def test_files_the_bot_sends_are_stored_and_served(bot, emu):
    user = emu.user(id=7)
    await bot.send_document(
        user.id,
        BufferedInputFile(b"ticket body", "ticket.txt"),
        caption="<i>your copy</i>",
        parse_mode="HTML",
    )
    message = user.last_bot_message
    assert (message.kind, message.text, message.html) == (
        "document",
        "your copy",
        "<i>your copy</i>",
    )
    assert emu.file_bytes(message.file.file_id) == b"ticket body"
    assert (await bot.download(message.file.file_id)).read() == b"ticket body"


async def test_get_chat_describes_the_private_chat(bot, emu):
    user = emu.user(id=7, first_name="Mei", username="mei")
    chat = await bot.get_chat(user.id)
    assert (chat.type, chat.first_name, chat.username) == ("private", "Mei", "mei")


async def test_an_emulator_bug_is_a_500_for_the_bot_and_fails_the_block(monkeypatch):
    from aiogram.exceptions import TelegramServerError

    from intake.emulator import methods
    from intake.emulator.testing import running_emulator

    def broken(call):
        raise KeyError("emulator bug")

    monkeypatch.setitem(methods.METHODS, "getme", broken)
    with pytest.raises(RuntimeError, match="failed internally"):
        async with running_emulator() as emu, create_bot(emu) as client:
            with pytest.raises(TelegramServerError):
                await client.get_me()

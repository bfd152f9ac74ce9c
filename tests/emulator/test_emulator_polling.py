"""getUpdates semantics and a real Dispatcher polling the emulator."""

import asyncio
import time

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import Command
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from intake.emulator import Document, Photo
from intake.emulator.testing import create_bot, polling


def echo_router() -> Router:
    router = Router()

    @router.message(Command("start"))
    async def start(message: Message) -> None:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="English", callback_data="lang:en"),
                    InlineKeyboardButton(text="中文", callback_data="lang:zh"),
                ]
            ]
        )
        await message.answer("Choose a language", reply_markup=markup)

    @router.callback_query(F.data.startswith("lang:"))
    async def chosen(query: CallbackQuery) -> None:
        await query.answer(f"set {query.data}")
        await query.message.edit_text(f"Language: {query.data[5:]}")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    return router


@pytest.fixture
def dp() -> Dispatcher:
    dispatcher = Dispatcher()
    dispatcher.include_router(echo_router())
    return dispatcher


async def test_echo_bot_replies_to_a_users_text(dp, bot, emu):
    user = emu.user(id=11, first_name="Li", language_code="zh-hans")
    async with polling(dp, bot):
        await emu.wait_for_bot()
        await user.send_text("你好")
        reply = await user.next_message()
    assert (reply.text, reply.from_bot, reply.chat_id) == ("你好", True, 11)


async def test_tapping_an_inline_button_reaches_the_handler_and_gets_one_answer(dp, bot, emu):
    user = emu.user(id=11)
    async with polling(dp, bot):
        await user.send_command("/start")
        menu = await user.next_message()
        assert menu.button_texts == ["English", "中文"]
        tap = await user.tap("中文")
        answer = await tap.answer()
        edited = await user.wait_for("Language: zh")
    assert answer.text == "set lang:zh"
    assert edited.message_id == menu.message_id and edited.edited and edited.buttons == []
    assert emu.calls["answerCallbackQuery"] == 1


async def test_a_tap_on_a_button_that_does_not_exist_fails_loudly(emu, bot):
    user = emu.user(id=11)
    await bot.send_message(
        user.id,
        "menu",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
        ),
    )
    with pytest.raises(LookupError, match=r"buttons: \['A'\]"):
        await user.tap("B")


async def test_long_polling_returns_promptly_when_an_update_arrives(bot, emu):
    user = emu.user(id=11)
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    started = time.perf_counter()
    await user.send_text("wake up")
    updates = await poll
    assert time.perf_counter() - started < 0.5
    assert [u.message.text for u in updates] == ["wake up"]


async def test_long_polling_without_updates_waits_for_its_timeout(bot):
    started = time.perf_counter()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 < time.perf_counter() - started < 2


async def test_updates_stay_until_an_offset_confirms_them(bot, emu):
    user = emu.user(id=11)
    for text in ("one", "two", "three"):
        await user.send_text(text)
    first = await bot.get_updates()
    assert [u.message.text for u in first] == ["one", "two", "three"]
    assert [u.update_id for u in await bot.get_updates()] == [u.update_id for u in first]
    rest = await bot.get_updates(offset=first[0].update_id + 1)
    assert [u.message.text for u in rest] == ["two", "three"]
    assert await bot.get_updates(offset=first[-1].update_id + 1) == []


async def test_update_ids_increase_monotonically_across_kinds_and_people(bot, emu):
    alice, bob = emu.user(id=1), emu.user(id=2)
    await bot.send_message(
        alice.id,
        "menu",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
        ),
    )
    await alice.send_text("a")
    await bob.send_photo()
    await alice.tap("A")
    await bob.send_sticker()
    ids = [u.update_id for u in await bot.get_updates(limit=100)]
    assert ids == sorted(ids) and len(set(ids)) == 4


async def test_limit_caps_the_batch(bot, emu):
    user = emu.user(id=11)
    for i in range(5):
        await user.send_text(f"m{i}")
    assert len(await bot.get_updates(limit=2)) == 2


async def test_redeliver_sends_the_same_update_again(bot, emu):
    user = emu.user(id=11)
    await user.send_text("once")
    (update,) = await bot.get_updates()
    assert await bot.get_updates(offset=update.update_id + 1) == []
    emu.redeliver(update.update_id)
    (again,) = await bot.get_updates(offset=update.update_id + 1)
    assert again.update_id == update.update_id and again.message.text == "once"
    assert emu.updates_delivered == 2


async def test_allowed_updates_drops_other_kinds(bot, emu):
    user = emu.user(id=11)
    await bot.send_message(
        user.id,
        "menu",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="A", callback_data="a")]]
        ),
    )
    await user.send_text("ignored")
    await user.tap("A")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query.data for u in updates] == ["a"]


async def test_a_second_poller_terminates_the_first_with_a_conflict(emu, bot):
    async with create_bot(emu) as other:
        first = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        second = asyncio.create_task(other.get_updates(timeout=1))
        with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
            await first
        assert await second == []


async def test_every_kind_of_user_message_parses_as_aiogram_types(bot, emu):
    user = emu.user(id=11, first_name="Ana", language_code=None)
    await user.send_command("/start", "deep-link")
    await user.send_photo(caption="screenshot")
    await user.send_document(b"data", "report.pdf", "application/pdf")
    await user.send_sticker("😀")
    await user.send_voice(duration=4)
    await user.send_location(31.23, 121.47)
    await user.send_contact("+8613800000000")
    updates: list[Update] = await bot.get_updates()
    start, photo, document, sticker, voice, location, contact = (u.message for u in updates)
    assert start.text == "/start deep-link" and start.entities[0].type == "bot_command"
    assert start.from_user.language_code is None
    assert photo.caption == "screenshot" and len(photo.photo) >= 1
    assert (document.document.file_name, document.document.mime_type) == (
        "report.pdf",
        "application/pdf",
    )
    assert sticker.sticker.emoji == "😀"
    assert voice.voice.duration == 4
    assert (location.location.latitude, location.location.longitude) == (31.23, 121.47)
    assert contact.contact.phone_number == "+8613800000000"


async def test_an_album_is_one_update_per_item_sharing_a_media_group_id(bot, emu):
    user = emu.user(id=11)
    await user.send_album([Photo(caption="first"), Photo(), Document(b"%PDF", "a.pdf")])
    messages = [u.message for u in await bot.get_updates()]
    assert len(messages) == 3
    assert len({m.media_group_id for m in messages}) == 1 and messages[0].media_group_id
    assert messages[0].caption == "first" and messages[2].document.file_name == "a.pdf"


async def test_text_over_4096_characters_arrives_split_like_a_telegram_app(bot, emu):
    user = emu.user(id=11)
    await user.send_text("word " * 2000)
    texts = [u.message.text for u in await bot.get_updates()]
    assert len(texts) == 3 and all(len(t) <= 4096 for t in texts)
    assert "".join(texts).replace(" ", "") == "word" * 2000


async def test_an_edited_user_message_arrives_as_edited_message(bot, emu):
    user = emu.user(id=11)
    sent = await user.send_text("Chrome 12")
    await user.edit_text(sent, "Chrome 120")
    first, second = await bot.get_updates()
    assert first.message.text == "Chrome 12"
    assert second.edited_message.text == "Chrome 120"
    assert second.edited_message.message_id == sent.message_id


async def test_a_group_member_writes_in_the_group_chat(bot, emu):
    user = emu.user(id=11)
    group = emu.group("Ops", supergroup=True)
    await group.member(user).send_text("hello bot")
    (update,) = await bot.get_updates()
    assert update.message.chat.type == "supergroup" and update.message.chat.id == group.id
    assert update.message.from_user.id == 11
    await bot.send_message(group.id, "please write to me privately")
    assert group.messages[-1].text == "please write to me privately"


async def test_a_restarted_dispatcher_gets_what_the_old_one_left_unconfirmed(emu):
    user = emu.user(id=11)
    async with create_bot(emu) as first_bot:
        dp = Dispatcher()
        dp.include_router(echo_router())
        async with polling(dp, first_bot):
            await user.send_text("before")
            await user.next_message()
    await user.send_text("while down")
    async with create_bot(emu) as second_bot:
        dp = Dispatcher()
        dp.include_router(echo_router())
        async with polling(dp, second_bot):
            reply = await user.next_message()
    assert reply.text == "while down"


async def test_settle_waits_until_the_bot_is_done(dp, bot, emu):
    user = emu.user(id=11)
    async with polling(dp, bot):
        for i in range(3):
            await user.send_text(f"m{i}")
        await emu.settle()
        assert [m.text for m in user.bot_messages] == ["m0", "m1", "m2"]


async def test_a_redelivered_update_reaches_a_running_dispatcher_again(dp, bot, emu):
    user = emu.user(id=11)
    async with polling(dp, bot):
        sent = await user.send_text("only once, please")
        await user.next_message()
        await emu.settle()
        emu.redeliver(sent.update_id)
        again = await user.next_message()
    assert again.text == "only once, please", "an echo bot without dedup answers twice"


async def test_update_ids_can_start_above_what_a_database_has_seen():
    from intake.emulator.testing import running_emulator

    async with running_emulator(first_update_id=5000) as emu, create_bot(emu) as client:
        sent = await emu.user(id=11).send_text("after a restart")
        (update,) = await client.get_updates()
    assert update.update_id == sent.update_id == 5000

"""Live chat events (what the playground's web chat shows) and webhook delivery."""

import asyncio

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from intake.emulator.load import run_load
from intake.emulator.testing import polling


def markup(text: str, data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data)]]
    )


async def test_a_subscription_sees_messages_edits_deletions_and_answers_in_order(bot, emu):
    user = emu.user(id=21)
    other = emu.user(id=22)
    async with emu.subscribe(user.id) as events:
        await user.send_text("hi")
        await bot.send_message(other.id, "not for this chat")
        sent = await bot.send_message(
            user.id, "<b>Hello</b>", parse_mode="HTML", reply_markup=markup("OK", "ok")
        )
        tap = await user.tap("OK")
        await bot.answer_callback_query(tap.query_id, text="fine")
        await bot.edit_message_text("Bye", chat_id=user.id, message_id=sent.message_id)
        await bot.send_chat_action(user.id, "typing")
        await bot.delete_message(user.id, sent.message_id)
        seen = [await events.get(timeout=1) for _ in range(6)]
    assert [e.kind for e in seen] == [
        "message",
        "message",
        "callback_answer",
        "edited",
        "chat_action",
        "deleted",
    ]
    mine, hello, answer, edited, action, deleted = seen
    assert (mine.message.text, mine.message.from_bot) == ("hi", False)
    assert hello.message.html == "<b>Hello</b>" and hello.message.button_texts == ["OK"]
    assert hello.message.text == "Hello", "the snapshot does not change with later edits"
    assert answer.answer.text == "fine"
    assert edited.message.text == "Bye" and edited.message.edited
    assert action.action == "typing"
    assert deleted.message_id == sent.message_id
    assert hello.to_dict()["message"]["buttons"][0][0]["callback_data"] == "ok"


async def test_a_listener_is_called_for_every_chat_until_removed(bot, emu):
    seen = []
    remove = emu.add_listener(seen.append)
    await bot.send_message(emu.user(id=1).id, "one")
    await bot.send_message(emu.user(id=2).id, "two")
    remove()
    await bot.send_message(emu.user(id=1).id, "three")
    assert [(e.chat_id, e.message.text) for e in seen] == [(1, "one"), (2, "two")]


async def test_html_from_the_bot_is_rendered_safely_for_a_web_chat(bot, emu):
    user = emu.user(id=21)
    await bot.send_message(
        user.id,
        '&lt;script&gt;alert(1)&lt;/script&gt; <a href="javascript:alert(1)">x</a>',
        parse_mode="HTML",
    )
    message = user.last_bot_message
    assert message.text == "<script>alert(1)</script> x"
    assert "<script>" not in message.html and "javascript:" not in message.html
    assert message.source_html.startswith("&lt;script&gt;")


async def test_webhook_delivery_posts_updates_with_the_secret_header(bot, emu, unused_tcp_port):
    dp = Dispatcher()
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"hook: {message.text}")

    dp.include_router(router)
    app = web.Application()
    SimpleRequestHandler(dp, bot, secret_token="s3cret").register(app, path="/hook")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", unused_tcp_port)
    await site.start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{unused_tcp_port}/hook", secret_token="s3cret")
        user = emu.user(id=21)
        await user.send_text("over the hook")
        assert (await user.next_message()).text == "hook: over the hook"
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook") and info.pending_update_count == 0
        await bot.set_webhook(f"http://127.0.0.1:{unused_tcp_port}/hook", secret_token="wrong")
        await user.send_text("refused")
        for _ in range(100):
            info = await bot.get_webhook_info()
            if info.last_error_message:
                break
            await asyncio.sleep(0.02)
        assert "401" in info.last_error_message and info.pending_update_count == 1
        await bot.delete_webhook()
    finally:
        await runner.cleanup()


async def test_a_method_returned_in_the_webhook_answer_is_executed(bot, emu, unused_tcp_port):
    dp = Dispatcher()
    router = Router()

    @router.message(F.text)
    async def reply_in_answer(message: Message):
        return message.answer(f"inline: {message.text}")  # the method itself, not awaited

    dp.include_router(router)
    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=False).register(app, path="/hook")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{unused_tcp_port}/hook")
        user = emu.user(id=21)
        await user.send_text("ping")
        assert (await user.next_message()).text == "inline: ping"
        assert emu.calls["sendMessage"] == 0, "it came back in the webhook answer"
        await bot.delete_webhook()
    finally:
        await runner.cleanup()


async def test_get_updates_while_a_webhook_is_set_is_a_conflict(bot, emu):
    from aiogram.exceptions import TelegramConflictError

    emu.deliver_webhooks = False
    await bot.set_webhook("https://example.invalid/hook")
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == []


async def test_run_load_counts_updates_and_times_each_round_trip(bot, emu):
    dp = Dispatcher()
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    dp.include_router(router)
    async with polling(dp, bot):
        report = await run_load(emu, users=3, per_user=4)
    assert report.failures == []
    assert report.updates == 12 and len(report.latencies) == 12
    assert 0 < report.p50 <= report.p99 < 5
    assert "12 updates" in report.summary()

"""Helpers for tests and the playground: an emulator as an async context manager, a Bot for it.

This module imports aiogram (the emulator itself does not): it is the client side's glue.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from .server import DEFAULT_TOKEN, BotAPIEmulator

__all__ = ["create_bot", "polling", "running_emulator"]


@contextlib.asynccontextmanager
async def running_emulator(
    host: str = "127.0.0.1", port: int = 0, **options: Any
) -> AsyncIterator[BotAPIEmulator]:
    """``async with running_emulator() as emu:`` — started on a free port, stopped after.

    Raises at exit if the emulator itself failed while serving (``emu.internal_errors``).
    """
    emu = BotAPIEmulator(**options)
    await emu.start(host=host, port=port)
    try:
        yield emu
    finally:
        await emu.stop()
    if emu.internal_errors:  # a bug in the emulator must not pass for a bug in the bot
        raise RuntimeError(f"the emulator failed internally: {emu.internal_errors!r}")


def create_bot(emu: BotAPIEmulator | str, token: str | None = None, **bot_options: Any) -> Bot:
    """A real aiogram ``Bot`` with a real ``AiohttpSession`` pointed at the emulator.

    ``emu`` is a running emulator or the base URL of one in another process. The caller
    closes the bot: ``async with create_bot(emu) as bot:`` (or ``await bot.session.close()``).
    """
    base_url = emu if isinstance(emu, str) else emu.base_url
    default_token = DEFAULT_TOKEN if isinstance(emu, str) else emu.token
    session = AiohttpSession(api=TelegramAPIServer.from_base(base_url))
    return Bot(token or default_token, session=session, **bot_options)


@contextlib.asynccontextmanager
async def polling(
    dp: Dispatcher, bot: Bot, *, polling_timeout: int = 10, **kwargs: Any
) -> AsyncIterator[asyncio.Task]:
    """Run ``dp.start_polling(bot)`` in the background for the block; stop it cleanly after.

    ``kwargs`` reach the handlers like ``start_polling``'s (``db=...`` and the like).
    """
    task = asyncio.create_task(
        dp.start_polling(
            bot,
            handle_signals=False,
            close_bot_session=False,
            polling_timeout=polling_timeout,
            **kwargs,
        )
    )
    try:
        yield task
    finally:
        if not task.done():
            try:
                await dp.stop_polling()
            except RuntimeError:  # polling had not started yet
                task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

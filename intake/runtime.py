"""Composing the running product: storage, ticket sink, checker, bot and dispatcher.

``main.py run``, the playground and the end-to-end tests all start the bot through
``BotRunner`` so that what is tested is what runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from aiogram import Bot, Dispatcher
from sqlite_utils import Database

from intake.app import create_bot, create_dispatcher, create_i18n
from intake.attachments.checker import AttachmentChecker
from intake.bot.flow import DialogueOptions
from intake.config import Settings
from intake.storage.db import open_db
from intake.tickets.local import LocalSink
from intake.tickets.sink import TicketSink

logger = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything the bot needs besides Telegram; built once per process."""

    db: Database
    sink: TicketSink
    checker: AttachmentChecker
    options: DialogueOptions
    background: list[object] = field(default_factory=list)

    async def aclose(self) -> None:
        await self.checker.aclose()
        self.db.close()


def build_services(settings: Settings, *, db: Database | None = None) -> Services:
    db = db or open_db(settings.database)
    options = DialogueOptions(
        download_limit_bytes=settings.download_limit_bytes,
        attachment_limit_bytes=settings.download_limit_bytes,
        support_channel=settings.support_channel,
        staff_chat_id=settings.staff_chat_id,
    )
    return Services(db=db, sink=LocalSink(db), checker=AttachmentChecker(), options=options)


class BotRunner:
    """One bot polling its Bot API server; stop and start again to simulate a restart."""

    def __init__(self, services: Services, token: str, api_url: str | None = None) -> None:
        self.services = services
        self.token = token
        self.api_url = api_url
        self.bot: Bot | None = None
        self.dispatcher: Dispatcher | None = None
        self._task: asyncio.Task[None] | None = None
        self._i18n = create_i18n()

    async def start(self, *, polling_timeout: int = 10) -> None:
        s = self.services
        self.bot = create_bot(self.token, s.db, api_url=self.api_url)
        self.dispatcher = create_dispatcher(
            db=s.db, sink=s.sink, checker=s.checker, options=s.options, i18n=self._i18n
        )
        self._task = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot, handle_signals=False, polling_timeout=polling_timeout,
                close_bot_session=True,
            )
        )
        # Wait until polling really runs, so callers can send at once.
        for _ in range(200):
            if self.dispatcher._running_lock.locked():  # noqa: SLF001
                break
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self.dispatcher is not None and self._task is not None:
            with contextlib.suppress(RuntimeError):
                await self.dispatcher.stop_polling()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
        self.bot = None
        self.dispatcher = None

    async def run_forever(self) -> None:
        await self.start()
        assert self._task is not None
        await self._task


async def serve(settings: Settings, *, webhook: bool, host: str, port: int) -> None:
    """``main.py run``: the real bot with the configured sink until interrupted."""
    from intake import logging_setup

    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    logging_setup.configure(secrets=[token])
    services = build_services(settings)
    Path(settings.database).parent.mkdir(parents=True, exist_ok=True)
    runner = BotRunner(services, token, settings.telegram_api_url)
    try:
        if webhook:
            await _serve_webhook(runner, settings, host, port)
        else:
            await runner.run_forever()
    finally:
        await runner.stop()
        await services.aclose()


async def _serve_webhook(runner: BotRunner, settings: Settings, host: str, port: int) -> None:
    from aiohttp import web
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application

    s = runner.services
    bot = create_bot(runner.token, s.db, api_url=runner.api_url)
    dp = create_dispatcher(db=s.db, sink=s.sink, checker=s.checker, options=s.options)
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None

    async def on_startup(bot: Bot) -> None:
        await bot.set_webhook(settings.webhook_url or "", secret_token=secret)

    dp.startup.register(on_startup)
    app = web.Application()
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(app, path="/webhook")
    setup_application(app, dp, bot=bot)
    web_runner = web.AppRunner(app)
    await web_runner.setup()
    await web.TCPSite(web_runner, host, port).start()
    logger.info("webhook server on http://%s:%s/webhook", host, port)
    try:
        await asyncio.Event().wait()
    finally:
        await web_runner.cleanup()

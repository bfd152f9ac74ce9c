"""Composing the running product: storage, ticket sink, checker, bot and dispatcher.

``main.py run``, the playground and the end-to-end tests all start the bot through
``BotRunner`` so that what is tested is what runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import gc
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiohttp import web
from sqlite_utils import Database

from intake.app import create_bot, create_dispatcher, create_i18n
from intake.attachments.checker import AttachmentChecker
from intake.bot.flow import DialogueOptions
from intake.bot.notifier import TelegramNotifier
from intake.bot.polling import InboxPolling
from intake.bot.webhook import InboxWebhook
from intake.config import Settings, secrets_of
from intake.docs import DocsIndex, Suggestions
from intake.storage.db import open_db, utcnow
from intake.tickets.local import default_due_at
from intake.tickets.paging import OnCall, Paging
from intake.tickets.redmine.config import RedmineSettings
from intake.tickets.redmine.docs_search import RedmineDocsSearch
from intake.tickets.setup import Ticketing, create_ticketing
from intake.tickets.sink import TicketSink

logger = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything the bot needs besides Telegram; built once per process."""

    db: Database
    ticketing: Ticketing  # the sink, and with Redmine its client, filer and outbox
    checker: AttachmentChecker
    options: DialogueOptions
    notifier: TelegramNotifier  # how the outbox reaches Telegram; told which bot runs

    @property
    def sink(self) -> TicketSink:
        return self.ticketing.sink

    @property
    def paging(self) -> Paging:
        return self.ticketing.effects.paging

    async def aclose(self) -> None:
        await self.ticketing.close()
        await self.checker.aclose()
        self.db.close()


def build_services(
    settings: Settings,
    *,
    db: Database | None = None,
    redmine_settings: RedmineSettings | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Services:
    """The local sink, or Redmine with its outbox when REDMINE_URL and REDMINE_API_KEY are set.

    ``redmine_settings`` replaces ``settings.redmine`` (tests point it at their server)."""
    db = db or open_db(settings.database)
    redmine_settings = redmine_settings or settings.redmine
    options = DialogueOptions(
        download_limit_bytes=settings.download_limit_bytes,
        attachment_limit_bytes=settings.download_limit_bytes,
        staff_chat_id=settings.staff_chat_id,
        holidays=settings.support_holidays,
    )
    if redmine_settings.configured:
        options = dataclasses.replace(
            options,
            with_account=True,
            register_url=redmine_settings.registration_url or "",
            attachment_limit_bytes=min(
                settings.download_limit_bytes, redmine_settings.max_attachment_bytes
            ),
        )
    notifier = TelegramNotifier(db)
    ticketing = create_ticketing(
        db,
        notifier,
        redmine_settings,
        due_at=functools.partial(default_due_at, holidays=settings.support_holidays),
        staff_chat_id=settings.staff_chat_id,
        oncall=oncall_of(settings),
        holidays=settings.support_holidays,
        clock=clock,
    )
    return Services(
        db=db,
        ticketing=ticketing,
        checker=AttachmentChecker(),
        options=options,
        notifier=notifier,
    )


def suggestions_of(services: Services) -> Suggestions:
    """The articles offered after the summary: Redmine's wiki pages and closed issues when
    Redmine is configured (the sample articles when it cannot answer), else the samples."""
    local = DocsIndex.from_folder()
    t = services.ticketing
    if t.client is None or t.settings is None:
        return Suggestions(local)
    return Suggestions(
        local, RedmineDocsSearch(t.client, t.settings.project, t.settings.text_formatting)
    )


def oncall_of(settings: Settings) -> OnCall:
    return OnCall(
        staff_chat_id=settings.staff_chat_id,
        contacts=settings.oncall,
        ack_after=timedelta(minutes=settings.page_ack_minutes),
    )


def freeze_startup_objects() -> None:
    """Move everything built so far out of the garbage collector's sight.

    aiogram's hundreds of pydantic models make each full collection walk a large heap that
    never becomes garbage; with it frozen, bench/dialogue.py spent 0.16 s instead of 0.74 s
    in the collector for 700 updates (262 -> 326 updates/s).
    """
    gc.collect()
    gc.freeze()


class BotRunner:
    """One bot polling its Bot API server through the inbox; stop and start to restart."""

    def __init__(self, services: Services, token: str, api_url: str | None = None) -> None:
        self.services = services
        self.token = token
        self.api_url = api_url
        self.bot: Bot | None = None
        self.dispatcher: Dispatcher | None = None
        self.polling: InboxPolling | None = None
        self._task: asyncio.Task[None] | None = None
        self._i18n = create_i18n()

    async def start(self, *, polling_timeout: int = 10, wait: bool = True) -> None:
        """Start polling; with ``wait``, return once updates are being taken."""
        s = self.services
        self.bot = create_bot(self.token, s.db, api_url=self.api_url)
        self.dispatcher = create_dispatcher(
            db=s.db,
            sink=s.sink,
            checker=s.checker,
            options=s.options,
            i18n=self._i18n,
            accounts=s.ticketing.accounts,
            docs=suggestions_of(s),
            paging=s.paging,
        )
        s.notifier.bot = self.bot
        freeze_startup_objects()
        # The outbox works whether or not Telegram answers yet (it retries its sends).
        await s.ticketing.start()
        self.polling = InboxPolling(
            self.dispatcher, self.bot, s.db, polling_timeout=polling_timeout
        )
        self._task = asyncio.create_task(self.polling.run(), name="polling")
        if wait:
            await self.wait_ready()

    async def wait_ready(self) -> None:
        assert self.polling is not None and self._task is not None
        ready = asyncio.create_task(self.polling.ready.wait())
        await asyncio.wait({ready, self._task}, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if self._task.done():
            self._task.result()  # polling ended before it was ready: raise why

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    async def stop(self, grace: float = 8.0) -> None:
        """Take no more updates; handlers and effects get ``grace`` seconds, side by side;
        what is unfinished stays pending for the next start."""

        async def stop_polling() -> None:
            if self.polling is not None and self._task is not None:
                self.polling.grace = grace
                await self.polling.stop()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task

        await asyncio.gather(stop_polling(), self.services.ticketing.close(grace))
        self.services.notifier.bot = None
        self._task = None
        self.polling = None
        self.bot = None
        self.dispatcher = None

    async def run_forever(self) -> None:
        await self.start()
        assert self._task is not None
        await self._task


async def serve(settings: Settings, *, webhook: bool, host: str, port: int) -> None:
    """``main.py run``: the real bot until SIGTERM or SIGINT, then a graceful stop.

    A stop takes no more updates, gives running handlers and effects a few seconds, leaves
    what is unfinished for the next start (the inbox and the outbox keep it), and ends the
    attachment workers: ``systemctl stop`` or ``docker stop`` exit 0 without losing work.
    """
    from intake import logging_setup

    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    logging_setup.configure(secrets=secrets_of(settings))
    Path(settings.database).parent.mkdir(parents=True, exist_ok=True)
    services = build_services(settings)
    runner = BotRunner(services, token, settings.telegram_api_url)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    try:
        if webhook:
            await _serve_webhook(runner, settings, host, port, stopping)
        else:
            await runner.start(wait=False)
            assert runner.task is not None
            stop = asyncio.create_task(stopping.wait())
            await asyncio.wait({stop, runner.task}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if runner.task.done():
                runner.task.result()
            logger.info("stopping: finishing what is in flight")
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await runner.stop()
        await services.aclose()
    logger.info("stopped")


def create_webhook_app(
    services: Services, token: str, *, api_url: str | None, webhook_url: str, secret: str | None
) -> web.Application:
    """The webhook endpoint (``InboxWebhook``: stored before 200, secret checked).

    On start-up the app finishes what a dead run left in the inbox, registers its URL with
    the Bot API and starts the outbox; on clean-up running handlers get a few seconds and
    the outbox finishes or hands back what it was doing.
    """
    bot = create_bot(token, services.db, api_url=api_url)
    dp = create_dispatcher(
        db=services.db,
        sink=services.sink,
        checker=services.checker,
        options=services.options,
        accounts=services.ticketing.accounts,
        docs=suggestions_of(services),
        paging=services.paging,
    )
    endpoint = InboxWebhook(dp, bot, services.db, secret=secret)
    workflow = {"dispatcher": dp, "bots": [bot], **dp.workflow_data}

    async def on_startup(app: web.Application) -> None:
        services.notifier.bot = bot
        freeze_startup_objects()
        await services.ticketing.start()
        await dp.emit_startup(bot=bot, **workflow)
        await endpoint.handling.replay()
        await bot.set_webhook(webhook_url, secret_token=secret, drop_pending_updates=False)

    async def on_cleanup(app: web.Application) -> None:
        await asyncio.gather(endpoint.handling.finish(8.0), services.ticketing.close(8.0))
        await dp.emit_shutdown(bot=bot, **workflow)
        services.notifier.bot = None
        await bot.session.close()

    app = web.Application()
    endpoint.register(app, "/webhook")
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app


async def _serve_webhook(
    runner: BotRunner, settings: Settings, host: str, port: int, stopping: asyncio.Event
) -> None:
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    app = create_webhook_app(
        runner.services,
        runner.token,
        api_url=runner.api_url,
        webhook_url=settings.webhook_url or "",
        secret=secret,
    )
    web_runner = web.AppRunner(app)
    await web_runner.setup()
    await web.TCPSite(web_runner, host, port).start()
    logger.info("webhook server on http://%s:%s/webhook", host, port)
    try:
        await stopping.wait()
    finally:
        await web_runner.cleanup()

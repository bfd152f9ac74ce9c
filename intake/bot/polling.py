"""Long polling through the inbox: no update is acknowledged before it is stored.

aiogram's ``start_polling`` moves the ``getUpdates`` offset past an update as soon as it has
handed it to a task, so a crash before the handler finished lost the update (Telegram
forgets it, and our dedup then dropped the redelivery). Here each batch is stored as
``pending`` (``intake.storage.updates``) before the next ``getUpdates`` confirms it, the
update middleware marks it done when its handler has returned, and a start first handles
what an earlier run left pending.

The rest is what a service needs: the Bot API unreachable at start is retried with back-off
and a clear log line, not an exit; ``stop()`` takes no more updates, gives the running
handlers ``grace`` seconds and leaves the unfinished ones pending for the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates
from sqlite_utils import Database

from intake import failpoints
from intake.bot.inbox import UpdateHandling, payload_of
from intake.storage import updates as inbox

logger = logging.getLogger(__name__)


class InboxPolling:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        db: Database,
        *,
        polling_timeout: int = 10,
        grace: float = 10.0,
        max_backoff: float = 60.0,
    ) -> None:
        self.dp = dispatcher
        self.bot = bot
        self.db = db
        self.polling_timeout = polling_timeout
        self.grace = grace
        self.max_backoff = max_backoff
        self.ready = asyncio.Event()  # set once updates are being taken
        self._stopping = asyncio.Event()
        self.handling = UpdateHandling(dispatcher, bot, db)

    async def run(self) -> None:
        """Serve until ``stop()``: reach the Bot API, start up, replay, poll."""
        user = await self._reach_bot_api()
        if user is None:
            return
        data = {"dispatcher": self.dp, "bots": [self.bot], **self.dp.workflow_data}
        await self.dp.emit_startup(bot=self.bot, **data)
        try:
            await self.handling.replay(self._stopping)
            logger.info("polling as @%s", user)
            self.ready.set()
            await self._poll()
        finally:
            await self.handling.finish(self.grace)
            await self.dp.emit_shutdown(bot=self.bot, **data)
            await self.bot.session.close()

    async def stop(self) -> None:
        self._stopping.set()

    # -- start ------------------------------------------------------------------------------

    async def _reach_bot_api(self) -> str | None:
        """The bot's username once the Bot API answers; None if stopped before it did."""
        delay = 1.0
        while not self._stopping.is_set():
            try:
                me = await self.bot.get_me()
            except Exception as exc:  # network, 5xx: the API may come back
                logger.warning(
                    "cannot reach the Telegram Bot API (%s); retrying in %.0f s",
                    type(exc).__name__,
                    delay,
                )
                if await self._wait_stop(delay):
                    return None
                delay = min(self.max_backoff, delay * 2)
                continue
            if delay > 1.0:
                logger.info("the Telegram Bot API answers again")
            return me.username or str(me.id)
        return None

    # -- polling ----------------------------------------------------------------------------

    async def _poll(self) -> None:
        request = GetUpdates(
            timeout=self.polling_timeout, allowed_updates=self.dp.resolve_used_update_types()
        )
        delay = 1.0
        while not self._stopping.is_set():
            fetch = asyncio.create_task(self.bot(request, request_timeout=self._timeout()))
            stop = asyncio.create_task(self._stopping.wait())
            await asyncio.wait({fetch, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if not fetch.done():  # stopping: what is not fetched stays with Telegram
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await fetch
                return
            try:
                batch = fetch.result()
            except Exception as exc:
                logger.warning(
                    "getUpdates failed (%s); retrying in %.0f s", type(exc).__name__, delay
                )
                if await self._wait_stop(delay):
                    return
                delay = min(self.max_backoff, delay * 2)
                continue
            delay = 1.0
            if not batch:
                continue
            # Stored before the next getUpdates confirms them (its offset moves past them).
            fresh = inbox.store(
                self.db, self.bot.id, [(u.update_id, payload_of(u)) for u in batch]
            )
            failpoints.hit("after_inbox_store")
            for update in batch:
                if update.update_id in fresh:
                    self.handling.start(update)
            request.offset = batch[-1].update_id + 1

    def _timeout(self) -> int:
        session_timeout = self.bot.session.timeout or 0
        return int(session_timeout + self.polling_timeout)

    async def _wait_stop(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless stopped first; True when stopped."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        return self._stopping.is_set()

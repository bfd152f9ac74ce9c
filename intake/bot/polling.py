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
from aiogram.types import Update
from sqlite_utils import Database

from intake.bot.inbox import payload_of
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
        self._handling: dict[int, asyncio.Task[None]] = {}

    async def run(self) -> None:
        """Serve until ``stop()``: reach the Bot API, start up, replay, poll."""
        user = await self._reach_bot_api()
        if user is None:
            return
        data = {"dispatcher": self.dp, "bots": [self.bot], **self.dp.workflow_data}
        await self.dp.emit_startup(bot=self.bot, **data)
        try:
            await self._replay()
            logger.info("polling as @%s", user)
            self.ready.set()
            await self._poll()
        finally:
            await self._finish_handlers()
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
                    type(exc).__name__, delay,
                )
                if await self._wait_stop(delay):
                    return None
                delay = min(self.max_backoff, delay * 2)
                continue
            if delay > 1.0:
                logger.info("the Telegram Bot API answers again")
            return me.username or str(me.id)
        return None

    async def _replay(self) -> None:
        """Handle, in order, the updates an earlier run stored but did not finish."""
        left = inbox.pending(self.db, self.bot.id)
        if left:
            logger.warning("handling %d update(s) left unfinished by the last run", len(left))
        for stored in left:
            if self._stopping.is_set():
                return
            try:
                update = Update.model_validate_json(stored.payload, context={"bot": self.bot})
            except ValueError:
                logger.warning("stored update %s cannot be read; dropped", stored.update_id)
                inbox.finish(self.db, self.bot.id, stored.update_id, failed=True)
                continue
            await self._handle(update, replay=True)

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
                logger.warning("getUpdates failed (%s); retrying in %.0f s",
                               type(exc).__name__, delay)
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
            for update in batch:
                if update.update_id in fresh and update.update_id not in self._handling:
                    self._start(update)
            request.offset = batch[-1].update_id + 1

    def _timeout(self) -> int:
        session_timeout = self.bot.session.timeout or 0
        return int(session_timeout + self.polling_timeout)

    def _start(self, update: Update) -> None:
        task = asyncio.create_task(self._handle(update))
        self._handling[update.update_id] = task
        task.add_done_callback(lambda _t, i=update.update_id: self._handling.pop(i, None))

    async def _handle(self, update: Update, *, replay: bool = False) -> None:
        try:
            await self.dp.feed_update(self.bot, update, inbox_stored=True, inbox_replay=replay)
        except Exception:  # the errors router answered the user; the update is recorded
            logger.exception("update %s failed", update.update_id)

    async def _finish_handlers(self) -> None:
        running = list(self._handling.values())
        if not running:
            return
        _, late = await asyncio.wait(running, timeout=self.grace)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if late:
            logger.warning("%d update(s) unfinished at stop; they are handled at next start",
                           len(late))

    async def _wait_stop(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless stopped first; True when stopped."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        return self._stopping.is_set()

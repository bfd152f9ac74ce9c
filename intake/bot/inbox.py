"""The update side of the inbox: how an update is stored, and the check that a replayed one
is not applied twice.

``payload_of`` is the one serialisation used for storing and for telling a redelivery from
a different update. A replayed update (stored by a run that died before finishing it) whose
effect already reached the dialogue's state is not applied again: the user is shown where
the dialogue now stands instead (``already_applied``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiogram import Bot, Dispatcher
from aiogram.fsm.context import FSMContext
from aiogram.types import Update
from sqlite_utils import Database

from intake.storage import updates as inbox
from intake.storage.fsm import SQLiteStorage

logger = logging.getLogger(__name__)


def payload_of(update: Update) -> str:
    return update.model_dump_json(exclude_none=True)


async def already_applied(state: FSMContext | None, update_id: int) -> bool:
    """True when the dialogue's state was last written by this update or a later one."""
    if state is None or not isinstance(state.storage, SQLiteStorage):
        return False
    applied = await state.storage.applied_update(state.key)
    return applied is not None and applied >= update_id


class UpdateHandling:
    """Handles stored updates as tasks, replays what a dead run left, and waits at a stop.

    Shared by long polling and the webhook: both store an update first, then hand it here.
    """

    def __init__(self, dispatcher: Dispatcher, bot: Bot, db: Database) -> None:
        self.dp = dispatcher
        self.bot = bot
        self.db = db
        self._running: dict[int, asyncio.Task[None]] = {}

    def start(self, update: Update) -> None:
        """Handle in the background, unless this update is being handled already."""
        if update.update_id in self._running:
            return
        task = asyncio.create_task(self.handle(update))
        self._running[update.update_id] = task
        task.add_done_callback(lambda _task: self._running.pop(update.update_id, None))

    async def handle(self, update: Update, *, replay: bool = False) -> None:
        try:
            await self.dp.feed_update(self.bot, update, inbox_stored=True, inbox_replay=replay)
        except Exception:  # the errors handler answered the user; the update is recorded
            logger.exception("update %s failed", update.update_id)

    async def replay(self, stopping: asyncio.Event | None = None) -> None:
        """Handle, in order, the updates an earlier run stored but did not finish."""
        left = inbox.pending(self.db, self.bot.id)
        if left:
            logger.warning("handling %d update(s) left unfinished by the last run", len(left))
        for stored in left:
            if stopping is not None and stopping.is_set():
                return
            try:
                update = Update.model_validate_json(stored.payload, context={"bot": self.bot})
            except ValueError:
                logger.warning("stored update %s cannot be read; dropped", stored.update_id)
                inbox.finish(self.db, self.bot.id, stored.update_id, failed=True)
                continue
            await self.handle(update, replay=True)

    async def finish(self, grace: float) -> None:
        """Give running handlers ``grace`` seconds; the rest stay pending for next start."""
        running = list(self._running.values())
        if not running:
            return
        _, late = await asyncio.wait(running, timeout=grace)
        for task in late:
            task.cancel()
        for task in late:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if late:
            logger.warning(
                "%d update(s) unfinished at stop; they are handled at next start", len(late)
            )

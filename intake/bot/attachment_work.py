"""Attachment checks run as background tasks so several files are checked at once.

The handler records the attachment (row first: nothing is lost) and returns; the task
downloads the file, stores its bytes, runs the English-only policy off the event loop,
records the verdict and tells the user. Verdicts live in the attachments table, so the
task never touches FSM data and never waits for the user's event lock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.utils.chat_action import ChatActionSender
from sqlite_utils import Database

from intake.attachments.checker import AttachmentChecker
from intake.attachments.policy import Verdict
from intake.attachments.reasons import Outcome, Reason
from intake.storage import attachments, done_buttons

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IncomingFile:
    attachment_id: int
    chat_id: int
    file_id: str
    file_name: str
    mime_type: str | None
    caption: str | None
    photo: bool = False  # sent as a photo: no name of its own, "your photo" to the customer
    message_id: int | None = None  # the customer's message that carried it (its verdict replies)


Announce = Callable[[IncomingFile, Verdict], Awaitable[None]]


class AttachmentWork:
    def __init__(self, db: Database, checker: AttachmentChecker) -> None:
        self.db = db
        self.checker = checker
        self._tasks: dict[int, asyncio.Task[Verdict]] = {}

    def start(self, bot: Bot, incoming: IncomingFile, announce: Announce) -> None:
        task = asyncio.create_task(self._run(bot, incoming, announce))
        self._tasks[incoming.attachment_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(incoming.attachment_id, None))

    async def check_now(self, bot: Bot, incoming: IncomingFile) -> Verdict:
        """Download, store, check and record one file, showing a chat action meanwhile."""
        try:
            async with ChatActionSender.upload_document(bot=bot, chat_id=incoming.chat_id):
                verdict = await self._download_and_check(bot, incoming)
        except Exception:  # a check must never take the bot down
            logger.exception("attachment %s: check failed", incoming.attachment_id)
            verdict = Verdict(Outcome.UNCHECKED, None, "", Reason.ERROR, "The check failed.", 0)
        self._record(incoming.attachment_id, verdict)
        return verdict

    async def _run(self, bot: Bot, incoming: IncomingFile, announce: Announce) -> Verdict:
        verdict = await self.check_now(bot, incoming)
        try:
            await announce(incoming, verdict)
        except Exception:
            logger.exception("attachment %s: could not tell the user", incoming.attachment_id)
        return verdict

    async def move_done_button(self, bot: Bot, chat_id: int, message_id: int) -> None:
        """A new verdict carries the Done button: the one before gives it up (silently)."""
        previous = done_buttons.hand_over(self.db, chat_id, message_id)
        if previous is not None and previous != message_id:
            await _take_buttons_off(bot, chat_id, previous)

    async def retire_done_button(self, bot: Bot, chat_id: int) -> None:
        """The attachments step is over: no verdict keeps its Done button."""
        previous = done_buttons.release(self.db, chat_id)
        if previous is not None:
            await _take_buttons_off(bot, chat_id, previous)

    async def _download_and_check(self, bot: Bot, incoming: IncomingFile) -> Verdict:
        try:
            buffer = await bot.download(incoming.file_id)
        except TelegramBadRequest as exc:
            reason = Reason.TOO_LARGE if "too big" in str(exc) else Reason.DOWNLOAD_FAILED
            return Verdict(Outcome.UNCHECKED, None, "", reason, f"Download failed: {exc}", 0)
        data = buffer.read() if buffer is not None else b""
        attachments.store_attachment_blob(self.db, incoming.attachment_id, data)
        return await self.checker.check(data, incoming.file_name, incoming.mime_type)

    def _record(self, attachment_id: int, verdict: Verdict) -> None:
        attachments.set_attachment_verdict(
            self.db,
            attachment_id,
            verdict=verdict.verdict,
            language=verdict.language,
            reason=verdict.reason,
            excerpt=verdict.excerpt,
            elapsed_ms=verdict.elapsed_ms,
        )

    def unsettled(self, attachment_ids: list[int]) -> bool:
        """A check still running or left pending: ``settle`` will have to wait for it."""
        if any(i in self._tasks for i in attachment_ids):
            return True
        verdicts = attachments.attachment_verdicts(self.db, attachment_ids)
        return any(verdicts.get(i) == "pending" for i in attachment_ids)

    async def settle(self, bot: Bot, chat_id: int, attachment_ids: list[int]) -> None:
        """Before submitting: wait for running checks, finish checks a restart interrupted
        (downloading again from Telegram when the bytes were not kept yet)."""
        running = [self._tasks[i] for i in attachment_ids if i in self._tasks]
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        verdicts = attachments.attachment_verdicts(self.db, attachment_ids)
        for attachment_id in attachment_ids:
            if verdicts.get(attachment_id) != "pending":
                continue
            row = attachments.get_attachment(self.db, attachment_id)
            data = attachments.attachment_data(self.db, attachment_id)
            if data is None and row is not None and row.file_id:
                incoming = IncomingFile(
                    attachment_id,
                    chat_id,
                    row.file_id,
                    row.file_name or "file",
                    row.mime_type,
                    row.caption,
                )
                await self.check_now(bot, incoming)
                continue
            if data is None or row is None:
                verdict = Verdict(
                    Outcome.UNCHECKED, None, "", Reason.DOWNLOAD_FAILED, "No bytes.", 0
                )
            else:
                verdict = await self.checker.check(data, row.file_name, row.mime_type)
            self._record(attachment_id, verdict)

    async def aclose(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _take_buttons_off(bot: Bot, chat_id: int, message_id: int) -> None:
    try:
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None
        )
    except TelegramBadRequest as exc:  # gone, or already without buttons
        logger.debug("could not take the buttons off %s: %s", message_id, exc)

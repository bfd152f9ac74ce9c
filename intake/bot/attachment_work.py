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
from intake.storage import records

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

    async def _download_and_check(self, bot: Bot, incoming: IncomingFile) -> Verdict:
        try:
            buffer = await bot.download(incoming.file_id)
        except TelegramBadRequest as exc:
            reason = Reason.TOO_LARGE if "too big" in str(exc) else Reason.DOWNLOAD_FAILED
            return Verdict(Outcome.UNCHECKED, None, "", reason, f"Download failed: {exc}", 0)
        data = buffer.read() if buffer is not None else b""
        records.store_attachment_blob(self.db, incoming.attachment_id, data)
        return await self.checker.check(data, incoming.file_name, incoming.mime_type)

    def _record(self, attachment_id: int, verdict: Verdict) -> None:
        records.set_attachment_verdict(
            self.db,
            attachment_id,
            verdict=verdict.verdict,
            language=verdict.language,
            reason=verdict.reason,
            excerpt=verdict.excerpt,
            elapsed_ms=verdict.elapsed_ms,
        )

    async def settle(self, bot: Bot, chat_id: int, attachment_ids: list[int]) -> None:
        """Before submitting: wait for running checks, finish checks a restart interrupted
        (downloading again from Telegram when the bytes were not kept yet)."""
        running = [self._tasks[i] for i in attachment_ids if i in self._tasks]
        if running:
            await asyncio.gather(*running, return_exceptions=True)
        verdicts = records.attachment_verdicts(self.db, attachment_ids)
        for attachment_id in attachment_ids:
            if verdicts.get(attachment_id) != "pending":
                continue
            row = records.get_attachment_row(self.db, attachment_id) or {}
            data = records.attachment_blob(self.db, attachment_id)
            if data is None and row.get("file_id"):
                incoming = IncomingFile(
                    attachment_id,
                    chat_id,
                    row["file_id"],
                    row.get("file_name") or "file",
                    row.get("mime_type"),
                    row.get("caption"),
                )
                await self.check_now(bot, incoming)
                continue
            if data is None:
                verdict = Verdict(
                    Outcome.UNCHECKED, None, "", Reason.DOWNLOAD_FAILED, "No bytes.", 0
                )
            else:
                verdict = await self.checker.check(
                    data, row.get("file_name"), row.get("mime_type")
                )
            self._record(attachment_id, verdict)

    async def aclose(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

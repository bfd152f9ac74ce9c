"""Webhook delivery: POST each update to the bot's URL, as Telegram does once setWebhook is set.

Updates go one at a time in update_id order; a non-2xx answer or a network error is recorded
for getWebhookInfo and retried with backoff. A bot may answer the POST with a method call
(aiogram's ``SimpleRequestHandler(handle_in_background=False)``), which is executed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from .params import Params, Upload
from .state import BotState

__all__ = ["WebhookDelivery"]

log = logging.getLogger(__name__)

Execute = Callable[[BotState, str, Params], Awaitable[Any]]


class WebhookDelivery:
    def __init__(self, bot: BotState, execute: Execute, *, max_backoff: float = 2.0) -> None:
        self.bot = bot
        self._execute = execute
        self._max_backoff = max_backoff
        self._task: asyncio.Task | None = None
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="emulator-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        backoff = 0.05
        while self.bot.webhook is not None and not self.bot.closed:
            if not self.bot.forced and not self.bot.pending:
                await self.bot.updates_changed.wait(1.0)
                continue
            forced = bool(self.bot.forced)
            update = self.bot.forced[0] if forced else self.bot.pending[0]
            if not forced and not self.bot.allowed(update):
                self.bot.pending.popleft()  # a kind the bot did not ask for: dropped
                continue
            if await self._deliver(update):
                backoff = 0.05
                if forced:
                    self.bot.forced.popleft()
                elif self.bot.pending and self.bot.pending[0] is update:
                    self.bot.pending.popleft()
                self.bot.updates_delivered += 1
            else:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)

    async def _deliver(self, update: dict) -> bool:
        hook = self.bot.webhook
        assert hook is not None and self._session is not None
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        try:
            body = json.dumps(update)
            async with self._session.post(hook.url, data=body, headers=headers) as resp:
                if not 200 <= resp.status < 300:
                    self._failed(f"Wrong response from the webhook: {resp.status} {resp.reason}")
                    return False
                await self._reply_method(resp)
                return True
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._failed(f"Connection failed: {type(exc).__name__}")
            return False

    def _failed(self, message: str) -> None:
        hook = self.bot.webhook
        if hook is not None:
            hook.last_error_date = int(time.time())
            hook.last_error_message = message

    async def _reply_method(self, resp: aiohttp.ClientResponse) -> None:
        """Run a method the bot returned in the webhook answer; its result goes nowhere."""
        values: dict[str, Any] = {}
        uploads: dict[str, Upload] = {}
        if resp.content_type.startswith("multipart/"):
            reader = aiohttp.MultipartReader.from_response(resp)
            while (part := await reader.next()) is not None:
                if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                    continue
                if part.filename:
                    uploads[part.name] = Upload(
                        part.filename, await part.read(), part.headers.get("Content-Type")
                    )
                else:
                    values[part.name] = await part.text()
        elif resp.content_type == "application/json":
            body = await resp.json()
            if isinstance(body, dict):
                values = body
        method = values.pop("method", None)
        if method:
            try:
                await self._execute(self.bot, str(method), Params(values, uploads))
            except Exception:
                log.exception("method returned by the webhook failed")

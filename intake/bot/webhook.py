"""The webhook endpoint: an update is stored in the inbox before Telegram gets its 200.

Telegram retries an update until it gets a 2xx, so answering only after storing makes a
crash lose nothing. What cannot be an update is answered at once and never reaches the
dispatcher: malformed JSON or a non-object → 400; numbers SQLite cannot store → 400; an
object aiogram cannot read as an Update → logged in one line and answered 200 (Telegram
would only send it again). The secret-token header is checked first, in constant time.
"""

from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from aiohttp import web
from pydantic import ValidationError
from sqlite_utils import Database

from intake.bot.inbox import UpdateHandling, payload_of
from intake.storage import updates as inbox

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_INT64 = (-(2**63), 2**63 - 1)


def _fits_sqlite(value: Any, depth: int = 0) -> bool:
    """Every integer within SQLite's signed 64-bit range (and no absurd nesting)."""
    if depth > 32:
        return False
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return _INT64[0] <= value <= _INT64[1]
    if isinstance(value, dict):
        return all(_fits_sqlite(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return all(_fits_sqlite(v, depth + 1) for v in value)
    return True


class InboxWebhook:
    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, db: Database, *, secret: str | None
    ) -> None:
        self.bot = bot
        self.db = db
        self.secret = secret
        self.handling = UpdateHandling(dispatcher, bot, db)

    def register(self, app: web.Application, path: str) -> None:
        app.router.add_post(path, self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        if self.secret is not None and not secrets.compare_digest(
            request.headers.get(SECRET_HEADER, "").encode(), self.secret.encode()
        ):
            return web.Response(status=401, text="wrong secret token")
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="malformed JSON")
        if not isinstance(body, dict) or not inbox.valid_update_id(body.get("update_id")):
            return web.Response(status=400, text="not an update")
        if not _fits_sqlite(body):
            return web.Response(status=400, text="a number is out of range")
        try:
            update = Update.model_validate(body, context={"bot": self.bot})
            update.event_type  # noqa: B018  (raises for an update of no known kind)
        except ValidationError as exc:
            logger.warning(
                "webhook: update %s is not one this bot can read (%d error(s)); ignored",
                body["update_id"],
                exc.error_count(),
            )
            return web.json_response({})
        except UpdateTypeLookupError:
            logger.warning(
                "webhook: update %s carries no event this bot knows; ignored", body["update_id"]
            )
            return web.json_response({})
        fresh = inbox.store(self.db, self.bot.id, [(update.update_id, payload_of(update))])
        if update.update_id in fresh:
            self.handling.start(update)
        return web.json_response({})

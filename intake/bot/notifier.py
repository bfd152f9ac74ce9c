"""The outbox's voice in Telegram: filed, delayed and failed notices in the user's language.

The outbox runs outside any handler, so the locale comes from the users table (the user
may have switched since submitting) and texts from ``intake.tickets.notices``.
"""

from __future__ import annotations

import dataclasses
import logging
from html import escape

from aiogram import Bot
from sqlite_utils import Database

from intake.storage import records
from intake.storage.tickets import TicketRow
from intake.tickets import notices
from intake.tickets.redmine.sink import FilingResult

logger = logging.getLogger(__name__)


class TelegramNotifier:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.bot: Bot | None = None  # set by whoever runs the bot (a restart makes a new one)

    def _localized(self, ticket: TicketRow) -> TicketRow:
        user = records.get_user(self.db, ticket.user_id)
        if user is None or user.language == ticket.language:
            return ticket
        return dataclasses.replace(ticket, language=user.language)

    async def _send(self, ticket: TicketRow, text: str) -> None:
        if self.bot is None:
            raise RuntimeError("the bot is not running")
        await self.bot.send_message(ticket.chat_id, escape(text))

    async def ticket_filed(self, ticket: TicketRow, result: FilingResult) -> None:
        await self._send(ticket, notices.filed_message(self._localized(ticket), result))

    async def ticket_delayed(self, ticket: TicketRow) -> None:
        await self._send(ticket, notices.delayed_message(self._localized(ticket)))

    async def ticket_failed(self, ticket: TicketRow, reason: str) -> None:
        await self._send(ticket, notices.failed_message(self._localized(ticket), reason))

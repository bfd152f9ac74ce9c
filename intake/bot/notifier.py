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
    def __init__(self, db: Database, staff_chat_id: int | None = None) -> None:
        self.db = db
        self.staff_chat_id = staff_chat_id  # told, in English, when a ticket cannot be filed
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
        if self.staff_chat_id is not None and self.bot is not None:
            # The customer is told "our team has been told": this is that message.
            await self.bot.send_message(
                self.staff_chat_id,
                escape(
                    f"Ticket {ticket.receipt} could not be filed in Redmine: {reason}\n"
                    f"Summary: {ticket.summary}\nRetry it from the staff page once fixed."
                ),
            )

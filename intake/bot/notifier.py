"""The outbox's voice in Telegram: sends what the outbox asks, and says how it went.

Telegram's failures become the outbox's classes: flood control and server or network errors
are retried (after what Telegram asks), a user who blocked the bot or a chat that is gone is
given up and recorded, never retried forever.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from sqlite_utils import Database

from intake.bot.middlewares import current_conversation
from intake.bot.routers.paging import ack_keyboard
from intake.storage import conversations
from intake.tickets.outbox import ErrorClass, GiveUp, Retry

logger = logging.getLogger(__name__)

BLOCKED = ErrorClass.BLOCKED  # the user blocked the bot (403)


class TelegramNotifier:
    """``intake.tickets.effects.Messenger`` for the running bot (a restart sets a new one).

    ``conversation_id``: log the message there (a ticket's notices belong to its
    conversation, so a reply to one routes to that ticket).
    """

    def __init__(self, db: Database | None = None) -> None:
        self.db = db
        self.bot: Bot | None = None

    async def send(self, chat_id: int, html: str, *, conversation_id: int | None = None) -> None:
        await self._call(chat_id, conversation_id, lambda bot: bot.send_message(chat_id, html))

    async def send_document(
        self,
        chat_id: int,
        data: bytes,
        filename: str,
        caption_html: str,
        *,
        conversation_id: int | None = None,
    ) -> None:
        document = BufferedInputFile(data, filename=filename)
        await self._call(
            chat_id,
            conversation_id,
            lambda bot: bot.send_document(chat_id, document, caption=caption_html),
        )

    async def send_with_buttons(
        self,
        chat_id: int,
        html: str,
        rows: list[list[tuple[str, str]]],
        *,
        conversation_id: int | None = None,
    ) -> None:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=text, callback_data=data) for text, data in row]
                for row in rows
            ]
        )
        await self._call(
            chat_id,
            conversation_id,
            lambda bot: bot.send_message(chat_id, html, reply_markup=markup),
        )

    async def send_page(self, chat_id: int, html: str, *, ticket_id: int) -> int:
        """An on-call page with its "I'm on it" button (``intake.tickets.paging``)."""
        sent = await self._call(
            chat_id,
            None,
            lambda bot: bot.send_message(chat_id, html, reply_markup=ack_keyboard(ticket_id)),
        )
        return int(sent.message_id)

    async def edit(self, chat_id: int, message_id: int, html: str) -> None:
        """New text for a page; Telegram drops the buttons of a message edited without any."""
        await self._call(
            chat_id,
            None,
            lambda bot: bot.edit_message_text(html, chat_id=chat_id, message_id=message_id),
        )

    async def _call(
        self, chat_id: int, conversation_id: int | None, send: Callable[[Bot], Awaitable[Any]]
    ) -> Any:
        if self.bot is None:
            raise Retry("the bot is not running", after=5.0)
        if conversation_id is not None:
            user = (
                conversations.conversation_language(self.db, conversation_id) if self.db else None
            )
            current_conversation.set((chat_id, conversation_id, user or "en"))
        try:
            return await send(self.bot)
        except TelegramRetryAfter as exc:
            raise Retry(
                f"Telegram flood control: {exc.message}", after=float(exc.retry_after)
            ) from None
        except (TelegramServerError, TelegramNetworkError) as exc:
            raise Retry(f"Telegram: {type(exc).__name__}") from None
        except TelegramForbiddenError as exc:
            raise GiveUp(f"Telegram refused: {exc.message}", error_class=BLOCKED) from None
        except TelegramBadRequest as exc:
            raise GiveUp(
                f"Telegram refused: {exc.message}", error_class=ErrorClass.BAD_REQUEST
            ) from None

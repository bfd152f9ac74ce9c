"""Satisfaction: the 1-5 buttons under "your ticket is resolved", and the optional comment.

The question itself is sent by the outbox (``intake.tickets.watcher``); this router takes the
tap, then the next text message as the comment (or Skip). It sits before the follow-up router
so that this one text becomes the rating's comment instead of a note on the closed issue.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import BaseFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlite_utils import Database

from intake.bot.filters import ButtonsOf, PrivateChat, TextAnswer
from intake.bot.flow import Flow
from intake.i18n import gettext
from intake.storage import tickets as store
from intake.storage import watch
from intake.storage.db import utcnow
from intake.telegram_html import plain
from intake.tickets import rating

# A rating comment is taken only outside a new request's dialogue.
_QUIET_STEPS = (None, "done")


class Rate(CallbackData, prefix=rating.PREFIX):
    """``rate:<ticket>:<score>``; score 0 skips the comment."""

    ticket_id: int
    score: int


class AwaitingComment(BaseFilter):
    """A text while one of the user's ratings still waits for its comment."""

    async def __call__(self, message: Message, db: Database, flow: Flow) -> bool | dict[str, Any]:
        if message.from_user is None or await flow.step() not in _QUIET_STEPS:
            return False
        found = watch.awaiting_comment(
            db, message.from_user.id, since=utcnow() - rating.COMMENT_WINDOW
        )
        return {"rating_row": found} if found else False


def _markup(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data) for text, data in row]
            for row in rows
        ]
    )


def create_router() -> Router:
    router = Router(name="rating")
    router.message.filter(PrivateChat())
    router.callback_query.filter(ButtonsOf(Rate))

    @router.callback_query(Rate.filter(F.score > 0))
    async def rate(callback: CallbackQuery, callback_data: Rate, flow: Flow) -> None:
        ticket = store.get_ticket(flow.db, callback_data.ticket_id)
        if ticket is None or ticket.user_id != callback.from_user.id or callback_data.score > 5:
            await callback.answer()
            return
        if not rating.settled(ticket):
            await open_again(callback, flow, ticket)
            return
        if not rating.rate(flow.db, ticket, callback_data.score):
            await callback.answer(gettext(flow.locale, rating.ALREADY))
            return
        await callback.answer()
        text = plain(
            gettext(flow.locale, rating.RATED, receipt=ticket.receipt, score=callback_data.score)
        )
        markup = _markup(rating.skip_buttons(flow.locale, ticket.id))
        await flow.reply(callback, text, markup, edit=True)

    @router.callback_query(Rate.filter(F.score == rating.SKIP))
    async def skip(callback: CallbackQuery, callback_data: Rate, flow: Flow) -> None:
        await callback.answer()
        ticket = store.get_ticket(flow.db, callback_data.ticket_id)
        if ticket is None or ticket.user_id != callback.from_user.id:
            return
        if rating.comment(flow.db, ticket, None):
            await flow.reply(callback, plain(gettext(flow.locale, rating.THANKS)), edit=True)

    @router.message(TextAnswer(), AwaitingComment())
    async def comment(message: Message, flow: Flow, rating_row: watch.Rating) -> None:
        ticket = store.get_ticket(flow.db, rating_row.ticket_id)
        if ticket is None:
            return
        rating.comment(flow.db, ticket, (message.text or "").strip()[:4000])
        await flow.reply(message, plain(gettext(flow.locale, rating.COMMENT_THANKS)))

    return router


async def open_again(callback: CallbackQuery, flow: Flow, ticket: store.TicketRow) -> None:
    """A question sent before the ticket was reopened: its buttons give way to why not now."""
    await callback.answer()
    text = plain(gettext(flow.locale, rating.OPEN_AGAIN, receipt=ticket.receipt))
    await flow.reply(callback, text, edit=True)

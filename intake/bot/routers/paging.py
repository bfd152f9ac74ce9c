"""The "I'm on it" button of an on-call page (staff-facing, so English).

It works in the staff chat, in a paged group and in an on-call person's private chat; the
rules (who may take a page, what happens then) are ``intake.tickets.paging``'s.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from intake.bot.filters import ButtonsOf
from intake.impact.format import format_due
from intake.tickets.paging import Paging, person_label

ACK_TEXT = "✋ I'm on it"


class PageAck(CallbackData, prefix="page"):
    """``page:<ticket id>``: far under Telegram's 64 bytes."""

    ticket_id: int


def ack_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=ACK_TEXT, callback_data=PageAck(ticket_id=ticket_id).pack()
                )
            ]
        ]
    )


async def acknowledge(
    callback: CallbackQuery, callback_data: PageAck, paging: Paging | None = None
) -> None:
    if paging is None:
        await callback.answer("Paging is not running in this bot.", show_alert=True)
        return
    person = callback.from_user
    chat_id = callback.message.chat.id if callback.message else person.id
    if not paging.oncall.may_acknowledge(person.id, chat_id):
        await callback.answer(
            "Only the on-call list and the staff chat can take pages.", show_alert=True
        )
        return
    ack = paging.acknowledge(
        callback_data.ticket_id,
        user_id=person.id,
        name=person_label(person.first_name, person.username, person.id),
        username=person.username,
    )
    if ack is None:
        await callback.answer("This page is unknown here.", show_alert=True)
    elif ack.first:
        await callback.answer(
            f"{ack.receipt} is yours. The customer is told an engineer is on it.", show_alert=True
        )
    else:
        await callback.answer(
            f"{ack.name} already has {ack.receipt} (since {format_due(ack.at, 'en')}).",
            show_alert=True,
        )


def create_router() -> Router:
    router = Router(name="paging")
    router.callback_query.filter(ButtonsOf(PageAck))
    router.callback_query.register(acknowledge, PageAck.filter())
    return router

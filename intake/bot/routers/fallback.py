"""Catch-alls, last in line: first contact, the finished state, and bad input at any step.

Bad input never crashes and never loses the draft: a short explanation in the user's
language, then the same step again.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from intake.bot.filters import CommandText, PrivateChat
from intake.bot.flow import Flow
from intake.bot.states import Intake

# Steps answered with buttons only.
BUTTON_STEPS = ("impact", "review")


def create_router() -> Router:
    router = Router(name="fallback")
    router.message.filter(PrivateChat())

    @router.message(StateFilter(Intake.done))
    async def after_submit(message: Message, flow: Flow) -> None:
        data = await flow.data()
        await flow.reply(
            message,
            _(
                "Your ticket {receipt} has been received. Send /start to open another request."
            ).format(receipt=data.get("receipt", "")),
        )

    @router.message(CommandText())
    async def unknown_command(
        message: Message, flow: Flow, inbound_message_id: int | None
    ) -> None:
        if await flow.step() is None:
            await flow.begin(message, inbound_message_id=inbound_message_id)
            return
        await flow.repeat(message, _("I don't know that command. /help lists the ones I know."))

    @router.message()
    async def anything_else(message: Message, flow: Flow, inbound_message_id: int | None) -> None:
        if message.media_group_id and await already_answered_album(flow, message.media_group_id):
            return  # one explanation per album, not one per photo
        step = await flow.step()
        if step is None:  # first contact, or after a cancel: every message opens the intake
            await flow.begin(message, inbound_message_id=inbound_message_id)
            return
        await flow.repeat(message, explain(message, step))

    @router.callback_query()
    async def stale_button(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer(_("That button no longer works."))
        step = await flow.step()
        if step is None:
            await flow.reply(callback, _("Send /start to open a request."))
            return
        await flow.repeat(
            callback, _("That button is from an earlier message. Here is where we are:")
        )

    return router


def explain(message: Message, step: str) -> str:
    """Why this message cannot be used at this step, and what to send instead."""
    if message.sticker is not None:
        return _("Stickers can't be used here.") + " " + expected(step)
    if message.voice or message.audio or message.video_note:
        return _("I can't use voice or audio messages. Please type your answer instead.")
    if message.location or message.venue:
        return _("I don't need a location.") + " " + expected(step)
    if message.contact:
        return _("I don't need a contact.") + " " + expected(step)
    if message.photo or message.document or message.video or message.animation:
        if step == "description" or step in BUTTON_STEPS:
            return (
                _("Files are collected a little later, at the attachments step.")
                + " "
                + expected(step)
            )
        return _("I need a text answer here; you can attach files a little later.")
    if message.text is not None and step in BUTTON_STEPS:
        return _("Please use the buttons.")
    return expected(step)


def expected(step: str) -> str:
    if step in BUTTON_STEPS or step == "welcome":
        return _("Please use the buttons.")
    return _("Please answer the question below.")


async def already_answered_album(flow: Flow, media_group_id: str) -> bool:
    """True for the second and later messages of an album (albums arrive one update each)."""
    data = await flow.data()
    if data.get("answered_album") == media_group_id:
        return True
    await flow.state.update_data(answered_album=media_group_id)
    return False

"""Catch-alls, last in line: first contact, the finished state, and bad input at any step.

Bad input never crashes and never loses the draft: a short explanation in the user's
language, then the same step again.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from intake import dialogue
from intake.bot.filters import CommandText, PrivateChat
from intake.bot.flow import Flow
from intake.bot.middlewares import tap_key
from intake.bot.prompts import sentences
from intake.bot.states import Intake
from intake.telegram_html import fill


def create_router() -> Router:
    router = Router(name="fallback")
    router.message.filter(PrivateChat())
    router.edited_message.filter(PrivateChat())

    @router.message(StateFilter(Intake.done))
    async def after_submit(message: Message, flow: Flow) -> None:
        await flow.reply(message, sent_already(flow))

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

    @router.edited_message()
    async def edit_not_taken(message: Message, flow: Flow) -> None:
        """An edit that changes nothing (an answer is edited in the steps router) is told so,
        rather than met with silence."""
        await flow.reply(message, edit_unused(flow, await flow.step()), quote=True)

    @router.callback_query()
    async def stale_button(callback: CallbackQuery, flow: Flow) -> None:
        if tap_key(callback) == flow.session.last_tap:
            # A double tap: the first one was answered just now, the same again is no news.
            await callback.answer()
            return
        step = await flow.step()
        if step == "done":  # a second tap on Confirm, or any old button after the receipt
            await callback.answer(sent_already(flow), show_alert=False)
            return
        await callback.answer(_("That button no longer works."))
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
        return sentences(_("Stickers can't be used here."), expected(step))
    if message.voice or message.audio or message.video_note:
        if buttons_only(step):
            return sentences(_("I can't use voice or audio messages."), expected(step))
        return _("I can't use voice or audio messages. Please type your answer instead.")
    if message.location or message.venue:
        return sentences(_("I don't need a location."), expected(step))
    if message.contact:
        return sentences(_("I don't need a contact."), expected(step))
    if message.photo or message.document or message.video or message.animation:
        return files_here(step)
    if message.text is not None and buttons_only(step):
        return _("Please use the buttons.")
    return expected(step)


def files_here(step: str) -> str:
    """Where files go, seen from ``step``: ahead (later), or behind (the ✏️ button)."""
    order = dialogue.order(with_account=True)
    here = dialogue.PARENT.get(step, step)
    if here == "review":
        return _("To add files, go back to the attachments step: tap ✏️ Attachments.")
    if here in order and order.index(here) > order.index("attachments"):
        return _("To add files, go back to the attachments step with /back.")
    if buttons_only(step) or step == "description":
        return sentences(
            _("Files are collected a little later, at the attachments step."), expected(step)
        )
    return _("I need a text answer here; you can attach files a little later.")


def buttons_only(step: str) -> bool:
    return step == "welcome" or (step in dialogue.BY_NAME and dialogue.get(step).buttons_only)


def expected(step: str) -> str:
    if buttons_only(step):
        return _("Please use the buttons.")
    return _("Please answer the question below.")


def sent_already(flow: Flow) -> str:
    return flow.receipt_note()


async def already_answered_album(flow: Flow, media_group_id: str) -> bool:
    """True for the second and later messages of an album (albums arrive one update each)."""
    if flow.session.answered_album == media_group_id:
        return True
    flow.changed(answered_album=media_group_id)
    return False


def edit_unused(flow: Flow, step: str | None) -> str:
    """Why an edit changed nothing, and what does: a new message."""
    if step == "done" and flow.session.receipt:
        return fill(
            _(
                "Your ticket {receipt} is already sent, so an edit does not change it. Send "
                "the correction as a new message and I will add it to the ticket."
            ),
            receipt=flow.session.receipt,
        )
    return _("That edit changes nothing here. Please send the correction as a new message.")

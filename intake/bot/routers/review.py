"""The review card: edit any field, confirm and submit, or cancel; then the receipt."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from intake import dialogue, failpoints
from intake.bot import impact_view
from intake.bot.attachment_work import AttachmentWork
from intake.bot.flow import Flow, tapped_message_id
from intake.bot.keyboards import Edit, Keyboard, Nav, TicketAction, nav_button
from intake.bot.routers.commands import cancel_current
from intake.bot.states import Intake
from intake.draft import TicketDraft
from intake.impact import format as impact_format
from intake.impact.levels import get_level
from intake.statuses import TicketStatus
from intake.storage import conversations
from intake.telegram_html import fill
from intake.tickets.sink import Receipt, TicketSink

logger = logging.getLogger(__name__)


def create_router() -> Router:
    router = Router(name="review")
    # Every button here belongs to the review step: one check skips them all elsewhere.
    router.callback_query.filter(StateFilter(Intake.review))

    @router.callback_query(Edit.filter())
    async def edit(callback: CallbackQuery, callback_data: Edit, flow: Flow) -> None:
        await callback.answer()
        editable = {s.name for s in dialogue.editable(with_account=flow.options.with_account)}
        if callback_data.field not in editable:
            await flow.repeat(callback, _("That button no longer works."))
            return
        flow.changed(editing=True, browser_other=False, os_other=False, show_version_help=False)
        await flow.show(callback_data.field, callback, edit=True)

    @router.callback_query(Nav.filter((F.step == "review") & (F.action == "cancel")))
    async def ask_cancel(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        builder = [
            [nav_button(_("Yes, discard it"), "review", "discard")],
            [nav_button(_("No, back to the review"), "review", "keep")],
        ]
        await flow.reply(
            callback,
            _("Discard this request? Nothing will be sent."),
            InlineKeyboardMarkup(inline_keyboard=builder),
            edit=True,
        )

    @router.callback_query(Nav.filter((F.step == "review") & (F.action == "discard")))
    async def discard(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await cancel_current(flow, keep=tapped_message_id(callback))
        await flow.reply(
            callback,
            _("Cancelled. Nothing was sent. Send /start whenever you want to open a request."),
            edit=True,
        )

    @router.callback_query(Nav.filter((F.step == "review") & (F.action == "keep")))
    async def keep(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await flow.show("review", callback, edit=True)

    @router.callback_query(Nav.filter((F.step == "review") & (F.action == "confirm")))
    async def confirm(
        callback: CallbackQuery,
        flow: Flow,
        bot: Bot,
        sink: TicketSink,
        attachment_work: AttachmentWork,
    ) -> None:
        await callback.answer()
        draft = await flow.draft()
        missing = dialogue.missing(draft, with_account=flow.options.with_account)
        if missing is not None:
            flow.changed(editing=True)
            await flow.reply(callback, _("One thing is still missing:"))
            await flow.show(missing, callback)
            return
        conversation_id = await flow.conversation_id()
        if conversation_id is None:
            await flow.repeat(callback, _("Please send /start first."))
            return
        attachment_ids = [ref.attachment_id for ref in draft.attachments]
        if attachment_work.unsettled(attachment_ids):
            # A file's check still runs (OCR takes seconds): say so, buttons away meanwhile.
            await flow.reply(callback, _("⏳ Sending…"), None, edit=True)
        await attachment_work.settle(bot, flow.chat_id, attachment_ids)
        draft = await flow.draft()
        opened_at = datetime.now(UTC)
        receipt = sink.submit(draft, conversation_id=conversation_id, opened_at=opened_at)
        conversations.update_conversation(
            flow.db, conversation_id, summary=draft.summary, impact=draft.impact
        )
        flow.set_step("done")
        flow.changed(ticket_id=receipt.ticket_id, receipt=receipt.receipt, prompt_id=None)
        # Saved now, not after the receipt: a second tap on Confirm must find the ticket sent.
        await flow.commit()
        failpoints.hit("after_ticket_saved")  # a crash here: the replay shows the receipt
        # The "Sending…" message becomes the receipt: no dead message left in the chat.
        mine = Keyboard()
        mine.button(
            text=_("📋 My tickets"),
            callback_data=TicketAction(action="show", ticket_id=receipt.ticket_id),
        )
        await flow.reply(
            callback,
            receipt_text(draft, receipt, flow.locale, flow.options.support_channel),
            mine.as_markup(),
            edit=True,
        )

    return router


def receipt_text(draft: TicketDraft, receipt: Receipt, locale: str, channel: str) -> str:
    level = get_level(draft.impact)
    lines = [
        _("✅ Thank you! Your ticket <b>{receipt}</b> has been received.").format(
            receipt=receipt.receipt
        ),
        _("Impact: <b>{level}</b>. First response within {time}.").format(
            level=_(level.name), time=impact_format.format_response_time(level, locale)
        ),
    ]
    if receipt.due_at is not None:
        lines.append(
            _("Expect a first response by {due}.").format(
                due=impact_view.due_html(receipt.due_at, locale)
            )
        )
    if receipt.status == TicketStatus.QUEUED:
        lines.append(_("I am filing it in Redmine now and will send you its number and link."))
    if locale == "zh_Hans":
        lines.append(_("Please note: if we offer you a call, it will be in English only."))
    lines.append(
        fill(
            _("If you cannot reach us here, write to the Telegram channel “{channel}”."),
            channel=channel,
        )
    )
    lines.append(_("Send /start to open another request."))
    return "\n".join(lines)

"""The review card: edit any field, confirm and submit, or cancel; then the receipt."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from html import escape

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from intake import steps
from intake.bot.attachment_work import AttachmentWork
from intake.bot.flow import Flow
from intake.bot.keyboards import Edit, Keyboard, Nav, TicketAction, nav_button
from intake.bot.routers.commands import cancel_current
from intake.bot.states import Intake
from intake.draft import TicketDraft
from intake.impact import format as impact_format
from intake.impact.levels import get_level
from intake.storage import records
from intake.tickets.sink import Receipt, TicketSink

logger = logging.getLogger(__name__)

# What must be there before a ticket can be sent, in the order they are asked.
REQUIRED = ("summary", "browser", "impact", "description")


def create_router() -> Router:
    router = Router(name="review")

    @router.callback_query(StateFilter(Intake.review), Edit.filter())
    async def edit(callback: CallbackQuery, callback_data: Edit, flow: Flow) -> None:
        await callback.answer()
        step = steps.EDITABLE.get(callback_data.field)
        if step is None or (step == "account" and not flow.options.with_account):
            await flow.repeat(callback, _("That button no longer works."))
            return
        await flow.state.update_data(
            return_to_review=True, browser_other=False, os_other=False, show_version_help=False
        )
        await flow.show(step, callback, edit=True)

    @router.callback_query(
        StateFilter(Intake.review), Nav.filter((F.step == "review") & (F.action == "cancel"))
    )
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

    @router.callback_query(
        StateFilter(Intake.review), Nav.filter((F.step == "review") & (F.action == "discard"))
    )
    async def discard(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await cancel_current(flow)
        await flow.reply(
            callback,
            _("Cancelled. Nothing was sent. Send /start whenever you want to open a request."),
            edit=True,
        )

    @router.callback_query(
        StateFilter(Intake.review), Nav.filter((F.step == "review") & (F.action == "keep"))
    )
    async def keep(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        await flow.show("review", callback, edit=True)

    @router.callback_query(
        StateFilter(Intake.review), Nav.filter((F.step == "review") & (F.action == "confirm"))
    )
    async def confirm(
        callback: CallbackQuery,
        flow: Flow,
        bot: Bot,
        sink: TicketSink,
        attachment_work: AttachmentWork,
    ) -> None:
        await callback.answer()
        draft = await flow.draft()
        missing = next((field for field in REQUIRED if not getattr(draft, field)), None)
        if missing is not None:
            await flow.state.update_data(return_to_review=True)
            await flow.reply(callback, _("One thing is still missing:"))
            await flow.show(missing, callback)
            return
        conversation_id = await flow.conversation_id()
        if conversation_id is None:
            await flow.repeat(callback, _("Please send /start first."))
            return
        await flow.reply(callback, _("⏳ Sending…"), None, edit=True)
        await attachment_work.settle(
            bot, flow.chat_id, [ref.attachment_id for ref in draft.attachments]
        )
        draft = await flow.draft()
        opened_at = datetime.now(UTC)
        receipt = sink.submit(draft, conversation_id=conversation_id, opened_at=opened_at)
        records.update_conversation(
            flow.db, conversation_id, summary=draft.summary, impact=draft.impact
        )
        await flow.state.set_state(Intake.done)
        await flow.state.update_data(ticket_id=receipt.ticket_id, receipt=receipt.receipt)
        # The "Sending…" message becomes the receipt: no dead message left in the chat.
        mine = Keyboard()
        mine.button(text=_("📋 My tickets"),
                    callback_data=TicketAction(action="show", ticket_id=receipt.ticket_id))
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
            _("Expect it by {due}.").format(
                due=escape(impact_format.format_due(receipt.due_at, locale))
            )
        )
    if receipt.status == "queued":
        lines.append(_("I am filing it in Redmine now and will send you its number and link."))
    if locale == "zh_Hans":
        lines.append(_("Please note: if we offer you a call, it will be in English only."))
    lines.append(
        _("If you cannot reach us here, write to the Telegram channel “{channel}”.").format(
            channel=escape(channel)
        )
    )
    lines.append(_("Send /start to open another request."))
    return "\n".join(lines)

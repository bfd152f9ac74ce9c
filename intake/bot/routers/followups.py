"""After the receipt: what the customer sends goes to their ticket, through the outbox.

Each text, file and album photo is accepted at once ("this goes to issue #45") and queued
for the issue, after its filing and in the order sent, so nothing is lost while Redmine is
down or the ticket is not filed yet. A reply to one of a ticket's messages goes to that
ticket; anything else to the newest one. Files follow the English-only rule as at intake:
only a file the check found English goes to the issue.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from intake.attachments import messages as verdict_messages
from intake.attachments.reasons import sent_with_ticket
from intake.bot.attachment_work import AttachmentWork, IncomingFile
from intake.bot.filters import FileMessage, PrivateChat, TextAnswer
from intake.bot.flow import Flow
from intake.bot.keyboards import Keyboard, TicketAction
from intake.bot.routers.attachments import describe_file
from intake.bot.states import Intake
from intake.storage import attachments
from intake.storage import tickets as store
from intake.telegram_html import fill, plain
from intake.tickets import notices
from intake.tickets.sink import TicketSink

logger = logging.getLogger(__name__)


def create_router() -> Router:
    router = Router(name="followups")
    router.message.filter(PrivateChat(), StateFilter(Intake.done))

    @router.message(TextAnswer())
    async def comment(message: Message, flow: Flow, sink: TicketSink) -> None:
        ticket = await target_ticket(flow, message)
        if ticket is None:
            return
        followup = sink.add_followup(
            ticket.id, key=f"{flow.chat_id}:{message.message_id}", text=message.text or ""
        )
        if not followup.queued:
            await flow.reply(
                message,
                _("Thank you, I added this to your ticket {receipt} for our support team.").format(
                    receipt=ticket.receipt
                ),
            )
            return
        await flow.reply(
            message,
            plain(notices.followup_message(flow.locale, ticket.receipt, followup.issue_id)),
        )

    @router.message(FileMessage())
    async def attachment(
        message: Message,
        flow: Flow,
        bot: Bot,
        attachment_work: AttachmentWork,
        sink: TicketSink,
    ) -> None:
        ticket = await target_ticket(flow, message, ask=False)
        if ticket is None:
            return
        name, mime, size, file_id, unique_id = describe_file(message)
        limit = min(flow.options.download_limit_bytes, flow.options.attachment_limit_bytes)
        if size is not None and size > limit:
            await flow.reply(
                message,
                plain(notices.too_large_message(flow.locale, name, size, limit)),
                quote=True,
            )
            return
        attachment_id = attachments.add_attachment(
            flow.db,
            conversation_id=ticket.conversation_id,
            user_id=flow.user_id,
            kind="followup",
            file_name=name,
            mime_type=mime,
            size=size,
            file_id=file_id,
            file_unique_id=unique_id,
            caption=message.caption,
        )
        incoming = IncomingFile(attachment_id, flow.chat_id, file_id, name, mime, message.caption)
        verdict = await attachment_work.check_now(bot, incoming)
        photo = bool(message.photo)
        if not sent_with_ticket(verdict.verdict):  # told why, and what to send instead
            await flow.reply(
                message,
                plain(verdict_messages.user_message(verdict, flow.locale, name, photo=photo)),
                quote=True,
            )
            return
        shown, _ours = verdict_messages.file_label(verdict, flow.locale, name, photo=photo)
        followup = sink.add_followup(
            ticket.id, key=f"{flow.chat_id}:{message.message_id}", attachment_id=attachment_id
        )
        if not followup.queued:
            await flow.reply(
                message,
                fill(
                    _("Thank you, I added {file_name} to your ticket {receipt}."),
                    file_name=shown,
                    receipt=ticket.receipt,
                ),
                quote=True,
            )
            return
        await flow.reply(
            message,
            plain(notices.followup_message(flow.locale, ticket.receipt, followup.issue_id, shown)),
            quote=True,
        )

    return router


async def target_ticket(
    flow: Flow, message: Message, *, ask: bool = True
) -> store.TicketRow | None:
    """The ticket of the message replied to, if it is one of this user's; the one chosen
    on a card; the only open one. With several open, a text waits while the user is asked
    (``ask``); a file goes to the newest, and the answer names it."""
    reply = message.reply_to_message
    if reply is not None:
        ticket = store.ticket_for_message(flow.db, flow.chat_id, reply.message_id)
        if ticket is not None and ticket.user_id == flow.user_id:
            return ticket
    data = await flow.data()
    ticket_id = data.get("ticket_id")
    current = store.get_ticket(flow.db, ticket_id) if ticket_id else None
    if data.get("ticket_chosen") and current is not None:
        return current
    open_tickets = [
        t for t in store.list_tickets(flow.db, user_id=flow.user_id, limit=20) if not t.closed
    ]
    if len(open_tickets) <= 1 or not ask:
        return current or (open_tickets[0] if open_tickets else None)
    await ask_which_ticket(flow, message, open_tickets)
    return None


async def ask_which_ticket(flow: Flow, message: Message, tickets: list[store.TicketRow]) -> None:
    """Several open tickets: keep the message, and ask which one it is for."""
    pending = list((await flow.data()).get("pending_followups", []))
    pending.append(message.message_id)
    await flow.state.update_data(pending_followups=pending[-20:])
    builder = Keyboard()
    for ticket in tickets[:8]:
        builder.button(
            text=f"{ticket.receipt}: {ticket.summary[:40]}",
            callback_data=TicketAction(action="to", ticket_id=ticket.id),
        )
    builder.adjust(1)
    await flow.reply(
        message, _("You have several open tickets. Which one is this for?"), builder.as_markup()
    )

"""After the receipt: what the user adds goes to their ticket (a Redmine note or attachment)."""

from __future__ import annotations

import logging
from html import escape

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from intake.attachments import messages as verdict_messages
from intake.bot.attachment_work import AttachmentWork, IncomingFile
from intake.bot.filters import FileMessage, PrivateChat, TextAnswer
from intake.bot.flow import Flow
from intake.bot.routers.attachments import describe_file
from intake.bot.states import Intake
from intake.storage import records
from intake.storage import tickets as store
from intake.tickets import notices
from intake.tickets.redmine.errors import RedmineError
from intake.tickets.redmine.sink import AttachmentTooLarge, RedmineFiler

logger = logging.getLogger(__name__)


def create_router() -> Router:
    router = Router(name="followups")
    router.message.filter(PrivateChat(), StateFilter(Intake.done))

    @router.message(TextAnswer())
    async def comment(message: Message, flow: Flow, filer: RedmineFiler | None) -> None:
        ticket = await current_ticket(flow)
        if ticket is None:
            return
        if filer is None or ticket.sink != "redmine":
            await flow.reply(
                message,
                _("Thank you, I added this to your ticket {receipt} for our support team.").format(
                    receipt=ticket.receipt
                ),
            )
            return
        if ticket.status != "filed":
            await flow.reply(message, escape(notices.not_filed_yet_message(ticket)))
            return
        try:
            result = await filer.add_comment(ticket.id, message.text or "")
        except (RedmineError, OSError):
            logger.exception("follow-up comment for %s", ticket.receipt)
            await flow.reply(message, escape(notices.followup_later_message(flow.locale)))
            return
        await flow.reply(message, escape(notices.followup_message(flow.locale, result.issue_id)))

    @router.message(FileMessage())
    async def attachment(
        message: Message,
        flow: Flow,
        bot: Bot,
        attachment_work: AttachmentWork,
        filer: RedmineFiler | None,
    ) -> None:
        ticket = await current_ticket(flow)
        if ticket is None:
            return
        name, mime, size, file_id, unique_id = describe_file(message)
        limit = min(flow.options.download_limit_bytes, flow.options.attachment_limit_bytes)
        if size is not None and size > limit:
            await flow.reply(
                message, escape(notices.too_large_message(flow.locale, name, size, limit))
            )
            return
        attachment_id = records.add_attachment(
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
        if verdict.verdict == "refused" or verdict.reason == "download_failed":
            await flow.reply(
                message,
                escape(verdict_messages.user_message(verdict, flow.locale, name, photo=photo)),
            )
            return
        shown, _ours = verdict_messages.file_label(verdict, flow.locale, name, photo=photo)
        if filer is None or ticket.sink != "redmine":
            await flow.reply(
                message,
                _("Thank you, I added {file_name} to your ticket {receipt}.").format(
                    file_name=escape(shown), receipt=ticket.receipt
                ),
            )
            return
        if ticket.status != "filed":
            await flow.reply(message, escape(notices.not_filed_yet_message(ticket)))
            return
        try:
            result = await filer.add_attachment(ticket.id, attachment_id)
        except LookupError:  # no bytes were kept (the download failed)
            await flow.reply(message, escape(notices.followup_later_message(flow.locale)))
            return
        except AttachmentTooLarge as exc:
            await flow.reply(
                message,
                escape(notices.too_large_message(flow.locale, exc.file_name, exc.size, exc.limit)),
            )
            return
        except (RedmineError, OSError):
            logger.exception("follow-up attachment for %s", ticket.receipt)
            await flow.reply(message, escape(notices.followup_later_message(flow.locale)))
            return
        await flow.reply(
            message, escape(notices.followup_message(flow.locale, result.issue_id, shown))
        )

    return router


async def current_ticket(flow: Flow) -> store.TicketRow | None:
    ticket_id = (await flow.data()).get("ticket_id")
    return store.get_ticket(flow.db, ticket_id) if ticket_id else None

"""The attachments step: photos and documents (albums too), each checked for English."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message, ReplyParameters
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from intake.attachments import messages as verdict_messages
from intake.attachments.policy import Verdict
from intake.bot.attachment_work import AttachmentWork, IncomingFile
from intake.bot.filters import FileMessage, PrivateChat, TextAnswer
from intake.bot.flow import Flow, tapped_message_id
from intake.bot.keyboards import Nav, nav_button, single_row
from intake.bot.prompts import VERDICT_ICONS
from intake.bot.states import Intake
from intake.draft import DESCRIPTION_MAX, AttachmentRef, TicketDraft
from intake.storage import attachments
from intake.telegram_html import fill, plain


def create_router() -> Router:
    router = Router(name="attachments")
    # Everything here belongs to the attachments step: one check skips it all elsewhere.
    router.message.filter(StateFilter(Intake.attachments), PrivateChat())
    router.callback_query.filter(StateFilter(Intake.attachments))

    @router.message(FileMessage())
    async def on_file(
        message: Message, flow: Flow, bot: Bot, attachment_work: AttachmentWork
    ) -> None:
        name, mime, size, file_id, unique_id = describe_file(message)
        conversation_id = await flow.conversation_id()
        if conversation_id is None:
            await flow.repeat(message, _("Please send /start first."))
            return
        # The row first, whatever happens next: staff see every file the customer sent.
        attachment_id = attachments.add_attachment(
            flow.db,
            conversation_id=conversation_id,
            user_id=flow.user_id,
            kind="photo" if message.photo else "document",
            file_name=name,
            mime_type=mime,
            size=size,
            file_id=file_id,
            file_unique_id=unique_id,
            caption=message.caption,
        )
        limit = min(flow.options.download_limit_bytes, flow.options.attachment_limit_bytes)
        if size is not None and size > limit:
            attachments.set_attachment_verdict(
                flow.db,
                attachment_id,
                verdict="unchecked",
                language=None,
                reason="too_large",
                excerpt="",
                elapsed_ms=0,
            )
            # Told as every file's verdict is: a reply to it, with the one Done button.
            sent = await flow.reply(
                message,
                fill(
                    _(
                        "⚠️ {name} is {size} MB; the limit is {limit} MB, so it was not added. "
                        "Please compress it, split it, or send only the relevant part."
                    ),
                    name=name,
                    size=f"{size / 1_048_576:.1f}",
                    limit=f"{limit / 1_048_576:.0f}",
                ),
                single_row(nav_button(_("✅ Done with files"), "attachments", "done")),
                quote=True,
            )
            if sent is not None:
                await attachment_work.move_done_button(bot, flow.chat_id, sent.message_id)
            return
        draft = await flow.draft()
        draft.attachments.append(
            AttachmentRef(attachment_id, name, size, mime, "pending", photo=bool(message.photo))
        )
        caption = (message.caption or "").strip()
        # The caption goes into the description (the policy never lets it decide a verdict);
        # the file's verdict says so, one message per file rather than two.
        note = ""
        if caption:
            if add_to_description(flow, draft, message, caption):
                note = _("The caption was added to the description.")
            else:
                note = _("The caption was not added: the description is full.")
        await flow.save(draft)
        incoming = IncomingFile(
            attachment_id,
            flow.chat_id,
            file_id,
            name,
            mime,
            message.caption,
            bool(message.photo),
            message.message_id,
        )
        attachment_work.start(
            bot, incoming, announcer(bot, flow.i18n, flow.locale, attachment_work, note)
        )

    @router.message(TextAnswer())
    async def on_text(message: Message, flow: Flow) -> None:
        """Text here is part of the description, in the customer's language (Chinese or
        English, as the support page allows); only attached files must be in English."""
        value = (message.text or "").strip()
        draft = await flow.draft()
        if not add_to_description(flow, draft, message, value):
            await flow.repeat(message, _("The description is full. Please tap Done."))
            return
        await flow.save(draft)
        # Replaces the note before it: a long paste in parts leaves one message, not one each.
        await flow.repeat(message, _("Added to the description."), replace=True)

    @router.callback_query(Nav.filter((F.step == "attachments") & (F.action == "done")))
    async def done(
        callback: CallbackQuery, flow: Flow, bot: Bot, attachment_work: AttachmentWork
    ) -> None:
        await callback.answer()
        await attachment_work.retire_done_button(bot, flow.chat_id)
        # Skip on the step's own question turns it into the next one. A verdict's Done keeps
        # the verdict as it was (the customer's record of what was accepted, a reply to its
        # file) and the next step comes as a message of its own.
        on_prompt = tapped_message_id(callback) == flow.session.prompt_id
        await flow.forward("attachments", callback, edit=on_prompt)

    return router


def add_to_description(flow: Flow, draft: TicketDraft, message: Message, value: str) -> bool:
    """Append ``value`` to the description; False when it would not fit."""
    if len(draft.description_text) + len(value) > DESCRIPTION_MAX:
        return False
    draft.description.append(value)
    answers = dict(flow.session.answers)
    answers[str(message.message_id)] = f"description:{len(draft.description) - 1}"
    flow.changed(answers=answers)
    return True


def describe_file(message: Message) -> tuple[str, str | None, int | None, str, str]:
    """(file name, MIME type, size, file_id, file_unique_id) of a photo or document."""
    if message.document is not None:
        doc = message.document
        name = doc.file_name or f"file_{message.message_id}"
        return name, doc.mime_type, doc.file_size, doc.file_id, doc.file_unique_id
    assert message.photo  # FileMessage() lets only photos and documents through
    photo = message.photo[-1]  # the largest size
    name = f"photo_{message.message_id}.jpg"
    return name, "image/jpeg", photo.file_size, photo.file_id, photo.file_unique_id


def announcer(bot: Bot, i18n: I18n, locale: str, work: AttachmentWork, note: str = ""):
    """Tell the user one file's verdict, in their language, with the Done button (which the
    verdict before gives up: one Done button among the verdicts, not one per file); ``note``
    (already translated) follows it: what became of the file's caption."""

    async def announce(incoming: IncomingFile, verdict: Verdict) -> None:
        with i18n.use_locale(locale):
            icon = VERDICT_ICONS.get(verdict.verdict, "•")
            text = f"{icon} " + plain(
                verdict_messages.user_message(
                    verdict, locale, incoming.file_name, photo=incoming.photo
                )
            )
            if note:
                text += "\n" + plain(note)
            markup = single_row(nav_button(_("✅ Done with files"), "attachments", "done"))
        # A reply to the file's own message: in an album of photos, which one it is about.
        replied = (
            ReplyParameters(message_id=incoming.message_id, allow_sending_without_reply=True)
            if incoming.message_id
            else None
        )
        sent = await bot.send_message(
            incoming.chat_id, text, reply_markup=markup, reply_parameters=replied
        )
        await work.move_done_button(bot, incoming.chat_id, sent.message_id)

    return announce

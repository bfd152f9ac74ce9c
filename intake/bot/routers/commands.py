"""Commands that work at any step: /start /cancel /back /help /language /status,
and the language button every step's message carries. ``COMMAND_DESCRIPTIONS`` is the one
list of commands: the menu Telegram shows and /help both read it."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from intake import dialogue
from intake.bot import prompts
from intake.bot.attachment_work import AttachmentWork
from intake.bot.filters import ButtonsOf, MaybeCommand, PrivateChat
from intake.bot.flow import Flow, tapped_message_id
from intake.bot.keyboards import InProgress, Keyboard, Lang
from intake.i18n import LOCALES, N_
from intake.statuses import ConversationStatus
from intake.storage import conversations

COMMAND_DESCRIPTIONS = (
    ("start", N_("Open a new support request")),
    ("back", N_("Go back one step")),
    ("status", N_("Show what you have entered")),
    ("tickets", N_("Your tickets and what happened to them")),
    ("language", N_("Switch between English and Chinese")),
    ("cancel", N_("Discard the request")),
    ("help", N_("What I can do")),
)

_QUIET_STEPS = dialogue.QUIET  # no draft being filled: /start asks nothing, /back goes nowhere


def create_router() -> Router:
    router = Router(name="commands")
    router.message.filter(PrivateChat(), MaybeCommand())  # its messages are all commands
    router.callback_query.filter(ButtonsOf(InProgress, Lang))

    @router.message(CommandStart())
    async def start(message: Message, flow: Flow, inbound_message_id: int | None) -> None:
        step = await flow.step()
        draft = await flow.draft()
        if step in _QUIET_STEPS or draft == type(draft)():
            await flow.begin(message, inbound_message_id=inbound_message_id)
            return
        this = await flow.conversation_id()
        builder = Keyboard()
        builder.button(
            text=_("Start over"), callback_data=InProgress(action="restart", conversation_id=this)
        )
        builder.button(
            text=_("Continue"), callback_data=InProgress(action="resume", conversation_id=this)
        )
        await flow.reply(
            message,
            _("You have a request in progress. Start over and discard what you entered?"),
            builder.as_markup(),
        )

    @router.callback_query(InProgress.filter(F.action == "restart"))
    async def restart(callback: CallbackQuery, callback_data: InProgress, flow: Flow) -> None:
        await callback.answer()
        if callback_data.conversation_id != await flow.conversation_id():
            await flow.repeat(
                callback, _("That button is from an earlier message. Here is where we are:")
            )
            return
        await cancel_current(flow)
        await flow.begin(callback, inbound_message_id=None, edit=True)

    @router.callback_query(InProgress.filter(F.action == "resume"))
    async def resume(callback: CallbackQuery, flow: Flow) -> None:
        await callback.answer()
        step = await flow.step()
        if step and step not in _QUIET_STEPS:
            await flow.show(step, callback, edit=True)

    @router.message(Command("cancel"))
    async def cancel(message: Message, flow: Flow) -> None:
        step = await flow.step()
        if step in (None, "done"):
            await flow.reply(
                message, _("There is nothing to cancel. Send /start to open a request.")
            )
            return
        await cancel_current(flow)
        await flow.reply(
            message,
            _("Cancelled. Nothing was sent. Send /start whenever you want to open a request."),
        )

    @router.message(Command("back"))
    async def back(message: Message, flow: Flow) -> None:
        if await flow.step() in _QUIET_STEPS:
            await flow.reply(message, _("There is no step to go back to. Send /start to begin."))
            return
        await flow.back(message)

    @router.message(Command("help"))
    async def help_(message: Message, flow: Flow) -> None:
        await flow.repeat(message, help_text())

    @router.message(Command("status"))
    async def status(message: Message, flow: Flow) -> None:
        step = await flow.step()
        if step in (None,):
            await flow.reply(message, _("No request in progress. Send /start to open one."))
            return
        if step == "review":  # the card is the status: show it once, not fields twice
            await flow.show("review", message)
            return
        draft = await flow.draft()
        with_account = flow.options.with_account
        asked = flow.session.editing or dialogue.passed(step, "account", with_account=with_account)
        await flow.repeat(
            message,
            prompts.status_text(
                draft, flow.locale, with_account=with_account, account_asked=asked
            ),
        )

    @router.message(Command("language"))
    async def language(message: Message, flow: Flow, attachment_work: AttachmentWork) -> None:
        target = "zh_Hans" if flow.locale == "en" else "en"
        await switch_to(flow, target, message, attachment_work, edit=False)

    @router.callback_query(Lang.filter())
    async def language_button(
        callback: CallbackQuery, callback_data: Lang, flow: Flow, attachment_work: AttachmentWork
    ) -> None:
        if callback_data.code not in LOCALES:
            await callback.answer()
            await flow.repeat(callback, _("That button no longer works."))
            return
        await callback.answer()
        await switch_to(flow, callback_data.code, callback, attachment_work, edit=True)

    return router


def help_text() -> str:
    """The commands as the menu lists them, so /help never leaves one out."""
    lines = [f"/{name} — {_(text)}" for name, text in COMMAND_DESCRIPTIONS]
    return "\n".join([_("I help you open an Orangesky support ticket. Commands:"), *lines])


async def cancel_current(flow: Flow, *, keep: int | None = None) -> None:
    """Drop the request in progress; its prompt keeps no live buttons (but ``keep``, the
    tapped message the caller edits next)."""
    conversation_id = await flow.conversation_id()
    step = await flow.step()
    if conversation_id is not None and step not in (None, "done"):
        conversations.end_conversation(flow.db, conversation_id, ConversationStatus.CANCELLED)
        await flow.retire_prompts(keep=keep)
    flow.clear()


async def switch_to(
    flow: Flow,
    locale: str,
    target: Message | CallbackQuery,
    attachment_work: AttachmentWork,
    *,
    edit: bool,
) -> None:
    """Change the language and ask the current step again in it; nothing is lost.

    The question comes last in the chat, in the new language, and no button is left live in
    the old one: a switch tapped on an offer above (not on the question) turns that offer
    into a note and asks the question anew below.
    """
    await flow.set_language(locale)
    step = await flow.step()
    tapped = tapped_message_id(target)
    on_offer = edit and tapped is not None and tapped != flow.session.prompt_id
    await flow.retire_offers(keep=tapped if on_offer else None)
    await attachment_work.retire_done_button(flow.bot, flow.chat_id)  # a verdict's, old language
    if on_offer:
        await flow.reply(
            target, _("All set: from now on I will write in this language."), edit=True
        )
        edit = False
    if step == "welcome":
        await flow.reply(target, *flow.welcome_prompt(), edit=edit)
    elif step and step != "done":
        await flow.show(step, target, edit=edit)
    elif not on_offer:
        await flow.reply(target, _("All set: from now on I will write in this language."))
